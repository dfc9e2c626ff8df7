// Attempts per hour for endpoints over the last hours (the dashboard's success-rate and volume
// chart): one grouped statement for any number of endpoints, so a list of endpoints is one query.
import type { Db } from '../db/client.ts';

export const TIMELINE_MAX_HOURS = 168;
export const TIMELINE_DEFAULT_HOURS = 24;

export function isTimelineHours(hours: number): boolean {
  return Number.isInteger(hours) && hours >= 1 && hours <= TIMELINE_MAX_HOURS;
}

export interface TimelineBucket {
  /** Start of the hour (UTC). */
  hour: Date;
  /** Attempts that started in this hour, whatever their outcome. */
  attempts: number;
  succeeded: number;
  failed: number;
  /** succeeded / attempts; null for an hour without attempts. */
  successRate: number | null;
}

interface TimelineRow {
  endpoint_id: string;
  hour: Date;
  attempts: number;
  succeeded: number;
}

/** The hours the chart covers: `hours` whole UTC hours ending with the current one. */
export function timelineWindow(hours: number, now: Date): { from: Date; to: Date } {
  const current = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  return { from: new Date(current - (hours - 1) * 3_600_000), to: new Date(current) };
}

/**
 * Every hour of the window for each endpoint, empty hours included, oldest first. Only the
 * account's endpoints count: an id of another account gets empty hours.
 */
export async function endpointTimelines(
  db: Db,
  accountId: string,
  endpointIds: readonly string[],
  hours: number,
  now = new Date(),
): Promise<Map<string, TimelineBucket[]>> {
  if (!isTimelineHours(hours)) {
    throw new RangeError(`hours must be a whole number from 1 to ${TIMELINE_MAX_HOURS}`);
  }
  const { from, to } = timelineWindow(hours, now);
  const rows = await db.$queryRaw<TimelineRow[]>`
    SELECT e.id AS endpoint_id, h.hour, count(a.id)::int AS attempts,
           (count(a.id) FILTER (WHERE a.outcome = 'SUCCESS'))::int AS succeeded
    FROM endpoint e
    CROSS JOIN generate_series(${from}::timestamptz, ${to}::timestamptz, interval '1 hour') AS h(hour)
    LEFT JOIN (
      SELECT d.endpoint_id, date_bin(interval '1 hour', a.started_at, ${from}::timestamptz) AS hour, a.id, a.outcome
      FROM delivery_attempt a
      JOIN delivery d ON d.id = a.delivery_id
      WHERE d.account_id = ${accountId} AND d.endpoint_id = ANY(${endpointIds as string[]})
        AND a.started_at >= ${from}::timestamptz
    ) a ON a.endpoint_id = e.id AND a.hour = h.hour
    WHERE e.account_id = ${accountId} AND e.id = ANY(${endpointIds as string[]})
    GROUP BY e.id, h.hour
    ORDER BY e.id, h.hour`;

  const byEndpoint = new Map<string, TimelineBucket[]>();
  for (const row of rows) {
    const failed = row.attempts - row.succeeded;
    const bucket = { hour: row.hour, attempts: row.attempts, succeeded: row.succeeded, failed, successRate: row.attempts === 0 ? null : row.succeeded / row.attempts };
    const list = byEndpoint.get(row.endpoint_id) ?? [];
    list.push(bucket);
    byEndpoint.set(row.endpoint_id, list);
  }
  for (const id of endpointIds) {
    if (!byEndpoint.has(id)) byEndpoint.set(id, emptyTimeline(hours, now));
  }
  return byEndpoint;
}

function emptyTimeline(hours: number, now: Date): TimelineBucket[] {
  const { from } = timelineWindow(hours, now);
  return Array.from({ length: hours }, (_, i) => ({
    hour: new Date(from.getTime() + i * 3_600_000),
    attempts: 0,
    succeeded: 0,
    failed: 0,
    successRate: null,
  }));
}
