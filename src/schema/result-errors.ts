// The typed errors a field's result union answers with (ValidationError, NotFoundError,
// VerificationError), as the plain objects the union resolves: kept apart from errors.ts, which
// builds the union types, so that the builder's own plugins (text-guard.ts) may read them.
import { NotFoundError, ValidationError, VerificationError, type FieldError } from '../domain/errors.ts';

export type ErrorClass = typeof ValidationError | typeof NotFoundError | typeof VerificationError;

/**
 * What a mutation returns for an error the client can act on. A plain object, not the Error
 * itself: graphql-js turns any returned Error instance into a field error.
 */
export interface ErrorResult {
  __typename: 'ValidationError' | 'NotFoundError' | 'VerificationError';
  message: string;
  fieldErrors: FieldError[];
}

const unionErrors = new Map<string, readonly ErrorClass[]>();

export function declareResultErrors(unionName: string, errors: readonly ErrorClass[]): void {
  unionErrors.set(unionName, errors);
}

/** The typed errors the result union of this name may answer (none for any other type). */
export function errorsOfResult(typeName: string): readonly ErrorClass[] {
  return unionErrors.get(typeName) ?? [];
}

/** A typed error as its union member: each class's name is its GraphQL type's. */
export function errorResult(error: ValidationError | NotFoundError | VerificationError): ErrorResult {
  return {
    __typename: error.name as ErrorResult['__typename'],
    message: error.message,
    fieldErrors: error instanceof ValidationError ? error.fieldErrors : [],
  };
}
