// The server's settings, from environment variables, checked once at start-up.
import { resolve } from 'node:path';
import { EMBEDDER_CHOICES, type EmbedderChoice } from '../ingest/types.ts';
import { keywordThreadsSetting } from './keyword-threads.ts';

export interface Config {
  port: number;
  host: string;
  corpusDir: string;
  indexDir: string;
  webDist: string;
  /** Embedder for a build that `npm start` runs; the server itself uses the index's. */
  embedder: EmbedderChoice;
  modelDir: string | undefined;
  /** Origin allowed to call the API from a browser; none by default. */
  corsOrigin: string | undefined;
  /** How long a query embedding may take before keyword results stand in. */
  embedTimeoutMs: number;
  /** Host names the server answers to; empty: any (see AppOptions.allowedHosts). */
  allowedHosts: string[];
  /** Express's `trust proxy`, for a TLS-terminating proxy in front; undefined: off. */
  trustProxy: boolean | number | string | undefined;
  /** PostgreSQL to serve from (and build into) instead of INDEX_DIR's files; undefined: the embedded engine. */
  databaseUrl: string | undefined;
  /** statement_timeout of a search's database statements. */
  databaseTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  // Digits only: Number() would also take "0x50", "1e3" or " 80 ".
  const value = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const embedder = (env.EMBEDDER ?? 'auto') as EmbedderChoice;
  if (!EMBEDDER_CHOICES.includes(embedder)) {
    throw new ConfigError(`EMBEDDER must be one of ${EMBEDDER_CHOICES.join(', ')}; got "${env.EMBEDDER}".`);
  }
  const cors = env.CORS_ORIGIN?.trim();
  if (cors && cors !== '*' && !/^https?:\/\/[^/\s]+$/.test(cors)) {
    throw new ConfigError(`CORS_ORIGIN must be an origin such as https://portal.example.gov.cn (or *); got "${cors}".`);
  }
  const allowedHosts = (env.ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  for (const host of allowedHosts) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(host)) {
      throw new ConfigError(`ALLOWED_HOSTS must list host names without scheme or port, separated by commas (e.g. policy.lan,10.0.0.5); got "${host}".`);
    }
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/database.');
  }
  try {
    keywordThreadsSetting(env); // read again where an index is loaded
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const proxy = env.TRUST_PROXY?.trim();
  const trustProxy = !proxy ? undefined : proxy === 'true' ? true : proxy === 'false' ? false : /^\d+$/.test(proxy) ? Number(proxy) : proxy;
  return {
    allowedHosts,
    trustProxy,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    corpusDir: resolve(env.CORPUS_DIR ?? 'corpus'),
    indexDir: resolve(env.INDEX_DIR ?? 'index'),
    webDist: resolve(env.WEB_DIST ?? 'web/dist'),
    embedder,
    modelDir: env.MODEL_DIR?.trim() || undefined,
    corsOrigin: cors || undefined,
    embedTimeoutMs: integer(env, 'EMBED_TIMEOUT_MS', 2000, 1, 60_000),
    databaseUrl,
    databaseTimeoutMs: integer(env, 'DATABASE_TIMEOUT_MS', 10_000, 100, 600_000),
  };
}
