// The errors a client can act on. Domain code throws these; the GraphQL schema maps each to its
// union member (ValidationError, NotFoundError, VerificationError). Anything else is a fault.

export interface FieldError {
  /** Path of the bad field, as the client sent it, e.g. ['input', 'url']. */
  path: string[];
  message: string;
}

// The NUL rule lives with the attempt's parts (a leaf the transformation also applies).
export { hasNul, NUL_MESSAGE } from '../delivery/text.ts';

export class ValidationError extends Error {
  readonly fieldErrors: FieldError[];
  constructor(fieldErrors: FieldError[], message?: string) {
    super(message ?? summarize(fieldErrors));
    this.name = 'ValidationError';
    this.fieldErrors = fieldErrors;
  }
  static field(path: string[], message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} ${JSON.stringify(id)} was not found`);
    this.name = 'NotFoundError';
  }
}

export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}

function summarize(fieldErrors: FieldError[]): string {
  if (fieldErrors.length === 0) return 'Invalid input';
  const first = fieldErrors[0]!;
  const more = fieldErrors.length > 1 ? ` (and ${fieldErrors.length - 1} more)` : '';
  return `Invalid input: ${first.path.join('.')}: ${first.message}${more}`;
}
