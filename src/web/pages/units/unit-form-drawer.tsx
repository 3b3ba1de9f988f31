import { useMutation } from '@tanstack/react-query';
import { Button, Col, Divider, Drawer, Form, Input, Row, Select, Space } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createUnitBody } from '../../../shared/contracts/units';
import { unitLevels, unitTypes, type UnitLevel, type UnitType } from '../../../shared/domain/units';
import { api, ApiError } from '../../api/client';
import type { UnitDetail } from '../../api/types';
import { useLanguage } from '../../app/language';
import { useReportError } from '../../lib/errors';
import { unitLevelLabel, unitTypeLabel } from '../../lib/labels';
import { contractRules, labelOf } from '../../lib/validation';

/** The form's fields, named exactly as the API's (so inputs get those ids and server errors land). */
export interface UnitFormValues {
  name: string;
  shortName: string;
  type: UnitType | undefined;
  level: UnitLevel | undefined;
  regionCode: string;
  tags: string[];
  contactName: string;
  contactOfficePhone: string;
  contactMobile: string;
  contactFax: string;
  contactEmail: string;
  mailingAddress: string;
}

type TextField = Exclude<keyof UnitFormValues, 'type' | 'level' | 'tags'>;
const textFields: TextField[] = [
  'name',
  'shortName',
  'regionCode',
  'contactName',
  'contactOfficePhone',
  'contactMobile',
  'contactFax',
  'contactEmail',
  'mailingAddress',
];

function valuesOf(unit: UnitDetail): UnitFormValues {
  return {
    name: unit.name,
    shortName: unit.shortName,
    type: unit.type,
    level: unit.level,
    regionCode: unit.regionCode ?? '',
    tags: unit.tags,
    contactName: unit.contact.name ?? '',
    contactOfficePhone: unit.contact.officePhone ?? '',
    contactMobile: unit.contact.mobile ?? '',
    contactFax: unit.contact.fax ?? '',
    contactEmail: unit.contact.email ?? '',
    mailingAddress: unit.mailingAddress ?? '',
  };
}

const emptyValues: UnitFormValues = {
  name: '',
  shortName: '',
  type: undefined,
  level: undefined,
  regionCode: '',
  tags: [],
  contactName: '',
  contactOfficePhone: '',
  contactMobile: '',
  contactFax: '',
  contactEmail: '',
  mailingAddress: '',
};

const trimmed = (value: string | undefined) => (value ?? '').trim();

/** The body for POST /units: empty optional texts are left out. */
function createBody(parentId: number, values: UnitFormValues) {
  const body: Record<string, unknown> = { parentId, type: values.type, tags: values.tags ?? [] };
  for (const field of textFields) {
    const text = trimmed(values[field]);
    if (text !== '') body[field] = text;
  }
  if (values.level) body.level = values.level;
  return body;
}

/** The body for PATCH /units/:id: only what changed (masked contact data is never echoed back). */
function updateBody(unit: UnitDetail, values: UnitFormValues) {
  const before = valuesOf(unit);
  const body: Record<string, unknown> = { version: unit.version };
  for (const field of textFields) {
    const text = trimmed(values[field]);
    if (text !== trimmed(before[field])) body[field] = text === '' ? null : text;
  }
  if (values.type !== before.type) body.type = values.type;
  if (values.level && values.level !== before.level) body.level = values.level;
  const tags = values.tags ?? [];
  if (tags.join('\u0000') !== before.tags.join('\u0000')) body.tags = tags;
  return body;
}

export type UnitFormTarget = { mode: 'edit'; unit: UnitDetail } | { mode: 'create'; parent: UnitDetail };

interface UnitFormDrawerProps {
  target: UnitFormTarget;
  onClose: () => void;
  onSaved: (unit: UnitDetail, mode: 'edit' | 'create') => void;
  /** Someone else changed the unit meanwhile (409 stale_version). */
  onStale: (error: ApiError) => void;
}

/** Add a subordinate unit, or edit one: checked in the browser with the API's own rules. */
export function UnitFormDrawer({ target, onClose, onSaved, onStale }: UnitFormDrawerProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const reportError = useReportError();
  const [form] = Form.useForm<UnitFormValues>();
  const fields = createUnitBody.shape;
  const rules = (field: keyof typeof fields, required = false) => contractRules(fields[field], field, language, { required });
  const label = (field: string) => labelOf(field, language);

  const initialValues = useMemo(
    () => (target.mode === 'edit' ? valuesOf(target.unit) : { ...emptyValues, type: 'regional_association' as const }),
    [target],
  );

  const save = useMutation({
    mutationFn: (values: UnitFormValues) =>
      target.mode === 'edit'
        ? api.patch<UnitDetail>(`/units/${target.unit.id}`, updateBody(target.unit, values))
        : api.post<UnitDetail>('/units', createBody(target.parent.id, values)),
    onSuccess: (unit) => onSaved(unit, target.mode),
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') onStale(error);
      else reportError(error, form);
    },
  });

  const title =
    target.mode === 'edit' ? t('units.editTitle', { name: target.unit.shortName }) : t('units.createTitle', { parent: target.parent.shortName });

  return (
    <Drawer
      open
      title={title}
      size={640}
      destroyOnHidden
      onClose={onClose}
      footer={
        <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="unit-form-submit">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<UnitFormValues>
        form={form}
        layout="vertical"
        data-testid="unit-form"
        initialValues={initialValues}
        onFinish={(values) => save.mutate(values)}
        scrollToFirstError
      >
        <Form.Item name="name" label={label('name')} rules={rules('name', true)}>
          <Input maxLength={100} showCount />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="shortName" label={label('shortName')} rules={rules('shortName', true)}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="type" label={label('type')} rules={rules('type', true)}>
              <Select options={unitTypes.map((type) => ({ value: type, label: unitTypeLabel(type, language) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="level" label={label('level')} rules={rules('level')}>
              <Select
                allowClear={target.mode === 'create'}
                placeholder={t('units.levelAuto')}
                options={unitLevels.map((level) => ({ value: level, label: unitLevelLabel(level, language) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="regionCode" label={label('regionCode')} rules={rules('regionCode')} extra={t('units.regionCodeHint')}>
              <Input maxLength={6} inputMode="numeric" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="tags" label={label('tags')} rules={rules('tags')}>
          <Select mode="tags" tokenSeparators={[',', '，', '、']} placeholder={t('units.tagsPlaceholder')} open={false} suffixIcon={null} />
        </Form.Item>
        <Divider titlePlacement="start" plain>
          {t('units.sectionContact')}
        </Divider>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="contactName" label={label('contactName')} rules={rules('contactName')}>
              <Input maxLength={50} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="contactOfficePhone" label={label('contactOfficePhone')} rules={rules('contactOfficePhone')}>
              <Input maxLength={40} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="contactMobile" label={label('contactMobile')} rules={rules('contactMobile')}>
              <Input maxLength={40} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="contactFax" label={label('contactFax')} rules={rules('contactFax')}>
              <Input maxLength={40} autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="contactEmail" label={label('contactEmail')} rules={rules('contactEmail')}>
          <Input maxLength={200} type="email" autoComplete="off" />
        </Form.Item>
        <Form.Item name="mailingAddress" label={label('mailingAddress')} rules={rules('mailingAddress')}>
          <Input.TextArea maxLength={200} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
