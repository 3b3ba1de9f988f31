import {
  ArrowDownOutlined,
  ArrowLeftOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  PlusOutlined,
  SaveOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, Result, Select, Space, Spin, Tag, Tooltip, Typography, type FormInstance } from 'antd';
import { createContext, use, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { defaultModules, defaultPhases, defaultTargetGroups } from '../../../shared/domain/campaigns';
import { activityAttributes, fieldKinds, formDefinitionSchema, uploadKinds, type FieldKind, type FormDefinition } from '../../../shared/forms/definition';
import { formatMessage, validationMessages } from '../../../shared/i18n/messages';
import { api, ApiError } from '../../api/client';
import { fetchForm, formKeys } from '../../api/forms';
import type { FormView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { SubmissionForm } from '../../components/submission-form/submission-form';
import { contactParts } from '../../components/submission-form/field-input';
import { toFillValues, type FillValues } from '../../components/submission-form/values';
import { useErrorText, useReportError } from '../../lib/errors';
import { useDebounced } from '../../lib/use-debounced';
import { cleanDefinition, keysIn, newField, withKind, type DesignerField } from './designer-defaults';
import { replaceQueryData } from '../../lib/query-data';

type NamePath = (string | number)[];

interface DesignerValues {
  name: string;
  definition: FormDefinition;
}

/** Field rows that must show their settings (they hold a problem). */
const OpenRowsContext = createContext<ReadonlySet<string>>(new Set());

/** /forms/:id — design a form: sections and fields, a live preview, saved as a new version. */
export default function FormDesignerPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const view = useQuery({ queryKey: formKeys.detail(id), queryFn: () => fetchForm(id), enabled: valid, refetchOnWindowFocus: false });
  const [generation, setGeneration] = useState(0);
  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (view.isPending) return <Spin />;
  if (view.isError) return <Result status={view.error instanceof ApiError && view.error.status === 404 ? '404' : 'error'} title={errorText(view.error)} />;
  return (
    <Designer
      key={`${id}:${generation}`}
      view={view.data}
      onReload={async () => {
        await view.refetch();
        setGeneration((g) => g + 1);
      }}
    />
  );
}

function Designer({ view, onReload }: { view: FormView; onReload: () => Promise<void> }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const [form] = Form.useForm();
  const [initial] = useState<DesignerValues>(() => ({ name: view.name, definition: view.latest.definition }));
  const [basedOn, setBasedOn] = useState(view.latest.version);
  const [openRows, setOpenRows] = useState<ReadonlySet<string>>(new Set());
  const editable = view.canEdit;

  const save = useMutation({
    mutationFn: (body: { definition: FormDefinition; name: string }) =>
      api.post<FormView>(`/forms/${view.id}/versions`, { definition: body.definition, basedOnVersion: basedOn, ...(body.name !== view.name ? { name: body.name } : {}) }),
    onSuccess: async (next) => {
      setBasedOn(next.latest.version);
      await replaceQueryData(queryClient, formKeys.detail(next.id), next);
      void queryClient.invalidateQueries({ queryKey: formKeys.all, predicate: (q) => q.queryKey[1] === 'list' });
      void message.success(t('forms.savedVersion', { version: next.latest.version }));
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') {
        modal.confirm({
          title: t('forms.staleTitle'),
          content: t('forms.staleContent'),
          okText: t('forms.staleReload'),
          cancelText: t('forms.staleKeep'),
          onOk: () => void onReload(),
        });
        return;
      }
      reportError(error, form);
    },
  });

  const onSave = async () => {
    let values: DesignerValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const all = form.getFieldsValue(true) as DesignerValues;
    const name = (values.name ?? all.name ?? '').trim();
    if (!name) {
      form.setFields([{ name: 'name', errors: [formatMessage(validationMessages[language].required, { label: t('forms.name') })] }]);
      return;
    }
    const checked = checkDefinition(all.definition, t, language);
    if (!checked.ok) {
      form.setFields(checked.fieldErrors);
      setOpenRows(new Set(checked.fieldErrors.map((e) => rowOf(e.name)).filter((r): r is string => r !== null)));
      if (checked.general.length > 0) void message.error(checked.general.join('；'));
      else void message.error(t('forms.fixProblems', { count: checked.fieldErrors.length }));
      window.setTimeout(() => document.querySelector('.hj-designer .ant-form-item-has-error')?.scrollIntoView({ block: 'center', behavior: 'smooth' }), 80);
      return;
    }
    setOpenRows(new Set());
    save.mutate({ definition: checked.data, name });
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Link to="/forms">
            <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('forms.back')} />
          </Link>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('forms.designTitle', { name: view.name })}
          </Typography.Title>
          <Tag data-testid="form-version">{t('forms.versionN', { version: basedOn })}</Tag>
          <Typography.Text type="secondary">{view.unitName}</Typography.Text>
        </Space>
        {editable && (
          <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} onClick={() => void onSave()} data-testid="form-save">
            {t('forms.saveVersion')}
          </Button>
        )}
      </Space>
      {!editable && <Alert type="info" showIcon title={t('forms.readOnly')} />}
      <Alert type="info" showIcon title={t('forms.versionHint')} />
      <div className="hj-designer" data-testid="form-designer">
        <div className="hj-designer-editor">
          <OpenRowsContext value={openRows}>
            <Form form={form} layout="vertical" initialValues={initial} disabled={!editable} data-testid="form-designer-form">
              <DefinitionEditor form={form} />
            </Form>
          </OpenRowsContext>
        </div>
        <div className="hj-designer-preview">
          <Preview form={form} />
        </div>
      </div>
    </Space>
  );
}

/** "definition.itemGroup.sections.0.fields.2.key" → the row of that field ("…fields.2"), if it is one. */
function rowOf(name: NamePath): string | null {
  const index = name.lastIndexOf('fields');
  return index >= 0 && index + 1 < name.length ? name.slice(0, index + 2).join('.') : null;
}

type Translate = TFunction;

/** formDefinitionSchema (the API's own contract) on the cleaned definition, with problems as field errors. */
function checkDefinition(
  raw: unknown,
  t: Translate,
  language: 'zh-CN' | 'en',
): { ok: true; data: FormDefinition } | { ok: false; fieldErrors: { name: NamePath; errors: string[] }[]; general: string[] } {
  const cleaned = cleanDefinition(raw) as FormDefinition;
  const result = formDefinitionSchema.safeParse(cleaned);
  if (result.success) return { ok: true, data: result.data };
  const byName = new Map<string, { name: NamePath; errors: string[] }>();
  const general: string[] = [];
  const add = (name: NamePath, text: string) => {
    const key = name.join('.');
    const entry = byName.get(key) ?? { name, errors: [] };
    if (!entry.errors.includes(text)) entry.errors.push(text);
    byName.set(key, entry);
  };
  const sectionsOf = (): { path: NamePath; fields: { key?: string }[] }[] => [
    ...(cleaned.unitSections ?? []).map((s, i) => ({ path: ['definition', 'unitSections', i] as NamePath, fields: s.fields })),
    ...(cleaned.itemGroup?.sections ?? []).map((s, i) => ({ path: ['definition', 'itemGroup', 'sections', i] as NamePath, fields: s.fields })),
  ];
  for (const issue of result.error.issues as z.core.$ZodIssue[]) {
    const path = issue.path as (string | number)[];
    if (path[0] === 'fields' && typeof path[1] === 'string') {
      // A key used twice: marked on every field that has it.
      for (const section of sectionsOf()) {
        section.fields.forEach((f, i) => {
          if (f.key === path[1]) add([...section.path, 'fields', i, 'key'], t('forms.duplicateKey', { key: path[1] }));
        });
      }
      continue;
    }
    if (issue.code === 'custom') {
      general.push(t('forms.needsField'));
      continue;
    }
    add(['definition', ...path], issueText(issue, path, raw, t, language));
  }
  return { ok: false, fieldErrors: [...byName.values()], general };
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function issueText(issue: z.core.$ZodIssue, path: (string | number)[], raw: unknown, t: Translate, language: 'zh-CN' | 'en'): string {
  const setting = [...path].reverse().find((p): p is string => typeof p === 'string') ?? '';
  const label = t(`forms.settingLabels.${setting}` as 'forms.settingLabels.key', { defaultValue: setting });
  const messages = validationMessages[language];
  const value = valueAt(cleanDefinition(raw), path);
  const missing = value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
  if (setting === 'key' && !missing) return t('forms.keyFormat');
  const origin = (issue as { origin?: string }).origin;
  const isText = origin === 'string' || origin === 'array';
  switch (issue.code) {
    case 'too_small':
      if (missing) return formatMessage(messages.required, { label });
      return formatMessage(isText ? messages.too_short : messages.too_small, { label, min: Number((issue as { minimum?: number }).minimum) });
    case 'too_big':
      return formatMessage(isText ? messages.too_long : messages.too_big, { label, max: Number((issue as { maximum?: number }).maximum) });
    case 'invalid_type':
      return formatMessage(missing ? messages.required : messages.invalid, { label });
    case 'invalid_value':
      return formatMessage(messages.invalid_option, { label });
    default:
      return formatMessage(messages.invalid, { label });
  }
}

function DefinitionEditor({ form }: { form: FormInstance }) {
  const { t } = useTranslation();
  const hasGroup = Form.useWatch(['definition', 'itemGroup'], { form, preserve: true }) != null;
  const taken = () => keysIn((form.getFieldsValue(true) as DesignerValues).definition);
  return (
    <>
      <Card size="small" title={t('forms.sectionBasic')} style={{ marginBottom: 12 }}>
        <Form.Item name="name" label={t('forms.name')} extra={t('forms.nameExtra')}>
          <Input maxLength={100} data-testid="form-name" />
        </Form.Item>
        <Form.Item name={['definition', 'title']} label={t('forms.formTitle')} extra={t('forms.formTitleExtra')}>
          <Input maxLength={120} data-testid="form-title" />
        </Form.Item>
        <Form.Item name={['definition', 'sealLines']} valuePropName="checked" style={{ marginBottom: 0 }}>
          <Checkbox data-testid="form-seal-lines">{t('forms.sealLines')}</Checkbox>
        </Form.Item>
      </Card>

      <Card size="small" title={t('forms.unitSections')} extra={<Typography.Text type="secondary">{t('forms.unitSectionsHint')}</Typography.Text>} style={{ marginBottom: 12 }}>
        <SectionsList form={form} listName={['definition', 'unitSections']} abs={['definition', 'unitSections']} minCount={0} taken={taken} lastIsPrimary={!hasGroup} />
      </Card>

      <Card
        size="small"
        title={t('forms.itemGroup')}
        extra={
          <Checkbox
            checked={hasGroup}
            data-testid="form-itemgroup-toggle"
            onChange={(e) =>
              form.setFieldValue(
                ['definition', 'itemGroup'],
                e.target.checked ? { label: t('forms.blankItemLabel'), sections: [{ title: '', fields: [newField(taken(), t)] }] } : null,
              )
            }
          >
            {t('forms.itemGroupToggle')}
          </Checkbox>
        }
      >
        {hasGroup ? (
          <>
            <Form.Item name={['definition', 'itemGroup', 'label']} label={t('forms.itemLabel')} extra={t('forms.itemLabelExtra')}>
              <Input maxLength={30} data-testid="form-item-label" style={{ maxWidth: 320 }} />
            </Form.Item>
            <SectionsList form={form} listName={['definition', 'itemGroup', 'sections']} abs={['definition', 'itemGroup', 'sections']} minCount={1} taken={taken} lastIsPrimary />
          </>
        ) : (
          <Typography.Text type="secondary">{t('forms.noItemGroup')}</Typography.Text>
        )}
      </Card>
    </>
  );
}

/**
 * The sections of one part of the form. `lastIsPrimary`: the last section's "add field" button is
 * the designer's one `form-field-add` (a new field lands at the very end of the form).
 */
function SectionsList({
  form,
  listName,
  abs,
  minCount,
  taken,
  lastIsPrimary,
}: {
  form: FormInstance;
  listName: NamePath;
  abs: NamePath;
  minCount: number;
  taken: () => Set<string>;
  lastIsPrimary: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Form.List name={listName}>
      {(sections, { add, remove, move }) => (
        <div className="hj-designer-sections">
          {sections.map((section, index) => (
            <div key={section.key} className="hj-designer-section" data-testid="form-section">
              <Space wrap align="start" style={{ width: '100%' }}>
                <Form.Item name={[section.name, 'title']} label={t('forms.sectionTitle')} style={{ minWidth: 280, marginBottom: 8 }}>
                  <Input maxLength={60} placeholder={t('forms.sectionTitlePlaceholder')} data-testid="form-section-title" />
                </Form.Item>
                <Space size={0} style={{ marginTop: 30 }}>
                  <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={t('forms.moveUp')} onClick={() => move(index, index - 1)} />
                  <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={index === sections.length - 1} aria-label={t('forms.moveDown')} onClick={() => move(index, index + 1)} />
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    disabled={sections.length <= minCount}
                    aria-label={t('forms.sectionRemove')}
                    data-testid="form-section-remove"
                    onClick={() => remove(section.name)}
                  />
                </Space>
              </Space>
              <Form.Item name={[section.name, 'note']} label={t('forms.sectionNote')} style={{ marginBottom: 8 }}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} placeholder={t('forms.sectionNotePlaceholder')} data-testid="form-section-note" />
              </Form.Item>
              <FieldsList form={form} listName={[section.name, 'fields']} abs={[...abs, section.name, 'fields']} taken={taken} primary={lastIsPrimary && index === sections.length - 1} />
            </div>
          ))}
          <Button type="dashed" size="small" icon={<PlusOutlined />} data-testid="form-section-add" onClick={() => add({ title: '', fields: [newField(taken(), t)] })}>
            {t('forms.sectionAdd')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}

function FieldsList({ form, listName, abs, taken, primary }: { form: FormInstance; listName: NamePath; abs: NamePath; taken: () => Set<string>; primary: boolean }) {
  const { t } = useTranslation();
  return (
    <Form.List name={listName}>
      {(fields, { add, remove, move }) => (
        <div className="hj-designer-fields">
          {fields.map((field, index) => (
            <FieldRow
              key={field.key}
              form={form}
              name={field.name}
              abs={[...abs, field.name]}
              index={index}
              count={fields.length}
              onRemove={() => remove(field.name)}
              onMove={(to) => move(index, to)}
            />
          ))}
          <Button type="dashed" size="small" icon={<PlusOutlined />} data-testid={primary ? 'form-field-add' : 'form-field-add-section'} onClick={() => add(newField(taken(), t))}>
            {t('forms.fieldAdd')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}

function FieldRow({
  form,
  name,
  abs,
  index,
  count,
  onRemove,
  onMove,
}: {
  form: FormInstance;
  name: number;
  abs: NamePath;
  index: number;
  count: number;
  onRemove: () => void;
  onMove: (to: number) => void;
}) {
  const { t } = useTranslation();
  const forcedOpen = use(OpenRowsContext).has(abs.join('.'));
  const [open, setOpen] = useState(false);
  const kind = Form.useWatch([...abs, 'kind'], form) as FieldKind | undefined;
  const shown = open || forcedOpen;
  const kindOptions = fieldKinds.map((k) => ({ value: k, label: t(`fieldKinds.${k}`) }));
  return (
    <div className="hj-designer-field" data-testid="form-field-row">
      <div className="hj-designer-field-head">
        <span className="hj-list-index">{index + 1}</span>
        <Form.Item name={[name, 'label']} style={{ flex: 1, minWidth: 110, marginBottom: 0 }}>
          <Input maxLength={60} placeholder={t('forms.settingLabels.label')} data-testid="form-field-label" />
        </Form.Item>
        <Form.Item name={[name, 'kind']} style={{ width: 136, marginBottom: 0 }}>
          <Select
            options={kindOptions}
            data-testid="form-field-kind"
            onChange={(next: FieldKind) => {
              const current = form.getFieldValue(abs) as DesignerField;
              form.setFieldValue(abs, withKind(current, next));
            }}
          />
        </Form.Item>
        <Form.Item name={[name, 'required']} valuePropName="checked" style={{ marginBottom: 0 }}>
          <Checkbox data-testid="form-field-required">{t('forms.settingLabels.required')}</Checkbox>
        </Form.Item>
        <Space size={0}>
          <Tooltip title={t('forms.settings')}>
            <Button type={shown ? 'primary' : 'text'} ghost={shown} size="small" icon={<SettingOutlined />} aria-label={t('forms.settings')} data-testid="form-field-settings" onClick={() => setOpen(!open)} />
          </Tooltip>
          <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={t('forms.moveUp')} data-testid="form-field-up" onClick={() => onMove(index - 1)} />
          <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={index === count - 1} aria-label={t('forms.moveDown')} data-testid="form-field-down" onClick={() => onMove(index + 1)} />
          <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('forms.fieldRemove')} data-testid="form-field-remove" onClick={onRemove} />
        </Space>
      </div>
      <div className="hj-designer-field-settings" hidden={!shown}>
        <div className="hj-designer-grid">
          <Form.Item name={[name, 'key']} label={t('forms.settingLabels.key')} extra={t('forms.keyExtra')}>
            <Input maxLength={40} data-testid="form-field-key" />
          </Form.Item>
          <Form.Item name={[name, 'maps']} label={t('forms.settingLabels.maps')} extra={t('forms.mapsExtra')}>
            <Select allowClear data-testid="form-field-maps" options={activityAttributes.map((a) => ({ value: a, label: t(`forms.maps.${a}`) }))} placeholder={t('forms.mapsNone')} />
          </Form.Item>
          <Form.Item name={[name, 'help']} label={t('forms.settingLabels.help')}>
            <Input maxLength={300} data-testid="form-field-help" />
          </Form.Item>
          <Form.Item name={[name, 'printHint']} label={t('forms.settingLabels.printHint')}>
            <Input maxLength={100} data-testid="form-field-printHint" placeholder={t('forms.printHintPlaceholder')} />
          </Form.Item>
          <KindSettings name={name} kind={kind ?? 'short_text'} />
        </div>
      </div>
    </div>
  );
}

const megabyte = 1024 * 1024;

/** Bytes shown and typed as MB. */
function MegabytesInput({ value, onChange, id, ...rest }: { value?: number; onChange?: (v: number | null) => void; id?: string; 'data-testid'?: string }) {
  return (
    <InputNumber
      id={id}
      data-testid={rest['data-testid']}
      min={0.01}
      max={1024}
      step={1}
      suffix="MB"
      value={value !== undefined && value !== null ? Math.round((value / megabyte) * 100) / 100 : null}
      onChange={(mb) => onChange?.(mb === null ? null : Math.round(Number(mb) * megabyte))}
      style={{ width: '100%' }}
    />
  );
}

function KindSettings({ name, kind }: { name: number; kind: FieldKind }) {
  const { t } = useTranslation();
  const label = (setting: string): string => t(`forms.settingLabels.${setting}` as 'forms.settingLabels.key');
  switch (kind) {
    case 'short_text':
      return (
        <Form.Item name={[name, 'maxLength']} label={label('maxLength')}>
          <InputNumber min={1} max={500} precision={0} data-testid="form-field-maxLength" style={{ width: '100%' }} />
        </Form.Item>
      );
    case 'long_text':
      return (
        <Form.Item name={[name, 'maxWords']} label={label('maxWords')} extra={t('forms.maxWordsExtra')}>
          <InputNumber min={1} max={20000} precision={0} data-testid="form-field-maxWords" style={{ width: '100%' }} />
        </Form.Item>
      );
    case 'single_choice':
    case 'multi_choice':
      return (
        <>
          <Form.Item name={[name, 'options']} label={label('options')} extra={t('forms.optionsExtra')} className="hj-designer-wide">
            <Select mode="tags" open={false} tokenSeparators={[',', '，', '、']} data-testid="form-field-options" placeholder={t('forms.optionsPlaceholder')} />
          </Form.Item>
          <Form.Item name={[name, 'allowOther']} valuePropName="checked" label=" ">
            <Checkbox data-testid="form-field-allowOther">{label('allowOther')}</Checkbox>
          </Form.Item>
        </>
      );
    case 'target_group':
      return (
        <Form.Item name={[name, 'allowOther']} valuePropName="checked" label=" " extra={t('forms.targetGroupExtra')}>
          <Checkbox data-testid="form-field-allowOther">{label('allowOther')}</Checkbox>
        </Form.Item>
      );
    case 'number':
      return (
        <>
          <Form.Item name={[name, 'min']} label={label('min')}>
            <InputNumber data-testid="form-field-min" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name={[name, 'max']} label={label('max')}>
            <InputNumber data-testid="form-field-max" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name={[name, 'unit']} label={label('unit')}>
            <Input maxLength={10} data-testid="form-field-unit" placeholder={t('forms.unitPlaceholder')} />
          </Form.Item>
          <Form.Item name={[name, 'integer']} valuePropName="checked" label=" ">
            <Checkbox data-testid="form-field-integer">{label('integer')}</Checkbox>
          </Form.Item>
        </>
      );
    case 'contact':
      return (
        <Form.Item name={[name, 'requiredParts']} label={label('requiredParts')} className="hj-designer-wide">
          <Checkbox.Group data-testid="form-field-requiredParts" options={contactParts.map((p) => ({ value: p, label: t(`fill.contactParts.${p}`) }))} />
        </Form.Item>
      );
    case 'files':
      return (
        <>
          <Form.Item name={[name, 'kinds']} label={label('kinds')} className="hj-designer-wide">
            <Select mode="multiple" data-testid="form-field-kinds" options={uploadKinds.map((k) => ({ value: k, label: k.toUpperCase() }))} />
          </Form.Item>
          <Form.Item name={[name, 'minCount']} label={label('minCount')}>
            <InputNumber min={0} max={20} precision={0} data-testid="form-field-minCount" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name={[name, 'maxCount']} label={label('maxCount')}>
            <InputNumber min={1} max={20} precision={0} data-testid="form-field-maxCount" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name={[name, 'maxBytes']} label={label('maxBytes')}>
            <MegabytesInput data-testid="form-field-maxBytes" />
          </Form.Item>
        </>
      );
    default:
      return (
        <Typography.Text type="secondary" className="hj-designer-wide">
          {t(`forms.kindNote.${kind as 'date'}`, { defaultValue: '' })}
        </Typography.Text>
      );
  }
}

/** The form as a unit will fill it, from the last valid state of the editor (nothing is saved). */
function Preview({ form }: { form: FormInstance }) {
  const { t } = useTranslation();
  const raw = Form.useWatch('definition', { form, preserve: true }) as unknown;
  const settled = useDebounced(raw, 400);
  const [last, setLast] = useState<FormDefinition | null>(null);
  const parsed = useMemo(() => {
    if (settled === undefined) return null;
    const result = formDefinitionSchema.safeParse(cleanDefinition(settled));
    return result.success ? result.data : null;
  }, [settled]);
  // The last valid definition stays on screen while the current one has problems.
  if (parsed && parsed !== last) setLast(parsed);
  const shown = parsed ?? last;
  const context = useMemo(() => ({ phases: defaultPhases(new Date().getFullYear()), modules: defaultModules, targetGroups: defaultTargetGroups }), []);
  return (
    <Card size="small" title={t('forms.preview')} data-testid="form-preview" extra={<Typography.Text type="secondary">{t('forms.previewHint')}</Typography.Text>}>
      {!parsed && settled !== undefined && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('forms.previewStale')} />}
      {shown ? <PreviewForm key={JSON.stringify(shown)} definition={shown} context={context} /> : <Spin />}
    </Card>
  );
}

function PreviewForm({ definition, context }: { definition: FormDefinition; context: Parameters<typeof SubmissionForm>[0]['context'] }) {
  const [form] = Form.useForm<FillValues>();
  const [initial] = useState(() => toFillValues(null, definition));
  return <SubmissionForm form={form} definition={definition} context={context} mode="preview" initialValues={initial} data-testid="form-preview-fill" />;
}

