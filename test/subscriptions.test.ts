// The live side as a client sees it, over graphql-ws with the graphql-ws package's own client:
// attempts made by a worker in another process reach an API process's subscribers (Postgres
// LISTEN/NOTIFY), filters, tenant isolation, endpoint status changes, authentication at connection
// time, no leak of listeners or sockets, and a subscriber that never reads slows nothing down.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentTypeDecoration, ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql } from './generated/index.ts';
import {
  CreateEndpointDocument as CreateEndpoint,
  DeliveriesDocument as EndpointDeliveries,
  DeliveryAttemptedDocument as AttemptedSub,
  EndpointStatusChangedDocument as StatusSub,
  PauseEndpointDocument as PauseEndpoint,
  PublishEventDocument as PublishEvent,
  ResumeEndpointDocument as ResumeEndpoint,
} from '../packages/client/src/generated/graphql.ts';
import { queryOf, startTestApp, type TestApp, TEST_ENCRYPTION_KEY } from './support/app.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { findEventType } from '../src/domain/catalog.ts';
import { sleep, waitUntil } from './support/wait.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Operations: packages/client's, and the slow-reader test's own, as heavy as a subscriber can ask
// for (bodies and headers of every attempt).

const HeavyAttemptedSub = graphql(`
  subscription LiveHeavyDeliveryAttempted {
    deliveryAttempted {
      id
      requestBody
      requestHeaders
      responseBody
      responseHeaders
      delivery {
        id
        event {
          id
          data
          payload
        }
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// Helpers.



async function createEndpoint(t: TestApp, key: string, input: { url: string; eventTypes: string[]; sessionIds?: string[] }) {
  const result = await t.gql(CreateEndpoint, { input: { description: 'subscriptions test', ...input } }, key);
  const created = result.data?.createEndpoint;
  if (created?.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint failed: ${JSON.stringify(result)}`);
  return created.endpoint.id;
}

async function publish(t: TestApp, key: string, type: string, sessionId: string, data?: unknown) {
  const result = await t.gql(PublishEvent, { input: { type, sessionId, data: data ?? findEventType(type)!.example } }, key);
  const published = result.data?.publishEvent;
  if (published?.__typename !== 'PublishEventSuccess') throw new Error(`publishEvent failed: ${JSON.stringify(result)}`);
  return published.event;
}

async function deliveriesOf(t: TestApp, key: string, endpointId: string) {
  const result = await t.gql(EndpointDeliveries, { first: 100, endpointId }, key);
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.deliveries;
}

interface Subscription<T> {
  items: T[];
  errors: unknown[];
  completed: boolean;
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  unsubscribe(): void;
}

/** What a test opened, closed after it whatever its outcome, so a failure does not leak into the next test. */
const opened = { clients: [] as Client[], subscriptions: [] as Array<Subscription<unknown>> };

function subscribe<D extends DocumentTypeDecoration<any, any>>(
  client: Client,
  document: D,
  variables?: VariablesOf<D>,
  options: { track?: boolean } = {},
): Subscription<ResultOf<D>> {
  const sub: Subscription<ResultOf<D>> = {
    items: [],
    errors: [],
    completed: false,
    async waitFor(count, timeoutMs = 20_000) {
      await waitUntil(
        `${count} subscription payloads (got ${sub.items.length}, errors ${JSON.stringify(sub.errors)})`,
        () => sub.items.length >= count || sub.errors.length > 0,
        timeoutMs,
      );
      if (sub.items.length < count) throw new Error(`subscription failed: ${JSON.stringify(sub.errors)}`);
      return sub.items;
    },
    unsubscribe: () => {},
  };
  sub.unsubscribe = client.subscribe<ResultOf<D>>(
    { query: queryOf(document), variables: variables as Record<string, unknown> | undefined },
    {
      next: (result) => {
        if (result.errors) sub.errors.push(result.errors);
        if (result.data) sub.items.push(result.data);
      },
      error: (error) => sub.errors.push(error),
      complete: () => {
        sub.completed = true;
      },
    },
  );
  if (options.track !== false) opened.subscriptions.push(sub as Subscription<unknown>);
  return sub;
}

function newClient(app: TestApp, connectionParams: Record<string, unknown> | undefined, on?: Parameters<typeof createClient>[0]['on']) {
  const client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on,
  });
  opened.clients.push(client);
  return client;
}

function listeners(t: TestApp): number {
  return t.app.notifications!.listenerCount;
}

/** Subscribing is asynchronous on the server: wait until its listeners are in place. */
async function waitForListeners(t: TestApp, count: number): Promise<void> {
  await waitUntil(`${count} notification listeners (have ${listeners(t)})`, () => listeners(t) >= count, 10_000);
}

function unique<T>(values: T[]): boolean {
  return new Set(values).size === values.length;
}

// ---------------------------------------------------------------------------------------------
// An API process here, a worker in a separate process, one shared database.

let t: TestApp;
let worker: ChildProcess | null = null;
const workerOutput: string[] = [];
let receiver: Receiver;
let alice: { accountId: string; apiKey: string };
let bob: { accountId: string; apiKey: string };
const aliceParams = () => ({ authorization: `Bearer ${alice.apiKey}` });
const bobParams = () => ({ authorization: `Bearer ${bob.apiKey}` });

beforeAll(async () => {
  t = await startTestApp({ role: 'api' });
  receiver = await startReceiver(() => ({ status: 200, body: 'ok' }));
  alice = await t.newAccount('alice');
  bob = await t.newAccount('bob');

  const child = spawn(process.execPath, ['src/main.ts', 'worker'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: t.db.url, HOOKWIRE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'warn', HOOKWIRE_SHUTDOWN_TIMEOUT_MS: '3000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker = child;
  child.stdout!.on('data', (chunk: Buffer) => workerOutput.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => workerOutput.push(chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the worker process exited early (${code}): ${workerOutput.join('')}`);
  });
  await Promise.race([waitUntil('the worker process to be ready', () => /worker ready/.test(workerOutput.join('')), 45_000), exited]);
  exited.catch(() => {});
}, 90_000);

afterAll(async () => {
  try {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = once(worker, 'exit');
      worker.kill('SIGTERM');
      const timer = setTimeout(() => worker?.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  } finally {
    await t?.stop();
    await receiver?.close();
  }
}, 60_000);

afterEach(async () => {
  for (const sub of opened.subscriptions.splice(0)) sub.unsubscribe();
  await Promise.all(opened.clients.splice(0).map((client) => client.dispose()));
  if (t) await waitUntil('the listeners of the test to go', () => listeners(t) === 0, 5_000).catch(() => {});
});

describe('deliveryAttempted across processes', () => {
  it('receives the attempts a worker in another process makes', async () => {
    expect(t.app.worker).toBeNull(); // this process only serves the API
    const endpointId = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['message.*'], sessionIds: ['t1'] });
    const client = newClient(t, aliceParams());
    const before = listeners(t);
    const sub = subscribe(client, AttemptedSub);
    await waitForListeners(t, before + 1);

    const started = Date.now();
    const published = [
      await publish(t, alice.apiKey, 'message.received', 't1'),
      await publish(t, alice.apiKey, 'message.delivered', 't1'),
      await publish(t, alice.apiKey, 'message.read', 't1'),
    ];
    const items = await sub.waitFor(3, 20_000);
    const elapsed = Date.now() - started;
    await sleep(500);
    expect(sub.errors).toEqual([]);
    expect(sub.items).toHaveLength(3);
    const attempts = items.map((item) => item.deliveryAttempted);
    expect(unique(attempts.map((a) => a.id))).toBe(true);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ outcome: 'SUCCESS', attemptNumber: 1, responseStatus: 200, willRetry: false });
      expect(attempt.id).toMatch(/^att_/);
      expect(attempt.delivery.endpoint.id).toBe(endpointId);
    }
    expect(attempts.map((a) => a.delivery.event.id).sort()).toEqual(published.map((e) => e.id).sort());
    const deliveries = await deliveriesOf(t, alice.apiKey, endpointId);
    expect(attempts.map((a) => a.delivery.id).sort()).toEqual(deliveries.edges.map((e) => e.node.id).sort());
    expect(deliveries.stats).toMatchObject({ total: 3, succeeded: 3 });
    expect(elapsed).toBeLessThan(20_000);
    sub.unsubscribe();
  }, 40_000);

  it('deliveryAttempted(endpointId:) and (eventTypes:) receive only matching attempts', async () => {
    const x = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['message.*', 'session.*'], sessionIds: ['t2'] });
    const y = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['session.*', 'message.read'], sessionIds: ['t2'] });
    // One connection, three subscriptions, as a dashboard would have them.
    const client = newClient(t, aliceParams());
    const before = listeners(t);
    const onlyY = subscribe(client, AttemptedSub, { endpointId: y });
    const onlyMessages = subscribe(client, AttemptedSub, { eventTypes: ['message.*'] });
    const all = subscribe(client, AttemptedSub, {});
    await waitForListeners(t, before + 3);

    await publish(t, alice.apiKey, 'message.received', 't2'); // x
    await publish(t, alice.apiKey, 'session.disconnected', 't2'); // x, y
    await publish(t, alice.apiKey, 'message.read', 't2'); // x, y
    await publish(t, alice.apiKey, 'session.connected', 't2'); // x, y

    // The truth first: every attempt is made and recorded.
    await waitUntil('the 7 deliveries to succeed', async () => {
      const [dx, dy] = await Promise.all([deliveriesOf(t, alice.apiKey, x), deliveriesOf(t, alice.apiKey, y)]);
      return dx.stats.succeeded === 4 && dy.stats.succeeded === 3;
    });
    // Then a bounded grace for the notifications, and a little more for anything extra.
    await waitUntil('the subscribers to hear of them', () => all.items.length >= 7 && onlyY.items.length >= 3 && onlyMessages.items.length >= 3, 5_000).catch(
      () => {},
    );
    await sleep(1000);

    const deliveriesX = await deliveriesOf(t, alice.apiKey, x);
    const deliveriesY = await deliveriesOf(t, alice.apiKey, y);
    expect(deliveriesX.stats).toMatchObject({ total: 4, succeeded: 4 });
    expect(deliveriesY.stats).toMatchObject({ total: 3, succeeded: 3 });

    for (const sub of [all, onlyY, onlyMessages]) expect(sub.errors).toEqual([]);
    const attemptsOf = (sub: Subscription<ResultOf<typeof AttemptedSub>>) => sub.items.map((i) => i.deliveryAttempted);

    expect(attemptsOf(all)).toHaveLength(7);
    expect(unique(attemptsOf(all).map((a) => a.id))).toBe(true);
    expect(attemptsOf(all).map((a) => a.delivery.id).sort()).toEqual(
      [...deliveriesX.edges, ...deliveriesY.edges].map((e) => e.node.id).sort(),
    );

    expect(attemptsOf(onlyY)).toHaveLength(3);
    expect(unique(attemptsOf(onlyY).map((a) => a.id))).toBe(true);
    expect(attemptsOf(onlyY).every((a) => a.delivery.endpoint.id === y)).toBe(true);
    expect(attemptsOf(onlyY).map((a) => a.delivery.id).sort()).toEqual(deliveriesY.edges.map((e) => e.node.id).sort());

    expect(attemptsOf(onlyMessages)).toHaveLength(3);
    expect(unique(attemptsOf(onlyMessages).map((a) => a.id))).toBe(true);
    expect(attemptsOf(onlyMessages).map((a) => a.delivery.event.type).sort()).toEqual(['message.read', 'message.read', 'message.received']);
    expect(attemptsOf(onlyMessages).filter((a) => a.delivery.endpoint.id === x)).toHaveLength(2);

    for (const sub of [all, onlyY, onlyMessages]) sub.unsubscribe();
  }, 60_000);
});

describe('tenant isolation', () => {
  it("another account's subscription receives nothing of A's attempts", async () => {
    const endpointId = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['*'], sessionIds: ['t3'] });
    const before = listeners(t);
    const bobSub = subscribe(newClient(t, bobParams()), AttemptedSub, {});
    // Even naming A's endpoint does not help B.
    const bobNamingAlice = subscribe(newClient(t, bobParams()), AttemptedSub, { endpointId });
    const aliceSub = subscribe(newClient(t, aliceParams()), AttemptedSub, {});
    await waitForListeners(t, before + 3);

    for (let i = 0; i < 3; i++) await publish(t, alice.apiKey, 'message.received', 't3');
    await waitUntil('the 3 deliveries to succeed', async () => (await deliveriesOf(t, alice.apiKey, endpointId)).stats.succeeded === 3);
    await waitUntil('A to hear of them', () => aliceSub.items.length >= 3, 5_000).catch(() => {});
    await sleep(1500); // B has had every chance to hear something
    expect(bobSub.items.map((i) => i.deliveryAttempted.id)).toEqual([]);
    expect(bobSub.errors).toEqual([]);
    expect(bobNamingAlice.items.map((i) => i.deliveryAttempted.id)).toEqual([]);
    expect(aliceSub.items).toHaveLength(3);
    expect(aliceSub.items.every((i) => i.deliveryAttempted.delivery.endpoint.id === endpointId)).toBe(true);
    for (const sub of [bobSub, bobNamingAlice, aliceSub]) sub.unsubscribe();
  }, 40_000);

  it('with both accounts busy at once, each subscriber receives exactly its own attempts', async () => {
    const aliceEp = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['*'], sessionIds: ['t4'] });
    const bobEp = await createEndpoint(t, bob.apiKey, { url: receiver.url, eventTypes: ['*'], sessionIds: ['t4'] });
    const before = listeners(t);
    const aliceSub = subscribe(newClient(t, aliceParams()), AttemptedSub, {});
    const bobSub = subscribe(newClient(t, bobParams()), AttemptedSub, {});
    await waitForListeners(t, before + 2);

    await Promise.all([
      ...Array.from({ length: 10 }, () => publish(t, alice.apiKey, 'message.received', 't4')),
      ...Array.from({ length: 10 }, () => publish(t, bob.apiKey, 'message.received', 't4')),
    ]);
    await waitUntil('both accounts’ deliveries to finish', async () => {
      const [a, b] = await Promise.all([deliveriesOf(t, alice.apiKey, aliceEp), deliveriesOf(t, bob.apiKey, bobEp)]);
      return a.stats.succeeded === 10 && b.stats.succeeded === 10;
    });
    await waitUntil('both subscribers to get 10 payloads', () => aliceSub.items.length >= 10 && bobSub.items.length >= 10, 10_000).catch(() => {});
    await sleep(1000);

    const aliceDeliveries = (await deliveriesOf(t, alice.apiKey, aliceEp)).edges.map((e) => e.node.id).sort();
    const bobDeliveries = (await deliveriesOf(t, bob.apiKey, bobEp)).edges.map((e) => e.node.id).sort();
    const aliceGot = aliceSub.items.map((i) => i.deliveryAttempted);
    const bobGot = bobSub.items.map((i) => i.deliveryAttempted);
    // Nothing of the other account, first of all.
    expect(bobGot.filter((a) => a.delivery.endpoint.id !== bobEp).map((a) => a.id)).toEqual([]);
    expect(aliceGot.filter((a) => a.delivery.endpoint.id !== aliceEp).map((a) => a.id)).toEqual([]);
    // And each of its own, exactly once.
    expect(aliceGot.map((a) => a.delivery.id).sort()).toEqual(aliceDeliveries);
    expect(bobGot.map((a) => a.delivery.id).sort()).toEqual(bobDeliveries);
    aliceSub.unsubscribe();
    bobSub.unsubscribe();
  }, 60_000);
});

describe('endpointStatusChanged', () => {
  it('pauseEndpoint then resumeEndpoint produce PAUSED then ACTIVE', async () => {
    const endpointId = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['*'], sessionIds: ['t5'] });
    const before = listeners(t);
    const sub = subscribe(newClient(t, aliceParams()), StatusSub, { endpointId });
    const bobSub = subscribe(newClient(t, bobParams()), StatusSub, {});
    await waitForListeners(t, before + 2);

    const paused = await t.gql(PauseEndpoint, { id: endpointId }, alice.apiKey);
    expect(paused.data?.pauseEndpoint).toMatchObject({ endpoint: { status: 'PAUSED' } });
    await sub.waitFor(1, 10_000);
    expect(sub.items[0]!.endpointStatusChanged).toMatchObject({ id: endpointId, status: 'PAUSED' });
    expect(sub.items[0]!.endpointStatusChanged.pausedAt).not.toBeNull();

    const resumed = await t.gql(ResumeEndpoint, { id: endpointId }, alice.apiKey);
    expect(resumed.data?.resumeEndpoint).toMatchObject({ endpoint: { status: 'ACTIVE' } });
    await sub.waitFor(2, 10_000);
    expect(sub.items[1]!.endpointStatusChanged).toMatchObject({ id: endpointId, status: 'ACTIVE', pausedAt: null, pauseReason: null });

    await sleep(500);
    expect(sub.items).toHaveLength(2);
    expect(sub.errors).toEqual([]);
    expect(bobSub.items).toEqual([]);
    sub.unsubscribe();
    bobSub.unsubscribe();
  }, 30_000);

  it('back-to-back pause and resume arrive as PAUSED then ACTIVE, each with its own status', async () => {
    const endpointId = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['*'], sessionIds: ['t5b'] });
    const before = listeners(t);
    const sub = subscribe(newClient(t, aliceParams()), StatusSub, { endpointId });
    await waitForListeners(t, before + 1);

    await t.gql(PauseEndpoint, { id: endpointId }, alice.apiKey);
    await t.gql(ResumeEndpoint, { id: endpointId }, alice.apiKey);
    await sub.waitFor(2, 10_000);
    await sleep(300);
    expect(sub.items.map((i) => i.endpointStatusChanged.status)).toEqual(['PAUSED', 'ACTIVE']);
    sub.unsubscribe();
  }, 30_000);
});

describe('authentication at connection time', () => {
  async function closeCodeOf(params: Record<string, unknown> | undefined) {
    let closedWith: number | undefined;
    const client = newClient(t, params, {
      closed: (event) => {
        closedWith = (event as { code?: number }).code;
      },
    });
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        const timer = setTimeout(() => resolve('no answer'), 10_000);
        client.subscribe(
          { query: queryOf(AttemptedSub) },
          {
            next: (value) => {
              clearTimeout(timer);
              resolve({ unexpected: value });
            },
            error: (error) => {
              clearTimeout(timer);
              resolve(error);
            },
            complete: () => {
              clearTimeout(timer);
              resolve('completed');
            },
          },
        );
      });
      return { errorCode: (outcome as { code?: number })?.code, closedWith };
    } finally {
      await client.dispose();
    }
  }

  it('refuses a bad key with close code 4403', async () => {
    expect(await closeCodeOf({ authorization: 'Bearer hk_definitely-not-a-key' })).toEqual({ errorCode: 4403, closedWith: 4403 });
  });

  it('refuses a connection without any key with close code 4403', async () => {
    expect(await closeCodeOf({})).toEqual({ errorCode: 4403, closedWith: 4403 });
    expect(await closeCodeOf(undefined)).toEqual({ errorCode: 4403, closedWith: 4403 });
  });

  it('accepts a bare key without the Bearer scheme', async () => {
    const client = newClient(t, { authorization: alice.apiKey });
    try {
      const before = listeners(t);
      const sub = subscribe(client, StatusSub, {});
      await waitForListeners(t, before + 1);
      expect(sub.errors).toEqual([]);
      sub.unsubscribe();
    } finally {
      await client.dispose();
    }
  });
});

describe('no leaks', () => {
  it('connect, subscribe, receive and dispose 20 times leaves no listener and no socket behind', async () => {
    const endpointId = await createEndpoint(t, alice.apiKey, { url: receiver.url, eventTypes: ['*'], sessionIds: ['t6'] });
    // Whatever earlier tests left is finished before counting.
    await sleep(300);
    const baseline = listeners(t);
    const wss = t.app.api!.webSockets;
    const baselineSockets = wss.clients.size;

    for (let round = 0; round < 20; round++) {
      const client = newClient(t, aliceParams());
      const sub = subscribe(client, AttemptedSub, { endpointId });
      await waitForListeners(t, baseline + 1);
      const event = await publish(t, alice.apiKey, 'message.received', 't6');
      const [item] = await sub.waitFor(1, 15_000);
      expect(item!.deliveryAttempted.delivery.event.id).toBe(event.id);
      sub.unsubscribe();
      await client.dispose();
      await waitUntil(`round ${round}: the listener to go (have ${listeners(t)}, baseline ${baseline})`, () => listeners(t) === baseline, 5_000).catch(
        () => {},
      );
    }

    await waitUntil('listeners back to the baseline', () => listeners(t) === baseline, 5_000).catch(() => {});
    expect(listeners(t)).toBe(baseline);
    await waitUntil('WebSocket clients back to the baseline', () => wss.clients.size === baselineSockets, 5_000).catch(() => {});
    expect(wss.clients.size).toBe(baselineSockets);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// A subscriber that never reads. Here the worker runs in the API's own process (role 'all'), the
// case where a stuck subscriber could hold up deliveries.

describe('a slow subscriber', () => {
  let s: TestApp;
  let bigReceiver: Receiver;
  let key: string;
  const rawSockets: WebSocket[] = [];
  let baselineMs = 0;
  let withSlowMs = 0;
  let fast: Subscription<ResultOf<typeof AttemptedSub>> | null = null;
  let slowEndpoint = '';

  // Big attempts (a ~180 KB payload sent and stored, a 64 KiB response) so that a socket that is
  // never read fills every buffer between the two ends within a few payloads.
  const bigData = {
    ...(findEventType('message.received')!.example as Record<string, unknown>),
    content: { text: '€'.repeat(60_000) },
  };

  beforeAll(async () => {
    s = await startTestApp({ role: 'all' });
    bigReceiver = await startReceiver(() => ({ status: 200, body: 'x'.repeat(64 * 1024) }));
    key = (await s.newAccount('slow')).apiKey;
  }, 60_000);

  afterAll(async () => {
    for (const socket of rawSockets) socket.terminate();
    await s?.stop();
    await bigReceiver?.close();
  }, 60_000);

  async function deliverThirty(sessionId: string): Promise<{ endpointId: string; ms: number }> {
    const endpointId = await createEndpoint(s, key, { url: bigReceiver.url, eventTypes: ['message.*'], sessionIds: [sessionId] });
    const started = Date.now();
    for (let batch = 0; batch < 3; batch++) {
      await Promise.all(Array.from({ length: 10 }, () => publish(s, key, 'message.received', sessionId, bigData)));
    }
    await waitUntil(
      `30 deliveries of ${sessionId} to succeed`,
      async () => (await deliveriesOf(s, key, endpointId)).stats.succeeded === 30,
      60_000,
      100,
    );
    return { endpointId, ms: Date.now() - started };
  }

  async function openStuckSubscriber(): Promise<WebSocket> {
    const socket = new WebSocket(s.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    rawSockets.push(socket);
    await once(socket, 'open');
    const acked = new Promise<void>((resolve, reject) => {
      socket.once('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string };
        if (message.type === 'connection_ack') resolve();
        else reject(new Error(`expected connection_ack, got ${String(data)}`));
      });
      socket.once('close', (code) => reject(new Error(`closed with ${code}`)));
    });
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } }));
    await acked;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: queryOf(HeavyAttemptedSub) } }));
    return socket;
  }

  it('does not slow deliveries: all 30 still succeed in a time comparable to a run without it', async () => {
    // Warm-up, then the baseline without any subscriber.
    await deliverThirty('warm-up');
    baselineMs = (await deliverThirty('baseline')).ms;

    const before = listeners(s);
    const stuck = [await openStuckSubscriber(), await openStuckSubscriber(), await openStuckSubscriber()];
    // Kept beyond this test (the next one reads it); s.stop() closes its client.
    fast = subscribe(s.wsClient({ authorization: `Bearer ${key}` }), AttemptedSub, {}, { track: false });
    await waitForListeners(s, before + 4);
    for (const socket of stuck) socket.pause(); // never reads again

    const run = await deliverThirty('with-slow');
    withSlowMs = run.ms;
    slowEndpoint = run.endpointId;
    console.info(`30 deliveries: ${baselineMs} ms without a stuck subscriber, ${withSlowMs} ms with three`);
    expect(withSlowMs).toBeLessThan(Math.max(3 * baselineMs, baselineMs + 5_000));
    const deliveries = await deliveriesOf(s, key, slowEndpoint);
    expect(deliveries.stats).toMatchObject({ total: 30, succeeded: 30, failed: 0, pending: 0 });

    // The scene was real: with the kernel's buffers full, the server holds, for each stuck
    // subscriber, bytes it cannot send (its graphql-ws send is waiting on them).
    const wss = s.app.api!.webSockets;
    const stuckOnes = () => [...wss.clients].filter((c) => c.bufferedAmount >= 64 * 1024).length;
    await waitUntil('the stuck subscribers to back up', () => stuckOnes() >= 3, 10_000).catch(() => {});
    const backedUp = [...wss.clients].map((c) => c.bufferedAmount).sort((a, b) => b - a);
    expect(stuckOnes(), `bytes waiting per server socket: ${backedUp.join(', ')}`).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('and a subscriber that does read still gets each of those attempts exactly once', async () => {
    expect(fast, 'the previous test set the scene').not.toBeNull();
    const expected = (await deliveriesOf(s, key, slowEndpoint)).edges.map((e) => e.node.id).sort();
    expect(expected).toHaveLength(30);
    const ofSlowEndpoint = () => fast!.items.map((i) => i.deliveryAttempted).filter((a) => a.delivery.endpoint.id === slowEndpoint);
    await waitUntil('the reading subscriber to get 30 attempts', () => ofSlowEndpoint().length >= 30, 15_000).catch(() => {});
    await sleep(500);
    expect(fast!.errors).toEqual([]);
    expect(unique(fast!.items.map((i) => i.deliveryAttempted.id))).toBe(true);
    expect(ofSlowEndpoint().map((a) => a.delivery.id).sort()).toEqual(expected);
    fast!.unsubscribe();
  }, 30_000);
});
