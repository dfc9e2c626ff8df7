// The one error the client throws: the service could not be reached, refused the request (a bad
// key, malformed input), or a shorthand met a typed error result. Typed error *results* of
// mutations are not thrown: they are members of each result's union (see client.ts).

/** A GraphQL error as the service sends it. */
export interface GraphQLErrorLike {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/** A mutation's typed error (ValidationError, NotFoundError, VerificationError). */
export interface ErrorResult {
  __typename: string;
  message: string;
  fieldErrors?: ReadonlyArray<{ path: readonly string[]; message: string }>;
}

export type HookwireErrorCode =
  /** The API key is missing, unknown or revoked (HTTP 401, graphql-ws close 4403). */
  | 'UNAUTHENTICATED'
  /** The key may not do this (createAccount needs the deployment's admin key). */
  | 'FORBIDDEN'
  /** What was named does not exist in this account. */
  | 'NOT_FOUND'
  /** The service refused the input (a ValidationError, or a GraphQL validation error). */
  | 'VALIDATION'
  /** The hub.challenge handshake with the endpoint's URL failed. */
  | 'VERIFICATION'
  /** No answer: connection refused, DNS, TLS, a socket closed before its end. */
  | 'NETWORK'
  /** Any other error the service reported. */
  | 'SERVER';

const CODE_OF_TYPENAME: Record<string, HookwireErrorCode> = {
  ValidationError: 'VALIDATION',
  NotFoundError: 'NOT_FOUND',
  VerificationError: 'VERIFICATION',
};

const CODE_OF_EXTENSION: Record<string, HookwireErrorCode> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  GRAPHQL_VALIDATION_FAILED: 'VALIDATION',
  BAD_USER_INPUT: 'VALIDATION',
  GRAPHQL_PARSE_FAILED: 'VALIDATION',
};

export class HookwireError extends Error {
  readonly code: HookwireErrorCode;
  /** The HTTP status, when there was a response. */
  readonly status?: number;
  /** The GraphQL errors the service sent. */
  readonly errors: readonly GraphQLErrorLike[];
  /** The typed error result a shorthand met (its fieldErrors say which input was bad). */
  readonly result?: ErrorResult;

  constructor(
    code: HookwireErrorCode,
    message: string,
    details: { status?: number; errors?: readonly GraphQLErrorLike[]; result?: ErrorResult; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HookwireError';
    this.code = code;
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.result = details.result;
  }

  static fromGraphQLErrors(errors: readonly GraphQLErrorLike[], status?: number): HookwireError {
    const extension = errors.map((e) => e.extensions?.code).find((code): code is string => typeof code === 'string');
    const code = (extension && CODE_OF_EXTENSION[extension]) || (status === 401 ? 'UNAUTHENTICATED' : 'SERVER');
    return new HookwireError(code, errors.map((e) => e.message).join('; ') || `HTTP ${status}`, { status, errors });
  }

  static fromResult(result: ErrorResult): HookwireError {
    const fields = (result.fieldErrors ?? []).map((f) => `${f.path.join('.')}: ${f.message}`);
    const message = fields.length ? `${result.message} (${fields.join('; ')})` : result.message;
    return new HookwireError(CODE_OF_TYPENAME[result.__typename] ?? 'SERVER', message, { result });
  }
}
