// `npm run bench:brokers [-- --quick] [-- --out file.json]`: the broker adapters' own ceilings on this
// machine, before issue 19's end-to-end target (>= 5,000 events/s from RabbitMQ into committed
// events) is measured through Postgres: publishes per second through BrokerPool.send (RabbitMQ
// with publisher confirms, JetStream acks, XADD) at a few concurrencies, and source consumers
// draining a pre-filled queue/stream into a commit that does nothing. Uses the machine's brokers
// (127.0.0.1), names of its own, and removes them after. Bounded: fixed message counts, a deadline
// per scenario.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import amqp from 'amqplib';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createClient } from '@redis/client';
import type { BrokerDestination } from '../src/delivery/brokers/destination.ts';
import { BrokerPool } from '../src/delivery/brokers/pool.ts';
import { buildDeliveryHeaders, generateSigningSecret } from '../src/delivery/sign.ts';
import { startBrokerConsumer, type BrokerSourceConfig } from '../src/worker/sources/index.ts';

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex > 0 ? process.argv[outIndex + 1]! : null;
const PUBLISHES = quick ? 1_000 : 10_000;
const CONSUMED = quick ? 2_000 : 20_000;
const CONCURRENCY = [1, 10, 100];
const DEADLINE_MS = 120_000;

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

const message = (i: number) => Buffer.from(JSON.stringify({ type: 'message.received', data: { from: '+15550100', text: `message ${i}` }, idempotencyKey: `k-${i}` }));

async function rabbitmq(results: Record<string, number>) {
  const connection = await amqp.connect(URLS.RABBITMQ);
  const ch = await connection.createConfirmChannel();
  const exchange = `hookwire-bench-${suffix}`;
  const queue = `hookwire-bench-${suffix}`;
  try {
    await ch.assertExchange(exchange, 'fanout', { durable: false });
    await ch.assertQueue(queue, { durable: true });
    await ch.bindQueue(queue, exchange, '');
    for (const c of CONCURRENCY) {
      results[`RabbitMQ publish with confirm, ${c} in flight (/s)`] = await publishRate(URLS.RABBITMQ, { kind: 'RABBITMQ', exchange, routingKey: null }, PUBLISHES, c);
    }
    await ch.purgeQueue(queue);
    for (let i = 0; i < CONSUMED; i++) ch.publish('', queue, message(i), { persistent: true, messageId: `m-${i}` });
    await ch.waitForConfirms();
    results['RabbitMQ source into a no-op commit (/s)'] = await consumeRate({ kind: 'RABBITMQ', url: URLS.RABBITMQ, queue }, CONSUMED);
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
  try {
    await jsm.streams.add({ name, subjects: [`${subject}.>`] });
    for (const c of CONCURRENCY) {
      results[`NATS JetStream publish, ${c} in flight (/s)`] = await publishRate(URLS.NATS, { kind: 'NATS', subject: `${subject}.pub` }, PUBLISHES, c);
    }
    const js = jetstream(nc);
    for (let i = 0; i < CONSUMED; i += 500) await Promise.all(Array.from({ length: Math.min(500, CONSUMED - i) }, (_, j) => js.publish(`${subject}.in`, message(i + j))));
    results['NATS source into a no-op commit (/s)'] = await consumeRate({ kind: 'NATS', url: URLS.NATS, subject: `${subject}.in`, durable: 'bench' }, CONSUMED);
  } finally {
    await jsm.streams.delete(name).catch(() => {});
    await nc.close();
  }
}

async function redis(results: Record<string, number>) {
  const client = createClient({ url: URLS.REDIS_STREAM });
  await client.connect();
  const stream = `hookwire-bench-${suffix}`;
  try {
    for (const c of CONCURRENCY) {
      results[`Redis XADD, ${c} in flight (/s)`] = await publishRate(URLS.REDIS_STREAM, { kind: 'REDIS_STREAM', stream: `${stream}:pub` }, PUBLISHES, c);
    }
    for (let i = 0; i < CONSUMED; i += 500) {
      const multi = client.multi();
      for (let j = i; j < Math.min(i + 500, CONSUMED); j++) multi.xAdd(stream, '*', { body: message(j) });
      await multi.exec();
    }
    results['Redis source into a no-op commit (/s)'] = await consumeRate({ kind: 'REDIS_STREAM', url: URLS.REDIS_STREAM, stream, group: 'bench', consumer: 'bench-1' }, CONSUMED);
  } finally {
    await client.del([stream, `${stream}:pub`, `${stream}:dead`]);
    client.destroy();
  }
}

const results: Record<string, number> = {};
for (const [name, scenario] of [
  ['RabbitMQ', rabbitmq],
  ['NATS', nats],
  ['Redis', redis],
] as const) {
  try {
    await scenario(results);
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
const width = Math.max(...Object.keys(results).map((k) => k.length));
console.log(`broker adapters on ${cpus().length} cores, Node ${process.versions.node}${quick ? ' (quick)' : ''}: ${PUBLISHES} publishes per row, ${CONSUMED} messages per source`);
for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(width)}  ${value.toLocaleString('en-US').padStart(8)}`);
if (OUT) await writeFile(OUT, JSON.stringify({ at: new Date().toISOString(), quick, publishes: PUBLISHES, consumed: CONSUMED, results }, null, 2));
