// The retention maintenance: history lives in weekly partitions (src/db/sql/partitions.ts), so
// retention is a DROP of whole weeks, never a DELETE of old rows. Each run creates the partitions
// of this week and the weeks ahead, then drops every week that ended before now -
// HOOKWIRE_RETENTION_DAYS, oldest first, each in its own short transaction (its pending deliveries,
// with their events and attempts, moved to the DEFAULT partitions first; the counters lose what
// went, summed beforehand without the locks: dropWeek). Then what DEFAULT holds past retention and
// finished goes, in batches, and idempotency keys past their 24 hours.
import type { Db } from '../db/client.ts';
import { prismaSql, type Sql } from '../db/sql.ts';
import {
  armHistoryWeek,
  createHistoryWeek,
  defaultHoldsWeek,
  dropHistoryWeek,
  historyWeek,
  historyWeeks,
  prepareHistoryWeekDrop,
  purgeDefault,
  WEEK_DAYS,
} from '../db/sql/partitions.ts';
import { purgeIdempotencyKeys } from '../db/sql/retention.ts';

const BATCH = 5_000;
/** DEFAULT's rows past retention go this many at a time (each batch a short transaction). */
const DEFAULT_BATCH = 500;
const DAY_MS = 86_400_000;
/** Partitions are made this many weeks ahead of this one. */
export const WEEKS_AHEAD = 2;
/**
 * A week's creation or drop waits this long for each of its locks (taken first, in one statement:
 * six tables at most), then gives way to deliveries and is tried again. The whole wait stays under
 * Postgres's deadlock_timeout (1 s), counted from when a writer began to wait for this
 * transaction, so a writer it would deadlock with is never the victim.
 */
const LOCK_TIMEOUT = '100ms';
const TRIES = 40;

export interface PurgeResult {
  /** Deliveries dropped with their weeks. */
  dropped: number;
  /** Pending deliveries of dropped weeks kept (moved to the DEFAULT partition). */
  kept: number;
  /** The weeks dropped (their Mondays, YYYY-MM-DD). */
  weeks: string[];
  /** Finished deliveries past retention deleted from the DEFAULT partition (with their attempts). */
  defaultDeliveries: number;
  /** Events past retention that no delivery referred to, deleted from the DEFAULT partition. */
  defaultEvents: number;
}

/**
 * Creates this week's partitions and WEEKS_AHEAD weeks' more (idempotent), and, given the
 * retention, those of the weeks before this one not yet past it that DEFAULT holds rows of (made
 * while the worker did not run; a week past retention is not made again: its rows in DEFAULT are
 * kept pending deliveries of its drop, or go with purgeDefault). The rows DEFAULT holds of a week
 * move into its partitions as they are made. Returns this week's and the weeks ahead that are there.
 */
export async function ensureHistoryWeeks(db: Db, now = new Date(), ahead = WEEKS_AHEAD, retentionDays?: number): Promise<string[]> {
  const sql = prismaSql(db);
  // A week's creation moves what DEFAULT holds of it under its locks: ~1 ms a row, so the
  // transaction may outlast Prisma's default 5 s after weeks without the worker.
  const transaction = prismaTransaction(db);
  const behind: string[] = [];
  for (let i = 1; retentionDays !== undefined; i++) {
    const week = historyWeek(new Date(now.getTime() - i * WEEK_DAYS * DAY_MS));
    if (expiredWeeks([week], retentionDays, now).length > 0) break;
    behind.unshift(week);
  }
  const existing = new Set(behind.length > 0 ? await historyWeeks(sql) : []);
  for (const week of behind) {
    if (!existing.has(week) && (await defaultHoldsWeek(sql, week))) {
      await givingWay(() => transaction((tx) => createHistoryWeek(tx, week, LOCK_TIMEOUT)));
    }
  }
  const weeks: string[] = [];
  for (let i = 0; i <= ahead; i++) {
    const week = historyWeek(new Date(now.getTime() + i * WEEK_DAYS * DAY_MS));
    if (await givingWay(() => transaction((tx) => createHistoryWeek(tx, week, LOCK_TIMEOUT)))) weeks.push(week);
  }
  return weeks;
}

/** The weeks (Mondays) whose every id is older than now - retentionDays. */
export function expiredWeeks(weeks: string[], retentionDays: number, now = new Date()): string[] {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return weeks.filter((week) => Date.parse(`${week}T00:00:00Z`) + WEEK_DAYS * DAY_MS <= cutoff);
}

export interface PurgeOptions {
  /** Runs between a week's prepared sums and its drop (tests: a row that changes meanwhile). */
  beforeDrop?: (week: string) => Promise<void>;
}

export async function purgeExpired(db: Db, retentionDays: number, now = new Date(), options: PurgeOptions = {}): Promise<PurgeResult> {
  // The weeks not yet past retention that DEFAULT holds rows of get their partitions too.
  await ensureHistoryWeeks(db, now, WEEKS_AHEAD, retentionDays);
  const result: PurgeResult = { dropped: 0, kept: 0, weeks: [], defaultDeliveries: 0, defaultEvents: 0 };
  for (const week of expiredWeeks(await historyWeeks(prismaSql(db)), retentionDays, now)) {
    const { dropped, kept } = await dropWeek(prismaTransaction(db), week, options.beforeDrop);
    result.dropped += dropped;
    result.kept += kept;
    result.weeks.push(week);
  }
  const sql = prismaSql(db);
  // What DEFAULT holds past retention and finished (pending deliveries kept through drops, and
  // later done), in small batches: a DEFAULT holds few rows.
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  for (;;) {
    const { deliveries, events } = await prismaTransaction(db)((tx) => purgeDefault(tx, cutoff, DEFAULT_BATCH));
    result.defaultDeliveries += deliveries;
    result.defaultEvents += events;
    if (deliveries < DEFAULT_BATCH && events < DEFAULT_BATCH) break;
  }
  while ((await purgeIdempotencyKeys(sql, { before: now, limit: BATCH })) === BATCH);
  return result;
}

/** Runs `fn` in a transaction of its own and commits it. */
export type Transaction = <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>;

export function prismaTransaction(db: Db): Transaction {
  return (fn) => db.$transaction((tx) => fn(prismaSql(tx)), { timeout: 120_000, maxWait: 10_000 });
}

/**
 * One week's drop, in three transactions so that the locked one is short whatever the week's size
 * (migration 20261219000000_history_drop_prepared): the week's partitions armed to log their
 * changes, the sums of what its rows count for read without a lock, then the drop itself, which
 * takes those sums and the changes since off the counters and the partitions away.
 */
export async function dropWeek(transaction: Transaction, week: string, beforeDrop?: (week: string) => Promise<void>): Promise<{ dropped: number; kept: number }> {
  if (!(await givingWay(() => transaction((sql) => armHistoryWeek(sql, week, LOCK_TIMEOUT))))) return { dropped: 0, kept: 0 };
  await givingWay(() => transaction((sql) => prepareHistoryWeekDrop(sql, week, LOCK_TIMEOUT)));
  await beforeDrop?.(week);
  return givingWay(() => transaction((sql) => dropHistoryWeek(sql, week, LOCK_TIMEOUT)));
}

/** Runs a partition change again when it gave way: a lock wait past LOCK_TIMEOUT, or a deadlock. */
export async function givingWay<T>(change: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await change();
    } catch (error) {
      const text = String((error as Error)?.message ?? error);
      if (attempt >= TRIES || !/lock timeout|deadlock|55P03|40P01/i.test(text)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * attempt)));
    }
  }
}
