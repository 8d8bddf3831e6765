// A PostgreSQL server for the tests: pglite-server (PGlite, PostgreSQL 18 in WebAssembly, with
// pgvector) on 127.0.0.1, reached with the production `pg` Pool exactly as a real server would be.
// Its data lives in a folder, so it can be stopped (the database "goes away") and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const SERVER = resolve('node_modules/@electric-sql/pglite-socket/dist/scripts/server.js');

export interface PgliteServer {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Starts pglite-server (-m 10: at least as many connections as a pg Pool opens, 8 by default; one more is refused) over dataDir. */
export async function startPgliteServer(dataDir: string): Promise<PgliteServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = () =>
    new Promise<void>((ready, fail) => {
      const proc = spawn(process.execPath, [SERVER, `--db=${dataDir}`, `--port=${port}`, '--host=127.0.0.1', '-m', '10', '--extensions=@electric-sql/pglite-pgvector:vector'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let output = '';
      const timer = setTimeout(() => fail(new Error(`pglite-server did not start within 60 s:\n${output}`)), 60_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening')) {
          clearTimeout(timer);
          ready();
        }
      });
      proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      if (process.env.PGLITE_SERVER_LOG) proc.stdout!.pipe(process.stderr), proc.stderr!.pipe(process.stderr);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`pglite-server exited (${code}):\n${output}`));
      });
    });
  const stop = () =>
    new Promise<void>((done) => {
      const proc = child;
      child = null;
      if (proc === null || proc.exitCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
    });
  await start();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, start, stop };
}
