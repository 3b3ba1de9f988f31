import { DeleteOutlined, EyeOutlined, NumberOutlined, PlusOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Result, Select, Space, Spin, Typography, type FormInstance } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { createNoticeBody, noticeContact, taskInput } from '../../../shared/contracts/notices';
import { normalizeDocumentNumber, parseDocumentNumber } from '../../../shared/domain/document-number';
import { api, ApiError } from '../../api/client';
import { campaignKeys, fetchCampaigns } from '../../api/campaigns';
import { fetchNotice, noticeKeys } from '../../api/notices';
import { fetchUnit, unitKeys } from '../../api/units';
import type { AddresseeRule, NoticeTaskView, NoticeView, RecipientsPreview } from '../../api/types';
import { useLanguage } from '../../app/language';
import { DateInput } from '../../components/date-input';
import { ForbiddenResult } from '../../components/status-pages';
import type { PickedUnit } from '../../components/unit-picker';
import { UnitsPicker } from '../../components/units-picker';
import { chineseDate, formatDay } from '../../lib/dates';
import { baseDetail, useErrorText, useReportError } from '../../lib/errors';
import { contractRules, labelOf, validationText } from '../../lib/validation';
import { campaignManagerRoles, hasAnyRole, unitsWithRole, useRequiredSession } from '../../session/session';
import { AddresseePicker } from './addressee-picker';
import { AttachmentsInput, type AttachmentValue } from './attachments-input';
import { quotedTitle } from './notice-labels';
import { defaultTaskSettings, TaskSettings, taskSettingsBody, type TaskSettingsValue } from './task-settings';
import type { RichTextEditorProps } from './rich-text-editor';

// TipTap is loaded with the editor, not before.
const RichTextEditor = lazy(() => import('./rich-text-editor'));

function BodyEditor(props: RichTextEditorProps) {
  return (
    <Suspense fallback={<div className="hj-rte hj-rte-loading"><Spin /></div>}>
      <RichTextEditor {...props} />
    </Suspense>
  );
}

interface TaskValue extends Partial<TaskSettingsValue> {
  title: string;
  description: string;
  deadline: string | null;
  upstreamTaskId?: number | null;
  /** Shown, not sent: the upstream notice's deadline for an inherited task. */
  upstreamDeadline?: string | null;
  /**
   * The task's other settings this editor does not show (assignees …), sent back as they came:
   * PUT replaces the whole task list.
   */
  extra?: Record<string, unknown>;
}

/** Fields of a task view that are either edited here or only shown. */
const shownTaskFields = new Set([
  'id',
  'title',
  'description',
  'deadline',
  'deadlineDate',
  'upstreamTaskId',
  'upstreamDeadline',
  'deadlineConflict',
  'version',
  'formVersionId',
  'quota',
  'latePolicy',
  'routing',
  'requiredFiles',
]);

function extraOf(task: NoticeTaskView): Record<string, unknown> {
  return Object.fromEntries(Object.entries(task).filter(([key]) => !shownTaskFields.has(key)));
}

/** Holds a value in the form without showing it. */
function HiddenValue(_props: { value?: unknown }) {
  return null;
}

interface ContactValue {
  name: string;
  phone: string;
  email: string;
}

export interface NoticeFormValues {
  issuerUnitId: number;
  campaignId: number | null;
  documentNumber: string;
  title: string;
  addresseeRules: AddresseeRule[];
  addresseeText: string;
  bodyHtml: string;
  contacts: ContactValue[];
  signature: string[];
  issueDate: string | null;
  coIssuerUnitIds: PickedUnit[];
  attachments: AttachmentValue[];
  tasks: TaskValue[];
}

interface EditorSource {
  /** The saved draft being edited (absent for a new notice). */
  notice?: NoticeView;
  /** A new supplementary notice to this one. */
  supplements?: NoticeView;
  campaignId?: number;
}

const prefixKey = (unitId: number) => `huiju.documentPrefix.${unitId}`;

function rememberedPrefix(unitId: number | undefined): string {
  if (!unitId) return '';
  try {
    return window.localStorage.getItem(prefixKey(unitId)) ?? '';
  } catch {
    return '';
  }
}

function rememberPrefix(unitId: number | undefined, prefix: string) {
  if (!unitId || !prefix) return;
  try {
    window.localStorage.setItem(prefixKey(unitId), prefix);
  } catch {
    // Not remembered; typed again next time.
  }
}

const positive = (text: string | null | undefined) => {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** 起草/修改通知: /notices/new (?campaignId, ?supplements) and /notices/:id/edit. */
export default function NoticeEditorPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const errorText = useErrorText();
  const [params] = useSearchParams();
  const routeId = positive(useParams().id);
  // After the first save of a new notice the address becomes /notices/:id/edit and the editor
  // stays as it is; any other address (another draft) gets an editor of its own.
  const [createdId, setCreatedId] = useState<number | undefined>(undefined);
  const justCreated = createdId !== undefined && (routeId === undefined || routeId === createdId);
  const id = routeId;
  const supplementsId = positive(params.get('supplements'));
  const notice = useQuery({ queryKey: noticeKeys.detail(id ?? 0), queryFn: () => fetchNotice(id!), enabled: !!id && !justCreated });
  const supplements = useQuery({ queryKey: noticeKeys.detail(supplementsId ?? 0), queryFn: () => fetchNotice(supplementsId!), enabled: !id && !!supplementsId });
  const [generation, setGeneration] = useState(0);

  if (!hasAnyRole(session, campaignManagerRoles)) return <ForbiddenResult />;
  if (routeId && !justCreated) {
    if (notice.isPending) return <Spin />;
    if (notice.isError) return <Result status={notice.error instanceof ApiError && notice.error.status === 404 ? '404' : 'error'} title={errorText(notice.error)} />;
    if (!notice.data.canEdit) {
      return (
        <Result
          status="info"
          title={t('notices.notEditable')}
          extra={
            <Link to={`/notices/${notice.data.id}`}>
              <Button type="primary">{t('notices.openNotice')}</Button>
            </Link>
          }
        />
      );
    }
  }
  if (!id && supplementsId && supplements.isPending) return <Spin />;

  const source: EditorSource = {
    notice: id ? (notice.data ?? undefined) : undefined,
    supplements: !id ? supplements.data : undefined,
    campaignId: positive(params.get('campaignId')),
  };
  return (
    <NoticeEditor
      // A draft created here keeps its editor (and any field errors) when the address changes.
      key={`${justCreated ? 'new' : (routeId ?? 'new')}:${generation}`}
      source={source}
      onCreated={setCreatedId}
      onReload={() => {
        setCreatedId(undefined);
        setGeneration((g) => g + 1);
      }}
    />
  );
}

function initialValues(source: EditorSource, defaultIssuer: number | undefined): Partial<NoticeFormValues> {
  const { notice, supplements } = source;
  if (notice) {
    return {
      issuerUnitId: notice.issuerUnitId,
      campaignId: notice.campaignId,
      documentNumber: notice.documentNumber ?? '',
      title: notice.title,
      addresseeRules: notice.addresseeRules,
      addresseeText: notice.addresseeText,
      bodyHtml: notice.bodyHtml,
      contacts: notice.contacts.map((c) => ({ name: c.name, phone: c.phone ?? '', email: c.email ?? '' })),
      signature: notice.signature.length > 0 ? notice.signature : [notice.issuerFullName],
      issueDate: notice.issueDate,
      coIssuerUnitIds: notice.coIssuers.map((c) => ({ value: c.unitId, label: c.name })),
      attachments: notice.attachments.map((a) => ({ fileId: a.fileId, name: a.name, size: a.size })),
      tasks: notice.tasks.map((task) => ({
        title: task.title,
        description: task.description,
        deadline: task.deadlineDate,
        upstreamTaskId: task.upstreamTaskId,
        upstreamDeadline: task.upstreamDeadline,
        formVersionId: task.formVersionId,
        quota: { minItems: task.quota.minItems, maxItems: task.quota.maxItems, onePerPhase: task.quota.onePerPhase },
        latePolicy: task.latePolicy,
        routing: task.routing.map((r) => ({ unitTypes: [...r.unitTypes], departmentUnitId: r.departmentUnitId })),
        requiredFiles: task.requiredFiles.map((f) => ({ ...f, kinds: [...f.kinds] })),
        extra: extraOf(task),
      })),
    };
  }
  return {
    issuerUnitId: supplements?.issuerUnitId ?? defaultIssuer,
    campaignId: supplements?.campaignId ?? source.campaignId ?? null,
    documentNumber: '',
    title: supplements ? `关于${quotedTitle(supplements.title)}的补充通知` : '',
    addresseeRules: supplements?.addresseeRules ?? [],
    addresseeText: supplements?.addresseeText ?? '',
    bodyHtml: '',
    contacts: supplements?.contacts.map((c) => ({ name: c.name, phone: c.phone ?? '', email: c.email ?? '' })) ?? [{ name: '', phone: '', email: '' }],
    signature: supplements?.signature ?? [],
    issueDate: null,
    coIssuerUnitIds: [],
    attachments: [],
    tasks: [],
  };
}

/** The request body from the form: every field, since PUT replaces the whole draft. */
function requestBody(values: NoticeFormValues) {
  const text = (v: string | null | undefined) => (v ?? '').trim();
  const signature = (values.signature ?? []).map(text).filter((s) => s !== '');
  return {
    campaignId: values.campaignId ?? null,
    documentNumber: text(values.documentNumber) ? normalizeDocumentNumber(text(values.documentNumber)) : '',
    title: text(values.title),
    addresseeRules: values.addresseeRules ?? [],
    addresseeText: text(values.addresseeText),
    bodyHtml: values.bodyHtml ?? '',
    contacts: (values.contacts ?? [])
      .filter((c) => text(c.name) || text(c.phone) || text(c.email))
      .map((c) => ({ name: text(c.name), phone: text(c.phone), email: text(c.email) })),
    ...(signature.length > 0 ? { signature } : {}),
    issueDate: values.issueDate ?? null,
    coIssuerUnitIds: (values.coIssuerUnitIds ?? []).map((u) => u.value),
    attachments: (values.attachments ?? []).map((a) => ({ fileId: a.fileId, name: text(a.name) || a.fileId })),
    tasks: (values.tasks ?? []).map((task) => ({
      ...(task.extra ?? {}),
      title: text(task.title),
      description: text(task.description),
      deadline: task.deadline ?? '',
      ...(task.upstreamTaskId ? { upstreamTaskId: task.upstreamTaskId } : {}),
      ...taskSettingsBody(task),
    })),
  };
}

function NoticeEditor({ source, onCreated, onReload }: { source: EditorSource; onCreated: (id: number) => void; onReload: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [form] = Form.useForm<NoticeFormValues>();
  const issuers = unitsWithRole(session, campaignManagerRoles);
  const [initial] = useState(() => initialValues(source, issuers[0]?.id));
  const saved = useRef<{ id: number; version: number } | null>(source.notice ? { id: source.notice.id, version: source.notice.version } : null);
  const [savedId, setSavedId] = useState(source.notice?.id);
  const kind = source.notice?.kind ?? (source.supplements ? 'supplementary' : 'original');
  const forward = source.notice?.kind === 'forward' ? source.notice : undefined;

  const issuerUnitId = Form.useWatch('issuerUnitId', form) ?? initial.issuerUnitId;
  const coIssuerCount = (Form.useWatch('coIssuerUnitIds', form) ?? []).length;
  const issuer = useQuery({ queryKey: unitKeys.detail(issuerUnitId ?? 0), queryFn: () => fetchUnit(issuerUnitId!), enabled: !!issuerUnitId });
  const campaigns = useQuery({ queryKey: campaignKeys.list(null, null), queryFn: () => fetchCampaigns() });

  // A new notice is signed by its issuer unless the user wrote something else.
  useEffect(() => {
    if (source.notice || !issuer.data) return;
    const current = (form.getFieldValue('signature') as string[] | undefined) ?? [];
    if (current.length === 0 || current.every((s) => !s.trim())) form.setFieldValue('signature', [issuer.data.name]);
  }, [issuer.data, source.notice, form]);

  // The addressee line follows the rules until the user writes it differently.
  const generated = useRef<string | null>(null);
  const [preview, setPreview] = useState<RecipientsPreview | null>(null);
  const onPreview = useCallback(
    (next: RecipientsPreview | null) => {
      setPreview(next);
      if (!next) return;
      const current = ((form.getFieldValue('addresseeText') as string | undefined) ?? '').trim();
      if (current === '' || current === generated.current) form.setFieldValue('addresseeText', next.addresseeText);
      generated.current = next.addresseeText;
    },
    [form],
  );

  const [prefix, setPrefix] = useState(() => rememberedPrefix(initial.issuerUnitId) || (parseDocumentNumber(initial.documentNumber ?? '')?.prefix ?? ''));
  const nextNumber = useMutation({
    mutationFn: () => {
      const issueDate = form.getFieldValue('issueDate') as string | null;
      const year = issueDate ? Number(issueDate.slice(0, 4)) : new Date().getFullYear();
      return api.get<{ documentNumber: string }>('/notices/next-number', { query: { issuerUnitId, prefix: prefix.trim(), year } });
    },
    onSuccess: ({ documentNumber }) => {
      rememberPrefix(issuerUnitId, prefix.trim());
      form.setFieldValue('documentNumber', documentNumber);
      void form.validateFields(['documentNumber']);
    },
    onError: (error) => reportError(error),
  });

  const save = useMutation({
    mutationFn: async ({ values, issue }: { values: NoticeFormValues; issue: boolean }) => {
      const body = requestBody(values);
      let view: NoticeView;
      if (saved.current) {
        view = await api.put<NoticeView>(`/notices/${saved.current.id}`, { version: saved.current.version, ...body });
      } else {
        view = await api.post<NoticeView>('/notices', {
          issuerUnitId: values.issuerUnitId,
          ...(source.supplements ? { supplementsNoticeId: source.supplements.id } : {}),
          ...body,
        });
      }
      saved.current = { id: view.id, version: view.version };
      queryClient.setQueryData(noticeKeys.detail(view.id), view);
      if (!issue) return { view, issued: false };
      const issued = await api.post<NoticeView>(`/notices/${view.id}/issue`, { version: view.version });
      saved.current = { id: issued.id, version: issued.version };
      queryClient.setQueryData(noticeKeys.detail(issued.id), issued);
      return { view: issued, issued: true };
    },
    onSuccess: ({ view, issued }, { issue }) => {
      setSavedId(view.id);
      void queryClient.invalidateQueries({ queryKey: noticeKeys.all, predicate: (q) => q.queryKey[1] === 'list' });
      const parsed = parseDocumentNumber(view.documentNumber ?? '');
      if (parsed) rememberPrefix(view.issuerUnitId, parsed.prefix);
      if (issue && issued) {
        void message.success(view.status === 'pending_approval' ? t('notices.sentForApproval') : t('notices.issued'));
        void queryClient.invalidateQueries({ queryKey: noticeKeys.inboxAll });
        void navigate(`/notices/${view.id}`);
        return;
      }
      void message.success(t('notices.saved'));
      if (!source.notice) {
        onCreated(view.id);
        void navigate(`/notices/${view.id}/edit`, { replace: true });
      }
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') {
        modal.warning({
          title: error.problem ? baseDetail(error.problem) : errorText(error),
          content: t('notices.staleReload'),
          okText: t('common.confirm'),
          onOk: onReload,
        });
        return;
      }
      // The upstream deadline moved since the form was loaded: show the current ones.
      if (error instanceof ApiError && error.problem?.errors?.some((e) => e.code === 'deadline_after_upstream') && saved.current) {
        void refreshUpstreamDeadlines(saved.current.id);
      }
      // A new draft that was saved before issuing failed now has an address of its own.
      if (!source.notice && saved.current) {
        setSavedId(saved.current.id);
        onCreated(saved.current.id);
        void navigate(`/notices/${saved.current.id}/edit`, { replace: true });
      }
      reportError(error, form);
    },
  });

  const refreshUpstreamDeadlines = async (noticeId: number) => {
    try {
      const current = await fetchNotice(noticeId);
      const byUpstream = new Map(current.tasks.filter((task) => task.upstreamTaskId).map((task) => [task.upstreamTaskId, task.upstreamDeadline]));
      const tasks = (form.getFieldValue('tasks') as TaskValue[] | undefined) ?? [];
      tasks.forEach((task, index) => {
        if (task.upstreamTaskId && byUpstream.has(task.upstreamTaskId)) {
          form.setFieldValue(['tasks', index, 'upstreamDeadline'], byUpstream.get(task.upstreamTaskId));
        }
      });
    } catch {
      // The server's message is shown already; the hint stays as it was.
    }
  };

  const submit = async (issue: boolean) => {
    let values: NoticeFormValues;
    try {
      values = await form.validateFields();
    } catch (error) {
      // A field that changed while validating (a date picker committing its typed day as the click
      // on 保存 blurs it) makes antd give up as "out of date": validate the current values again.
      if (!(error as { outOfDate?: boolean }).outOfDate) return;
      try {
        values = await form.validateFields();
      } catch {
        return;
      }
    }
    if (issue) {
      // What the server requires before issuing, said here first.
      const missing: { name: 'documentNumber' | 'addresseeRules'; errors: string[] }[] = [];
      if (!values.documentNumber?.trim()) missing.push({ name: 'documentNumber', errors: [validationText('required', 'documentNumber', language)] });
      if (!values.addresseeRules?.length) missing.push({ name: 'addresseeRules', errors: [validationText('required', 'addresseeRules', language)] });
      else if (preview && preview.count === 0) missing.push({ name: 'addresseeRules', errors: [validationText('no_recipients', 'addresseeRules', language)] });
      if (missing.length > 0) {
        form.setFields(missing);
        form.scrollToField(missing[0]!.name);
        return;
      }
    }
    save.mutate({ values, issue });
  };

  const fields = createNoticeBody.shape;
  const label = (field: string) => labelOf(field, language);
  const campaignOptions = (campaigns.data ?? []).map((c) => ({ value: c.id, label: `${c.year} · ${c.unitName} · ${c.theme}` }));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 1080 }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {source.notice ? t('notices.editTitle') : kind === 'supplementary' ? t('notices.supplementTitle') : t('notices.createTitle')}
        </Typography.Title>
        {savedId && (
          <Link to={`/notices/${savedId}`}>
            <Button icon={<EyeOutlined />} data-testid="notice-preview">
              {t('notices.viewDocument')}
            </Button>
          </Link>
        )}
      </Space>
      {forward && forward.upstream[0] && (
        <Alert
          type="info"
          showIcon
          data-testid="notice-forward-source"
          title={t('notices.forwardIntro', {
            unit: forward.upstream[0].issuerName,
            title: quotedTitle(forward.upstream[0].title),
            number: forward.upstream[0].documentNumber ? `（${forward.upstream[0].documentNumber}）` : '',
          })}
          description={t('notices.forwardHint')}
        />
      )}
      {source.supplements && (
        <Alert
          type="info"
          showIcon
          title={t('notices.supplementIntro', { title: quotedTitle(source.supplements.title), number: source.supplements.documentNumber ?? '' })}
        />
      )}
      <Form<NoticeFormValues> form={form} layout="vertical" data-testid="notice-form" initialValues={initial} scrollToFirstError>
        <Card size="small" title={t('notices.sectionBasic')} style={{ marginBottom: 16 }}>
          <Space wrap align="start" size="large" style={{ width: '100%' }}>
            <Form.Item name="issuerUnitId" label={t('notices.issuer')} style={{ minWidth: 260 }}>
              {source.notice || source.supplements ? (
                <IssuerName name={source.notice?.issuerName ?? source.supplements?.issuerName ?? ''} />
              ) : (
                <Select
                  data-testid="notice-issuer"
                  options={issuers.map((u) => ({ value: u.id, label: u.name }))}
                  onChange={(unitId: number) => {
                    setPrefix(rememberedPrefix(unitId));
                    form.setFieldsValue({ signature: [], coIssuerUnitIds: [] });
                  }}
                />
              )}
            </Form.Item>
            <Form.Item name="campaignId" label={t('notices.campaign')} style={{ minWidth: 360 }}>
              <Select allowClear data-testid="notice-campaign" loading={campaigns.isFetching} options={campaignOptions} placeholder={t('notices.campaignPlaceholder')} />
            </Form.Item>
          </Space>
          <Form.Item
            name="documentNumber"
            label={label('documentNumber')}
            extra={t('notices.documentNumberHint')}
            rules={[
              {
                validator: async (_rule, value: string | undefined) => {
                  const text = (value ?? '').trim();
                  if (text && !parseDocumentNumber(text)) throw new Error(validationText('document_number_format', 'documentNumber', language));
                  if (text.length > 40) throw new Error(validationText('too_long', 'documentNumber', language, { max: 40 }));
                },
              },
            ]}
          >
            <DocumentNumberInput
              prefix={prefix}
              onPrefixChange={setPrefix}
              loading={nextNumber.isPending}
              onSuggest={() => nextNumber.mutate()}
              onNormalised={(text) => {
                const parsed = parseDocumentNumber(text);
                if (parsed) {
                  setPrefix(parsed.prefix);
                  rememberPrefix(issuerUnitId, parsed.prefix);
                }
              }}
            />
          </Form.Item>
          <Form.Item name="title" label={label('title')} rules={contractRules(fields.title, 'title', language, { required: true })}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={200} name="title" data-testid="title" placeholder={t('notices.titlePlaceholder')} />
          </Form.Item>
          <Form.Item name="coIssuerUnitIds" label={label('coIssuerUnitIds')} extra={t('notices.coIssuersHint')}>
            <UnitsPicker data-testid="notice-co-issuers" maxCount={10} exclude={(hit) => hit.id === issuerUnitId} placeholder={t('notices.coIssuersPlaceholder')} />
          </Form.Item>
        </Card>

        <Card size="small" title={t('notices.sectionAddressees')} style={{ marginBottom: 16 }}>
          <Form.Item name="addresseeRules" label={label('addresseeRules')} required>
            <AddresseePicker issuerUnitId={issuerUnitId} issuerLevel={issuer.data?.level} onPreview={onPreview} />
          </Form.Item>
          <Form.Item
            name="addresseeText"
            label={label('addresseeText')}
            extra={
              <Space size={4} wrap>
                <span>{t('notices.addresseeTextHint')}</span>
                {preview && (
                  <AddresseeRegenerate form={form} text={preview.addresseeText} onUse={(text) => (generated.current = text)} />
                )}
              </Space>
            }
            rules={contractRules(fields.addresseeText, 'addresseeText', language)}
          >
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} name="addresseeText" data-testid="addresseeText" />
          </Form.Item>
        </Card>

        <Card size="small" title={t('notices.sectionBody')} style={{ marginBottom: 16 }}>
          <Form.Item name="bodyHtml" noStyle>
            <BodyEditor />
          </Form.Item>
        </Card>

        <Card size="small" title={t('notices.sectionTasks')} style={{ marginBottom: 16 }} extra={<Typography.Text type="secondary">{t('notices.tasksHint')}</Typography.Text>}>
          <TasksField form={form} issuerUnitId={issuerUnitId} />
        </Card>

        <Card size="small" title={t('notices.sectionAttachments')} style={{ marginBottom: 16 }}>
          <Form.Item name="attachments" style={{ marginBottom: 0 }}>
            <AttachmentsInput unitId={issuerUnitId} />
          </Form.Item>
        </Card>

        <Card size="small" title={t('notices.sectionSignature')} style={{ marginBottom: 16 }}>
          <ContactsField />
          <SignatureField />
          <Form.Item name="issueDate" label={label('issueDate')} extra={t('notices.issueDateHint')}>
            <DateInput name="issueDate" data-testid="issueDate" allowClear />
          </Form.Item>
        </Card>

        <div className="hj-sticky-actions">
          <Space wrap>
            <Button icon={<SaveOutlined />} loading={save.isPending && !save.variables?.issue} disabled={save.isPending} onClick={() => void submit(false)} data-testid="notice-save">
              {t('notices.saveDraft')}
            </Button>
            <Button
              type="primary"
              icon={<SendOutlined />}
              loading={save.isPending && save.variables?.issue}
              disabled={save.isPending}
              onClick={() => void submit(true)}
              data-testid="notice-issue"
            >
              {coIssuerCount > 0
                ? t('notices.issueJoint')
                : preview && preview.count > 0
                  ? t('notices.issueTo', { count: preview.count })
                  : t('notices.issue')}
            </Button>
            <Typography.Text type="secondary">{t('notices.issueHint')}</Typography.Text>
          </Space>
        </div>
      </Form>
    </Space>
  );
}

function IssuerName({ name }: { name: string; value?: number }) {
  return (
    <Typography.Text strong data-testid="notice-issuer">
      {name}
    </Typography.Text>
  );
}

/** 文号 with a suggestion from the server: type the 机关代字 once (remembered per unit), take the next number. */
function DocumentNumberInput({
  value,
  onChange,
  id,
  prefix,
  onPrefixChange,
  onSuggest,
  onNormalised,
  loading,
}: {
  value?: string;
  onChange?: (value: string) => void;
  id?: string;
  prefix: string;
  onPrefixChange: (prefix: string) => void;
  onSuggest: () => void;
  onNormalised: (text: string) => void;
  loading: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Space wrap>
      <Input
        id={id}
        name="documentNumber"
        data-testid="documentNumber"
        value={value}
        maxLength={40}
        style={{ width: 260 }}
        placeholder={t('notices.documentNumberPlaceholder')}
        onChange={(e) => onChange?.(e.target.value)}
        onBlur={(e) => {
          const text = e.target.value.trim();
          if (!text) return;
          const normalised = normalizeDocumentNumber(text);
          if (normalised !== e.target.value) onChange?.(normalised);
          onNormalised(normalised);
        }}
      />
      <Space.Compact>
        <Input
          value={prefix}
          maxLength={20}
          style={{ width: 150 }}
          data-testid="document-prefix"
          aria-label={t('notices.documentPrefix')}
          placeholder={t('notices.documentPrefixPlaceholder')}
          onChange={(e) => onPrefixChange(e.target.value)}
          onPressEnter={(e) => {
            e.preventDefault();
            if (prefix.trim()) onSuggest();
          }}
        />
        <Button icon={<NumberOutlined />} loading={loading} disabled={!prefix.trim()} onClick={onSuggest} data-testid="document-number-suggest">
          {t('notices.suggestNumber')}
        </Button>
      </Space.Compact>
    </Space>
  );
}

function AddresseeRegenerate({ form, text, onUse }: { form: FormInstance<NoticeFormValues>; text: string; onUse: (text: string) => void }) {
  const { t } = useTranslation();
  const current = Form.useWatch('addresseeText', form) ?? '';
  if (current.trim() === text) return null;
  return (
    <Button
      type="link"
      size="small"
      style={{ padding: 0, height: 'auto' }}
      onClick={() => {
        onUse(text);
        form.setFieldValue('addresseeText', text);
      }}
    >
      {t('notices.addresseeRegenerate', { text })}
    </Button>
  );
}

function TasksField({ form, issuerUnitId }: { form: FormInstance<NoticeFormValues>; issuerUnitId: number | undefined }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const shape = taskInput.shape;
  return (
    <Form.List name="tasks">
      {(items, { add, remove }) => (
        <div className="hj-tasks">
          {items.length === 0 && <Typography.Paragraph type="secondary">{t('notices.tasksEmpty')}</Typography.Paragraph>}
          {items.map((field, index) => {
            const upstreamOf = (getFieldValue: FormInstance['getFieldValue']) =>
              getFieldValue(['tasks', field.name, 'upstreamDeadline']) as string | null | undefined;
            return (
              <div key={field.key} className="hj-task-row" data-testid="task-row">
                <div className="hj-task-index">{index + 1}</div>
                <div className="hj-task-fields">
                  <Form.Item name={[field.name, 'upstreamTaskId']} hidden>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[field.name, 'upstreamDeadline']} hidden>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[field.name, 'extra']} hidden>
                    <HiddenValue />
                  </Form.Item>
                  <Space wrap align="start" style={{ width: '100%' }}>
                    <Form.Item
                      name={[field.name, 'title']}
                      label={t('notices.taskTitle')}
                      rules={contractRules(shape.title, 'title', language, { required: true })}
                      style={{ minWidth: 420, marginBottom: 8 }}
                    >
                      <Input maxLength={200} name={`tasks.${index}.title`} data-testid={`tasks.${index}.title`} placeholder={t('notices.taskTitlePlaceholder')} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'deadline']}
                      label={labelOf('deadline', language)}
                      style={{ marginBottom: 8 }}
                      rules={[
                        { required: true, message: validationText('required', 'deadline', language) },
                        ({ getFieldValue }) => ({
                          validator: async (_rule, value: string | null) => {
                            // The same refusal as the server's (deadline_after_upstream), which remains the authority.
                            const upstream = upstreamOf(getFieldValue);
                            if (value && upstream && value > upstream) {
                              throw new Error(validationText('deadline_after_upstream', 'deadline', language, { upstream: chineseDate(upstream) }));
                            }
                          },
                        }),
                      ]}
                      extra={<UpstreamDeadline form={form} name={field.name} />}
                    >
                      <DateInput name={`tasks.${index}.deadline`} data-testid={`tasks.${index}.deadline`} />
                    </Form.Item>
                    <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('notices.taskRemove')} style={{ marginTop: 30 }} data-testid="task-remove" />
                  </Space>
                  <Form.Item name={[field.name, 'description']} rules={contractRules(shape.description, 'description', language)} style={{ marginBottom: 0 }}>
                    <Input.TextArea
                      autoSize={{ minRows: 1, maxRows: 4 }}
                      maxLength={2000}
                      name={`tasks.${index}.description`}
                      data-testid={`tasks.${index}.description`}
                      placeholder={t('notices.taskDescriptionPlaceholder')}
                    />
                  </Form.Item>
                  <TaskSettings form={form} name={field.name} index={index} issuerUnitId={issuerUnitId} />
                </div>
              </div>
            );
          })}
          {items.length < 20 && (
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ title: '', description: '', deadline: null, ...defaultTaskSettings() })} data-testid="task-add">
              {t('notices.taskAdd')}
            </Button>
          )}
        </div>
      )}
    </Form.List>
  );
}

/** "上级截止：…" under an inherited task's deadline (kept current when the upstream one moves). */
function UpstreamDeadline({ form, name }: { form: FormInstance<NoticeFormValues>; name: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const upstream = Form.useWatch(['tasks', name, 'upstreamDeadline'], form) as string | null | undefined;
  if (!upstream) return null;
  return <span data-testid="task-upstream-deadline">{t('notices.upstreamDeadline', { date: formatDay(upstream, language) })}</span>;
}

function ContactsField() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const shape = noticeContact.shape;
  return (
    <Form.Item label={labelOf('contacts', language)}>
      <Form.List name="contacts">
        {(items, { add, remove }) => (
          <div className="hj-list-editor">
            {items.map((field, index) => (
              <div key={field.key} className="hj-list-row hj-list-row-wrap" data-testid="contact-row">
                <Form.Item
                  name={[field.name, 'name']}
                  dependencies={[
                    ['contacts', field.name, 'phone'],
                    ['contacts', field.name, 'email'],
                  ]}
                  rules={[
                    ({ getFieldValue }) => ({
                      // A row left empty is dropped; a phone or e-mail needs the person's name.
                      validator: async (_rule, value: string | undefined) => {
                        const name = (value ?? '').trim();
                        const row = getFieldValue(['contacts', field.name]) as ContactValue | undefined;
                        if (!name && ((row?.phone ?? '').trim() || (row?.email ?? '').trim())) {
                          throw new Error(validationText('required', 'contacts', language));
                        }
                        if (name.length > 30) throw new Error(validationText('too_long', 'contacts', language, { max: 30 }));
                      },
                    }),
                  ]}
                  style={{ marginBottom: 0, width: 160 }}
                >
                  <Input maxLength={30} name={`contacts.${index}.name`} data-testid={`contacts.${index}.name`} placeholder={t('notices.contactName')} />
                </Form.Item>
                <Form.Item name={[field.name, 'phone']} rules={contractRules(shape.phone, 'phone', language)} style={{ marginBottom: 0, width: 200 }}>
                  <Input maxLength={40} name={`contacts.${index}.phone`} data-testid={`contacts.${index}.phone`} placeholder={t('notices.contactPhone')} />
                </Form.Item>
                <Form.Item name={[field.name, 'email']} rules={contractRules(shape.email, 'email', language)} style={{ marginBottom: 0, width: 240 }}>
                  <Input maxLength={200} name={`contacts.${index}.email`} data-testid={`contacts.${index}.email`} placeholder={t('notices.contactEmail')} />
                </Form.Item>
                <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('notices.contactRemove')} />
              </div>
            ))}
            {items.length < 10 && (
              <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ name: '', phone: '', email: '' })} data-testid="contact-add">
                {t('notices.contactAdd')}
              </Button>
            )}
          </div>
        )}
      </Form.List>
    </Form.Item>
  );
}

function SignatureField() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const rules = contractRules(createNoticeBody.shape.signature.unwrap().element, 'signature', language, { required: true });
  return (
    <Form.Item label={labelOf('signature', language)} extra={t('notices.signatureHint')}>
      <Form.List name="signature">
        {(items, { add, remove }) => (
          <div className="hj-list-editor">
            {items.map((field, index) => (
              <div key={field.key} className="hj-list-row">
                <Form.Item name={field.name} rules={rules} style={{ marginBottom: 0, flex: 1, maxWidth: 420 }}>
                  <Input maxLength={60} name={`signature.${index}`} data-testid={`signature.${index}`} />
                </Form.Item>
                <Button type="text" danger icon={<DeleteOutlined />} disabled={items.length <= 1} onClick={() => remove(field.name)} aria-label={t('notices.signatureRemove')} />
              </div>
            ))}
            {items.length < 10 && (
              <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add('')}>
                {t('notices.signatureAdd')}
              </Button>
            )}
          </div>
        )}
      </Form.List>
    </Form.Item>
  );
}
