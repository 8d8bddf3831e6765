import { useEffect, useRef } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, getDoc, type DocResponse } from '../api.ts';
import { citeClause } from '../citation.ts';
import type { Emphasis } from '../highlight.tsx';
import { copyText } from '../clipboard.ts';
import { DocMeta } from '../components/DocMeta.tsx';
import { RelatedLinks } from '../components/RelatedLinks.tsx';
import { ErrorState, Loading } from '../components/States.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useToast } from '../components/Toast.tsx';
import { DocumentBody } from '../reader/DocumentBody.tsx';
import { Outline } from '../reader/Outline.tsx';
import { clauseTitle } from '../reader/segments.ts';
import { useFetch } from '../useFetch.ts';
import { usePageTitle } from '../usePageTitle.ts';

function hashId(hash: string): string | null {
  if (hash.length < 2) return null;
  try {
    return decodeURIComponent(hash.slice(1));
  } catch {
    return hash.slice(1);
  }
}

function validity(from: string | null, until: string | null): string | null {
  if (!from && !until) return null;
  return `${from ?? '—'} 至 ${until ?? '—'}`;
}

export function ReaderPage() {
  const { docId = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const toast = useToast();
  const { data, error, loading, retry } = useFetch(`doc:${docId}`, (signal) => getDoc(docId, signal));
  const doc = data?.document.id === docId ? data : undefined;
  usePageTitle(doc?.document.title ?? null);

  const requested = hashId(location.hash);
  const target = doc && requested ? doc.clauses.find((c) => c.id === requested) ?? null : null;

  // scroll on arrival and on every jump, including a second click on the same outline entry
  // (a new location.key); the first scroll is instant so a shared link opens at the clause
  const scrolled = useRef(false);
  useEffect(() => {
    if (!target) return;
    const el = document.getElementById(target.id);
    if (!el) return;
    const smooth = scrolled.current && !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    scrolled.current = true;
    el.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
    el.focus({ preventScroll: true });
  }, [target, location.key]);

  if (error) {
    if (error instanceof ApiError && error.status === 404) {
      return (
        <div className="page narrow state">
          <h1>找不到这份文件</h1>
          <p>
            它可能已被移出知识库。请查看<Link to="/docs">文件列表</Link>或<Link to="/">重新检索</Link>。
          </p>
        </div>
      );
    }
    return (
      <div className="page narrow">
        <ErrorState message={error.message} onRetry={retry} />
      </div>
    );
  }
  // its own element (key): the page that replaces it is new content, not the placeholder moving
  if (loading || !doc)
    return (
      <div key="loading" className="page narrow">
        <Loading>正在打开文件…</Loading>
      </div>
    );

  const { document: meta, clauses } = doc;
  const citation = citeClause(meta, target?.id ?? null, clauses);
  const copyCitation = async () => {
    const ok = await copyText(citation);
    toast(ok ? `已复制：${citation}` : '复制失败，请手动选择文字复制');
  };
  // the clause as an official quotes it: its text, then where it comes from
  const copyQuote = async () => {
    if (!target) return;
    const ok = await copyText(`${target.text.replace(/\n+/g, '\n')}\n（${citation}）`);
    toast(ok ? `已复制条文及出处：${citation}` : '复制失败，请手动选择文字复制');
  };
  const copyLink = async () => {
    const url = `${window.location.origin}/doc/${encodeURIComponent(meta.id)}${target ? `#${target.id}` : ''}`;
    const ok = await copyText(url);
    toast(ok ? '已复制' : '复制失败，请手动复制地址栏');
  };
  const period = validity(meta.validFrom, meta.validUntil);
  const history = meta.history ?? [];
  // what the search found, when the reader was opened from a result (kept in the history entry)
  const emphasis = (location.state as { emphasis?: Emphasis } | null)?.emphasis ?? null;
  const related = doc.related;
  const clauseLinks = { interpretationDoc: related?.explainedBy[0]?.id, explainedDoc: related?.explains[0]?.id };

  return (
    <div key="reader" className="page reader">
      <header className="reader-head">
        {location.key !== 'default' && (
          <button type="button" className="link-button back" onClick={() => navigate(-1)}>
            ← 返回
          </button>
        )}
        <h1>{meta.title ?? meta.id}</h1>
        <div className="reader-meta">
          <StatusBadge status={meta.status} />
          {meta.type && <span className="tag">{meta.type}</span>}
          {meta.region && <span className="tag">{meta.region}</span>}
          <DocMeta docNumber={meta.docNumber} issuer={meta.issuer} date={meta.date} className="doc-meta inline" />
        </div>
        {period && meta.validUntil === null ? (
          <p className="validity">施行日期：{meta.validFrom}</p>
        ) : (
          period && <p className="validity">有效期：{period}</p>
        )}
        {meta.ocr && (
          // recognized text can be wrong where the scan is poor: say so before anyone quotes it
          <p className="ocr-note">
            本文由扫描件经文字识别（OCR）得到：{meta.ocr.pages} 页，平均置信度 {(meta.ocr.confidence * 100).toFixed(1)}%。引用前请与原件核对。
          </p>
        )}
        {related && <RelatedLinks related={related} />}
        {history.length > 0 && (
          // the head of a law: when it was adopted, amended and put in force, as it prints them
          <details className="doc-history" open={history.length <= 3}>
            <summary>制定与修改（{history.length}）</summary>
            <ol>
              {history.map((h, k) => (
                <li key={k}>{h.text}</li>
              ))}
            </ol>
          </details>
        )}
      </header>

      <div className="cite-bar" role="toolbar" aria-label="引用">
        <p className="cite-target">
          {target ? (
            <>
              当前条款：<strong>{clauseTitle(target)}</strong>
            </>
          ) : (
            '引用整份文件，或在目录中选择条款'
          )}
        </p>
        <div className="cite-actions">
          <button type="button" className="button" onClick={copyCitation}>
            复制引用
          </button>
          {target && (
            <button type="button" className="button" onClick={copyQuote}>
              复制条文及出处
            </button>
          )}
          <button type="button" className="button" onClick={copyLink}>
            复制链接
          </button>
        </div>
      </div>

      {requested && !target && (
        <p className="notice" role="note">
          链接指向的条款在当前版本中不存在，文件可能已更新。下面是全文。
        </p>
      )}

      <div className="reader-layout">
        <aside className="reader-aside">
          <Outline clauses={clauses} targetId={target?.id ?? null} />
        </aside>
        <article className="reader-text" aria-label="正文">
          <DocumentBody text={meta.text} clauses={clauses} title={meta.title} targetId={target?.id ?? null} emphasis={emphasis} links={clauseLinks} />
        </article>
      </div>
    </div>
  );
}
