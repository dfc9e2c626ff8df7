// Publishing's statements: what a fan-out may reach (the account's endpoints and custom types, read
// before it), the fan-out itself in ONE statement, and the events that hold repeated idempotency
// keys. Which endpoints match an event is decided by the domain (domain/events.ts, in TypeScript),
// not here: the fan-out statement stores what it is given.
import type { Event } from '../../generated/prisma/client.ts';
import { statement, type Placeholders, type Sql } from '../sql.ts';
import { ROUTE_COLUMNS, routesOfAccount, type EndpointRoute } from './routes.ts';
import { recordRequestCtes, requestColumns, type SourceRequestColumns, type SourceRequests } from './sources.ts';

export type { EndpointRoute } from './routes.ts';

export const ROUTES = statement<{ accountId: string; excludeEndpointId: string }, EndpointRoute>(
  'hookwire_publish_routes',
  ($) => `${routesOfAccount($.accountId)} AND id <> ${$.excludeEndpointId}`,
);

/** Every endpoint of the account but one (pass '' to exclude none). */
export function endpointRoutes(sql: Sql, params: { accountId: string; excludeEndpointId: string }): Promise<EndpointRoute[]> {
  return sql.query(ROUTES, params);
}

export const ROUTE = statement<{ accountId: string; endpointId: string }, EndpointRoute>(
  'hookwire_publish_route',
  ($) => `SELECT ${ROUTE_COLUMNS} FROM endpoint WHERE id = ${$.endpointId} AND account_id = ${$.accountId}`,
);

/** One endpoint of the account, or nothing. */
export function endpointRoute(sql: Sql, params: { accountId: string; endpointId: string }): Promise<EndpointRoute[]> {
  return sql.query(ROUTE, params);
}

/** An account's own event type as publishing validates against it. */
export interface CustomTypeRow {
  name: string;
  schema: unknown;
  example: unknown;
  archived: boolean;
  /** updated_at in ms: a change of the type is a new version. */
  version: number;
}

export const CUSTOM_TYPES = statement<{ accountId: string; names: readonly string[] }, CustomTypeRow>(
  'hookwire_publish_custom_types',
  ($) => `
    SELECT name, schema, example, archived_at IS NOT NULL AS archived, (extract(epoch FROM updated_at) * 1000)::float8 AS version
    FROM event_type WHERE account_id = ${$.accountId} AND name = ANY(${$.names}::text[])`,
);

export function customTypes(sql: Sql, params: { accountId: string; names: readonly string[] }): Promise<CustomTypeRow[]> {
  return sql.query(CUSTOM_TYPES, params);
}

export interface EventToStore {
  id: string;
  type: string;
  sessionId: string | null;
  data: unknown;
  /** The envelope: the exact bytes every attempt sends. */
  payload: string;
  idempotencyKey: string | null;
}

export interface DeliveryToStore {
  id: string;
  eventId: string;
  endpointId: string;
  eventType: string;
}

export interface FanOutParams {
  accountId: string;
  now: Date;
  /** When the idempotency keys claimed now expire. */
  keysExpireAt: Date;
  events: readonly EventToStore[];
  deliveries: readonly DeliveryToStore[];
}

export interface FanOutRow {
  /** The events stored (an event whose key was live already is not). */
  created: string[] | null;
  /** The deliveries given and not stored (one for an endpoint deleted meanwhile, or of an event not created); null: none. */
  skipped: string[] | null;
  woken: number | null;
}

/**
 * The batch as the statement binds it. The small per-event columns go as text arrays; the big or
 * numerous ones (the events' data and envelopes, the deliveries) as one JSON text each: built by
 * JSON.stringify in one native pass, where node-postgres would escape every element of a text
 * array in JavaScript (escapeElement: the envelopes are full of quotes) and the answer's array of
 * every delivery id would be parsed back character by character.
 */
interface FanOutColumns {
  accountId: string;
  now: Date;
  keysExpireAt: Date;
  eventIds: string[];
  eventTypes: string[];
  sessionIds: Array<string | null>;
  /** JSON: [data, …], the values themselves. */
  data: string;
  /** JSON: [envelope text, …]. */
  payloads: string;
  keys: Array<string | null>;
  /** JSON: [[delivery id, event id, endpoint id, event type], …]. */
  deliveries: string;
}

/**
 * The whole fan-out, atomic on its own: idempotency keys (a live one belongs to the first event,
 * answered afterwards with firstEvents), events, one delivery per targeted endpoint (ACTIVE ones
 * due now; PAUSED or DISABLED ones held, unscheduled; an endpoint deleted since it was read gets
 * none), and the wake-up of the ACTIVE endpoints' lanes by hookwire_wake_lanes (the lane protocol:
 * src/db/sql/lanes.ts), in this statement's transaction. It answers the deliveries it did not
 * store (normally none), not the ones it did.
 */
/*
 * Why the fan-out sets plan_cache_mode for its own transaction (set_config(..., true): until this
 * statement's transaction ends, the pool's autocommit one or the caller's): every idempotency key
 * and every delivery it inserts is checked against the partitioned event table by a foreign-key
 * trigger at the end of the statement, a cached query per row. Left to choose, Postgres plans each
 * of those checks again (a generic plan over all the partitions is estimated dearer than one
 * pruned to the row's partition), which made those two checks half of the statement's time and
 * half of Postgres's CPU per published event. Generic, the plan is made once per connection and
 * pruned at execution: the same checks, the same locks, and the same guarantees.
 */
function fanOutText($: Placeholders<FanOutColumns>, more = ''): string {
  return `
    WITH ${more}${more ? ',' : ''} input AS (
      SELECT * FROM ROWS FROM (unnest(${$.eventIds}::text[]), unnest(${$.eventTypes}::text[]), unnest(${$.sessionIds}::text[]),
                               jsonb_array_elements(${$.data}::jsonb), json_array_elements_text(${$.payloads}::json), unnest(${$.keys}::text[]))
        WITH ORDINALITY AS i(id, type, session_id, data, payload, key, n)
    ), given AS (
      SELECT g->>0 AS id, g->>1 AS event_id, g->>2 AS endpoint_id, g->>3 AS event_type, n
      FROM json_array_elements(${$.deliveries}::json) WITH ORDINALITY AS d(g, n)
    ), claimed AS (
      INSERT INTO idempotency_key (account_id, key, event_id, expires_at)
      SELECT ${$.accountId}, key, id, ${$.keysExpireAt} FROM input WHERE key IS NOT NULL
      ON CONFLICT (account_id, key) DO UPDATE SET event_id = excluded.event_id, expires_at = excluded.expires_at
        WHERE idempotency_key.expires_at <= ${$.now}
      RETURNING key
    ), ev AS (
      INSERT INTO event (id, account_id, type, session_id, data, payload, created_at)
      SELECT id, ${$.accountId}, type, session_id, data, payload, ${$.now} FROM input
      WHERE key IS NULL OR key IN (SELECT key FROM claimed)
      ORDER BY n
      RETURNING id
    ), dl AS (
      INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, next_attempt_at, created_at)
      SELECT d.id, ${$.accountId}, d.event_id, d.endpoint_id, d.event_type, 'PENDING', CASE WHEN e.status = 'ACTIVE' THEN ${$.now}::timestamptz END, ${$.now}
      FROM given d
      JOIN ev ON ev.id = d.event_id
      JOIN endpoint e ON e.id = d.endpoint_id AND e.account_id = ${$.accountId}
      ORDER BY d.n
      RETURNING id, endpoint_id, next_attempt_at IS NOT NULL AS active
    ), due AS (
      SELECT array_agg(DISTINCT endpoint_id) AS ids FROM dl WHERE active
    ), generic_plans AS (
      -- The foreign-key checks at the end of this statement, planned generic (see above fanOutText).
      SELECT set_config('plan_cache_mode', 'force_generic_plan', true)
    )
    SELECT (SELECT array_agg(id) FROM ev) AS created,
           CASE WHEN (SELECT count(*) FROM dl) < (SELECT count(*) FROM given)
                THEN (SELECT array_agg(id) FROM given WHERE id NOT IN (SELECT id FROM dl)) END AS skipped,
           hookwire_wake_lanes(due.ids, ${$.now}::timestamptz) AS woken
    FROM due, generic_plans`;
}

const fanOutColumns = (p: FanOutParams): FanOutColumns => ({
  accountId: p.accountId,
  now: p.now,
  keysExpireAt: p.keysExpireAt,
  eventIds: p.events.map((e) => e.id),
  eventTypes: p.events.map((e) => e.type),
  sessionIds: p.events.map((e) => e.sessionId),
  data: JSON.stringify(p.events.map((e) => e.data ?? null)),
  payloads: JSON.stringify(p.events.map((e) => e.payload)),
  keys: p.events.map((e) => e.idempotencyKey),
  deliveries: JSON.stringify(p.deliveries.map((d) => [d.id, d.eventId, d.endpointId, d.eventType])),
});

export const FAN_OUT = statement<FanOutParams, FanOutRow, FanOutColumns>('hookwire_publish', ($) => fanOutText($), fanOutColumns);

/**
 * The same fan-out, recording the source requests whose events it publishes (an ingest POST, a
 * broker batch with its dead letters) in its transaction: one round trip, and a request is
 * recorded accepted only if its events commit.
 */
export const FAN_OUT_RECORDED = statement<FanOutParams & { record: SourceRequests }, FanOutRow, FanOutColumns & SourceRequestColumns>(
  'hookwire_publish_recorded',
  ($) => fanOutText($, recordRequestCtes($)),
  (p) => ({ ...fanOutColumns(p), ...requestColumns(p.record) }),
);

/** Stores events and deliveries and wakes lanes (and records source requests), in one statement; returns what it stored. */
export async function fanOut(sql: Sql, params: FanOutParams & { record?: SourceRequests }): Promise<{ created: Set<string>; delivered: Set<string> }> {
  const { record } = params;
  const [row] = record ? await sql.query(FAN_OUT_RECORDED, { ...params, record }) : await sql.query(FAN_OUT, params);
  const skipped = new Set(row?.skipped ?? []);
  return { created: new Set(row?.created ?? []), delivered: new Set(params.deliveries.map((d) => d.id).filter((id) => !skipped.has(id))) };
}

export const FIRST_EVENTS = statement<{ accountId: string; keys: readonly string[] }, Event & { key: string }>(
  'hookwire_publish_first_events',
  ($) => `
    SELECT k.key, e.id, e.account_id AS "accountId", e.type, e.session_id AS "sessionId", e.data, e.payload, e.created_at AS "createdAt"
    FROM idempotency_key k JOIN event e ON e.id = k.event_id
    WHERE k.account_id = ${$.accountId} AND k.key = ANY(${$.keys}::text[])`,
);

/** The events that hold these idempotency keys (a repeat answers with them), by key. */
export async function firstEvents(sql: Sql, params: { accountId: string; keys: readonly string[] }): Promise<Map<string, Event>> {
  if (params.keys.length === 0) return new Map();
  const rows = await sql.query(FIRST_EVENTS, params);
  return new Map(rows.map(({ key, ...event }) => [key, event]));
}
