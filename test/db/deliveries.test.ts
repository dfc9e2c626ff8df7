// The statements on deliveries outside an attempt (src/db/sql/deliveries.ts): holding and
// scheduling an endpoint's pending deliveries, a manual retry, recovery, and the pending count.
import { describe, expect, it } from 'vitest';
import { countPendingDeliveries, markForRetry, recoverFailed, scheduleHeldDeliveries, unscheduleDeliveries } from '../../src/db/sql/deliveries.ts';
import { aDelivery, anEndpoint, at, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

async function delivery(id: string) {
  const [row] = await t.rows('SELECT status, next_attempt_at, manual_retry, resume_schedule_at, completed_at FROM delivery WHERE id = $1', [id]);
  return row!;
}

describe('unscheduleDeliveries and scheduleHeldDeliveries', () => {
  it('holds the pending deliveries of an endpoint, then makes them all due, leaving finished ones alone', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const pending = [await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(5) }), await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(50) })];
    const done = await aDelivery(t, t.accountId, endpointId, { status: 'SUCCEEDED', nextAttemptAt: null });
    expect(await unscheduleDeliveries(t.prisma, { endpointId })).toBe(2);
    expect(await unscheduleDeliveries(t.prisma, { endpointId })).toBe(0);
    expect((await delivery(pending[0]!)).next_attempt_at).toBeNull();

    expect(await scheduleHeldDeliveries(t.prisma, { endpointId, at: at(100) })).toBe(2);
    expect((await delivery(pending[1]!)).next_attempt_at).toEqual(at(100));
    expect((await delivery(done)).next_attempt_at).toBeNull();
  });
});

describe('markForRetry', () => {
  it('remembers where a pending delivery’s schedule stood and makes it due now', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const deliveryId = await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(600) });
    expect(await markForRetry(t.prisma, { accountId: t.accountId, deliveryId, now: at(0) })).toEqual({ endpointId });
    expect(await delivery(deliveryId)).toMatchObject({ status: 'PENDING', next_attempt_at: at(0), manual_retry: true, resume_schedule_at: at(600) });
    // A second retry before the first ran keeps the schedule's place.
    await markForRetry(t.prisma, { accountId: t.accountId, deliveryId, now: at(1) });
    expect(await delivery(deliveryId)).toMatchObject({ next_attempt_at: at(1), resume_schedule_at: at(600) });
  });

  it('reopens a finished delivery with no schedule to resume, held if its endpoint is', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { status: 'PAUSED' });
    const deliveryId = await aDelivery(t, t.accountId, endpointId, { status: 'FAILED', nextAttemptAt: null });
    await t.rows('UPDATE delivery SET completed_at = now() WHERE id = $1', [deliveryId]);
    await markForRetry(t.prisma, { accountId: t.accountId, deliveryId, now: at(0) });
    expect(await delivery(deliveryId)).toMatchObject({ status: 'PENDING', next_attempt_at: null, manual_retry: true, resume_schedule_at: null, completed_at: null });
  });

  it('finds no delivery of another account', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const deliveryId = await aDelivery(t, t.accountId, endpointId);
    expect(await markForRetry(t.prisma, { accountId: 'acct_other', deliveryId, now: at(0) })).toBeNull();
  });
});

describe('recoverFailed', () => {
  it('reopens the endpoint’s failed deliveries created since the moment given', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const old = await aDelivery(t, t.accountId, endpointId, { status: 'FAILED', nextAttemptAt: null, createdAt: at(-100) });
    const recent = await aDelivery(t, t.accountId, endpointId, { status: 'FAILED', nextAttemptAt: null, createdAt: at(-10) });
    await aDelivery(t, t.accountId, endpointId, { status: 'SUCCEEDED', nextAttemptAt: null, createdAt: at(-10) });
    expect(await recoverFailed(t.prisma, { endpointId, since: at(-50), nextAttemptAt: at(0) })).toBe(1);
    expect(await delivery(recent)).toMatchObject({ status: 'PENDING', next_attempt_at: at(0), manual_retry: true });
    expect((await delivery(old)).status).toBe('FAILED');
  });
});

describe('countPendingDeliveries', () => {
  it('counts the deliveries not finished yet, as a number both ways', async () => {
    const [row] = await t.rows<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE status = 'PENDING'`);
    expect(await countPendingDeliveries(t.prisma)).toBe(row!.n);
    const endpointId = await anEndpoint(t, t.accountId);
    await aDelivery(t, t.accountId, endpointId);
    expect(await countPendingDeliveries(t.app.sql)).toBe(row!.n + 1);
  });
});
