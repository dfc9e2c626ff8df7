// Deliveries outside the attempt itself: holding them while their endpoint is paused, scheduling
// them again on resume, and manual retries and recovery (the statements: src/db/sql/deliveries.ts).
// Whatever becomes due wakes its endpoint's lane in the same transaction (src/db/sql/lanes.ts).
import type { Db } from '../db/client.ts';
import { prismaSql, type PrismaRunner as Tx } from '../db/sql.ts';
import { markForRetry, recoverFailed, scheduleHeldDeliveries as scheduleHeld } from '../db/sql/deliveries.ts';
import { wakeLanes } from '../db/sql/lanes.ts';
import type { Delivery } from '../generated/prisma/client.ts';
import type { Clock } from './clock.ts';
import { NotFoundError, ValidationError } from './errors.ts';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
}

/** The pending deliveries of an endpoint that was held, due now (oldest first: ids sort by creation). */
export async function scheduleHeldDeliveries(tx: Tx, endpointId: string, now: Date): Promise<number> {
  const sql = prismaSql(tx);
  const count = await scheduleHeld(sql, { endpointId, at: now });
  await wakeLanes(sql, { endpointIds: [endpointId], at: now });
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
    const sql = prismaSql(tx);
    const marked = await markForRetry(sql, { accountId, deliveryId: id, now });
    if (!marked) throw new NotFoundError('Delivery', id);
    await wakeLanes(sql, { endpointIds: [marked.endpointId], at: now });
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
    const sql = prismaSql(tx);
    // A held endpoint's recovered deliveries wait, unscheduled, for resume.
    const count = await recoverFailed(sql, { endpointId, since, nextAttemptAt: endpoint.status === 'ACTIVE' ? now : null });
    if (count > 0) await wakeLanes(sql, { endpointIds: [endpointId], at: now });
    return count;
  });
}
