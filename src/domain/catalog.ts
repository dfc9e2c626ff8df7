// The event type catalog: every type Hookwire accepts, its JSON Schema, a valid example, and the
// pattern rules (exact, '*', 'prefix.*') that endpoints use to subscribe to types. The types
// themselves are data: one JSON file each in ./catalog/, loaded and checked when this module loads.
// A family (whatsapp.*: one per Meta webhook field) lists its known members as types and accepts
// any other name under its prefix with the family's schema, so a field Meta adds is not refused.

import { FAMILY_SEGMENT, loadCatalog, type EventTypeDefinition, type EventTypeFamily } from './catalog-loader.ts';
import type { FieldError } from './errors.ts';
import { toFieldErrors } from './json-schema.ts';

export type { EventTypeDefinition } from './catalog-loader.ts';
export type { JsonSchema } from './json-schema.ts';

// ---------------------------------------------------------------------------------------------
// Typed `data` of the operational events, for the code that emits them (delivery outcome
// handling). Their schemas (catalog/endpoint.*.json, catalog/delivery.exhausted.json) are the
// source of truth; these mirror them.

export interface EndpointStatusEventData {
  endpointId: string;
  url: string;
  status: 'PAUSED' | 'DISABLED';
  reason: string;
  pausedAt?: string | null;
}

export interface EndpointFailingEventData {
  endpointId: string;
  url: string;
  consecutiveFailures: number;
  failingSince: string;
  lastFailureAt: string;
  lastOutcome?: 'HTTP_ERROR' | 'TIMEOUT' | 'NETWORK_ERROR' | 'BLOCKED' | null;
  lastResponseStatus?: number | null;
}

export interface EndpointRecoveredEventData {
  endpointId: string;
  url: string;
  recoveredAt: string;
}

export interface DeliveryExhaustedEventData {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attemptCount: number;
  lastOutcome?: 'SUCCESS' | 'HTTP_ERROR' | 'TIMEOUT' | 'NETWORK_ERROR' | 'BLOCKED' | null;
  lastResponseStatus?: number | null;
}

// ---------------------------------------------------------------------------------------------
// The catalog. A broken file makes this import throw a CatalogError that names it, so the
// service does not start with a catalog it cannot serve.

const catalog = loadCatalog();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

// Frozen because the same objects are served by the API and delivered by sendTestEvent: a caller
// that mutated an example would change it for everyone.
export const EVENT_TYPES: readonly EventTypeDefinition[] = deepFreeze(catalog.types);
// Not the family object itself: ajv's validate function records its errors on itself.
for (const family of catalog.families.values()) deepFreeze([family.schema, family.example]);

export const EVENT_TYPE_NAMES: readonly string[] = Object.freeze(EVENT_TYPES.map((t) => t.name));

const byName = new Map(EVENT_TYPES.map((t) => [t.name, t]));

export function findEventType(name: string): EventTypeDefinition | undefined {
  const listed = byName.get(name);
  if (listed) return listed;
  const family = familyOf(name);
  if (!family) return undefined;
  // Built on each call rather than cached: the names under a family are whatever Meta sends.
  return deepFreeze({ name, description: family.description, schema: family.schema, example: { ...family.example, field: name.slice(family.prefix.length + 1) } });
}

/** The family a name that is not listed belongs to: `<prefix>.<one segment>` of a family in the catalog. */
function familyOf(name: string): EventTypeFamily | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const family = catalog.families.get(name.slice(0, dot));
  return family && FAMILY_SEGMENT.test(name.slice(dot + 1)) ? family : undefined;
}

/** Whether the catalog has the family `<prefix>.*` (whatsapp.*). */
export function hasEventTypeFamily(prefix: string): boolean {
  return catalog.families.has(prefix);
}

// ---------------------------------------------------------------------------------------------
// Validation of `data`.

/**
 * Validates an event's `data` against its type's schema. Returns every problem, each at
 * `path` + the JSON pointer of the bad value (plus the property name when one is missing).
 * An unknown type yields one error at the `type` field beside `path` (['input', 'type'] for
 * the default path).
 */
export function validateEventData(type: string, data: unknown, path: string[] = ['input', 'data']): FieldError[] {
  const validate = catalog.validators.get(type) ?? familyOf(type)?.validate;
  if (!validate) {
    return [{ path: [...path.slice(0, -1), 'type'], message: unknownTypeMessage(type) }];
  }
  return validate(data) ? [] : toFieldErrors(validate.errors, path);
}

function unknownTypeMessage(type: string): string {
  const base = `Unknown event type ${JSON.stringify(type)}; the eventTypes query lists the catalog`;
  const suggestion = closestName(type);
  return suggestion ? `${base}. Did you mean ${JSON.stringify(suggestion)}?` : base;
}

/** The catalog name nearest to a typo, if it is close enough to be what was meant. */
function closestName(type: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(type.length / 4)) + 1;
  for (const name of EVENT_TYPE_NAMES) {
    const d = editDistance(type.toLowerCase(), name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 10) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------------------------
// Subscription patterns.

/**
 * A known exact name (built in, or one of `custom`: the account's own), '*', or 'prefix.*' where
 * some known type starts with 'prefix.'.
 */
export function isValidEventTypePattern(pattern: string, custom: readonly string[] = []): boolean {
  if (pattern === '*') return true;
  if (byName.has(pattern) || familyOf(pattern) || custom.includes(pattern)) return true;
  if (pattern.length > 2 && pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1); // keeps the dot: 'message.'
    if (catalog.families.has(prefix.slice(0, -1))) return true;
    // A wildcard that matches nothing is almost certainly a typo ('mesage.*').
    return !prefix.slice(0, -1).includes('*') && [...EVENT_TYPE_NAMES, ...custom].some((name) => name.startsWith(prefix));
  }
  return false;
}

/** Whether an event of `type` goes to an endpoint subscribed with `patterns`. */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === type) return true;
    if (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}
