import { Link } from 'react-router';
import { listDocs, type DocSummary } from '../api.ts';
import { DocMeta } from '../components/DocMeta.tsx';
import { ErrorState, Loading } from '../components/States.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useFetch } from '../useFetch.ts';
import { usePageTitle } from '../usePageTitle.ts';

// newest first; undated documents (news, 解读) last, by title
function byDate(a: DocSummary, b: DocSummary): number {
  if (a.date && b.date) return b.date.localeCompare(a.date);
  if (a.date || b.date) return a.date ? -1 : 1;
  return (a.title ?? a.id).localeCompare(b.title ?? b.id, 'zh-CN');
}

export function DocsPage() {
  usePageTitle('文件列表');
  const { data, error, loading, retry } = useFetch('docs:list', (signal) => listDocs(signal));
  return (
    <div className="page narrow docs-page">
      <h1>文件列表</h1>
      {error ? (
        <ErrorState message={error.message} onRetry={retry} />
      ) : loading || !data ? (
        <Loading />
      ) : (
        <>
          <p className="results-summary">共收录 {data.total} 份文件</p>
          <ul className="doc-list">
            {[...data.documents].sort(byDate).map((d) => (
              <li key={d.id} className="doc-item">
                <div className="doc-item-head">
                  <h2>
                    <Link to={`/doc/${encodeURIComponent(d.id)}`}>{d.title ?? d.id}</Link>
                  </h2>
                  <StatusBadge status={d.status} />
                </div>
                <DocMeta docNumber={d.docNumber} issuer={d.issuer} date={d.date} />
                <p className="doc-facts">
                  {[d.type, d.region, `${d.clauseCount} 个条款`].filter(Boolean).join(' · ')}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
