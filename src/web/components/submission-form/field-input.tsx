import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Checkbox, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { countWords } from '../../../shared/domain/word-count';
import type { ChoiceValue, FieldDefinition, FileValue, PhaseValue } from '../../../shared/forms/definition';
import { errorMessages, formatMessage } from '../../../shared/i18n/messages';
import { ApiError } from '../../api/client';
import { submissionLinks } from '../../api/submissions';
import { useLanguage } from '../../app/language';
import { shortDayRange } from '../../lib/dates';
import { baseDetail, isSessionEnd, useErrorText } from '../../lib/errors';
import { formatBytes } from '../../lib/labels';
import { DateInput } from '../date-input';
import { useFill } from './fill-context';

type NamePath = (string | number)[];

export const contactParts = ['name', 'officePhone', 'mobile', 'fax', 'email'] as const;

/** Form.Item props showing the problems recorded for `path` (the validator's and the server's). */
function useStatus() {
  const { problems } = useFill();
  return (...paths: string[]) => {
    const messages = paths.flatMap((p) => problems.get(p) ?? []);
    return messages.length > 0 ? { validateStatus: 'error' as const, help: messages.join('；') } : {};
  };
}

/**
 * One field of the form, by kind. `name` is the Form.Item name (relative inside the items list),
 * `abs` the full path; inputs carry the full path as data-testid and name (`items.0.workPlan`).
 */
export function FieldInput({ field, name, abs }: { field: FieldDefinition; name: NamePath; abs: NamePath }) {
  const { t } = useTranslation();
  const { context, mode } = useFill();
  const status = useStatus();
  const path = abs.join('.');
  const common = { label: field.label, required: field.required, extra: field.help || undefined };

  switch (field.kind) {
    case 'short_text':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <Input maxLength={field.maxLength} data-testid={path} name={path} />
        </Form.Item>
      );
    case 'address':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <Input maxLength={300} data-testid={path} name={path} />
        </Form.Item>
      );
    case 'long_text':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <LongTextInput maxWords={field.maxWords} path={path} />
        </Form.Item>
      );
    case 'number':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <InputNumber
            data-testid={path}
            name={path}
            min={field.min}
            max={field.max}
            precision={field.integer ? 0 : undefined}
            suffix={field.unit}
            style={{ width: 220 }}
          />
        </Form.Item>
      );
    case 'date':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <DateInput data-testid={path} name={path} allowClear />
        </Form.Item>
      );
    case 'date_range':
      return (
        <Form.Item {...common} {...status(path)}>
          <Space wrap align="start">
            <Form.Item name={[...name, 'start']} noStyle>
              <DateInput data-testid={`${path}.start`} name={`${path}.start`} placeholder={t('fill.dateFrom')} allowClear />
            </Form.Item>
            <span className="hj-fill-dash">—</span>
            <Form.Item name={[...name, 'end']} noStyle>
              <DateInput data-testid={`${path}.end`} name={`${path}.end`} placeholder={t('fill.dateTo')} allowClear />
            </Form.Item>
          </Space>
        </Form.Item>
      );
    case 'phase':
      return <PhaseField field={field} name={name} abs={abs} />;
    case 'module':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <Checkbox.Group className="hj-fill-checks">
            {context.modules.map((m) => (
              <Checkbox key={m.id} value={m.id} data-testid={`${path}.${m.id}`}>
                {m.name}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
      );
    case 'target_group':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <ChoiceInput path={path} multiple allowOther={field.allowOther} options={context.targetGroups.map((g) => ({ value: g.id, label: g.name }))} />
        </Form.Item>
      );
    case 'single_choice':
    case 'multi_choice':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <ChoiceInput path={path} multiple={field.kind === 'multi_choice'} allowOther={field.allowOther} options={field.options.map((o) => ({ value: o, label: o }))} />
        </Form.Item>
      );
    case 'contact':
      return (
        <Form.Item {...common} {...status(path)}>
          <div className="hj-fill-contact">
            {contactParts.map((part) => (
              <Form.Item
                key={part}
                name={[...name, part]}
                label={t(`fill.contactParts.${part}`)}
                required={field.required && field.requiredParts.includes(part)}
                layout="vertical"
                className="hj-fill-part"
                {...status(`${path}.${part}`)}
              >
                <Input maxLength={part === 'email' ? 200 : 40} data-testid={`${path}.${part}`} name={`${path}.${part}`} />
              </Form.Item>
            ))}
          </div>
        </Form.Item>
      );
    case 'files':
      return (
        <Form.Item name={name} {...common} {...status(path)}>
          <FilesInput field={field} path={path} readOnly={mode === 'readonly'} />
        </Form.Item>
      );
  }
}

/** 拟举办时间: a phase of the campaign, then the days inside it ("第一阶段 5月10日—25日"). */
function PhaseField({ field, name, abs }: { field: FieldDefinition; name: NamePath; abs: NamePath }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { context } = useFill();
  const form = Form.useFormInstance();
  const status = useStatus();
  const path = abs.join('.');
  const phaseId = Form.useWatch([...abs, 'phaseId'], form) as string | undefined;
  const phase = context.phases.find((p) => p.id === phaseId);

  const onPhase = (id: string | undefined) => {
    const next = context.phases.find((p) => p.id === id);
    if (!next) return;
    // Days outside the new phase (or none yet) become the whole phase, to be narrowed.
    const current = (form.getFieldValue(abs) as Partial<PhaseValue> | undefined) ?? {};
    const inside = (day: string | undefined) => !!day && day >= next.startDate && day <= next.endDate;
    if (!inside(current.startDate)) form.setFieldValue([...abs, 'startDate'], next.startDate);
    if (!inside(current.endDate)) form.setFieldValue([...abs, 'endDate'], next.endDate);
  };

  return (
    <Form.Item label={field.label} required={field.required} extra={field.help || undefined} {...status(path)}>
      <Space wrap align="start" className="hj-fill-phase">
        <Form.Item name={[...name, 'phaseId']} className="hj-fill-part" {...status(`${path}.phaseId`)}>
          <Select
            data-testid={`${path}.phaseId`}
            style={{ width: 240 }}
            allowClear
            placeholder={t('fill.phasePlaceholder')}
            options={context.phases.map((p) => ({ value: p.id, label: `${p.name} ${shortDayRange(p.startDate, p.endDate, language)}` }))}
            onChange={onPhase}
          />
        </Form.Item>
        <Form.Item name={[...name, 'startDate']} className="hj-fill-part" {...status(`${path}.startDate`)}>
          <DateInput
            data-testid={`${path}.startDate`}
            name={`${path}.startDate`}
            placeholder={t('fill.dateFrom')}
            minDate={phase?.startDate}
            maxDate={phase?.endDate}
          />
        </Form.Item>
        <span className="hj-fill-dash">—</span>
        <Form.Item name={[...name, 'endDate']} className="hj-fill-part" {...status(`${path}.endDate`)}>
          <DateInput data-testid={`${path}.endDate`} name={`${path}.endDate`} placeholder={t('fill.dateTo')} minDate={phase?.startDate} maxDate={phase?.endDate} />
        </Form.Item>
      </Space>
    </Form.Item>
  );
}

/** A long text with its live 字数 (as Word and WPS count it): "已写 480 / 500 字", red when over. */
function LongTextInput({ value, onChange, id, maxWords, path }: { value?: string; onChange?: (value: string) => void; id?: string; maxWords: number; path: string }) {
  const { t } = useTranslation();
  const count = countWords(value ?? '');
  const over = count > maxWords;
  return (
    <div className="hj-long-text">
      <Input.TextArea
        id={id}
        value={value}
        onChange={(e) => onChange?.(e.target.value)}
        autoSize={{ minRows: 4, maxRows: 18 }}
        data-testid={path}
        name={path}
        status={over ? 'error' : undefined}
      />
      <div className={over ? 'hj-word-count hj-word-count-over' : 'hj-word-count'} aria-live="polite">
        {t('fill.wordCountPrefix')}
        <span data-testid="word-count">
          {count} / {maxWords}
        </span>
        {t('fill.wordCountSuffix')}
      </div>
    </div>
  );
}

/** Ticks (or one choice) with an optional 其他 text: { selected, other }. */
function ChoiceInput({
  value,
  onChange,
  id,
  path,
  options,
  multiple,
  allowOther,
}: {
  value?: ChoiceValue | null;
  onChange?: (value: ChoiceValue) => void;
  id?: string;
  path: string;
  options: { value: string; label: string }[];
  multiple: boolean;
  allowOther: boolean;
}) {
  const { t } = useTranslation();
  const selected = value?.selected ?? [];
  const other = value?.other ?? '';
  const change = (next: Partial<ChoiceValue>) => onChange?.({ selected, ...(other ? { other } : {}), ...next });
  const otherInput: ReactNode = allowOther ? (
    <Input
      className="hj-fill-other"
      value={other}
      maxLength={100}
      placeholder={t('fill.otherPlaceholder')}
      prefix={<Typography.Text type="secondary">{t('fill.other')}</Typography.Text>}
      data-testid={`${path}.other`}
      name={`${path}.other`}
      // One choice: writing "其他" replaces the ticked option.
      onChange={(e) => change(multiple || !e.target.value ? { other: e.target.value } : { other: e.target.value, selected: [] })}
    />
  ) : null;
  return (
    <div id={id} className="hj-fill-choice">
      {multiple ? (
        <Checkbox.Group className="hj-fill-checks" value={selected} onChange={(list) => change({ selected: list })}>
          {options.map((o) => (
            <Checkbox key={o.value} value={o.value} data-testid={`${path}.${o.value}`}>
              {o.label}
            </Checkbox>
          ))}
        </Checkbox.Group>
      ) : (
        <Radio.Group className="hj-fill-checks" value={selected[0] ?? null} onChange={(e) => onChange?.({ selected: [e.target.value as string] })}>
          {options.map((o) => (
            <Radio key={o.value} value={o.value} data-testid={`${path}.${o.value}`}>
              {o.label}
            </Radio>
          ))}
        </Radio.Group>
      )}
      {otherInput}
    </div>
  );
}

const acceptOf = (kinds: readonly string[]) => kinds.flatMap((k) => (k === 'jpg' ? ['.jpg', '.jpeg'] : [`.${k}`])).join(',');

/** Uploaded files of a field: a real file input (one request per file), the list with remove. */
function FilesInput({
  value,
  onChange,
  id,
  field,
  path,
  readOnly,
}: {
  value?: FileValue[] | null;
  onChange?: (value: FileValue[]) => void;
  id?: string;
  field: Extract<FieldDefinition, { kind: 'files' }>;
  path: string;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { upload } = useFill();
  const errorText = useErrorText();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const files = value ?? [];

  const pick = async (picked: File[]) => {
    if (!upload) return;
    setError(null);
    setBusy(true);
    let current = files;
    try {
      for (const file of picked) {
        if (current.length >= field.maxCount) {
          setError(t('fill.tooManyFiles', { max: field.maxCount }));
          break;
        }
        if (file.size > field.maxBytes) {
          setError(`${file.name}：${formatMessage(errorMessages[language].file_too_large, { max: formatBytes(field.maxBytes) })}`);
          continue;
        }
        try {
          const stored = await upload(field.key, file);
          current = [...current, stored];
          onChange?.(current);
        } catch (failure) {
          if (isSessionEnd(failure)) return;
          const text = failure instanceof ApiError && failure.problem ? baseDetail(failure.problem) : errorText(failure);
          setError(picked.length > 1 ? `${file.name}：${text}` : text);
        }
      }
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <div id={id} className="hj-fill-files">
      {files.length > 0 ? (
        <ul className="hj-fill-file-list" data-testid={`${path}.list`}>
          {files.map((file, index) => (
            <li key={file.fileId} data-testid="file-item">
              <PaperClipOutlined />
              <a href={submissionLinks.file(file.fileId)} download>
                {file.name}
              </a>
              {file.size !== undefined && <Typography.Text type="secondary">{formatBytes(file.size)}</Typography.Text>}
              {!readOnly && (
                <Button
                  type="text"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('fill.fileRemove')}
                  data-testid={`${path}.remove`}
                  onClick={() => onChange?.(files.filter((_, i) => i !== index))}
                />
              )}
            </li>
          ))}
        </ul>
      ) : (
        readOnly && <Typography.Text type="secondary">{t('fill.noFiles')}</Typography.Text>
      )}
      {!readOnly && (
        <>
          <input
            ref={input}
            type="file"
            multiple={field.maxCount > 1}
            accept={acceptOf(field.kinds)}
            className="hj-visually-hidden"
            data-testid={path}
            name={path}
            aria-label={field.label}
            disabled={!upload}
            onChange={(e) => void pick([...(e.target.files ?? [])])}
          />
          <Space wrap>
            <Button icon={<UploadOutlined />} loading={busy} disabled={!upload || files.length >= field.maxCount} onClick={() => input.current?.click()}>
              {t('fill.upload')}
            </Button>
            <Typography.Text type="secondary">
              {t('fill.fileHint', { kinds: field.kinds.map((k) => k.toUpperCase()).join('、'), size: formatBytes(field.maxBytes), count: field.maxCount })}
            </Typography.Text>
          </Space>
        </>
      )}
      {error && (
        <div className="ant-form-item-explain-error hj-attachments-error" role="alert" data-testid={`${path}.error`}>
          {error}
        </div>
      )}
    </div>
  );
}
