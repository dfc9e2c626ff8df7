// Attempts per hour for endpoints over a window (the dashboard's chart): one statement for any
// number of endpoints, every hour of the window present, empty ones included. It reads the counters
// a trigger keeps as attempts are recorded (attempt_hour_count, migration
// 20261211000000_history_reads), at most hours × endpoints rows, not the attempts themselves.
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
    SELECT e.id AS endpoint_id, h.hour, coalesce(c.attempts, 0)::int AS attempts, coalesce(c.succeeded, 0)::int AS succeeded
    FROM endpoint e
    CROSS JOIN generate_series(${$.from}::timestamptz, ${$.to}::timestamptz, interval '1 hour') AS h(hour)
    LEFT JOIN attempt_hour_count c ON c.endpoint_id = e.id AND c.hour = h.hour
    WHERE e.account_id = ${$.accountId} AND e.id = ANY(${$.endpointIds}::text[])
    ORDER BY e.id, h.hour`,
);

/** One row per endpoint of the account and hour of the window, oldest first; another account's ids get none. */
export function endpointTimelineRows(sql: Sql, params: TimelineParams): Promise<TimelineRow[]> {
  return sql.query(ENDPOINT_TIMELINES, params);
}
