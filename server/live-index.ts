// The index a running server answers from, swapped for a newer build without a restart. A request
// takes the index once, at its start (see IndexSource in app.ts), so requests in flight finish on
// the build they began with; the next ones get the new build. A build is seen by the manifest's
// buildId, which a build writes last; a build that cannot be loaded (half swapped in, tampered)
// is reported and the index being served stays.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INDEX_FILES, type IndexManifest } from '../ingest/write-index.ts';
import type { IndexSource } from './app.ts';
import { loadIndex, type LoadedIndex, type LoadIndexOptions } from './load-index.ts';
import { warmUp } from './search.ts';

/** How long a replaced index's query embedder and keyword worker live on, for the requests still using them. */
const RETIRE_AFTER_MS = 60_000;

const buildIdOf = (m: IndexManifest): string => m.buildId ?? m.builtAt;

/** Where builds come from: an index folder (the default) or a database. */
export interface IndexOrigin {
  where: string;
  /** The id of the build there now; null when none can be read right now. */
  buildId(): Promise<string | null>;
  load(): Promise<LoadedIndex>;
}

/** An index folder: its manifest's buildId, written last by a build. */
export function folderOrigin(dir: string, options: LoadIndexOptions = {}): IndexOrigin {
  return { where: dir, buildId: () => manifestBuildId(dir), load: () => loadIndex(dir, options) };
}

export class LiveIndex implements IndexSource {
  private index: LoadedIndex;
  private checking: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The build that failed to load last, so it is reported once, not at every check. */
  private failed: string | null = null;

  private readonly origin: IndexOrigin;

  constructor(
    index: LoadedIndex,
    private readonly options: LoadIndexOptions & { log?: (message: string) => void; origin?: IndexOrigin } = {},
  ) {
    this.index = index;
    this.origin = options.origin ?? folderOrigin(index.dir, options);
  }

  current(): LoadedIndex {
    return this.index;
  }

  /** Loads the build in the index folder if it is not the one being served; true when swapped. */
  reload(): Promise<boolean> {
    this.checking ??= this.check().finally(() => (this.checking = null));
    return this.checking;
  }

  private async check(): Promise<boolean> {
    const where = this.origin.where;
    const log = this.options.log ?? ((m: string) => console.log(m));
    const id = await this.origin.buildId();
    if (id === null || id === buildIdOf(this.index.manifest) || id === this.failed) return false;
    let next: LoadedIndex;
    try {
      next = await this.origin.load();
    } catch (error) {
      this.failed = id;
      log(`A new index build in ${where} could not be loaded; still serving the previous one. ${(error as Error).message}`);
      return false;
    }
    // Another build may have landed while this one was loading: load again at the next check.
    if ((await this.origin.buildId()) !== buildIdOf(next.manifest)) {
      await next.backend.close();
      return false;
    }
    // ready for its first request before it takes it
    await warmUp(next);
    const old = this.index;
    this.index = next;
    this.failed = null;
    const { counts } = next.manifest;
    log(`Now serving the index built ${next.manifest.builtAt}: ${counts.documents} documents, ${counts.clauses} clauses.`);
    const close = (old.embedder as { close?: () => Promise<void> }).close;
    setTimeout(() => {
      if (close && old.embedder !== next.embedder) void close.call(old.embedder);
      if (old.backend !== next.backend) void old.backend.close();
    }, RETIRE_AFTER_MS).unref();
    return true;
  }

  /** Checks for a new build every `intervalMs`. */
  watch(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.reload(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

async function manifestBuildId(dir: string): Promise<string | null> {
  try {
    return buildIdOf(JSON.parse(await readFile(join(dir, INDEX_FILES.manifest), 'utf8')) as IndexManifest);
  } catch {
    return null; // no manifest right now (a build is being swapped in): try again later
  }
}
