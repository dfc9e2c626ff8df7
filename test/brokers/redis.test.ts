// Redis streams both ways, against the machine's server: an endpoint's attempt XADDed (body field,
// one field per header), and a consumer group as a source (XACK after commit, redelivery, a dead
// stream for poison, reclaiming a crashed consumer's entries, reconnecting after a restart).

import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../packages/verify/src/index.ts';
import { BROKER_ACCEPTED_STATUS, BrokerPool, type BrokerSendRequest } from '../../src/delivery/brokers/pool.ts';
import type { OpenPublisher } from '../../src/delivery/brokers/publisher.ts';
import { openRedisPublisher } from '../../src/delivery/brokers/redis.ts';
import type { Resolve } from '../../src/delivery/ssrf.ts';
import { classify } from '../../src/delivery/classify.ts';
import { startBrokerConsumer } from '../../src/worker/sources/index.ts';
import { DEAD_REASON_FIELD, DEAD_SOURCE_ID_FIELD, deadStreamFor } from '../../src/worker/sources/redis.ts';
import { waitUntil } from '../support/wait.ts';
import { BROKERS, brokerRequest, closedPort, collectingCommit, dataId, expectRecoveryAcrossRestart, poolsOfThisFile, rejectOnceThenPoison, relay, signedAttempt, tlsRelay, uniqueName } from './support.ts';

const URL = BROKERS.REDIS_STREAM;
type Client = ReturnType<typeof createClient>;
let redis: Client;
const keys: string[] = [];
const { pool, closeAll } = poolsOfThisFile();

function streamKey(): string {
  const key = uniqueName('hookwire-test');
  keys.push(key, deadStreamFor(key));
  return key;
}

const request = (stream: string, attempt = signedAttempt(), overrides: Partial<BrokerSendRequest> = {}) => brokerRequest(URL, { kind: 'REDIS_STREAM', stream }, attempt, overrides);

async function connectAdmin() {
  redis = createClient({ url: URL, socket: { reconnectStrategy: false } });
  redis.on('error', () => {});
  await redis.connect();
}

beforeAll(connectAdmin);

afterAll(async () => {
  await closeAll();
  // A fresh connection: the restart test closed the first one.
  redis?.destroy();
  await connectAdmin();
  if (keys.length > 0) await redis.del(keys);
  redis.destroy();
});

describe('a REDIS_STREAM destination', () => {
  it('XADDs an entry with the body field and one field per signed header; a consumer verifies them', async () => {
    const stream = streamKey();
    const attempt = signedAttempt('session.connected', { sessionId: 's1' });
    const result = await pool().send(request(stream, attempt));
    expect(result).toMatchObject({ kind: 'response', status: BROKER_ACCEPTED_STATUS });
    const receipt = JSON.parse((result as { body: string }).body);
    expect(receipt).toEqual({ broker: 'REDIS_STREAM', stream, id: expect.stringMatching(/^\d+-\d+$/) });

    const [entry] = (await redis.xRange(stream, '-', '+')) ?? [];
    expect(entry!.id).toBe(receipt.id);
    expect(Object.keys(entry!.message)[0]).toBe('body');
    expect(entry!.message).toEqual({ body: attempt.body, ...attempt.headers });

    const { received, commit } = collectingCommit();
    const consumer = startBrokerConsumer({ kind: 'REDIS_STREAM', url: URL, stream, group: 'hookwire-test', consumer: 'w1' }, { commit, allowPrivateNetworks: true });
    try {
      await waitUntil('the entry consumed', () => received.length === 1);
      const [message] = received;
      expect(message!.body.toString()).toBe(attempt.body);
      expect(message!.headers).toEqual(attempt.headers);
      expect(message!.messageId).toBe(`${stream}:${receipt.id}`);
      expect(verifyWebhook(message!.body, message!.headers, attempt.secret)).toMatchObject({ id: attempt.eventId, type: 'session.connected' });
      await waitUntil('acknowledged after commit', async () => (await redis.xPending(stream, 'hookwire-test')).pending === 0);
    } finally {
      await consumer.stop();
    }
  });

  it('fails a refused XADD (a key of another type) and times out when the server stops answering; both retried', async () => {
    const p = pool();
    const notAStream = streamKey();
    await redis.set(notAStream, 'a string');
    const refused = await p.send(request(notAStream));
    expect(refused.kind).toBe('network');
    expect((refused as { error: string }).error).toMatch(/Redis refused: WRONGTYPE/);
    expect(classify(refused).decision.kind).toBe('retry');

    const stream = streamKey();
    const frozen = await relay(6379);
    try {
      const url = `redis://127.0.0.1:${frozen.port}`;
      expect((await p.send(request(stream, signedAttempt(), { url }))).kind).toBe('response');
      frozen.freeze();
      const result = await p.send(request(stream, signedAttempt(), { url, timeoutMs: 300 }));
      expect(result).toMatchObject({ kind: 'timeout', error: `Redis at ${url}: no answer from the broker within 300 ms` });
      expect(classify(result).outcome).toBe('TIMEOUT');
    } finally {
      await frozen.close();
    }

    const down = await p.send(request(stream, signedAttempt(), { url: `redis://:pa55word@127.0.0.1:${await closedPort()}` }));
    expect(down.kind).toBe('network');
    expect((down as { error: string }).error).toContain('ECONNREFUSED');
    expect((down as { error: string }).error).not.toContain('pa55word');
  });
});

describe('a REDIS_STREAM destination over rediss://', () => {
  it('connects to the address it resolved and checks the certificate against the URL\'s name', async () => {
    const relayed = await tlsRelay(6379, 'broker.example.test');
    const resolve: Resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const trusting = new BrokerPool({ allowPrivateNetworks: true, resolve, ca: relayed.ca });
    const untrusting = new BrokerPool({ allowPrivateNetworks: true, resolve });
    try {
      const stream = streamKey();
      const ok = await trusting.send(request(stream, signedAttempt(), { url: `rediss://broker.example.test:${relayed.port}` }));
      expect(ok).toMatchObject({ kind: 'response', status: BROKER_ACCEPTED_STATUS });
      expect(await redis.xLen(stream)).toBe(1);
      const otherName = await trusting.send(request(stream, signedAttempt(), { url: `rediss://other.example.test:${relayed.port}` }));
      expect(otherName.kind === 'network' && otherName.error).toMatch(/altnames|other\.example\.test/);
      const untrusted = await untrusting.send(request(stream, signedAttempt(), { url: `rediss://broker.example.test:${relayed.port}` }));
      expect(untrusted.kind === 'network' && untrusted.error).toMatch(/self-signed certificate/);
    } finally {
      await trusting.close();
      await untrusting.close();
      await relayed.close();
    }
  });
});

describe('the broker pool', () => {
  it('closes a connection left idle, opens a new one when needed, and closes all on shutdown', async () => {
    const opened: number[] = [];
    const closed: number[] = [];
    const watched: OpenPublisher = async (req) => {
      const publisher = await openRedisPublisher(req);
      const n = opened.push(opened.length);
      return {
        publish: (m, s) => publisher.publish(m, s),
        get usable() {
          return publisher.usable;
        },
        close: async () => {
          closed.push(n);
          await publisher.close();
        },
      };
    };
    const stream = streamKey();
    const pool = new BrokerPool({ allowPrivateNetworks: true, idleMs: 100, openers: { REDIS_STREAM: watched } });
    const send = () => pool.send(request(stream));
    try {
      await Promise.all([send(), send(), send()]);
      expect(opened).toHaveLength(1);
      await waitUntil('the idle connection closed', () => closed.length === 1 && pool.size === 0);
      expect((await send()).kind).toBe('response');
      expect(opened).toHaveLength(2);
      await pool.close();
      expect(closed).toEqual([1, 2]);
      expect(await send()).toMatchObject({ kind: 'network', error: 'Redis at redis://127.0.0.1: the worker is shutting down' });
    } finally {
      await pool.close();
    }
  });
});

describe('a REDIS_STREAM source', () => {
  it('XACKs after commit, reads a rejected batch again, and moves poison to <stream>:dead with the reason', async () => {
    const stream = streamKey();
    for (const id of ['r1', 'r2', 'r3']) await redis.xAdd(stream, '*', { body: JSON.stringify({ type: 'webhook.test', data: { id } }), 'x-origin': 'test' });
    await redis.xAdd(stream, '*', { type: 'no body field' });
    const { seen, deps } = rejectOnceThenPoison((m) => dataId(m) === 'r2', 'unknown event type');
    const consumer = startBrokerConsumer({ kind: 'REDIS_STREAM', url: URL, stream, group: 'hookwire-test', consumer: 'w1', batchSize: 10 }, deps);
    try {
      await waitUntil('settled', () => consumer.state().acknowledged === 2 && consumer.state().deadLettered === 2);
      // The entry without a body never reached commit; the rejected batch was read again from the pending list.
      expect(seen.map(dataId).sort()).toEqual(['r1', 'r1', 'r2', 'r2', 'r3', 'r3']);
      expect((await redis.xPending(stream, 'hookwire-test')).pending).toBe(0);
      const dead = (await redis.xRange(deadStreamFor(stream), '-', '+')) ?? [];
      expect(dead.map((e) => e.message[DEAD_REASON_FIELD])).toEqual(['unknown event type', 'the entry has no "body" field']);
      expect(dead[0]!.message).toMatchObject({ 'x-origin': 'test', [DEAD_SOURCE_ID_FIELD]: expect.stringMatching(/^\d+-\d+$/) });
      await waitUntil('no lag', () => consumer.state().lag === 0);
    } finally {
      await consumer.stop();
    }
  });

  it("reclaims a crashed consumer's pending entries with XAUTOCLAIM", async () => {
    const stream = streamKey();
    await redis.xGroupCreate(stream, 'hookwire-test', '0', { MKSTREAM: true });
    for (const id of ['c1', 'c2']) await redis.xAdd(stream, '*', { body: id });
    // Read and never acknowledged: the worker that read them died.
    const crashed = await redis.xReadGroup('hookwire-test', 'crashed-worker', { key: stream, id: '>' }, { COUNT: 10 });
    expect(crashed?.[0]?.messages).toHaveLength(2);
    const { received, commit } = collectingCommit();
    const consumer = startBrokerConsumer(
      { kind: 'REDIS_STREAM', url: URL, stream, group: 'hookwire-test', consumer: 'w2', claimIdleMs: 200, claimEveryMs: 100 },
      { commit, allowPrivateNetworks: true },
    );
    try {
      await waitUntil('both reclaimed and committed', () => received.length === 2);
      expect(received.map((m) => m.body.toString()).sort()).toEqual(['c1', 'c2']);
      await waitUntil('nothing pending for anyone', async () => (await redis.xPending(stream, 'hookwire-test')).pending === 0);
    } finally {
      await consumer.stop();
    }
  });

  it('reconnects with backoff after the server is stopped and started again', async () => {
    const stream = streamKey();
    const { received, commit } = collectingCommit();
    const consumer = startBrokerConsumer(
      { kind: 'REDIS_STREAM', url: URL, stream, group: 'hookwire-test', consumer: 'w1' },
      { commit, allowPrivateNetworks: true, backoff: { initialMs: 100, maxMs: 1_000, jitter: 0.2 } },
    );
    const p = pool();
    try {
      // This machine's Redis keeps nothing across a restart: the source makes its group again.
      await expectRecoveryAcrossRestart('REDIS_STREAM', consumer, received, () => p.send(request(stream)));
    } finally {
      await consumer.stop();
    }
  }, 120_000);
});
