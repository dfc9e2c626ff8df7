// `npm run bench:destinations [-- --quick] [-- --out file.json]`: deliveries per second through
// Hookwire (one `npm start`-style process, GraphQL publishes, Postgres on DATABASE_URL or embedded)
// to one endpoint of each destination kind: an HTTP receiver in a process of its own, RabbitMQ
// (publisher confirms), NATS JetStream (publish acks) and a Redis stream (XADD), on the machine's
// brokers; each endpoint with concurrencyLimit 10 and 1 (ordered). Counted from the deliveries'
// SUCCEEDED rows, from the first publish to the last success. Bounded: fixed counts, a deadline.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import amqp from 'amqplib';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createClient } from '@redis/client';
import { account, publishBatch } from './api.ts';
import { GraphQLClient, startHookwire, startPgServer, startReceiver } from './processes.ts';

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex > 0 ? process.argv[outIndex + 1]! : null;
const EVENTS = quick ? 500 : 5_000;
const BATCH = 500;
const DEADLINE_MS = 300_000;
const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const URLS = { RABBITMQ: 'amqp://guest:guest@127.0.0.1:5672/', NATS: 'nats://127.0.0.1:4222', REDIS_STREAM: 'redis://127.0.0.1:6379' } as const;

const server = await startPgServer();
const receiver = await startReceiver();
const rabbit = await amqp.connect(URLS.RABBITMQ);
rabbit.on('error', () => {});
const nc = await natsConnect({ servers: '127.0.0.1:4222' });
const jsm = await jetstreamManager(nc);
const redis = createClient({ url: URLS.REDIS_STREAM });
// Only the cleanup uses it: a lost connection must not end the run (node-redis reconnects).
redis.on('error', () => {});
await redis.connect();

const exchange = `hookwire-bench-dest-${suffix}`;
const queue = `hookwire-bench-dest-${suffix}`;
const natsStream = `HOOKWIRE_BENCH_DEST_${suffix.replaceAll('-', '_').toUpperCase()}`;
const natsSubject = `hookwire_bench_dest_${suffix.replaceAll('-', '_')}`;
const redisStream = `hookwire-bench-dest-${suffix}`;
const ch = await rabbit.createChannel();
await ch.assertExchange(exchange, 'fanout', { durable: false });
await ch.assertQueue(queue, { durable: true });
await ch.bindQueue(queue, exchange, '');
await jsm.streams.add({ name: natsStream, subjects: [`${natsSubject}.>`] });

const KINDS: Record<string, Record<string, unknown>> = {
  HTTP: { url: `${receiver.origin}/ok` },
  RABBITMQ: { url: URLS.RABBITMQ, destination: { kind: 'RABBITMQ', exchange } },
  NATS: { url: URLS.NATS, destination: { kind: 'NATS', subject: `${natsSubject}.{type}` } },
  REDIS_STREAM: { url: URLS.REDIS_STREAM, destination: { kind: 'REDIS_STREAM', stream: redisStream } },
};

const results: Record<string, number> = {};
try {
  for (const ordered of [false, true]) {
    for (const [kind, input] of Object.entries(KINDS)) {
      const db = await server.database();
      const hookwire = await startHookwire('all', db);
      try {
        const api = new GraphQLClient(hookwire.url!);
        const acct = await account(api, `bench ${kind}`, [{ ...input, concurrencyLimit: 10, ordered }]);
        const total = ordered ? Math.round(EVENTS / 5) : EVENTS;
        const t0 = Date.now();
        for (let sent = 0; sent < total; sent += BATCH) await publishBatch(api, acct.key, Math.min(BATCH, total - sent));
        const deadline = t0 + DEADLINE_MS;
        let done = 0;
        while (done < total) {
          if (Date.now() > deadline) throw new Error(`${kind}: ${done} of ${total} delivered by the deadline`);
          await new Promise((resolve) => setTimeout(resolve, 100));
          [{ done }] = await server.query<{ done: number }>(db, `SELECT count(*)::int AS done FROM delivery WHERE status = 'SUCCEEDED'`);
        }
        const [{ last }] = await server.query<{ last: Date }>(db, 'SELECT max(completed_at) AS last FROM delivery');
        results[`${kind}${ordered ? ', ordered' : ', 10 in flight'} (deliveries/s)`] = Math.round(total / ((last.getTime() - t0) / 1000));
      } finally {
        await hookwire.stop();
      }
    }
  }
} finally {
  await ch.deleteQueue(queue).catch(() => {});
  await ch.deleteExchange(exchange).catch(() => {});
  await rabbit.close();
  await jsm.streams.delete(natsStream).catch(() => {});
  await nc.close();
  await redis.del(redisStream);
  redis.destroy();
  await receiver.stop();
  await server.stop();
}

const width = Math.max(...Object.keys(results).map((k) => k.length));
console.log(`destinations through Hookwire on ${cpus().length} cores, Node ${process.versions.node}${quick ? ' (quick)' : ''}: ${EVENTS} events (ordered: ${Math.round(EVENTS / 5)}) to one endpoint`);
for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(width)}  ${value.toLocaleString('en-US').padStart(8)}`);
if (OUT) await writeFile(OUT, JSON.stringify({ at: new Date().toISOString(), quick, events: EVENTS, results }, null, 2));
