// The typed errors of the contract: each domain error class becomes a GraphQL object implementing Error.
import { NotFoundError, ValidationError, VerificationError, type FieldError } from '../domain/errors.ts';
import { builder } from './builder.ts';
import { declareResultErrors, errorResult, type ErrorClass, type ErrorResult } from './result-errors.ts';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export const ErrorInterface = builder.interfaceRef<{ message: string }>('Error').implement({
  fields: (t) => ({ message: t.exposeString('message') }),
});

const FieldErrorRef = builder.objectRef<FieldError>('FieldError').implement({
  fields: (t) => ({
    path: t.exposeStringList('path'),
    message: t.exposeString('message'),
  }),
});

export const ValidationErrorRef = builder.objectRef<ErrorResult>('ValidationError').implement({
  interfaces: [ErrorInterface],
  fields: (t) => ({ fieldErrors: t.field({ type: [FieldErrorRef], resolve: (error) => error.fieldErrors }) }),
});

export const NotFoundErrorRef = builder.objectRef<ErrorResult>('NotFoundError').implement({ interfaces: [ErrorInterface] });

export const VerificationErrorRef = builder.objectRef<ErrorResult>('VerificationError').implement({
  description: "The hub.challenge handshake with the endpoint's URL failed.",
  interfaces: [ErrorInterface],
});

const errorRefs = new Map<ErrorClass, typeof ValidationErrorRef>([
  [ValidationError, ValidationErrorRef],
  [NotFoundError, NotFoundErrorRef],
  [VerificationError, VerificationErrorRef],
]);

/**
 * A mutation's result union: its success object or one of the contract's typed errors. Written
 * here rather than with the Pothos errors plugin, which makes one union per field, while the
 * contract shares EndpointResult and DeliveryResult between several mutations.
 */
export function resultUnion<Success extends object>(
  name: string,
  success: PothosSchemaTypes.ObjectRef<Types, Success>,
  errors: readonly ErrorClass[],
) {
  declareResultErrors(name, errors);
  return builder.unionType(name, {
    types: [success, ...errors.map((error) => errorRefs.get(error)!)],
    resolveType: (value) => ('__typename' in value ? (value as ErrorResult).__typename : success.name),
  });
}

/** Runs a mutation; an error of one of the given classes becomes the result, anything else is thrown (and masked). */
export async function asResult<T>(errors: readonly ErrorClass[], run: () => Promise<T>): Promise<T | ErrorResult> {
  try {
    return await run();
  } catch (error) {
    if (!errors.some((candidate) => error instanceof candidate)) throw error;
    return errorResult(error as ValidationError | NotFoundError | VerificationError);
  }
}
