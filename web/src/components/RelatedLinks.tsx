import { Link } from 'react-router';
import type { RelatedDocuments } from '../api.ts';

const LINK_KINDS = [
  ['explains', '解读的文件'],
  ['explainedBy', '本文件的解读'],
  ['cites', '引用的文件'],
  ['citedBy', '被以下文件引用'],
] as const;

/** 解读 ↔ the measure it explains, and citations within the corpus, each a link to the reader. */
export function RelatedLinks({ related }: { related: RelatedDocuments }) {
  const rows = LINK_KINDS.filter(([key]) => related[key].length > 0);
  if (rows.length === 0) return null;
  return (
    <dl className="doc-links">
      {rows.map(([key, name]) => (
        <div key={key}>
          <dt>{name}</dt>
          <dd>
            {related[key].slice(0, 8).map((d) => (
              <Link key={d.id} to={`/doc/${encodeURIComponent(d.id)}`}>
                {d.title?.startsWith('《') ? d.title : `《${d.title ?? d.id}》`}
              </Link>
            ))}
            {related[key].length > 8 && <span>等 {related[key].length} 件</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
