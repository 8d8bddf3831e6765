// The server's settings, from environment variables, checked once at start-up.
import { resolve } from 'node:path';
import { EMBEDDER_CHOICES, type EmbedderChoice } from '../ingest/build-index.ts';

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
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
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
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    corpusDir: resolve(env.CORPUS_DIR ?? 'corpus'),
    indexDir: resolve(env.INDEX_DIR ?? 'index'),
    webDist: resolve(env.WEB_DIST ?? 'web/dist'),
    embedder,
    modelDir: env.MODEL_DIR?.trim() || undefined,
    corsOrigin: cors || undefined,
    embedTimeoutMs: integer(env, 'EMBED_TIMEOUT_MS', 2000, 1, 60_000),
  };
}
