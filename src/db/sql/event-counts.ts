// events' totalCount without counting an account's whole history: exact while it is small (up to
// EXACT_EVENT_COUNT, read from the index of the filter), and beyond that Postgres's own estimate of
// the filter's rows (its table statistics, refreshed by autovacuum), as the schema's description
// says. A counter kept on publish would serialize an account's concurrent publishes on one row.
import { statement, type Sql } from '../sql.ts';

/** Up to this many events are counted exactly. */
export const EXACT_EVENT_COUNT = 1_000;

export interface EventCountParams {
  accountId: string;
  type: string | null;
  sessionId: string | null;
}

const FILTER = ($: { accountId: string; type: string; sessionId: string }) =>
  `account_id = ${$.accountId} AND (${$.type}::text IS NULL OR type = ${$.type}::text) AND (${$.sessionId}::text IS NULL OR session_id = ${$.sessionId}::text)`;

export const COUNT_EVENTS_UP_TO = statement<EventCountParams & { limit: number }, { n: number }>(
  'hookwire_count_events_up_to',
  ($) => `SELECT count(*)::int AS n FROM (SELECT 1 FROM event WHERE ${FILTER($)} LIMIT ${$.limit}::int) e`,
);

export const ESTIMATE_EVENTS = statement<EventCountParams, { 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
  'hookwire_estimate_events',
  ($) => `EXPLAIN (FORMAT JSON) SELECT 1 FROM event WHERE ${FILTER($)}`,
);

/** The filter's events: exact up to EXACT_EVENT_COUNT, estimated beyond (never less than that). */
export async function countEvents(sql: Sql, params: EventCountParams): Promise<number> {
  const [counted] = await sql.query(COUNT_EVENTS_UP_TO, { ...params, limit: EXACT_EVENT_COUNT + 1 });
  const n = counted?.n ?? 0;
  if (n <= EXACT_EVENT_COUNT) return n;
  const [plan] = await sql.query(ESTIMATE_EVENTS, params);
  const estimate = Math.round(plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  return Math.max(estimate, EXACT_EVENT_COUNT + 1);
}
