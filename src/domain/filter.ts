// Endpoint payload filters: a JSON filter on the event envelope in the style of Convoy and Outpost,
// checked when saved and compiled once into a predicate that fan-out runs for every endpoint.
//
// Semantics (Outpost's simplejsonmatch where it is well defined, Mongo's where it is not):
// - A filter is an object; `null` or `{}` means no filter (every event matches).
// - A key that does not start with `$` names a field of the value at hand; its value is the
//   condition on that field. Several keys in one object must all hold (AND).
// - A plain value (string, number, boolean, null) means `$eq`. An array of conditions means the
//   field is an array holding, for each condition, an element that satisfies it (contains-all).
// - A field whose value is an array satisfies `$eq`, the comparisons, `$in`, `$startsWith`,
//   `$endsWith` and nested field conditions when the array itself or any element does; `$neq`
//   and `$nin` are their exact negations (no element equals). Equality is deep for objects
//   (key order ignored) and arrays (order kept); there is no type coercion ("1" is not 1).
// - An absent field (a missing key, or a key of something that is not an object) satisfies only
//   `{"$exists": false}`; every other condition on it is false, `$neq` and `$nin` included (as in
//   Outpost). `$not` negates exactly, so `{"$not": {"$eq": "read"}}` also holds for an absent field.
//   A field present with `null` exists.
// - `$gt` `$gte` `$lt` `$lte` compare numbers with numbers and strings with strings (UTF-16 code
//   units, so ISO 8601 timestamps in one format compare chronologically); any other pairing is
//   false, never an error.
// - `$in`/`$nin` take a list of values, or (Outpost) a string for a substring test.
//   `$startsWith`/`$endsWith` take a string or a list of strings (any may match).
// - `$exist` (Convoy's and Outpost's spelling) is accepted as `$exists`.
// - Field names starting with `$` cannot be addressed; a nested `{}` is refused (it would match
//   any object and is almost always a mistake); limits: FILTER_LIMITS.

import { ValidationError, type FieldError } from './errors.ts';
import { isPlainObject } from './validation.ts';

export const FILTER_LIMITS = Object.freeze({
  /** JSON text of the whole filter, in UTF-8 bytes. */
  maxBytes: 16 * 1024,
  /** Nesting of objects and arrays, the root object being 1. */
  maxDepth: 10,
  /** Items of one `$in`/`$nin`/`$startsWith`/`$endsWith` list. */
  maxListItems: 500,
  /** Conditions of one `$and`/`$or`. */
  maxBranches: 50,
});

const COMPARISONS = ['$gt', '$gte', '$lt', '$lte'] as const;
const OPERATORS = [
  '$eq', '$neq', ...COMPARISONS, '$in', '$nin', '$exists', '$startsWith', '$endsWith', '$and', '$or', '$not',
] as const;
type Operator = (typeof OPERATORS)[number];
const ALIASES: Record<string, Operator> = { $exist: '$exists' };

/** A filter as stored: JSON whose root is an object. */
export type Filter = { readonly [key: string]: unknown };
/** Whether an event's envelope passes an endpoint's filter. */
export type CompiledFilter = (envelope: unknown) => boolean;

/** null and {} both mean "no filter" (UpdateEndpointInput: an empty object removes it). */
export function isEmptyFilter(value: unknown): boolean {
  return value === null || value === undefined || (isPlainObject(value) && Object.keys(value).length === 0);
}

// ---------------------------------------------------------------------------------------------
// Validation.

/** Every problem of a filter, each at `path` + the keys leading to it. null and {} are valid (no filter). */
export function validateFilter(value: unknown, path: string[] = ['input', 'filter']): FieldError[] {
  if (value === null || value === undefined) return [];
  if (!isPlainObject(value)) {
    return [{ path, message: 'must be a JSON object, e.g. {"data": {"status": {"$in": ["read", "failed"]}}}' }];
  }
  const json = safeStringify(value);
  if (json === undefined) return [{ path, message: 'must be plain JSON' }];
  const bytes = Buffer.byteLength(json);
  if (bytes > FILTER_LIMITS.maxBytes) {
    return [{ path, message: `is ${bytes} bytes of JSON; at most ${FILTER_LIMITS.maxBytes} are allowed` }];
  }
  const errors: FieldError[] = [];
  checkCondition(value, path, 1, errors, true);
  return errors;
}

function checkCondition(node: unknown, path: string[], depth: number, errors: FieldError[], root = false): void {
  const fail = (message: string, at = path) => void errors.push({ path: at, message });
  if (depth > FILTER_LIMITS.maxDepth) return fail(`nests deeper than ${FILTER_LIMITS.maxDepth} levels`);
  if (Array.isArray(node)) {
    if (node.length > FILTER_LIMITS.maxListItems) return fail(`must have at most ${FILTER_LIMITS.maxListItems} items`);
    node.forEach((item, i) => checkCondition(item, [...path, String(i)], depth + 1, errors));
    return;
  }
  if (!isPlainObject(node)) {
    if (!isJsonPrimitive(node)) fail('must be a JSON value (string, finite number, boolean, null, object or array)');
    return;
  }
  const keys = Object.keys(node);
  if (keys.length === 0 && !root) {
    return fail('an empty object matches any object; use {"$exists": true} to require the field');
  }
  for (const key of keys) {
    const at = [...path, key];
    const operand = node[key];
    if (key === '') {
      fail('field names must not be empty', at);
      continue;
    }
    if (!key.startsWith('$')) {
      checkCondition(operand, at, depth + 1, errors);
      continue;
    }
    const op = operatorOf(key);
    if (!op) {
      fail(`unknown operator ${key}; use one of ${OPERATORS.join(' ')} (field names cannot start with $)`, at);
      continue;
    }
    checkOperand(op, operand, at, depth, errors);
  }
}

function checkOperand(op: Operator, operand: unknown, at: string[], depth: number, errors: FieldError[]): void {
  const fail = (message: string) => void errors.push({ path: at, message });
  switch (op) {
    case '$and':
    case '$or':
      if (!Array.isArray(operand) || operand.length === 0) return fail(`${op} takes a non-empty list of conditions`);
      if (operand.length > FILTER_LIMITS.maxBranches) return fail(`${op} takes at most ${FILTER_LIMITS.maxBranches} conditions`);
      operand.forEach((c, i) => {
        if (!isPlainObject(c)) fail(`${op} conditions must be objects (item ${i} is not)`);
        else checkCondition(c, [...at, String(i)], depth + 2, errors);
      });
      return;
    case '$not':
      return checkCondition(operand, at, depth + 1, errors);
    case '$exists':
      if (typeof operand !== 'boolean') fail('$exists takes true or false');
      return;
    case '$eq':
    case '$neq':
      if (!isJson(operand, depth + 1)) fail(`${op} takes a JSON value`);
      return;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (!isFiniteNumber(operand) && typeof operand !== 'string') {
        fail(`${op} compares numbers or strings; got ${describe(operand)}`);
      }
      return;
    case '$in':
    case '$nin':
      if (typeof operand === 'string') return;
      if (!Array.isArray(operand)) return fail(`${op} takes a list of values (or a string, for a substring test)`);
      if (operand.length > FILTER_LIMITS.maxListItems) return fail(`${op} takes at most ${FILTER_LIMITS.maxListItems} values`);
      if (!operand.every((v) => isJson(v, depth + 2))) fail(`${op} takes a list of JSON values`);
      return;
    case '$startsWith':
    case '$endsWith': {
      const list = Array.isArray(operand) ? operand : [operand];
      if (list.length === 0 || !list.every((s) => typeof s === 'string')) {
        return fail(`${op} takes a string or a non-empty list of strings`);
      }
      if (list.length > FILTER_LIMITS.maxListItems) fail(`${op} takes at most ${FILTER_LIMITS.maxListItems} strings`);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Compilation. A condition compiles to a predicate on a value that may be MISSING.

const MISSING = Symbol('missing');
type Value = unknown;
type Predicate = (value: Value) => boolean;

/**
 * Compiles a filter into a predicate on the envelope (`{id, type, timestamp, sessionId, data}`,
 * parsed). Throws a ValidationError for a filter validateFilter refuses.
 */
export function compileFilter(value: unknown): CompiledFilter {
  const errors = validateFilter(value, ['filter']);
  if (errors.length > 0) throw new ValidationError(errors);
  if (isEmptyFilter(value)) return () => true;
  const predicate = compileCondition(value);
  return (envelope) => predicate(envelope);
}

function compileCondition(node: unknown): Predicate {
  if (Array.isArray(node)) {
    const items = node.map(compileCondition);
    return (v) => Array.isArray(v) && items.every((item) => v.some(item));
  }
  if (!isPlainObject(node)) return equalsAnyOf(node);

  const checks: Predicate[] = [];
  const fields: [string, Predicate][] = [];
  for (const [key, operand] of Object.entries(node)) {
    if (key.startsWith('$')) checks.push(compileOperator(operatorOf(key)!, operand));
    else fields.push([key, compileCondition(operand)]);
  }
  if (fields.length > 0) {
    // A key of something that is not an object (or of nothing) is an absent field.
    const matchesObject = (o: Value): boolean =>
      fields.every(([key, matches]) => matches(isPlainObject(o) && Object.hasOwn(o, key) ? o[key] : MISSING));
    checks.push((v) => matchesObject(v) || (Array.isArray(v) && v.some(matchesObject)));
  }
  if (checks.length === 1) return checks[0]!;
  return (v) => checks.every((check) => check(v));
}

function compileOperator(op: Operator, operand: unknown): Predicate {
  switch (op) {
    case '$and': {
      const all = (operand as unknown[]).map(compileCondition);
      return (v) => all.every((p) => p(v));
    }
    case '$or': {
      const any = (operand as unknown[]).map(compileCondition);
      return (v) => any.some((p) => p(v));
    }
    case '$not': {
      const inner = compileCondition(operand);
      return (v) => !inner(v);
    }
    case '$exists': {
      const wanted = operand as boolean;
      return (v) => (v !== MISSING) === wanted;
    }
    case '$eq':
      return equalsAnyOf(operand);
    case '$neq':
      return presentAndNot(equalsAnyOf(operand));
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return anyElement(comparison(op, operand as number | string));
    case '$in':
      return membership(operand);
    case '$nin':
      return presentAndNot(membership(operand));
    case '$startsWith':
    case '$endsWith': {
      const affixes = (Array.isArray(operand) ? operand : [operand]) as string[];
      const test =
        op === '$startsWith'
          ? (e: Value) => typeof e === 'string' && affixes.some((a) => e.startsWith(a))
          : (e: Value) => typeof e === 'string' && affixes.some((a) => e.endsWith(a));
      return anyElement(test);
    }
  }
}

/** The negation of `test` that still needs the field: what $neq and $nin mean (as in Outpost). */
function presentAndNot(test: Predicate): Predicate {
  return (v) => v !== MISSING && !test(v);
}

/** The value itself or, for an array, any element satisfies `test`; never an absent value. */
function anyElement(test: Predicate): Predicate {
  return (v) => v !== MISSING && (test(v) || (Array.isArray(v) && v.some(test)));
}

function equalsAnyOf(expected: unknown): Predicate {
  if (expected === null || typeof expected !== 'object') return anyElement((e) => e === expected);
  return anyElement((e) => deepEqual(e, expected));
}

function comparison(op: (typeof COMPARISONS)[number], bound: number | string): Predicate {
  const kind = typeof bound;
  switch (op) {
    case '$gt':
      return (e) => typeof e === kind && (e as typeof bound) > bound;
    case '$gte':
      return (e) => typeof e === kind && (e as typeof bound) >= bound;
    case '$lt':
      return (e) => typeof e === kind && (e as typeof bound) < bound;
    case '$lte':
      return (e) => typeof e === kind && (e as typeof bound) <= bound;
  }
}

function membership(operand: unknown): Predicate {
  if (typeof operand === 'string') return anyElement((e) => typeof e === 'string' && e.includes(operand));
  const list = operand as unknown[];
  // Primitives are looked up in a Set (=== semantics, which is JSON equality for them); only
  // object and array members need a deep comparison.
  const primitives = new Set(list.filter((v) => v === null || typeof v !== 'object'));
  const composites = list.filter((v) => v !== null && typeof v === 'object');
  return anyElement((e) =>
    e === null || typeof e !== 'object' ? primitives.has(e) : composites.some((c) => deepEqual(e, c)),
  );
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

// ---------------------------------------------------------------------------------------------

function operatorOf(key: string): Operator | undefined {
  if ((OPERATORS as readonly string[]).includes(key)) return key as Operator;
  return ALIASES[key];
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isJsonPrimitive(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || isFiniteNumber(v);
}

/** JSON data within the depth limit (operands of $eq, $in: compared, not interpreted). */
function isJson(v: unknown, depth: number): boolean {
  if (isJsonPrimitive(v)) return true;
  if (depth > FILTER_LIMITS.maxDepth) return false;
  if (Array.isArray(v)) return v.every((item) => isJson(item, depth + 1));
  return isPlainObject(v) && Object.values(v).every((item) => isJson(item, depth + 1));
}

function safeStringify(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined; // cycles, BigInt
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
