// The delivery engine at scale, as receivers and clients see it: fairness between accounts (by
// order: B's event succeeds while thousands of A's still wait), each endpoint's concurrencyLimit
// across two worker processes, a hanging endpoint that spends only its own slots, ordered
// endpoints through retries and pauses, batch publishing, rate limits across workers and retry
// schedules under a moved clock (no sleeping through 60 s), at most one attempt of a delivery in
// flight, and manual retries that stay manual. Real Postgres, real HTTP on 127.0.0.1.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.ts';
import {
  closeSql,
  createEndpoint,
  endpointDeliveries,
  getDelivery,
  laneAtRest,
  messageReceived,
  pauseEndpoint,
  publish,
  publishMany,
  PublishMany,
  resumeEndpoint,
  retryDelivery,
  sql,
  waitForDelivery,
} from './support/api.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { expectQuiet, startReceiver, type Receiver, type Reply } from './support/receiver.ts';
import { sleep, waitUntil } from './support/wait.ts';

const apps: TestApp[] = [];
const receivers: Receiver[] = [];

async function app(options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const started = await startTestApp(options);
  apps.push(started);
  return started;
}

async function receiver(reply?: Receiver['reply']): Promise<Receiver> {
  const started = await startReceiver(reply);
  receivers.push(started);
  return started;
}

/** Stops the apps newest first (workers before the API whose database they share). */
async function stopAll(): Promise<void> {
  for (const started of apps.splice(0).reverse()) {
    await closeSql(started);
    await started.stop();
  }
  for (const started of receivers.splice(0)) await started.close();
}
afterEach(stopAll, 60_000);
afterAll(stopAll, 60_000);

const after = (ms: number, reply: Reply = { status: 200, body: 'ok' }) => () => new Promise<Reply>((resolve) => setTimeout(() => resolve(reply), ms));
const webhookIds = (rx: Receiver) => rx.requests.map((r) => String(r.headers['webhook-id']));

describe('fairness', () => {
  it("delivers B's event while thousands of A's deliveries are still pending", { timeout: 60_000 }, async () => {
    const t = await app({ role: 'all' });
    // A's receiver is slow (50 ms per request) and its endpoints take 2 at a time: A's backlog
    // lasts seconds, long enough to stand in front of B in any single line.
    const slow = await receiver(after(50));
    const fast = await receiver();
    const a = await t.newAccount('busy A');
    const b = await t.newAccount('quiet B');
    for (let i = 0; i < 10; i++) {
      await createEndpoint(t, a.apiKey, { url: `${slow.url}?e=${i}`, description: `A ${i}`, eventTypes: ['*'], concurrencyLimit: 2 });
    }
    await createEndpoint(t, b.apiKey, { url: fast.url, description: 'B', eventTypes: ['*'] });
    await publishMany(t, a.apiKey, Array.from({ length: 300 }, (_, i) => messageReceived(i)));
    const [{ n: backlog }] = await sql(t, `SELECT count(*)::int AS n FROM delivery WHERE account_id = $1`, [a.accountId]);
    expect(backlog).toBe(3_000);

    const bEvent = await publish(t, b.apiKey, messageReceived(1));
    const [arrived] = await fast.waitFor(1, 20_000);
    const [{ n: pendingThen }] = await sql(t, `SELECT count(*)::int AS n FROM delivery WHERE account_id = $1 AND status = 'PENDING'`, [a.accountId]);
    expect(arrived!.headers['webhook-id']).toBe(bEvent);
    expect(pendingThen, 'A deliveries still pending when B was delivered').toBeGreaterThanOrEqual(2_500);
    const [bDelivery] = await sql(t, `SELECT id FROM delivery WHERE event_id = $1`, [bEvent]);
    await waitForDelivery(t, b.apiKey, bDelivery!.id);
    expect((await getDelivery(t, b.apiKey, bDelivery!.id)).status).toBe('SUCCEEDED');
    // A's endpoints never had more than 2 requests in flight each, 20 in all.
    expect(slow.maxInFlight).toBeLessThanOrEqual(20);
  });
});

describe('concurrencyLimit', () => {
  it('holds across two worker processes: never more attempts in flight to an endpoint than its limit (or the default)', { timeout: 60_000 }, async () => {
    const api = await app({ role: 'api' });
    const env = { HOOKWIRE_ENDPOINT_CONCURRENCY: '5' };
    const first = await app({ role: 'worker', database: api.db, env });
    const second = await app({ role: 'worker', database: api.db, env });
    const limited = await receiver(after(100));
    const defaulted = await receiver(after(100));
    const acct = await api.newAccount('concurrency');
    await createEndpoint(api, acct.apiKey, { url: limited.url, description: 'three at a time', eventTypes: ['*'], concurrencyLimit: 3, sessionIds: ['limited'] });
    await createEndpoint(api, acct.apiKey, { url: defaulted.url, description: 'default', eventTypes: ['*'], sessionIds: ['default'] });
    await publishMany(api, acct.apiKey, [
      ...Array.from({ length: 30 }, (_, i) => messageReceived(i, { sessionId: 'limited' })),
      ...Array.from({ length: 30 }, (_, i) => messageReceived(100 + i, { sessionId: 'default' })),
    ]);
    await limited.waitFor(30, 30_000);
    await defaulted.waitFor(30, 30_000);
    expect(limited.maxInFlight).toBe(3);
    expect(defaulted.maxInFlight).toBe(5);
    const recordedBy = await waitUntil('all 60 attempts recorded', () => {
      const counts = [first, second].map((w) => w.app.worker!.engine.recorder.stats.attempts);
      return counts[0]! + counts[1]! === 60 ? counts : undefined;
    });
    console.log(`[engine] concurrency: attempts recorded by each worker: ${recordedBy.join(', ')}`);
  });

  it('lets a hanging endpoint spend only its own slots: a healthy one beside it is delivered at once', { timeout: 60_000 }, async () => {
    const t = await app({ role: 'all', env: { HOOKWIRE_WORKER_CONCURRENCY: '20', HOOKWIRE_ENDPOINT_CONCURRENCY: '10' } });
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver();
    const acct = await t.newAccount('slow beside healthy');
    const slowEndpoint = await createEndpoint(t, acct.apiKey, { url: hanging.url, description: 'hangs', eventTypes: ['*'], sessionIds: ['slow'], timeoutMs: 5_000, retrySchedule: [600] });
    const healthyEndpoint = await createEndpoint(t, acct.apiKey, { url: healthy.url, description: 'healthy', eventTypes: ['*'], sessionIds: ['healthy'] });
    await publishMany(t, acct.apiKey, Array.from({ length: 100 }, (_, i) => messageReceived(i, { sessionId: 'slow' })));
    await hanging.waitFor(10, 10_000);

    await publishMany(t, acct.apiKey, Array.from({ length: 20 }, (_, i) => messageReceived(1_000 + i, { sessionId: 'healthy' })));
    await healthy.waitFor(20, 10_000);
    const healthyDone = await waitUntil('the healthy deliveries to succeed', async () => {
      const all = await endpointDeliveries(t, acct.apiKey, healthyEndpoint.id);
      return all.length === 20 && all.every((d) => d.status === 'SUCCEEDED') ? all : undefined;
    });
    expect(healthyDone).toHaveLength(20);
    const [{ n: slowPending }] = await sql(t, `SELECT count(*)::int AS n FROM delivery WHERE endpoint_id = $1 AND status = 'PENDING'`, [slowEndpoint.id]);
    expect(slowPending).toBe(100);
    expect(hanging.requests).toHaveLength(10);
    expect(hanging.maxInFlight).toBe(10);
  });
});

describe('ordered endpoints', () => {
  it('deliver one at a time in publish order, a failed delivery holding the line through its retry', { timeout: 60_000 }, async () => {
    const t = await app({ role: 'all' });
    let failedOnce = false;
    const rx = await receiver((request) => {
      const { data } = JSON.parse(request.body) as { data: { messageId: string } };
      if (data.messageId === 'wamid.test.2' && !failedOnce) {
        failedOnce = true;
        return { status: 503, body: 'try again' };
      }
      return new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 20));
    });
    const acct = await t.newAccount('ordered');
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'in order', eventTypes: ['*'], ordered: true, retrySchedule: [1] });
    expect(endpoint).toMatchObject({ ordered: true, concurrencyLimit: null });
    const events = await publishMany(t, acct.apiKey, [1, 2, 3, 4, 5].map((n) => messageReceived(n)));
    await rx.waitFor(6, 20_000);
    const ids = events.map((e) => e.id);
    expect(webhookIds(rx)).toEqual([ids[0], ids[1], ids[1], ids[2], ids[3], ids[4]]);
    expect(rx.requests[2]!.headers['x-webhook-delivery-attempt']).toBe('2');
    // The retry waited its schedule (1 s ± 20%), and nothing else went out meanwhile.
    expect(rx.requests[2]!.at - rx.requests[1]!.at).toBeGreaterThanOrEqual(750);
    expect(rx.maxInFlight).toBe(1);
  });

  it('hold the line while paused and continue it, in order, on resume', { timeout: 60_000 }, async () => {
    const t = await app({ role: 'all' });
    const rx = await receiver(after(150));
    const acct = await t.newAccount('ordered pause');
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'in order', eventTypes: ['*'], ordered: true });
    const events = await publishMany(t, acct.apiKey, [1, 2, 3, 4, 5, 6].map((n) => messageReceived(n)));
    await rx.waitFor(2, 10_000);
    await pauseEndpoint(t, acct.apiKey, endpoint.id);
    await laneAtRest(t, endpoint.id);
    const sentBeforePause = rx.requests.length;
    expect(sentBeforePause).toBeLessThanOrEqual(3);
    await expectQuiet(rx, sentBeforePause, 1_000);

    await resumeEndpoint(t, acct.apiKey, endpoint.id);
    await rx.waitFor(6, 10_000);
    expect(webhookIds(rx)).toEqual(events.map((e) => e.id));
    expect(rx.maxInFlight).toBe(1);
  });
});

describe('publishEvents', () => {
  it('stores a batch in order, each event delivered to every matching endpoint', async () => {
    const t = await app({ role: 'api' });
    const rx = await receiver();
    const acct = await t.newAccount('batch');
    const all = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'all', eventTypes: ['*'] });
    const sessions = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'one session', eventTypes: ['message.*'], sessionIds: ['s1'] });
    const events = await publishMany(t, acct.apiKey, [
      messageReceived(1, { sessionId: 's1' }),
      { type: 'webhook.test', data: {} },
      messageReceived(2, { sessionId: 's2' }),
    ]);
    expect(events.map((e) => [e.type, e.sessionId])).toEqual([['message.received', 's1'], ['webhook.test', null], ['message.received', 's2']]);
    expect(events.map((e) => (e.payload as { id: string }).id)).toEqual(events.map((e) => e.id));
    expect(events.map((e) => e.deliveries.map((d) => d.endpoint.id).sort())).toEqual([[all.id, sessions.id].sort(), [all.id], [all.id]]);
    // Ids follow publish order, so cursors and history do too.
    expect([...events.map((e) => e.id)].sort()).toEqual(events.map((e) => e.id));
  });

  it('refuses the whole batch when one input is bad, with paths that start with inputs and its index; stores nothing', async () => {
    const t = await app({ role: 'api' });
    const acct = await t.newAccount('batch errors');
    await createEndpoint(t, acct.apiKey, { url: 'http://127.0.0.1:9/never', description: 'all', eventTypes: ['*'] });
    const result = await t.gql(PublishMany, {
      inputs: [messageReceived(1), { type: 'message.received', data: { messageId: 'x' } }, { type: 'message.recieved', data: {} }, messageReceived(2)],
    }, acct.apiKey);
    const refused = result.data?.publishEvents;
    expect(refused?.__typename).toBe('ValidationError');
    const paths = refused?.__typename === 'ValidationError' ? refused.fieldErrors.map((e) => e.path) : [];
    expect(paths.length).toBeGreaterThan(1);
    expect(paths.filter((p) => p[1] === '1').every((p) => p[0] === 'inputs' && p[2] === 'data')).toBe(true);
    expect(paths).toContainEqual(['inputs', '2', 'type']);
    expect(paths.every((p) => p[0] === 'inputs' && (p[1] === '1' || p[1] === '2'))).toBe(true);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 0 }]);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM delivery WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 0 }]);

    for (const inputs of [[], Array.from({ length: 1_001 }, (_, i) => messageReceived(i))]) {
      const sized = (await t.gql(PublishMany, { inputs }, acct.apiKey)).data?.publishEvents;
      expect(sized).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['inputs'] }] });
    }
    expect(await sql(t, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 0 }]);
  });

  it('is idempotent per input: a key repeated in the batch or published before yields the first event and no new delivery', async () => {
    const t = await app({ role: 'api' });
    const acct = await t.newAccount('batch keys');
    await createEndpoint(t, acct.apiKey, { url: 'http://127.0.0.1:9/never', description: 'all', eventTypes: ['*'] });
    const earlier = await publish(t, acct.apiKey, messageReceived(0, { idempotencyKey: 'before' }));
    const events = await publishMany(t, acct.apiKey, [
      messageReceived(1, { idempotencyKey: 'k1' }),
      messageReceived(2, { idempotencyKey: 'before' }),
      messageReceived(3, { idempotencyKey: 'k1' }),
      messageReceived(4),
    ]);
    expect(events[1]!.id).toBe(earlier);
    expect(events[2]!.id).toBe(events[0]!.id);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 3 }]);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM delivery WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 3 }]);
    // The same batch again: every input answers with its first event, nothing new is stored.
    const again = await publishMany(t, acct.apiKey, [messageReceived(1, { idempotencyKey: 'k1' }), messageReceived(2, { idempotencyKey: 'before' })]);
    expect(again.map((e) => e.id)).toEqual([events[0]!.id, earlier]);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM delivery WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 3 }]);
  });
});

describe('a moved clock', () => {
  it('walks the default retry schedule (60 s … 24 h) without sleeping, never early, then exhausts and pauses', { timeout: 60_000 }, async () => {
    const clock = new ManualClock();
    const t = await app({ role: 'all', clock, random: () => 0.5 });
    const rx = await receiver(() => ({ status: 503, body: 'down' }));
    const watcher = await receiver();
    const acct = await t.newAccount('schedule');
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'always down', eventTypes: ['message.received'] });
    await createEndpoint(t, acct.apiKey, { url: watcher.url, description: 'watches', eventTypes: ['delivery.exhausted', 'endpoint.paused'] });
    const eventId = await publish(t, acct.apiKey, messageReceived(1));
    const [{ id: deliveryId }] = await sql<{ id: string }>(t, 'SELECT id FROM delivery WHERE event_id = $1 AND endpoint_id = $2', [eventId, endpoint.id]);
    await rx.waitFor(1);

    const schedule = [60, 300, 900, 3600, 21600, 86400];
    for (const [i, seconds] of schedule.entries()) {
      const delivery = await waitForDelivery(t, acct.apiKey, deliveryId, (d) => d.attemptCount === i + 1);
      const last = delivery.attempts.at(-1)!;
      expect(last).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 503, willRetry: true, trigger: 'SCHEDULED' });
      // random 0.5: no jitter, exactly the schedule after the attempt finished.
      const due = new Date(delivery.nextAttemptAt!).getTime();
      expect(due - new Date(last.startedAt).getTime()).toBeGreaterThanOrEqual(seconds * 1000);
      expect(due - new Date(last.startedAt).getTime()).toBeLessThan(seconds * 1000 + 1000);
      await laneAtRest(t, endpoint.id);
      // A second early: nothing.
      clock.set(new Date(due - 1000));
      t.app.worker!.engine.poke();
      await expectQuiet(rx, i + 1, 300);
      clock.set(new Date(due));
      t.app.worker!.engine.poke();
      await rx.waitFor(i + 2);
    }
    const done = await waitForDelivery(t, acct.apiKey, deliveryId);
    expect(done).toMatchObject({ status: 'FAILED', attemptCount: 7 });
    expect(done.attempts.at(-1)).toMatchObject({ willRetry: false });
    await watcher.waitFor(2);
    expect(watcher.requests.map((r) => r.headers['x-webhook-event']).sort()).toEqual(['delivery.exhausted', 'endpoint.paused']);
    // Recorded at the moved clock's time: 31.3 hours after the first attempt.
    const span = new Date(done.attempts.at(-1)!.startedAt).getTime() - new Date(done.attempts[0]!.startedAt).getTime();
    expect(span).toBeGreaterThanOrEqual(schedule.reduce((a, b) => a + b, 0) * 1000);
  });

  it('pauses an endpoint only once the deliveries due their last attempt have had it', { timeout: 60_000 }, async () => {
    const clock = new ManualClock();
    const t = await app({ role: 'all', clock, random: () => 0.5 });
    const rx = await receiver(() => ({ status: 503, body: 'down' }));
    const watcher = await receiver();
    const acct = await t.newAccount('last-attempts');
    // One attempt at a time: the five last attempts, all due together, go out one after another.
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'down', eventTypes: ['message.received'], retrySchedule: [60], concurrencyLimit: 1 });
    await createEndpoint(t, acct.apiKey, { url: watcher.url, description: 'watches', eventTypes: ['delivery.exhausted', 'endpoint.paused'] });
    await publishMany(t, acct.apiKey, [1, 2, 3, 4, 5].map((n) => messageReceived(n)));
    await rx.waitFor(5);
    await laneAtRest(t, endpoint.id);
    const [{ due }] = await sql<{ due: Date }>(t, 'SELECT max(next_attempt_at) AS due FROM delivery WHERE endpoint_id = $1', [endpoint.id]);

    // All five due their last attempt.
    clock.set(due);
    t.app.worker!.engine.poke();
    // Every delivery has its last attempt, then the endpoint pauses (once).
    await rx.waitFor(10);
    const notices = await watcher.waitFor(6);
    const kinds = notices.map((r) => String(r.headers['x-webhook-event']));
    expect(kinds.filter((k) => k === 'delivery.exhausted')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'endpoint.paused')).toHaveLength(1);
    const deliveries = await endpointDeliveries(t, acct.apiKey, endpoint.id);
    expect(deliveries.map((d) => [d.status, d.attemptCount])).toEqual(Array.from({ length: 5 }, () => ['FAILED', 2]));
    const [row] = await sql<{ status: string }>(t, 'SELECT status FROM endpoint WHERE id = $1', [endpoint.id]);
    expect(row!.status).toBe('PAUSED');
    await expectQuiet(rx, 10, 300);
    await expectQuiet(watcher, 6, 300);
  });

  it('holds rateLimitPerSecond across two workers: its window travels with the lane', { timeout: 60_000 }, async () => {
    const second = Math.ceil(Date.now() / 1000) * 1000 + 10_000;
    const clock = new ManualClock(second + 100);
    const api = await app({ role: 'api', clock });
    const workers = [await app({ role: 'worker', database: api.db, clock }), await app({ role: 'worker', database: api.db, clock })];
    const rx = await receiver();
    const acct = await api.newAccount('rate limited');
    const endpoint = await createEndpoint(api, acct.apiKey, { url: rx.url, description: 'four a second', eventTypes: ['*'], rateLimitPerSecond: 4 });
    await publishMany(api, acct.apiKey, Array.from({ length: 10 }, (_, i) => messageReceived(i)));
    const poke = () => workers.forEach((w) => w.app.worker!.engine.poke());

    for (const [i, expected] of [4, 8, 10].entries()) {
      clock.set(new Date(second + i * 1000 + 100));
      poke();
      await rx.waitFor(expected);
      await laneAtRest(api, endpoint.id);
      // The window is full (or the work done): however often the workers look, nothing more goes out.
      poke();
      await expectQuiet(rx, expected, 300);
    }
    const attempts = await sql<{ started_at: Date; n: number }>(
      api,
      `SELECT a.started_at, d.attempt_count AS n FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = $1 ORDER BY a.started_at`,
      [endpoint.id],
    );
    const perWindow = new Map<number, number>();
    for (const a of attempts) perWindow.set(Math.floor((a.started_at.getTime() - second) / 1000), (perWindow.get(Math.floor((a.started_at.getTime() - second) / 1000)) ?? 0) + 1);
    expect([...perWindow]).toEqual([[0, 4], [1, 4], [2, 2]]);
    // Waiting for the limit is not an attempt.
    expect(attempts.every((a) => a.n === 1)).toBe(true);
  });
});

describe('one attempt of a delivery in flight, ever', () => {
  it('retryDelivery, and pause then resume, while an attempt hangs send nothing more', { timeout: 60_000 }, async () => {
    const t = await app({ role: 'all' });
    let release: (reply: Reply) => void = () => {};
    const rx = await receiver((_request, index) => (index === 0 ? new Promise<Reply>((resolve) => (release = resolve)) : { status: 200, body: 'ok' }));
    const acct = await t.newAccount('in flight');
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'slow', eventTypes: ['*'], timeoutMs: 10_000, retrySchedule: [1] });
    const eventId = await publish(t, acct.apiKey, messageReceived(1));
    await rx.waitFor(1);
    const [{ id: deliveryId }] = await sql<{ id: string }>(t, 'SELECT id FROM delivery WHERE event_id = $1', [eventId]);

    await retryDelivery(t, acct.apiKey, deliveryId);
    await pauseEndpoint(t, acct.apiKey, endpoint.id);
    await resumeEndpoint(t, acct.apiKey, endpoint.id);
    await retryDelivery(t, acct.apiKey, deliveryId);
    await expectQuiet(rx, 1, 1_000);

    release({ status: 200, body: 'ok' });
    const done = await waitForDelivery(t, acct.apiKey, deliveryId, (d) => d.status === 'SUCCEEDED');
    expect(done.attemptCount).toBe(1);
    await laneAtRest(t, endpoint.id);
    await expectQuiet(rx, 1, 1_500);
  });
});

describe('manual retries', () => {
  it('never announce exhaustion again, never pause, and are marked MANUAL', { timeout: 60_000 }, async () => {
    const t = await app({ role: 'all' });
    const rx = await receiver(() => ({ status: 500, body: 'down' }));
    const watcher = await receiver();
    const acct = await t.newAccount('manual');
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'down', eventTypes: ['message.received'], retrySchedule: [1] });
    await createEndpoint(t, acct.apiKey, { url: watcher.url, description: 'watches', eventTypes: ['delivery.exhausted', 'endpoint.paused'] });
    const eventId = await publish(t, acct.apiKey, messageReceived(1));
    const [{ id: deliveryId }] = await sql<{ id: string }>(t, 'SELECT id FROM delivery WHERE event_id = $1 AND endpoint_id = $2', [eventId, endpoint.id]);
    await waitForDelivery(t, acct.apiKey, deliveryId);
    await watcher.waitFor(2);
    await resumeEndpoint(t, acct.apiKey, endpoint.id);

    await retryDelivery(t, acct.apiKey, deliveryId);
    const retried = await waitForDelivery(t, acct.apiKey, deliveryId, (d) => d.attemptCount === 3 && d.status !== 'PENDING');
    expect(retried.status).toBe('FAILED');
    expect(retried.attempts.map((a) => a.trigger)).toEqual(['SCHEDULED', 'SCHEDULED', 'MANUAL']);
    expect(retried.attempts[2]).toMatchObject({ outcome: 'HTTP_ERROR', willRetry: false });
    await laneAtRest(t, endpoint.id);
    // No second delivery.exhausted or endpoint.paused, the endpoint stays ACTIVE, the schedule does not restart.
    await expectQuiet(watcher, 2, 500);
    expect(await sql(t, 'SELECT status::text FROM endpoint WHERE id = $1', [endpoint.id])).toEqual([{ status: 'ACTIVE' }]);
    await expectQuiet(rx, 3, 1_500);

    // A 410 to a manual attempt fails it, and still does not disable the endpoint.
    rx.reply = () => ({ status: 410, body: 'gone' });
    await retryDelivery(t, acct.apiKey, deliveryId);
    await waitForDelivery(t, acct.apiKey, deliveryId, (d) => d.attemptCount === 4 && d.status === 'FAILED');
    await laneAtRest(t, endpoint.id);
    expect(await sql(t, 'SELECT status::text FROM endpoint WHERE id = $1', [endpoint.id])).toEqual([{ status: 'ACTIVE' }]);
  });

  it('leave a pending delivery\'s schedule where it was when they fail', { timeout: 60_000 }, async () => {
    const t = await app({ role: 'all' });
    const rx = await receiver(() => ({ status: 500, body: 'down' }));
    const acct = await t.newAccount('manual pending');
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'down', eventTypes: ['*'], retrySchedule: [600, 600] });
    const eventId = await publish(t, acct.apiKey, messageReceived(1));
    const [{ id: deliveryId }] = await sql<{ id: string }>(t, 'SELECT id FROM delivery WHERE event_id = $1', [eventId]);
    const scheduled = await waitForDelivery(t, acct.apiKey, deliveryId, (d) => d.attemptCount === 1);
    await laneAtRest(t, endpoint.id);

    await retryDelivery(t, acct.apiKey, deliveryId);
    const after = await waitForDelivery(t, acct.apiKey, deliveryId, (d) => d.attemptCount === 2);
    expect(after).toMatchObject({ status: 'PENDING', nextAttemptAt: scheduled.nextAttemptAt });
    expect(after.attempts[1]).toMatchObject({ trigger: 'MANUAL', willRetry: true });
    const lane = await laneAtRest(t, endpoint.id);
    expect(lane.ready_at?.toISOString()).toBe(scheduled.nextAttemptAt);
  });
});
