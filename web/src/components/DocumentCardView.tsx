import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { DocumentCard } from '../api.ts';
import { DocMeta } from './DocMeta.tsx';
import { RelatedLinks } from './RelatedLinks.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** The document a query names (by 文号, title or a law's short name), above the clauses found in it. */
export function DocumentCardView({ card }: { card: DocumentCard }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState('');
  const href = `/doc/${encodeURIComponent(card.id)}`;
  const period = card.validUntil ? `有效期：${card.validFrom ?? '—'} 至 ${card.validUntil}` : card.validFrom ? `施行日期：${card.validFrom}` : null;
  const searchWithin = (e: FormEvent) => {
    e.preventDefault();
    const q = draft.trim();
    if (q) navigate(`/?${new URLSearchParams({ q, doc: card.id })}`);
  };
  return (
    <section className="doc-card" aria-label="查询所指的文件">
      <header className="result-head">
        <h2 className="result-title">
          <Link to={href}>{card.title ?? card.id}</Link>
        </h2>
        <div className="result-tags">
          <StatusBadge status={card.status} />
          {card.type && <span className="tag">{card.type}</span>}
        </div>
      </header>
      <DocMeta docNumber={card.docNumber} issuer={card.issuer} date={card.date} />
      {period && <p className="validity">{period}</p>}
      <RelatedLinks related={card.related} />
      {card.outline.length > 0 && (
        <ol className="doc-card-outline" aria-label="文件目录">
          {card.outline.map((o) => (
            <li key={o.id}>
              <Link to={`${href}#${o.id}`}>{o.title}</Link>
            </li>
          ))}
        </ol>
      )}
      <form role="search" className="doc-card-search" onSubmit={searchWithin}>
        <label htmlFor="within-q" className="visually-hidden">
          在本文件中检索
        </label>
        <input id="within-q" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="在本文件中检索…" />
        <button type="submit" className="button">
          检索
        </button>
      </form>
    </section>
  );
}
