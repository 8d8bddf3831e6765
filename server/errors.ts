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
  NOT_FOUND: { status: 404, message: 'There is no API endpoint %s.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'The API only answers GET; got %s.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is too large.' },
  BAD_REQUEST: { status: 400, message: 'The request could not be read.' },
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
