// How an error thrown while answering a request reaches the client: the database being down is a
// 503 with Retry-After; a value Postgres refuses (a NUL, a date out of range) is the client's 400;
// anything else unexpected is masked ("Unexpected error.", no stack, no SQL) unless the process
// runs with NODE_ENV=development, and is logged in full either way.
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { isConnectionError } from '../db/reconnect.ts';
import type { Logger } from '../log.ts';

/** Seconds a client should wait before retrying while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

export function databaseUnavailable(): GraphQLError {
  return new GraphQLError(`The database is unreachable; try again in ${RETRY_AFTER_SECONDS} seconds`, {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } },
  });
}

/** The SQLSTATE of a Postgres error, wherever Prisma's driver adapter or pg put it. */
export function postgresCode(error: unknown, depth = 0): string | null {
  if (!error || typeof error !== 'object' || depth > 5) return null;
  const e = error as { code?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: unknown }; cause?: unknown };
  for (const candidate of [e.originalCode, e.code]) {
    if (typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate) && !candidate.startsWith('P')) return candidate;
  }
  return postgresCode(e.meta?.driverAdapterError, depth + 1) ?? postgresCode(e.cause, depth + 1);
}

const DATA_EXCEPTIONS: Record<string, string> = {
  '22021': 'Text may not contain the NUL character (\\u0000)',
  '22P05': 'Text may not contain the NUL character (\\u0000)',
  '22008': 'A date is outside the range that can be stored (years 0001 to 9999)',
  '22007': 'A date or time is not valid',
  '22003': 'A number is out of range',
  '22001': 'A value is too long',
};

// Prisma's own names for values the database refused.
const PRISMA_INPUT_CODES = new Set(['P2000', 'P2006', 'P2007', 'P2019', 'P2020', 'P2023', 'P2033']);

/** The client-facing error for a known failure, or null when the error is unexpected. */
export function classifyError(error: unknown): GraphQLError | null {
  if (isConnectionError(error)) return databaseUnavailable();
  const sqlState = postgresCode(error);
  const prismaCode = (error as { code?: unknown } | null)?.code;
  if ((sqlState && sqlState.startsWith('22')) || (typeof prismaCode === 'string' && PRISMA_INPUT_CODES.has(prismaCode))) {
    const message = (sqlState && DATA_EXCEPTIONS[sqlState]) ?? 'An argument has a value that cannot be stored';
    return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: false } } });
  }
  return null;
}

/** Yoga's maskError: known failures become typed errors, the rest is logged and masked (or detailed in development). */
export function createMaskError(logger: Logger, development: boolean) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? null) : error;
    if (original && !(original instanceof GraphQLError)) {
      const known = classifyError(original);
      if (known) {
        return new GraphQLError(known.message, {
          nodes: (error as GraphQLError).nodes,
          path: (error as GraphQLError).path,
          extensions: known.extensions,
        });
      }
      logger.error('unexpected error in a resolver', original);
    }
    return yogaMaskError(error, message, development);
  };
}
