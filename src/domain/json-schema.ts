// JSON Schema for event data: the one way Hookwire builds ajv validators (draft 2020-12, strict,
// formats) and turns ajv's errors into FieldErrors with paths and plain messages.

import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, Options } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { FieldError } from './errors.ts';

export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** A JSON Schema (draft 2020-12) object, as served by the `eventTypes` query. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * An annotation on a schema with a `pattern`: the message a value that fails the pattern gets
 * instead of ajv's, which only repeats the regular expression.
 */
export const ERROR_MESSAGE_KEYWORD = 'x-error-message';

/**
 * A validator factory. strict: a typo in a keyword fails at compile time instead of silently
 * allowing anything; allErrors: every problem is reported at once; verbose: errors carry their
 * schema, for ERROR_MESSAGE_KEYWORD.
 */
export function newAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, ...options });
  // ajv-formats is CommonJS; under nodenext its default import is the module object, whose
  // `default` is the plugin at run time as well (the package sets exports.default).
  ajvFormats.default(ajv);
  ajv.addKeyword({ keyword: ERROR_MESSAGE_KEYWORD, schemaType: 'string' });
  return ajv;
}

/** ajv's errors as FieldErrors at `path` + the JSON pointer of the bad value (plus a missing property's name). */
export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined, path: string[]): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    // An `if` error only says "must match then"; the `then` branch's own errors say what is wrong.
    if (error.keyword === 'if') continue;
    const fieldError = { path: [...path, ...errorPath(error)], message: errorMessage(error) };
    const key = JSON.stringify(fieldError);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(fieldError);
    }
  }
  return out;
}

function errorPath(error: ErrorObject): string[] {
  // instancePath is a JSON pointer: '' for the root, else '/a/0/b' with ~1 for '/' and ~0 for '~'.
  const segments =
    error.instancePath === ''
      ? []
      : error.instancePath
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') {
    segments.push(String(params.missingProperty));
  } else if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
    segments.push(String(params.additionalProperty ?? params.unevaluatedProperty));
  } else if (error.keyword === 'propertyNames') {
    segments.push(String(params.propertyName));
  }
  return segments;
}

function errorMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return 'is required';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not an allowed property';
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.map(withArticle).join(' or ')}`;
    }
    case 'format':
      if (params.format === 'date-time') {
        return 'must be an ISO 8601 date-time with a time zone, e.g. 2026-04-11T10:30:00Z';
      }
      if (params.format === 'uri') return 'must be an absolute URI';
      return `must be a valid ${String(params.format)}`;
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern': {
      const custom = (error.parentSchema as Record<string, unknown> | undefined)?.[ERROR_MESSAGE_KEYWORD];
      return typeof custom === 'string' ? custom : `must match the pattern ${String(params.pattern)}`;
    }
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'minItems':
      return `must have at least ${String(params.limit)} item(s)`;
    case 'maxItems':
      return `must have at most ${String(params.limit)} item(s)`;
    default:
      return error.message ?? 'is invalid';
  }
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
