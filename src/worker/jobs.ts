// Enqueueing delivery attempts inside the caller's transaction (graphile_worker.add_jobs), so a
// committed delivery always has its job and a rolled-back one has none. One job per delivery,
// keyed by the delivery id: scheduling again replaces the queued job instead of adding a second.
import { Prisma } from '../generated/prisma/client.ts';

/** Task identifiers as stored in graphile_worker job rows: renaming one orphans queued jobs. */
export const TASKS = {
  deliver: 'deliver',
  purgeExpired: 'purge_expired',
  sweepWorkers: 'sweep_workers',
} as const;

/** Retries of a job that *threw* (infrastructure faults); HTTP outcomes never throw. */
const INFRA_MAX_ATTEMPTS = 10;

type Tx = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

export interface ScheduledAttempt {
  deliveryId: string;
  runAt: Date;
}

/** SQL for the job_spec of one attempt; composed into bigger statements (see worker/deliver.ts). */
export function attemptJobSpec(deliveryId: Prisma.Sql, runAt: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`ROW(${TASKS.deliver}::text, json_build_object('deliveryId', ${deliveryId}), NULL::text, ${runAt},
    ${INFRA_MAX_ATTEMPTS}::int, ${deliveryId}, 0, NULL::text[])::graphile_worker.job_spec`;
}

export async function enqueueAttempts(tx: Tx, attempts: readonly ScheduledAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  const ids = attempts.map((a) => a.deliveryId);
  const runAts = attempts.map((a) => a.runAt.toISOString());
  // Specs keep the given order, so jobs of equal run_at are taken oldest delivery first.
  await tx.$queryRaw`
    SELECT count(*)::int AS n FROM graphile_worker.add_jobs(ARRAY(
      SELECT ${attemptJobSpec(Prisma.sql`d.id`, Prisma.sql`d.run_at`)}
      FROM unnest(${ids}::text[], ${runAts}::timestamptz[]) WITH ORDINALITY AS d(id, run_at, n)
      ORDER BY d.n))`;
}

/** Removes the queued jobs of these deliveries; a job already running finishes and finds nothing to do. */
export async function cancelAttempts(tx: Tx, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await tx.$queryRaw`SELECT count(graphile_worker.remove_job(k))::int AS n FROM unnest(${deliveryIds}::text[]) AS k`;
}
