// Publishing events: validation against the catalog, idempotency, which endpoints each event
// reaches, and the fan-out that stores the events, one delivery per matching endpoint and the
// wake-up of those endpoints' lanes, in ONE SQL statement (src/db/sql/publish.ts): an accepted event
// is never lost, a rejected batch leaves nothing behind, and a batch of 1,000 events costs the same
// few round trips as one.
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { customTypes, endpointRoute, endpointRoutes, fanOut, firstEvents, type CustomTypeRow, type EndpointRoute } from '../db/sql/publish.ts';
import type { SourceRequests } from '../db/sql/sources.ts';
import type { Sql } from '../db/sql.ts';
import type { Event } from '../generated/prisma/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { findEventType, matchesEventType, validateEventData } from './catalog.ts';
import { customValidator } from './event-types.ts';
import { compileFilter, type CompiledFilter } from './filter.ts';
import type { Clock } from './clock.ts';
import { hasNul, NotFoundError, NUL_MESSAGE, ValidationError, type FieldError } from './errors.ts';

/** Published by Hookwire itself; a client may not publish them. */
export const OPERATIONAL_EVENT_TYPES = ['endpoint.paused', 'endpoint.disabled', 'endpoint.failing', 'endpoint.recovered', 'delivery.exhausted'] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const MAX_DATA_BYTES = 256 * 1024;
export const MAX_BATCH_EVENTS = 1000;

export interface PublishEventInput {
  type: string;
  sessionId?: string | null;
  /** Required; typed optional because the JSON scalar admits anything, undefined included. */
  data?: unknown;
  idempotencyKey?: string | null;
}

export interface PublishResult {
  event: Event;
  /** false when an idempotencyKey repeat returned the first event. */
  created: boolean;
  deliveryIds: string[];
}

export interface PublishDeps {
  db: Db;
  /** The hot path's statements (named, prepared), on the process's pool. */
  sql: Sql;
  clock: Clock;
}

/** The exact bytes POSTed on every attempt of every delivery of this event. */
export function envelope(id: string, type: string, timestamp: Date, sessionId: string | null, data: unknown): string {
  return JSON.stringify({ id, type, timestamp: timestamp.toISOString(), sessionId, data });
}

/**
 * Every problem of one input that needs no database: its data against a built-in type's schema.
 * Another type can only be the account's own, which publish() checks once it has read them.
 */
function validatePublishInput(input: PublishEventInput, at: string[]): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ path: [...at, field], message });
  if (input === null || typeof input !== 'object') return [{ path: at, message: 'must be an object' }];
  if (typeof input.type !== 'string' || input.type === '' || input.type.length > 100 || hasNul(input.type)) {
    return [{ path: [...at, 'type'], message: 'must be an event type name from the eventTypes query' }];
  }
  const builtIn = findEventType(input.type) !== undefined;
  if ((OPERATIONAL_EVENT_TYPES as readonly string[]).includes(input.type)) {
    fail('type', `${input.type} is published by Hookwire itself, not by clients`);
  }
  if (input.sessionId != null && (input.sessionId.trim() === '' || input.sessionId.length > 128)) {
    fail('sessionId', 'must be 1 to 128 characters');
  } else if (input.sessionId != null && hasNul(input.sessionId)) {
    fail('sessionId', NUL_MESSAGE);
  }
  if (input.idempotencyKey != null && (input.idempotencyKey === '' || input.idempotencyKey.length > 255)) {
    fail('idempotencyKey', 'must be 1 to 255 characters');
  } else if (input.idempotencyKey != null && hasNul(input.idempotencyKey)) {
    fail('idempotencyKey', NUL_MESSAGE);
  }
  const size = Buffer.byteLength(JSON.stringify(input.data ?? null));
  if (size > MAX_DATA_BYTES) {
    fail('data', `is ${size} bytes; at most ${MAX_DATA_BYTES} bytes are accepted`);
  } else if (containsNul(input.data)) {
    // jsonb cannot store a NUL in any string or key.
    fail('data', NUL_MESSAGE);
  } else if (builtIn) {
    errors.push(...validateEventData(input.type, input.data, [...at, 'data']));
  }
  return errors;
}

/** The account's own types among the inputs': unknown, archived, or data failing their schema. */
function validateCustomTypes(accountId: string, inputs: readonly PublishEventInput[], types: Map<string, CustomTypeRow>, pathOf: (i: number) => string[]): FieldError[] {
  const errors: FieldError[] = [];
  inputs.forEach((input, i) => {
    // Built-in types were checked already, and so were inputs that are not even objects or names.
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string' || input.type === '' || input.type.length > 100 || hasNul(input.type) || findEventType(input.type)) return;
    const at = pathOf(i);
    const custom = types.get(input.type);
    if (!custom) errors.push(...validateEventData(input.type, input.data, [...at, 'data']));
    else if (custom.archived) errors.push({ path: [...at, 'type'], message: `${input.type} is archived: unarchiveEventType publishes it again` });
    else errors.push(...customValidator(accountId, custom).validate(input.data, [...at, 'data']));
  });
  return errors;
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return hasNul(value);
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => hasNul(key) || containsNul(item));
  }
  return false;
}

/** One event: publishEvent. A ValidationError's paths start with "input". */
export async function publishEvent(deps: PublishDeps, accountId: string, input: PublishEventInput): Promise<PublishResult> {
  const errors = validatePublishInput(input, ['input']);
  const [result] = await publish(deps.sql, deps.clock.now(), accountId, [input], { kind: 'subscribers' }, { pathOf: () => ['input'], errors });
  return result!;
}

/** What a caller that read more in its own round trips hands the fan-out (the ingest: server/ingest.ts). */
export interface PublishOptions {
  /** The account's routes, read already (beside the source, for an ingest): not read again. */
  routes?: EndpointRoute[];
  /** Recorded by the fan-out statement itself, so they commit (or not) with the events. */
  record?: SourceRequests;
}

/** Up to 1,000 events, all or none: publishEvents. A ValidationError's paths start with "inputs", index. */
export async function publishEvents(deps: PublishDeps, accountId: string, inputs: readonly PublishEventInput[], options: PublishOptions = {}): Promise<PublishResult[]> {
  if (inputs.length === 0 || inputs.length > MAX_BATCH_EVENTS) {
    throw ValidationError.field(['inputs'], `must hold 1 to ${MAX_BATCH_EVENTS} events, got ${inputs.length}`);
  }
  const pathOf = (i: number) => ['inputs', String(i)];
  const errors = inputs.flatMap((input, i) => validatePublishInput(input, pathOf(i)));
  return publish(deps.sql, deps.clock.now(), accountId, inputs, { kind: 'subscribers' }, { pathOf, errors }, options);
}

export type FanOutTarget =
  | { kind: 'subscribers'; excludeEndpointId?: string }
  | { kind: 'endpoint'; endpointId: string };

/** Compiled filters, per endpoint and version: compiling them is dearer than running them. */
const filters = new LRUCache<string, { version: number; matches: CompiledFilter }>({ max: 20_000 });
function filterOf(route: EndpointRoute): CompiledFilter | null {
  if (route.filter === null) return null;
  const known = filters.get(route.id);
  if (known?.version === route.version) return known.matches;
  const matches = compileFilter(route.filter);
  filters.set(route.id, { version: route.version, matches });
  return matches;
}

/** The endpoints a fan-out may reach; which of them match is decided here, in TypeScript (catalog.ts). */
async function routesOf(sql: Sql, accountId: string, target: FanOutTarget): Promise<EndpointRoute[]> {
  if (target.kind === 'endpoint') {
    const rows = await endpointRoute(sql, { accountId, endpointId: target.endpointId });
    if (rows.length === 0) throw new NotFoundError('Endpoint', target.endpointId);
    return rows;
  }
  return endpointRoutes(sql, { accountId, excludeEndpointId: target.excludeEndpointId ?? '' });
}

/** Whether the endpoint gets a delivery of this event: its types, its sessions, then its filter on the envelope. */
function subscribes(route: EndpointRoute, event: { id: string; type: string; sessionId: string | null; data: unknown }, timestamp: string): boolean {
  if (!matchesEventType(route.event_types, event.type)) return false;
  if (route.session_ids.length > 0 && (event.sessionId === null || !route.session_ids.includes(event.sessionId))) return false;
  const filter = filterOf(route);
  return filter === null || filter({ id: event.id, type: event.type, timestamp, sessionId: event.sessionId, data: event.data });
}

/**
 * Stores the events and one delivery per targeted endpoint (ACTIVE, PAUSED or DISABLED: held ones
 * collect deliveries too, unscheduled) and wakes the ACTIVE ones' lanes, in one statement. Inputs
 * must be valid. Repeated idempotency keys (within the batch, or within 24 hours before it) yield
 * the first event and no deliveries.
 */
export async function publish(
  sql: Sql,
  now: Date,
  accountId: string,
  inputs: readonly PublishEventInput[],
  target: FanOutTarget,
  /**
   * For clients' inputs: where each input's errors go, and those found without the database. The
   * account's own types are checked here, and every error is reported at once, before anything
   * is stored.
   */
  validation?: { pathOf: (index: number) => string[]; errors: FieldError[] },
  options: PublishOptions = {},
): Promise<PublishResult[]> {
  const customNames = [...new Set(inputs.map((i) => i.type).filter((type) => typeof type === 'string' && !findEventType(type)))];
  const [routes, custom] = await Promise.all([
    options.routes ?? routesOf(sql, accountId, target),
    customNames.length === 0 ? [] : customTypes(sql, { accountId, names: customNames }),
  ]);
  if (validation) {
    const errors = [...validation.errors, ...validateCustomTypes(accountId, inputs, new Map(custom.map((t) => [t.name, t])), validation.pathOf)];
    if (errors.length > 0) throw new ValidationError(errors);
  }
  const firstWithKey = new Map<string, number>();
  const events = inputs.map((input, index) => {
    const key = input.idempotencyKey ?? null;
    const duplicateOf = key === null ? undefined : firstWithKey.get(key);
    if (key !== null && duplicateOf === undefined) firstWithKey.set(key, index);
    const id = newId('Event');
    const sessionId = input.sessionId ?? null;
    return {
      id,
      type: input.type,
      sessionId,
      data: input.data ?? null,
      payload: envelope(id, input.type, now, sessionId, input.data ?? null),
      key,
      duplicateOf,
    };
  });
  const fresh = events.filter((e) => e.duplicateOf === undefined);
  const deliveries: Array<{ id: string; eventId: string; endpointId: string; eventType: string }> = [];
  /** Each event's deliveries, in the order of `deliveries` (a batch of 1,000 events to 10 endpoints: not 10,000 looked through per event). */
  const deliveriesOf = new Map<string, string[]>();
  const timestamp = now.toISOString();
  for (const event of fresh) {
    const own: string[] = [];
    for (const route of routes) {
      if (target.kind === 'endpoint' || subscribes(route, event, timestamp)) {
        const id = newId('Delivery');
        deliveries.push({ id, eventId: event.id, endpointId: route.id, eventType: event.type });
        own.push(id);
      }
    }
    deliveriesOf.set(event.id, own);
  }
  const { created, delivered } = await fanOut(sql, {
    accountId,
    now,
    keysExpireAt: new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS),
    events: fresh.map((e) => ({ id: e.id, type: e.type, sessionId: e.sessionId, data: e.data, payload: e.payload, idempotencyKey: e.key })),
    deliveries,
    record: options.record,
  });
  const existing = await firstEvents(sql, {
    accountId,
    keys: fresh.filter((e) => e.key !== null && !created.has(e.id)).map((e) => e.key!),
  });
  const byFresh = new Map<string, PublishResult>();
  for (const event of fresh) {
    if (created.has(event.id)) {
      byFresh.set(event.id, {
        event: { id: event.id, accountId, type: event.type, sessionId: event.sessionId, data: event.data as Prisma.JsonValue, payload: event.payload, createdAt: now },
        created: true,
        deliveryIds: deliveriesOf.get(event.id)!.filter((id) => delivered.has(id)),
      });
    } else {
      const first = existing.get(event.key!);
      if (!first) throw new Error(`idempotency key ${JSON.stringify(event.key)} is taken but its event is gone`);
      byFresh.set(event.id, { event: first, created: false, deliveryIds: [] });
    }
  }
  return events.map((event) => {
    const own = byFresh.get(event.duplicateOf === undefined ? event.id : events[event.duplicateOf]!.id)!;
    return event.duplicateOf === undefined ? own : { event: own.event, created: false, deliveryIds: [] };
  });
}

/** Hookwire's own events (endpoint.paused, …) to the account's other subscribed endpoints. */
export async function publishOperationalEvent(
  sql: Sql,
  now: Date,
  accountId: string,
  type: OperationalEventType,
  data: Record<string, unknown>,
  aboutEndpointId: string,
): Promise<PublishResult> {
  const [result] = await publish(sql, now, accountId, [{ type, data }], { kind: 'subscribers', excludeEndpointId: aboutEndpointId });
  return result!;
}

/** A webhook.test event (or the example of eventType, built in or the account's own) delivered to this endpoint alone. */
export async function sendTestEvent(deps: PublishDeps, accountId: string, endpointId: string, eventType?: string | null) {
  const type = eventType ?? 'webhook.test';
  let example: unknown = findEventType(type)?.example;
  if (example === undefined) {
    const custom = await deps.db.eventType.findUnique({ where: { accountId_name: { accountId, name: type } } });
    if (custom && custom.archivedAt === null) example = custom.example;
  }
  if (example === undefined) {
    throw new ValidationError(validateEventData(type, {}, ['eventType']).map((e) => ({ ...e, path: ['eventType'] })));
  }
  const [result] = await publish(deps.sql, deps.clock.now(), accountId, [{ type, data: example }], {
    kind: 'endpoint',
    endpointId,
  });
  const [deliveryId] = result!.deliveryIds;
  if (!deliveryId) throw new NotFoundError('Endpoint', endpointId);
  return deps.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
}
