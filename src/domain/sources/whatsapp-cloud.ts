// Meta's WhatsApp Cloud API webhook body -> the Hookwire events it makes, by the rules in
// ./whatsapp/ (loaded and checked when this module loads). Pure: bytes in, PublishEventInputs out,
// for the ingest route to publish in one transaction. Nothing Meta sends is dropped: what no rule
// takes, or what a rule makes but the catalog refuses, becomes whatsapp.<field> with Meta's value.

import { createHash } from 'node:crypto';
import { validateEventData } from '../catalog.ts';
import { FAMILY_SEGMENT } from '../catalog-loader.ts';
import type { FieldError } from '../errors.ts';
import type { PublishEventInput } from '../events.ts';
import { SourcePayloadError } from './errors.ts';
import type { HeaderValue, SignatureRefused } from './hmac.ts';
import { verifyHubSignature } from './hub.ts';
import { parseJsonBody } from './json-body.ts';
import type { Scope } from './picks.ts';
import { loadWhatsAppRules, type WhatsAppRule, type WhatsAppRules } from './whatsapp-rules.ts';

/** The `object` of every WhatsApp Business Platform webhook. */
export const WHATSAPP_OBJECT = 'whatsapp_business_account';

const defaultRules = loadWhatsAppRules();

/** An item a rule was meant for but could not map; it was published as whatsapp.<field> instead. */
export interface WhatsAppFallback {
  /** Where it is in the body, e.g. entry[0].changes[1].value.statuses[0]. */
  at: string;
  /** The type it was published as. */
  type: string;
  problem: string;
}

export interface WhatsAppEvents {
  /** In the body's order: entry by entry, change by change, item by item. */
  events: PublishEventInput[];
  fallbacks: WhatsAppFallback[];
}

/** What publishEvent accepts (events.ts). */
const LIMITS = { sessionId: 128, idempotencyKey: 255, eventType: 100 } as const;

interface Entry {
  readonly entry: Record<string, unknown>;
  readonly changes: ReadonlyArray<Record<string, unknown>>;
}

export interface WhatsAppPost {
  /** The source's app secrets, the current one first. */
  appSecrets: readonly string[];
  /** The raw body, as received. */
  body: Uint8Array;
  /** The X-Hub-Signature-256 header. */
  signature: HeaderValue;
}

export type WhatsAppPostOutcome =
  /** Answer 401; publish nothing. */
  | { kind: 'unauthorized'; refusal: SignatureRefused }
  /** Answer 400 with the error's paths; publish nothing (Meta retries, and the request shows why). */
  | { kind: 'malformed'; error: SourcePayloadError }
  /** Publish `events` in one transaction, then answer 200. */
  | ({ kind: 'events' } & WhatsAppEvents);

/**
 * One POST of Meta's, all the ingest route needs short of publishing: the signature first (an
 * unverified body is never parsed), then the mapping.
 */
export function receiveWhatsAppPost(post: WhatsAppPost, rules: WhatsAppRules = defaultRules): WhatsAppPostOutcome {
  const check = verifyHubSignature(post.appSecrets, post.body, post.signature);
  if (!check.ok) return { kind: 'unauthorized', refusal: check };
  try {
    return { kind: 'events', ...mapWhatsAppWebhook(post.body, rules) };
  } catch (error) {
    if (error instanceof SourcePayloadError) return { kind: 'malformed', error };
    throw error;
  }
}

/**
 * Every event one POST of Meta's makes, or a SourcePayloadError naming every place where the body
 * is not a WhatsApp Business Platform webhook (not JSON, no entry[], a change without a field…).
 */
export function mapWhatsAppWebhook(body: Uint8Array | string, rules: WhatsAppRules = defaultRules): WhatsAppEvents {
  const entries = checkEnvelope(parseJsonBody(body));
  const out: WhatsAppEvents = { events: [], fallbacks: [] };
  entries.forEach(({ entry, changes }, e) => {
    changes.forEach((change, c) => mapChange(rules, { entry, change, value: change.value }, `entry[${e}].changes[${c}]`, out));
  });
  return out;
}

function checkEnvelope(payload: unknown): Entry[] {
  const problems: FieldError[] = [];
  const fail = (path: Array<string | number>, message: string) => problems.push({ path: ['body', ...path.map(String)], message });
  if (!isObject(payload)) throw SourcePayloadError.at(['body'], 'must be a JSON object: a WhatsApp Business Platform webhook');
  if (payload.object !== undefined && payload.object !== WHATSAPP_OBJECT) {
    fail(['object'], `must be ${JSON.stringify(WHATSAPP_OBJECT)}: this source takes WhatsApp Business Platform webhooks, got ${JSON.stringify(payload.object)}`);
  }
  if (!Array.isArray(payload.entry)) {
    fail(['entry'], 'must be the list of entries (entry[].changes[])');
    throw new SourcePayloadError(problems);
  }
  const entries: Entry[] = [];
  payload.entry.forEach((entry, e) => {
    if (!isObject(entry)) return fail(['entry', e], 'must be an object with id and changes');
    // The WABA id is a string in Meta's payloads; a number is kept as its digits.
    const id = typeof entry.id === 'number' && Number.isSafeInteger(entry.id) ? String(entry.id) : entry.id;
    if (typeof id !== 'string' || id === '' || id.length > 256) fail(['entry', e, 'id'], 'must be the WhatsApp Business Account id (1 to 256 characters)');
    if (!Array.isArray(entry.changes)) return fail(['entry', e, 'changes'], 'must be the list of changes');
    const changes: Array<Record<string, unknown>> = [];
    entry.changes.forEach((change, c) => {
      const at = ['entry', e, 'changes', c];
      if (!isObject(change)) return fail(at, 'must be an object with field and value');
      if (typeof change.field !== 'string' || !FAMILY_SEGMENT.test(change.field) || `whatsapp.${change.field}`.length > LIMITS.eventType) {
        return fail([...at, 'field'], `must be Meta's webhook field name (lowercase letters, digits and _), got ${JSON.stringify(change.field)}`);
      }
      if (!('value' in change)) return fail([...at, 'value'], 'is missing');
      changes.push(change);
    });
    entries.push({ entry: { ...entry, id }, changes });
  });
  if (problems.length > 0) throw new SourcePayloadError(problems);
  return entries;
}

function mapChange(rules: WhatsAppRules, scope: Scope, at: string, out: WhatsAppEvents): void {
  const field = (scope.change as { field: string }).field;
  const fieldRules = rules.byField.get(field);
  if (!fieldRules) return otherwise(rules, scope, at, out);
  if (fieldRules[0]!.items === undefined) {
    const rule = fieldRules.find((r) => r.when(scope));
    if (rule) emit(rules, rule, scope, at, scope, out);
    else otherwise(rules, { ...scope, problem: `no rule of field ${field} takes this value` }, at, out);
    return;
  }

  const value = scope.value;
  if (!isObject(value)) return otherwise(rules, { ...scope, problem: `the value of field ${field} is not an object` }, at, out);
  const lists = [...new Set(fieldRules.map((r) => r.items!))];
  // The value without its lists: what an item published on its own is wrapped in, with its list.
  const holder = Object.fromEntries(Object.entries(value).filter(([key]) => !lists.includes(key)));
  let present = 0;
  for (const list of lists) {
    const items = value[list];
    if (items === undefined) continue;
    present++;
    const listAt = `${at}.value.${list}`;
    if (!Array.isArray(items)) {
      otherwise(rules, { ...scope, value: { ...holder, [list]: items }, problem: `${list} is not a list` }, listAt, out);
      continue;
    }
    items.forEach((item, i) => {
      const itemAt = `${listAt}[${i}]`;
      const alone = { ...scope, value: { ...holder, [list]: [item] } };
      const itemScope = { ...scope, item, contact: contactOf(value, item) };
      const rule = fieldRules.find((r) => r.items === list && r.when(itemScope));
      if (rule) emit(rules, rule, itemScope, itemAt, alone, out);
      else otherwise(rules, { ...alone, problem: `no rule takes this item of ${list}${describe(item)}` }, itemAt, out);
    });
  }
  const shared = rules.shared.get(field);
  const leftover = Object.keys(holder).filter((key) => !shared?.has(key));
  if (leftover.length > 0 || present === 0) {
    const problem = leftover.length > 0 ? `no rule takes ${leftover.join(', ')} of field ${field}` : `the value of field ${field} has no ${lists.join(' or ')}`;
    otherwise(rules, { ...scope, value: holder, problem }, at, out);
  }
}

/** The rule's event; or, when the catalog refuses its data, the item alone as whatsapp.<field>, saying why. */
function emit(rules: WhatsAppRules, rule: WhatsAppRule, scope: Scope, at: string, alone: Scope, out: WhatsAppEvents): void {
  const data = rule.data(scope);
  const errors = validateEventData(rule.type, data, []);
  if (errors.length > 0) {
    const problem = `${rule.type}: ${errors.map((e) => `${e.path.join('.') || 'data'} ${e.message}`).join('; ')}`;
    return otherwise(rules, { ...alone, problem }, at, out);
  }
  out.events.push(event(rule.type, data, rule.sessionId(scope), rule.idempotencyKey(scope)));
}

function otherwise(rules: WhatsAppRules, scope: Scope, at: string, out: WhatsAppEvents): void {
  const rule = rules.otherwise;
  const type = `${rule.family}.${(scope.change as { field: string }).field}`;
  const data = rule.data(scope);
  const errors = validateEventData(type, data, ['body', ...at.split(/[.[\]]+/).filter(Boolean)]);
  // The family's schema takes any value, so this is a mapping file that does not fit its catalog.
  if (errors.length > 0) throw new SourcePayloadError(errors);
  if (typeof scope.problem === 'string') out.fallbacks.push({ at, type, problem: scope.problem });
  out.events.push(event(type, data, rule.sessionId(scope), rule.idempotencyKey(scope)));
}

function event(type: string, data: unknown, sessionId: unknown, key: unknown): PublishEventInput {
  return {
    type,
    sessionId: typeof sessionId === 'string' && sessionId.trim() !== '' && sessionId.length <= LIMITS.sessionId ? sessionId : null,
    data,
    idempotencyKey: typeof key !== 'string' || key === '' ? null : key.length <= LIMITS.idempotencyKey ? key : `wa:sha256:${sha256(key)}`,
  };
}

/** The item's entry in value.contacts: the profile of the customer who sent it (by wa_id, or by user id). */
function contactOf(value: Record<string, unknown>, item: unknown): unknown {
  if (!Array.isArray(value.contacts) || !isObject(item)) return undefined;
  return value.contacts.find(
    (c) => isObject(c) && ((c.wa_id !== undefined && c.wa_id === item.from) || (c.user_id !== undefined && c.user_id === item.from_user_id)),
  );
}

function describe(item: unknown): string {
  if (!isObject(item)) return '';
  if (typeof item.status === 'string') return ` (status ${JSON.stringify(item.status)})`;
  if (typeof item.type === 'string') return ` (type ${JSON.stringify(item.type)})`;
  return '';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
