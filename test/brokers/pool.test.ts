// The broker pool beside any one broker: the SSRF rule on broker hosts (for sources too), a bad
// URL, nothing published past the lane's lease; no broker is reached (the idle and shutdown tests live in redis.test.ts, beside its restart).

import { afterAll, describe, expect, it } from 'vitest';
import { BrokerPool, type BrokerSendRequest } from '../../src/delivery/brokers/pool.ts';
import type { OpenPublisher } from '../../src/delivery/brokers/publisher.ts';
import { classify } from '../../src/delivery/classify.ts';
import type { Resolve } from '../../src/delivery/ssrf.ts';
import { startBrokerConsumer } from '../../src/worker/sources/index.ts';
import { waitUntil } from '../support/wait.ts';
import { BROKERS, collectingCommit, signedAttempt, uniqueName } from './support.ts';

const attempt = signedAttempt();
const destinations = {
  RABBITMQ: { kind: 'RABBITMQ', exchange: '', routingKey: null },
  NATS: { kind: 'NATS', subject: 'hookwire.test' },
  REDIS_STREAM: { kind: 'REDIS_STREAM', stream: 'hookwire-test-never-written' },
} as const;

function request(url: string, kind: keyof typeof destinations): BrokerSendRequest {
  return { url, destination: destinations[kind], eventType: attempt.eventType, headers: attempt.headers, body: attempt.body, timeoutMs: 5_000 };
}

const pools: BrokerPool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('broker hosts and the SSRF rule', () => {
  // A public-looking name that a hostile DNS answer points at the loopback or the metadata address.
  const resolve: Resolve = async (hostname) =>
    hostname === 'metadata.example.test' ? [{ address: '169.254.169.254', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];

  it.each([
    ['RABBITMQ', 'amqp://guest:guest@127.0.0.1:5672/', '127.0.0.1'],
    ['NATS', 'nats://rebind.example.test:4222', '127.0.0.1 (resolved from rebind.example.test)'],
    ['REDIS_STREAM', 'rediss://metadata.example.test:6379', '169.254.169.254 (resolved from metadata.example.test)'],
  ] as const)('%s: a private address is BLOCKED and fails at once, nothing sent', async (kind, url, address) => {
    let opened = 0;
    const counting: OpenPublisher = async () => {
      opened++;
      throw new Error('must not connect');
    };
    const pool = new BrokerPool({ allowPrivateNetworks: false, resolve, openers: { [kind]: counting } });
    pools.push(pool);
    const result = await pool.send(request(url, kind));
    expect(result.kind).toBe('blocked');
    expect((result as { error: string }).error).toContain(`blocked connection to non-public address ${address}`);
    expect(classify(result)).toMatchObject({ outcome: 'BLOCKED', decision: { kind: 'fail' } });
    expect(opened).toBe(0);
  });

  it('keeps a source off a private broker too, saying why in its state', async () => {
    const consumer = startBrokerConsumer(
      { kind: 'REDIS_STREAM', url: BROKERS.REDIS_STREAM, stream: uniqueName('hookwire-test'), group: 'g', consumer: 'c' },
      { commit: collectingCommit().commit, allowPrivateNetworks: false, backoff: { initialMs: 10, maxMs: 20, jitter: 0 } },
    );
    try {
      await waitUntil('refused', () => consumer.state().lastError);
      expect(consumer.state()).toMatchObject({ status: 'disconnected', lastError: 'cannot connect: blocked connection to non-public address 127.0.0.1' });
    } finally {
      await consumer.stop();
    }
  });

  it('refuses a source URL of the wrong kind before it starts', () => {
    expect(() =>
      startBrokerConsumer({ kind: 'NATS', url: BROKERS.RABBITMQ, subject: 'x', durable: 'd' }, { commit: collectingCommit().commit, allowPrivateNetworks: true }),
    ).toThrow('invalid broker URL: scheme: a NATS broker needs nats:// or tls://, not amqp://');
  });
});

describe('the pool', () => {
  it('answers a bad URL as a failed attempt, without the credentials', async () => {
    const pool = new BrokerPool({ allowPrivateNetworks: true });
    pools.push(pool);
    const result = await pool.send(request('redis://user:top-secret@host:99999', 'REDIS_STREAM'));
    expect(result).toMatchObject({ kind: 'network', error: 'invalid broker URL: port: must be a number from 1 to 65535' });
  });

  it('publishes nothing once the lane lease has run out while the connection opened, and says not sent', async () => {
    let leaseHeld = true;
    const published: unknown[] = [];
    // The connection opens after the lease ran out (a slow broker, or a worker frozen meanwhile).
    const late: OpenPublisher = async () => {
      leaseHeld = false;
      return { usable: true, publish: async (message) => (published.push(message), { ok: true }), close: async () => {} };
    };
    const pool = new BrokerPool({ allowPrivateNetworks: true, openers: { NATS: late } });
    pools.push(pool);
    const result = await pool.send({ ...request('nats://127.0.0.1:4222', 'NATS'), leaseHeld: () => leaseHeld });
    expect(result).toMatchObject({ kind: 'not-sent', error: expect.stringMatching(/lease ran out/) });
    expect(published).toEqual([]);
  });
});
