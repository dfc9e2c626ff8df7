// Outcomes that stay true through faults, with real processes: a worker frozen with SIGSTOP past
// its lanes' leases while its attempts are in flight. Another worker takes the lanes over and
// resends those attempts (at-least-once), and when the frozen one wakes, what it sent is recorded
// too, as attempts of their own: every request a receiver got is an attempt in the history, and
// no delivery any attempt of which succeeded ends other than SUCCEEDED. A database of the test's
// own server (a private Postgres in a temp dir, never the shared one) hung by SIGSTOP, or stopped,
// for longer than timeout + grace with two workers' attempts in flight makes no duplicate: no
// lane is taken from a live holder. A killed worker's lanes are taken over in bounded time. And a
// database outage (the test's own database blocked) is two warnings in the log, not one per request.
import { afterEach, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { startPgServer } from '../bench/processes.ts';
import { withDatabase } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLogger } from '../src/log.ts';
import { createEndpoint, messageReceived, publish, publishMany } from './support/api.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { spawnWorker } from './support/processes.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { sleep, waitUntil } from './support/wait.ts';

async function rows<R>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Requests each receiver got, by endpoint and webhook-id. */
function receivedBy(receivers: readonly Receiver[], endpointIds: readonly string[]): Map<string, number> {
  const byDelivery = new Map<string, number>();
  for (const [i, rx] of receivers.entries()) {
    for (const request of rx.requests) {
      const key = `${endpointIds[i]} ${String(request.headers['webhook-id'])}`;
      byDelivery.set(key, (byDelivery.get(key) ?? 0) + 1);
    }
  }
  return byDelivery;
}

/** Attempts stored, by endpoint and event (the webhook-id). */
async function attemptsBy(url: string): Promise<Map<string, number>> {
  const stored = await rows<{ endpoint_id: string; event_id: string; n: number }>(
    url,
    `SELECT d.endpoint_id, d.event_id, count(a.id)::int AS n FROM delivery d LEFT JOIN delivery_attempt a ON a.delivery_id = d.id GROUP BY d.endpoint_id, d.event_id`,
  );
  return new Map(stored.map((r) => [`${r.endpoint_id} ${r.event_id}`, r.n]));
}

/** Requests the receivers got that are not attempts in the history, and attempts no receiver got. */
async function unrecorded(url: string, received: Map<string, number>): Promise<{ missing: number; extra: number }> {
  const stored = await attemptsBy(url);
  let missing = 0;
  for (const [key, requests] of received) missing += Math.max(0, requests - (stored.get(key) ?? 0));
  let extra = 0;
  for (const [key, count] of stored) extra += Math.max(0, count - (received.get(key) ?? 0));
  return { missing, extra };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 60_000);

describe('a worker frozen past its leases with attempts in flight', () => {
  it('leaves every request the receivers got in the history, and loses no success', { timeout: 120_000 }, async () => {
    const ENDPOINTS = 6;
    const EVENTS = 10;
    const TIMEOUT_MS = 3_000;
    const LEASE = { HOOKWIRE_LANE_LEASE_GRACE_MS: '500' };
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    const api: TestApp = await startTestApp({ role: 'api', database: db });
    cleanups.push(() => api.stop());
    const receivers: Receiver[] = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      // Answers 200 after 1.5 s: attempts are in flight when the worker freezes.
      const rx = await startReceiver(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 1_500)));
      receivers.push(rx);
      cleanups.push(() => rx.close());
    }
    const { apiKey } = await api.newAccount('frozen worker');
    const endpointIds: string[] = [];
    for (const [i, rx] of receivers.entries()) {
      const endpoint = await createEndpoint(api, apiKey, { url: rx.url, description: `slow ${i}`, eventTypes: ['*'], timeoutMs: TIMEOUT_MS, retrySchedule: [1] });
      endpointIds.push(endpoint.id);
    }

    const frozen = spawnWorker({ DATABASE_URL: db.url, HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true', HOOKWIRE_ADMIN_KEY: ADMIN_KEY, PORT: '0', LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'info', ...LEASE });
    cleanups.push(async () => {
      if (frozen.child.exitCode === null && frozen.child.signalCode === null) {
        frozen.child.kill('SIGCONT');
        frozen.child.kill('SIGKILL');
        await frozen.exited;
      }
    });
    await waitUntil('the first worker to be ready', () => /worker ready/.test(frozen.output()), 60_000, 100);
    await publishMany(api, apiKey, Array.from({ length: EVENTS }, (_, n) => messageReceived(n)));

    // Every endpoint has attempts in flight (sent, not yet answered): freeze the worker.
    await waitUntil('attempts in flight at every receiver', () => receivers.every((rx) => rx.inFlight > 0), 30_000, 10);
    frozen.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    // No other worker sends before the frozen one's leases run out: what arrives before is its own.
    const [{ until }] = await rows<{ until: Date }>(db.url, 'SELECT min(lease_until) AS until FROM endpoint_lane WHERE leased_by IS NOT NULL');
    // The frozen worker's attempts in flight: what it sent before its leases ran out. What its HTTP
    // pool still held queued (started, waiting for a connection) is never written on waking: it is
    // past its timeout and its lease (send.ts refuses it the wire). The second worker sends nothing
    // after every delivery SUCCEEDED, which is before the wake: what arrives after is the frozen one's.
    let wokeAt = Infinity;
    // By when a request's head arrived: one the worker was writing when frozen (head out, body not
    // yet) is one it had in flight, however late its body arrives.
    const sentByFrozen = () => receivers.reduce((n, rx) => n + rx.requests.filter((r) => r.headersAt < until.getTime()).length, 0);
    const sentOnWaking = () => receivers.reduce((n, rx) => n + rx.requests.filter((r) => r.headersAt >= wokeAt).length, 0);
    const finishedOnWaking = () => receivers.flatMap((rx) => rx.requests.filter((r) => r.at >= wokeAt).map((r) => `${r.headersAt - wokeAt}/${r.at - wokeAt} ms`));

    // The second worker takes the lanes over once the leases run out and delivers everything.
    const second = await startTestApp({ role: 'worker', database: db, env: LEASE });
    cleanups.push(() => second.stop());
    const total = ENDPOINTS * EVENTS;
    await waitUntil(
      'every delivery SUCCEEDED by the second worker',
      async () => (await rows<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM delivery WHERE status = 'SUCCEEDED'`))[0]!.n === total,
      60_000,
      100,
    );
    // Frozen 9 s in all (the run), then woken: what it had sent is recorded late.
    await sleep(Math.max(0, 9_000 - (Date.now() - frozenAt)));
    wokeAt = Date.now();
    frozen.child.kill('SIGCONT');
    const received = () => receivedBy(receivers, endpointIds);
    const missing = async () => (await unrecorded(db.url, received())).missing;
    // Bounded: the woken worker records within its retry of the batch (a few round trips).
    const deadline = Date.now() + 15_000;
    let notRecorded = await missing();
    while (notRecorded > 0 && Date.now() < deadline) {
      await sleep(200);
      notRecorded = await missing();
    }
    const requests = [...received().values()].reduce((a, b) => a + b, 0);
    const inFlight = sentByFrozen();
    const duplicates = requests - total;
    const { extra: extraAttempts } = await unrecorded(db.url, received());
    const statuses = await rows<{ status: string; n: number }>(db.url, `SELECT status::text, count(*)::int AS n FROM delivery GROUP BY status`);
    const numbers = await rows<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM delivery d WHERE d.attempt_count <> (SELECT count(*) FROM delivery_attempt a WHERE a.delivery_id = d.id)`,
    );
    console.log(
      `[faults] frozen worker: ${inFlight} requests in flight when frozen (sent before its leases ran out), ${sentOnWaking()} written on waking ` +
        `(ended on waking, head/end after the wake: ${JSON.stringify(finishedOnWaking())}), ${requests} received for ${total} deliveries (${duplicates} resent); ` +
        `${notRecorded} requests missing from the history, ${extraAttempts} attempts no receiver got, ${numbers[0]!.n} attempt counts off; statuses ${JSON.stringify(statuses)}; ` +
        `slices of the frozen worker that ended on a request refused the wire: ${(frozen.output().match(/a request was not sent/g) ?? []).length}`,
    );
    // When one was written on waking, what it was and what the frozen worker did (FAULTS_LOG_LEVEL=debug for its slices).
    const woken = receivers.flatMap((rx, i) => rx.requests.filter((r) => r.headersAt >= wokeAt).map((r) => ({ endpoint: endpointIds[i]!, event: String(r.headers['webhook-id']), attempt: String(r.headers['x-webhook-delivery-attempt']), headersAt: r.headersAt })));
    for (const w of woken) {
      const attempts = await rows<{ n: number; started: string; outcome: string }>(
        db.url,
        `SELECT a.attempt_number AS n, to_char(a.started_at, 'HH24:MI:SS.MS') AS started, a.outcome::text AS outcome FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = $1 AND d.event_id = $2 ORDER BY a.attempt_number`,
        [w.endpoint, w.event],
      );
      console.log(`[faults] written on waking: ${JSON.stringify(w)} frozen ${new Date(frozenAt).toISOString()} woke ${new Date(wokeAt).toISOString()} until ${until.toISOString()}; attempts ${JSON.stringify(attempts)}`);
    }
    if (woken.length > 0) console.log(`[faults] frozen worker's log:\n${frozen.output()}`);
    expect(notRecorded, 'requests the receivers got that are not attempts in the history').toBe(0);
    expect(extraAttempts, 'attempts no receiver got').toBe(0);
    // What waited in the pool is refused the wire on waking (send.ts checks each request as undici
    // writes it). The one exception no check can close: the worker's one thread stopped between a
    // request's check and its write (writeH1 runs both in one synchronous call), so at most one
    // request, which goes out on waking as an attempt the worker had in flight, recorded as its
    // own. Seen once, in a whole-suite run loading both cores (2026-12-08: 13 in flight, 1 written
    // on waking, its attempt recorded TIMEOUT beside the resend's SUCCESS); not in 15 runs of this
    // test alone, 3 of them beside three busy loops.
    const writtenOnWaking = sentOnWaking();
    expect(writtenOnWaking, 'requests the frozen worker wrote on waking, past their timeouts and leases').toBeLessThanOrEqual(1);
    // At-least-once: resends, at most the attempts the frozen worker had in flight.
    expect(duplicates).toBeLessThanOrEqual(inFlight + writtenOnWaking);
    expect(statuses).toEqual([{ status: 'SUCCEEDED', n: total }]);
    expect(numbers[0]!.n, 'deliveries whose attempt count is not their attempts').toBe(0);
    // Woken, the frozen worker learns its lanes were taken over (a stale token) and starts nothing more.
    await waitUntil('the frozen worker to see it lost its lanes', () => /was taken over by another worker/.test(frozen.output()), 15_000, 100).catch((error: unknown) => {
      console.log(`[faults] frozen worker's log:\n${frozen.output()}`);
      throw error;
    });
    const requestsAfterWake = [...received().values()].reduce((a, b) => a + b, 0);
    await sleep(1_000);
    expect([...received().values()].reduce((a, b) => a + b, 0), 'requests after the frozen worker woke and recorded').toBe(requestsAfterWake);
  });
});

describe('a database away for longer than timeout + grace, two workers with attempts in flight', () => {
  const ENDPOINTS = 4;
  const EVENTS = 8;
  const TIMEOUT_MS = 2_000;
  const GRACE_MS = 1_000;
  const DOWN_MS = 6_000;

  async function ride(fault: 'hung' | 'refusing') {
    // Embedded, in a temp dir, on a free port: the test's own server, hung or stopped at will.
    const server = await startPgServer({ embedded: true });
    cleanups.push(() => server.stop());
    const url = await server.database();
    await migrate(url);
    const db: TestDatabase = { url, name: new URL(url).pathname.slice(1), drop: async () => {} };
    const api = await startTestApp({ role: 'api', database: db });
    cleanups.push(() => api.stop());
    const receivers: Receiver[] = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      // Answers after 1 s: every endpoint has attempts in flight when the database goes.
      const rx = await startReceiver(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 1_000)));
      receivers.push(rx);
      cleanups.push(() => rx.close());
    }
    const { apiKey } = await api.newAccount(`database ${fault}`);
    const endpointIds: string[] = [];
    for (const [i, rx] of receivers.entries()) {
      // Two at a time: some deliveries are still waiting in their lanes while the database is away.
      const endpoint = await createEndpoint(api, apiKey, {
        url: rx.url, description: `slow ${i}`, eventTypes: ['*'], timeoutMs: TIMEOUT_MS, retrySchedule: [1], concurrencyLimit: 2,
      });
      endpointIds.push(endpoint.id);
    }
    const env = { DATABASE_URL: url, HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true', HOOKWIRE_ADMIN_KEY: ADMIN_KEY, PORT: '0', LOG_LEVEL: 'info', HOOKWIRE_LANE_LEASE_GRACE_MS: String(GRACE_MS),
      // Both look for due lanes often: one that could take a live holder's lane would, at once.
      HOOKWIRE_WORKER_POLL_MS: '50' };
    const workers = [spawnWorker(env), spawnWorker(env)];
    for (const worker of workers) {
      cleanups.push(async () => {
        if (worker.child.exitCode === null && worker.child.signalCode === null) {
          worker.child.kill('SIGKILL');
          await worker.exited;
        }
      });
    }
    for (const worker of workers) await waitUntil('the workers to be ready', () => /worker ready/.test(worker.output()), 60_000, 100);
    await publishMany(api, apiKey, Array.from({ length: EVENTS }, (_, n) => messageReceived(n)));
    await waitUntil('attempts in flight at every receiver', () => receivers.every((rx) => rx.inFlight > 0), 30_000, 10);
    const holders = await rows<{ leased_by: string }>(url, 'SELECT DISTINCT leased_by FROM endpoint_lane WHERE leased_by IS NOT NULL');
    const downAt = Date.now();
    // SIGSTOP of the postmaster and every backend; or stopped, its connections refused, and started again.
    if (fault === 'hung') await server.hang(DOWN_MS);
    else await server.restart(DOWN_MS);
    const upAt = Date.now();

    const total = ENDPOINTS * EVENTS;
    await waitUntil(
      'every delivery SUCCEEDED',
      async () => (await rows<{ n: number }>(url, `SELECT count(*)::int AS n FROM delivery WHERE status = 'SUCCEEDED'`))[0]!.n === total,
      60_000,
      200,
    );
    // A resend, if any, would come after a takeover: give it a lease's time to show.
    await sleep(TIMEOUT_MS + GRACE_MS);
    const received = receivedBy(receivers, endpointIds);
    const requests = [...received.values()].reduce((a, b) => a + b, 0);
    const { missing, extra } = await unrecorded(url, received);
    const takenOver = workers.filter((w) => /was taken over by another worker/.test(w.output())).length;
    console.log(
      `[faults] database ${fault} ${upAt - downAt} ms (timeout ${TIMEOUT_MS} + grace ${GRACE_MS} ms), lanes held by ${holders.length} worker(s): ` +
        `${requests} requests for ${total} deliveries (${requests - total} duplicates), ${missing} missing from the history, ${extra} attempts no receiver got; ` +
        `${takenOver} worker(s) lost a lane`,
    );
    expect(upAt - downAt).toBeGreaterThan(TIMEOUT_MS + GRACE_MS);
    expect(requests - total, 'duplicates at the receivers').toBe(0);
    expect(missing, 'requests the receivers got that are not attempts in the history').toBe(0);
    expect(extra, 'attempts no receiver got').toBe(0);
    expect(takenOver, 'workers that lost a lane').toBe(0);
  }

  it('hung (SIGSTOP of the postmaster and its backends): no lane changes hands, no duplicate, nothing missing', { timeout: 180_000 }, () => ride('hung'));

  it('refusing connections (stopped, then started again): no lane changes hands, no duplicate, nothing missing', { timeout: 180_000 }, () => ride('refusing'));
});

describe('a worker killed with attempts in flight', () => {
  it('loses its lanes to a live worker in bounded time: its lease, then the grace of the other\'s renewals', { timeout: 120_000 }, async () => {
    const TIMEOUT_MS = 2_000;
    const GRACE_MS = 500;
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    const api: TestApp = await startTestApp({ role: 'api', database: db });
    cleanups.push(() => api.stop());
    // The first request hangs (the dead worker's attempt), the resend is answered.
    const rx = await startReceiver(() => (rx.requests.length === 1 ? 'hang' : { status: 200, body: 'ok' }));
    cleanups.push(() => rx.close());
    const { apiKey } = await api.newAccount('killed worker');
    const endpoint = await createEndpoint(api, apiKey, { url: rx.url, description: 'killed', eventTypes: ['*'], timeoutMs: TIMEOUT_MS, retrySchedule: [1] });
    const env = { HOOKWIRE_LANE_LEASE_GRACE_MS: String(GRACE_MS) };
    const doomed = spawnWorker({ DATABASE_URL: db.url, HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true', HOOKWIRE_ADMIN_KEY: ADMIN_KEY, PORT: '0', ...env });
    cleanups.push(async () => {
      if (doomed.child.exitCode === null && doomed.child.signalCode === null) doomed.child.kill('SIGKILL');
      await doomed.exited;
    });
    await waitUntil('the worker to be ready', () => /worker ready/.test(doomed.output()), 60_000, 100);
    await publish(api, apiKey, messageReceived(1));
    await rx.waitFor(1, 20_000);
    // A live worker beside it (renewing from its start), then the holder dies.
    const live = await startTestApp({ role: 'worker', database: db, env });
    cleanups.push(() => live.stop());
    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await rx.waitFor(2, 30_000);
    const afterMs = rx.requests[1]!.at - killedAt;
    console.log(`[faults] killed worker: its lane taken over and the attempt sent again ${afterMs} ms after the kill (timeout ${TIMEOUT_MS} + grace ${GRACE_MS} ms)`);
    // Its lease (timeout + grace from its last renewal), at most a renewal interval and a poll later.
    expect(afterMs).toBeLessThan(TIMEOUT_MS + 2 * GRACE_MS + 3_000);
    await waitUntil('the delivery SUCCEEDED', async () => (await rows<{ status: string }>(db.url, 'SELECT status::text FROM delivery'))[0]?.status === 'SUCCEEDED', 20_000, 100);
  });
});

describe('a database outage (its connections ended, new ones refused)', () => {
  it('is logged as one warning when it starts and one when it ends, with counts, and loses no accepted event', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { format: 'json', write: (line) => lines.push(line) });
    const t = await startTestApp({ role: 'all', logger });
    cleanups.push(() => t.stop());
    const rx = await startReceiver(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 200)));
    cleanups.push(() => rx.close());
    const { apiKey } = await t.newAccount('outage');
    await createEndpoint(t, apiKey, { url: rx.url, description: 'outage', eventTypes: ['*'], retrySchedule: [1, 1, 2, 2, 5] });
    // The test's own database is blocked, never the server other tests use.
    const admin = new pg.Client({ connectionString: withDatabase(inject('pgServerUrl'), 'postgres') });
    await admin.connect();
    const allow = (yes: boolean) => admin.query(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS ${yes}`);
    cleanups.push(async () => {
      await allow(true);
      await admin.end();
    });

    const accepted: Array<{ id: string; at: number }> = [];
    let refused = 0;
    let publishing = true;
    const publisher = (async () => {
      for (let n = 0; publishing && n < 2_000; n++) {
        try {
          accepted.push({ id: await publish(t, apiKey, messageReceived(n)), at: Date.now() });
        } catch {
          refused++;
        }
        await sleep(25);
      }
    })();
    await rx.waitFor(5, 30_000);
    await allow(false);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [t.db.name]);
    const downAt = Date.now();
    await waitUntil('publishes refused for 3 s', () => refused >= 20 && Date.now() - downAt >= 3_000, 30_000);
    await allow(true);
    const upAt = Date.now();
    await waitUntil('publishes accepted again', () => accepted.filter((a) => a.at > upAt).length >= 5, 60_000);
    publishing = false;
    await publisher;

    const ids = new Set(accepted.map((a) => a.id));
    const missing = () => {
      const got = new Set(rx.requests.map((r) => String(r.headers['webhook-id'])));
      return [...ids].filter((id) => !got.has(id));
    };
    await waitUntil('every accepted event delivered', () => missing().length === 0, 60_000, 100);
    await waitUntil('the end of the outage logged', () => lines.some((line) => /database reachable again/.test(line)), 30_000, 100);

    const loud = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level >= 40);
    console.log(
      `[faults] outage of ${upAt - downAt} ms: ${accepted.length} accepted, ${refused} refused; ${loud.length} warning/error lines: ${JSON.stringify(loud.map((l) => l.msg.slice(0, 160)))}`,
    );
    expect(loud.filter((line) => /^database unreachable/.test(line.msg))).toHaveLength(1);
    const [end] = loud.filter((line) => /^database reachable again/.test(line.msg));
    expect(end!.msg).toMatch(/after \d+\.\d s of outage; \d+ connection error\(s\) meanwhile were counted/);
    expect(loud, 'nothing else warned or failed').toHaveLength(2);
  });
});

describe('an endpoint whose attempts time out', () => {
  it('sends a due retry on time, not behind its own attempts still in flight', { timeout: 60_000 }, async () => {
    const t = await startTestApp({ role: 'all', random: () => 0.5 });
    cleanups.push(() => t.stop());
    // Message 0 fails fast once, then succeeds; messages 1–4 hang until the endpoint's timeout.
    const rx = await startReceiver((request) => {
      if (!request.body.includes('"wamid.test.0"')) return 'hang';
      return rx.requests.filter((r) => r.body.includes('"wamid.test.0"')).length === 1 ? { status: 503 } : { status: 200, body: 'ok' };
    });
    cleanups.push(() => rx.close());
    const { apiKey } = await t.newAccount('timing out');
    await createEndpoint(t, apiKey, { url: rx.url, description: 'times out', eventTypes: ['*'], timeoutMs: 6_000, retrySchedule: [1] });
    await publishMany(t, apiKey, Array.from({ length: 5 }, (_, n) => messageReceived(n)));
    const zero = () => rx.requests.filter((r) => r.body.includes('"wamid.test.0"'));
    await waitUntil('the retry of message 0', () => zero().length >= 2, 20_000, 10);
    const [first, retry] = zero();
    // The retry is due 1 s after the first attempt's 503 (the jitter pinned): it goes out within a
    // slice's turn of that, while messages 1–4 still hang.
    const lateMs = retry!.at - first!.at - 1_000;
    console.log(`[faults] timing-out endpoint: the due retry went out ${lateMs} ms after it was due`);
    expect(lateMs).toBeLessThan(1_000);
    expect(rx.inFlight, 'the hanging attempts were still in flight').toBeGreaterThanOrEqual(4);
  });
});

describe('a lane being drained', () => {
  it('keeps its lease while its worker lives: renewed while an attempt is in flight', { timeout: 60_000 }, async () => {
    const t = await startTestApp({ role: 'all', env: { HOOKWIRE_LANE_LEASE_GRACE_MS: '600' } });
    cleanups.push(() => t.stop());
    let answer: () => void = () => {};
    const rx = await startReceiver(() => new Promise((resolve) => (answer = () => resolve({ status: 200, body: 'ok' }))));
    cleanups.push(() => rx.close());
    const { apiKey } = await t.newAccount('renewal');
    const endpoint = await createEndpoint(t, apiKey, { url: rx.url, description: 'slow', eventTypes: ['*'], timeoutMs: 5_000 });
    await publish(t, apiKey, messageReceived(1));
    await rx.waitFor(1, 20_000);
    const lease = async () =>
      (await rows<{ leased_by: string; lease_until: Date }>(t.db.url, 'SELECT leased_by, lease_until FROM endpoint_lane WHERE endpoint_id = $1', [endpoint.id]))[0]!;
    const first = await lease();
    // Renewed every 200 ms (a third of the grace): the lease moves on while the attempt hangs.
    const later = await waitUntil('the lease renewed', async () => {
      const now = await lease();
      return now.lease_until.getTime() >= first.lease_until.getTime() + 500 ? now : null;
    }, 10_000, 50);
    expect(later.leased_by).toBe(first.leased_by);
    answer();
    await waitUntil('the lane given back', async () => (await lease()).leased_by === null, 20_000, 50);
  });
});
