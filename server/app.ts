// The HTTP API and the web app, on one Express app. Route handlers only parse, call a service and
// shape the output; every error leaves as { error: { code, message } } with the status from
// errors.ts, and nothing a client sends can produce a stack trace.
import { existsSync } from 'node:fs';
import { STATUS_CODES, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import compression from 'compression';
import helmet from 'helmet';
import type { Clause, PolicyDocument } from '../ingest/types.ts';
import { documentCard, findNamedDocument, relatedDocuments, withInterpretations } from './document-card.ts';
import { ApiError } from './errors.ts';
import type { LoadedIndex } from './load-index.ts';
import { FILTER_NAMES, matchesFilters, search, validateFilters, type SearchFilters, type SearchMode } from './search.ts';

/** The index a request is answered from. A live server swaps in a newer build between requests;
 * each request takes the index once, at its start, and finishes on that one. */
export interface IndexSource {
  current(): LoadedIndex;
}

export interface AppOptions {
  /** The built web app (web/dist), served beside the API; null serves the API alone. */
  webDist?: string | null;
  /** Origin allowed to call the API from a browser; none by default. */
  corsOrigin?: string;
  embedTimeoutMs?: number;
  /** Where 5xx errors are logged; default console.error. */
  logError?: (message: string, error: unknown) => void;
  /**
   * Host names the server answers to (DNS-rebinding guard); empty or absent: any. Loopback names
   * (localhost, 127.0.0.1, [::1]) are always answered.
   */
  allowedHosts?: readonly string[];
  /** Express's `trust proxy`: set behind a TLS-terminating proxy so X-Forwarded-Proto counts. */
  trustProxy?: boolean | string | number;
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** The host name of a Host header, lower case, without its port. */
export function hostName(header: string | undefined): string {
  const host = (header ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d*$/, '');
}

/** Headers every error answer carries, also the ones written on the raw socket. */
const ERROR_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * Errors Node's HTTP parser answers before Express sees the request (a malformed request line,
 * headers over Node's size limit, a request that never finished) get the product's error body
 * too, instead of Node's bare 400/431/408.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST';
    const apiError = new ApiError(code);
    const body = JSON.stringify(apiError.toJSON());
    const headers = { ...ERROR_HEADERS, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
    socket.end(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n` +
        Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
        `\r\n${body}`,
    );
  });
}

/** A request that declares a body the server will not read: answer, then close, instead of waiting for it. */
function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

const statusCache = new WeakMap<LoadedIndex, Record<string, number>>();
function statusCounts(index: LoadedIndex): Record<string, number> {
  let counts = statusCache.get(index);
  if (!counts) {
    counts = {};
    for (const d of index.documents) counts[d.status] = (counts[d.status] ?? 0) + 1;
    statusCache.set(index, counts);
  }
  return counts;
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

export function createApp(source: LoadedIndex | IndexSource, options: AppOptions = {}): express.Express {
  const current = 'current' in source ? () => source.current() : () => source;
  const app = express();
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  // Served on a LAN under any host name, over plain HTTP: helmet's default CSP asks the browser to
  // upgrade every script and style to https, which leaves a blank page there. Only a request that
  // arrived over HTTPS (directly, or through a trusted proxy) gets that directive and HSTS.
  const overHttps = helmet();
  const overHttp = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } }, strictTransportSecurity: false });
  app.use((req, res, next) => (req.secure ? overHttps : overHttp)(req, res, next));
  // JSON answers, the page and its script shrink to a fifth with gzip (brotli where asked for)
  app.use(compression({ threshold: 1024 }));

  const allowed = new Set([...(options.allowedHosts ?? []).map((h) => hostName(h)), ...LOOPBACK_HOSTS]);
  if ((options.allowedHosts ?? []).length > 0) {
    app.use((req, _res, next) => {
      const host = hostName(req.headers.host);
      if (!allowed.has(host)) throw new ApiError('HOST_NOT_ALLOWED', host === '' ? '(none)' : host.slice(0, 100));
      next();
    });
  }

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
    const index = current();
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
    const named = request.filters.doc === undefined ? findNamedDocument(index, request.q) : null;
    if (named === null) {
      res.json(withInterpretations(index, await search(index, request)));
      return;
    }
    // The query names a document: the document first, then its clauses that match the rest of the
    // query; when the rest is in no clause of it, say so and answer from the whole collection.
    const filters = { ...request.filters, doc: named.document.id };
    const inside = named.rest === '' ? null : await search(index, { ...request, q: named.rest, mode: 'keyword', k: 1, filters });
    const found = inside === null || inside.results.some((r) => r.highlights.length > 0);
    const answer = await search(index, found ? { ...request, q: named.rest || request.q, filters } : { ...request, q: named.rest });
    if (named.rest === '') {
      // the query was only the document's name: marking its digits ("2" of 2025) in every clause helps no one
      for (const r of answer.results) r.highlights = r.highlights.filter(([a, b]) => !/^[\d\s〔〕［］\[\]（）()号第年]*$/.test(r.text.slice(a, b)));
    }
    // (only the document's name was asked: each of its clauses is what was asked, none is weak)
    res.json({ ...withInterpretations(index, answer, named.rest === '' ? null : named.rest), query: request.q, document: documentCard(index, named.document), within: { docId: named.document.id, rest: named.rest, found } });
  });

  api.get('/docs', (req, res) => {
    const index = current();
    const filters = filtersOf(req);
    validateFilters(index, filters);
    const documents = index.documents
      .filter((d) => matchesFilters(d, filters))
      .map(summary);
    res.json({ total: documents.length, documents });
  });

  api.get('/docs/:id', (req, res) => {
    const index = current();
    const doc = index.documentsById.get(String(req.params.id));
    if (doc === undefined) throw new ApiError('DOCUMENT_NOT_FOUND', String(req.params.id));
    const { clauses, warnings: _warnings, part: _part, ...document } = doc;
    // the documents this one is linked with, by title, so the reader can name them
    const related = relatedDocuments(index, doc);
    res.json({ document: { ...document, clauseCount: clauses.length }, clauses, related });
  });

  api.get('/clauses/:id', (req, res) => {
    const index = current();
    const clause: Clause | undefined = index.clausesById.get(String(req.params.id));
    if (clause === undefined) throw new ApiError('CLAUSE_NOT_FOUND', String(req.params.id));
    res.json({ clause, document: summary(index.documentsById.get(clause.docId)!) });
  });

  api.get('/health', (_req, res) => {
    const index = current();
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
      // which engine answers: the index files (embedded) or PostgreSQL, and the build being served
      backend: index.backend.kind,
      ...(manifest.buildId !== undefined ? { buildId: manifest.buildId } : {}),
      // how many documents are in force: the search page filters to 现行有效 by default when most are known
      statuses: statusCounts(index),
    });
  });

  api.use((req) => {
    throw new ApiError('NOT_FOUND', (req.baseUrl + req.path).slice(0, 200));
  });
  app.use('/api', api);

  // res.sendFile takes absolute paths only
  const webDist = options.webDist === undefined ? resolve('web/dist') : options.webDist === null ? null : resolve(options.webDist);
  if (webDist !== null) {
    // Vite names built assets by their content hash: a name never changes meaning, so they are
    // cached for good; anything else (a favicon) for an hour.
    app.use(
      express.static(webDist, {
        index: false,
        maxAge: '1h',
        setHeaders: (res, path) => {
          if (/[\\/]assets[\\/][^\\/]+-[\w-]{8,}\.\w+$/.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        },
      }),
    );
    // The reader's routes (/, /doc/:id, /docs) are the web app's: every other GET gets its page.
    app.get(/^(?!\/api\/).*/, (_req, res) => {
      const page = join(webDist, 'index.html');
      if (existsSync(page)) res.sendFile(page, { maxAge: 0 });
      else throw new ApiError('WEB_NOT_BUILT');
    });
  }

  // Everything else, in the same error format as the API: a method the pages do not answer, a
  // path that is nothing. Answered at once, never after waiting for a body nobody will read.
  app.use((req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError('METHOD_NOT_ALLOWED', req.method.slice(0, 20));
    throw new ApiError('NOT_FOUND', req.path.slice(0, 200));
  });

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
    if (hasBody(req) && !req.complete) res.setHeader('Connection', 'close');
    res.status(apiError.status).set(ERROR_HEADERS).json(apiError.toJSON());
  });

  return app;
}
