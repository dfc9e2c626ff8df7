// Resilience with real processes: a worker killed with SIGKILL in the middle of an attempt does
// not leave its delivery stuck (another worker takes the endpoint's lane over once the dead
// worker's lease runs out, and the killed attempt leaves no trace), and a Postgres restart while
// events flow loses no accepted event: the running service reconnects by itself and delivers
// every one of them. A graphile-worker runner (the crontab's) that ends on its own (as it does when
// the database fails under a batch of completions) is replaced.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { CreateEndpointDocument } from '../packages/client/src/generated/graphql.ts';
import { startApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.ts';
import { createAccount } from '../src/domain/accounts.ts';
import { createLogger, type LogLevel } from '../src/log.ts';
import { ADMIN_KEY, startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from './support/app.ts';
import { spawnWorker, type Child } from './support/processes.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { freePort } from '../src/db/local.ts';
import { newId } from '../src/db/ids.ts';
import { expectQuiet, startReceiver, type Receiver } from './support/receiver.ts';
import { sleep, waitUntil } from './support/wait.ts';

const LOG_LEVEL = (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent';



// ---------------------------------------------------------------------------------------------
// GraphQL over real HTTP

const CREATE_ENDPOINT = CreateEndpointDocument.toString();

// The test's own: it reads back the event's id alone, so that an accepted publish is its commit and
// nothing read after it (the client's publishEvent reads the deliveries too, which an outage could
// fail after the commit).
const PUBLISH_EVENT = /* GraphQL */ `
  mutation ResiliencePublish($input: PublishEventInput!) {
    publishEvent(input: $input) {
      __typename
      ... on PublishEventSuccess { event { id } }
      ... on ValidationError { message }
    }
  }
`;

interface GqlResponse {
  status: number;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string }> } | null;
  text: string;
}

async function gql(url: string, key: string, query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<GqlResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: GqlResponse['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the assertion messages
  }
  return { status: response.status, body, text };
}

async function createEndpoint(url: string, key: string, input: Record<string, unknown>): Promise<string> {
  const result = await gql(url, key, CREATE_ENDPOINT, { input });
  const payload = result.body?.data?.createEndpoint;
  if (payload?.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint failed: ${result.status} ${result.text}`);
  return payload.endpoint.id as string;
}

function messageReceived(n: number) {
  return {
    type: 'message.received',
    sessionId: 'session-resilience',
    data: {
      messageId: `wamid.RESILIENCE${n}`,
      from: '15551234567',
      messageType: 'text',
      content: { text: `message ${n}` },
      timestamp: new Date().toISOString(),
    },
  };
}

/** The event id of an accepted publish; null when the service answered with an error. */
function acceptedEventId(result: GqlResponse): string | null {
  const payload = result.body?.data?.publishEvent;
  if (payload?.__typename === 'PublishEventSuccess' && typeof payload.event?.id === 'string') return payload.event.id;
  return null;
}

// ---------------------------------------------------------------------------------------------
// A worker as a separate OS process

async function waitForOutput(started: Child, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(started.output())) return;
    if (started.child.exitCode !== null || started.child.signalCode !== null) break;
    await sleep(100);
  }
  throw new Error(`worker did not print ${pattern}; its output:\n${started.output()}`);
}

/** A receiver that answers 200 after delayMs, so attempts are in flight when Postgres goes away. */
async function startSlowReceiver(delayMs: number): Promise<{ url: string; webhookIds: string[]; close(): Promise<void> }> {
  const webhookIds: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      webhookIds.push(String(req.headers['webhook-id']));
      setTimeout(() => res.writeHead(200).end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    webhookIds,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function withPg<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------

describe('a worker killed with SIGKILL in the middle of an attempt', () => {
  it('leaves nothing stuck: another worker takes the lane over, delivers it, and records one attempt', { timeout: 110_000 }, async () => {
    // A lane stays with its worker for the endpoint's timeout plus this grace: then it is free.
    const SHORT_LEASE = { HOOKWIRE_LANE_LEASE_GRACE_MS: '500' };
    const TIMEOUT_MS = 4_000;
    let db: TestDatabase | null = null;
    let api: TestApp | null = null;
    let secondWorker: TestApp | null = null;
    let receiver: Receiver | null = null;
    let first: Child | null = null;
    try {
      db = await createTestDatabase();
      api = await startTestApp({ role: 'api', database: db });
      // The first request hangs (the worker dies while waiting for it); every later one gets 200.
      receiver = await startReceiver((_request, index) => (index === 0 ? 'hang' : { status: 200, body: 'ok' }));
      const { apiKey } = await api.newAccount('resilience sigkill');
      const endpointId = await createEndpoint(api.url, apiKey, {
        url: receiver.url,
        description: 'hangs once',
        eventTypes: ['message.received'],
        retrySchedule: [1],
        timeoutMs: TIMEOUT_MS,
      });

      const t0 = Date.now();
      first = spawnWorker({
        DATABASE_URL: db.url,
        HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKWIRE_ADMIN_KEY: ADMIN_KEY,
        PORT: '0',
        LOG_LEVEL: 'info',
        ...SHORT_LEASE,
      });
      await waitForOutput(first, /worker ready/, 60_000);

      const published = await gql(api.url, apiKey, PUBLISH_EVENT, { input: messageReceived(1) });
      const eventId = acceptedEventId(published);
      expect(eventId, published.text).toMatch(/^evt_/);

      const [hanging] = await receiver.waitFor(1, 30_000);
      expect(hanging!.headers['webhook-id']).toBe(eventId);
      const { rows: deliveryRows } = await withPg(db.url, (c) =>
        c.query<{ id: string }>('SELECT id FROM delivery WHERE event_id = $1', [eventId]),
      );
      expect(deliveryRows).toHaveLength(1);
      const deliveryId = deliveryRows[0]!.id;

      // The endpoint's lane is leased by the worker that is about to die.
      const lease = await withPg(db.url, async (c) => {
        const { rows } = await c.query<{ leased_by: string | null; lease_until: Date | null }>(
          'SELECT leased_by, lease_until FROM endpoint_lane WHERE endpoint_id = $1',
          [endpointId],
        );
        return rows[0];
      });
      expect(lease?.leased_by).toMatch(/\/\d+\//);
      expect(lease!.lease_until!.getTime()).toBeGreaterThan(Date.now());

      first.child.kill('SIGKILL');
      const exit = await first.exited;
      expect(exit.signal).toBe('SIGKILL');
      const killedAt = Date.now();

      // Nothing was recorded for the attempt that died with its process.
      const before = await withPg(db.url, async (c) => {
        const { rows } = await c.query<{ status: string; attempt_count: number; n: number }>(
          'SELECT status, attempt_count, (SELECT count(*)::int FROM delivery_attempt WHERE delivery_id = d.id) AS n FROM delivery d WHERE id = $1',
          [deliveryId],
        );
        return rows[0];
      });
      expect(before).toEqual({ status: 'PENDING', attempt_count: 0, n: 0 });

      secondWorker = await startTestApp({ role: 'worker', database: db, env: SHORT_LEASE });

      const requests = await receiver.waitFor(2, 60_000);
      const recoveredAfterMs = Date.now() - killedAt;
      const again = requests[1]!;
      // Not before the dead worker's lease ran out: until then its attempt might still have been in flight.
      expect(again.at).toBeGreaterThanOrEqual(lease!.lease_until!.getTime() - 50);
      expect(again.headers['webhook-id']).toBe(eventId);
      expect(again.body).toBe(hanging!.body);
      // The killed attempt was never recorded, so this one is attempt 1 again.
      expect(again.headers['x-webhook-delivery-attempt']).toBe('1');

      const done = await waitUntil(
        'the delivery to end SUCCEEDED',
        () =>
          withPg(db!.url, async (c) => {
            const { rows } = await c.query<{ status: string; attempt_count: number }>('SELECT status, attempt_count FROM delivery WHERE id = $1', [deliveryId]);
            return rows[0]?.status === 'SUCCEEDED' ? rows[0] : undefined;
          }),
        20_000,
      );
      expect(done.attempt_count).toBe(1);

      // Nothing stuck and nothing doubled: one attempt recorded, the lane given back idle, no further request.
      const lane = await waitUntil('the lane given back', () =>
        withPg(db!.url, async (c) => {
          const { rows } = await c.query<{ leased_by: string | null; ready_at: Date | null }>(
            'SELECT leased_by, ready_at FROM endpoint_lane WHERE endpoint_id = $1',
            [endpointId],
          );
          return rows[0]?.leased_by === null ? rows[0] : undefined;
        }),
      );
      expect(lane.ready_at).toBeNull();
      const attempts = await withPg(db.url, async (c) => {
        const { rows } = await c.query<{ attempt_number: number; outcome: string; response_status: number | null }>(
          'SELECT attempt_number, outcome, response_status FROM delivery_attempt WHERE delivery_id = $1',
          [deliveryId],
        );
        return rows;
      });
      expect(attempts).toEqual([{ attempt_number: 1, outcome: 'SUCCESS', response_status: 200 }]);
      await expectQuiet(receiver, 2, 1_500);

      console.log(
        `[resilience] SIGKILL: worker ready + publish in ${killedAt - t0} ms; lane taken over and redelivered ${recoveredAfterMs} ms after the kill (timeout ${TIMEOUT_MS} ms + lease grace 500 ms)`,
      );
    } finally {
      if (first && first.child.exitCode === null && first.child.signalCode === null) {
        first.child.kill('SIGKILL');
        await first.exited;
      }
      await secondWorker?.stop().catch(() => {});
      await api?.stop().catch(() => {});
      await receiver?.close().catch(() => {});
      await db?.drop().catch(() => {});
    }
  });
});

describe('a Postgres restart while deliveries flow', () => {
  it('loses no accepted event and the running service reconnects by itself', { timeout: 110_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hookwire-resilience-pg-'));
    // As root, Postgres runs as the "postgres" user, which must reach its cluster.
    await chmod(dataDir, 0o755);
    const port = await freePort();
    let database: EmbeddedDatabase | null = null;
    let app: App | null = null;
    let receiver: Awaited<ReturnType<typeof startSlowReceiver>> | null = null;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      database = await startEmbeddedPostgres({ dataDir, port, database: 'hookwire' });
      const databaseUrl = database.url;
      app = await startApp(
        loadConfig({
          DATABASE_URL: databaseUrl,
          PORT: '0',
          HOOKWIRE_ADMIN_KEY: ADMIN_KEY,
          HOOKWIRE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true',
          HOOKWIRE_SHUTDOWN_TIMEOUT_MS: '5000',
        }),
        'all',
        createLogger(LOG_LEVEL),
      );
      const apiUrl = app.api!.url;
      const origin = new URL(apiUrl).origin;
      // Answers 200 after 300 ms: at any moment some attempts are in flight, so the outage also
      // hits attempts that were sent and must then be recorded.
      receiver = await startSlowReceiver(300);
      const { apiKey } = await createAccount(app.services.db, 'resilience pg restart');
      await createEndpoint(apiUrl, apiKey, {
        url: receiver.url,
        description: 'always 200',
        eventTypes: ['message.received'],
        retrySchedule: [1, 1, 2, 2, 5, 5, 10],
      });

      const accepted: Array<{ id: string; at: number }> = [];
      const refused: Array<{ at: number; what: string }> = [];
      const phases = { stopping: 0, stopped: 0, restarting: 0, restarted: 0 };

      // Postgres goes away 1.5 s into the publishing, stays down 1.5 s, and comes back on the
      // same data directory and port.
      const restart = (async () => {
        await sleep(1_500);
        phases.stopping = Date.now();
        await database!.stop();
        phases.stopped = Date.now();
        await sleep(1_500);
        phases.restarting = Date.now();
        database = await startEmbeddedPostgres({ dataDir, port, database: 'hookwire' });
        phases.restarted = Date.now();
      })();
      let restartError: unknown = null;
      restart.catch((error) => (restartError = error));

      // Publishes every 100 ms for at least 6 s, and on until 3 s after Postgres is back (bounded).
      const started = Date.now();
      for (let n = 0; n < 200; n++) {
        const now = Date.now();
        const restartedLongEnough = phases.restarted > 0 && now - phases.restarted > 3_000;
        if (now - started > 6_000 && (restartedLongEnough || restartError || now - started > 20_000)) break;
        try {
          const result = await gql(apiUrl, apiKey, PUBLISH_EVENT, { input: messageReceived(n) }, 5_000);
          const id = acceptedEventId(result);
          if (id) {
            // Accepted means a 200 with no error alongside.
            expect(result.status).toBe(200);
            expect(result.body?.errors).toBeUndefined();
            accepted.push({ id, at: Date.now() });
          } else {
            // An error, never something that reads as a success.
            expect(result.body?.data?.publishEvent?.__typename).not.toBe('PublishEventSuccess');
            refused.push({ at: Date.now(), what: `${result.status} ${result.body?.errors?.[0]?.message ?? result.text.slice(0, 200)}` });
          }
        } catch (error) {
          refused.push({ at: Date.now(), what: `request failed: ${(error as Error).message}` });
        }
        await sleep(100);
      }
      await restart;
      expect(restartError).toBeNull();

      // The outage was real (publishes were refused) and the service took events on both sides of it.
      expect(refused.length, 'no publish was refused: the outage was not observed').toBeGreaterThan(0);
      expect(accepted.filter((a) => a.at < phases.stopping).length).toBeGreaterThan(0);
      expect(
        accepted.filter((a) => a.at > phases.restarted).length,
        `no publish accepted after Postgres came back; refusals after it: ${refused
          .filter((r) => r.at > phases.restarted)
          .map((r) => r.what)
          .slice(-3)
          .join(' | ')}`,
      ).toBeGreaterThan(0);

      // Every accepted event reaches the receiver (at least once), with no restart of the service.
      const acceptedIds = new Set(accepted.map((a) => a.id));
      const deliveredAt = Date.now();
      const missing = () => {
        const received = new Set(receiver!.webhookIds);
        return [...acceptedIds].filter((id) => !received.has(id));
      };
      const deadline = Date.now() + 60_000;
      while (missing().length > 0 && Date.now() < deadline) await sleep(200);
      const allReceivedAfterMs = Date.now() - deliveredAt;
      const stillMissing = missing();
      if (stillMissing.length > 0) {
        const diagnosis = await withPg(database!.url, async (c) => {
          const { rows } = await c.query(
            `SELECT d.event_id, d.id, d.status, d.attempt_count, d.next_attempt_at, l.ready_at, l.leased_by, l.lease_until
               FROM delivery d JOIN endpoint_lane l ON l.endpoint_id = d.endpoint_id
              WHERE d.event_id = ANY($1::text[])`,
            [stillMissing],
          );
          return rows;
        }).catch((error) => `could not query: ${(error as Error).message}`);
        expect.fail(
          `${stillMissing.length} of ${acceptedIds.size} accepted events never reached the receiver within 60 s: ${JSON.stringify(diagnosis, null, 1)}`,
        );
      }

      const ready = await waitUntil(
        '/readyz to answer 200',
        async () => {
          const response = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
          await response.text();
          return response.status === 200 ? response.status : undefined;
        },
        30_000,
        250,
      );
      expect(ready).toBe(200);

      // Nothing stuck: every accepted event's delivery ends SUCCEEDED (an attempt whose recording
      // failed in the outage is attempted again), and no database error escaped as an unhandled
      // rejection (which ends a real `src/main.ts` process: Node's default is to crash).
      const unsettled = async () =>
        withPg(database!.url, async (c) => {
          const { rows } = await c.query(
            `SELECT d.event_id, d.status, d.attempt_count, d.next_attempt_at, l.ready_at, l.leased_by, l.lease_until
               FROM delivery d JOIN endpoint_lane l ON l.endpoint_id = d.endpoint_id
              WHERE d.event_id = ANY($1::text[]) AND d.status <> 'SUCCEEDED'`,
            [[...acceptedIds]],
          );
          return rows;
        });
      const settleDeadline = Date.now() + 20_000;
      let notSucceeded = await unsettled();
      while (notSucceeded.length > 0 && Date.now() < settleDeadline) {
        await sleep(250);
        notSucceeded = await unsettled();
      }
      expect
        .soft(notSucceeded, `${notSucceeded.length} of ${acceptedIds.size} accepted events' deliveries are not SUCCEEDED 20 s after all reached the receiver`)
        .toEqual([]);
      expect
        .soft(unhandled.map((e) => String(e)), 'unhandled rejections in the service while Postgres restarted')
        .toEqual([]);

      console.log(
        `[resilience] Postgres restart: ${accepted.length} accepted, ${refused.length} refused; ` +
          `Postgres down ${phases.restarted - phases.stopping} ms (stop ${phases.stopped - phases.stopping} ms, start ${phases.restarted - phases.restarting} ms); ` +
          `first publish accepted ${(accepted.find((a) => a.at > phases.restarted)?.at ?? NaN) - phases.restarted} ms after restart; ` +
          `all accepted received ${allReceivedAfterMs} ms after publishing ended; received ${receiver.webhookIds.length} requests; ${notSucceeded.length} deliveries not SUCCEEDED; ${unhandled.length} unhandled rejections; refusals: ${JSON.stringify([...new Set(refused.map((r) => r.what))])}`,
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await app?.stop().catch(() => {});
      await receiver?.close().catch(() => {});
      await database?.stop().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a worker runner that ends without being asked to', () => {
  it('is replaced, and the crontab\'s tasks run again', { timeout: 60_000 }, async () => {
    const t = await startTestApp({ role: 'all' });
    try {
      const { accountId } = await t.newAccount('runner supervision');
      // The crontab's purge_expired task, seen by what it removes: an idempotency key past its 24
      // hours (history itself goes by whole weekly partitions, test/db/partitions.test.ts).
      const purgedEvent = async () => {
        const eventId = newId('Event');
        const key = `expired-${eventId}`;
        await withPg(t.db.url, async (c) => {
          await c.query(`INSERT INTO event (id, account_id, type, data, payload) VALUES ($1, $2, 'webhook.test', '{}', '{}')`, [eventId, accountId]);
          await c.query(`INSERT INTO idempotency_key (account_id, key, event_id, expires_at) VALUES ($1, $2, $3, now() - interval '1 day')`, [accountId, key, eventId]);
        });
        await withPg(t.db.url, (c) => c.query(`SELECT graphile_worker.add_job('purge_expired')`));
        await waitUntil(`the purge to remove the expired key ${key}`, () =>
          withPg(t.db.url, async (c) => ((await c.query('SELECT 1 FROM idempotency_key WHERE account_id = $1 AND key = $2', [accountId, key])).rowCount === 0 ? true : undefined)),
        20_000);
      };
      await purgedEvent();

      // What graphile-worker does when the database fails under a batch of completions: the
      // runner ends although nobody stopped the worker.
      const first = t.app.worker!.runner;
      await first.stop();
      const replacement = await waitUntil('a new runner', () => (t.app.worker!.runner !== first ? t.app.worker!.runner : null), 20_000);
      expect(replacement).not.toBe(first);
      await purgedEvent();
    } finally {
      await t.stop();
    }
  });
});
