// Endpoints that deliver into a broker, as a user of the API sees them, against the machine's real
// RabbitMQ, NATS JetStream and Redis: a destination of each kind created, shown with its URL
// masked and stored sealed, refused with typed errors when it does not fit; an event delivered to
// each kind and verified by a consumer with the receiver helper; an unroutable RabbitMQ message as a
// failed attempt; retries while each broker is stopped and started again (as the machine starts it);
// ordered delivery into a queue through a failure; sendTestEvent for every kind.
//
// This file stops brokers: vitest.config.ts runs it in the "brokers" project, one file at a time,
// after every other file.
import amqp, { type ChannelModel } from 'amqplib';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createClient } from '@redis/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../packages/verify/src/index.ts';
import {
  CreateEndpointDocument as CreateEndpoint,
  type CreateEndpointInput,
  DeliveryDocument as GetDelivery,
  EndpointDocument as GetEndpoint,
  EndpointsDocument as ListEndpoints,
  PublishEventsDocument as PublishEvents,
  SendTestEventDocument as SendTestEvent,
  UpdateEndpointDocument as UpdateEndpoint,
  type UpdateEndpointInput,
} from '../packages/client/src/generated/graphql.ts';
import { findEventType } from '../src/domain/catalog.ts';
import { createLogger } from '../src/log.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { waitUntil } from './support/wait.ts';
import { BROKERS, relay, uniqueName, withBrokerStopped } from './brokers/support.ts';

const RABBIT_URL = BROKERS.RABBITMQ; // amqp://guest:guest@127.0.0.1:5672/
const RABBIT_SHOWN = 'amqp://guest:****@127.0.0.1/';

let t: TestApp;
let apiKey: string;
let rabbit: ChannelModel;
let nc: NatsConnection;
let jsm: JetStreamManager;
let redis: ReturnType<typeof createClient>;
let direct: pg.Client;
const exchanges: string[] = [];
const queues: string[] = [];
const natsStreams: string[] = [];
const redisKeys: string[] = [];

async function connectNats() {
  nc = await connect({ servers: '127.0.0.1:4222' });
  jsm = await jetstreamManager(nc);
}

async function connectRedis() {
  redis = createClient({ url: BROKERS.REDIS_STREAM, socket: { reconnectStrategy: false } });
  redis.on('error', () => {});
  await redis.connect();
}

beforeAll(async () => {
  // random 0.5: every retry waits exactly its schedule's delay.
  t = await startTestApp({ role: 'all', random: () => 0.5 });
  ({ apiKey } = await t.newAccount('destinations'));
  rabbit = await amqp.connect(RABBIT_URL);
  rabbit.on('error', () => {});
  await connectNats();
  await connectRedis();
  direct = new pg.Client({ connectionString: t.db.url });
  direct.on('error', () => {});
  await direct.connect();
});

afterAll(async () => {
  await direct?.end();
  await t?.stop();
  // Fresh connections: a restart test may have closed the first ones.
  await rabbit?.close().catch(() => {});
  rabbit = await amqp.connect(RABBIT_URL);
  rabbit.on('error', () => {});
  const ch = await rabbit.createChannel();
  ch.on('error', () => {});
  for (const q of queues) await ch.deleteQueue(q).catch(() => {});
  for (const x of exchanges) await ch.deleteExchange(x).catch(() => {});
  await rabbit.close().catch(() => {});
  await nc?.close().catch(() => {});
  await connectNats();
  for (const name of natsStreams) await jsm.streams.delete(name).catch(() => {});
  await nc.close();
  redis?.destroy();
  await connectRedis();
  if (redisKeys.length > 0) await redis.del(redisKeys);
  redis.destroy();
});

// ---------------------------------------------------------------------------------------------
// The API's side.

type Created = { id: string; url: string; signingSecret: string; destination: { kind: string } };

async function create(input: Partial<CreateEndpointInput>, key = apiKey) {
  const body = await t.gql(CreateEndpoint, { input: { description: 'broker', eventTypes: ['*'], url: RABBIT_URL, ...input } as CreateEndpointInput }, key);
  expect(body.errors).toBeUndefined();
  return body.data!.createEndpoint;
}

async function created(input: Partial<CreateEndpointInput>, key = apiKey): Promise<Created> {
  const result = await create(input, key);
  if (result.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint answered ${JSON.stringify(result)}`);
  return result.endpoint as Created;
}

async function update(id: string, input: UpdateEndpointInput) {
  const body = await t.gql(UpdateEndpoint, { id, input }, apiKey);
  expect(body.errors).toBeUndefined();
  return body.data!.updateEndpoint;
}

function fieldErrors(result: { __typename: string }) {
  expect(result.__typename).toBe('ValidationError');
  return (result as unknown as { fieldErrors: Array<{ path: string[]; message: string }> }).fieldErrors;
}

async function endpointCount(): Promise<number> {
  return (await direct.query<{ n: number }>('SELECT count(*)::int AS n FROM endpoint')).rows[0]!.n;
}

async function delivery(id: string, key = apiKey) {
  const body = await t.gql(GetDelivery, { id }, key);
  expect(body.errors).toBeUndefined();
  return body.data!.delivery!;
}

async function sendTestEvent(endpointId: string, key = apiKey) {
  const body = await t.gql(SendTestEvent, { endpointId }, key);
  const result = body.data!.sendTestEvent;
  if (result.__typename !== 'DeliverySuccess') throw new Error(`sendTestEvent answered ${JSON.stringify(result)}`);
  return result.delivery.id;
}

async function succeeded(deliveryId: string, key: string, timeoutMs = 30_000) {
  let last: Awaited<ReturnType<typeof delivery>> | undefined;
  await waitUntil(`delivery ${deliveryId} succeeded`, async () => (last = await delivery(deliveryId, key)).status === 'SUCCEEDED', timeoutMs, 100);
  return last!;
}

/** An account of the test's own: its endpoints get only its events (and its operational ones). */
async function ownKey(): Promise<string> {
  return (await t.newAccount('destinations test')).apiKey;
}

/** Events of a built-in type, its example data with a marker, published in one call (in this order). */
async function publish(count: number, key: string, type = 'message.received'): Promise<string[]> {
  const example = findEventType(type)!.example as Record<string, unknown>;
  const inputs = Array.from({ length: count }, (_, i) => ({ type, sessionId: 's1', data: { ...example, id: `m${i}` } }));
  const body = await t.gql(PublishEvents, { inputs }, key);
  const result = body.data!.publishEvents;
  if (result.__typename !== 'PublishEventsSuccess') throw new Error(`publishEvents answered ${JSON.stringify(result)}`);
  return result.events.map((e) => e.id);
}

// ---------------------------------------------------------------------------------------------
// The brokers' side: places of this file's own, and consumers that verify as receivers do.

async function rabbitExchange(options: { bound: boolean }): Promise<{ exchange: string; queue: string }> {
  const exchange = uniqueName('hookwire-dest-x');
  const queue = uniqueName('hookwire-dest-q');
  const ch = await rabbit.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: true, autoDelete: false });
  await ch.assertQueue(queue, { durable: true });
  if (options.bound) await ch.bindQueue(queue, exchange, '#');
  await ch.close();
  exchanges.push(exchange);
  queues.push(queue);
  return { exchange, queue };
}

interface Consumed {
  body: string;
  headers: Record<string, string>;
}

/** Every message in the queue now, in queue order, acknowledged. */
async function drainQueue(queue: string): Promise<Consumed[]> {
  const ch = await rabbit.createChannel();
  const out: Consumed[] = [];
  try {
    for (let i = 0; i < 1000; i++) {
      const message = await ch.get(queue, { noAck: true });
      if (message === false) break;
      out.push({ body: message.content.toString(), headers: stringHeaders(message.properties.headers ?? {}) });
    }
  } finally {
    await ch.close();
  }
  return out;
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : String(v)]));
}

async function natsStream(): Promise<{ name: string; prefix: string }> {
  const prefix = uniqueName('hookwire_dest').replaceAll('-', '_');
  const name = prefix.toUpperCase();
  await jsm.streams.add({ name, subjects: [`${prefix}.>`] });
  natsStreams.push(name);
  return { name, prefix };
}

/** The messages a JetStream stream holds, in order, read by an ordered consumer. */
async function natsMessages(stream: string, count: number): Promise<Array<Consumed & { subject: string }>> {
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: Array<Consumed & { subject: string }> = [];
  for (let i = 0; i < count; i++) {
    const message = await consumer.next({ expires: 5_000 });
    if (!message) break;
    const headers: Record<string, string> = {};
    for (const [name, values] of message.headers ?? []) headers[name] = values[0]!;
    out.push({ subject: message.subject, body: message.string(), headers });
  }
  return out;
}

function redisStream(): string {
  const key = uniqueName('hookwire-dest-stream');
  redisKeys.push(key);
  return key;
}

async function redisEntries(stream: string): Promise<Consumed[]> {
  const entries = (await redis.xRange(stream, '-', '+')) ?? [];
  return entries.map(({ message }) => {
    const { body, ...headers } = message as Record<string, string>;
    return { body: body!, headers };
  });
}

/** What a receiver does: verify the signature on the exact bytes, with the endpoint's secret. */
function verified(message: Consumed, secret: string) {
  return verifyWebhook<{ id: string; type: string }>(message.body, message.headers, secret);
}

// ---------------------------------------------------------------------------------------------

describe('a broker destination through the API', () => {
  it('is created for each kind, shown with the password masked, and its URL stored sealed', async () => {
    const rabbitEp = await created({ url: RABBIT_URL, destination: { kind: 'RABBITMQ', exchange: 'amq.topic' } });
    expect(rabbitEp.url).toBe(RABBIT_SHOWN);
    expect(rabbitEp.destination).toEqual({ kind: 'RABBITMQ', exchange: 'amq.topic', routingKey: null, subject: null, stream: null });
    const natsEp = await created({ url: 'nats://s3cret-token@127.0.0.1:4222', destination: { kind: 'NATS', subject: 'orders.{type}' } });
    expect(natsEp.url).toBe('nats://****@127.0.0.1');
    expect(natsEp.destination).toMatchObject({ kind: 'NATS', subject: 'orders.{type}' });
    const redisEp = await created({ url: 'redis://app:pa%24%24word@127.0.0.1:6379/2', destination: { kind: 'REDIS_STREAM', stream: 'hooks' } });
    expect(redisEp.url).toBe('redis://app:****@127.0.0.1/2');
    expect(redisEp.destination).toMatchObject({ kind: 'REDIS_STREAM', stream: 'hooks' });

    // Every answer that shows the endpoint masks it: one endpoint, and the list.
    const one = await t.gql(GetEndpoint, { id: rabbitEp.id }, apiKey);
    expect(one.data!.endpoint).toMatchObject({ url: RABBIT_SHOWN, destination: { kind: 'RABBITMQ' } });
    const list = JSON.stringify((await t.gql(ListEndpoints, { first: 50 }, apiKey)).data);
    for (const secret of ['guest:guest', 's3cret-token', 'pa%24%24word', 'pa$$word']) expect(list).not.toContain(secret);

    // At rest: the masked form in url, the whole URL only sealed.
    const { rows } = await direct.query('SELECT id, url, broker_url, destination_kind::text AS kind FROM endpoint WHERE id = ANY($1)', [[rabbitEp.id, natsEp.id, redisEp.id]]);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.broker_url).toMatch(/^hwsealed:/);
      for (const secret of ['guest', 's3cret-token', 'pa%24%24word', 'pa$$word']) expect(row.broker_url).not.toContain(secret);
    }
    expect(rows.find((r) => r.id === rabbitEp.id)).toMatchObject({ url: RABBIT_SHOWN, kind: 'RABBITMQ' });
  });

  it('an HTTP endpoint is unchanged: HTTP when no destination is given', async () => {
    const ep = await created({ url: 'https://receiver.example/hooks' });
    expect(ep.destination).toEqual({ kind: 'HTTP', exchange: null, routingKey: null, subject: null, stream: null });
    expect(ep.url).toBe('https://receiver.example/hooks');
  });

  it('refuses a destination that does not fit, with typed errors on each field, and stores nothing', async () => {
    const before = await endpointCount();
    const cases: Array<{ input: Partial<CreateEndpointInput>; errors: Array<{ path: string[]; message: RegExp }> }> = [
      { input: { url: RABBIT_URL, destination: { kind: 'NATS', subject: 'x' } }, errors: [{ path: ['input', 'url'], message: /NATS broker needs nats:\/\/ or tls:\/\/, not amqp:\/\// }] },
      { input: { url: 'nats://127.0.0.1', destination: { kind: 'NATS' } }, errors: [{ path: ['input', 'destination', 'subject'], message: /is required/ }] },
      { input: { url: 'redis://127.0.0.1', destination: { kind: 'REDIS_STREAM' } }, errors: [{ path: ['input', 'destination', 'stream'], message: /is required/ }] },
      {
        input: { url: RABBIT_URL, destination: { kind: 'RABBITMQ', exchange: 'bad exchange!', subject: 'x' } },
        errors: [
          { path: ['input', 'destination', 'subject'], message: /does not apply to a RABBITMQ destination/ },
          { path: ['input', 'destination', 'exchange'], message: /may contain only/ },
        ],
      },
      { input: { url: 'https://receiver.example/h', destination: { kind: 'HTTP', stream: 'x' } }, errors: [{ path: ['input', 'destination', 'stream'], message: /does not apply to an HTTP destination/ }] },
      { input: { url: 'amqp://u:p@127.0.0.1', destination: { kind: 'HTTP' } }, errors: [{ path: ['input', 'url'], message: /http/ }, { path: ['input', 'url'], message: /username or password/ }] },
      { input: { url: RABBIT_URL, destination: { kind: 'RABBITMQ' }, verifyToken: 'tok' }, errors: [{ path: ['input', 'verifyToken'], message: /only to HTTP/ }] },
      { input: { url: 'amqp://127.0.0.1/?frame_max=1', destination: { kind: 'RABBITMQ' }, description: '' }, errors: [{ path: ['input', 'description'], message: /empty/ }, { path: ['input', 'url'], message: /frame_max/ }] },
    ];
    for (const { input, errors } of cases) {
      const got = fieldErrors(await create(input));
      expect(got, JSON.stringify(input)).toHaveLength(errors.length);
      for (const want of errors) expect(got, JSON.stringify(input)).toContainEqual({ path: want.path, message: expect.stringMatching(want.message) });
      // An error never repeats a password of the URL it refused.
      expect(JSON.stringify(got)).not.toContain(':p@');
    }
    expect(await endpointCount()).toBe(before);
  });

  it('updates: a new URL keeps the destination, a new kind needs a URL of its own, and the URL is sealed again', async () => {
    const ep = await created({ url: RABBIT_URL, destination: { kind: 'RABBITMQ', exchange: 'amq.topic', routingKey: 'all' } });
    const moved = await update(ep.id, { url: 'amqp://other:n3w-pass@127.0.0.1:5673/vh' });
    expect(moved).toMatchObject({ endpoint: { url: 'amqp://other:****@127.0.0.1:5673/vh', destination: { kind: 'RABBITMQ', exchange: 'amq.topic', routingKey: 'all' } } });

    // Another kind without a URL: the stored one does not fit, said on url.
    const errors = fieldErrors(await update(ep.id, { destination: { kind: 'NATS', subject: 'a.b' } }));
    expect(errors).toContainEqual({ path: ['input', 'url'], message: expect.stringMatching(/NATS broker needs nats:\/\/.*give its url/) });
    expect(errors.every((e) => e.path.join('.') === 'input.url')).toBe(true);
    const toNats = await update(ep.id, { url: 'nats://127.0.0.1', destination: { kind: 'NATS', subject: 'a.b' } });
    expect(toNats).toMatchObject({ endpoint: { url: 'nats://127.0.0.1', destination: { kind: 'NATS', subject: 'a.b', exchange: null, routingKey: null } } });
    const toHttp = await update(ep.id, { url: 'https://receiver.example/h', destination: { kind: 'HTTP' } });
    expect(toHttp).toMatchObject({ endpoint: { url: 'https://receiver.example/h', destination: { kind: 'HTTP', subject: null } } });
    const { rows } = await direct.query('SELECT broker_url, subject FROM endpoint WHERE id = $1', [ep.id]);
    expect(rows).toEqual([{ broker_url: null, subject: null }]);
  });
});

describe('delivering to each kind', () => {
  it('RABBITMQ: routed by the event type, confirmed, and verified by a consumer of the queue', async () => {
    const { exchange, queue } = await rabbitExchange({ bound: true });
    const key = await ownKey();
    const ep = await created({ url: RABBIT_URL, destination: { kind: 'RABBITMQ', exchange } }, key);
    const done = await succeeded(await sendTestEvent(ep.id, key), key);
    const [attempt] = done.attempts;
    expect(attempt).toMatchObject({ outcome: 'SUCCESS', responseStatus: 202 });
    expect(JSON.parse(attempt!.responseBody!)).toEqual({ broker: 'RABBITMQ', exchange, routingKey: 'webhook.test', confirmed: true });
    const [message, ...more] = await drainQueue(queue);
    expect(more).toEqual([]);
    expect(verified(message!, ep.signingSecret)).toMatchObject({ id: done.event.id, type: 'webhook.test' });
    expect(message!.body).toBe(attempt!.requestBody);
    expect(message!.headers['webhook-id']).toBe(done.event.id);
    expect(message!.headers['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('NATS: published to the subject with {type} replaced, acked by JetStream, and verified by a consumer', async () => {
    const { name, prefix } = await natsStream();
    const key = await ownKey();
    const ep = await created({ url: BROKERS.NATS, destination: { kind: 'NATS', subject: `${prefix}.{type}` } }, key);
    const [eventId] = await publish(1, key, 'message.received');
    await waitUntil('stored in the stream', async () => (await jsm.streams.info(name)).state.messages === 1);
    const [message] = await natsMessages(name, 1);
    expect(message!.subject).toBe(`${prefix}.message.received`);
    expect(verified(message!, ep.signingSecret)).toMatchObject({ id: eventId, type: 'message.received' });
  });

  it('REDIS_STREAM: an entry with the body and one field per header, verified by a consumer', async () => {
    const stream = redisStream();
    const key = await ownKey();
    const ep = await created({ url: BROKERS.REDIS_STREAM, destination: { kind: 'REDIS_STREAM', stream } }, key);
    const done = await succeeded(await sendTestEvent(ep.id, key), key);
    const [entry, ...more] = await redisEntries(stream);
    expect(more).toEqual([]);
    expect(verified(entry!, ep.signingSecret)).toMatchObject({ id: done.event.id, type: 'webhook.test' });
    expect(JSON.parse(done.attempts[0]!.responseBody!)).toMatchObject({ broker: 'REDIS_STREAM', stream });
  });
});

describe('failures are attempts', () => {
  it('an unroutable RabbitMQ message (mandatory) is a failed attempt, retried on the schedule, and the endpoint pauses when it is exhausted', async () => {
    const { exchange } = await rabbitExchange({ bound: false });
    const key = await ownKey();
    const ep = await created({ url: RABBIT_URL, destination: { kind: 'RABBITMQ', exchange }, retrySchedule: [1] }, key);
    const deliveryId = await sendTestEvent(ep.id, key);
    let last: Awaited<ReturnType<typeof delivery>> | undefined;
    await waitUntil('both attempts failed', async () => (last = await delivery(deliveryId, key)).status === 'FAILED', 30_000, 100);
    expect(last!.attempts).toHaveLength(2);
    for (const attempt of last!.attempts) {
      expect(attempt.outcome).toBe('NETWORK_ERROR');
      expect(attempt.error).toContain(`unroutable: no queue is bound to exchange "${exchange}" with routing key "webhook.test"`);
      expect(attempt.error).toContain(RABBIT_SHOWN);
      expect(attempt.error).not.toContain('guest:guest');
    }
    expect(last!.attempts[0]!.willRetry).toBe(true);
    await waitUntil('the endpoint paused', async () => (await t.gql(GetEndpoint, { id: ep.id }, key)).data!.endpoint!.status === 'PAUSED');
  });

  it("a broker that stops answering is a TIMEOUT attempt within the endpoint's timeoutMs, retried", async () => {
    const frozen = await relay(5672);
    frozen.freeze();
    try {
      const key = await ownKey();
      const ep = await created({ url: `amqp://guest:guest@127.0.0.1:${frozen.port}/`, destination: { kind: 'RABBITMQ' }, timeoutMs: 500, retrySchedule: [60] }, key);
      const deliveryId = await sendTestEvent(ep.id, key);
      let attempts: Array<{ outcome: string; error?: string | null; durationMs: number; willRetry: boolean }> = [];
      await waitUntil('an attempt', async () => (attempts = (await delivery(deliveryId, key)).attempts).length > 0);
      expect(attempts[0]).toMatchObject({ outcome: 'TIMEOUT', willRetry: true, error: expect.stringContaining('within 500 ms') });
      expect(attempts[0]!.durationMs).toBeLessThan(5_000);
    } finally {
      await frozen.close();
    }
  });

  /** A place of this file's own in `kind`'s broker, the endpoint input for it, and the verified ids of what it holds. */
  async function brokerPlace(kind: 'RABBITMQ' | 'NATS' | 'REDIS_STREAM') {
    // Retries for about two minutes: RabbitMQ takes many seconds to boot again.
    const retrySchedule = [1, 1, 2, 4, 8, 15, 30, 30, 30];
    switch (kind) {
      case 'RABBITMQ': {
        const { exchange, queue } = await rabbitExchange({ bound: true });
        return {
          input: { url: RABBIT_URL, destination: { kind, exchange }, retrySchedule },
          shown: `RabbitMQ at ${RABBIT_SHOWN}`,
          reconnect: async () => {
            await rabbit.close().catch(() => {});
            rabbit = await amqp.connect(RABBIT_URL);
            rabbit.on('error', () => {});
          },
          held: async (secret: string) => (await drainQueue(queue)).map((m) => verified(m, secret).id),
        };
      }
      case 'NATS': {
        const { name, prefix } = await natsStream();
        return {
          input: { url: BROKERS.NATS, destination: { kind, subject: `${prefix}.{type}` }, retrySchedule },
          shown: 'NATS at nats://127.0.0.1',
          reconnect: async () => {
            await nc.close().catch(() => {});
            await connectNats();
          },
          held: async (secret: string) => (await natsMessages(name, 2)).map((m) => verified(m, secret).id),
        };
      }
      case 'REDIS_STREAM': {
        const stream = redisStream();
        return {
          input: { url: BROKERS.REDIS_STREAM, destination: { kind, stream }, retrySchedule },
          shown: 'Redis at redis://127.0.0.1',
          reconnect: async () => {
            redis.destroy();
            await connectRedis();
          },
          held: async (secret: string) => (await redisEntries(stream)).map((e) => verified(e, secret).id),
        };
      }
    }
  }

  for (const kind of ['REDIS_STREAM', 'NATS', 'RABBITMQ'] as const) {
    it(`${kind}: attempts fail while the broker is stopped, are retried, and succeed once it is started again`, async () => {
      const place = await brokerPlace(kind);
      const key = await ownKey();
      const ep = await created(place.input, key);
      // A first delivery opens the worker's connection, which the stop then breaks.
      await succeeded(await sendTestEvent(ep.id, key), key);
      let deliveryId = '';
      try {
        await withBrokerStopped(kind, async () => {
          deliveryId = await sendTestEvent(ep.id, key);
          await waitUntil('two failed attempts', async () => (await delivery(deliveryId, key)).attempts.length >= 2, 30_000, 100);
          const { attempts, status } = await delivery(deliveryId, key);
          expect(status).toBe('PENDING');
          for (const attempt of attempts) {
            expect(attempt.outcome).toBe('NETWORK_ERROR');
            expect(attempt.error).toContain(place.shown);
          }
        });
      } finally {
        // This file's own connection died with the broker.
        await place.reconnect();
      }
      const done = await succeeded(deliveryId, key, 120_000);
      expect(done.attempts.at(-1)).toMatchObject({ outcome: 'SUCCESS', responseStatus: 202 });
      // Redis starts without persistence (the machine's flags): what came before the stop may be gone there.
      expect(await place.held(ep.signingSecret)).toContain(done.event.id);
    }, 240_000);
  }
});

describe("a worker's broker connections", () => {
  it('are opened on first use, reused, and closed when the worker stops', async () => {
    const app = await startTestApp({ role: 'all' });
    // Its worker's connections are named after the worker (engine.ts): host/pid/random id, as Redis allows a name.
    const workerId = app.app.worker!.engine.workerId.split('/').at(-1)!;
    const ours = async () => ((await redis.clientList()) as Array<{ name: string }>).filter((c) => c.name.startsWith('hookwire-worker-') && c.name.endsWith(`-${workerId}`)).length;
    try {
      const { apiKey: key } = await app.newAccount('connections');
      const stream = redisStream();
      const body = await app.gql(CreateEndpoint, { input: { description: 'c', eventTypes: ['*'], url: BROKERS.REDIS_STREAM, destination: { kind: 'REDIS_STREAM', stream } } }, key);
      const result = body.data!.createEndpoint;
      if (result.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(result));
      for (let i = 0; i < 3; i++) {
        const sent = (await app.gql(SendTestEvent, { endpointId: result.endpoint.id }, key)).data!.sendTestEvent;
        if (sent.__typename !== 'DeliverySuccess') throw new Error(JSON.stringify(sent));
        await waitUntil('delivered', async () => (await app.gql(GetDelivery, { id: sent.delivery.id }, key)).data!.delivery!.status === 'SUCCEEDED');
      }
      expect(await ours()).toBe(1);
    } finally {
      await app.stop();
    }
    await waitUntil('closed at stop', async () => (await ours()) === 0);
  });
});

describe('credentials are never shown or logged', () => {
  it('a refused login is a failed attempt whose error, the API, the stored rows and every log line hold the URL masked', async () => {
    const password = 'n0t-the-Pa55word';
    const lines: string[] = [];
    const app = await startTestApp({ role: 'all', logger: createLogger('debug', { format: 'json', write: (line) => lines.push(line) }) });
    try {
      const { apiKey: key } = await app.newAccount('credentials');
      const input = { description: 'wrong password', eventTypes: ['*'], url: `amqp://guest:${password}@127.0.0.1:5672/`, destination: { kind: 'RABBITMQ' as const }, retrySchedule: [] };
      const result = (await app.gql(CreateEndpoint, { input }, key)).data!.createEndpoint;
      if (result.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(result));
      const sent = (await app.gql(SendTestEvent, { endpointId: result.endpoint.id }, key)).data!.sendTestEvent;
      if (sent.__typename !== 'DeliverySuccess') throw new Error(JSON.stringify(sent));
      let answer = '';
      await waitUntil('the attempt failed', async () => {
        const body = await app.gql(GetDelivery, { id: sent.delivery.id }, key);
        answer = JSON.stringify(body);
        return body.data!.delivery!.status === 'FAILED';
      });
      const [attempt] = JSON.parse(answer).data.delivery.attempts;
      expect(attempt).toMatchObject({ outcome: 'NETWORK_ERROR', error: expect.stringContaining(`RabbitMQ at ${RABBIT_SHOWN}`) });
      expect(attempt.error).toMatch(/ACCESS.REFUSED/);
      const own = new pg.Client({ connectionString: app.db.url });
      await own.connect();
      const rows = JSON.stringify(
        (await own.query('SELECT e.url, e.broker_url, a.* FROM endpoint e JOIN delivery d ON d.endpoint_id = e.id JOIN delivery_attempt a ON a.delivery_id = d.id WHERE e.id = $1', [result.endpoint.id])).rows,
      );
      await own.end();
      expect(rows).toContain(RABBIT_SHOWN);
      expect(lines.length).toBeGreaterThan(0); // debug: the worker's lanes and slices were logged
      for (const text of [answer, JSON.stringify(result), rows, lines.join('\n')]) expect(text).not.toContain(password);
    } finally {
      await app.stop();
    }
  });
});

describe('the SSRF rule', () => {
  it('without HOOKWIRE_ALLOW_PRIVATE_NETWORKS a broker on a private address is a BLOCKED attempt, and nothing is published', async () => {
    const guarded = await startTestApp({ role: 'all', env: { HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'false' } });
    try {
      const { apiKey: key } = await guarded.newAccount('guarded');
      const stream = redisStream();
      const body = await guarded.gql(CreateEndpoint, { input: { description: 'private', eventTypes: ['*'], url: BROKERS.REDIS_STREAM, destination: { kind: 'REDIS_STREAM', stream } } }, key);
      const result = body.data!.createEndpoint;
      if (result.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(result));
      const sent = (await guarded.gql(SendTestEvent, { endpointId: result.endpoint.id }, key)).data!.sendTestEvent;
      if (sent.__typename !== 'DeliverySuccess') throw new Error(JSON.stringify(sent));
      let attempts: Array<{ outcome: string; error?: string | null }> = [];
      await waitUntil('an attempt', async () => (attempts = (await guarded.gql(GetDelivery, { id: sent.delivery.id }, key)).data!.delivery!.attempts).length > 0);
      expect(attempts[0]).toMatchObject({ outcome: 'BLOCKED', error: expect.stringContaining('blocked connection to non-public address 127.0.0.1') });
      expect(await redis.exists(stream)).toBe(0);
    } finally {
      await guarded.stop();
    }
  });
});

describe('ordered delivery into a queue', () => {
  it('ordered: true keeps publish order in the queue through a failure: nothing behind the failing message goes first', async () => {
    const { exchange, queue } = await rabbitExchange({ bound: false });
    const key = await ownKey();
    const ep = await created({ url: RABBIT_URL, destination: { kind: 'RABBITMQ', exchange }, ordered: true, retrySchedule: Array(10).fill(1) }, key);
    const eventIds = await publish(5, key);
    // The head fails (unroutable) until the queue is bound; the four behind it wait.
    const deliveries = async () => {
      const { rows } = await direct.query<{ id: string; event_id: string; status: string; attempt_count: number }>(
        'SELECT id, event_id, status::text AS status, attempt_count FROM delivery WHERE endpoint_id = $1 ORDER BY id',
        [ep.id],
      );
      return rows;
    };
    await waitUntil('the head failed once', async () => (await deliveries()).some((d) => d.attempt_count >= 1 && d.status === 'PENDING'), 30_000, 100);
    expect((await deliveries()).filter((d) => d.attempt_count > 0)).toHaveLength(1);
    const ch = await rabbit.createChannel();
    await ch.bindQueue(queue, exchange, '#');
    await ch.close();
    await waitUntil('all five delivered', async () => (await deliveries()).every((d) => d.status === 'SUCCEEDED'), 60_000, 100);
    const messages = await drainQueue(queue);
    expect(messages.map((m) => verified(m, ep.signingSecret).id)).toEqual(eventIds);
  }, 120_000);
});
