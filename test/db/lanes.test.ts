// The lane protocol's statements (src/db/sql/lanes.ts) on their own: wake, claim lanes, next ready,
// claim due / head deliveries, store transformed, release, and the bucket lock between a release
// and a writer still in its transaction.
import { describe, expect, it } from 'vitest';
import { poolSql } from '../../src/db/sql.ts';
import {
  claimDue,
  claimDueLanes,
  claimHead,
  claimLanes,
  LANES_CHANNEL,
  nextReadyAt,
  releaseLane,
  releaseLanes,
  renewLeases,
  storeTransformed,
  wakeLanes,
} from '../../src/db/sql/lanes.ts';
import { recordAttempts, type AttemptToRecord } from '../../src/db/sql/record-attempts.ts';
import { LaneReleases } from '../../src/worker/drainer-releases.ts';
import { aDelivery, anAccount, anEndpoint, at, id, listen, someoneWaitsForALock, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker's renewal with no lane to keep: it stamps its liveness (its run breaks after two 100 ms intervals, unless said). */
async function beat(worker: string, graceMs = 0) {
  await renewLeases(t.pool, { worker, lanes: [], now: at(0), leaseGraceMs: graceMs, breakAfterMs: 200 });
}

async function lane(endpointId: string) {
  const [row] = await t.rows('SELECT ready_at, leased_by, lease_until, lease_token::text, rate_window_start, rate_count FROM endpoint_lane WHERE endpoint_id = $1', [endpointId]);
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

  it('never hands a leased lane to another worker until its lease runs out, and gives every claim a new token', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { timeoutMs: 1000 });
    await onlyDue(endpointId);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = $1', [endpointId, at(0)]);
    const [first] = await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 10, leaseGraceMs: 0 });
    expect(first).toBeDefined();
    await beat('w2');
    expect(await claimLanes(t.pool, { worker: 'w2', now: at(0.5), limit: 10, leaseGraceMs: 0 })).toEqual([]);
    const taken = await claimLanes(t.pool, { worker: 'w2', now: at(1.5), limit: 10, leaseGraceMs: 0 });
    expect(taken.map((l) => l.endpoint_id)).toEqual([endpointId]);
    expect(BigInt(taken[0]!.lease_token)).toBe(BigInt(first!.lease_token) + 1n);
    expect(await lane(endpointId)).toMatchObject({ leased_by: 'w2', lease_token: taken[0]!.lease_token });
  });

  it('renews the leases its worker still holds under their tokens, and tells which it lost', async () => {
    const [kept, lost, retaken] = [
      await anEndpoint(t, t.accountId, { timeoutMs: 1000 }),
      await anEndpoint(t, t.accountId, { timeoutMs: 1000 }),
      await anEndpoint(t, t.accountId, { timeoutMs: 1000 }),
    ];
    await onlyDue(kept, lost, retaken);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = ANY($1)', [[kept, lost, retaken], at(0)]);
    const claimed = new Map((await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 10, leaseGraceMs: 0 })).map((l) => [l.endpoint_id, l.lease_token]));
    expect(claimed.size).toBe(3);
    // w1 missed the renewal of one lane: w2 took it over; another was claimed again (a new token) under w1's own name.
    await t.rows('UPDATE endpoint_lane SET leased_by = $2, lease_token = lease_token + 1 WHERE endpoint_id = $1', [lost, 'w2']);
    await t.rows('UPDATE endpoint_lane SET lease_token = lease_token + 1 WHERE endpoint_id = $1', [retaken]);
    const mine = [kept, lost, retaken].map((endpointId) => ({ endpointId, token: claimed.get(endpointId)! }));
    const held = await renewLeases(t.pool, { worker: 'w1', lanes: mine, now: at(0.9), leaseGraceMs: 0, breakAfterMs: 1_000 });
    expect([...held.entries()]).toEqual([[kept, at(1.9)]]);
    // Past the claim's lease, the renewed lane is still held; the other one (w2 never renewed it) is free.
    await beat('w3');
    expect((await claimLanes(t.pool, { worker: 'w3', now: at(1.5), limit: 10, leaseGraceMs: 0 })).map((l) => l.endpoint_id).sort()).toEqual([lost, retaken].sort());
  });

  it('takes a lane over only from a holder that missed renewals for the grace while the claimer kept renewing', async () => {
    const GRACE = 400;
    const endpointId = await anEndpoint(t, t.accountId, { timeoutMs: 1000 });
    await onlyDue(endpointId);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = $1', [endpointId, at(0)]);
    const [claimed] = await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 10, leaseGraceMs: GRACE });
    const holder = [{ endpointId, token: claimed!.lease_token }];
    // Far past the lease by the claimer's clock: only the renewals decide.
    const claim = () => claimLanes(t.pool, { worker: 'w2', now: at(3_600), limit: 10, leaseGraceMs: GRACE });
    const renewals = async (ms: number, workers: Array<'w1' | 'w2'>) => {
      for (const end = Date.now() + ms; Date.now() < end; ) {
        if (workers.includes('w1')) await renewLeases(t.pool, { worker: 'w1', lanes: holder, now: at(0), leaseGraceMs: GRACE, breakAfterMs: 2 * 100 });
        if (workers.includes('w2')) await beat('w2', GRACE);
        await sleep(100);
      }
    };
    // Both renew for twice the grace: the holder keeps its lane.
    await renewals(2 * GRACE, ['w1', 'w2']);
    expect(await claim()).toEqual([]);
    // Both silent for longer than the grace (a database away): the holder's last renewal is old,
    // but the claimer made none since; and once both are back, the holder renews within the claimer's new run.
    await sleep(GRACE + 200);
    expect(await claim()).toEqual([]);
    await renewals(GRACE / 2, ['w2']);
    expect(await claim()).toEqual([]);
    await renewals(2 * GRACE, ['w1', 'w2']);
    expect(await claim()).toEqual([]);
    // The holder stops renewing while the claimer goes on, for the grace: taken over, under a new token.
    await renewals(GRACE + 200, ['w2']);
    const taken = await claim();
    expect(taken.map((l) => l.endpoint_id)).toEqual([endpointId]);
    expect(taken[0]!.lease_token).not.toBe(claimed!.lease_token);
    expect(await renewLeases(t.pool, { worker: 'w1', lanes: holder, now: at(0), leaseGraceMs: GRACE, breakAfterMs: 200 })).toEqual(new Map());
  });

  it('lets a worker take over a lane it stopped renewing itself, and a lone new worker its dead predecessor\'s', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { timeoutMs: 1000 });
    await onlyDue(endpointId);
    await t.rows('UPDATE endpoint_lane SET ready_at = $2 WHERE endpoint_id = $1', [endpointId, at(0)]);
    await beat('w1');
    expect(await claimLanes(t.pool, { worker: 'w1', now: at(0), limit: 10, leaseGraceMs: 100 })).toHaveLength(1);
    // w1 lives on (renewing, but not this lane): after the grace it takes the lane back itself.
    for (let i = 0; i < 4; i++) {
      await sleep(60);
      await beat('w1', 100);
    }
    expect(await claimLanes(t.pool, { worker: 'w1', now: at(3_600), limit: 10, leaseGraceMs: 100 })).toHaveLength(1);
    // w1 dies; a new worker (restarted: a new id) renews for the grace and takes it.
    await beat('w9', 100);
    expect(await claimLanes(t.pool, { worker: 'w9', now: at(7_200), limit: 10, leaseGraceMs: 100 })).toEqual([]);
    for (let i = 0; i < 4; i++) {
      await sleep(60);
      await beat('w9', 100);
    }
    expect((await claimLanes(t.pool, { worker: 'w9', now: at(7_200), limit: 10, leaseGraceMs: 100 })).map((l) => l.endpoint_id)).toEqual([endpointId]);
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

describe('claimDueLanes (the first claim of many lanes, one statement)', () => {
  it('gives each lane its own due deliveries, soonest first, up to its own limit, and nothing for a held one', async () => {
    const [a, b, idle] = [await anEndpoint(t, t.accountId), await anEndpoint(t, t.accountId), await anEndpoint(t, t.accountId)];
    const held = await anEndpoint(t, t.accountId, { status: 'PAUSED' });
    const a1 = await aDelivery(t, t.accountId, a, { nextAttemptAt: at(-1) });
    const a0 = await aDelivery(t, t.accountId, a, { nextAttemptAt: at(-5) });
    await aDelivery(t, t.accountId, a, { nextAttemptAt: at(60) });
    const b0 = await aDelivery(t, t.accountId, b, { nextAttemptAt: at(-9) });
    await aDelivery(t, t.accountId, b, { nextAttemptAt: at(-8) });
    await aDelivery(t, t.accountId, held, { nextAttemptAt: at(-1) });
    await aDelivery(t, t.accountId, idle, { nextAttemptAt: null });
    const due = await claimDueLanes(t.pool, {
      lanes: [{ endpointId: a, limit: 10 }, { endpointId: b, limit: 1 }, { endpointId: idle, limit: 10 }, { endpointId: held, limit: 10 }],
      now: at(0),
    });
    expect(Object.fromEntries([...due].map(([endpointId, rows]) => [endpointId, rows.map((d) => d.id)]))).toEqual({ [a]: [a0, a1], [b]: [b0], [idle]: [], [held]: [] });
    // The same rows a lane's own claim gives.
    expect(due.get(a)).toEqual(await claimDue(t.pool, { endpointId: a, now: at(0), skip: [], limit: 10 }));
  });

  it('asks nothing of the database for no lanes', async () => {
    expect(await claimDueLanes(t.pool, { lanes: [], now: at(0) })).toEqual(new Map());
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
    const release = { endpointId, worker: 'w1', token: '0', now: at(0), notBefore: null, rateWindowStart: at(-1), rateCount: 4 };
    expect(await releaseLane(t.pool, release)).toEqual(at(0));
    expect(await lane(endpointId)).toMatchObject({ ready_at: at(0), leased_by: null, lease_until: null, rate_window_start: at(-1), rate_count: 4 });
    await leased(endpointId);
    expect(await releaseLane(t.pool, { ...release, notBefore: at(1) })).toEqual(at(1));
  });

  it('leaves the lane idle when nothing is pending or the endpoint is held', async () => {
    const idle = await anEndpoint(t, t.accountId);
    await leased(idle);
    expect(await releaseLane(t.pool, { endpointId: idle, worker: 'w1', token: '0', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toBeNull();
    expect((await lane(idle)).leased_by).toBeNull();
    const held = await anEndpoint(t, t.accountId, { status: 'DISABLED' });
    await aDelivery(t, t.accountId, held, { nextAttemptAt: at(-5) });
    await leased(held);
    expect(await releaseLane(t.pool, { endpointId: held, worker: 'w1', token: '0', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toBeNull();
    expect(await lane(held)).toMatchObject({ ready_at: null, leased_by: null });
  });

  it('leaves the lane idle while its account is disabled', async () => {
    const accountId = await anAccount(t);
    const endpointId = await anEndpoint(t, accountId);
    await aDelivery(t, accountId, endpointId, { nextAttemptAt: at(-5) });
    await t.rows(`UPDATE account SET status = 'DISABLED' WHERE id = $1`, [accountId]);
    await leased(endpointId);
    expect(await releaseLane(t.pool, { endpointId, worker: 'w1', token: '0', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toBeNull();
    expect((await lane(endpointId)).ready_at).toBeNull();
  });

  it('follows an ordered line: due when its head is, even with later ones due now', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { ordered: true });
    await aDelivery(t, t.accountId, endpointId, { id: `dlv_0${id('x')}`, nextAttemptAt: at(30) });
    await aDelivery(t, t.accountId, endpointId, { id: `dlv_1${id('x')}`, nextAttemptAt: at(-30) });
    await leased(endpointId);
    expect(await releaseLane(t.pool, { endpointId, worker: 'w1', token: '0', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 })).toEqual(at(30));
  });

  it('changes nothing for a worker whose lease another worker took over', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await leased(endpointId, 'w2');
    await releaseLane(t.pool, { endpointId, worker: 'w1', token: '0', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 9 });
    expect(await lane(endpointId)).toMatchObject({ leased_by: 'w2', rate_count: 0 });
  });

  it('changes nothing for a stale token, even under the same worker id', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-5) });
    await leased(endpointId);
    await t.rows('UPDATE endpoint_lane SET lease_token = 7 WHERE endpoint_id = $1', [endpointId]);
    expect(await releaseLane(t.pool, { endpointId, worker: 'w1', token: '6', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 9 })).toBeNull();
    expect(await lane(endpointId)).toMatchObject({ leased_by: 'w1', lease_token: '7', ready_at: at(-1), rate_count: 0 });
    expect(await releaseLane(t.pool, { endpointId, worker: 'w1', token: '7', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 9 })).toEqual(at(0));
    expect(await lane(endpointId)).toMatchObject({ leased_by: null, rate_count: 9 });
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
      const released = releaseLane(t.pool, { endpointId, worker: 'w1', token: '0', now: at(0), notBefore: null, rateWindowStart: null, rateCount: 0 });
      await someoneWaitsForALock(t);
      await writer.query('COMMIT');
      expect(await released).toEqual(at(0));
    } finally {
      writer.release();
    }
  });
});

describe('releaseLanes (a batch of lanes, one statement)', () => {
  async function leased(endpointId: string, token: number, worker = 'w1') {
    await t.rows(`UPDATE endpoint_lane SET ready_at = $2, leased_by = $3, lease_until = $4, lease_token = $5 WHERE endpoint_id = $1`, [
      endpointId,
      at(-1),
      worker,
      at(60),
      token,
    ]);
  }
  const gave = (endpointId: string, token: string, rateCount = 0, notBefore: Date | null = null) => ({
    endpointId,
    token,
    notBefore,
    rateWindowStart: rateCount > 0 ? at(-2) : null,
    rateCount,
  });

  it('gives each lane back with its own next due time and rate window; a stale token changes only its own lane', async () => {
    const [due, later, idle, stale, other] = await Promise.all([1, 2, 3, 4, 5].map(() => anEndpoint(t, t.accountId)));
    await aDelivery(t, t.accountId, due!, { nextAttemptAt: at(-5) });
    await aDelivery(t, t.accountId, later!, { nextAttemptAt: at(30) });
    await aDelivery(t, t.accountId, stale!, { nextAttemptAt: at(-5) });
    for (const endpointId of [due!, later!, idle!]) await leased(endpointId, 3);
    await leased(stale!, 8);
    await leased(other!, 3, 'w2');
    const released = await releaseLanes(t.pool, {
      worker: 'w1',
      now: at(0),
      lanes: [gave(due!, '3', 4), gave(later!, '3', 0, at(40)), gave(idle!, '3'), gave(stale!, '7', 9), gave(other!, '3', 9)],
    });
    expect(released).toEqual(new Map([[due!, at(0)], [later!, at(40)], [idle!, null]]));
    expect(await lane(due!)).toMatchObject({ ready_at: at(0), leased_by: null, lease_until: null, rate_window_start: at(-2), rate_count: 4 });
    expect(await lane(later!)).toMatchObject({ ready_at: at(40), leased_by: null, rate_count: 0 });
    expect(await lane(idle!)).toMatchObject({ ready_at: null, leased_by: null });
    // Taken over (a newer token; another worker): exactly as they were.
    expect(await lane(stale!)).toMatchObject({ ready_at: at(-1), leased_by: 'w1', lease_until: at(60), lease_token: '8', rate_count: 0 });
    expect(await lane(other!)).toMatchObject({ ready_at: at(-1), leased_by: 'w2', lease_token: '3', rate_count: 0 });
  });

  it('waits for writers still in their transactions on any of the batch\'s buckets, then sees what they made due', async () => {
    const endpoints = await Promise.all([1, 2, 3, 4].map(() => anEndpoint(t, t.accountId)));
    for (const endpointId of endpoints) await leased(endpointId, 0);
    const [woken, alsoWoken] = [endpoints[1]!, endpoints[3]!];
    const writer = await t.pool.connect();
    try {
      await writer.query('BEGIN');
      for (const [n, endpointId] of [woken, alsoWoken].entries()) {
        await writer.query(`INSERT INTO event (id, account_id, type, data, payload) VALUES ($1, $2, 'message.received', '{}', '{}')`, [`evt_batch${n}`, t.accountId]);
        await writer.query(
          `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, next_attempt_at) VALUES ($1, $2, $3, $4, 'message.received', $5)`,
          [`dlv_batch${n}`, t.accountId, `evt_batch${n}`, endpointId, at(-1)],
        );
      }
      await wakeLanes(poolSql(writer), { endpointIds: [alsoWoken, woken], at: at(-1) });
      const released = releaseLanes(t.pool, { worker: 'w1', now: at(0), lanes: [...endpoints].reverse().map((endpointId) => gave(endpointId, '0')) });
      await someoneWaitsForALock(t);
      await writer.query('COMMIT');
      expect(await released).toEqual(new Map(endpoints.map((endpointId) => [endpointId, endpointId === woken || endpointId === alsoWoken ? at(0) : null])));
    } finally {
      writer.release();
    }
    for (const endpointId of [woken, alsoWoken]) expect((await lane(endpointId)).ready_at).toEqual(at(0));
  });

  it('leaves a lane idle after its release to the next writer\'s wake', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    await leased(endpointId, 0);
    expect(await releaseLanes(t.pool, { worker: 'w1', now: at(0), lanes: [gave(endpointId, '0')] })).toEqual(new Map([[endpointId, null]]));
    await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-1) });
    expect(await wakeLanes(t.pool, { endpointIds: [endpointId], at: at(-1) })).toBe(1);
    expect((await lane(endpointId)).ready_at).toEqual(at(-1));
  });

  it('shares one statement among the slices that end together (LaneReleases), each endpoint once per batch', async () => {
    const endpoints = await Promise.all([1, 2, 3].map(() => anEndpoint(t, t.accountId)));
    for (const endpointId of endpoints) {
      await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-1) });
      await leased(endpointId, 0);
    }
    const batches: string[][] = [];
    const releases = new LaneReleases((lanes) => {
      batches.push(lanes.map((l) => l.endpointId));
      return releaseLanes(t.pool, { worker: 'w1', now: at(0), lanes });
    });
    // The first endpoint twice (a stale give of it): it goes in a batch of its own, and changes nothing there.
    const answers = await Promise.all([...endpoints.map((endpointId) => releases.give(gave(endpointId, '0'))), releases.give(gave(endpoints[0]!, '0'))]);
    expect(answers).toEqual([at(0), at(0), at(0), null]);
    expect(batches).toEqual([endpoints, [endpoints[0]]]);
  });

  it('tells every slice of a batch that failed', async () => {
    const releases = new LaneReleases(() => releaseLanes(t.pool, { worker: 'w1', now: at(0), lanes: [gave('ep_x', 'not a number')] }));
    const answers = await Promise.allSettled([releases.give(gave('ep_a', '0')), releases.give(gave('ep_b', '0'))]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('the fence on recording (RECORD_ATTEMPTS with lease tokens)', () => {
  function attempt(deliveryId: string, ok: boolean, token: string, startedAt: Date): AttemptToRecord {
    return {
      id: id('att'),
      deliveryId,
      attemptNumber: 1,
      trigger: 'SCHEDULED',
      outcome: ok ? 'SUCCESS' : 'HTTP_ERROR',
      startedAt,
      durationMs: 5,
      requestHeaders: { 'webhook-id': 'evt' },
      responseStatus: ok ? 200 : 503,
      responseHeaders: null,
      responseBody: null,
      error: null,
      willRetry: !ok,
      status: ok ? 'SUCCEEDED' : 'PENDING',
      nextAttemptAt: ok ? null : new Date(startedAt.getTime() + 60_000),
      leaseToken: token,
    };
  }

  it('stores a stale writer\'s attempts as history only, and lets the holder\'s settle the delivery whatever number the stale one took', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const [failed, succeeded] = [await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-5) }), await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-5) })];
    // Taken over: the lane's token is 2, the frozen worker sent under 1.
    await t.rows(`UPDATE endpoint_lane SET leased_by = 'w2', lease_token = 2 WHERE endpoint_id = $1`, [endpointId]);
    await recordAttempts(t.app.sql, { attempts: [attempt(failed, false, '1', at(0)), attempt(succeeded, true, '1', at(0))], failingAfter: 1 });
    const state = async (deliveryId: string) =>
      (await t.rows('SELECT status, attempt_count, next_attempt_at FROM delivery WHERE id = $1', [deliveryId]))[0];
    // The failure moved nothing (the schedule is the new holder's), the success won; the endpoint's health did not move.
    expect(await state(failed)).toEqual({ status: 'PENDING', attempt_count: 1, next_attempt_at: at(-5) });
    expect(await state(succeeded)).toMatchObject({ status: 'SUCCEEDED', attempt_count: 1 });
    expect((await t.rows('SELECT consecutive_failures, failing_notified_at FROM endpoint WHERE id = $1', [endpointId]))[0]).toEqual({ consecutive_failures: 0, failing_notified_at: null });
    // The holder's own attempt (sent as number 1 too) is not late: it settles the delivery, stored as number 2.
    await recordAttempts(t.app.sql, { attempts: [attempt(failed, true, '2', at(1))], failingAfter: 1 });
    expect(await state(failed)).toEqual({ status: 'SUCCEEDED', attempt_count: 2, next_attempt_at: null });
    const numbers = await t.rows('SELECT attempt_number, outcome::text FROM delivery_attempt WHERE delivery_id = $1 ORDER BY attempt_number', [failed]);
    expect(numbers).toEqual([{ attempt_number: 1, outcome: 'HTTP_ERROR' }, { attempt_number: 2, outcome: 'SUCCESS' }]);
  });

  it('keeps a takeover waiting out of the lane while its holder\'s batch checks the token', async () => {
    const endpointId = await anEndpoint(t, t.accountId, { timeoutMs: 1000 });
    await onlyDue(endpointId);
    await t.rows(`UPDATE endpoint_lane SET ready_at = $2, leased_by = 'w1', lease_until = $2, renewed_at = now() - interval '1 hour' WHERE endpoint_id = $1`, [endpointId, at(-1)]);
    const deliveryId = await aDelivery(t, t.accountId, endpointId, { nextAttemptAt: at(-5) });
    await beat('w2');
    const holder = await t.pool.connect();
    try {
      await holder.query('BEGIN');
      await recordAttempts(poolSql(holder), { attempts: [attempt(deliveryId, false, '0', at(0))], failingAfter: 10 });
      // Uncommitted: the lane is skipped, not taken over under the batch.
      expect(await claimLanes(t.pool, { worker: 'w2', now: at(3_600), limit: 10, leaseGraceMs: 0 })).toEqual([]);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect((await claimLanes(t.pool, { worker: 'w2', now: at(3_600), limit: 10, leaseGraceMs: 0 })).map((l) => l.endpoint_id)).toEqual([endpointId]);
  });
});
