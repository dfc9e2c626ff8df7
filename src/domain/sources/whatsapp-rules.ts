// Loads the mapping from Meta's WhatsApp webhooks to Hookwire events (./whatsapp/: index.json and
// one file per Hookwire type) and checks it, as catalog-loader.ts checks the catalog: every file
// listed and parsed, every type in the catalog, every pick compiled; or loading fails with every
// problem and the file it is in, so the service does not start with a mapping it cannot run.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPE_NAMES, hasEventTypeFamily } from '../catalog.ts';
import { FAMILY_SEGMENT } from '../catalog-loader.ts';
import { compilePick, type Pick, type Scope } from './picks.ts';

export const WHATSAPP_RULES_DIR = new URL('./whatsapp/', import.meta.url);
const INDEX = 'index.json';

/** One file: which of Meta's changes it takes, and how it makes the event. */
export interface WhatsAppRule {
  /** The Hookwire event type; for the `otherwise` rule, `<family>.*`. */
  readonly type: string;
  /** Meta's changes[].field it takes; undefined for `otherwise` (every field). */
  readonly field?: string;
  /** The list in the change's value each element of which is one event (messages, statuses); undefined: the value is one event. */
  readonly items?: string;
  /** Whether it takes this item (or value); always, when the file has no `when`. */
  readonly when: (scope: Scope) => boolean;
  readonly sessionId: Pick;
  readonly idempotencyKey: Pick;
  readonly data: Pick;
  /** The file's own text, for documentation (the README's table). */
  readonly source: Readonly<Record<string, unknown>>;
}

export interface WhatsAppRules {
  /** In the order index.json lists them, first match wins. */
  readonly rules: readonly WhatsAppRule[];
  readonly byField: ReadonlyMap<string, readonly WhatsAppRule[]>;
  /** What no rule takes becomes `<family>.<field>`. */
  readonly otherwise: WhatsAppRule & { readonly family: string };
  /** Per field, the keys of its value that only give its items context (metadata, contacts…). */
  readonly shared: ReadonlyMap<string, ReadonlySet<string>>;
}

export class WhatsAppRulesError extends Error {
  constructor(dir: URL, problems: string[]) {
    super(`The WhatsApp mapping in ${fileURLToPath(dir)} is broken:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WhatsAppRulesError';
  }
}

const RULE_KEYS = new Set(['$comment', 'type', 'field', 'items', 'when', 'sessionId', 'idempotencyKey', 'data']);
const ITEM_SCOPES = new Set(['entry', 'change', 'value', 'item', 'contact']);
const VALUE_SCOPES = new Set(['entry', 'change', 'value']);
const OTHERWISE_SCOPES = new Set(['entry', 'change', 'value', 'problem']);

/** Reads, checks and compiles every rule index.json lists; throws a WhatsAppRulesError naming each problem. */
export function loadWhatsAppRules(dir: URL = WHATSAPP_RULES_DIR): WhatsAppRules {
  const problems: string[] = [];
  const read = (file: string): Record<string, unknown> | undefined => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${error instanceof SyntaxError ? `is not valid JSON (${error.message})` : 'cannot be read'}`);
      return undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    problems.push(`${file}: must be a JSON object`);
    return undefined;
  };

  const index = read(INDEX);
  const names = Array.isArray(index?.rules) ? (index.rules as unknown[]) : [];
  if (index && !Array.isArray(index.rules)) problems.push(`${INDEX}: must have "rules", the list of event types in the order they are tried`);
  const otherwiseName = index?.otherwise;
  if (index && (typeof otherwiseName !== 'string' || !hasEventTypeFamily(otherwiseName))) {
    problems.push(`${INDEX}: "otherwise" must name an event type family of the catalog (such as "whatsapp" for whatsapp.*), got ${JSON.stringify(otherwiseName)}`);
  }
  const shared = readShared(index?.shared, (p) => problems.push(`${INDEX}: ${p}`));

  const listed = new Set([INDEX, ...names.map((n) => `${String(n)}.json`), `${String(otherwiseName)}.json`]);
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.json') && !listed.has(file)) problems.push(`${file}: is not listed in ${INDEX} (add it to "rules", or remove the file)`);
  }

  const rules: WhatsAppRule[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || !EVENT_TYPE_NAMES.includes(name)) {
      problems.push(`${INDEX}: ${JSON.stringify(name)} is not an event type of the catalog (src/domain/catalog/catalog.json)`);
      continue;
    }
    if (seen.has(name)) {
      problems.push(`${INDEX}: lists ${name} twice`);
      continue;
    }
    seen.add(name);
    const file = `${name}.json`;
    const raw = read(file);
    if (raw) {
      const rule = compileRule(raw, name, (p) => problems.push(`${file}: ${p}`));
      if (rule) rules.push(rule);
    }
  }

  let otherwise: (WhatsAppRule & { family: string }) | undefined;
  if (typeof otherwiseName === 'string' && hasEventTypeFamily(otherwiseName)) {
    const file = `${otherwiseName}.json`;
    const raw = read(file);
    const rule = raw && compileRule(raw, `${otherwiseName}.*`, (p) => problems.push(`${file}: ${p}`));
    if (rule) otherwise = { ...rule, family: otherwiseName };
  }

  const byField = new Map<string, WhatsAppRule[]>();
  for (const rule of rules) byField.set(rule.field!, [...(byField.get(rule.field!) ?? []), rule]);
  for (const [field, fieldRules] of byField) {
    // A field's value is either one event or a holder of lists: a file of each kind for one field
    // would leave it unclear which one a change goes to.
    if (new Set(fieldRules.map((r) => r.items === undefined)).size > 1) {
      problems.push(`${INDEX}: the rules of field ${field} must all have "items" or none may (${fieldRules.map((r) => r.type).join(', ')})`);
    }
  }
  if (problems.length > 0 || !otherwise) throw new WhatsAppRulesError(dir, problems);
  return { rules, byField, otherwise, shared };
}

function compileRule(raw: Record<string, unknown>, type: string, fail: (problem: string) => void): WhatsAppRule | undefined {
  const problems: string[] = [];
  const note = (p: string) => void problems.push(p);
  const isOtherwise = type.endsWith('.*');
  for (const key of Object.keys(raw)) if (!RULE_KEYS.has(key)) note(`unknown key ${JSON.stringify(key)} (a rule has ${[...RULE_KEYS].join(', ')})`);
  if (raw.type !== type) note(`"type" must be ${JSON.stringify(type)}, as the file is named`);
  const { field, items } = raw;
  if (isOtherwise) {
    if (field !== undefined || items !== undefined || raw.when !== undefined) note('the "otherwise" rule takes every field: it has no "field", "items" or "when"');
  } else {
    if (typeof field !== 'string' || !FAMILY_SEGMENT.test(field)) note(`"field" must be Meta's changes[].field the rule takes (such as "messages"), got ${JSON.stringify(field)}`);
    if (items !== undefined && (typeof items !== 'string' || !FAMILY_SEGMENT.test(items))) {
      note(`"items" must name the list in the change's value (such as "messages"), got ${JSON.stringify(items)}`);
    }
  }
  const scopes = isOtherwise ? OTHERWISE_SCOPES : items === undefined ? VALUE_SCOPES : ITEM_SCOPES;
  const compile = (key: string): Pick => {
    if (!(key in raw)) note(`"${key}" is missing`);
    return compilePick(raw[key], { where: key, scopes, problems });
  };
  const sessionId = compile('sessionId');
  const idempotencyKey = compile('idempotencyKey');
  const data = compile('data');
  const when = raw.when === undefined ? () => true : compileWhen(raw.when, scopes, problems);
  if (problems.length > 0) {
    problems.forEach(fail);
    return undefined;
  }
  return {
    type,
    field: isOtherwise ? undefined : (field as string),
    items: items as string | undefined,
    when,
    sessionId,
    idempotencyKey,
    data,
    source: raw,
  };
}

/** `{ "path": pick, "in": [values] }`, `{ "path": pick, "notIn": [values] }` or `{ "path": pick, "present": true }`. */
function compileWhen(raw: unknown, scopes: ReadonlySet<string>, problems: string[]): (scope: Scope) => boolean {
  const shape = (typeof raw === 'object' && raw !== null ? raw : {}) as { path?: unknown; in?: unknown; notIn?: unknown; present?: unknown };
  const tests = (['in', 'notIn', 'present'] as const).filter((k) => k in shape);
  const list = shape.in ?? shape.notIn;
  if (Object.keys(shape).length !== 2 || !('path' in shape) || tests.length !== 1 || (tests[0] === 'present' ? shape.present !== true : !Array.isArray(list))) {
    problems.push('when: must be { "path": pick, "in": [values] }, { "path": pick, "notIn": [values] } or { "path": pick, "present": true }');
    return () => false;
  }
  const pick = compilePick(shape.path, { where: 'when.path', scopes, problems });
  if (tests[0] === 'present') return (scope) => pick(scope) !== undefined;
  const inside = tests[0] === 'in';
  return (scope) => (list as unknown[]).includes(pick(scope)) === inside;
}

function readShared(raw: unknown, fail: (problem: string) => void): Map<string, ReadonlySet<string>> {
  const shared = new Map<string, ReadonlySet<string>>();
  if (raw === undefined) return shared;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail('"shared" must map a field to the keys of its value that give its items context');
    return shared;
  }
  for (const [field, keys] of Object.entries(raw)) {
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) fail(`"shared.${field}" must be a list of keys`);
    else shared.set(field, new Set(keys));
  }
  return shared;
}
