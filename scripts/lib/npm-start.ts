// `npm start`'s command as node arguments, read from package.json, so that the bench and the tests
// run the server exactly as `npm start` does (its V8 flags included) and cannot drift from it.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The arguments after `node` in package.json's start script: ['--liftoff-only', …, 'build/main.mjs']. */
export function npmStartArgs(root: string = process.cwd()): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = pkg.scripts.start!.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${command}", not node: ${pkg.scripts.start}`);
  return args;
}
