// Deliveries outside the attempt itself: holding them while their endpoint is paused, scheduling
// them again on resume, and manual retries and recovery. Bulk updates lock rows in id order (as the
// attempt recorder does), so two of them never deadlock on each other.
import type { Db } from '../db/client.ts';
import type { Delivery } from '../generated/prisma/client.ts';
import type { Clock } from './clock.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { transactionSql } from '../db/sql.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { DeliveryQueue } from './queue.ts';

type Tx = Pick<Prisma.TransactionClient, '$executeRaw' | '$queryRawUnsafe'>;

export interface DeliveryDeps {
  db: Db;
  queue: DeliveryQueue;
  clock: Clock;
}

/** A held endpoint's pending deliveries wait unscheduled (nextAttemptAt null) until resume. */
export async function unscheduleDeliveries(tx: Tx, endpointId: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE delivery SET next_attempt_at = NULL
    WHERE id IN (SELECT id FROM delivery WHERE endpoint_id = ${endpointId} AND status = 'PENDING'
                   AND next_attempt_at IS NOT NULL ORDER BY id FOR UPDATE)`;
}

/** The pending deliveries of an endpoint that was held, due now (oldest first: ids sort by creation). */
export async function scheduleHeldDeliveries(tx: Tx, queue: DeliveryQueue, endpointId: string, now: Date): Promise<number> {
  const count = await tx.$executeRaw`
    UPDATE delivery SET next_attempt_at = ${now}
    WHERE id IN (SELECT id FROM delivery WHERE endpoint_id = ${endpointId} AND status = 'PENDING' ORDER BY id FOR UPDATE)`;
  await queue.wake(transactionSql(tx), [endpointId], now);
  return count;
}

/**
 * One more attempt now, whatever the delivery's status (held as usual if its endpoint is not
 * ACTIVE). The attempt is MANUAL: it never announces exhaustion, never pauses or disables the
 * endpoint, and a pending delivery's automatic schedule resumes where it was if it fails.
 */
export async function retryDelivery(deps: DeliveryDeps, accountId: string, id: string): Promise<Delivery> {
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ endpoint_id: string }>>`
      UPDATE delivery d SET
        -- Where a pending delivery's schedule stood (due at once if it was held); null: it had finished.
        resume_schedule_at = CASE WHEN d.manual_retry THEN d.resume_schedule_at
                                  WHEN d.status = 'PENDING' THEN COALESCE(d.next_attempt_at, ${now}) END,
        manual_retry = true, status = 'PENDING', completed_at = NULL,
        next_attempt_at = CASE WHEN e.status = 'ACTIVE' THEN ${now}::timestamptz END
      FROM endpoint e
      WHERE d.id = ${id} AND d.account_id = ${accountId} AND e.id = d.endpoint_id
      RETURNING d.endpoint_id`;
    if (!row) throw new NotFoundError('Delivery', id);
    await deps.queue.wake(transactionSql(tx), [row.endpoint_id], now);
    return tx.delivery.findUniqueOrThrow({ where: { id } });
  });
}

/** Every FAILED delivery of the endpoint created since `since` gets one manual attempt now; returns how many. */
export async function recoverFailedDeliveries(deps: DeliveryDeps, accountId: string, endpointId: string, since: Date): Promise<number> {
  const now = deps.clock.now();
  if (Number.isNaN(since.getTime()) || since > now) {
    throw ValidationError.field(['since'], 'must be a moment in the past');
  }
  return deps.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findFirst({ where: { id: endpointId, accountId }, select: { status: true } });
    if (!endpoint) throw new NotFoundError('Endpoint', endpointId);
    const count = await tx.$executeRaw`
      UPDATE delivery SET status = 'PENDING', completed_at = NULL, manual_retry = true, resume_schedule_at = NULL,
        next_attempt_at = ${endpoint.status === 'ACTIVE' ? now : null}::timestamptz
      WHERE id IN (SELECT id FROM delivery WHERE endpoint_id = ${endpointId} AND status = 'FAILED' AND created_at >= ${since}
                   ORDER BY id FOR UPDATE)`;
    if (count > 0) await deps.queue.wake(transactionSql(tx), [endpointId], now);
    return count;
  });
}
