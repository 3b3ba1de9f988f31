import { DeleteOutlined, FormOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Form, Input, InputNumber, Select, Space, Tag, Typography, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unitTypes } from '../../../shared/domain/units';
import { itemFields, unitFields, uploadKinds } from '../../../shared/forms/definition';
import { fetchForms, fetchFormVersion, formKeys } from '../../api/forms';
import { fetchChildUnits, unitKeys } from '../../api/units';
import { useLanguage } from '../../app/language';
import { unitTypeLabel } from '../../lib/labels';
import { validationText } from '../../lib/validation';

export interface QuotaValue {
  minItems: number | null;
  maxItems: number | null;
  onePerPhase: boolean;
}

export interface RequiredFileValue {
  key: string;
  label: string;
  kinds: string[];
  required: boolean;
  maxCount?: number;
  maxBytes?: number;
}

export interface RoutingValue {
  unitTypes: string[];
  departmentUnitId: number | null;
}

/** The task's settings beyond title and deadline, as the editor holds them. */
export interface TaskSettingsValue {
  formVersionId: number | null;
  quota: QuotaValue;
  latePolicy: 'accept_flag' | 'close';
  routing: RoutingValue[];
  requiredFiles: RequiredFileValue[];
}

export const defaultTaskSettings = (): TaskSettingsValue => ({
  formVersionId: null,
  quota: { minItems: 0, maxItems: null, onePerPhase: false },
  latePolicy: 'accept_flag',
  routing: [],
  requiredFiles: [],
});

const defaultMaxBytes = 20 * 1024 * 1024;

/** The settings as the API takes them (PUT replaces every task field). */
export function taskSettingsBody(value: Partial<TaskSettingsValue>) {
  return {
    formVersionId: value.formVersionId ?? null,
    quota: {
      minItems: value.quota?.minItems ?? 0,
      maxItems: value.quota?.maxItems ?? null,
      onePerPhase: !!value.quota?.onePerPhase,
    },
    latePolicy: value.latePolicy ?? 'accept_flag',
    routing: (value.routing ?? [])
      .filter((r) => r && r.unitTypes?.length > 0 && r.departmentUnitId)
      .map((r) => ({ unitTypes: r.unitTypes, departmentUnitId: r.departmentUnitId! })),
    requiredFiles: (value.requiredFiles ?? [])
      .filter(Boolean)
      .map((f) => ({
        key: (f.key ?? '').trim(),
        label: (f.label ?? '').trim(),
        kinds: f.kinds ?? [],
        required: f.required !== false,
        maxCount: f.maxCount ?? 1,
        maxBytes: f.maxBytes ?? defaultMaxBytes,
      })),
  };
}

const fileKeyPattern = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;

/** The next file row: 盖章PDF版, then Word版, then blank rows with keys file3, file4 … */
function nextRequiredFile(existing: RequiredFileValue[], labels: { stamped: string; word: string }): RequiredFileValue {
  const keys = new Set(existing.map((f) => f?.key));
  const base = { required: true, maxCount: 1, maxBytes: defaultMaxBytes };
  if (!keys.has('stampedPdf')) return { key: 'stampedPdf', label: labels.stamped, kinds: ['pdf'], ...base };
  if (!keys.has('wordVersion')) return { key: 'wordVersion', label: labels.word, kinds: ['docx', 'doc'], ...base };
  let n = existing.length + 1;
  while (keys.has(`file${n}`)) n++;
  return { key: `file${n}`, label: '', kinds: ['pdf'], ...base };
}

/**
 * 样表、数量、逾期、报送材料、分送: the form units fill for the task (the latest version of one of
 * the issuer's forms), how many items it wants, what happens after the deadline, the files handed
 * in beside it, and which of the issuer's departments receives which kinds of unit.
 * A task passed on from the upstream notice keeps the upstream form, quota and files (shown only).
 */
export function TaskSettings({ form, name, index, issuerUnitId }: { form: FormInstance; name: number; index: number; issuerUnitId: number | undefined }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const inherited = !!Form.useWatch(['tasks', name, 'upstreamTaskId'], form);
  const formVersionId = Form.useWatch(['tasks', name, 'formVersionId'], form) as number | null | undefined;
  const forms = useQuery({ queryKey: formKeys.list(issuerUnitId ?? null), queryFn: () => fetchForms(issuerUnitId), enabled: !!issuerUnitId && !inherited });
  const version = useQuery({
    queryKey: formKeys.version(formVersionId ?? 0),
    queryFn: () => fetchFormVersion(formVersionId!),
    // An upstream form may belong to a unit this one cannot see: it is only named, not fetched.
    enabled: !!formVersionId && !inherited,
    retry: false,
    staleTime: Infinity,
  });
  const departments = useQuery({
    queryKey: unitKeys.children(issuerUnitId ?? 0, false),
    queryFn: () => fetchChildUnits(issuerUnitId!, false),
    enabled: !!issuerUnitId,
    select: (units) => units.filter((u) => u.type === 'internal_department' || u.type === 'affiliated_institution'),
  });

  const listed = forms.data ?? [];
  const options = listed.map((f) => ({ value: f.latestVersionId, label: t('notices.formOption', { name: f.name, version: f.latestVersion }) }));
  if (formVersionId && !options.some((o) => o.value === formVersionId)) {
    const own = version.data ? listed.find((f) => f.id === version.data.formId) : undefined;
    options.unshift({
      value: formVersionId,
      label: own ? t('notices.formOptionOld', { name: own.name, version: version.data!.version }) : t('notices.formOptionOther', { id: formVersionId }),
    });
  }
  const formId = version.data?.formId ?? listed.find((f) => f.latestVersionId === formVersionId)?.id;
  const definition = version.data?.definition;
  const fieldKeys = new Set(definition ? [...unitFields(definition), ...itemFields(definition)].map((f) => f.key) : []);
  const hasItems = !!definition?.itemGroup;
  const prefix = `tasks.${index}`;
  const quota = Form.useWatch(['tasks', name, 'quota'], form) as QuotaValue | undefined;
  const requiredFiles = (Form.useWatch(['tasks', name, 'requiredFiles'], form) as RequiredFileValue[] | undefined) ?? [];

  return (
    <div className="hj-task-settings" data-testid="task-settings">
      <Space wrap align="start" size="middle" style={{ width: '100%' }}>
        <Form.Item label={t('notices.taskForm')} style={{ minWidth: 320, marginBottom: 8 }} extra={inherited ? t('notices.inheritedForm') : t('notices.taskFormHint')}>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name={[name, 'formVersionId']} noStyle>
              <Select
                allowClear
                disabled={inherited}
                style={{ minWidth: 300 }}
                loading={forms.isFetching}
                data-testid={`${prefix}.formVersionId`}
                placeholder={inherited ? t('notices.inheritedFormShort') : t('notices.taskFormPlaceholder')}
                options={inherited ? (formVersionId ? [{ value: formVersionId, label: t('notices.inheritedFormShort') }] : []) : options}
                notFoundContent={
                  <Typography.Text type="secondary">
                    {t('notices.noForms')} <Link to="/forms">{t('notices.manageForms')}</Link>
                  </Typography.Text>
                }
              />
            </Form.Item>
            {formId && !inherited && (
              <Link to={`/forms/${formId}`} target="_blank">
                <Button icon={<FormOutlined />} aria-label={t('notices.openForm')} title={t('notices.openForm')} />
              </Link>
            )}
          </Space.Compact>
        </Form.Item>
        <Form.Item name={[name, 'quota', 'minItems']} label={t('notices.quotaMin')} style={{ width: 120, marginBottom: 8 }}>
          <InputNumber min={0} max={100} precision={0} disabled={inherited} data-testid={`${prefix}.quota.minItems`} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name={[name, 'quota', 'maxItems']}
          label={t('notices.quotaMax')}
          style={{ width: 120, marginBottom: 8 }}
          dependencies={[['tasks', name, 'quota', 'minItems']]}
          rules={[
            {
              validator: async (_rule, value: number | null) => {
                const min = quota?.minItems ?? 0;
                if (value !== null && value !== undefined && value < Math.max(1, min)) {
                  throw new Error(validationText('too_small', 'maxItems', language, { label: t('notices.quotaMax'), min: Math.max(1, min) }));
                }
              },
            },
          ]}
        >
          <InputNumber min={1} max={100} precision={0} disabled={inherited} placeholder={t('notices.quotaNoMax')} data-testid={`${prefix}.quota.maxItems`} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name={[name, 'quota', 'onePerPhase']} valuePropName="checked" label=" " style={{ marginBottom: 8 }}>
          <Checkbox disabled={inherited} data-testid={`${prefix}.quota.onePerPhase`}>
            {t('notices.quotaOnePerPhase')}
          </Checkbox>
        </Form.Item>
        <Form.Item name={[name, 'latePolicy']} label={t('notices.latePolicy')} style={{ minWidth: 240, marginBottom: 8 }}>
          <Select
            data-testid={`${prefix}.latePolicy`}
            options={[
              { value: 'accept_flag', label: t('latePolicy.accept_flag') },
              { value: 'close', label: t('latePolicy.close') },
            ]}
          />
        </Form.Item>
      </Space>
      {formVersionId && definition && !hasItems && ((quota?.minItems ?? 0) > 0 || quota?.onePerPhase) && (
        <Alert type="warning" showIcon style={{ marginBottom: 8 }} title={t('notices.quotaWithoutItems')} />
      )}

      <div className="hj-task-subtitle">
        {t('notices.requiredFiles')}
        <Typography.Text type="secondary" style={{ marginLeft: 8, fontWeight: 400 }}>
          {inherited ? t('notices.inheritedFiles') : t('notices.requiredFilesHint')}
        </Typography.Text>
      </div>
      <Form.List name={[name, 'requiredFiles']}>
        {(rows, { add, remove }) => (
          <div className="hj-list-editor">
            {rows.map((row, j) => (
              <div key={row.key} className="hj-list-row hj-list-row-wrap" data-testid="task-required-file">
                <Form.Item
                  name={[row.name, 'label']}
                  style={{ marginBottom: 0, width: 200 }}
                  rules={[{ required: true, whitespace: true, message: validationText('required', 'label', language, { label: t('notices.requiredFileLabel') }) }]}
                >
                  <Input maxLength={60} disabled={inherited} placeholder={t('notices.requiredFileLabel')} data-testid={`${prefix}.requiredFiles.${j}.label`} />
                </Form.Item>
                <Form.Item
                  name={[row.name, 'kinds']}
                  style={{ marginBottom: 0, minWidth: 200 }}
                  rules={[{ required: true, type: 'array', min: 1, message: validationText('required', 'kinds', language, { label: t('notices.requiredFileKinds') }) }]}
                >
                  <Select
                    mode="multiple"
                    disabled={inherited}
                    placeholder={t('notices.requiredFileKinds')}
                    data-testid={`${prefix}.requiredFiles.${j}.kinds`}
                    options={uploadKinds.map((k) => ({ value: k, label: k.toUpperCase() }))}
                  />
                </Form.Item>
                <Form.Item name={[row.name, 'required']} valuePropName="checked" style={{ marginBottom: 0 }}>
                  <Checkbox disabled={inherited} data-testid={`${prefix}.requiredFiles.${j}.required`}>
                    {t('notices.requiredFileRequired')}
                  </Checkbox>
                </Form.Item>
                <Form.Item
                  name={[row.name, 'key']}
                  style={{ marginBottom: 0, width: 150 }}
                  rules={[
                    {
                      validator: async (_rule, value: string | undefined) => {
                        const key = (value ?? '').trim();
                        const label = t('notices.requiredFileKey');
                        if (!key) throw new Error(validationText('required', 'key', language, { label }));
                        if (!fileKeyPattern.test(key)) throw new Error(t('forms.keyFormat'));
                        if (fieldKeys.has(key)) throw new Error(t('notices.requiredFileKeyTaken', { key }));
                        if (requiredFiles.filter((f) => f?.key === key).length > 1) throw new Error(t('forms.duplicateKey', { key }));
                      },
                    },
                  ]}
                >
                  <Input maxLength={40} disabled={inherited} prefix={<Typography.Text type="secondary">{t('notices.requiredFileKeyShort')}</Typography.Text>} data-testid={`${prefix}.requiredFiles.${j}.key`} />
                </Form.Item>
                {!inherited && (
                  <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('notices.requiredFileRemove')} data-testid="task-required-file-remove" onClick={() => remove(row.name)} />
                )}
              </div>
            ))}
            {!inherited && rows.length < 5 && (
              <Button
                type="dashed"
                size="small"
                icon={<PlusOutlined />}
                data-testid="task-required-file-add"
                onClick={() =>
                  add(
                    nextRequiredFile((form.getFieldValue(['tasks', name, 'requiredFiles']) as RequiredFileValue[] | undefined) ?? [], {
                      stamped: t('notices.requiredFileStamped'),
                      word: t('notices.requiredFileWord'),
                    }),
                  )
                }
              >
                {t('notices.requiredFileAdd')}
              </Button>
            )}
          </div>
        )}
      </Form.List>

      <div className="hj-task-subtitle">
        {t('notices.routing')}
        <Typography.Text type="secondary" style={{ marginLeft: 8, fontWeight: 400 }}>
          {t('notices.routingHint')}
        </Typography.Text>
      </div>
      <Form.List name={[name, 'routing']}>
        {(rows, { add, remove }) => (
          <div className="hj-list-editor">
            {rows.map((row, j) => (
              <div key={row.key} className="hj-list-row hj-list-row-wrap" data-testid="task-routing-row">
                <Form.Item
                  name={[row.name, 'unitTypes']}
                  style={{ marginBottom: 0, minWidth: 280 }}
                  rules={[{ required: true, type: 'array', min: 1, message: validationText('required', 'unitTypes', language, { label: t('notices.routingUnitTypes') }) }]}
                >
                  <Select
                    mode="multiple"
                    placeholder={t('notices.routingUnitTypes')}
                    data-testid={`${prefix}.routing.${j}.unitTypes`}
                    options={unitTypes.map((type) => ({ value: type, label: unitTypeLabel(type, language) }))}
                  />
                </Form.Item>
                <span>→</span>
                <Form.Item
                  name={[row.name, 'departmentUnitId']}
                  style={{ marginBottom: 0, minWidth: 220 }}
                  rules={[{ required: true, message: validationText('required', 'departmentUnitId', language, { label: t('notices.routingDepartment') }) }]}
                >
                  <Select
                    placeholder={t('notices.routingDepartment')}
                    data-testid={`${prefix}.routing.${j}.departmentUnitId`}
                    loading={departments.isFetching}
                    options={(departments.data ?? []).map((u) => ({ value: u.id, label: u.shortName }))}
                  />
                </Form.Item>
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('notices.routingRemove')} onClick={() => remove(row.name)} />
              </div>
            ))}
            {rows.length < 20 && (
              <Space>
                <Button
                  type="dashed"
                  size="small"
                  icon={<PlusOutlined />}
                  data-testid="task-routing-add"
                  disabled={departments.isSuccess && departments.data.length === 0}
                  onClick={() => add({ unitTypes: [], departmentUnitId: null })}
                >
                  {t('notices.routingAdd')}
                </Button>
                {departments.isSuccess && departments.data.length === 0 && <Tag>{t('notices.noDepartments')}</Tag>}
              </Space>
            )}
          </div>
        )}
      </Form.List>
    </div>
  );
}
