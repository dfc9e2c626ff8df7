// The retention purge: events older than HOOKWIRE_RETENTION_DAYS go, and with them (ON DELETE
// CASCADE) their deliveries and attempts (the delivery counters follow by trigger, the timeline's
// hours before the cutoff are deleted here); idempotency keys past their 24 hours go too. Deleted in
// batches (src/db/sql/retention.ts) so no long lock blocks deliveries.
import type { Db } from '../db/client.ts';
import { prismaSql } from '../db/sql.ts';
import { purgeAttemptCounts, purgeEvents, purgeIdempotencyKeys } from '../db/sql/retention.ts';

const BATCH = 5_000;

export async function purgeExpired(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  const sql = prismaSql(db);
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await purgeEvents(sql, { before: cutoff, limit: BATCH });
    total += deleted;
    if (deleted < BATCH) break;
  }
  while ((await purgeIdempotencyKeys(sql, { before: now, limit: BATCH })) === BATCH);
  // The timeline's hours before the cutoff count attempts that are gone now.
  while ((await purgeAttemptCounts(sql, { before: cutoff, limit: BATCH })) === BATCH);
  return total;
}
