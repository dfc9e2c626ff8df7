// Broker sources (issue 19), against the machine's RabbitMQ, NATS JetStream and Redis and real
// Postgres: created over the API with the URL sealed and shown masked (typed errors for a wrong
// scheme, a missing queue/subject/stream, a private host without HOOKWIRE_ALLOW_PRIVATE_NETWORKS);
// a worker consumes each kind, every message becomes an event delivered to an endpoint, poison is
// dead-lettered and listed with its reason, the state shows in the API, a source paused or deleted
// is let go, and a broker restart is recovered from.
import { spawn, type ChildProcess } from 'node:child_process';
import { createClient } from '@redis/client';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect as natsConnect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSourceDocument as CreateSource,
  DeleteSourceDocument as DeleteSource,
  SourceDocument as GetSource,
  UpdateSourceDocument as UpdateSource,
  type CreateSourceInput,
} from '../packages/client/src/generated/graphql.ts';
import { createSource as createSourceInDomain } from '../src/domain/sources/manage.ts';
import { ValidationError } from '../src/domain/errors.ts';
import { startBrokerConsumer } from '../src/worker/sources/index.ts';
import { DEAD_REASON_HEADER } from '../src/worker/sources/rabbitmq.ts';
import { DEAD_REASON_FIELD, deadStreamFor } from '../src/worker/sources/redis.ts';
import { BROKERS, uniqueName, withBrokerStopped } from './brokers/support.ts';
import { closeSql, createEndpoint, messageReceived, sql } from './support/api.ts';
import { ADMIN_KEY, startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from './support/app.ts';
import { runCli } from './support/cli.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';

let t: TestApp;
let key: string;
let accountId: string;
let receiver: Receiver;
let amqpConn: ChannelModel;
let channel: Channel;
let nc: NatsConnection;
let jsm: JetStreamManager;
let redis: ReturnType<typeof adminRedis>;
const queues: string[] = [];
const streams: string[] = [];
const redisKeys: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
  ({ apiKey: key, accountId } = await t.newAccount('broker sources'));
  receiver = await startReceiver();
  await createEndpoint(t, key, { url: receiver.url, eventTypes: ['message.received'], description: 'gets what the brokers bring' });
  amqpConn = await amqp.connect(BROKERS.RABBITMQ);
  channel = await amqpConn.createChannel();
  nc = await natsConnect({ servers: '127.0.0.1:4222' });
  jsm = await jetstreamManager(nc);
  redis = adminRedis();
  await redis.connect();
}, 60_000);

/** The test's own Redis client; other tests on this machine restart Redis, so its faults are only logged by the client's reconnect. */
function adminRedis() {
  const client = createClient({ url: BROKERS.REDIS_STREAM });
  client.on('error', () => {});
  return client;
}

afterAll(async () => {
  await receiver?.close();
  await closeSql(t);
  await t?.stop();
  // Fresh connections: the restart test may have closed the first ones.
  const admin = await amqp.connect(BROKERS.RABBITMQ).catch(() => null);
  if (admin) {
    const ch = await admin.createChannel();
    for (const q of queues) {
      await ch.deleteQueue(q).catch(() => {});
      await ch.deleteQueue(`${q}.dead`).catch(() => {});
      await ch.deleteExchange(`${q}.dead`).catch(() => {});
    }
    await admin.close().catch(() => {});
  }
  await amqpConn?.close().catch(() => {});
  for (const name of streams) await jsm?.streams.delete(name).catch(() => {});
  await nc?.close().catch(() => {});
  if (redisKeys.length > 0) await redis?.del(redisKeys).catch(() => {});
  await redis?.quit().catch(() => {});
}, 60_000);

async function createSource(input: CreateSourceInput) {
  const result = await t.gql(CreateSource, { input }, key);
  const created = result.data?.createSource;
  if (created?.__typename !== 'SourceSuccess') throw new Error(`createSource failed: ${JSON.stringify(result)}`);
  return created.source!;
}

async function createSourceErrors(input: CreateSourceInput) {
  const result = await t.gql(CreateSource, { input }, key);
  const created = result.data?.createSource;
  if (created?.__typename !== 'ValidationError') throw new Error(`expected a ValidationError: ${JSON.stringify(result)}`);
  return created.fieldErrors.map((e) => `${e.path.join('.')}: ${e.message}`);
}

const getSource = async (id: string) => (await t.gql(GetSource, { id, requests: 100 }, key)).data!.source!;

async function rabbitQueue(): Promise<string> {
  const queue = uniqueName('hookwire-src');
  await channel.assertQueue(queue, { durable: true });
  queues.push(queue);
  return queue;
}

async function natsSubject(): Promise<string> {
  const prefix = uniqueName('hookwire_src').replaceAll('-', '_');
  await jsm.streams.add({ name: prefix.toUpperCase(), subjects: [`${prefix}.>`] });
  streams.push(prefix.toUpperCase());
  return `${prefix}.events`;
}

function redisStream(): string {
  const stream = uniqueName('hookwire-src');
  redisKeys.push(stream, deadStreamFor(stream));
  return stream;
}

/** A message as a producer writes it. */
const message = (n: number, extra: Record<string, unknown> = {}) => JSON.stringify({ ...messageReceived(n), sessionId: `s-${n}`, ...extra });

const eventsWithKey = (keys: string[]) =>
  sql<{ idempotency_key: string; type: string; session_id: string | null }>(
    t,
    `SELECT k.key AS idempotency_key, e.type, e.session_id FROM idempotency_key k JOIN event e ON e.id = k.event_id WHERE k.account_id = $1 AND k.key = ANY($2) ORDER BY k.key`,
    [accountId, keys],
  );

const deliveredMessageIds = () => receiver.requests.map((r) => JSON.parse(r.body).data.messageId as string);

describe('broker sources in the API', () => {
  it('stores the broker URL sealed, shows it masked, and names the queue, subject or stream', async () => {
    const queue = await rabbitQueue();
    const source = await createSource({ kind: 'RABBITMQ', name: 'pipeline', brokerUrl: 'amqp://guest:guest@127.0.0.1:5672/', queue });
    expect(source).toMatchObject({ kind: 'RABBITMQ', brokerUrl: 'amqp://guest:****@127.0.0.1/', queue, subject: null, stream: null, ingestUrl: null });
    const [row] = await sql<{ broker_url: string }>(t, 'SELECT broker_url FROM source WHERE id = $1', [source.id]);
    expect(row!.broker_url).toMatch(/^hwsealed:/);
    expect(row!.broker_url).not.toContain('guest:guest');
    await t.gql(DeleteSource, { id: source.id }, key);
  });

  it('refuses a URL of another kind, a missing or foreign queue/subject/stream, and HTTP fields, storing nothing', async () => {
    const before = await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM source WHERE account_id = $1', [accountId]);
    expect(await createSourceErrors({ kind: 'RABBITMQ', name: 'x', brokerUrl: 'redis://127.0.0.1:6379', queue: 'q' })).toEqual([
      'input.brokerUrl: scheme: a RABBITMQ broker needs amqp:// or amqps://, not redis://',
    ]);
    expect(await createSourceErrors({ kind: 'NATS', name: 'x', brokerUrl: 'nats://127.0.0.1:4222', queue: 'q' })).toEqual([
      'input.queue: is not for NATS sources (they take subject)',
      'input.subject: is required: the subject a NATS source consumes',
    ]);
    expect(await createSourceErrors({ kind: 'REDIS_STREAM', name: 'x', stream: 's', signingSecret: 'whsec_x' })).toEqual([
      "input.brokerUrl: is required: the broker's URL",
      'input.signingSecret: is not for REDIS_STREAM sources',
    ]);
    expect(await createSourceErrors({ kind: 'SIGNED_HTTP', name: 'x', signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', stream: 's' })).toEqual([
      'input.stream: is for broker sources (RABBITMQ, NATS, REDIS_STREAM) only',
    ]);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM source WHERE account_id = $1', [accountId])).toEqual(before);
  });

  it('refuses a broker on a private address unless HOOKWIRE_ALLOW_PRIVATE_NETWORKS', async () => {
    const strict = { ...t.app.services, config: { ...t.app.services.config, allowPrivateNetworks: false } };
    for (const brokerUrl of ['amqp://127.0.0.1', 'amqp://10.1.2.3:5672', 'amqp://[::1]']) {
      const refused = await createSourceInDomain(strict, accountId, { kind: 'RABBITMQ', name: 'x', brokerUrl, queue: 'q' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).fieldErrors[0]!.path).toEqual(['input', 'brokerUrl']);
    }
  });
});

describe('broker sources in the CLI', () => {
  it('hookwire sources create makes a RABBITMQ source, and list shows its masked URL, state and lag', async () => {
    const queue = await rabbitQueue();
    const hookwire = (args: string[]) => runCli(args, { env: { HOOKWIRE_URL: t.url, HOOKWIRE_API_KEY: key } });
    const created = await hookwire(['sources', 'create', 'cli rabbit', '--kind', 'RABBITMQ', '--broker-url', BROKERS.RABBITMQ, '--queue', queue, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(created.stdout).not.toContain('guest:guest');
    await waitUntil('the source connected', async () => (await getSource(id)).brokerState === 'CONNECTED', 20_000, 100);
    await waitUntil('its lag known', async () => (await getSource(id)).lag === 0, 20_000, 100);
    const listed = await hookwire(['sources', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+RABBITMQ\\s+ACTIVE\\s+cli rabbit\\s+-\\s+amqp://guest:\\*\\*\\*\\*@127\\.0\\.0\\.1/\\s+CONNECTED\\s+0`));
    await t.gql(DeleteSource, { id }, key);
  });
});

describe('broker sources in a worker', () => {
  it('RABBITMQ: messages become events delivered to the endpoint; poison is dead-lettered with its reason and listed', async () => {
    const queue = await rabbitQueue();
    const source = await createSource({ kind: 'RABBITMQ', name: 'rabbit', brokerUrl: BROKERS.RABBITMQ, queue });
    await waitUntil('the source connected', async () => (await getSource(source.id)).brokerState === 'CONNECTED', 20_000, 100);
    channel.sendToQueue(queue, Buffer.from(message(101)), { messageId: 'rabbit-101' });
    channel.sendToQueue(queue, Buffer.from(message(102, { idempotencyKey: 'own-key-102' })), { messageId: 'rabbit-102' });
    channel.sendToQueue(queue, Buffer.from('{not json'), { messageId: 'rabbit-bad-json' });
    channel.sendToQueue(queue, Buffer.from(JSON.stringify({ type: 'no.such_type', data: {} })), { messageId: 'rabbit-unknown' });
    await waitUntil('both delivered', () => ['wamid.test.101', 'wamid.test.102'].every((id) => deliveredMessageIds().includes(id)));
    expect(await eventsWithKey(['own-key-102', 'rabbit-101'])).toEqual([
      { idempotency_key: 'own-key-102', type: 'message.received', session_id: 's-102' },
      { idempotency_key: 'rabbit-101', type: 'message.received', session_id: 's-101' },
    ]);
    const dead: string[] = [];
    await waitUntil('both poison messages dead-lettered', async () => {
      const got = await channel.get(`${queue}.dead`, { noAck: true });
      if (got) dead.push(`${got.properties.messageId} ${String(got.properties.headers?.[DEAD_REASON_HEADER])}`);
      return dead.length === 2;
    });
    expect(dead.sort()).toEqual([expect.stringMatching(/^rabbit-bad-json body is not JSON/), expect.stringMatching(/^rabbit-unknown type: .*no\.such_type|^rabbit-unknown .*no\.such_type/)]);
    const listed = await waitUntil('listed', async () => {
      const requests = (await getSource(source.id)).recentRequests;
      return requests.filter((r) => r.status === 400).length === 2 && requests;
    });
    expect(listed.filter((r) => r.status === 400).map((r) => r.error)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^dead-lettered: body is not JSON/), expect.stringMatching(/^dead-lettered: .*no\.such_type/)]),
    );
    expect(listed.filter((r) => r.status === 200).reduce((n, r) => n + r.events, 0)).toBe(2);
    await waitUntil('the queue drained', async () => (await getSource(source.id)).lag === 0, 20_000, 200);
  });

  it('NATS: a JetStream message becomes an event; a message failing its schema is terminated and listed', async () => {
    const subject = await natsSubject();
    const source = await createSource({ kind: 'NATS', name: 'nats', brokerUrl: BROKERS.NATS, subject });
    await waitUntil('the source connected', async () => (await getSource(source.id)).brokerState === 'CONNECTED', 20_000, 100);
    const js = jetstream(nc);
    const h = natsHeaders();
    h.set('Nats-Msg-Id', 'nats-201');
    await js.publish(subject, message(201), { headers: h });
    await js.publish(subject, JSON.stringify({ type: 'message.received', data: { messageId: 42 } }));
    await waitUntil('delivered', () => deliveredMessageIds().includes('wamid.test.201'));
    expect(await eventsWithKey(['nats-201'])).toEqual([{ idempotency_key: 'nats-201', type: 'message.received', session_id: 's-201' }]);
    const listed = await waitUntil('the bad one listed', async () => (await getSource(source.id)).recentRequests.find((r) => r.status === 400));
    expect(listed.error).toMatch(/^dead-lettered: data/);
    // Terminated, not redelivered: the durable consumer has nothing left for anyone.
    await waitUntil('nothing pending', async () => {
      const info = await jsm.consumers.info(subject.split('.')[0]!.toUpperCase(), `hookwire-${source.id}`);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
  });

  it('REDIS_STREAM: an entry becomes an event; poison goes to <stream>:dead with its reason', async () => {
    const stream = redisStream();
    const source = await createSource({ kind: 'REDIS_STREAM', name: 'redis', brokerUrl: BROKERS.REDIS_STREAM, stream });
    await waitUntil('the source connected', async () => (await getSource(source.id)).brokerState === 'CONNECTED', 20_000, 100);
    const id = await redis.xAdd(stream, '*', { body: message(301) });
    await redis.xAdd(stream, '*', { body: JSON.stringify({ type: 'endpoint.paused', data: {} }) });
    await waitUntil('delivered', () => deliveredMessageIds().includes('wamid.test.301'));
    expect(await eventsWithKey([`${stream}:${id}`])).toEqual([{ idempotency_key: `${stream}:${id}`, type: 'message.received', session_id: 's-301' }]);
    const dead = await waitUntil('dead-lettered', async () => {
      const entries = await redis.xRange(deadStreamFor(stream), '-', '+');
      return entries !== null && entries.length === 1 && entries;
    });
    expect(dead[0]!.message![DEAD_REASON_FIELD]).toMatch(/published by Hookwire itself/);
  });

  it('lets a paused or deleted source go, and takes it up again when resumed', async () => {
    const queue = await rabbitQueue();
    const source = await createSource({ kind: 'RABBITMQ', name: 'pausable', brokerUrl: BROKERS.RABBITMQ, queue });
    const consumers = async () => (await channel.checkQueue(queue)).consumerCount;
    // One consumer of the one worker (runner.ts: it reads the next batch while the last ones commit).
    await waitUntil('consumed', async () => (await consumers()) === 1, 20_000, 100);
    await t.gql(UpdateSource, { id: source.id, input: { status: 'PAUSED' } }, key);
    await waitUntil('let go when paused', async () => (await consumers()) === 0, 20_000, 100);
    channel.sendToQueue(queue, Buffer.from(message(401)), { messageId: 'pausable-401' });
    await t.gql(UpdateSource, { id: source.id, input: { status: 'ACTIVE' } }, key);
    await waitUntil('what waited while paused is delivered', () => deliveredMessageIds().includes('wamid.test.401'));
    await t.gql(DeleteSource, { id: source.id }, key);
    await waitUntil('let go when deleted', async () => (await consumers()) === 0, 20_000, 100);
  });

  it('shows RECONNECTING while Redis is stopped, and consumes again once it is back', async () => {
    const stream = redisStream();
    const source = await createSource({ kind: 'REDIS_STREAM', name: 'restart', brokerUrl: BROKERS.REDIS_STREAM, stream });
    await waitUntil('the source connected', async () => (await getSource(source.id)).brokerState === 'CONNECTED', 20_000, 100);
    await redis.quit().catch(() => {});
    await withBrokerStopped('REDIS_STREAM', async () => {
      const shown = await waitUntil('the outage shown', async () => {
        const s = await getSource(source.id);
        return s.brokerState === 'RECONNECTING' && s;
      }, 30_000, 200);
      expect(shown).toMatchObject({ status: 'DISCONNECTED', lastError: expect.stringMatching(/connection lost|cannot connect/) });
    });
    redis = adminRedis();
    await redis.connect();
    await waitUntil('connected again', async () => (await getSource(source.id)).brokerState === 'CONNECTED', 60_000, 200);
    // The group's stream lived in memory only (the machine's Redis keeps no data): recreated by the source.
    await redis.xAdd(stream, '*', { body: message(501) });
    await waitUntil('delivered after the restart', () => deliveredMessageIds().includes('wamid.test.501'), 30_000);
    expect((await getSource(source.id)).status).toBe('ACTIVE');
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// A worker as an OS process of its own, killed mid-stream

const ROOT = new URL('..', import.meta.url).pathname;

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

function spawnWorker(databaseUrl: string): WorkerProcess {
  const env = { ...process.env, DATABASE_URL: databaseUrl, HOOKWIRE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, HOOKWIRE_ADMIN_KEY: ADMIN_KEY, HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true', PORT: '0', LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, ['src/main.ts', 'worker'], { cwd: ROOT, env });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output, exited: new Promise((resolve) => child.on('exit', resolve)) };
}

describe('a RabbitMQ consumer with several commits in flight', () => {
  it('acknowledges a later batch only after the earlier ones: a first batch rejected after the next two committed comes back whole', async () => {
    const queue = await rabbitQueue();
    const publisher = await amqpConn.createConfirmChannel();
    for (let i = 1; i <= 6; i++) publisher.sendToQueue(queue, Buffer.from(message(i)), { messageId: `m${i}`, persistent: true });
    await publisher.waitForConfirms();
    await publisher.close();
    const seen: string[] = [];
    const later: Array<() => void> = [];
    let first: ((error: Error) => void) | null = null;
    const consumer = startBrokerConsumer(
      { kind: 'RABBITMQ', url: BROKERS.RABBITMQ, queue, batchSize: 2, lingerMs: 200 },
      {
        allowPrivateNetworks: true,
        commitsInFlight: 3,
        backoff: { initialMs: 10, maxMs: 50, jitter: 0 },
        commit: (batch) =>
          new Promise((resolve, reject) => {
            const ids = batch.map((m) => m.messageId!);
            seen.push(...ids);
            const ok = () => resolve(batch.map(() => ({ ok: true as const })));
            if (first === null && ids.includes('m1')) first = reject;
            else if (ids.includes('m1')) ok();
            else later.push(ok);
          }),
      },
    );
    try {
      await waitUntil('three batches committing at once', () => first !== null && later.length === 2);
      // The two later batches commit; the first is still under way: nothing may be acknowledged.
      for (const ok of later) ok();
      await new Promise((r) => setTimeout(r, 100));
      expect(consumer.state().acknowledged).toBe(0);
      first!(new Error('database down'));
      await waitUntil('every message acknowledged', () => consumer.state().acknowledged === 6);
      // m1 and m2 were released, not covered by a later batch's cumulative ack: committed twice.
      expect([...seen].sort()).toEqual(['m1', 'm1', 'm2', 'm2', 'm3', 'm4', 'm5', 'm6']);
      await waitUntil('the queue drained', async () => (await channel.checkQueue(queue)).messageCount === 0);
    } finally {
      await consumer.stop();
    }
    // Nothing is left unacknowledged: a new consumer gets nothing.
    const check = await amqpConn.createChannel();
    expect(await check.get(queue)).toBe(false);
    await check.close();
  });
});

describe('a RabbitMQ source across a SIGKILL of its worker', () => {
  it('turns 10,000 messages into exactly 10,000 events, none lost, none twice', async () => {
    const MESSAGES = 10_000;
    // An API of its own: the file's app consumes sources too, and this test wants only the processes it kills.
    const api = await startTestApp({ role: 'api' });
    const workers: WorkerProcess[] = [];
    try {
      const { apiKey, accountId: account } = await api.newAccount('sigkill');
      await createEndpoint(api, apiKey, { url: receiver.url, eventTypes: ['message.received'], description: 'one endpoint' });
      const queue = await rabbitQueue();
      const created = (await api.gql(CreateSource, { input: { kind: 'RABBITMQ', name: 'sigkill', brokerUrl: BROKERS.RABBITMQ, queue } }, apiKey)).data?.createSource;
      expect(created?.__typename).toBe('SourceSuccess');
      const publisher = await amqpConn.createConfirmChannel();
      for (let i = 0; i < MESSAGES; i++) {
        publisher.sendToQueue(queue, Buffer.from(message(100_000 + i)), { messageId: `kill-${i}`, persistent: true });
      }
      await publisher.waitForConfirms();
      await publisher.close();
      const count = async () =>
        (await sql<{ events: number; keys: number }>(api, `SELECT (SELECT count(*)::int FROM event WHERE account_id = $1) AS events, (SELECT count(*)::int FROM idempotency_key WHERE account_id = $1) AS keys`, [account]))[0]!;

      const first = spawnWorker(api.db.url);
      workers.push(first);
      await waitUntil('the first worker committed a part', async () => (await count()).events >= MESSAGES / 4, 120_000, 20);
      first.child.kill('SIGKILL');
      await first.exited;
      const atKill = (await count()).events;
      expect(atKill, 'killed in the middle').toBeLessThan(MESSAGES);

      const second = spawnWorker(api.db.url);
      workers.push(second);
      await waitUntil('every message committed', async () => (await count()).events >= MESSAGES, 120_000, 100);
      await waitUntil('the queue drained and acknowledged', async () => {
        const q = await channel.checkQueue(queue);
        return q.messageCount === 0;
      }, 60_000, 200);
      const final = await count();
      expect(final).toEqual({ events: MESSAGES, keys: MESSAGES });
      const keys = await sql<{ n: number }>(api, `SELECT count(DISTINCT k.key)::int AS n FROM idempotency_key k WHERE k.account_id = $1 AND k.key ~ '^kill-[0-9]+$'`, [account]);
      expect(keys[0]!.n).toBe(MESSAGES);
      const dead = await channel.checkQueue(`${queue}.dead`);
      expect(dead.messageCount).toBe(0);
    } finally {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await closeSql(api);
      await api.stop();
    }
  }, 300_000);
});
