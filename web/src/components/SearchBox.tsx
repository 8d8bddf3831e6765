import { useEffect, useRef, useState, type FormEvent } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The query box. "/" anywhere on the page (outside a form field) puts the cursor in it. */
export function SearchBox({ initial, onSearch, autoFocus }: { initial: string; onSearch: (q: string) => void; autoFocus?: boolean }) {
  const [draft, setDraft] = useState(initial);
  const input = useRef<HTMLInputElement>(null);

  // the URL is the source of truth: back/forward and example links change it under the box
  useEffect(() => setDraft(initial), [initial]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = draft.trim();
    if (q) onSearch(q);
    else input.current?.focus();
  };

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor="q" className="visually-hidden">
        检索政策条款
      </label>
      <input
        ref={input}
        id="q"
        name="q"
        type="search"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        placeholder="输入问题或关键词，如：设备更新 贴息"
        maxLength={1000}
        autoComplete="off"
        enterKeyHint="search"
        autoFocus={autoFocus}
        aria-describedby="q-hint"
      />
      <button type="submit" className="button button-primary">
        检索
      </button>
      <p id="q-hint" className="search-hint">
        按 <kbd>/</kbd> 键随时输入；支持自然语言提问、关键词和文号
      </p>
    </form>
  );
}
