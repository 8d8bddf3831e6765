// The HTTP API and the web app, on one Express app. Route handlers only parse, call a service and
// shape the output; every error leaves as { error: { code, message } } with the status from
// errors.ts, and nothing a client sends can produce a stack trace.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Clause, PolicyDocument } from '../ingest/types.ts';
import { ApiError } from './errors.ts';
import type { LoadedIndex } from './load-index.ts';
import { FILTER_NAMES, matchesFilters, search, validateFilters, type SearchFilters, type SearchMode } from './search.ts';

export interface AppOptions {
  /** The built web app (web/dist), served beside the API; null serves the API alone. */
  webDist?: string | null;
  /** Origin allowed to call the API from a browser; none by default. */
  corsOrigin?: string;
  embedTimeoutMs?: number;
  /** Where 5xx errors are logged; default console.error. */
  logError?: (message: string, error: unknown) => void;
}

/** Largest request the server reads; the API takes no body, so anything bigger is refused. */
const MAX_BODY_BYTES = 1024;

type DocumentSummary = Omit<PolicyDocument, 'text' | 'clauses' | 'warnings' | 'part'> & { clauseCount: number };

function summary(d: PolicyDocument): DocumentSummary {
  const { text: _text, clauses, warnings: _warnings, part: _part, ...meta } = d;
  return { ...meta, clauseCount: clauses.length };
}

/** One text value per parameter: ?q=a&q=b or ?q[x]=1 is refused rather than guessed at. */
function param(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ApiError('INVALID_PARAMETER', name);
  return value;
}

function filtersOf(req: Request): SearchFilters {
  const filters: SearchFilters = {};
  for (const name of FILTER_NAMES) {
    const value = param(req, name)?.trim();
    if (value !== undefined && value !== '') filters[name] = value;
  }
  return filters;
}

export function createApp(index: LoadedIndex, options: AppOptions = {}): express.Express {
  const app = express();
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(helmet());

  const api = express.Router();
  api.use((req, res, next) => {
    if (options.corsOrigin) {
      res.setHeader('Access-Control-Allow-Origin', options.corsOrigin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (req.method === 'OPTIONS' && options.corsOrigin) {
        res.setHeader('Access-Control-Allow-Methods', 'GET');
        res.status(204).end();
        return;
      }
      throw new ApiError('METHOD_NOT_ALLOWED', req.method);
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE');
    next();
  });

  api.get('/search', async (req, res) => {
    const rawK = param(req, 'k');
    let k: number | undefined;
    if (rawK !== undefined) {
      if (!/^\s*\d{1,3}\s*$/.test(rawK)) throw new ApiError('INVALID_K', 50, rawK);
      k = Number(rawK);
    }
    const request = {
      q: param(req, 'q') ?? '',
      k,
      mode: (param(req, 'mode')?.trim() || undefined) as SearchMode | undefined,
      filters: filtersOf(req),
      embedTimeoutMs: options.embedTimeoutMs,
    };
    // search() validates the request and throws ApiError for anything it cannot answer
    res.json(await search(index, request));
  });

  api.get('/docs', (req, res) => {
    const filters = filtersOf(req);
    validateFilters(index, filters);
    const documents = index.documents
      .filter((d) => matchesFilters(d, filters))
      .map(summary);
    res.json({ total: documents.length, documents });
  });

  api.get('/docs/:id', (req, res) => {
    const doc = index.documentsById.get(String(req.params.id));
    if (doc === undefined) throw new ApiError('DOCUMENT_NOT_FOUND', String(req.params.id));
    const { clauses, warnings: _warnings, part: _part, ...document } = doc;
    res.json({ document: { ...document, clauseCount: clauses.length }, clauses });
  });

  api.get('/clauses/:id', (req, res) => {
    const clause: Clause | undefined = index.clausesById.get(String(req.params.id));
    if (clause === undefined) throw new ApiError('CLAUSE_NOT_FOUND', String(req.params.id));
    res.json({ clause, document: summary(index.documentsById.get(clause.docId)!) });
  });

  api.get('/health', (_req, res) => {
    const { manifest } = index;
    res.json({
      status: index.embedderProblem === null ? 'ok' : 'degraded',
      ...(index.embedderProblem !== null ? { degraded: index.embedderProblem } : {}),
      documents: manifest.counts.documents,
      clauses: manifest.counts.clauses,
      passages: manifest.counts.passages,
      embedder: { id: manifest.embedder.id, kind: manifest.embedder.kind, dims: manifest.embedder.dims },
      tokenizer: manifest.tokenizer.id,
      builtAt: manifest.builtAt,
      formatVersion: manifest.formatVersion,
    });
  });

  api.use((req) => {
    throw new ApiError('NOT_FOUND', req.path);
  });
  app.use('/api', api);

  // res.sendFile takes absolute paths only
  const webDist = options.webDist === undefined ? resolve('web/dist') : options.webDist === null ? null : resolve(options.webDist);
  if (webDist !== null) {
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // The reader's routes (/, /doc/:id, /docs) are the web app's: every other GET gets its page.
    app.get(/^(?!\/api\/).*/, (_req, res) => {
      const page = join(webDist, 'index.html');
      if (existsSync(page)) res.sendFile(page, { maxAge: 0 });
      else res.status(503).type('text/plain; charset=utf-8').send('The web app is not built yet: run `npm run build:web`. The API is at /api.');
    });
  }

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else if (error instanceof URIError || (error as { status?: number }).status === 400) {
      apiError = new ApiError('BAD_REQUEST');
    } else if ((error as { status?: number }).status === 413) {
      apiError = new ApiError('PAYLOAD_TOO_LARGE');
    } else {
      apiError = new ApiError('INTERNAL');
      logError(`${req.method} ${req.path} ${JSON.stringify(req.query)} failed:`, error);
    }
    res.status(apiError.status).json(apiError.toJSON());
  });

  return app;
}
