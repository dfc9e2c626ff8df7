// RabbitMQ both ways, against the machine's broker: an endpoint's attempt published with confirms
// (and what counts as a failure), and a source consuming a queue (ack after commit, redelivery,
// dead-letters, reconnecting after the broker restarts).

import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../packages/verify/src/index.ts';
import { BROKER_ACCEPTED_STATUS, BrokerPool, type BrokerSendRequest } from '../../src/delivery/brokers/pool.ts';
import type { Resolve } from '../../src/delivery/ssrf.ts';
import { classify } from '../../src/delivery/classify.ts';
import { DEAD_REASON_HEADER } from '../../src/worker/sources/rabbitmq.ts';
import { startBrokerConsumer } from '../../src/worker/sources/index.ts';
import { waitUntil } from '../support/wait.ts';
import { BROKERS, brokerRequest, closedPort, collectingCommit, expectRecoveryAcrossRestart, poolsOfThisFile, rejectOnceThenPoison, relay, signedAttempt, tlsRelay, uniqueName } from './support.ts';

const URL = BROKERS.RABBITMQ;
let admin: ChannelModel;
const exchanges: string[] = [];
const queues: string[] = [];
const { pool, closeAll } = poolsOfThisFile();

/** A topic exchange with one queue bound to `pattern`, both removed after the file. */
async function exchangeWithQueue(pattern = '#'): Promise<{ exchange: string; queue: string }> {
  const exchange = uniqueName('hookwire-test-x');
  const queue = uniqueName('hookwire-test-q');
  const ch = await admin.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: true, autoDelete: false });
  await ch.assertQueue(queue, { durable: true });
  await ch.bindQueue(queue, exchange, pattern);
  await ch.close();
  exchanges.push(exchange);
  queues.push(queue, `${queue}.dead`);
  exchanges.push(`${queue}.dead`);
  return { exchange, queue };
}

const request = (exchange: string, attempt = signedAttempt(), overrides: Partial<BrokerSendRequest> = {}) =>
  brokerRequest(URL, { kind: 'RABBITMQ', exchange, routingKey: null }, attempt, overrides);

async function messageCount(queue: string): Promise<number> {
  const ch = await admin.createChannel();
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } finally {
    await ch.close();
  }
}

beforeAll(async () => {
  admin = await amqp.connect(URL);
  admin.on('error', () => {});
});

afterAll(async () => {
  await closeAll();
  // A fresh connection: the restart test closed the first one.
  await admin?.close().catch(() => {});
  admin = await amqp.connect(URL);
  admin.on('error', () => {});
  const ch = await admin.createChannel();
  ch.on('error', () => {});
  for (const q of queues) await ch.deleteQueue(q).catch(() => {});
  for (const x of exchanges) await ch.deleteExchange(x).catch(() => {});
  await admin.close().catch(() => {});
});

describe('a RABBITMQ destination', () => {
  it('publishes the exact body and signed headers, confirmed, routed by the event type; a consumer verifies them', async () => {
    const { exchange, queue } = await exchangeWithQueue('message.*');
    const attempt = signedAttempt('message.received');
    // As the drainer's send port calls it: the event type comes from the attempt's x-webhook-event.
    const result = await pool().send(request(exchange, attempt, { eventType: undefined }));
    expect(result).toMatchObject({ kind: 'response', status: BROKER_ACCEPTED_STATUS });
    expect(classify(result).decision).toEqual({ kind: 'success' });
    expect(JSON.parse((result as { body: string }).body)).toEqual({ broker: 'RABBITMQ', exchange, routingKey: 'message.received', confirmed: true });

    // AMQP's own properties too, for consumers that read those.
    const ch = await admin.createChannel();
    const raw = await ch.get(queue, { noAck: false });
    await ch.close(); // not acked: back to the queue for the source below
    expect(raw && raw.properties).toMatchObject({ messageId: attempt.eventId, contentType: 'application/json', type: 'message.received', deliveryMode: 2 });

    const { received, commit } = collectingCommit();
    const consumer = startBrokerConsumer({ kind: 'RABBITMQ', url: URL, queue }, { commit, allowPrivateNetworks: true });
    try {
      await waitUntil('the message consumed', () => received.length === 1);
      const [message] = received;
      expect(message!.body.toString()).toBe(attempt.body);
      expect(message!.messageId).toBe(attempt.eventId);
      expect(message!.headers).toEqual(attempt.headers);
      const envelope = verifyWebhook(message!.body, message!.headers, attempt.secret);
      expect(envelope).toMatchObject({ id: attempt.eventId, type: 'message.received' });
      await waitUntil('acknowledged after commit', async () => (await messageCount(queue)) === 0 && consumer.state().acknowledged === 1);
    } finally {
      await consumer.stop();
    }
  });

  it('uses its own routing key when it has one, and one connection for many attempts', async () => {
    const { exchange, queue } = await exchangeWithQueue('all-events');
    const p = pool();
    const results = await Promise.all(Array.from({ length: 20 }, () => p.send(request(exchange, signedAttempt(), { destination: { kind: 'RABBITMQ', exchange, routingKey: 'all-events' } }))));
    expect(results.every((r) => r.kind === 'response')).toBe(true);
    expect(p.size).toBe(1);
    await waitUntil('20 messages queued', async () => (await messageCount(queue)) === 20);
  });

  it('fails an unroutable message (mandatory) instead of dropping it, and a missing exchange; both retried like a 5xx', async () => {
    const { exchange } = await exchangeWithQueue('only.this');
    const p = pool();
    const unroutable = await p.send(request(exchange, signedAttempt('message.sent')));
    expect(unroutable.kind).toBe('network');
    expect((unroutable as { error: string }).error).toMatch(/unroutable: no queue is bound to exchange ".*" with routing key "message.sent" \(312 NO_ROUTE\)/);
    expect(classify(unroutable).decision).toEqual({ kind: 'retry', retryAfterSeconds: null });

    const missing = await p.send(request(uniqueName('hookwire-test-nonexistent')));
    expect(missing.kind).toBe('network');
    expect((missing as { error: string }).error).toMatch(/NOT_FOUND - no exchange .* \(404\)/);
    expect(classify(missing).decision.kind).toBe('retry');

    // The connection survived both: the next attempt goes through on it.
    const { exchange: good } = await exchangeWithQueue('#');
    expect((await p.send(request(good))).kind).toBe('response');
    expect(p.size).toBe(1);
  });

  it('tells each attempt in flight on the shared channel its own outcome', async () => {
    const { exchange: routed, queue } = await exchangeWithQueue('#');
    const { exchange: picky } = await exchangeWithQueue('only.this');
    const p = pool();
    const results = await Promise.all([
      ...Array.from({ length: 30 }, () => p.send(request(routed))),
      p.send(request(picky, signedAttempt('message.sent'))),
      p.send(request(uniqueName('hookwire-test-nonexistent'))),
      ...Array.from({ length: 30 }, () => p.send(request(routed))),
    ]);
    expect(results.slice(0, 30).every((r) => r.kind === 'response')).toBe(true);
    expect(results.slice(32).every((r) => r.kind === 'response')).toBe(true);
    expect((results[30] as { error: string }).error).toMatch(/unroutable/);
    expect((results[31] as { error: string }).error).toMatch(/NOT_FOUND - no exchange/);
    await waitUntil('all 60 routed ones queued', async () => (await messageCount(queue)) === 60);
  });

  it('times out when the broker stops answering, and reports an unreachable broker; both retried', async () => {
    const { exchange } = await exchangeWithQueue('#');
    const frozen = await relay(5672);
    try {
      const p = pool();
      const url = `amqp://guest:guest@127.0.0.1:${frozen.port}/`;
      expect((await p.send(request(exchange, signedAttempt(), { url }))).kind).toBe('response');
      frozen.freeze();
      const started = performance.now();
      const result = await p.send(request(exchange, signedAttempt(), { url, timeoutMs: 300 }));
      expect(result).toMatchObject({ kind: 'timeout', error: `RabbitMQ at amqp://guest:****@127.0.0.1:${frozen.port}/: no answer from the broker within 300 ms` });
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(classify(result)).toEqual({ outcome: 'TIMEOUT', decision: { kind: 'retry', retryAfterSeconds: null } });
    } finally {
      await frozen.close();
    }

    const port = await closedPort();
    const down = await pool().send(request(exchange, signedAttempt(), { url: `amqp://guest:secret-pw@127.0.0.1:${port}/` }));
    expect(down.kind).toBe('network');
    expect((down as { error: string }).error).toContain('ECONNREFUSED');
    expect((down as { error: string }).error).not.toContain('secret-pw');
    expect(classify(down).outcome).toBe('NETWORK_ERROR');
  });
});

describe('a RABBITMQ destination over amqps://', () => {
  it('connects to the address it resolved and checks the certificate against the URL\'s name', async () => {
    const relayed = await tlsRelay(5672, 'broker.example.test');
    const resolve: Resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const trusting = new BrokerPool({ allowPrivateNetworks: true, resolve, ca: relayed.ca });
    const untrusting = new BrokerPool({ allowPrivateNetworks: true, resolve });
    try {
      const { exchange, queue } = await exchangeWithQueue('#');
      const ok = await trusting.send(request(exchange, signedAttempt(), { url: `amqps://guest:guest@broker.example.test:${relayed.port}/` }));
      expect(ok).toMatchObject({ kind: 'response', status: BROKER_ACCEPTED_STATUS });
      await waitUntil('queued', async () => (await messageCount(queue)) === 1);
      const untrusted = await untrusting.send(request(exchange, signedAttempt(), { url: `amqps://guest:guest@broker.example.test:${relayed.port}/` }));
      expect(untrusted.kind === 'network' && untrusted.error).toMatch(/self-signed certificate/);
    } finally {
      await trusting.close();
      await untrusting.close();
      await relayed.close();
    }
  });
});

describe('a RABBITMQ source', () => {
  it('acknowledges after commit, redelivers what a rejected commit held, and dead-letters poison with the reason', async () => {
    const { exchange, queue } = await exchangeWithQueue('#');
    const ids = ['m1', 'm2', 'm3'];
    const ch = await admin.createConfirmChannel();
    for (const id of ids) ch.publish(exchange, 'source.test', Buffer.from(JSON.stringify({ type: 'webhook.test', data: { id } })), { messageId: id, persistent: true });
    await ch.waitForConfirms();
    await ch.close();

    const { seen, deps } = rejectOnceThenPoison((m) => m.messageId === 'm2', 'unknown event type "nope"');
    const consumer = startBrokerConsumer({ kind: 'RABBITMQ', url: URL, queue, batchSize: 10, lingerMs: 50 }, deps);
    try {
      await waitUntil('two settled, one dead-lettered', () => consumer.state().acknowledged === 2 && consumer.state().deadLettered === 1);
      // The rejected batch came back whole: every message was committed twice, none lost.
      expect(seen.map((m) => m.messageId).sort()).toEqual(['m1', 'm1', 'm2', 'm2', 'm3', 'm3']);
      expect(consumer.state().lastError).toBe('commit failed: database unavailable');
      await waitUntil('the queue drained', async () => (await messageCount(queue)) === 0);
      await waitUntil('the lag shows it', () => consumer.state().lag === 0);

      const dead = await admin.createChannel();
      const poison = await waitUntil('the poison in the dead-letter queue', () => dead.get(`${queue}.dead`, { noAck: true }));
      await dead.close();
      expect(poison.properties.messageId).toBe('m2');
      expect(poison.properties.headers).toMatchObject({ [DEAD_REASON_HEADER]: 'unknown event type "nope"', 'x-hookwire-source-queue': queue });
      expect(JSON.parse(poison.content.toString())).toEqual({ type: 'webhook.test', data: { id: 'm2' } });
    } finally {
      await consumer.stop();
    }
  });

  it('shows a missing queue as its last error and keeps trying', async () => {
    const queue = uniqueName('hookwire-test-missing');
    const consumer = startBrokerConsumer({ kind: 'RABBITMQ', url: URL, queue }, { commit: collectingCommit().commit, allowPrivateNetworks: true, backoff: { initialMs: 20, maxMs: 50, jitter: 0 } });
    try {
      await waitUntil('the error shown', () => consumer.state().lastError);
      expect(consumer.state()).toMatchObject({ status: 'disconnected', lastError: expect.stringMatching(/^cannot connect: RabbitMQ refused: NOT_FOUND - no queue '.*' in vhost '\/' \(404\)$/) });
    } finally {
      await consumer.stop();
    }
  });

  it('reconnects with backoff after the broker is stopped and started again; destinations retry then succeed', async () => {
    const { exchange, queue } = await exchangeWithQueue('#');
    const { received, commit } = collectingCommit();
    const consumer = startBrokerConsumer({ kind: 'RABBITMQ', url: URL, queue }, { commit, allowPrivateNetworks: true, backoff: { initialMs: 100, maxMs: 1_000, jitter: 0.2 } });
    const p = pool();
    try {
      await expectRecoveryAcrossRestart('RABBITMQ', consumer, received, () => p.send(request(exchange)));
      // The broker's shutdown, then the refused reconnects while it was down.
      expect(consumer.state().lastError).toMatch(/^(connection lost: .*shutdown|cannot connect: .*ECONNREFUSED)/);
    } finally {
      await consumer.stop();
    }
  }, 240_000);
});
