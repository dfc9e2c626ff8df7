// The retention purge: events older than HOOKWIRE_RETENTION_DAYS go, and with them (ON DELETE
// CASCADE) their deliveries and attempts; idempotency keys past their 24 hours go too. Deleted in
// batches so no long lock blocks deliveries.
import type { Db } from '../db/client.ts';

const BATCH = 5_000;

export async function purgeExpired(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM event WHERE id IN (SELECT id FROM event WHERE created_at < ${cutoff} LIMIT ${BATCH})`;
    total += deleted;
    if (deleted < BATCH) break;
  }
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM idempotency_key WHERE ctid IN (SELECT ctid FROM idempotency_key WHERE expires_at < ${now} LIMIT ${BATCH})`;
    if (deleted < BATCH) break;
  }
  return total;
}
