// Every error a client can get, in one table: its HTTP status and its message. Tests assert on
// `code`, never on the message text.
import { format } from 'node:util';

export const errors = {
  QUERY_MISSING: { status: 400, message: 'Give a query in the q parameter.' },
  QUERY_TOO_LONG: { status: 400, message: 'The query is %d characters; the limit is %d.' },
  INVALID_K: { status: 400, message: 'k must be a whole number from 1 to %d; got "%s".' },
  INVALID_MODE: { status: 400, message: 'mode must be one of %s; got "%s".' },
  INVALID_FILTER: { status: 400, message: '%s "%s" is not known. Known values: %s.' },
  INVALID_PARAMETER: { status: 400, message: 'The parameter %s must be given once, as text.' },
  DOCUMENT_NOT_FOUND: { status: 404, message: 'There is no document with id "%s".' },
  CLAUSE_NOT_FOUND: { status: 404, message: 'There is no clause with id "%s".' },
  NOT_FOUND: { status: 404, message: 'There is nothing at %s.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This server only answers GET; got %s.' },
  HOST_NOT_ALLOWED: { status: 403, message: 'This server does not answer to the host name %s; ask its operator to add it to ALLOWED_HOSTS.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is too large.' },
  BAD_REQUEST: { status: 400, message: 'The request could not be read.' },
  WEB_NOT_BUILT: { status: 503, message: 'The web app is not built yet: run `npm run build:web`. The API is at /api.' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The search database cannot be reached right now; try again shortly.' },
  DATABASE_TIMEOUT: { status: 504, message: 'The search database took too long to answer; try again, or narrow the query.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side; it has been logged.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errors;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, ...args: (string | number)[]) {
    super(format(errors[code].message, ...args));
    this.name = 'ApiError';
    this.code = code;
    this.status = errors[code].status;
  }

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
