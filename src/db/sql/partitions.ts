// History in time partitions (migration 20261214000000_history_partitions): event, delivery and
// delivery_attempt hold one partition per UTC week (Monday to Monday) in the schema
// hookwire_history, bounded by the id prefix of the week's first millisecond (ids are time-ordered:
// src/db/ids.ts). The maintenance (src/worker/retention.ts) creates weeks ahead and drops whole
// weeks past retention.
import { ulidTime } from '../ids.ts';
import { statement, type NoParams, type Sql } from '../sql.ts';

/**
 * The id prefix of a moment's millisecond (`evt_` + the ULID's 10 time characters): every id made
 * at or after `at` sorts at or after it, every id made before sorts before. The same as SQL's
 * hookwire_history_bound(prefix, at), which bounds the partitions.
 */
export function historyBound(prefix: string, at: Date): string {
  return `${prefix}_${ulidTime(Math.floor(at.getTime()))}`;
}

/** The Monday (UTC, YYYY-MM-DD) that starts the week of a moment: its partitions' name and lower bound. */
export function historyWeek(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/** A week's partitions hold the ids of these days. */
export const WEEK_DAYS = 7;

export const HISTORY_BOUND = statement<{ prefix: string; at: Date }, { bound: string }>(
  'hookwire_history_bound',
  ($) => `SELECT hookwire_history_bound(${$.prefix}::text, ${$.at}::timestamptz) AS bound`,
);

export async function historyBoundInSql(sql: Sql, prefix: string, at: Date): Promise<string> {
  const [row] = await sql.query(HISTORY_BOUND, { prefix, at });
  return row!.bound;
}

export const CREATE_HISTORY_WEEK = statement<{ day: string }, { created: boolean }>(
  'hookwire_history_create_week',
  ($) => `SELECT hookwire_history_create_week(${$.day}::date) AS created`,
);

/**
 * In the caller's transaction: creates the three partitions of the week holding `day` unless they
 * exist, the week's rows in DEFAULT moved into them; false when the week overlaps the old tables'
 * partition.
 */
export async function createHistoryWeek(sql: Sql, day: string, lockTimeout = '100ms'): Promise<boolean> {
  await sql.query(LOCK_TIMEOUT, { timeout: lockTimeout });
  const [row] = await sql.query(CREATE_HISTORY_WEEK, { day });
  return row!.created;
}

export const DEFAULT_HOLDS_WEEK = statement<{ day: string }, { holds: boolean }>(
  'hookwire_history_default_holds',
  ($) => `SELECT hookwire_history_default_holds(${$.day}::date) AS holds`,
);

/** Whether the DEFAULT partitions hold rows of the week holding `day` (rows made while it had no partitions). */
export async function defaultHoldsWeek(sql: Sql, day: string): Promise<boolean> {
  const [row] = await sql.query(DEFAULT_HOLDS_WEEK, { day });
  return row!.holds;
}

export const PURGE_DEFAULT = statement<{ before: Date; limit: number }, { deliveries: number; events: number }>(
  'hookwire_history_purge_default',
  ($) => `SELECT deliveries, events FROM hookwire_history_purge_default(${$.before}::timestamptz, ${$.limit}::int)`,
);

/**
 * In the caller's transaction: deletes up to `limit` finished deliveries of the DEFAULT partitions
 * made before `before` (their attempts with them), then up to `limit` of DEFAULT's events made
 * before it that no delivery refers to (their idempotency keys with them); the counters lose
 * exactly those (migration 20261219010000_history_default_emptying).
 */
export async function purgeDefault(sql: Sql, before: Date, limit: number): Promise<{ deliveries: number; events: number }> {
  const [row] = await sql.query(PURGE_DEFAULT, { before, limit });
  return { deliveries: row!.deliveries, events: row!.events };
}

export const HISTORY_WEEKS = statement<NoParams, { week: string }>(
  'hookwire_history_weeks',
  () => `
    SELECT to_char(to_date(substring(c.relname FROM '^event_([0-9]{8})$'), 'YYYYMMDD'), 'YYYY-MM-DD') AS week
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE i.inhparent = 'event'::regclass AND n.nspname = 'hookwire_history' AND c.relname ~ '^event_[0-9]{8}$'
    ORDER BY 1`,
);

/** The weeks that have partitions, oldest first (their Mondays, YYYY-MM-DD). */
export async function historyWeeks(sql: Sql): Promise<string[]> {
  return (await sql.query(HISTORY_WEEKS, {})).map((row) => row.week);
}

export const LOCK_TIMEOUT = statement<{ timeout: string }>(
  'hookwire_history_lock_timeout',
  ($) => `SELECT set_config('lock_timeout', ${$.timeout}::text, true)`,
);

export const ARM_HISTORY_WEEK = statement<{ week: string }, { armed: boolean }>(
  'hookwire_history_arm_week',
  ($) => `SELECT hookwire_history_arm_week(${$.week}::date) AS armed`,
);

/**
 * A drop's first step, in a transaction of its own (committed before the next): the week's
 * delivery and attempt partitions log every change to what their rows count for (migration
 * 20261219000000_history_drop_prepared). False when the week has no partitions.
 */
export async function armHistoryWeek(sql: Sql, week: string, lockTimeout = '100ms'): Promise<boolean> {
  await sql.query(LOCK_TIMEOUT, { timeout: lockTimeout });
  const [row] = await sql.query(ARM_HISTORY_WEEK, { week });
  return row!.armed;
}

export const PREPARE_HISTORY_DROP = statement<{ week: string }, { prepared: boolean }>(
  'hookwire_history_prepare_drop',
  ($) => `SELECT hookwire_history_prepare_drop(${$.week}::date) AS prepared`,
);

/**
 * A drop's second step, in a transaction of its own after the first: the sums of what the week's
 * rows count for, read without a table lock, for the drop to take off the counters. False when the
 * week has no partitions.
 */
export async function prepareHistoryWeekDrop(sql: Sql, week: string, lockTimeout = '100ms'): Promise<boolean> {
  await sql.query(LOCK_TIMEOUT, { timeout: lockTimeout });
  const [row] = await sql.query(PREPARE_HISTORY_DROP, { week });
  return row!.prepared;
}

export const DROP_HISTORY_WEEK = statement<{ week: string }, { dropped: string; kept: string }>(
  'hookwire_history_drop_week',
  ($) => `SELECT dropped::text, kept::text FROM hookwire_history_drop_week(${$.week}::date)`,
);

/**
 * In the caller's transaction: drops the week's partitions whole, its pending deliveries (with their
 * events and attempts) moved to the DEFAULT partitions first; the counters lose what was dropped
 * (summed beforehand when armHistoryWeek and prepareHistoryWeekDrop ran, else under the locks).
 */
export async function dropHistoryWeek(sql: Sql, week: string, lockTimeout = '100ms'): Promise<{ dropped: number; kept: number }> {
  await sql.query(LOCK_TIMEOUT, { timeout: lockTimeout });
  const [row] = await sql.query(DROP_HISTORY_WEEK, { week });
  return { dropped: Number(row!.dropped), kept: Number(row!.kept) };
}
