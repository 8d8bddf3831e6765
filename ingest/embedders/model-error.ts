// Why the embedding model could not be used: one error with a code, for the ingest CLI, the
// server's health and the fallback to the built-in embedder.
import { format } from 'node:util';

const errors = {
  MODEL_UNAVAILABLE: 'The embedding model %s is not available: %s. %s',
  MODEL_INVALID: 'The embedding model files in %s could not be loaded: %s',
  MODEL_MISMATCH: 'The model %s gives %d-dimensional vectors; this embedder expects %d.',
} as const;
export type ModelErrorCode = keyof typeof errors;

export class ModelLoadError extends Error {
  readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, args: (string | number)[], options?: { cause?: unknown }) {
    super(format(errors[code], ...args), options);
    this.name = 'ModelLoadError';
    this.code = code;
  }
}
