// The browser's side of docs/API.md. Types come from the shared data model so a change there
// shows up here at type-check time.
import type { Clause, DocumentMeta, DocumentStatus, OcrSummary } from '../../ingest/types.ts';
import type { ApiSearchResponse, ApiSearchResult, DocumentCard, RelatedDocument, RelatedDocuments } from '../../server/document-card.ts';

/** One clause found, with its 解读 or the clause it explains. */
export type SearchResult = ApiSearchResult;

/** What /api/search answers: results, facets, and the document the query names, if any. */
export type SearchResponse = ApiSearchResponse;
export type { Clause, DocumentCard, DocumentStatus, RelatedDocument, RelatedDocuments };

export const FILTER_KEYS = ['type', 'issuer', 'region', 'year', 'status'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const FILTER_LABELS: Record<FilterKey, string> = {
  type: '类型',
  issuer: '发文机关',
  region: '地区',
  year: '年份',
  status: '状态',
};

export interface DocSummary extends DocumentMeta {
  id: string;
  source: string;
  clauseCount: number;
  /** Present when the text was recognized by OCR from a scan. */
  ocr?: OcrSummary;
}

export interface DocsResponse {
  total: number;
  documents: DocSummary[];
}

export interface DocResponse {
  document: DocSummary & { text: string };
  clauses: Clause[];
  related?: RelatedDocuments;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError('无法连接服务器，请检查网络后重试。', 'NETWORK', 0);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(err?.message ?? `服务器返回 ${res.status}`, err?.code ?? 'HTTP', res.status);
  }
  if (body === null) throw new ApiError('服务器返回的内容无法解析。', 'BAD_JSON', res.status);
  return body as T;
}

export function searchClauses(params: URLSearchParams, signal?: AbortSignal): Promise<SearchResponse> {
  return getJson(`/api/search?${params.toString()}`, signal);
}

export function listDocs(signal?: AbortSignal): Promise<DocsResponse> {
  return getJson('/api/docs', signal);
}

export function getDoc(id: string, signal?: AbortSignal): Promise<DocResponse> {
  return getJson(`/api/docs/${encodeURIComponent(id)}`, signal);
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

export interface Health {
  status: 'ok' | 'degraded';
  documents: number;
  builtAt: string;
  /** Documents per status (现行有效, 已失效, 未知). */
  statuses?: Record<string, number>;
}

export function getHealth(signal?: AbortSignal): Promise<Health> {
  return getJson('/api/health', signal);
}
