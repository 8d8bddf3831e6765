// What the browser tests share: Debian's Chromium driven by playwright-core (no browser download),
// a fresh build of web/dist, and the rule for a machine without Chromium.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = 'tests/artifacts';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a visible note on a
 * developer's machine, but CI (CI=true) must not pass quietly without them: the caller fails there.
 */
export function chromiumStatus(): { available: true } | { available: false; message: string } {
  if (existsSync(CHROMIUM_PATH)) return { available: true };
  return {
    available: false,
    message: `${CHROMIUM_PATH} not found: the browser tests need Debian's Chromium (apt-get install -y chromium)`,
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** web/dist (absolute), rebuilt with Vite unless it is newer than every source it is made from. */
export async function ensureWebBuild(): Promise<string> {
  const dist = resolve('web/dist');
  const built = join(dist, 'index.html');
  const sources = ['web/src', 'web/index.html', 'web/vite.config.ts'].map((p) => resolve(p));
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(...sources.map(newestMtime))) return dist;
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which Vite would honour with React's development build; web/dist
  // is what `npm start` serves afterwards, so it must be the production one
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: 'web/vite.config.ts', mode: 'production', logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return dist;
}
