// Deliveries outside the attempt itself: scheduling held ones again, manual retries, recovery.
import type { Db } from '../db/client.ts';
import type { Delivery, Prisma } from '../generated/prisma/client.ts';
import { enqueueAttempts } from '../worker/jobs.ts';
import { NotFoundError, ValidationError } from './errors.ts';

type Tx = Prisma.TransactionClient;

/** The PENDING deliveries of an endpoint that was held, scheduled now, oldest first. */
export async function scheduleHeldDeliveries(tx: Tx, endpointId: string, now = new Date()): Promise<number> {
  const held = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE delivery SET next_attempt_at = ${now}
    WHERE endpoint_id = ${endpointId} AND status = 'PENDING'
    RETURNING id`;
  return enqueueNow(tx, held, now);
}

/** Jobs for deliveries just made due, oldest first (ids sort by creation); returns how many. */
async function enqueueNow(tx: Tx, deliveries: Array<{ id: string }>, now: Date): Promise<number> {
  const ids = deliveries.map((d) => d.id).sort();
  await enqueueAttempts(tx, ids.map((deliveryId) => ({ deliveryId, runAt: now })));
  return ids.length;
}

/** One more attempt now, whatever the delivery's status (held as usual if its endpoint is not ACTIVE). */
export async function retryDelivery(db: Db, accountId: string, id: string, now = new Date()): Promise<Delivery> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.delivery.updateMany({
      where: { id, accountId },
      data: { status: 'PENDING', completedAt: null, nextAttemptAt: now },
    });
    if (count === 0) throw new NotFoundError('Delivery', id);
    await enqueueAttempts(tx, [{ deliveryId: id, runAt: now }]);
    return tx.delivery.findUniqueOrThrow({ where: { id } });
  });
}

/** Schedules again every FAILED delivery of the endpoint created since `since`; returns how many. */
export async function recoverFailedDeliveries(
  db: Db,
  accountId: string,
  endpointId: string,
  since: Date,
  now = new Date(),
): Promise<number> {
  if (Number.isNaN(since.getTime()) || since > now) {
    throw ValidationError.field(['since'], 'must be a moment in the past');
  }
  return db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findFirst({ where: { id: endpointId, accountId }, select: { id: true } });
    if (!endpoint) throw new NotFoundError('Endpoint', endpointId);
    const recovered = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE delivery SET status = 'PENDING', completed_at = NULL, next_attempt_at = ${now}
      WHERE endpoint_id = ${endpointId} AND status = 'FAILED' AND created_at >= ${since}
      RETURNING id`;
    return enqueueNow(tx, recovered, now);
  });
}
