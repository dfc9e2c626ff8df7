// Account-defined event types (createEventType): the checks a customer's JSON Schema must pass
// before Hookwire compiles it, and the validator it compiles to. ajv treats schemas as trusted
// code, so an untrusted one is first limited in size, depth, references and regular expressions.

import type { ValidateFunction } from 'ajv/dist/2020.js';
import { findEventType } from './catalog.ts';
import type { FieldError } from './errors.ts';
import { DRAFT_2020_12, newAjv, toFieldErrors, type JsonSchema } from './json-schema.ts';
import { isPlainObject } from './validation.ts';

export const CUSTOM_SCHEMA_LIMITS = Object.freeze({
  /** JSON text of the schema, in UTF-8 bytes. */
  maxBytes: 64 * 1024,
  /** Nesting of objects and arrays in the schema. */
  maxDepth: 32,
  /** Characters of one `pattern` or `patternProperties` key. */
  maxPatternLength: 512,
  /** JSON text of the example, as publishEvent limits `data`. */
  maxExampleBytes: 256 * 1024,
  nameMaxLength: 100,
});

const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

// One instance for every account: addUsedSchema false keeps a schema's $id out of the shared
// registry (so accounts cannot see or shadow each other's), and each compiled schema is removed
// from ajv's cache once compiled, so the instance does not grow with every createEventType.
const ajv = newAjv({ addUsedSchema: false });

/** "Lowercase segments separated by dots", and not a built-in type's name. */
export function validateEventTypeName(name: unknown, path: string[] = ['input', 'name']): FieldError[] {
  const fail = (message: string): FieldError[] => [{ path, message }];
  if (typeof name !== 'string') return fail('must be a string');
  if (name.length > CUSTOM_SCHEMA_LIMITS.nameMaxLength) return fail(`must be at most ${CUSTOM_SCHEMA_LIMITS.nameMaxLength} characters long`);
  if (!NAME.test(name)) {
    return fail('must be lowercase segments separated by dots, each starting with a letter (letters, digits, _), e.g. order.shipped');
  }
  if (findEventType(name)) return fail(`${name} is a built-in event type`);
  return [];
}

export interface CompiledEventTypeSchema {
  /** The schema as it is stored and served: `$schema` set to draft 2020-12. */
  schema: JsonSchema;
  /** Validates event data: every problem at `path` + the bad value's place. */
  validate(data: unknown, path?: string[]): FieldError[];
}

export interface CustomSchemaResult {
  errors: FieldError[];
  /** Present when errors is empty. */
  compiled?: CompiledEventTypeSchema;
}

/**
 * Checks and compiles a customer's JSON Schema of event data and validates `example` against it.
 * Draft 2020-12 under ajv's strict mode (unknown keywords and formats are errors); the root must
 * describe an object; `$ref`s must be local ("#…": nothing is fetched); limits on size and depth;
 * regular expressions with a quantified group that repeats (`(a+)+`, the classic catastrophic
 * backtracking shape) are refused.
 */
export function compileEventTypeSchema(
  schema: unknown,
  example: unknown,
  paths: { schema: string[]; example: string[] } = { schema: ['input', 'schema'], example: ['input', 'example'] },
): CustomSchemaResult {
  const schemaErrors = checkSchemaShape(schema, paths.schema);
  if (schemaErrors.length > 0) return { errors: schemaErrors };
  const stored: JsonSchema = { $schema: DRAFT_2020_12, ...(schema as JsonSchema) };
  let validator: ValidateFunction;
  try {
    validator = ajv.compile(stored);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { errors: [{ path: paths.schema, message: `is not a valid JSON Schema (draft 2020-12): ${message}` }] };
  } finally {
    ajv.removeSchema(stored);
  }
  const compiled: CompiledEventTypeSchema = {
    schema: stored,
    validate: (data, path = ['input', 'data']) => (validator(data) ? [] : toFieldErrors(validator.errors, path)),
  };
  const exampleBytes = jsonBytes(example);
  if (exampleBytes === undefined) return { errors: [{ path: paths.example, message: 'must be JSON' }] };
  if (exampleBytes > CUSTOM_SCHEMA_LIMITS.maxExampleBytes) {
    return { errors: [{ path: paths.example, message: `is ${exampleBytes} bytes; at most ${CUSTOM_SCHEMA_LIMITS.maxExampleBytes} are accepted` }] };
  }
  const exampleErrors = compiled.validate(example, paths.example);
  return exampleErrors.length > 0 ? { errors: exampleErrors } : { errors: [], compiled };
}

function checkSchemaShape(schema: unknown, path: string[]): FieldError[] {
  const fail = (message: string, at = path): FieldError[] => [{ path: at, message }];
  if (!isPlainObject(schema)) return fail('must be a JSON Schema object, e.g. {"type": "object", "properties": {…}}');
  const bytes = jsonBytes(schema);
  if (bytes === undefined) return fail('must be JSON');
  if (bytes > CUSTOM_SCHEMA_LIMITS.maxBytes) return fail(`is ${bytes} bytes; at most ${CUSTOM_SCHEMA_LIMITS.maxBytes} are allowed`);
  if (schema.$schema !== undefined && schema.$schema !== DRAFT_2020_12) {
    return fail(`$schema must be ${DRAFT_2020_12} (or left out)`, [...path, '$schema']);
  }
  if (schema.type !== 'object') return fail('must describe an object: set "type": "object" (event data is an object)', [...path, 'type']);
  const errors: FieldError[] = [];
  walk(schema, path, 1, errors);
  return errors;
}

function walk(node: unknown, path: string[], depth: number, errors: FieldError[]): void {
  if (depth > CUSTOM_SCHEMA_LIMITS.maxDepth) {
    errors.push({ path, message: `nests deeper than ${CUSTOM_SCHEMA_LIMITS.maxDepth} levels` });
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, [...path, String(i)], depth + 1, errors));
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const at = [...path, key];
    // A string value is the keyword; an object under "$ref" is a property that happens to be named so.
    if ((key === '$ref' || key === '$dynamicRef') && typeof value === 'string' && !value.startsWith('#')) {
      errors.push({ path: at, message: `must be a reference inside this schema ("#/$defs/…"); ${JSON.stringify(value)} would be fetched` });
    }
    if (key === 'pattern' && typeof value === 'string') checkPattern(value, at, errors);
    if (key === 'patternProperties' && isPlainObject(value)) {
      for (const pattern of Object.keys(value)) checkPattern(pattern, [...at, pattern], errors);
    }
    walk(value, at, depth + 1, errors);
  }
}

// A group holding a quantifier, itself quantified: (a+)+, (\d*)*, (x{2,})+, (?:ab+){3,}.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

function checkPattern(pattern: string, at: string[], errors: FieldError[]): void {
  if (pattern.length > CUSTOM_SCHEMA_LIMITS.maxPatternLength) {
    errors.push({ path: at, message: `a pattern must be at most ${CUSTOM_SCHEMA_LIMITS.maxPatternLength} characters long` });
  } else if (NESTED_QUANTIFIER.test(pattern)) {
    errors.push({ path: at, message: 'a pattern may not repeat a group that itself repeats, e.g. (a+)+: it can take exponential time' });
  } else {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      errors.push({ path: at, message: `is not a valid regular expression: ${(error as Error).message}` });
    }
  }
}

function jsonBytes(value: unknown): number | undefined {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : Buffer.byteLength(json);
  } catch {
    return undefined;
  }
}
