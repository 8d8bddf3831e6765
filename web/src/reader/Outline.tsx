import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Clause } from '../../../ingest/types.ts';
import { clauseTitle, outlineTree, type OutlineNode } from './segments.ts';

const WIDE = '(min-width: 960px)';

function Items({ nodes, targetId, readingId, onPick }: { nodes: OutlineNode[]; targetId: string | null; readingId: string | null; onPick: () => void }) {
  return (
    <ol>
      {nodes.map(({ clause, children }) => (
        <li key={clause.id}>
          <Link
            to={{ hash: clause.id }}
            onClick={onPick}
            aria-current={clause.id === targetId ? 'location' : undefined}
            className={[clause.id === targetId && 'is-current', clause.id === readingId && 'is-reading'].filter(Boolean).join(' ') || undefined}
            data-clause={clause.id}
          >
            {clauseTitle(clause)}
          </Link>
          {children.length > 0 && <Items nodes={children} targetId={targetId} readingId={readingId} onPick={onPick} />}
        </li>
      ))}
    </ol>
  );
}

function flatten(nodes: OutlineNode[]): string[] {
  return nodes.flatMap((n) => [n.clause.id, ...flatten(n.children)]);
}

/** The outline entry the reader has reached: the last one whose clause begins above the reading line. */
function useReadingPosition(ids: readonly string[]): string | null {
  const [reading, setReading] = useState<string | null>(null);
  useEffect(() => {
    let frame = 0;
    const READING_LINE = 140; // px from the top: below the sticky citation bar
    const update = () => {
      frame = 0;
      // clauses are in document order, so their tops increase: a binary search finds the line
      let lo = 0;
      let hi = ids.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const top = document.getElementById(ids[mid]!)?.getBoundingClientRect().top ?? Infinity;
        if (top <= READING_LINE) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      setReading(found >= 0 ? ids[found]! : null);
    };
    const onScroll = () => {
      if (frame === 0) frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      window.removeEventListener('scroll', onScroll);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [ids]);
  return reading;
}

/** The clause tree as a table of contents: open beside the text on wide screens, folded above it on phones. */
export function Outline({ clauses, targetId }: { clauses: readonly Clause[]; targetId: string | null }) {
  const details = useRef<HTMLDetailsElement>(null);
  const nav = useRef<HTMLElement>(null);
  const [nodes, ids] = useMemoOutline(clauses);
  const readingId = useReadingPosition(ids);

  // the outline follows the reading position: its entry stays in view inside the outline's frame
  useEffect(() => {
    const frame = nav.current;
    const link = readingId ? frame?.querySelector<HTMLElement>(`[data-clause="${CSS.escape(readingId)}"]`) : null;
    if (!frame || !link) return;
    const { top, bottom } = link.getBoundingClientRect();
    const box = frame.getBoundingClientRect();
    if (top < box.top || bottom > box.bottom) frame.scrollTop += top - box.top - box.height / 3;
  }, [readingId]);

  useEffect(() => {
    if (details.current && window.matchMedia(WIDE).matches) details.current.open = true;
  }, []);

  // on a phone the open outline covers the text the reader just asked for
  const onPick = () => {
    if (details.current && !window.matchMedia(WIDE).matches) details.current.open = false;
  };

  // on a phone the outline is folded above a long text: a button at hand opens it over the text
  const openFromButton = () => {
    if (details.current) details.current.open = true;
  };

  if (nodes.length === 0) return null;
  return (
    <>
      <details ref={details} className="outline">
        <summary>目录</summary>
        <nav ref={nav} aria-label="文件目录">
          <Items nodes={nodes} targetId={targetId} readingId={readingId} onPick={onPick} />
        </nav>
      </details>
      <button type="button" className="outline-fab" onClick={openFromButton}>
        目录
      </button>
    </>
  );
}

function useMemoOutline(clauses: readonly Clause[]): [OutlineNode[], string[]] {
  const [memo] = useState(() => new WeakMap<readonly Clause[], [OutlineNode[], string[]]>());
  let hit = memo.get(clauses);
  if (!hit) {
    const nodes = outlineTree(clauses);
    hit = [nodes, flatten(nodes)];
    memo.set(clauses, hit);
  }
  return hit;
}
