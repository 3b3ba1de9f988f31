import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { searchUnits, unitKeys, unitPath } from '../api/units';
import type { UnitSearchHit } from '../api/types';
import { useDebounced } from '../lib/use-debounced';

/** A picked unit: its id and the label shown for it (its path). */
export interface PickedUnit {
  value: number;
  label: string;
}

interface UnitPickerProps {
  value?: PickedUnit | null;
  onChange?: (value: PickedUnit | null) => void;
  /** Hits to leave out (e.g. a unit and its own subtree when choosing its new parent). */
  exclude?: (hit: UnitSearchHit) => boolean;
  placeholder?: string;
  allowClear?: boolean;
  style?: CSSProperties;
  id?: string;
  'data-testid'?: string;
}

/** Choose a unit by searching (name, pinyin initials, region code); works as an antd Form control. */
export function UnitPicker({ value, onChange, exclude, placeholder, allowClear, style, id, ...rest }: UnitPickerProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const hits = useQuery({ queryKey: unitKeys.search(q, false), queryFn: () => searchUnits(q, false, 30), enabled: q.length > 0 });
  const options = (hits.data ?? [])
    .filter((hit) => !exclude?.(hit))
    .map((hit) => ({ value: hit.id, label: unitPath(hit.ancestors, hit.shortName), title: hit.name }));

  return (
    <Select<PickedUnit>
      id={id}
      data-testid={rest['data-testid']}
      showSearch={{ filterOption: false, onSearch: setText, searchValue: text }}
      labelInValue
      value={value ?? undefined}
      allowClear={allowClear}
      placeholder={placeholder ?? t('units.moveSearchPlaceholder')}
      style={style}
      notFoundContent={hits.isFetching ? <Spin size="small" /> : q ? t('units.noHits') : null}
      options={options}
      onChange={(picked) => {
        onChange?.(picked ? { value: picked.value, label: String(picked.label) } : null);
        setText('');
      }}
    />
  );
}
