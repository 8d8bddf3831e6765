// Search filters: which documents a search may answer from. Shared by search and every backend.
import type { PolicyDocument } from '../ingest/types.ts';

export interface SearchFilters {
  doc?: string;
  type?: string;
  issuer?: string;
  region?: string;
  year?: string;
  status?: string;
}
export const yearOf = (d: PolicyDocument): string | null => d.date?.slice(0, 4) ?? null;

export function matchesFilters(d: PolicyDocument, f: SearchFilters): boolean {
  return (
    (f.doc === undefined || d.id === f.doc) &&
    (f.type === undefined || d.type === f.type) &&
    (f.issuer === undefined || d.issuer === f.issuer) &&
    (f.region === undefined || d.region === f.region) &&
    (f.year === undefined || yearOf(d) === f.year) &&
    (f.status === undefined || d.status === f.status)
  );
}
