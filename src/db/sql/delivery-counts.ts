// The counts behind stats and totalCount, over any filter the deliveries connections take, read
// from counters instead of rows (issue 16): finished deliveries from delivery_hour_count (kept by a
// trigger on delivery, migration 20261211000000_history_reads), pending ones from the backlog's
// partial index, which carries the event type (bounded by the backlog, not by history). A `since`
// inside an hour counts that hour's rows (found by the BRIN index of delivery(created_at)) and every
// later hour from the counters. Run through Prisma (unnamed statements, planned for their values),
// so a filter left out costs nothing.
import { statement, type Sql } from '../sql.ts';

export interface DeliveryCountsParams {
  accountId: string;
  endpointId: string | null;
  eventType: string | null;
  since: Date | null;
}

export interface DeliveryCountsRow {
  succeeded: number;
  failed: number;
  pending: number;
}

export const DELIVERY_COUNTS = statement<DeliveryCountsParams, DeliveryCountsRow>(
  'hookwire_delivery_counts',
  ($) => `
    WITH hours AS (
      SELECT coalesce(sum(c.succeeded), 0) AS succeeded, coalesce(sum(c.failed), 0) AS failed
      FROM delivery_hour_count c
      WHERE c.account_id = ${$.accountId}
        AND (${$.endpointId}::text IS NULL OR c.endpoint_id = ${$.endpointId}::text)
        AND (${$.eventType}::text IS NULL OR c.event_type = ${$.eventType}::text)
        AND (${$.since}::timestamptz IS NULL OR c.hour > ${$.since}::timestamptz)
    ), first_hour AS (
      SELECT count(*) FILTER (WHERE d.status = 'SUCCEEDED') AS succeeded, count(*) FILTER (WHERE d.status = 'FAILED') AS failed
      FROM delivery d
      WHERE ${$.since}::timestamptz IS NOT NULL
        AND d.account_id = ${$.accountId}
        AND (${$.endpointId}::text IS NULL OR d.endpoint_id = ${$.endpointId}::text)
        AND d.created_at >= ${$.since}::timestamptz AND d.created_at < hookwire_hour(${$.since}::timestamptz) + interval '1 hour'
        -- The hour's ids too (ids hold their moment, ids.ts; a minute's margin each side for the
        -- clock that made them): a range of (endpoint_id | account_id, id), not the week's every
        -- delivery of the endpoint or the account ANDed with the BRIN index of created_at.
        AND d.id >= hookwire_history_bound('dlv', ${$.since}::timestamptz - interval '1 minute')
        AND d.id < hookwire_history_bound('dlv', hookwire_hour(${$.since}::timestamptz) + interval '61 minutes')
        AND (${$.eventType}::text IS NULL OR d.event_type = ${$.eventType}::text)
    ), pending AS (
      -- Endpoint by endpoint of the account: each one's pending deliveries from its partial index
      -- (delivery_pending_idx, which INCLUDEs event_type: counted by type, an all-visible backlog
      -- is read from the index alone), never another account's backlog (a delivery's account is its
      -- endpoint's). No condition on d.account_id: with one, the planner also read the account's
      -- pending index and ANDed it with the endpoint's whole (endpoint_id, id), every delivery of
      -- the endpoint in the week, to count its backlog.
      SELECT count(*) AS pending
      FROM endpoint e JOIN delivery d ON d.endpoint_id = e.id
      WHERE e.account_id = ${$.accountId} AND (${$.endpointId}::text IS NULL OR e.id = ${$.endpointId}::text)
        AND d.status = 'PENDING'
        AND (${$.eventType}::text IS NULL OR d.event_type = ${$.eventType}::text)
        AND (${$.since}::timestamptz IS NULL OR d.created_at >= ${$.since}::timestamptz)
    )
    SELECT (hours.succeeded + first_hour.succeeded)::float8 AS succeeded, (hours.failed + first_hour.failed)::float8 AS failed,
           pending.pending::float8 AS pending
    FROM hours, first_hour, pending`,
);

/** Finished and pending deliveries of the account that the filter selects (each filter optional). */
export async function deliveryCounts(sql: Sql, params: DeliveryCountsParams): Promise<DeliveryCountsRow> {
  const [row] = await sql.query(DELIVERY_COUNTS, params);
  return { succeeded: Number(row?.succeeded ?? 0), failed: Number(row?.failed ?? 0), pending: Number(row?.pending ?? 0) };
}
