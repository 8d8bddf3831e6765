// One way to talk to PostgreSQL, whether it is a server reached with the `pg` Pool (DATABASE_URL,
// production) or PGlite in this process (tests, eval): a query, a transaction on one connection,
// and close. Errors that mean "the database cannot be reached" or "it took too long" are told
// apart here, so the API can answer them with their own codes.
import { createRequire } from 'node:module';
import type pg from 'pg';

export interface SqlQuery {
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface SqlClient extends SqlQuery {
  /**
   * Runs fn on one connection between BEGIN and COMMIT (ROLLBACK when it throws). timeoutMs: the
   * client stops waiting for any one answer after this long (see PoolOptions.queryTimeoutMs).
   */
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>, options?: { timeoutMs?: number }): Promise<T>;
  close(): Promise<void>;
  /** Where it is connected, without credentials: for logs and messages. */
  readonly description: string;
}

/** A PostgreSQL URL with its password hidden. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

export interface PoolOptions {
  /** Connections in the pool (default 8). */
  max?: number;
  /** Give up connecting after this long (default 5 s). */
  connectionTimeoutMs?: number;
  /**
   * Give up waiting for a query's answer after this long, on the client's side (default: never).
   * statement_timeout stops a statement on the server; this also covers a server that does not
   * answer at all (a stalled connection, a pooler's queue, PGlite, which keeps no timers).
   */
  queryTimeoutMs?: number;
}

/** A pg Pool for DATABASE_URL. */
export function connectPostgres(url: string, options: PoolOptions = {}): SqlClient {
  // loaded only here: a server of the embedded index starts without it (a tenth of a second)
  const { Pool } = createRequire(import.meta.url)('pg') as typeof pg;
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 8,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    ...(options.queryTimeoutMs !== undefined ? { query_timeout: options.queryTimeoutMs } : {}),
  });
  // An idle connection dropped by the server must not bring the process down; the next query
  // gets a fresh connection or a clear error.
  pool.on('error', () => {});
  return {
    description: describeUrl(url),
    query: async <R extends object>(text: string, params?: unknown[]) => {
      const result = await pool.query(text, params);
      return { rows: result.rows as R[] };
    },
    transaction: async <T>(fn: (tx: SqlQuery) => Promise<T>, { timeoutMs }: { timeoutMs?: number } = {}) => {
      const client = await pool.connect();
      let broken = false;
      const query = async <R extends object>(text: string, values?: unknown[]) =>
        ({ rows: (await client.query({ text, ...(values ? { values } : {}), ...(timeoutMs !== undefined ? { query_timeout: timeoutMs } : {}) })).rows as R[] });
      try {
        await query('BEGIN');
        const value = await fn({ query });
        await client.query('COMMIT');
        return value;
      } catch (error) {
        // after a client-side timeout the connection may still be busy with the statement: never reuse it
        broken = isConnectionError(error) || isTimeoutError(error);
        if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        client.release(broken ? true : undefined);
      }
    },
    close: () => pool.end(),
  };
}

/** What PGlite offers (in process), as the client above. */
export interface PGliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  transaction<T>(fn: (tx: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function fromPGlite(db: PGliteLike, description = 'PGlite (in process)'): SqlClient {
  return {
    description,
    query: <R extends object>(text: string, params?: unknown[]) => db.query<R>(text, params),
    // PGlite runs in this process and keeps no timers: a timeout has nothing to stop
    transaction: <T>(fn: (tx: SqlQuery) => Promise<T>) => db.transaction((tx) => fn({ query: <R extends object>(text: string, params?: unknown[]) => tx.query<R>(text, params) })),
    close: () => db.close(),
  };
}

/** PGlite in this process with pgvector: for tests and for measuring without a server. */
export async function openPGlite(dataDir?: string): Promise<SqlClient> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const db = await PGlite.create(dataDir ?? 'memory://', { extensions: { vector } });
  return fromPGlite(db as unknown as PGliteLike, dataDir ? `PGlite in ${dataDir}` : 'PGlite (in memory)');
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

/** True when an error says the database could not be reached or the connection was lost. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (e === null || typeof e !== 'object') return false;
  if (e.code !== undefined && CONNECTION_CODES.has(e.code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(e.message ?? '');
}

/** True when PostgreSQL cancelled a statement for taking longer than statement_timeout, or the client stopped waiting. */
export function isTimeoutError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return e?.code === '57014' || /Query read timeout/i.test(e?.message ?? '');
}
