// Loads the built-in event types from their JSON files (src/domain/catalog/) and checks them:
// every schema compiles under ajv's strict mode and every example validates, or loading fails with
// every problem and the file it is in. Shared definitions live in common.json and are copied into
// each schema that uses them, so the schema a client is served stands on its own.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { DRAFT_2020_12, newAjv, toFieldErrors, type JsonSchema } from './json-schema.ts';

export interface EventTypeDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the event's `data`, with the shared definitions it uses in `$defs`. */
  readonly schema: JsonSchema;
  /** A `data` value that validates against `schema`. */
  readonly example: { readonly [key: string]: unknown };
}

export interface LoadedCatalog {
  types: EventTypeDefinition[];
  validators: Map<string, ValidateFunction>;
}

export const CATALOG_DIR = new URL('./catalog/', import.meta.url);
const INDEX = 'catalog.json';
const COMMON = 'common.json';
const COMMON_REF = `${COMMON}#/$defs/`;
const LOCAL_REF = '#/$defs/';
const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export class CatalogError extends Error {
  constructor(dir: URL, problems: string[]) {
    super(`The event type catalog in ${fileURLToPath(dir)} is broken:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/** Reads, bundles, compiles and checks every type listed in catalog.json; throws a CatalogError naming each problem. */
export function loadCatalog(dir: URL = CATALOG_DIR): LoadedCatalog {
  const problems: string[] = [];
  const read = (file: string): unknown => {
    try {
      return JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${error instanceof SyntaxError ? `is not valid JSON (${error.message})` : 'cannot be read'}`);
      return undefined;
    }
  };

  const index = read(INDEX) as { types?: unknown } | undefined;
  const common = read(COMMON) as { $defs?: Record<string, JsonSchema> } | undefined;
  const names = Array.isArray(index?.types) ? (index.types as unknown[]) : [];
  if (index && !Array.isArray(index.types)) problems.push(`${INDEX}: must have "types", the list of event type names`);
  const defs = common?.$defs ?? {};
  if (common && (typeof common.$defs !== 'object' || common.$defs === null)) problems.push(`${COMMON}: must have "$defs"`);

  const listed = new Set(names.map((n) => `${String(n)}.json`));
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.json') && file !== INDEX && file !== COMMON && !listed.has(file)) {
      problems.push(`${file}: is not listed in ${INDEX} (add it there, or remove the file)`);
    }
  }

  const ajv = newAjv();
  const types: EventTypeDefinition[] = [];
  const validators = new Map<string, ValidateFunction>();
  for (const name of names) {
    const file = `${String(name)}.json`;
    if (typeof name !== 'string' || !NAME.test(name)) {
      problems.push(`${INDEX}: ${JSON.stringify(name)} is not an event type name (lowercase segments separated by dots)`);
      continue;
    }
    if (validators.has(name)) {
      problems.push(`${INDEX}: lists ${name} twice`);
      continue;
    }
    const raw = read(file) as Partial<EventTypeDefinition> | undefined;
    if (!raw) continue;
    const fileProblems = checkShape(raw, name);
    if (fileProblems.length > 0) {
      problems.push(...fileProblems.map((p) => `${file}: ${p}`));
      continue;
    }
    const schema = bundle(raw.schema!, defs, (p) => problems.push(`${file}: ${p}`));
    if (!schema) continue;
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      problems.push(`${file}: schema does not compile: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (!validate(raw.example)) {
      const errors = toFieldErrors(validate.errors, ['example']).map((e) => `${e.path.join('.')} ${e.message}`);
      problems.push(`${file}: example does not validate against the schema: ${errors.join('; ')}`);
      continue;
    }
    validators.set(name, validate);
    types.push({ name, description: raw.description!.trim(), schema, example: raw.example! });
  }
  if (problems.length > 0) throw new CatalogError(dir, problems);
  return { types, validators };
}

function checkShape(raw: Partial<EventTypeDefinition>, name: string): string[] {
  const problems: string[] = [];
  if (raw.name !== name) problems.push(`"name" must be ${JSON.stringify(name)}, as the file is named`);
  if (typeof raw.description !== 'string' || raw.description.trim() === '') problems.push('"description" must be a non-empty string');
  const schema = raw.schema as JsonSchema | undefined;
  if (!isObject(schema)) problems.push('"schema" must be a JSON Schema object');
  else {
    if (schema.$schema !== DRAFT_2020_12) problems.push(`"schema.$schema" must be ${DRAFT_2020_12}`);
    if (schema.type !== 'object') problems.push('"schema.type" must be "object": event data is an object');
    if ('$defs' in schema) problems.push(`"schema" must not have its own $defs: shared definitions live in ${COMMON}`);
  }
  if (!isObject(raw.example)) problems.push('"example" must be an object');
  return problems;
}

/**
 * The schema with every `common.json#/$defs/x` rewritten to `#/$defs/x`, and the definitions it
 * uses (and those they use) copied into its `$defs`.
 */
function bundle(schema: JsonSchema, defs: Record<string, JsonSchema>, fail: (problem: string) => void): JsonSchema | undefined {
  const used = new Set<string>();
  let ok = true;
  const rewrite = (node: unknown, where: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, where));
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const local = where === COMMON ? value.startsWith(LOCAL_REF) : value.startsWith(COMMON_REF);
        const def = value.slice((where === COMMON ? LOCAL_REF : COMMON_REF).length);
        if (!local || !Object.hasOwn(defs, def)) {
          ok = false;
          fail(`$ref ${JSON.stringify(value)} does not name a definition in ${COMMON} (write ${COMMON_REF}<name>)`);
        } else if (!used.has(def)) {
          used.add(def);
          pending.push(def);
        }
        out[key] = LOCAL_REF + def;
      } else {
        out[key] = rewrite(value, where);
      }
    }
    return out;
  };
  const pending: string[] = [];
  const root = rewrite(schema, 'type') as Record<string, unknown>;
  const copied: Record<string, unknown> = {};
  while (pending.length > 0) {
    const def = pending.shift()!;
    copied[def] = rewrite(defs[def], COMMON);
  }
  if (!ok) return undefined;
  return used.size === 0 ? root : { ...root, $defs: Object.fromEntries(Object.entries(copied).sort(([a], [b]) => a.localeCompare(b))) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
