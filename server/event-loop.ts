// Long work at warm-up (learning from the answered questions) done in slices, so that a server
// warming up, or swapping in a new index, goes on answering while it runs.

/** A pause to call inside a loop: it lets the event loop take a turn once every `everyMs` of work. */
export function turnTaker(everyMs = 20): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since <= everyMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
