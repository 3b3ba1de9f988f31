import { useQuery } from '@tanstack/react-query';
import { Button, Checkbox, Select, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addresseePhrase } from '../../../shared/domain/addressees';
import type { UnitLevel, UnitType } from '../../../shared/domain/units';
import { api } from '../../api/client';
import type { AddresseeRule, RecipientsPreview } from '../../api/types';
import { useLanguage } from '../../app/language';
import type { PickedUnit } from '../../components/unit-picker';
import { UnitsPicker } from '../../components/units-picker';
import { unitTypeLabel } from '../../lib/labels';
import { useDebounced } from '../../lib/use-debounced';

/** The kinds of unit a notice is commonly addressed to, in the order the seeds list them. */
export const addresseeTypes: UnitType[] = [
  'regional_association',
  'learned_society',
  'enterprise_association',
  'university_association',
  'research_institute',
  'science_popularization_base',
  'internal_department',
  'affiliated_institution',
];

const levelBelow: Record<UnitLevel, UnitLevel | null> = { national: 'provincial', provincial: 'city', city: 'county', county: null };

/** The rule a checkbox stands for, relative to the issuing unit. */
export function typeRule(unitType: UnitType, issuerLevel: UnitLevel): AddresseeRule {
  if (unitType === 'regional_association') {
    const level = levelBelow[issuerLevel];
    return { kind: 'units_of_type', unitType, ...(level ? { level } : {}), scope: 'children' };
  }
  return { kind: 'units_of_type', unitType, scope: 'children' };
}

interface AddresseePickerProps {
  value?: AddresseeRule[];
  onChange?: (rules: AddresseeRule[]) => void;
  id?: string;
  issuerUnitId: number | undefined;
  issuerLevel: UnitLevel | undefined;
  /** Each new preview (the generated addressee line, the units it reaches). */
  onPreview?: (preview: RecipientsPreview | null) => void;
}

/**
 * 主送单位: checkboxes for the usual kinds of unit below the issuer (各市科协、各省级学会、机关各部室 …),
 * tags, and named units; below, the units the rules reach, resolved by the server as it will be
 * when the notice is issued.
 */
export function AddresseePicker({ value, onChange, id, issuerUnitId, issuerLevel, onPreview }: AddresseePickerProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const rules = useMemo(() => value ?? [], [value]);
  const [expanded, setExpanded] = useState(false);
  const [unitLabels, setUnitLabels] = useState<Map<number, string>>(new Map());

  const settledRules = useDebounced(rules, 350);
  const preview = useQuery({
    queryKey: ['notices', 'recipients-preview', issuerUnitId, settledRules],
    queryFn: () => api.post<RecipientsPreview>('/notices/recipients-preview', { issuerUnitId, addresseeRules: settledRules }),
    enabled: !!issuerUnitId && settledRules.length > 0,
    staleTime: 30_000,
  });
  const current = settledRules.length > 0 ? (preview.data ?? null) : null;

  useEffect(() => {
    onPreview?.(current);
  }, [current, onPreview]);

  // Names for units picked in an earlier session: the preview lists them.
  const picked = rules.find((r) => r.kind === 'units');
  const pickedUnits: PickedUnit[] = (picked?.kind === 'units' ? picked.unitIds : []).map((unitId) => ({
    value: unitId,
    label: unitLabels.get(unitId) ?? current?.units.find((u) => u.id === unitId)?.shortName ?? `#${unitId}`,
  }));

  const hasType = (unitType: UnitType) => rules.some((r) => r.kind === 'units_of_type' && r.unitType === unitType);
  const toggleType = (unitType: UnitType, checked: boolean) => {
    if (!issuerLevel) return;
    const others = rules.filter((r) => !(r.kind === 'units_of_type' && r.unitType === unitType));
    onChange?.(checked ? [...others, typeRule(unitType, issuerLevel)] : others);
  };
  const tags = rules.flatMap((r) => (r.kind === 'tag' ? [r.tag] : []));
  const setTags = (next: string[]) => {
    const clean = [...new Set(next.map((tag) => tag.trim()).filter((tag) => tag !== '' && tag.length <= 30))];
    onChange?.([...rules.filter((r) => r.kind !== 'tag'), ...clean.map((tag): AddresseeRule => ({ kind: 'tag', tag }))]);
  };
  const setUnits = (next: PickedUnit[]) => {
    setUnitLabels((labels) => new Map([...labels, ...next.map((u): [number, string] => [u.value, u.label.split(' / ').at(-1) ?? u.label])]));
    const others = rules.filter((r) => r.kind !== 'units');
    onChange?.(next.length > 0 ? [...others, { kind: 'units', unitIds: next.map((u) => u.value) }] : others);
  };

  const types = addresseeTypes.filter((type) => type !== 'regional_association' || (issuerLevel && levelBelow[issuerLevel]));
  const byType = useMemo(() => {
    const groups = new Map<string, string[]>();
    for (const unit of current?.units ?? []) groups.set(unit.type, [...(groups.get(unit.type) ?? []), unit.shortName]);
    return [...groups];
  }, [current]);

  return (
    <div id={id} className="hj-addressees">
      <div className="hj-addressee-types">
        {types.map((unitType) => (
          <Checkbox
            key={unitType}
            data-testid={`addressee-rule-${unitType}`}
            checked={hasType(unitType)}
            disabled={!issuerLevel}
            onChange={(e) => toggleType(unitType, e.target.checked)}
          >
            {issuerLevel ? addresseePhrase(typeRule(unitType, issuerLevel), issuerLevel) : unitTypeLabel(unitType, language)}
            <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 4 }}>
              {unitTypeLabel(unitType, language)}
            </Typography.Text>
          </Checkbox>
        ))}
      </div>
      <Space wrap style={{ width: '100%', marginTop: 8 }} align="start">
        <Select
          mode="tags"
          data-testid="addressee-tags"
          style={{ minWidth: 240 }}
          value={tags}
          placeholder={t('notices.addresseeTagsPlaceholder')}
          open={false}
          suffixIcon={null}
          tokenSeparators={[',', '，', '、']}
          onChange={setTags}
        />
        <UnitsPicker
          data-testid="addressee-units"
          style={{ minWidth: 360 }}
          value={pickedUnits}
          onChange={setUnits}
          placeholder={t('notices.addresseeUnitsPlaceholder')}
        />
      </Space>
      <div className="hj-addressee-preview" data-testid="addressee-preview" aria-live="polite">
        {settledRules.length === 0 || rules.length === 0 ? (
          <Typography.Text type="secondary">{t('notices.previewNone')}</Typography.Text>
        ) : preview.isFetching && !current ? (
          <Spin size="small" />
        ) : current ? (
          <>
            <Typography.Text strong={current.count > 0} type={current.count === 0 ? 'danger' : undefined} data-testid="addressee-count">
              {t('notices.previewCount', { count: current.count })}
            </Typography.Text>
            {current.count > 0 && (
              <Button type="link" size="small" onClick={() => setExpanded((v) => !v)} data-testid="addressee-preview-toggle">
                {expanded ? t('notices.previewCollapse') : t('notices.previewExpand')}
              </Button>
            )}
            {preview.isFetching && <Spin size="small" style={{ marginLeft: 8 }} />}
            {expanded && (
              <div className="hj-addressee-list" data-testid="addressee-preview-list">
                {byType.map(([type, names]) => (
                  <div key={type} className="hj-addressee-group">
                    <Tag>{t('notices.previewGroup', { type: unitTypeLabel(type, language), count: names.length })}</Tag>
                    <span>
                      {names.slice(0, 300).join('、')}
                      {names.length > 300 && t('notices.previewMore', { count: names.length - 300 })}
                    </span>
                  </div>
                ))}
              </div>
            )}
          </>
        ) : preview.isError ? (
          <Typography.Text type="danger">{t('notices.previewFailed')}</Typography.Text>
        ) : null}
      </div>
    </div>
  );
}
