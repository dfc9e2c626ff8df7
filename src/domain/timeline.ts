// Attempts per hour for endpoints over the last hours (the dashboard's success-rate and volume
// chart): one grouped statement for any number of endpoints (src/db/sql/timeline.ts), so a list of
// endpoints is one query.
import type { Db } from '../db/client.ts';
import { prismaSql } from '../db/sql.ts';
import { endpointTimelineRows } from '../db/sql/timeline.ts';

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
  const rows = await endpointTimelineRows(prismaSql(db), { accountId, endpointIds, from, to });

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
