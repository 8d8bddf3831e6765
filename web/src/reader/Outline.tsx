import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { Clause } from '../../../ingest/types.ts';
import { clauseTitle, outlineTree, type OutlineNode } from './segments.ts';

const WIDE = '(min-width: 960px)';

function Items({ nodes, targetId, onPick }: { nodes: OutlineNode[]; targetId: string | null; onPick: () => void }) {
  return (
    <ol>
      {nodes.map(({ clause, children }) => (
        <li key={clause.id}>
          <Link
            to={{ hash: clause.id }}
            onClick={onPick}
            aria-current={clause.id === targetId ? 'location' : undefined}
            className={clause.id === targetId ? 'is-current' : undefined}
          >
            {clauseTitle(clause)}
          </Link>
          {children.length > 0 && <Items nodes={children} targetId={targetId} onPick={onPick} />}
        </li>
      ))}
    </ol>
  );
}

/** The clause tree as a table of contents: open beside the text on wide screens, folded above it on phones. */
export function Outline({ clauses, targetId }: { clauses: readonly Clause[]; targetId: string | null }) {
  const details = useRef<HTMLDetailsElement>(null);
  const nodes = outlineTree(clauses);

  useEffect(() => {
    if (details.current && window.matchMedia(WIDE).matches) details.current.open = true;
  }, []);

  // on a phone the open outline covers the text the reader just asked for
  const onPick = () => {
    if (details.current && !window.matchMedia(WIDE).matches) details.current.open = false;
  };

  if (nodes.length === 0) return null;
  return (
    <details ref={details} className="outline">
      <summary>目录</summary>
      <nav aria-label="文件目录">
        <Items nodes={nodes} targetId={targetId} onPick={onPick} />
      </nav>
    </details>
  );
}
