import { Link } from 'react-router';
import type { SearchResult } from '../api.ts';
import { copyText } from '../clipboard.ts';
import { HighlightedText, findAnswer, highlightedTerms, type Emphasis } from '../highlight.tsx';
import { DocMeta } from './DocMeta.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { useToast } from './Toast.tsx';

const PARAGRAPH = /第[一二三四五六七八九十]+款$/u;

export function ResultCard({ result }: { result: SearchResult }) {
  const toast = useToast();
  // the clause as an official cites it, straight from the results: 《中华人民共和国刑法》第二百二十四条
  const copyCitation = async () => {
    const ok = await copyText(result.citation);
    toast(ok ? `已复制：${result.citation}` : '复制失败，请手动选择文字复制');
  };
  // a 款 prints no label of its own: its number (第六款) is the one its citation ends with
  const own = [result.label, result.heading].filter(Boolean).join('') || (PARAGRAPH.exec(result.citation)?.[0] ?? '');
  const crumbs = own ? [...result.path, own] : result.path;
  const answerInText = findAnswer(result.text, result.answer) !== null;
  return (
    <article className="result">
      <header className="result-head">
        <h2 className="result-title">
          <Link to={`/doc/${encodeURIComponent(result.docId)}`}>{result.docTitle ?? result.docId}</Link>
        </h2>
        <div className="result-tags">
          <StatusBadge status={result.status} />
          {result.type && <span className="tag">{result.type}</span>}
          {result.interpretation && <span className="tag tag-soft">有解读</span>}
          {result.similarQuestions && <span className="tag tag-soft">相似问题常引用</span>}
          {result.crimeName && (
            <span className="tag tag-soft" title={`查询中的罪名“${result.crimeName}”即本条所定之罪`}>
              罪名：{result.crimeName}
            </span>
          )}
        </div>
      </header>
      <DocMeta docNumber={result.docNumber} issuer={result.issuer} date={result.date} />
      {(result.validFrom || result.validUntil) && (
        <p className="result-validity">
          {result.validUntil ? `有效期：${result.validFrom ?? '—'} 至 ${result.validUntil}` : `施行日期：${result.validFrom}`}
        </p>
      )}
      {result.similarQuestions && (
        <p className="result-similar" title={result.similarQuestions.join('\n')}>
          相似问题：{result.similarQuestions[0]}
        </p>
      )}
      {crumbs.length > 0 && (
        <div className="breadcrumb">
          <ol aria-label="条款位置">
            {crumbs.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ol>
        </div>
      )}
      {!answerInText && result.answer && (
        <p className="answer-standalone">
          <strong className="answer">{result.answer}</strong>
        </p>
      )}
      <p className="passage">
        <HighlightedText text={result.text} highlights={result.highlights} answer={result.answer} />
      </p>
      {result.alike && (
        <p className="result-alike">
          {result.alike.map((a, i) => (
            <span key={a.clauseId}>
              {i > 0 && '、'}
              <Link to={a.url}>{a.name || '另一条款'}</Link>
            </span>
          ))}
          与本条写有相同文字（“{result.alike[0]!.shared}”），引用前请核对
        </p>
      )}
      {result.interpretation && (
        <details className="linked-clause">
          <summary>本条解读</summary>
          <p>{result.interpretation.text}</p>
          <Link to={result.interpretation.url}>查看解读全文：{result.interpretation.docTitle}</Link>
        </details>
      )}
      {result.explains && (
        <p className="linked-clause">
          解读的条款：
          <Link to={result.explains.url}>
            《{result.explains.docTitle}》{result.explains.label}
          </Link>
        </p>
      )}
      <p className="result-actions">
        <Link className="open-link" to={result.url} state={{ emphasis: { terms: highlightedTerms(result.text, result.highlights), answer: result.answer } satisfies Emphasis }}>
          查看原文
          <span className="visually-hidden">：{result.docTitle} {crumbs.join(' ')}</span>
          <span aria-hidden="true"> →</span>
        </Link>
        <button type="button" className="link-button copy-citation" title={result.citation} onClick={copyCitation}>
          复制引用<span className="visually-hidden">：{result.citation}</span>
        </button>
      </p>
    </article>
  );
}
