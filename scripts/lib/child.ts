// The bench measures ingest, search and the server each in a child process of its own: peak
// memory (maxRSS) then belongs to that one job, and no job runs on a JIT or heap warmed by another.
// A child is a TypeScript module run under tsx; it answers with one IPC message.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSX = import.meta.resolve('tsx');

/** Where a child module is, from its name inside scripts/lib/. */
export const childScript = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

export function startChild(script: string, input: unknown, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; stderr: () => string } {
  const child = fork(script, [JSON.stringify(input)], {
    execArgv: ['--import', TSX],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return { child, stderr: () => stderr };
}

/** Runs a child to the end and returns the one message it sent. */
export function runChild<T>(script: string, input: unknown, env?: NodeJS.ProcessEnv): Promise<T> {
  const { child, stderr } = startChild(script, input, env);
  return new Promise<T>((resolve, reject) => {
    let result: { ok: true; value: T } | null = null;
    child.on('message', (message) => (result = { ok: true, value: message as T }));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result !== null && code === 0) resolve(result.value);
      else reject(new Error(`${script} exited with ${signal ?? code}${stderr() ? `:\n${stderr()}` : ''}`));
    });
  });
}

/** Inside a child: the input the parent passed. */
export function childInput<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/**
 * Inside a child: send the result and exit once it is delivered. Exiting, not just disconnecting:
 * the query embedder's worker thread and the model runtime's threads would keep the process alive.
 */
export function reply(value: unknown): void {
  process.send!(value, () => process.exit(0));
}

/** Peak resident set size of this process so far, in MB (resourceUsage reports KB). */
export const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;
