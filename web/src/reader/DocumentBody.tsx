import { memo } from 'react';
import { Link } from 'react-router';
import type { Clause, Table } from '../../../ingest/types.ts';
import { clauseParts, clauseTitle, segmentDocument } from './segments.ts';
import { HighlightedText, termRanges, type Emphasis } from '../highlight.tsx';

/** A figure or a short label, which should never wrap: 12.5, ≥70%, 亿元, 2025年. */
const isShort = (cell: string) => cell.length <= 8 || /^[\d.,%‰≥≤<>~～+\-—/（）()年月亿万元个家项]+$/.test(cell);

function TableView({ table }: { table: Table }) {
  const [head, ...body] = table.rows;
  const width = Math.max(...table.rows.map((r) => r.length));
  // rows come from the published layout and may be ragged; pad so the grid lines up
  const cells = (row: string[]) => [...row, ...Array<string>(width - row.length).fill('')];
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="表格">
      <table>
        {head && body.length > 0 && (
          <thead>
            <tr>
              {cells(head).map((c, i) => (
                <th key={i} scope="col" className={isShort(c) ? 'short' : undefined}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {(body.length > 0 ? body : table.rows).map((row, r) => (
            <tr key={r}>
              {cells(row).map((c, i) => (
                <td key={i} className={isShort(c) ? 'short' : undefined}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const HEADING_TAGS = ['h2', 'h3', 'h4'] as const;
const NO_LINKS: ClauseLinks = {};

/** A line of the clause, with the search's words marked and its answer sentence in bold. */
function Line({ line, emphasis }: { line: string; emphasis: Emphasis | null }) {
  if (!emphasis) return <>{line}</>;
  return <HighlightedText text={line} highlights={termRanges(line, emphasis.terms)} answer={emphasis.answer && line.includes(emphasis.answer) ? emphasis.answer : null} />;
}

/** The documents a clause's 解读 links lead to: this document's 解读, or the document it explains. */
export interface ClauseLinks {
  interpretationDoc?: string;
  explainedDoc?: string;
}

const ClauseBlock = memo(function ClauseBlock({
  text,
  clause,
  isTarget,
  emphasis,
  interpretationDoc,
  explainedDoc,
}: {
  text: string;
  clause: Clause;
  isTarget: boolean;
  emphasis: Emphasis | null;
  // strings, not an object, so the memo holds across renders
  interpretationDoc: string | undefined;
  explainedDoc: string | undefined;
}) {
  const lead = (clause.label ?? '') + (clause.heading ?? '');
  const parts = clauseParts(text, clause);
  const Heading = HEADING_TAGS[Math.min(clause.level, 3) - 1] ?? 'h4';
  const level = Math.min(Math.max(clause.level, 1), 4);
  return (
    <section
      id={clause.id}
      tabIndex={-1}
      className={`clause clause-level-${level} clause-${clause.kind}${isTarget ? ' is-target' : ''}`}
      aria-current={isTarget ? 'location' : undefined}
    >
      <Link to={{ hash: clause.id }} className="clause-anchor" title="定位到此条款" aria-label={`定位到 ${clauseTitle(clause)}`}>
        #
      </Link>
      {parts.map((part, p) => {
        if (part.kind === 'table') return <TableView key={`t${part.table.start}`} table={part.table} />;
        return part.lines.map((line, i) => {
          const key = `${part.start}-${i}`;
          if (p === 0 && i === 0 && lead && line.startsWith(lead)) {
            // a clause that is only its heading (三、加快技术改造) is a heading of the document
            if (line === lead) return <Heading key={key} className="clause-heading">{line}</Heading>;
            return (
              <p key={key}>
                <strong className="clause-lead">{lead}</strong>
                <Line line={line.slice(lead.length)} emphasis={emphasis} />
              </p>
            );
          }
          return (
            <p key={key}>
              <Line line={line} emphasis={emphasis} />
            </p>
          );
        });
      })}
      {interpretationDoc && clause.interpretations?.[0] && (
        <p className="clause-link">
          <Link to={`/doc/${encodeURIComponent(interpretationDoc)}#${clause.interpretations[0]}`}>本条解读 →</Link>
        </p>
      )}
      {explainedDoc && clause.explains && (
        <p className="clause-link">
          <Link to={`/doc/${encodeURIComponent(explainedDoc)}#${clause.explains}`}>解读的条款 →</Link>
        </p>
      )}
    </section>
  );
});

export function DocumentBody({
  text,
  clauses,
  title,
  targetId,
  emphasis = null,
  links = NO_LINKS,
}: {
  text: string;
  clauses: readonly Clause[];
  title: string | null;
  targetId: string | null;
  /** What the search found, marked in the target clause and its items. */
  emphasis?: Emphasis | null;
  links?: ClauseLinks;
}) {
  // the target and its items (a passage may hold an article with its items)
  const marked = new Set<string>();
  if (targetId !== null && emphasis) {
    const byId = new Map(clauses.map((c) => [c.id, c]));
    const visit = (id: string) => {
      marked.add(id);
      for (const child of byId.get(id)?.childIds ?? []) visit(child);
    };
    visit(targetId);
  }
  return (
    <div className="doc-body">
      {segmentDocument(text, clauses).map((segment) =>
        segment.kind === 'clause' ? (
          <ClauseBlock
            key={segment.clause.id}
            text={text}
            clause={segment.clause}
            isTarget={segment.clause.id === targetId}
            emphasis={marked.has(segment.clause.id) ? emphasis : null}
            interpretationDoc={links.interpretationDoc}
            explainedDoc={links.explainedDoc}
          />
        ) : (
          <div key={`m${segment.start}`} className="masthead">
            {segment.lines.map((line, i) => (
              <p key={i} className={line === title ? 'masthead-title' : undefined}>
                {line}
              </p>
            ))}
          </div>
        ),
      )}
    </div>
  );
}
