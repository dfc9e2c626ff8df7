// Attempts per hour for endpoints over a window (the dashboard's chart): one grouped statement for
// any number of endpoints, every hour of the window present, empty ones included.
import { statement, type Sql } from '../sql.ts';

export interface TimelineParams {
  accountId: string;
  endpointIds: readonly string[];
  /** Start of the window's first hour and of its last (UTC, whole hours). */
  from: Date;
  to: Date;
}

export interface TimelineRow {
  endpoint_id: string;
  hour: Date;
  attempts: number;
  succeeded: number;
}

export const ENDPOINT_TIMELINES = statement<TimelineParams, TimelineRow>(
  'hookwire_endpoint_timelines',
  ($) => `
    SELECT e.id AS endpoint_id, h.hour, count(a.id)::int AS attempts,
           (count(a.id) FILTER (WHERE a.outcome = 'SUCCESS'))::int AS succeeded
    FROM endpoint e
    CROSS JOIN generate_series(${$.from}::timestamptz, ${$.to}::timestamptz, interval '1 hour') AS h(hour)
    LEFT JOIN (
      SELECT d.endpoint_id, date_bin(interval '1 hour', a.started_at, ${$.from}::timestamptz) AS hour, a.id, a.outcome
      FROM delivery_attempt a
      JOIN delivery d ON d.id = a.delivery_id
      WHERE d.account_id = ${$.accountId} AND d.endpoint_id = ANY(${$.endpointIds}::text[])
        AND a.started_at >= ${$.from}::timestamptz
    ) a ON a.endpoint_id = e.id AND a.hour = h.hour
    WHERE e.account_id = ${$.accountId} AND e.id = ANY(${$.endpointIds}::text[])
    GROUP BY e.id, h.hour
    ORDER BY e.id, h.hour`,
);

/** One row per endpoint of the account and hour of the window, oldest first; another account's ids get none. */
export function endpointTimelineRows(sql: Sql, params: TimelineParams): Promise<TimelineRow[]> {
  return sql.query(ENDPOINT_TIMELINES, params);
}
