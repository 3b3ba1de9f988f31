import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { searchUnits, unitKeys, unitPath } from '../api/units';
import type { UnitSearchHit } from '../api/types';
import { useDebounced } from '../lib/use-debounced';
import type { PickedUnit } from './unit-picker';

interface UnitsPickerProps {
  value?: PickedUnit[];
  onChange?: (value: PickedUnit[]) => void;
  exclude?: (hit: UnitSearchHit) => boolean;
  placeholder?: string;
  style?: CSSProperties;
  id?: string;
  maxCount?: number;
  'data-testid'?: string;
}

/** Choose several units by searching (name, pinyin initials, region code); an antd Form control. */
export function UnitsPicker({ value, onChange, exclude, placeholder, style, id, maxCount, ...rest }: UnitsPickerProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const hits = useQuery({ queryKey: unitKeys.search(q, false), queryFn: () => searchUnits(q, false, 30), enabled: q.length > 0 });
  const options = (hits.data ?? [])
    .filter((hit) => !exclude?.(hit))
    .map((hit) => ({ value: hit.id, label: unitPath(hit.ancestors, hit.shortName), title: hit.name }));

  return (
    <Select<PickedUnit[]>
      id={id}
      mode="multiple"
      data-testid={rest['data-testid']}
      showSearch={{ filterOption: false, onSearch: setText, searchValue: text }}
      labelInValue
      value={value ?? []}
      maxCount={maxCount}
      placeholder={placeholder ?? t('units.moveSearchPlaceholder')}
      style={style}
      notFoundContent={hits.isFetching ? <Spin size="small" /> : q ? t('units.noHits') : null}
      options={options}
      onChange={(picked) => {
        onChange?.(picked.map((p) => ({ value: p.value, label: String(p.label) })));
        setText('');
      }}
    />
  );
}
