// Deliveries outside the attempt itself: holding them while their endpoint is paused, scheduling
// them again on resume, manual retries and recovery, and the count of those pending. Bulk updates
// lock rows in id order (as the recording statement does, record-attempts.ts), so two of them never
// deadlock on each other. None wakes lanes: the caller does (lanes.ts wakeLanes), in the same
// transaction.
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { statement, type NoParams, type Sql } from '../sql.ts';

export const UNSCHEDULE_DELIVERIES = statement<{ endpointId: string }>(
  'hookwire_unschedule_deliveries',
  ($) => `
    UPDATE delivery SET next_attempt_at = NULL
    WHERE id IN (SELECT id FROM delivery WHERE endpoint_id = ${$.endpointId} AND status = 'PENDING'
                   AND next_attempt_at IS NOT NULL ORDER BY id FOR UPDATE)`,
);

/** A held endpoint's pending deliveries wait unscheduled (next_attempt_at null); returns how many. */
export function unscheduleDeliveries(sql: Sql, params: { endpointId: string }): Promise<number> {
  return sql.execute(UNSCHEDULE_DELIVERIES, params);
}

export const SCHEDULE_HELD_DELIVERIES = statement<{ endpointId: string; at: Date }>(
  'hookwire_schedule_held_deliveries',
  ($) => `
    UPDATE delivery SET next_attempt_at = ${$.at}::timestamptz
    WHERE id IN (SELECT id FROM delivery WHERE endpoint_id = ${$.endpointId} AND status = 'PENDING' ORDER BY id FOR UPDATE)`,
);

/** Every pending delivery of the endpoint due at `at` (oldest first: ids sort by creation); returns how many. */
export function scheduleHeldDeliveries(sql: Sql, params: { endpointId: string; at: Date }): Promise<number> {
  return sql.execute(SCHEDULE_HELD_DELIVERIES, params);
}

export interface RetryDeliveryParams {
  accountId: string;
  deliveryId: string;
  now: Date;
}

export const RETRY_DELIVERY = statement<RetryDeliveryParams, { endpoint_id: string }>(
  'hookwire_retry_delivery',
  ($) => `
    UPDATE delivery d SET
      -- Where a pending delivery's schedule stood (due at once if it was held); null: it had finished.
      resume_schedule_at = CASE WHEN d.manual_retry THEN d.resume_schedule_at
                                WHEN d.status = 'PENDING' THEN COALESCE(d.next_attempt_at, ${$.now}::timestamptz) END,
      manual_retry = true, status = 'PENDING', completed_at = NULL,
      next_attempt_at = CASE WHEN e.status = 'ACTIVE' THEN ${$.now}::timestamptz END
    FROM endpoint e
    WHERE d.id = ${$.deliveryId} AND d.account_id = ${$.accountId} AND e.id = d.endpoint_id
    RETURNING d.endpoint_id`,
);

/**
 * Makes the delivery pending for one manual attempt now (held, unscheduled, if its endpoint is not
 * ACTIVE), remembering where its schedule stood. Returns its endpoint, or null when the account has
 * no such delivery.
 */
export async function markForRetry(sql: Sql, params: RetryDeliveryParams): Promise<{ endpointId: string } | null> {
  const [row] = await sql.query(RETRY_DELIVERY, params);
  return row ? { endpointId: row.endpoint_id } : null;
}

export interface RecoverFailedParams {
  endpointId: string;
  /** Deliveries created at or after this. */
  since: Date;
  /** When they are due: now, or null while the endpoint is held. */
  nextAttemptAt: Date | null;
}

export const RECOVER_FAILED = statement<RecoverFailedParams>(
  'hookwire_recover_failed_deliveries',
  ($) => `
    UPDATE delivery SET status = 'PENDING', completed_at = NULL, manual_retry = true, resume_schedule_at = NULL,
      next_attempt_at = ${$.nextAttemptAt}::timestamptz
    WHERE id IN (SELECT id FROM delivery WHERE endpoint_id = ${$.endpointId} AND status = 'FAILED' AND created_at >= ${$.since}::timestamptz
                   -- The ids' bound of the walk of delivery_failed_idx (endpoint_id, id): an id holds
                   -- its moment (ids.ts), a minute's margin for the clock that made it.
                   AND id >= hookwire_history_bound('dlv', ${$.since}::timestamptz - interval '1 minute')
                 ORDER BY id FOR UPDATE)`,
);

/** The endpoint's FAILED deliveries since `since` pending again for one manual attempt; returns how many. */
export function recoverFailed(sql: Sql, params: RecoverFailedParams): Promise<number> {
  return sql.execute(RECOVER_FAILED, params);
}

export const COUNT_PENDING = statement<NoParams, { n: number }>(
  'hookwire_count_pending_deliveries',
  () => `SELECT count(*)::float8 AS n FROM delivery WHERE status = 'PENDING'`,
);

/** Deliveries not finished yet; answered from the partial index of pending deliveries (delivery_claim_idx). */
export async function countPendingDeliveries(sql: Sql): Promise<number> {
  const [row] = await sql.query(COUNT_PENDING, {});
  return Number(row?.n ?? 0);
}

// Pages of a rare status (FAILED, PENDING), newest first: their ids from the status's own partial
// indexes, (endpoint_id, id) or (account_id, id) WHERE status = '<literal>' (migration
// 20261216000000_delivery_indexes; FAILED's INCLUDE the other filters' columns, 20261223010000, so
// a page of one event type skips the other types' failures in the index, not in the heap).
// Prisma's status filter is a CAST of a parameter, which no partial index's predicate matches: its
// page walks every delivery of the endpoint or account and skips the other statuses, all of them
// for an empty page. Run through Prisma (unnamed statements, planned for their values), so a
// filter left out (null) folds away and the cursor is an index bound.
export type RareStatus = 'FAILED' | 'PENDING';

export interface StatusPageParams {
  accountId: string;
  endpointId: string | null;
  eventType: string | null;
  since: Date | null;
  /** Forward pages continue below it (older), backward ones above it; null: from the newest (oldest). */
  cursor: string | null;
  limit: number;
}

/** A page's walk from its cursor: older ids newest first, or newer ids oldest first. */
function pageWalk(newestFirst: boolean): { bound: '<' | '>'; order: 'DESC' | 'ASC' } {
  return newestFirst ? { bound: '<', order: 'DESC' } : { bound: '>', order: 'ASC' };
}

/** The page's rows past its cursor (a null cursor: from the first). */
const pastCursor = (cursor: string, bound: '<' | '>') => `(${cursor}::text IS NULL OR id ${bound} ${cursor}::text)`;

/**
 * Created at or after `since` (null: any time), and the ids of since's moment on (ids hold their
 * moment, ids.ts; a minute's margin for the clock that made them), so the walk stops there and the
 * older weeks' partitions are pruned.
 */
const createdSince = (since: string) =>
  `(${since}::timestamptz IS NULL OR (created_at >= ${since}::timestamptz
             AND id >= hookwire_history_bound('dlv', ${since}::timestamptz - interval '1 minute')))`;

function statusPageStatement(status: RareStatus, newestFirst: boolean) {
  const { bound, order } = pageWalk(newestFirst);
  return statement<StatusPageParams, { id: string }>(
    `hookwire_${status.toLowerCase()}_page_${order.toLowerCase()}`,
    ($) => `
      SELECT id FROM delivery
      WHERE account_id = ${$.accountId} AND status = '${status}'
        AND (${$.endpointId}::text IS NULL OR endpoint_id = ${$.endpointId}::text)
        AND ${pastCursor($.cursor, bound)}
        AND (${$.eventType}::text IS NULL OR event_type = ${$.eventType}::text)
        AND ${createdSince($.since)}
      ORDER BY id ${order} LIMIT ${$.limit}::int`,
  );
}

export const STATUS_PAGES = {
  FAILED: { newest: statusPageStatement('FAILED', true), oldest: statusPageStatement('FAILED', false) },
  PENDING: { newest: statusPageStatement('PENDING', true), oldest: statusPageStatement('PENDING', false) },
} as const;

/** The ids of a page of one rare status: `limit` of them, newest first (or, `newestFirst` false, oldest first). */
export async function statusPageIds(sql: Sql, status: RareStatus, newestFirst: boolean, params: StatusPageParams): Promise<string[]> {
  const pages = STATUS_PAGES[status];
  return (await sql.query(newestFirst ? pages.newest : pages.oldest, params)).map((row) => row.id);
}

// An account's pages of one event type (no endpoint named), newest first. The account's walk
// (account_id, id) would skip every delivery of the other types, all of them for a type that is
// rare or gone: a type's page walks each of the account's endpoints' (endpoint_id, event_type, id)
// instead, a page of each at most, and keeps the page's newest of those (a delivery's account is
// its endpoint's; an endpoint's deliveries go with it). An endpoint without the type costs one
// index descent per week's partition. SUCCEEDED (the common status) or no status: the rare ones
// take their partial indexes (STATUS_PAGES).
//
// The planner costs the per-endpoint walk with the average endpoint's rows, so beside many quiet
// endpoints it prefers reading an endpoint's every delivery of the type and sorting them (cheap for
// the average, the whole history for a busy one): the statement runs with enable_sort off for its
// transaction, which leaves the index order (a merge of the weeks' partitions) as the only cheap way
// to the first rows; the final few hundred rows are still sorted. (And jit off: below.)
export interface EventTypePageParams {
  accountId: string;
  eventType: string;
  succeededOnly: boolean;
  since: Date | null;
  /** Forward pages continue below it (older), backward ones above it; null: from the newest (oldest). */
  cursor: string | null;
  limit: number;
}

function eventTypePageStatement(newestFirst: boolean) {
  const { bound, order } = pageWalk(newestFirst);
  return statement<EventTypePageParams, { id: string }>(
    `hookwire_event_type_page_${order.toLowerCase()}`,
    ($) => `
      SELECT d.id FROM endpoint e CROSS JOIN LATERAL (
        SELECT id FROM delivery
        WHERE endpoint_id = e.id AND event_type = ${$.eventType}::text
          AND ${pastCursor($.cursor, bound)}
          AND (NOT ${$.succeededOnly}::boolean OR status = 'SUCCEEDED')
          AND ${createdSince($.since)}
        ORDER BY id ${order} LIMIT ${$.limit}::int) d
      WHERE e.account_id = ${$.accountId}
      ORDER BY d.id ${order} LIMIT ${$.limit}::int`,
  );
}

export const EVENT_TYPE_PAGES = { newest: eventTypePageStatement(true), oldest: eventTypePageStatement(false) } as const;

/** What eventTypePageIds runs on: Prisma's client (a batch transaction of the setting and the statement). */
export type BatchRunner = Pick<PrismaClient, '$transaction' | '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** The ids of a page of the account's deliveries of one event type: `limit` of them, newest first (or oldest first). */
export async function eventTypePageIds(db: BatchRunner, newestFirst: boolean, params: EventTypePageParams): Promise<string[]> {
  const page = newestFirst ? EVENT_TYPE_PAGES.newest : EVENT_TYPE_PAGES.oldest;
  const [, , rows] = await db.$transaction([
    db.$executeRawUnsafe(`SET LOCAL enable_sort = off`),
    // Before Postgres 17 a disabled sort costs 10^10, past jit_above_cost: compiling the plan took
    // ~170 ms of a 4 ms read.
    db.$executeRawUnsafe(`SET LOCAL jit = off`),
    db.$queryRawUnsafe<Array<{ id: string }>>(page.text, ...page.values(params)),
  ]);
  return rows.map((row) => row.id);
}
