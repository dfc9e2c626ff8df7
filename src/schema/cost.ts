// What each field of the schema costs, for the complexity limit checked before a request runs
// (server/limits.ts): a connection multiplies what it selects by its page size, a capped list by
// the size it is likely to have. Arguments that would fail later (a page over 100, a cursor that is
// not one) are refused here, during validation, with a typed 400 and before any SQL.
import { PothosValidationError } from '@pothos/core';
import { getNamedType, isListType, isNonNullType, isObjectType, isInterfaceType, type GraphQLField, type GraphQLOutputType } from 'graphql';

/** The most a connection page (`first` / `last`) or a capped list may ask for. */
export const MAX_PAGE_SIZE = 100;
/** A connection without `first` or `last` returns this many (Pothos' default). */
export const DEFAULT_PAGE_SIZE = 20;
/** What a list field of objects without paging (Event.deliveries, Delivery.attempts) is assumed to hold. */
export const ASSUMED_LIST_SIZE = 10;

// Fields that run a query of their own whatever their parent costs: counts over many rows.
const COUNT_FIELDS = new Set(['stats', 'totalCount', 'timeline']);
// Fields that may each hold kilobytes (a 64 KiB response body, a payload): memory, not rows.
const LARGE_FIELDS = new Set(['payload', 'data', 'requestBody', 'responseBody', 'requestHeaders', 'responseHeaders', 'schema', 'example']);

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function badInput(message: string): PothosValidationError {
  return new PothosValidationError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: false } } });
}

function pageSize(args: Record<string, unknown>, name: 'first' | 'last'): number | null {
  const value = args[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw badInput(`${name} must be from 0 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(value)}: ask for the next page with after: endCursor`);
  }
  return value;
}

// A cursor this API hands out: base64 of Pothos' "GPC:S:" and an id (ep_…, dlv_…).
const CURSOR = /^GPC:S:[a-z]{2,5}_[0-9a-z]{26}$/;

export function isCursor(value: string): boolean {
  if (value.length > 100 || !/^[A-Za-z0-9+/=_-]+$/.test(value)) return false;
  return CURSOR.test(Buffer.from(value, 'base64').toString('latin1'));
}

function checkCursor(args: Record<string, unknown>, name: 'after' | 'before'): void {
  const value = args[name];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !isCursor(value)) {
    throw badInput(`${name} is not a cursor of this API: pass a pageInfo.endCursor / startCursor as it was returned`);
  }
}

/** The `take` of a capped list's `first` (already checked by the cost rule; clamped for callers that skip it). */
export function listSize(first: number | null | undefined): number {
  return Math.min(Math.max(first ?? MAX_PAGE_SIZE, 0), MAX_PAGE_SIZE);
}

/** The Pothos complexity plugin's fieldComplexity: `field` is what the field costs, `multiplier` scales its selection. */
export function fieldComplexity<C>(args: Record<string, unknown>, _ctx: C, field: GraphQLField<unknown, C>): { field: number; multiplier: number } {
  const named = getNamedType(field.type);
  const paged = field.args.some((arg) => arg.name === 'first');
  if (paged && named.name.endsWith('Connection')) {
    checkCursor(args, 'after');
    checkCursor(args, 'before');
    const size = pageSize(args, 'first') ?? pageSize(args, 'last') ?? DEFAULT_PAGE_SIZE;
    return { field: 2, multiplier: size };
  }
  // The connection has multiplied already.
  if (named.name.endsWith('Edge') && isList(field.type)) return { field: 0, multiplier: 1 };
  if (COUNT_FIELDS.has(field.name)) return { field: 5, multiplier: 1 };
  if (LARGE_FIELDS.has(field.name)) return { field: 10, multiplier: 1 };
  if (isList(field.type) && (isObjectType(named) || isInterfaceType(named))) {
    const size = paged ? (pageSize(args, 'first') ?? ASSUMED_LIST_SIZE) : ASSUMED_LIST_SIZE;
    return { field: 2, multiplier: Math.max(size, 1) };
  }
  return { field: 1, multiplier: 1 };
}
