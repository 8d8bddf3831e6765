import { Link, useSearchParams } from 'react-router';
import { FILTER_KEYS, getHealth, searchClauses, type FilterKey, type Health, type SearchResponse } from '../api.ts';
import { DocumentCardView } from '../components/DocumentCardView.tsx';
import { Filters } from '../components/Filters.tsx';
import { ResultCard } from '../components/ResultCard.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { ErrorState, Loading } from '../components/States.tsx';
import { EXAMPLE_QUERIES } from '../examples.ts';
import { useFetch } from '../useFetch.ts';
import { useScrollMemory } from '../useScrollMemory.ts';
import { usePageTitle } from '../usePageTitle.ts';

/** URL parameters passed through to /api/search; anything else in the address is ignored. */
const API_KEYS = ['q', 'k', 'mode', 'doc', ...FILTER_KEYS] as const;
const PAGE = 10;
const MAX_K = 50;

function exampleHref(q: string): string {
  return `/?${new URLSearchParams({ q }).toString()}`;
}

function Examples({ title }: { title: string }) {
  return (
    <div className="examples">
      <p className="examples-title">{title}</p>
      <ul>
        {EXAMPLE_QUERIES.map((q) => (
          <li key={q}>
            <Link to={exampleHref(q)} className="chip">
              {q}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Results below the relevance line, set apart: the nearest the collection has, not answers. */
function WeakResults({ results }: { results: SearchResponse['results'] }) {
  const weak = results.filter((r) => r.weak);
  if (weak.length === 0) return null;
  return (
    <section className="weak-results" aria-labelledby="weak-results-title">
      <h2 id="weak-results-title">相关度较低</h2>
      <p className="weak-note">以下条款只含查询的少部分内容，仅供参考。</p>
      <ol className="results">
        {weak.map((r) => (
          <li key={r.clauseId}>
            <ResultCard result={r} />
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * 仅现行有效 is on by default once the collection's status is known for most documents (at least
 * 80% 现行有效 or 已失效): a collection of laws, not of news and speeches.
 */
export function inForceOnlyByDefault(health: Health | undefined): boolean {
  if (!health || health.documents === 0) return false;
  const known = (health.statuses?.['现行有效'] ?? 0) + (health.statuses?.['已失效'] ?? 0);
  return known >= 0.8 * health.documents;
}

/** Clauses the 现行有效 filter leaves out: the others' counts over the unfiltered matches. */
function hiddenByStatus(status: Record<string, number> | undefined): number {
  return Object.entries(status ?? {}).reduce((n, [k, v]) => (k === '现行有效' ? n : n + v), 0);
}

function InForceToggle({ on, hidden, onChange }: { on: boolean; hidden: number; onChange: (on: boolean) => void }) {
  return (
    <p className="in-force-toggle">
      <label>
        <input type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked)} /> 仅现行有效
      </label>
      {on && hidden > 0 && (
        <span className="hidden-count">
          另有 {hidden} 条已失效或效力未知的条款未显示 ·{' '}
          <button type="button" className="link-button" onClick={() => onChange(false)}>
            显示全部
          </button>
        </span>
      )}
    </p>
  );
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  // 仅现行有效 is on by default once most documents of the collection have a known status
  const health = useFetch('health', (signal) => getHealth(signal));
  const inForceByDefault = inForceOnlyByDefault(health.data);
  const inForceOnly = params.get('status') === '现行有效' || (inForceByDefault && !params.has('status') && params.get('all') !== '1');
  const apiParams = new URLSearchParams();
  for (const key of API_KEYS) {
    const value = params.get(key);
    if (value) apiParams.set(key, key === 'q' ? q : value);
  }
  if (inForceOnly) apiParams.set('status', '现行有效');
  // wait for the collection's statuses before the first search, so it is not run twice
  const key = q && (health.data !== undefined || health.error !== undefined) ? `search:${apiParams.toString()}` : null;
  const search = useFetch(key, (signal) => searchClauses(apiParams, signal));
  usePageTitle(q || null);
  useScrollMemory(search.data !== undefined && !search.loading);

  const selected = Object.fromEntries(FILTER_KEYS.map((k) => [k, k === 'status' && inForceOnly ? '现行有效' : params.get(k)])) as Record<FilterKey, string | null>;
  const hasFilters = FILTER_KEYS.some((k) => selected[k]) || params.has('doc');
  const k = Math.min(MAX_K, Number(params.get('k')) || PAGE);

  const update = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    next.delete('k');
    setParams(next);
  };
  const onSearch = (query: string) => update((next) => next.set('q', query));
  const onFilter = (name: FilterKey, value: string | null) =>
    update((next) => {
      if (value) next.set(name, value);
      else next.delete(name);
      if (name === 'status') {
        // "全部" when 现行有效 is the default: say so in the address, or the default comes back
        if (value === null && inForceByDefault) next.set('all', '1');
        else next.delete('all');
      }
    });
  const clearFilters = () =>
    update((next) => {
      for (const name of FILTER_KEYS) next.delete(name);
      next.delete('doc');
      if (inForceByDefault) next.set('all', '1');
    });
  const setInForceOnly = (on: boolean) =>
    update((next) => {
      next.delete('all');
      if (on) next.set('status', '现行有效');
      else {
        next.delete('status');
        if (inForceByDefault) next.set('all', '1');
      }
    });
  const showMore = () => {
    const next = new URLSearchParams(params);
    next.set('k', String(Math.min(MAX_K, k + PAGE)));
    setParams(next);
  };

  if (!q) {
    return (
      <div className="page home">
        <section className="hero">
          <h1>政策条款知识库</h1>
          <p className="tagline">用一句话提问，直达政策文件中的具体条款，并可一键复制规范引用。</p>
          <SearchBox initial="" onSearch={onSearch} autoFocus />
          <Examples title="试试这些问题：" />
          <p className="home-links">
            或浏览 <Link to="/docs">全部已收录文件</Link>
          </p>
        </section>
      </div>
    );
  }

  const data = search.data && search.dataKey === key ? search.data : undefined;
  const stale = search.data && !data ? search.data : undefined;
  const shown = data ?? stale;
  const docTitle = params.has('doc') ? shown?.results[0]?.docTitle ?? params.get('doc') : null;

  return (
    <div className="page search-page">
      {/* every page has one h1: here the query, for screen readers and the outline of the page */}
      <h1 className="visually-hidden">检索：{q}</h1>
      <SearchBox initial={q} onSearch={onSearch} />
      {(hasFilters || (shown && shown.results.length > 0)) && (
        <Filters facets={shown?.facets} selected={selected} onChange={onFilter} onClear={clearFilters} />
      )}
      {docTitle && (
        <p className="scope-note">
          仅在《{docTitle}》中检索。
          <button type="button" className="link-button" onClick={() => update((next) => next.delete('doc'))}>
            检索全部文件
          </button>
        </p>
      )}

      {search.error ? (
        <ErrorState message={search.error.message} onRetry={search.retry} />
      ) : search.loading && !shown ? (
        <Loading>正在检索…</Loading>
      ) : shown ? (
        <section aria-busy={search.loading} className={search.loading ? 'results-area is-stale' : 'results-area'}>
          {search.loading && <Loading>正在检索…</Loading>}
          {shown.degraded && (
            // the server's reason is a technical English sentence: kept for the curious, on hover
            <p className="notice degraded-notice" role="note" title={shown.degraded}>
              <strong>语义检索暂不可用，</strong>以下仅为关键词匹配结果，可能漏掉换了说法的条款。
            </p>
          )}
          {shown.notice && (
            <p className="notice" role="note">
              {shown.notice}
            </p>
          )}
          <InForceToggle on={inForceOnly} hidden={inForceOnly ? hiddenByStatus(shown.facets.status) : 0} onChange={setInForceOnly} />
          {shown.document && <DocumentCardView card={shown.document} />}
          {shown.document && shown.within && shown.within.rest !== '' && (
            <p className={shown.within.found ? 'scope-note' : 'notice'} role="note">
              {shown.within.found
                ? `以下是《${shown.document.title ?? shown.document.id}》中与“${shown.within.rest}”相关的条款。`
                : `《${shown.document.title ?? shown.document.id}》中没有与“${shown.within.rest}”直接相关的条款；以下是全部文件中的结果。`}
            </p>
          )}
          {shown.results.length === 0 || (shown.strong ?? shown.results.length) === 0 ? (
            <div className="state state-empty">
              <h2>{shown.results.length === 0 ? '没有找到相关条款' : '未找到直接相关的条款'}</h2>
              <ul className="suggestions">
                <li>换一种说法，或只保留两三个关键词；</li>
                <li>检查文号、机关名称是否有错别字。</li>
                {hasFilters && (
                  <li>
                    <button type="button" className="link-button" onClick={clearFilters}>
                      清除筛选条件
                    </button>
                    后再试。
                  </li>
                )}
              </ul>
              <Examples title="也可以试试：" />
              {shown.results.length > 0 && <WeakResults results={shown.results} />}
            </div>
          ) : (
            <>
              <p className="results-summary" aria-live="polite">
                找到 {shown.strong ?? shown.results.length} 条相关条款
                {shown.total > shown.results.length && `（共检索 ${shown.total} 条，显示前 ${shown.results.length} 条）`}
                <span className="took">（{Math.max(1, Math.round(shown.tookMs))} 毫秒）</span>
              </p>
              <ol className="results">
                {shown.results
                  .filter((r) => !r.weak)
                  .map((r) => (
                    <li key={r.clauseId}>
                      <ResultCard result={r} />
                    </li>
                  ))}
              </ol>
              <WeakResults results={shown.results} />
              {shown.total > shown.results.length && k < MAX_K && (
                <p className="more">
                  <button type="button" className="button" onClick={showMore} disabled={search.loading}>
                    显示更多
                  </button>
                </p>
              )}
            </>
          )}
        </section>
      ) : null}
    </div>
  );
}
