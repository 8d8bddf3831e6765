import { useLayoutEffect } from 'react';
import { useLocation, useNavigationType } from 'react-router';

// Where each history entry was scrolled to, by the entry's key. Going back or forward returns to
// that place once the page's content is there; a new navigation starts at the top.
const positions = new Map<string, number>();

export function useScrollMemory(ready: boolean): void {
  const { key } = useLocation();
  const navigation = useNavigationType();

  // Saved as the page is left: a layout effect's cleanup runs before the page's nodes are removed,
  // so the scroll position is still this page's (scroll events after it belong to the next page).
  useLayoutEffect(() => () => void positions.set(key, window.scrollY), [key]);

  useLayoutEffect(() => {
    if (!ready || navigation !== 'POP') return;
    const saved = positions.get(key);
    if (saved === undefined) return;
    window.scrollTo(0, saved);
    // and once more after the children's effects, should any of them have changed the layout
    const frame = requestAnimationFrame(() => window.scrollTo(0, saved));
    return () => cancelAnimationFrame(frame);
  }, [ready, key, navigation]);
}
