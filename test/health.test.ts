// Early warning and recovery: endpoint.failing once a run of scheduled attempts to an endpoint has
// failed HOOKWIRE_FAILING_AFTER times in a row, once per run; endpoint.recovered when an attempt
// succeeds again. Failed manual retries do not count. The endpoint shows the run. Also the batch
// rule itself: attempts recorded in one statement count in their order.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_ATTEMPTS } from '../src/db/sql/record-attempts.ts';
import { healthTransitions, storedAttempt, type AttemptRecord } from '../src/domain/attempts.ts';
import { createLogger } from '../src/log.ts';
import { AttemptRecorder } from '../src/worker/recorder.ts';
import { graphql } from './generated/index.ts';
import { closeSql, createEndpoint, endpointDeliveries, messageReceived, publish, publishMany, retryDelivery, sql, waitForDelivery } from './support/api.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { expectQuiet, startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';

const Health = graphql(`
  query HealthEndpoint($id: ID!) {
    endpoint(id: $id) {
      status
      consecutiveFailures
      failingSince
      failing
      recoveredAt
    }
  }
`);

let t: TestApp;
const receivers: Receiver[] = [];

async function receiver(reply?: Receiver['reply']): Promise<Receiver> {
  const rx = await startReceiver(reply);
  receivers.push(rx);
  return rx;
}

async function health(key: string, id: string) {
  const result = await t.gql(Health, { id }, key);
  return result.data!.endpoint!;
}

const envelope = (request: ReceivedRequest) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> };

/** An account with an endpoint answering `status()` and a watcher subscribed to endpoint.failing and endpoint.recovered. */
async function setUp(status: () => number) {
  const own = await t.newAccount('health');
  const rx = await receiver(() => ({ status: status(), body: 'x' }));
  const watcherRx = await receiver();
  // One retry, far away: each event makes one scheduled attempt now, and nothing is exhausted.
  const endpoint = await createEndpoint(t, own.apiKey, { url: rx.url, description: 'flaky', eventTypes: ['message.received'], retrySchedule: [3600] });
  await createEndpoint(t, own.apiKey, { url: watcherRx.url, description: 'watcher', eventTypes: ['endpoint.failing', 'endpoint.recovered'] });
  return { own, rx, watcherRx, endpoint };
}

beforeAll(async () => {
  t = await startTestApp({ role: 'all', env: { HOOKWIRE_FAILING_AFTER: '3' } });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await closeSql(t);
  await t?.stop();
});

describe('endpoint.failing and endpoint.recovered', () => {
  it('warns once when 3 scheduled attempts in a row failed, and announces the recovery when one succeeds', async () => {
    let status = 503;
    const { own, rx, watcherRx, endpoint } = await setUp(() => status);

    await publish(t, own.apiKey, messageReceived(1));
    await publish(t, own.apiKey, messageReceived(2));
    await rx.waitFor(2);
    await waitUntil('two failures counted', async () => ((await health(own.apiKey, endpoint.id)).consecutiveFailures === 2 ? true : null));
    expect(await health(own.apiKey, endpoint.id)).toMatchObject({ status: 'ACTIVE', failing: false, recoveredAt: null });
    expect(watcherRx.requests).toHaveLength(0);

    await publishMany(t, own.apiKey, [messageReceived(3), messageReceived(4), messageReceived(5)]);
    const [warning] = await watcherRx.waitFor(1);
    expect(warning!.headers['x-webhook-event']).toBe('endpoint.failing');
    const failing = envelope(warning!);
    expect(failing.type).toBe('endpoint.failing');
    expect(failing.data).toMatchObject({ endpointId: endpoint.id, url: rx.url, lastOutcome: 'HTTP_ERROR', lastResponseStatus: 503 });
    expect(failing.data.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(Date.parse(failing.data.failingSince as string)).toBeLessThanOrEqual(Date.parse(failing.data.lastFailureAt as string));

    await rx.waitFor(5);
    const during = await waitUntil('five failures counted', async () => {
      const e = await health(own.apiKey, endpoint.id);
      return e.consecutiveFailures === 5 ? e : null;
    });
    expect(during).toMatchObject({ status: 'ACTIVE', failing: true, failingSince: failing.data.failingSince });
    // Failures past the threshold do not warn again.
    await expectQuiet(watcherRx, 1, 1_000);

    status = 200;
    await publish(t, own.apiKey, messageReceived(6));
    const [, recovery] = await watcherRx.waitFor(2);
    const recovered = envelope(recovery!);
    expect(recovered.type).toBe('endpoint.recovered');
    expect(recovered.data).toMatchObject({ endpointId: endpoint.id, url: rx.url });
    const after = await health(own.apiKey, endpoint.id);
    expect(after).toMatchObject({ consecutiveFailures: 0, failingSince: null, failing: false, recoveredAt: recovered.data.recoveredAt });

    // A success while not failing announces nothing.
    await publish(t, own.apiKey, messageReceived(7));
    await rx.waitFor(7);
    await expectQuiet(watcherRx, 2, 1_000);
  }, 60_000);

  it('does not count failed manual retries: only the schedule warns', async () => {
    const { own, rx, watcherRx, endpoint } = await setUp(() => 500);
    await publish(t, own.apiKey, messageReceived(1));
    await rx.waitFor(1);
    const [delivery, ...none] = await endpointDeliveries(t, own.apiKey, endpoint.id);
    expect(none).toHaveLength(0);
    for (let i = 0; i < 4; i++) {
      await retryDelivery(t, own.apiKey, delivery!.id);
      await waitForDelivery(t, own.apiKey, delivery!.id, (d) => d.attempts.length === i + 2);
    }
    expect(await health(own.apiKey, endpoint.id)).toMatchObject({ consecutiveFailures: 1, failing: false });
    await expectQuiet(watcherRx, 0, 500);

    // Two more scheduled failures make three in a row.
    await publishMany(t, own.apiKey, [messageReceived(2), messageReceived(3)]);
    const [warning] = await watcherRx.waitFor(1);
    expect(envelope(warning!).data).toMatchObject({ endpointId: endpoint.id, consecutiveFailures: 3 });
  }, 60_000);
});

describe('the batch rule', () => {
  /** A pending delivery of the endpoint per entry, attempted by nobody (the API alone runs). */
  async function pendingDeliveries(count: number) {
    const own = await t.newAccount('batch');
    const endpoint = await createEndpoint(t, own.apiKey, { url: 'http://127.0.0.1:9/none', description: 'batch', eventTypes: ['message.received'] });
    await sql(t, `UPDATE endpoint SET status = 'PAUSED' WHERE id = $1`, [endpoint.id]);
    await publishMany(t, own.apiKey, Array.from({ length: count }, (_, i) => messageReceived(i)));
    const rows = await sql<{ id: string }>(t, `SELECT id FROM delivery WHERE endpoint_id = $1 ORDER BY created_at, id`, [endpoint.id]);
    return { own, endpointId: endpoint.id, deliveryIds: rows.map((r) => r.id) };
  }

  function attempt(deliveryId: string, ok: boolean, at: number, trigger: AttemptRecord['trigger'] = 'SCHEDULED'): AttemptRecord {
    return {
      id: `att_${randomUUID()}`,
      deliveryId,
      attemptNumber: 1,
      trigger,
      outcome: ok ? 'SUCCESS' : 'HTTP_ERROR',
      startedAt: new Date(at),
      durationMs: 5,
      requestHeaders: {},
      responseStatus: ok ? 200 : 500,
      responseHeaders: {},
      responseBody: '',
      error: null,
      settlement: { status: ok ? 'SUCCEEDED' : 'PENDING', nextAttemptAt: ok ? null : new Date(at + 3_600_000), willRetry: !ok, effect: { kind: 'none' } },
    };
  }

  async function record(records: AttemptRecord[], failingAfter: number) {
    const rows = await sql(t, RECORD_ATTEMPTS.text, RECORD_ATTEMPTS.values({ attempts: records.map(storedAttempt), failingAfter }));
    const [endpoint] = await sql(t, `SELECT consecutive_failures, failing_since, failing_notified_at, recovered_at, last_success_at FROM endpoint
                                     WHERE id = (SELECT endpoint_id FROM delivery WHERE id = $1)`, [records[0]!.deliveryId]);
    return { transitions: healthTransitions(rows as never), endpoint: endpoint! };
  }

  it('counts the failures after the batch’s last success, and can recover and warn again in one statement', async () => {
    const { deliveryIds: d } = await pendingDeliveries(8);
    const at = Date.parse('2026-12-02T10:00:00Z');
    // fail, fail, fail (warns), success (recovers), fail, fail, fail (warns again), manual fail (not counted)
    const first = await record([attempt(d[0]!, false, at), attempt(d[1]!, false, at + 1000), attempt(d[2]!, false, at + 2000)], 3);
    expect(first.transitions.map((x) => x.kind)).toEqual(['failing']);
    expect(first.endpoint).toMatchObject({ consecutive_failures: 3, failing_since: new Date(at + 5), failing_notified_at: new Date(at + 2005) });

    const second = await record(
      [attempt(d[3]!, true, at + 3000), attempt(d[4]!, false, at + 4000), attempt(d[5]!, false, at + 5000), attempt(d[6]!, false, at + 6000), attempt(d[7]!, false, at + 7000, 'MANUAL')],
      3,
    );
    expect(second.transitions.map((x) => [x.kind, x.at && new Date(x.at).getTime()])).toEqual([
      ['recovered', at + 3005],
      ['failing', at + 6005],
    ]);
    expect(second.endpoint).toMatchObject({
      consecutive_failures: 3,
      failing_since: new Date(at + 4005),
      failing_notified_at: new Date(at + 6005),
      recovered_at: new Date(at + 3005),
      last_success_at: new Date(at + 3005),
    });
  });

  it('announces endpoint.failing in the transaction that records the failures: an announcement that fails records nothing', async () => {
    const { own, endpointId, deliveryIds: d } = await pendingDeliveries(3);
    await createEndpoint(t, own.apiKey, { url: 'http://127.0.0.1:9/watcher', description: 'watcher', eventTypes: ['endpoint.failing'] });
    const pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
    const recorder = new AttemptRecorder(pool, { db: t.app.services.db, failingAfter: 3 }, createLogger('silent'));
    const at = Date.parse('2026-12-02T11:00:00Z');
    const batch = () => d.map((id, i) => recorder.record(attempt(id, false, at + i * 1000)));
    const seen = async () => {
      const [row] = await sql<{ attempts: number; failures: number; warnings: number }>(
        t,
        `SELECT (SELECT count(*)::int FROM delivery_attempt WHERE delivery_id = ANY($1::text[])) AS attempts,
                (SELECT consecutive_failures FROM endpoint WHERE id = $2) AS failures,
                (SELECT count(*)::int FROM event WHERE account_id = $3 AND type = 'endpoint.failing') AS warnings`,
        [d, endpointId, own.accountId],
      );
      return row!;
    };
    // The fault: the announcement's insert fails (as a crash between the two would leave it).
    const fault = `refuse_${randomUUID().replaceAll('-', '')}`;
    await sql(t, `CREATE FUNCTION ${fault}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'announcement refused'; END $$`);
    await sql(t, `CREATE TRIGGER ${fault} BEFORE INSERT ON event FOR EACH ROW WHEN (NEW.account_id = '${own.accountId}') EXECUTE FUNCTION ${fault}()`);
    try {
      const refused = await Promise.allSettled(batch());
      expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      // Neither the failures nor their warning: the deliveries stay pending, to be sent again.
      expect(await seen()).toEqual({ attempts: 0, failures: 0, warnings: 0 });
    } finally {
      await sql(t, `DROP TRIGGER ${fault} ON event`);
      await sql(t, `DROP FUNCTION ${fault}()`);
    }
    // Sent again and recorded: the failures and their warning, together.
    const recorded = await Promise.all(batch());
    expect(recorded.map((r) => r?.id)).toEqual(d);
    expect(await seen()).toEqual({ attempts: 3, failures: 3, warnings: 1 });
    // Those batches were refused alone and recorded in a transaction with the announcement.
    expect(recorder.stats.announced).toBeGreaterThan(0);
    await recorder.drain();
    await pool.end();
  });
});
