import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Empty, Input, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { searchUnits, unitKeys, unitPath } from '../../api/units';
import type { UnitSearchHit } from '../../api/types';
import { useErrorText } from '../../lib/errors';
import { useDebounced } from '../../lib/use-debounced';

interface UnitSearchProps {
  text: string;
  onTextChange: (text: string) => void;
  includeInactive: boolean;
  onPick: (hit: UnitSearchHit) => void;
}

/** Search by name, short name, pinyin initials (njs) or region code (3201); hits show where they sit. */
export function UnitSearch({ text, onTextChange, includeInactive, onPick }: UnitSearchProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const q = useDebounced(text.trim(), 300);
  const hits = useQuery({
    queryKey: unitKeys.search(q, includeInactive),
    queryFn: () => searchUnits(q, includeInactive),
    enabled: q.length > 0,
  });
  const typing = text.trim() !== q;

  return (
    <div>
      <Input
        data-testid="unit-search"
        allowClear
        prefix={<SearchOutlined />}
        placeholder={t('units.searchPlaceholder')}
        title={t('units.searchHint')}
        aria-label={t('units.searchHint')}
        value={text}
        maxLength={50}
        onChange={(event) => onTextChange(event.target.value)}
        onKeyDown={(event) => {
          const first = hits.data?.[0];
          if (event.key === 'Enter' && first && !typing) onPick(first);
        }}
        style={{ marginBottom: 8 }}
      />
      {text.trim() !== '' && (
        <div className="hj-hits" data-testid="unit-search-results" aria-live="polite">
          {hits.isFetching || typing ? (
            <div style={{ padding: 12, textAlign: 'center' }}>
              <Spin size="small" />
            </div>
          ) : hits.isError ? (
            <Typography.Text type="danger" style={{ display: 'block', padding: 12 }}>
              {errorText(hits.error)}
            </Typography.Text>
          ) : !hits.data || hits.data.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('units.noHits')} />
          ) : (
            <>
              <Typography.Text type="secondary" style={{ display: 'block', padding: '6px 8px 0', fontSize: 12 }}>
                {t('units.hitsCount', { count: hits.data.length })}
              </Typography.Text>
              <ul role="listbox" style={{ listStyle: 'none', margin: 0, padding: 4 }}>
                {hits.data.map((hit) => (
                  <li
                    key={hit.id}
                    role="option"
                    aria-selected={false}
                    tabIndex={0}
                    className="hj-hit"
                    data-testid="unit-search-hit"
                    data-unit-id={hit.id}
                    onClick={() => onPick(hit)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        onPick(hit);
                      }
                    }}
                  >
                    <div>
                      <strong>{hit.shortName}</strong>
                      {!hit.active && (
                        <Tag style={{ marginLeft: 6 }} color="default">
                          {t('units.inactive')}
                        </Tag>
                      )}
                      {hit.regionCode && (
                        <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
                          {hit.regionCode}
                        </Typography.Text>
                      )}
                    </div>
                    {hit.ancestors.length > 0 && <div className="hj-hit-path">{unitPath(hit.ancestors)}</div>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
