// What the CLI's exit codes mean, and how an error becomes one.
import { HookwireError, type HookwireErrorCode } from '../errors.ts';

export const EXIT = {
  OK: 0,
  /** Anything unexpected: the service failed, or a bug. */
  FAILURE: 1,
  /** Bad arguments or configuration (a missing API key, unreadable data). */
  USAGE: 2,
  /** What was named does not exist in the account. */
  NOT_FOUND: 3,
  /** The service refused the input: a ValidationError or VerificationError. */
  REJECTED: 4,
  /** The API key is missing from the service's view, unknown, revoked or not allowed. */
  AUTH: 5,
  /** The service cannot be reached (or the live socket was lost). */
  UNAVAILABLE: 6,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  unexpected failure (the service failed)
  2  bad arguments or configuration
  3  not found in this account
  4  rejected by the service (validation or URL verification)
  5  authentication: the API key is unknown, revoked or not allowed
  6  the service cannot be reached

Environment:
  HOOKWIRE_URL      the GraphQL URL (default http://127.0.0.1:4000/graphql)
  HOOKWIRE_API_KEY  an API key (hk_…)
  HOOKWIRE_ADMIN_KEY  the deployment's admin key (used when no API key is given)
  HOOKWIRE_ACCOUNT  with the admin key: the account (id or externalId) to act for
`;

/** An error the CLI reports as it is, with its exit code. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

const EXIT_OF_CODE: Record<HookwireErrorCode, number> = {
  UNAUTHENTICATED: EXIT.AUTH,
  FORBIDDEN: EXIT.AUTH,
  NOT_FOUND: EXIT.NOT_FOUND,
  VALIDATION: EXIT.REJECTED,
  VERIFICATION: EXIT.REJECTED,
  NETWORK: EXIT.UNAVAILABLE,
  SERVER: EXIT.FAILURE,
};

/** What a command was told to read is not in the account (exit 3). */
export function notFound(what: string, id: string): never {
  throw new CliError(EXIT.NOT_FOUND, `No ${what} ${id} in this account`);
}

/** The exit code and the lines for stderr that an error stands for. */
export function report(error: unknown): { exitCode: number; lines: string[] } {
  if (error instanceof CliError) return { exitCode: error.exitCode, lines: [error.message] };
  if (error instanceof HookwireError) {
    const message = error.result?.message ?? error.message;
    // The service's message usually names each bad field already; list them when it does not.
    const fields = (error.result?.fieldErrors ?? []).map((f) => `  ${f.path.join('.')}: ${f.message}`).filter((line) => !message.includes(line.trim()));
    return { exitCode: EXIT_OF_CODE[error.code], lines: [message, ...fields] };
  }
  return { exitCode: EXIT.FAILURE, lines: [`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`] };
}
