import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Space, Tooltip, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { campaignBody } from '../../../shared/contracts/campaigns';
import { checkPhases, type Phase } from '../../../shared/domain/campaigns';
import { formatMessage, validationMessages } from '../../../shared/i18n/messages';
import type { CampaignTemplate, CampaignView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { DateInput } from '../../components/date-input';
import { contractRules, labelOf, validationText } from '../../lib/validation';

export interface NamedValue {
  id?: string;
  name: string;
}
export interface PhaseValue {
  id?: string;
  name: string;
  startDate: string | null;
  endDate: string | null;
}
export interface KeyDateValue {
  name: string;
  date: string | null;
}

/** The campaign's own fields, named as the API names them. */
export interface CampaignStructureValues {
  theme: string;
  ordinal: number | null;
  modules: NamedValue[];
  phases: PhaseValue[];
  targetGroups: NamedValue[];
  keyDates: KeyDateValue[];
}

const limits = { modules: 12, phases: 8, targetGroups: 12, keyDates: 20 } as const;

export function structureOf(campaign: CampaignView | CampaignTemplate): CampaignStructureValues {
  return {
    theme: campaign.theme,
    ordinal: campaign.ordinal ?? null,
    modules: campaign.modules.map((m) => ({ ...m })),
    phases: campaign.phases.map((p) => ({ ...p })),
    targetGroups: campaign.targetGroups.map((g) => ({ ...g })),
    keyDates: (campaign.keyDates ?? []).map((k) => ({ ...k })),
  };
}

const named = (items: NamedValue[]) => items.map((i) => ({ ...(i.id ? { id: i.id } : {}), name: i.name.trim() }));

/** The request body's structural part (theme, modules, phases …) from the form's values. */
export function structureBody(values: CampaignStructureValues) {
  return {
    theme: values.theme.trim(),
    ordinal: values.ordinal ?? null,
    modules: named(values.modules ?? []),
    phases: (values.phases ?? []).map((p) => ({ ...(p.id ? { id: p.id } : {}), name: p.name.trim(), startDate: p.startDate ?? '', endDate: p.endDate ?? '' })),
    targetGroups: named(values.targetGroups ?? []),
    keyDates: (values.keyDates ?? []).map((k) => ({ name: k.name.trim(), date: k.date ?? '' })),
  };
}

/**
 * The phase rules the server applies (no end before start, no overlap, within the upper level's
 * phase): problems go under the same fields as the server's (phases.N.startDate / endDate).
 * Returns true when the phases are fine.
 */
export function checkPhaseFields(form: FormInstance, language: 'zh-CN' | 'en', parentPhases?: readonly Phase[]): boolean {
  const phases = (form.getFieldValue('phases') as PhaseValue[] | undefined) ?? [];
  if (phases.some((p) => !p.startDate || !p.endDate)) return true; // the required rules speak for those
  const problems = checkPhases(
    phases.map((p, index) => ({ id: p.id ?? `new${index}`, name: p.name, startDate: p.startDate!, endDate: p.endDate! })),
    parentPhases,
  );
  if (problems.length === 0) return true;
  form.setFields(
    problems.map((p) => ({
      name: ['phases', p.index, p.problem === 'end_before_start' ? 'endDate' : 'startDate'],
      errors: [formatMessage(validationMessages[language][`phase_${p.problem}`], { label: phases[p.index]?.name || labelOf('phases', language) })],
    })),
  );
  return false;
}

function MoveButtons({ index, count, move, remove, minimum }: { index: number; count: number; move: (from: number, to: number) => void; remove: (index: number) => void; minimum: number }) {
  const { t } = useTranslation();
  return (
    <Space size={0}>
      <Tooltip title={t('campaigns.moveUp')}>
        <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} onClick={() => move(index, index - 1)} aria-label={t('campaigns.moveUp')} />
      </Tooltip>
      <Tooltip title={t('campaigns.moveDown')}>
        <Button
          type="text"
          size="small"
          icon={<ArrowDownOutlined />}
          disabled={index === count - 1}
          onClick={() => move(index, index + 1)}
          aria-label={t('campaigns.moveDown')}
        />
      </Tooltip>
      <Tooltip title={t('campaigns.remove')}>
        <Button type="text" size="small" danger icon={<DeleteOutlined />} disabled={count <= minimum} onClick={() => remove(index)} aria-label={t('campaigns.remove')} />
      </Tooltip>
    </Space>
  );
}

/** A list of named items (modules, target groups): rename, add, remove, reorder; ids kept hidden. */
function NamedList({ name, addLabel, disabled }: { name: 'modules' | 'targetGroups'; addLabel: string; disabled: boolean }) {
  const { language } = useLanguage();
  const nameRules = contractRules(campaignBody.shape.modules.element.shape.name, name, language, { required: true });
  return (
    <Form.List name={name} rules={[{ validator: async (_r, items: unknown[]) => { if (!items || items.length < 1) throw new Error(validationText('required', name, language)); } }]}>
      {(fields, { add, remove, move }, { errors }) => (
        <div className="hj-list-editor" data-testid={`campaign-${name}`}>
          {fields.map((field, index) => (
            <div key={field.key} className="hj-list-row">
              <span className="hj-list-index">{index + 1}</span>
              <Form.Item name={[field.name, 'id']} hidden>
                <Input />
              </Form.Item>
              <Form.Item name={[field.name, 'name']} rules={nameRules} style={{ flex: 1, marginBottom: 0 }}>
                <Input maxLength={30} disabled={disabled} name={`${name}.${index}.name`} data-testid={`${name}.${index}.name`} />
              </Form.Item>
              {!disabled && <MoveButtons index={index} count={fields.length} move={move} remove={remove} minimum={1} />}
            </div>
          ))}
          <Form.ErrorList errors={errors} />
          {!disabled && fields.length < limits[name] && (
            <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ name: '' })} data-testid={`campaign-${name}-add`}>
              {addLabel}
            </Button>
          )}
        </div>
      )}
    </Form.List>
  );
}

/** Theme, 第N个, modules, phases, target groups and key dates: the body of the campaign form. */
export function CampaignStructureFields({ disabled = false }: { disabled?: boolean }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const fields = campaignBody.shape;
  const label = (field: string) => labelOf(field, language);
  const required = (field: string) => [{ required: true, message: validationText('required', field, language) }];

  return (
    <>
      <Form.Item name="theme" label={label('theme')} rules={contractRules(fields.theme, 'theme', language, { required: true })}>
        <Input maxLength={100} disabled={disabled} name="theme" data-testid="theme" placeholder={t('campaigns.themePlaceholder')} />
      </Form.Item>
      <Form.Item label={label('ordinal')} extra={t('campaigns.ordinalHint')}>
        <Space>
          <span>{t('campaigns.ordinalBefore')}</span>
          <Form.Item name="ordinal" noStyle rules={contractRules(fields.ordinal, 'ordinal', language)}>
            <InputNumber min={1} max={100} precision={0} disabled={disabled} name="ordinal" data-testid="ordinal" style={{ width: 90 }} />
          </Form.Item>
          <span>{t('campaigns.ordinalAfter')}</span>
        </Space>
      </Form.Item>
      <Form.Item label={label('modules')} required>
        <NamedList name="modules" addLabel={t('campaigns.addModule')} disabled={disabled} />
      </Form.Item>
      <Form.Item label={label('phases')} required>
        <Form.List name="phases">
          {(items, { add, remove, move }) => (
            <div className="hj-list-editor" data-testid="campaign-phases">
              {items.map((field, index) => (
                <div key={field.key} className="hj-list-row hj-list-row-wrap">
                  <span className="hj-list-index">{index + 1}</span>
                  <Form.Item name={[field.name, 'id']} hidden>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[field.name, 'name']} rules={contractRules(fields.phases.element.shape.name, 'phases', language, { required: true })} style={{ marginBottom: 0, width: 160 }}>
                    <Input maxLength={30} disabled={disabled} name={`phases.${index}.name`} data-testid={`phases.${index}.name`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'startDate']} rules={required('startDate')} style={{ marginBottom: 0 }}>
                    <DateInput disabled={disabled} name={`phases.${index}.startDate`} data-testid={`phases.${index}.startDate`} placeholder={label('startDate')} />
                  </Form.Item>
                  <span>—</span>
                  <Form.Item name={[field.name, 'endDate']} rules={required('endDate')} style={{ marginBottom: 0 }}>
                    <DateInput disabled={disabled} name={`phases.${index}.endDate`} data-testid={`phases.${index}.endDate`} placeholder={label('endDate')} />
                  </Form.Item>
                  {!disabled && <MoveButtons index={index} count={items.length} move={move} remove={remove} minimum={1} />}
                </div>
              ))}
              {!disabled && items.length < limits.phases && (
                <Button
                  type="dashed"
                  size="small"
                  icon={<PlusOutlined />}
                  data-testid="campaign-phases-add"
                  onClick={() => add({ name: t('campaigns.phaseName', { n: items.length + 1 }), startDate: null, endDate: null })}
                >
                  {t('campaigns.addPhase')}
                </Button>
              )}
            </div>
          )}
        </Form.List>
      </Form.Item>
      <Form.Item label={label('targetGroups')} required>
        <NamedList name="targetGroups" addLabel={t('campaigns.addTargetGroup')} disabled={disabled} />
      </Form.Item>
      <Form.Item label={label('keyDates')}>
        <Form.List name="keyDates">
          {(items, { add, remove }) => (
            <div className="hj-list-editor" data-testid="campaign-keyDates">
              {items.map((field, index) => (
                <div key={field.key} className="hj-list-row">
                  <Form.Item name={[field.name, 'name']} rules={contractRules(fields.keyDates.unwrap().element.shape.name, 'keyDates', language, { required: true })} style={{ marginBottom: 0, flex: 1 }}>
                    <Input maxLength={50} disabled={disabled} name={`keyDates.${index}.name`} data-testid={`keyDates.${index}.name`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'date']} rules={required('date')} style={{ marginBottom: 0 }}>
                    <DateInput disabled={disabled} name={`keyDates.${index}.date`} data-testid={`keyDates.${index}.date`} />
                  </Form.Item>
                  {!disabled && (
                    <Tooltip title={t('campaigns.remove')}>
                      <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={() => remove(index)} aria-label={t('campaigns.remove')} />
                    </Tooltip>
                  )}
                </div>
              ))}
              {!disabled && items.length < limits.keyDates && (
                <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ name: '', date: null })} data-testid="campaign-keyDates-add">
                  {t('campaigns.addKeyDate')}
                </Button>
              )}
            </div>
          )}
        </Form.List>
      </Form.Item>
    </>
  );
}
