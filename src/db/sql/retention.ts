// Row-by-row purges, one bounded batch each (the caller repeats them until a batch comes back
// short). Retention drops history by whole days (src/db/sql/partitions.ts) and uses only the
// idempotency keys' batch here; deleting events by age (their deliveries and attempts with them, the
// counters following by trigger) stays for a person's cleanup by hand and the counters' tests.
import { statement, type Sql } from '../sql.ts';

export interface PurgeBatchParams {
  before: Date;
  limit: number;
}

export const PURGE_EVENTS = statement<PurgeBatchParams>(
  'hookwire_purge_events',
  ($) => `DELETE FROM event WHERE id IN (SELECT id FROM event WHERE created_at < ${$.before}::timestamptz LIMIT ${$.limit}::int)`,
);

/** Deletes up to `limit` events created before `before`, and with them (ON DELETE CASCADE) their deliveries and attempts. */
export function purgeEvents(sql: Sql, params: PurgeBatchParams): Promise<number> {
  return sql.execute(PURGE_EVENTS, params);
}

export const PURGE_IDEMPOTENCY_KEYS = statement<PurgeBatchParams>(
  'hookwire_purge_idempotency_keys',
  ($) => `DELETE FROM idempotency_key WHERE ctid IN (SELECT ctid FROM idempotency_key WHERE expires_at < ${$.before}::timestamptz LIMIT ${$.limit}::int)`,
);

/** Deletes up to `limit` idempotency keys that expired before `before`. */
export function purgeIdempotencyKeys(sql: Sql, params: PurgeBatchParams): Promise<number> {
  return sql.execute(PURGE_IDEMPOTENCY_KEYS, params);
}

export const PURGE_ATTEMPT_COUNTS = statement<PurgeBatchParams>(
  'hookwire_purge_attempt_counts',
  ($) => `DELETE FROM attempt_hour_count WHERE ctid IN (SELECT ctid FROM attempt_hour_count WHERE hour < hookwire_hour(${$.before}::timestamptz) LIMIT ${$.limit}::int)`,
);

/** Deletes up to `limit` hours of the timeline's counters that ended before the hour of `before` (their attempts are gone). */
export function purgeAttemptCounts(sql: Sql, params: PurgeBatchParams): Promise<number> {
  return sql.execute(PURGE_ATTEMPT_COUNTS, params);
}
