// Loads the built-in event types from their JSON files (src/domain/catalog/) and checks them:
// every schema compiles under ajv's strict mode and every example validates, or loading fails with
// every problem and the file it is in. Shared definitions live in common.json and are copied into
// each schema that uses them, so the schema a client is served stands on its own. A family
// (`whatsapp.*` in catalog.json, its file whatsapp.json) is one schema for every name under its
// prefix: its listed members are types like any other, and any other name under it validates too.

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

/**
 * One schema for every `<prefix>.<segment>` name, for event types whose names come from elsewhere
 * (Meta's webhook fields): the source can publish a name no one listed, and it still validates.
 */
export interface EventTypeFamily {
  /** The names' first segments, e.g. 'whatsapp' for whatsapp.account_update. */
  readonly prefix: string;
  readonly description: string;
  readonly schema: JsonSchema;
  readonly example: { readonly [key: string]: unknown };
  readonly validate: ValidateFunction;
}

export interface LoadedCatalog {
  types: EventTypeDefinition[];
  validators: Map<string, ValidateFunction>;
  families: Map<string, EventTypeFamily>;
}

export const CATALOG_DIR = new URL('./catalog/', import.meta.url);
const INDEX = 'catalog.json';
const COMMON = 'common.json';
const COMMON_REF = `${COMMON}#/$defs/`;
const LOCAL_REF = '#/$defs/';
const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const FAMILY = /^([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)\.\*$/;
/** A family member's own segment: one lowercase segment, as every name under a family has. */
export const FAMILY_SEGMENT = /^[a-z][a-z0-9_]*$/;

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

  const listed = new Set(names.map((n) => `${String(n).replace(FAMILY, '$1')}.json`));
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.json') && file !== INDEX && file !== COMMON && !listed.has(file)) {
      problems.push(`${file}: is not listed in ${INDEX} (add it there, or remove the file)`);
    }
  }

  const ajv = newAjv();
  const types: EventTypeDefinition[] = [];
  const validators = new Map<string, ValidateFunction>();
  const families = new Map<string, EventTypeFamily>();
  for (const name of names) {
    const family = typeof name === 'string' ? FAMILY.exec(name)?.[1] : undefined;
    if (family !== undefined) {
      loadFamily(family, { read, ajv, defs, problems, types, validators, families });
      continue;
    }
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
    const validate = compileChecked(ajv, schema, raw.example, 'example', (p) => problems.push(`${file}: ${p}`));
    if (!validate) continue;
    validators.set(name, validate);
    types.push({ name, description: raw.description!.trim(), schema, example: raw.example! });
  }
  if (problems.length > 0) throw new CatalogError(dir, problems);
  return { types, validators, families };
}

interface FamilyFile {
  family?: unknown;
  description?: unknown;
  schema?: JsonSchema;
  example?: { [key: string]: unknown };
  members?: unknown;
}

interface LoadState {
  read(file: string): unknown;
  ajv: ReturnType<typeof newAjv>;
  defs: Record<string, JsonSchema>;
  problems: string[];
  types: EventTypeDefinition[];
  validators: Map<string, ValidateFunction>;
  families: Map<string, EventTypeFamily>;
}

/**
 * A family file: `family`, `description`, `schema` and `example` as a type has them, and
 * `members`, the names listed in the catalog as types of their own, each with a description and
 * an example. A member's schema is the family's, with `field` pinned to the member's segment when
 * the family's schema has that property (the family's names are Meta's field names).
 */
function loadFamily(prefix: string, state: LoadState): void {
  const file = `${prefix}.json`;
  const fail = (problem: string): void => void state.problems.push(`${file}: ${problem}`);
  if (state.families.has(prefix)) return fail(`${INDEX} lists ${prefix}.* twice`);
  const raw = state.read(file) as FamilyFile | undefined;
  if (!raw) return;
  const shapeProblems = checkShape({ ...raw, name: `${prefix}.*` } as Partial<EventTypeDefinition>, `${prefix}.*`);
  if (raw.family !== prefix) shapeProblems.unshift(`"family" must be ${JSON.stringify(prefix)}, as the file is named`);
  if (!Array.isArray(raw.members)) shapeProblems.push('"members" must be a list of { name, description, example }');
  if (shapeProblems.length > 0) return void shapeProblems.forEach(fail);
  const schema = bundle(raw.schema!, state.defs, fail);
  if (!schema) return;
  const compiled = compileChecked(state.ajv, schema, raw.example, 'example', fail);
  if (!compiled) return;
  const description = String(raw.description).trim();
  state.families.set(prefix, Object.freeze({ prefix, description, schema, example: raw.example!, validate: compiled }));

  (raw.members as unknown[]).forEach((member, i) => {
    const m = (isObject(member) ? member : {}) as { name?: unknown; description?: unknown; example?: unknown };
    const at = `members[${i}]`;
    const segment = typeof m.name === 'string' && m.name.startsWith(`${prefix}.`) ? m.name.slice(prefix.length + 1) : undefined;
    if (segment === undefined || !FAMILY_SEGMENT.test(segment)) {
      return fail(`${at}.name must be ${prefix}.<one lowercase segment>, got ${JSON.stringify(m.name)}`);
    }
    const name = m.name as string;
    if (state.validators.has(name)) return fail(`${at}: ${name} is listed twice`);
    if (typeof m.description !== 'string' || m.description.trim() === '') return fail(`${at}.description must be a non-empty string`);
    if (!isObject(m.example)) return fail(`${at}.example must be an object`);
    const memberSchema = familyMemberSchema(schema, name, segment);
    const validate = compileChecked(state.ajv, memberSchema, m.example, `${at}.example`, fail);
    if (!validate) return;
    state.validators.set(name, validate);
    state.types.push({ name, description: m.description.trim(), schema: memberSchema, example: m.example });
  });
}

/** The family's schema for one member: its own title, and `field` pinned to the member's segment. */
export function familyMemberSchema(schema: JsonSchema, name: string, segment: string): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  const pinned = properties && 'field' in properties ? { ...properties, field: { ...properties.field, const: segment } } : properties;
  return { ...schema, title: `${name} data`, ...(pinned ? { properties: pinned } : {}) };
}

function compileChecked(
  ajv: ReturnType<typeof newAjv>,
  schema: JsonSchema,
  example: unknown,
  where: string,
  fail: (problem: string) => void,
): ValidateFunction | undefined {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    fail(`schema does not compile: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (!validate(example)) {
    const errors = toFieldErrors(validate.errors, [where]).map((e) => `${e.path.join('.')} ${e.message}`);
    fail(`${where} does not validate against the schema: ${errors.join('; ')}`);
    return undefined;
  }
  return validate;
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
