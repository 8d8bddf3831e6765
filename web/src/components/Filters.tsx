import { useState } from 'react';
import { FILTER_KEYS, FILTER_LABELS, type FilterKey, type SearchResponse } from '../api.ts';

function options(key: FilterKey, counts: Record<string, number> | undefined, selected: string | null): [string, number | null][] {
  const entries: [string, number | null][] = Object.entries(counts ?? {});
  // a selected value stays choosable even when the current answer has no count for it
  if (selected && !entries.some(([v]) => v === selected)) entries.push([selected, null]);
  if (key === 'year') return entries.sort((a, b) => b[0].localeCompare(a[0]));
  return entries.sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || a[0].localeCompare(b[0], 'zh-CN'));
}

export function Filters({
  facets,
  selected,
  onChange,
  onClear,
}: {
  facets: SearchResponse['facets'] | undefined;
  selected: Record<FilterKey, string | null>;
  onChange: (key: FilterKey, value: string | null) => void;
  onClear: () => void;
}) {
  const activeCount = FILTER_KEYS.filter((k) => selected[k]).length;
  // open beside the results on wide screens; folded on phones unless a filter is already set. Decided
  // at the first render (not in an effect), so the page does not move once it is drawn.
  const [initiallyOpen] = useState(() => activeCount > 0 || window.matchMedia('(min-width: 720px)').matches);
  return (
    <details className="filters-panel" open={initiallyOpen || undefined}>
      <summary>
        筛选{activeCount > 0 && <span className="filter-count">（已选 {activeCount} 项）</span>}
      </summary>
      <fieldset className="filters">
        <legend className="visually-hidden">筛选条件</legend>
        {FILTER_KEYS.map((key) => {
          const list = options(key, facets?.[key], selected[key]);
          return (
            <label key={key} className={selected[key] ? 'filter is-active' : 'filter'}>
              <span className="filter-label">{FILTER_LABELS[key]}</span>
              <select
                name={key}
                value={selected[key] ?? ''}
                onChange={(e) => onChange(key, e.target.value || null)}
                disabled={list.length === 0}
              >
                <option value="">全部</option>
                {list.map(([value, count]) => (
                  <option key={value} value={value}>
                    {count === null ? value : `${value}（${count}）`}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
        {activeCount > 0 && (
          <button type="button" className="button button-quiet clear-filters" onClick={onClear}>
            清除筛选
          </button>
        )}
      </fieldset>
    </details>
  );
}
