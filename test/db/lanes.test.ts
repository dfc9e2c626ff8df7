// The lane protocol's statements (src/db/sql/lanes.ts) on their own: wake, claim lanes, next ready,
// claim due / head deliveries, store transformed, release, and the bucket lock between a release
// and a writer still in its transaction.
import { describe, expect, it } from 'vitest';
import { poolSql } from '../../src/db/sql.ts';
import {
  claimDue,
  claimHead,
  claimLanes,
  LANES_CHANNEL,
  nextReadyAt,
  releaseLane,
  renewLeases,
  storeTransformed,
  wakeLanes,
} from '../../src/db/sql/lanes.ts';
import { aDelivery, anAccount, anEndpoint, at, id, listen, someoneWaitsForALock, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

async function lane(endpointId: string) {
  const [row] = await t.rows('SELECT ready_at, leased_by, lease_until, rate_window_start, rate_count FROM endpoint_lane WHERE endpoint_id = $1', [endpointId]);
  return row!;
}

/** Only these endpoints' lanes are due (other tests' lanes are parked far in the future). */
async function onlyDue(...endpointIds: string[]) {
  await t.rows(`UPDATE endpoint_lane SET ready_at = NULL, leased_by = NULL, lease_until = NULL WHERE NOT (endpoint_id = ANY($1))`, [endpointIds]);
}

describe('hookwire_create_lane (the trigger)', () => {
  it('gives every new endpoint an idle lane', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    expect(await lane(endpointId)).toMatchObject({ ready_at: null, leased_by: null, rate_count: 0 });
  });
});

describe('wakeLanes', () => {
  it('brings idle lanes forward, once per endpoint, and tells the workers', async () => {
    const [a, b] = [await anEndpoint(t, t.accountId), await anEndpoint(t, t.accountId)];
    const heard = await listen(t, LANES_CHANNEL);
    try {
      expect(await wakeLanes(t.pool, { endpointIds: [a, b, a], at: at(0) })).toBe(2);
      expect((await lane(a)).ready_at).toEqual(at(0));
      expect(await heard.next()).toEqual(['']);
    } finally {
      await heard.close();
    }
  });

  it('leaves a lane that is due already where it is, and brings a later one forward', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await wakeLanes(t.pool, { endpointIds: [endpointId], at: at(0) });
    expect(await wakeLanes(t.pool, { endpointIds: [endpointId], at: at(5) })).toBe(0);
    expect((await lane(endpointId)).ready_at).toEqual(at(0));

    const future = new Date(Date.now() + 3_600_000);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = $1', [endpointId, future]);
    expect(await wakeLanes(t.prisma, { endpointIds: [endpointId], at: at(0) })).toBe(1);
    expect((await lane(endpointId)).ready_at).toEqual(at(0));
  });

  it('asks nothing of the database for no endpoints', async () => {
    expect(await wakeLanes(t.pool, { endpointIds: [], at: at(0) })).toBe(0);
  });
});

describe('claimLanes and nextReadyAt', () => {
  it('claims due lanes oldest-ready first, up to the limit, leased for timeout + grace', async () => {
    const endpoints = [await anEndpoint(t, t.accountId, { timeoutMs: 2000 }), await anEndpoint(t, t.accountId), await anEndpoint(t, t.accountId)];
    await onlyDue(...endpoints);
    for (const [i, endpointId] of endpoints.entries()) {
      await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = $1', [endpointId, at(-10 + i)]);
    }
    const claimed = await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 2, leaseGraceMs: 500 });
    expect(claimed.map((l) => l.endpoint_id)).toEqual(endpoints.slice(0, 2));
    expect(claimed[0]).toMatchObject({ account_id: t.accountId, url: 'https://receiver.test/hook', status: 'ACTIVE', timeout_ms: 2000, ordered: false });
    expect(await lane(endpoints[0]!)).toMatchObject({ leased_by: 'w1', lease_until: at(2.5) });
  });

  it('never hands a leased lane to another worker until its lease runs out', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { timeoutMs: 1000 });
    await onlyDue(endpointId);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = $1', [endpointId, at(0)]);
    expect(await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 10, leaseGraceMs: 0 })).toHaveLength(1);
    expect(await claimLanes(t.pool, { worker: 'w2', now: at(0.5), limit: 10, leaseGraceMs: 0 })).toEqual([]);
    const taken = await claimLanes(t.pool, { worker: 'w2', now: at(1.5), limit: 10, leaseGraceMs: 0 });
    expect(taken.map((l) => l.endpoint_id)).toEqual([endpointId]);
    expect((await lane(endpointId)).leased_by).toBe('w2');
  });

  it('renews the leases its worker still holds, and tells which it lost', async () => {
    const [kept, lost] = [await anEndpoint(t, t.accountId, { timeoutMs: 1000 }), await anEndpoint(t, t.accountId, { timeoutMs: 1000 })];
    await onlyDue(kept, lost);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = ANY($1)', [[kept, lost], at(0)]);
    expect(await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 10, leaseGraceMs: 0 })).toHaveLength(2);
    // w1 missed the renewal of one lane: w2 took it over.
    await t.rows('UPDATE endpoint_lane SET leased_by = $2 WHERE endpoint_id = $1', [lost, 'w2']);
    const held = await renewLeases(t.pool, { worker: 'w1', endpointIds: [kept, lost], now: at(0.9), leaseGraceMs: 0 });
    expect([...held.entries()]).toEqual([[kept, at(1.9)]]);
    // Past the claim's lease, the renewed lane is still held; the other one (w2 never renewed it) is free.
    expect((await claimLanes(t.pool, { worker: 'w3', now: at(1.5), limit: 10, leaseGraceMs: 0 })).map((l) => l.endpoint_id)).toEqual([lost]);
    expect(await renewLeases(t.pool, { worker: 'w1', endpointIds: [], now: at(1), leaseGraceMs: 0 })).toEqual(new Map());
  });

  it('skips a lane another transaction has locked, without waiting for it', async () => {
    const [locked, free] = [await anEndpoint(t, t.accountId), await anEndpoint(t, t.accountId)];
    await onlyDue(locked, free);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = ANY($1)', [[locked, free], at(0)]);
    const other = await t.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM endpoint_lane WHERE endpoint_id = $1 FOR UPDATE', [locked]);
      const claimed = await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 10, leaseGraceMs: 0 });
      expect(claimed.map((l) => l.endpoint_id)).toEqual([free]);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
  });

  it('tells when the next lane not due yet will be', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await onlyDue();
    expect(await nextReadyAt(t.pool, { now: at(0) })).toBeNull();
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = $1', [endpointId, at(30)]);
    expect(await nextReadyAt(t.pool, { now: at(0) })).toEqual(at(30));
    expect(await nextReadyAt(t.pool, { now: at(30) })).toBeNull();
  });
});

describe('claimDue and claimHead', () => {
  it('gives the due pending deliveries soonest first, without the skipped ones, up to the limit', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const late = await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-1) });
    const early = await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-5) });
    const skipped = await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-3) });
    await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(60) });
    await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: null });
    await aDelivery(t, t.accountId, endpointId, { status: 'FAILED', nextAttemptAt: at(-9) });
    const due = await claimDue(t.pool, { endpointId, now: at(0), skip: [skipped], limit: 10 });
    expect(due.map((d) => d.id)).toEqual([early, late]);
    expect(due[0]).toMatchObject({ attempt_count: 0, event_type: 'message.received', body: null, transformed_headers: null });
    expect(JSON.parse(due[0]!.payload)).toHaveProperty('id', due[0]!.event_id);
    expect(await claimDue(t.pool, { endpointId, now: at(0), skip: [], limit: 1 })).toHaveLength(1);
  });

  it('gives nothing while the endpoint is held', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { status: 'PAUSED' });
    await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-1) });
    expect(await claimDue(t.pool, { endpointId, now: at(0), skip: [], limit: 10 })).toEqual([]);
    expect(await claimHead(t.pool, { endpointId, now: at(0) })).toEqual([]);
  });

  it('gives nothing while the endpoint\'s account is disabled or deleted', async () => {
    for (const held of [`status = 'DISABLED'`, 'deleted_at = now()']) {
      const accountId = await anAccount(t);
      const endpointId = await anEndpoint(t, accountId, { ordered: held.startsWith('deleted') });
      await aDelivery(t, accountId, endpointId, { nextAttemptAt: at(-1) });
      expect(await claimDue(t.pool, { endpointId, now: at(0), skip: [], limit: 10 })).toHaveLength(1);
      await t.rows(`UPDATE account SET ${held} WHERE id = $1`, [accountId]);
      expect(await claimDue(t.pool, { endpointId, now: at(0), skip: [], limit: 10 }), held).toEqual([]);
      expect(await claimHead(t.pool, { endpointId, now: at(0) }), held).toEqual([]);
    }
  });

  it('gives an ordered line its head only, and only once it is due', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { ordered: true });
    const head = await aDelivery(t, t.accountId, endpointId, { id: `dlv_0${id('x')}`, nextAttemptAt: at(10) });
    await aDelivery(t, t.accountId, endpointId, { id: `dlv_1${id('x')}`, nextAttemptAt: at(-10) });
    expect(await claimHead(t.pool, { endpointId, now: at(0) })).toEqual([]);
    expect((await claimHead(t.pool, { endpointId, now: at(10) })).map((d) => d.id)).toEqual([head]);
  });
});

describe('storeTransformed', () => {
  it('keeps the first body stored, so every attempt sends the same bytes', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const deliveryId = await aDelivery(t, t.accountId, endpointId);
    expect(await storeTransformed(t.pool, { deliveryId, body: 'first', headers: { 'x-a': '1' } })).toEqual({ body: 'first', headers: { 'x-a': '1' } });
    expect(await storeTransformed(t.pool, { deliveryId, body: 'second', headers: { 'x-b': '2' } })).toEqual({ body: 'first', headers: { 'x-a': '1' } });
  });

  it('answers with what it was given when the delivery is gone', async () => {
    expect(await storeTransformed(t.pool, { deliveryId: 'dlv_gone', body: 'b', headers: {} })).toEqual({ body: 'b', headers: {} });
  });
});

describe('releaseLane', () => {
  async function leased(endpointId: string, worker = 'w1') {
    await t.rows(`UPDATE endpoint_lane SET ready_at = $2, leased_by = $3, lease_until = $4 WHERE endpoint_id = $1`, [endpointId, at(-1), worker, at(60)]);
  }

  it('makes the lane due at its soonest pending delivery, never before now or notBefore, and keeps the rate window', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(20) });
    await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-20) });
    await leased(endpointId);
    const release = { endpointId, worker: 'w1', now: at(0), notBefore: null, rateWindowStart: at(-1), rateCount: 4 };
    expect(await releaseLane(t.pool, release)).toEqual(at(0));
    expect(await lane(endpointId)).toMatchObject({ ready_at: at(0), leased_by: null, lease_until: null, rate_window_start: at(-1), rate_count: 4 });
    await leased(endpointId);
    expect(await releaseLane(t.pool, { ...release, notBefore: at(1) })).toEqual(at(1));
  });

  it('leaves the lane idle when nothing is pending or the endpoint is held', async () => {
    const idle = await anEndpoint(t, t.accountId);
    await leased(idle);
    expect(await releaseLane(t.pool, { endpointId: idle, worker: 'w1', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toBeNull();
    const held = await anEndpoint(t, t.accountId, { status: 'DISABLED' });
    await aDelivery(t, t.accountId, held, { nextAttemptAt: at(-5) });
    await leased(held);
    expect(await releaseLane(t.pool, { endpointId: held, worker: 'w1', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toBeNull();
    expect((await lane(held)).ready_at).toBeNull();
  });

  it('leaves the lane idle while its account is disabled', async () => {
    const accountId = await anAccount(t);
    const endpointId = await anEndpoint(t, accountId);
    await aDelivery(t, accountId, endpointId, { nextAttemptAt: at(-5) });
    await t.rows(`UPDATE account SET status = 'DISABLED' WHERE id = $1`, [accountId]);
    await leased(endpointId);
    expect(await releaseLane(t.pool, { endpointId, worker: 'w1', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toBeNull();
    expect((await lane(endpointId)).ready_at).toBeNull();
  });

  it('follows an ordered line: due when its head is, even with later ones due now', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { ordered: true });
    await aDelivery(t, t.accountId, endpointId, { id: `dlv_0${id('x')}`, nextAttemptAt: at(30) });
    await aDelivery(t, t.accountId, endpointId, { id: `dlv_1${id('x')}`, nextAttemptAt: at(-30) });
    await leased(endpointId);
    expect(await releaseLane(t.pool, { endpointId, worker: 'w1', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toEqual(at(30));
  });

  it('changes nothing for a worker whose lease another worker took over', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await leased(endpointId, 'w2');
    await releaseLane(t.pool, { endpointId, worker: 'w1', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 9 });
    expect(await lane(endpointId)).toMatchObject({ leased_by: 'w2', rate_count: 0 });
  });

  it('waits for a writer still in its transaction, then sees the delivery it made due', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await leased(endpointId);
    const writer = await t.pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`INSERT INTO event (id, account_id, type, data, payload) VALUES ('evt_locking', $1, 'message.received', '{}', '{}')`, [t.accountId]);
      await writer.query(
        `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, next_attempt_at) VALUES ('dlv_locking', $1, 'evt_locking', $2, 'message.received', $3)`,
        [t.accountId, endpointId, at(-1)],
      );
      // The writer's wake takes the lane's bucket lock shared: the release must wait for its commit.
      await wakeLanes(poolSql(writer), { endpointIds: [endpointId], at: at(-1) });
      const released = releaseLane(t.pool, { endpointId, worker: 'w1', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 });
      await someoneWaitsForALock(t);
      await writer.query('COMMIT');
      expect(await released).toEqual(at(0));
    } finally {
      writer.release();
    }
  });
});
