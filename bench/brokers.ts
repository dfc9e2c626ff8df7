// `npm run bench:brokers [-- --quick] [-- --out file.json] [-- --kinds RABBITMQ,NATS,REDIS_STREAM]
// [-- --no-publish] [-- --paused-endpoint]`: the broker adapters on this machine, and issue 19's source target (>= 5,000
// events/s from a broker into committed events) measured beside them in the same run:
// - publishes per second through BrokerPool.send (RabbitMQ with publisher confirms, JetStream
//   acks, XADD) at a few concurrencies (skipped with --no-publish);
// - limits, per kind: a source consumer draining a pre-filled queue/stream into a commit that does
//   nothing (the broker's and the client's ceiling), and once, the commit alone
//   (commitBrokerMessages straight into Postgres, batches and concurrency as a source has them, no
//   broker, no deliveries: the database's ceiling);
// - source → committed events, per kind: API + 1 worker process (`npm start`'s, over HTTP), one
//   endpoint subscribed (the worker delivers to a receiver meanwhile), the same number of
//   messages pre-filled, timed from createSource to the last event's created_at (with
//   --paused-endpoint the endpoint is paused: its deliveries are stored, not sent, which shows what
//   the worker's own deliveries take from the source).
// The machine is shared: the load average (uptime) is printed at the start and the end, and each
// source row gives its ratio to its kind's no-op consumer of the same run. Uses the machine's
// brokers (127.0.0.1) and Postgres (DATABASE_URL, else an embedded one), names of its own, and
// removes them after. Bounded: fixed message counts, a deadline per scenario.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import amqp from 'amqplib';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createClient } from '@redis/client';
import type { BrokerDestination } from '../src/delivery/brokers/destination.ts';
import { BrokerPool } from '../src/delivery/brokers/pool.ts';
import { buildDeliveryHeaders, generateSigningSecret } from '../src/delivery/sign.ts';
import { startBrokerConsumer, type BrokerSourceConfig } from '../src/worker/sources/index.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_COMMITS_IN_FLIGHT } from '../src/worker/sources/consumer.ts';
import { loadConfig } from '../src/config.ts';
import { startApp } from '../src/app.ts';
import { createLogger } from '../src/log.ts';
import { commitBrokerMessages } from '../src/domain/sources/broker.ts';
import { account } from './api.ts';
import { ADMIN_KEY, GraphQLClient, startHookwire, startPgServer, startReceiver, type HookwireProcess, type PgServer, type Receiver } from './processes.ts';

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex > 0 ? process.argv[outIndex + 1]! : null;
const PUBLISHES = quick ? 1_000 : 10_000;
const CONSUMED = quick ? 2_000 : 20_000;
const CONCURRENCY = [1, 10, 100];
const DEADLINE_MS = 120_000;
const kindsIndex = process.argv.indexOf('--kinds');
const KINDS = new Set(kindsIndex > 0 ? process.argv[kindsIndex + 1]!.split(',') : ['RABBITMQ', 'NATS', 'REDIS_STREAM']);
const PUBLISH = !process.argv.includes('--no-publish');
const PAUSED_ENDPOINT = process.argv.includes('--paused-endpoint');

const URLS = { RABBITMQ: 'amqp://guest:guest@127.0.0.1:5672/', NATS: 'nats://127.0.0.1:4222', REDIS_STREAM: 'redis://127.0.0.1:6379' } as const;
const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** A delivery body and its signed headers, as one real attempt has them (~0.5 KiB with headers). */
function attempt() {
  const eventId = `evt_${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify({ id: eventId, type: 'message.received', timestamp: new Date().toISOString(), sessionId: 's1', data: { from: '+15550100', text: 'hello from the bench' } });
  const headers = buildDeliveryHeaders({
    eventId,
    eventType: 'message.received',
    body,
    attemptNumber: 1,
    timestampSeconds: Math.floor(Date.now() / 1000),
    secrets: [generateSigningSecret()],
    userAgent: 'Hookwire/bench',
    signatureHeader: null,
  });
  return { body, headers };
}

/** Sends `total` attempts with `concurrency` in flight; answers attempts per second. */
async function publishRate(url: string, destination: BrokerDestination, total: number, concurrency: number): Promise<number> {
  const pool = new BrokerPool({ allowPrivateNetworks: true });
  const { body, headers } = attempt();
  const one = () => pool.send({ url, destination, eventType: 'message.received', headers, body, timeoutMs: 10_000 });
  try {
    await one(); // the connection, opened outside the timing
    let next = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total && performance.now() - started < DEADLINE_MS) {
          next++;
          if ((await one()).kind !== 'response') failed++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (failed > 0) throw new Error(`${failed} of ${total} publishes failed`);
    return Math.round(next / seconds);
  } finally {
    await pool.close();
  }
}

/** Starts a source on a pre-filled queue/stream and times it until every message is acknowledged. */
async function consumeRate(config: BrokerSourceConfig, total: number): Promise<number> {
  let committed = 0;
  const started = performance.now();
  const consumer = startBrokerConsumer(config, {
    allowPrivateNetworks: true,
    commit: async (batch) => {
      committed += batch.length;
      return batch.map(() => ({ ok: true }));
    },
  });
  try {
    while (consumer.state().acknowledged < total) {
      if (performance.now() - started > DEADLINE_MS) throw new Error(`${config.kind}: ${consumer.state().acknowledged} of ${total} acknowledged by the deadline`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return Math.round(total / ((performance.now() - started) / 1000));
  } finally {
    await consumer.stop();
    if (committed < total) throw new Error(`${config.kind}: only ${committed} committed`);
  }
}

/** One source message: a valid message.received (a no-op commit does not care; a real one validates it). */
const message = (i: number) =>
  Buffer.from(
    JSON.stringify({
      type: 'message.received',
      sessionId: `bench-${i % 100}`,
      data: { messageId: `wamid.source.${i}`, from: '15551234567', contactName: 'Bench', messageType: 'text', content: { text: 'hello from a broker' }, timestamp: new Date().toISOString() },
      idempotencyKey: `k-${suffix}-${i}`,
    }),
  );

// ---------------------------------------------------------------------------------------------
// Source → committed events: API + 1 worker process, one endpoint, a pre-filled queue/stream.

interface EndToEnd {
  pg: PgServer;
  db: string;
  receiver: Receiver;
  apiProcess: HookwireProcess;
  worker: HookwireProcess;
  api: GraphQLClient;
}

let e2e: EndToEnd | null = null;

/** One database, one API and one worker process for every kind: each kind gets an account of its own. */
async function endToEnd(): Promise<EndToEnd> {
  if (e2e) return e2e;
  const pg = await startPgServer();
  const db = await pg.database();
  const receiver = await startReceiver();
  const apiProcess = await startHookwire('api', db);
  const worker = await startHookwire('worker', db);
  e2e = { pg, db, receiver, apiProcess, worker, api: new GraphQLClient(apiProcess.url!) };
  return e2e;
}

async function stopEndToEnd(): Promise<void> {
  if (!e2e) return;
  const { pg, receiver, apiProcess, worker, api } = e2e;
  e2e = null;
  await api.close();
  await worker.stop();
  await apiProcess.stop();
  await receiver.stop();
  await pg.stop();
}

const CREATE_SOURCE = `mutation ($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on SourceSuccess { source { id } } ... on Error { message } } }`;
const DELETE_SOURCE = `mutation ($id: ID!) { deleteSource(id: $id) { __typename } }`;

/**
 * Creates the source over the API on an already filled queue/stream and waits until `total` events
 * are committed for its account; answers events per second from createSource to the last event's
 * created_at (and from the first event's, "steady").
 */
async function sourceRate(kind: BrokerSourceConfig['kind'], where: Record<string, string>, total: number): Promise<{ perSecond: number; steadyPerSecond: number }> {
  const { pg, db, receiver, api } = await endToEnd();
  const acct = await account(api, `${kind} source`, [{ url: `${receiver.origin}/ok?source` }]);
  // --paused-endpoint: the deliveries are stored, not sent, so the worker only commits (what they cost the source).
  if (PAUSED_ENDPOINT) await api.request(`mutation ($id: ID!) { pauseEndpoint(id: $id) { __typename } }`, { id: acct.endpointIds[0] }, acct.key);
  const t0 = Date.now();
  const { createSource } = await api.request(CREATE_SOURCE, { input: { kind, name: `bench ${kind}`, brokerUrl: URLS[kind], ...where } }, acct.key);
  if (createSource.__typename !== 'SourceSuccess') throw new Error(`createSource: ${JSON.stringify(createSource)}`);
  try {
    const deadline = Date.now() + DEADLINE_MS * 2;
    let committed = 0;
    while (committed < total) {
      if (Date.now() > deadline) throw new Error(`${kind}: ${committed} of ${total} events committed by the deadline`);
      await new Promise((r) => setTimeout(r, 100));
      [{ n: committed }] = await pg.query<{ n: number }>(db, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [acct.id]);
    }
    const [span] = await pg.query<{ first: Date; last: Date }>(db, 'SELECT min(created_at) AS first, max(created_at) AS last FROM event WHERE account_id = $1', [acct.id]);
    return { perSecond: Math.round(total / ((span!.last.getTime() - t0) / 1000)), steadyPerSecond: Math.round(total / ((span!.last.getTime() - span!.first.getTime()) / 1000)) };
  } finally {
    await api.request(DELETE_SOURCE, { id: createSource.source.id }, acct.key).catch(() => {});
    await receiver.receipts(true);
  }
}

/**
 * The database's ceiling for a source: commitBrokerMessages straight into Postgres (an app of this
 * process, no broker, no worker, no deliveries), batches and concurrency as a source's consumer
 * has them, one endpoint subscribed.
 */
async function commitLimit(total: number): Promise<number> {
  const pg = await startPgServer();
  const url = await pg.database();
  const config = loadConfig({ DATABASE_URL: url, PORT: '0', HOOKWIRE_ADMIN_KEY: ADMIN_KEY, HOOKWIRE_ENCRYPTION_KEY: `bench:${Buffer.alloc(32, 7).toString('base64')}`, HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true' });
  const app = await startApp(config, 'api', createLogger('silent'), {});
  const api = new GraphQLClient(app.api!.url);
  const queue = `hookwire-bench-limit-${suffix}`;
  const connection = await amqp.connect(URLS.RABBITMQ);
  const ch = await connection.createChannel();
  try {
    await ch.assertQueue(queue, { durable: false });
    const acct = await account(api, 'commit limit', [{ url: 'http://127.0.0.1:9/unused' }]);
    const { createSource } = await api.request(CREATE_SOURCE, { input: { kind: 'RABBITMQ', name: 'limit', brokerUrl: URLS.RABBITMQ, queue } }, acct.key);
    if (createSource.__typename !== 'SourceSuccess') throw new Error(`createSource: ${JSON.stringify(createSource)}`);
    const source = { id: createSource.source.id as string, accountId: acct.id };
    const deps = { db: app.services.db, sql: app.services.sql, clock: app.services.clock };
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: DEFAULT_COMMITS_IN_FLIGHT }, async () => {
        while (next < total) {
          const from = next;
          next = Math.min(total, next + DEFAULT_BATCH_SIZE);
          const batch = Array.from({ length: next - from }, (_, j) => ({ body: message(from + j), messageId: `limit-${from + j}` }));
          const verdicts = await commitBrokerMessages(deps, source, batch);
          if (verdicts.some((v) => !('ok' in v))) throw new Error(`commit limit: ${JSON.stringify(verdicts.find((v) => !('ok' in v)))}`);
        }
      }),
    );
    return Math.round(total / ((performance.now() - started) / 1000));
  } finally {
    await ch.deleteQueue(queue).catch(() => {});
    await connection.close();
    await api.close();
    await app.stop();
    await pg.stop();
  }
}

/** A kind's source rows: committed events per second, beside its no-op consumer of the same run. */
function sourceRows(results: Record<string, number>, label: string, e2e: { perSecond: number; steadyPerSecond: number }, noop: number) {
  results[`${label} source → committed events, API + 1 worker, 1 endpoint (/s)`] = e2e.perSecond;
  results[`${label} source → committed events, steady: first → last event (/s)`] = e2e.steadyPerSecond;
  results[`${label} source → committed events ÷ its no-op consumer (‰)`] = Math.round((1000 * e2e.perSecond) / noop);
}

// ---------------------------------------------------------------------------------------------
// The kinds

async function rabbitmq(results: Record<string, number>) {
  const connection = await amqp.connect(URLS.RABBITMQ);
  const ch = await connection.createConfirmChannel();
  const exchange = `hookwire-bench-${suffix}`;
  const queue = `hookwire-bench-${suffix}`;
  const fill = async () => {
    await ch.purgeQueue(queue);
    for (let i = 0; i < CONSUMED; i++) {
      if (!ch.publish('', queue, message(i), { persistent: true, messageId: `m-${i}` })) await new Promise((resolve) => ch.once('drain', resolve));
    }
    await ch.waitForConfirms();
  };
  try {
    await ch.assertExchange(exchange, 'fanout', { durable: false });
    await ch.assertQueue(queue, { durable: true });
    await ch.bindQueue(queue, exchange, '');
    if (PUBLISH) {
      for (const c of CONCURRENCY) {
        results[`RabbitMQ publish with confirm, ${c} in flight (/s)`] = await publishRate(URLS.RABBITMQ, { kind: 'RABBITMQ', exchange, routingKey: null }, PUBLISHES, c);
      }
    }
    await fill();
    const noop = (results['RabbitMQ source into a no-op commit (/s)'] = await consumeRate({ kind: 'RABBITMQ', url: URLS.RABBITMQ, queue }, CONSUMED));
    await fill();
    const e2e = await sourceRate('RABBITMQ', { queue }, CONSUMED);
    sourceRows(results, 'RabbitMQ', e2e, noop);
  } finally {
    await ch.deleteQueue(queue).catch(() => {});
    await ch.deleteQueue(`${queue}.dead`).catch(() => {});
    await ch.deleteExchange(`${queue}.dead`).catch(() => {});
    await ch.deleteExchange(exchange).catch(() => {});
    await connection.close();
  }
}

async function nats(results: Record<string, number>) {
  const nc = await natsConnect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  const name = `HOOKWIRE_BENCH_${suffix.replaceAll('-', '_').toUpperCase()}`;
  const subject = `hookwire_bench_${suffix.replaceAll('-', '_')}`;
  const js = jetstream(nc);
  const fill = async (into: string) => {
    for (let i = 0; i < CONSUMED; i += 500) await Promise.all(Array.from({ length: Math.min(500, CONSUMED - i) }, (_, j) => js.publish(into, message(i + j))));
  };
  try {
    await jsm.streams.add({ name, subjects: [`${subject}.>`] });
    if (PUBLISH) {
      for (const c of CONCURRENCY) {
        results[`NATS JetStream publish, ${c} in flight (/s)`] = await publishRate(URLS.NATS, { kind: 'NATS', subject: `${subject}.pub` }, PUBLISHES, c);
      }
    }
    await fill(`${subject}.in`);
    const noop = (results['NATS source into a no-op commit (/s)'] = await consumeRate({ kind: 'NATS', url: URLS.NATS, subject: `${subject}.in`, durable: 'bench' }, CONSUMED));
    await fill(`${subject}.e2e`);
    const e2e = await sourceRate('NATS', { subject: `${subject}.e2e` }, CONSUMED);
    sourceRows(results, 'NATS', e2e, noop);
  } finally {
    await jsm.streams.delete(name).catch(() => {});
    await nc.close();
  }
}

async function redis(results: Record<string, number>) {
  const client = createClient({ url: URLS.REDIS_STREAM });
  await client.connect();
  const stream = `hookwire-bench-${suffix}`;
  const fill = async (into: string) => {
    for (let i = 0; i < CONSUMED; i += 500) {
      const multi = client.multi();
      for (let j = i; j < Math.min(i + 500, CONSUMED); j++) multi.xAdd(into, '*', { body: message(j) });
      await multi.exec();
    }
  };
  try {
    if (PUBLISH) {
      for (const c of CONCURRENCY) {
        results[`Redis XADD, ${c} in flight (/s)`] = await publishRate(URLS.REDIS_STREAM, { kind: 'REDIS_STREAM', stream: `${stream}:pub` }, PUBLISHES, c);
      }
    }
    await fill(stream);
    const noop = (results['Redis source into a no-op commit (/s)'] = await consumeRate({ kind: 'REDIS_STREAM', url: URLS.REDIS_STREAM, stream, group: 'bench', consumer: 'bench-1' }, CONSUMED));
    await fill(`${stream}:e2e`);
    const e2e = await sourceRate('REDIS_STREAM', { stream: `${stream}:e2e` }, CONSUMED);
    sourceRows(results, 'Redis', e2e, noop);
  } finally {
    await client.del([stream, `${stream}:pub`, `${stream}:dead`, `${stream}:e2e`, `${stream}:e2e:dead`]);
    client.destroy();
  }
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(', ');
const loadAtStart = load();
const results: Record<string, number> = {};
try {
  try {
    results[`limit: commitBrokerMessages alone, ${DEFAULT_BATCH_SIZE} a batch × ${DEFAULT_COMMITS_IN_FLIGHT} in flight (/s)`] = await commitLimit(CONSUMED);
  } catch (error) {
    console.error(`commit limit: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
  for (const [name, kind, scenario] of [
    ['RabbitMQ', 'RABBITMQ', rabbitmq],
    ['NATS', 'NATS', nats],
    ['Redis', 'REDIS_STREAM', redis],
  ] as const) {
    if (!KINDS.has(kind)) continue;
    try {
      await scenario(results);
    } catch (error) {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }
} finally {
  await stopEndToEnd();
}
const loadAtEnd = load();
const width = Math.max(...Object.keys(results).map((k) => k.length));
console.log(`broker adapters on ${cpus().length} cores, Node ${process.versions.node}${quick ? ' (quick)' : ''}: ${PUBLISHES} publishes per row, ${CONSUMED} messages per source`);
console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadAtEnd} at the end`);
for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(width)}  ${value.toLocaleString('en-US').padStart(8)}`);
if (OUT) await writeFile(OUT, JSON.stringify({ at: new Date().toISOString(), quick, publishes: PUBLISHES, consumed: CONSUMED, load: { start: loadAtStart, end: loadAtEnd }, results }, null, 2));
