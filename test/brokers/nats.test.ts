// NATS JetStream both ways, against the machine's server: an endpoint's attempt published to a
// subject (the publish ack is the success), and a durable pull consumer as a source (ack after
// commit, redelivery, term for poison, reconnecting after the server restarts).

import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../packages/verify/src/index.ts';
import { BROKER_ACCEPTED_STATUS, type BrokerSendRequest } from '../../src/delivery/brokers/pool.ts';
import { classify } from '../../src/delivery/classify.ts';
import { startBrokerConsumer } from '../../src/worker/sources/index.ts';
import { termTakesReason } from '../../src/worker/sources/nats.ts';
import { waitUntil } from '../support/wait.ts';
import { BROKERS, brokerRequest, closedPort, collectingCommit, dataId, expectRecoveryAcrossRestart, poolsOfThisFile, rejectOnceThenPoison, relay, signedAttempt, uniqueName } from './support.ts';

const URL = BROKERS.NATS;
let nc: NatsConnection;
let jsm: JetStreamManager;
const streams: string[] = [];
const { pool, closeAll } = poolsOfThisFile();

/** A stream of this file's own capturing `<prefix>.>`. */
async function stream(): Promise<{ name: string; prefix: string }> {
  const prefix = uniqueName('hookwire-test').replaceAll('-', '_');
  const name = prefix.toUpperCase();
  await jsm.streams.add({ name, subjects: [`${prefix}.>`] });
  streams.push(name);
  return { name, prefix };
}

const request = (subject: string, attempt = signedAttempt(), overrides: Partial<BrokerSendRequest> = {}) => brokerRequest(URL, { kind: 'NATS', subject }, attempt, overrides);

async function connectAdmin() {
  nc = await connect({ servers: '127.0.0.1:4222' });
  jsm = await jetstreamManager(nc);
}

beforeAll(connectAdmin);

afterAll(async () => {
  await closeAll();
  // A fresh connection: the restart test closed the first one.
  await nc?.close().catch(() => {});
  await connectAdmin();
  for (const name of streams) await jsm.streams.delete(name).catch(() => {});
  await nc.close();
});

describe('a NATS destination', () => {
  it('publishes the exact body with the signed headers to the subject, {type} replaced; a consumer verifies them', async () => {
    const { name, prefix } = await stream();
    const attempt = signedAttempt('message.read');
    const result = await pool().send(request(`${prefix}.{type}`, attempt, { deliveryId: 'dlv_test_1' }));
    expect(result).toMatchObject({ kind: 'response', status: BROKER_ACCEPTED_STATUS });
    expect(classify(result).decision.kind).toBe('success');
    expect(JSON.parse((result as { body: string }).body)).toEqual({ broker: 'NATS', subject: `${prefix}.message.read`, stream: name, seq: 1, duplicate: false });

    const { received, commit } = collectingCommit();
    const consumer = startBrokerConsumer({ kind: 'NATS', url: URL, subject: `${prefix}.>`, durable: 'hookwire-test' }, { commit, allowPrivateNetworks: true });
    try {
      await waitUntil('the message consumed', () => received.length === 1);
      const [message] = received;
      expect(message!.body.toString()).toBe(attempt.body);
      // Every header as sent, plus the de-duplication id JetStream keeps.
      expect(message!.headers).toEqual({ ...attempt.headers, 'nats-msg-id': 'dlv_test_1' });
      expect(message!.messageId).toBe('dlv_test_1');
      expect(verifyWebhook(message!.body, message!.headers, attempt.secret)).toMatchObject({ id: attempt.eventId, type: 'message.read' });
      await waitUntil('acknowledged after commit', () => consumer.state().acknowledged === 1 && consumer.state().lag === 0);
    } finally {
      await consumer.stop();
    }
  });

  it('stores a retry of the same delivery once (the ack says duplicate)', async () => {
    const { name, prefix } = await stream();
    const p = pool();
    const attempt = signedAttempt();
    const first = await p.send(request(`${prefix}.x`, attempt, { deliveryId: 'dlv_same' }));
    const retry = await p.send(request(`${prefix}.x`, attempt, { deliveryId: 'dlv_same' }));
    expect(JSON.parse((first as { body: string }).body)).toMatchObject({ seq: 1, duplicate: false });
    expect(JSON.parse((retry as { body: string }).body)).toMatchObject({ seq: 1, duplicate: true });
    expect((await jsm.streams.info(name)).state.messages).toBe(1);
  });

  it('fails a subject no stream captures, and times out when the server stops answering; both retried', async () => {
    const p = pool();
    const nowhere = await p.send(request(`${uniqueName('hookwire_test_nowhere')}.x`));
    expect(nowhere.kind).toBe('network');
    expect((nowhere as { error: string }).error).toMatch(/no JetStream stream captures subject ".*" \(no responders\)/);
    expect(classify(nowhere).decision.kind).toBe('retry');

    const { prefix } = await stream();
    const frozen = await relay(4222);
    try {
      const url = `nats://127.0.0.1:${frozen.port}`;
      expect((await p.send(request(`${prefix}.x`, signedAttempt(), { url }))).kind).toBe('response');
      frozen.freeze();
      const result = await p.send(request(`${prefix}.x`, signedAttempt(), { url, timeoutMs: 300 }));
      expect(result).toMatchObject({ kind: 'timeout', error: `NATS at ${url}: no answer from the broker within 300 ms` });
      expect(classify(result).outcome).toBe('TIMEOUT');
    } finally {
      await frozen.close();
    }

    const down = await p.send(request(`${prefix}.x`, signedAttempt(), { url: `nats://s3cret-token@127.0.0.1:${await closedPort()}` }));
    expect(down.kind).toBe('network');
    expect((down as { error: string }).error).toMatch(/^NATS at nats:\/\/\*\*\*\*@127\.0\.0\.1:\d+: /);
    expect((down as { error: string }).error).not.toContain('s3cret');
  });
});

describe('a NATS source', () => {
  it('acks after commit, redelivers what a rejected commit held, and terminates poison', async () => {
    const { prefix } = await stream();
    const js = jetstream(nc);
    for (const id of ['n1', 'n2', 'n3']) await js.publish(`${prefix}.in`, JSON.stringify({ type: 'webhook.test', data: { id } }));
    const terminated = nc.subscribe('$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>');
    const advisories: unknown[] = [];
    void (async () => {
      for await (const m of terminated) advisories.push(m.json());
    })();

    const { seen, deps } = rejectOnceThenPoison((m) => dataId(m) === 'n2', 'data fails its schema');
    const consumer = startBrokerConsumer({ kind: 'NATS', url: URL, subject: `${prefix}.in`, durable: 'hookwire-test', batchSize: 10, lingerMs: 50 }, deps);
    try {
      await waitUntil('settled', () => consumer.state().acknowledged === 2 && consumer.state().deadLettered === 1);
      expect(seen.map(dataId).sort()).toEqual(['n1', 'n1', 'n2', 'n2', 'n3', 'n3']);
      await waitUntil('the terminated advisory', () => advisories.length === 1);
      expect(advisories[0]).toMatchObject({ type: 'io.nats.jetstream.advisory.v1.terminated', consumer: 'hookwire-test', stream_seq: 2 });
      await waitUntil('nothing pending', async () => {
        const info = await jsm.consumers.info(streams.at(-1)!, 'hookwire-test');
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
      // The message ids are the stream's: stable across redeliveries.
      expect(consumer.state().lag).toBe(0);
    } finally {
      terminated.unsubscribe();
      await consumer.stop();
    }
  });

  it('sends a term reason only to servers that take one', () => {
    expect(termTakesReason('2.9.10')).toBe(false);
    expect(termTakesReason('2.10.22')).toBe(false);
    expect(termTakesReason('2.11.0')).toBe(true);
    expect(termTakesReason('3.0.0')).toBe(true);
    expect(termTakesReason(undefined)).toBe(false);
  });

  it('reconnects with backoff after the server is stopped and started again, where it left off', async () => {
    const { name, prefix } = await stream();
    const { received, commit } = collectingCommit();
    const consumer = startBrokerConsumer({ kind: 'NATS', url: URL, subject: `${prefix}.>`, durable: 'hookwire-test' }, { commit, allowPrivateNetworks: true, backoff: { initialMs: 100, maxMs: 1_000, jitter: 0.2 } });
    const p = pool();
    try {
      await expectRecoveryAcrossRestart('NATS', consumer, received, () => p.send(request(`${prefix}.a`)));
      // The durable consumer kept its place: the first message was not delivered again.
      expect(received.map((m) => m.messageId)).toEqual([`${name}:1`, `${name}:2`]);
    } finally {
      await consumer.stop();
    }
  }, 180_000);
});
