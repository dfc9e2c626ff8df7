// The delivery engine as a receiver and a client see it: signed POSTs verified with the
// standardwebhooks library and a plain HMAC check, every outcome of an attempt (2xx, 5xx, 4xx, 410,
// 429 + Retry-After, timeout, redirect, SSRF block), retries, exhaustion with pause and resume,
// secret rotation, idempotent publishing, the fan-out batch, deleteEndpoint with a queued retry,
// manual retries and recovery, /metrics and retention. (Fairness, concurrency limits, ordering,
// batch publishing, rate limits across workers and schedules under a moved clock: engine.test.ts.)
//
// Everything is real: Postgres, the engine, HTTP on 127.0.0.1. No real retry schedule is slept
// through: endpoints use retrySchedule [1] (or [600] where a retry must stay queued). Every wait
// is bounded.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyBound } from '../src/db/sql/partitions.ts';
import { ensureHistoryWeeks, purgeExpired } from '../src/worker/retention.ts';
import { graphql } from './generated/index.ts';
import {
  CreateEndpointDocument as CreateEndpoint,
  type CreateEndpointInput,
  DeleteEndpointDocument as DeleteEndpoint,
  DeliveryDocument as GetDelivery,
  type DeliveryQuery,
  EventDocument as GetEvent,
  EventsDocument as CountEvents,
  EventTypesDocument as EventTypes,
  PauseEndpointDocument as PauseEndpoint,
  type PublishEventInput,
  RecoverFailedDeliveriesDocument as RecoverFailed,
  ResumeEndpointDocument as ResumeEndpoint,
  RetryDeliveryDocument as RetryDelivery,
  RotateEndpointSecretDocument as RotateSecret,
  SendTestEventDocument as SendTestEvent,
} from '../packages/client/src/generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { expectQuiet, startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.ts';
import { sleep, waitUntil } from './support/wait.ts';

// ---------------------------------------------------------------------------------------------
// Operations: packages/client's, but for two selections it has none of. The fan-out test counts
// the statements of publishing, so this publish reads the event alone (the client's reads its
// deliveries too); and no client operation reads an endpoint's deliveries.

const PublishEvent = graphql(`
  mutation DlvTestPublish($input: PublishEventInput!) {
    publishEvent(input: $input) {
      __typename
      ... on PublishEventSuccess {
        event {
          id
          type
          sessionId
          createdAt
          payload
        }
      }
      ... on ValidationError {
        message
        fieldErrors {
          path
          message
        }
      }
    }
  }
`);

const GetEndpoint = graphql(`
  query DlvTestGetEndpoint($id: ID!) {
    endpoint(id: $id) {
      id
      status
      pauseReason
      pausedAt
      signingSecret
      deliveries(first: 100) {
        totalCount
        edges {
          node {
            id
            status
            attemptCount
            nextAttemptAt
            event {
              id
            }
          }
        }
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// Helpers

type Account = { accountId: string; apiKey: string };
type Delivery = NonNullable<DeliveryQuery['delivery']>;
type Attempt = Delivery['attempts'][number];


// One pg pool per test database, for looking where the API shows less. Ended before the database is dropped.
const pools = new Map<string, pg.Pool>();
function pool(app: TestApp): pg.Pool {
  let p = pools.get(app.db.url);
  if (!p) {
    p = new pg.Pool({ connectionString: app.db.url, max: 3 });
    p.on('error', () => {}); // a database dropped under an idle client must not crash the run
    pools.set(app.db.url, p);
  }
  return p;
}
async function sql<R extends Record<string, unknown> = Record<string, unknown>>(app: TestApp, text: string, params: unknown[] = []): Promise<R[]> {
  return (await pool(app).query(text, params)).rows as R[];
}
async function stopApp(app: TestApp | undefined): Promise<void> {
  if (!app) return;
  const p = pools.get(app.db.url);
  if (p) {
    pools.delete(app.db.url);
    await p.end();
  }
  await app.stop();
}

const receivers: Receiver[] = [];
async function receiver(reply?: Receiver['reply']): Promise<Receiver> {
  const r = await startReceiver(reply);
  receivers.push(r);
  return r;
}

function header(req: ReceivedRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Standard Webhooks verification with the reference library; false when it refuses. */
function verifiesStandard(secret: string, req: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(req.body, {
      'webhook-id': header(req, 'webhook-id') ?? '',
      'webhook-timestamp': header(req, 'webhook-timestamp') ?? '',
      'webhook-signature': header(req, 'webhook-signature') ?? '',
    });
    return true;
  } catch {
    return false;
  }
}

/** The seeds'/Meta style: sha256=<hex HMAC-SHA256 keyed by the secret string as UTF-8, over the raw body>. */
function legacySignatureOf(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(rawBody, 'utf8')).digest('hex')}`;
}
function verifiesLegacy(secret: string, req: ReceivedRequest): boolean {
  return header(req, 'x-webhook-signature') === legacySignatureOf(secret, req.body);
}

function fakeSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
function fakeId(prefix: string): string {
  const bytes = randomBytes(26);
  return `${prefix}_${[...bytes].map((b) => ID_ALPHABET[b % 32]).join('')}`;
}

async function createEndpoint(app: TestApp, key: string, input: CreateEndpointInput): Promise<{ id: string; url: string; signingSecret: string }> {
  const result = await app.gql(CreateEndpoint, { input }, key);
  const created = result.data?.createEndpoint;
  if (created?.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint failed: ${JSON.stringify(result)}`);
  return created.endpoint;
}

async function publish(app: TestApp, key: string, input: PublishEventInput): Promise<{ id: string; createdAt: string; payload: unknown }> {
  const result = await app.gql(PublishEvent, { input }, key);
  const published = result.data?.publishEvent;
  if (published?.__typename !== 'PublishEventSuccess') throw new Error(`publishEvent failed: ${JSON.stringify(result)}`);
  return published.event;
}

async function getDelivery(app: TestApp, key: string, id: string): Promise<Delivery> {
  const result = await app.gql(GetDelivery, { id }, key);
  const delivery = result.data?.delivery;
  if (!delivery) throw new Error(`delivery ${id} not found: ${JSON.stringify(result)}`);
  return delivery;
}

async function getEndpoint(app: TestApp, key: string, id: string) {
  const result = await app.gql(GetEndpoint, { id }, key);
  const endpoint = result.data?.endpoint;
  if (!endpoint) throw new Error(`endpoint ${id} not found: ${JSON.stringify(result)}`);
  return endpoint;
}

/** The deliveries of one event (oldest first), with their endpoint ids. */
async function deliveriesOf(app: TestApp, key: string, eventId: string): Promise<Array<{ id: string; status: string; attemptCount: number; endpoint: { id: string } }>> {
  const result = await app.gql(GetEvent, { id: eventId }, key);
  const event = result.data?.event;
  if (!event) throw new Error(`event ${eventId} not found: ${JSON.stringify(result)}`);
  return event.deliveries;
}

async function deliveryIdFor(app: TestApp, key: string, eventId: string, endpointId: string): Promise<string> {
  const delivery = (await deliveriesOf(app, key, eventId)).find((d) => d.endpoint.id === endpointId);
  if (!delivery) throw new Error(`no delivery of ${eventId} to ${endpointId}`);
  return delivery.id;
}

/** Waits until the delivery is finished (SUCCEEDED or FAILED), or matches `done` when given. */
async function waitForDelivery(app: TestApp, key: string, id: string, done: (d: Delivery) => boolean = (d) => d.status !== 'PENDING', timeoutMs = 20_000): Promise<Delivery> {
  return waitUntil(`delivery ${id}`, async () => {
    const delivery = await getDelivery(app, key, id);
    return done(delivery) ? delivery : null;
  }, timeoutMs, 150);
}

async function eventCount(app: TestApp, key: string): Promise<number> {
  const result = await app.gql(CountEvents, {}, key);
  return result.data?.events.totalCount ?? -1;
}

/** Waits `ms` and checks the receiver got no request beyond the `expected` it had. */
function envelopeOf(req: ReceivedRequest): { id: string; type: string; timestamp: string; sessionId: string | null; data: unknown } {
  return JSON.parse(req.body);
}

// ---------------------------------------------------------------------------------------------
// The main app (API + worker in one process) shared by most describe blocks; each test uses an
// account of its own, so operational events and fan-out never cross between tests.

let t: TestApp;
const examples = new Map<string, Record<string, unknown>>();
const example = (type: string): Record<string, unknown> => {
  const value = examples.get(type);
  if (!value) throw new Error(`no catalog example for ${type}`);
  return structuredClone(value);
};

beforeAll(async () => {
  t = await startTestApp({ role: 'all', env: { HOOKWIRE_RETRY_SCHEDULE: '1' } });
  const { apiKey } = await t.newAccount('catalog reader');
  const result = await t.gql(EventTypes, {}, apiKey);
  for (const type of result.data?.eventTypes ?? []) examples.set(type.name, type.example as Record<string, unknown>);
  expect(examples.has('message.received')).toBe(true);
});

afterAll(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await stopApp(t);
  await Promise.all([...pools.values()].map((p) => p.end()));
});

// ---------------------------------------------------------------------------------------------

describe('a delivery that fails once, then succeeds (signatures, headers, envelope, records)', () => {
  let acct: Account;
  let rx: Receiver;
  let endpoint: { id: string; url: string; signingSecret: string };
  let event: { id: string; createdAt: string; payload: unknown };
  let delivery: Delivery;
  /** What the receiver's own checks concluded for each request, in arrival order. */
  const verdicts: Array<{ standard: boolean; legacy: boolean }> = [];
  const data = {
    messageId: 'wamid.dlvtest.1',
    from: '15551234567',
    messageType: 'text',
    timestamp: '2026-04-11T10:29:58.000Z',
    // Non-ASCII on purpose: both signatures must be over the UTF-8 bytes of the body.
    content: { text: 'Olá! Pedido nº 42 está atrasado 👋 — “ünïcødé”' },
  };

  beforeAll(async () => {
    acct = await t.newAccount('signatures');
    // A receiver that does what a careful customer's would: verify both schemes, refuse (401) a
    // request that fails either, and otherwise answer 500 once, then 200.
    rx = await receiver((req, index) => {
      const verdict = { standard: verifiesStandard(endpoint.signingSecret, req), legacy: verifiesLegacy(endpoint.signingSecret, req) };
      verdicts.push(verdict);
      if (!verdict.standard || !verdict.legacy) return { status: 401, body: 'bad signature' };
      return index === 0
        ? { status: 500, body: 'temporarily broken' }
        : { status: 200, headers: { 'x-receiver': 'yes', 'content-type': 'application/json' }, body: '{"ok":true}' };
    });
    endpoint = await createEndpoint(t, acct.apiKey, {
      url: rx.url,
      description: 'verifying receiver',
      eventTypes: ['message.*'],
      retrySchedule: [1],
      headers: { 'X-Tenant': 'acme', Authorization: 'Bearer customer-token' },
    });
    // The API refuses reserved names (checked below); to test the attempt-time guard as well, put
    // some in the stored row directly, in several spellings.
    await sql(t, `UPDATE endpoint SET headers = headers || $2::jsonb WHERE id = $1`, [
      endpoint.id,
      JSON.stringify({
        'User-Agent': 'evil/1.0',
        'x-webhook-event': 'forged.event',
        'Webhook-Id': 'evt_forged',
        'Content-Type': 'text/plain',
        'X-Webhook-Delivery-Attempt': '99',
        'x-webhook-signature': 'sha256=forged',
      }),
    ]);
    event = await publish(t, acct.apiKey, { type: 'message.received', sessionId: 'session-eu-1', data });
    await rx.waitFor(2, 20_000);
    const deliveryId = await deliveryIdFor(t, acct.apiKey, event.id, endpoint.id);
    delivery = await waitForDelivery(t, acct.apiKey, deliveryId);
  }, 45_000);

  it('is signed so that both the standardwebhooks library and a plain HMAC check verify every attempt', () => {
    expect(verdicts).toEqual([
      { standard: true, legacy: true },
      { standard: true, legacy: true },
    ]);
    for (const req of rx.requests) {
      expect(verifiesStandard(endpoint.signingSecret, req)).toBe(true);
      expect(verifiesLegacy(endpoint.signingSecret, req)).toBe(true);
      // Negative controls: the checks do refuse a wrong secret and a tampered body.
      expect(verifiesStandard(fakeSecret(), req)).toBe(false);
      expect(verifiesLegacy(fakeSecret(), req)).toBe(false);
      expect(verifiesStandard(endpoint.signingSecret, { ...req, body: req.body.replace('42', '43') })).toBe(false);
      expect(header(req, 'webhook-signature')).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    }
  });

  it('sends every header of the table with its value, the attempt number counting 1, 2', () => {
    expect(rx.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    rx.requests.forEach((req, i) => {
      expect(header(req, 'content-type')).toBe('application/json');
      expect(header(req, 'user-agent')).toBe(`Hookwire/${t.app.services.config.version}`);
      expect(header(req, 'user-agent')).toMatch(/^Hookwire\/\d+\.\d+\.\d+/);
      expect(header(req, 'webhook-id')).toBe(event.id);
      expect(header(req, 'x-webhook-id')).toBe(event.id);
      expect(header(req, 'webhook-timestamp')).toMatch(/^\d{10}$/);
      expect(header(req, 'x-webhook-timestamp')).toBe(header(req, 'webhook-timestamp'));
      // Unix seconds of signing: this attempt's, so within a few seconds of its arrival.
      expect(Math.abs(Number(header(req, 'webhook-timestamp')) - Math.floor(req.at / 1000))).toBeLessThanOrEqual(5);
      expect(header(req, 'x-webhook-event')).toBe('message.received');
      expect(header(req, 'x-webhook-delivery-attempt')).toBe(String(i + 1));
    });
  });

  it('POSTs the envelope {id,type,timestamp,sessionId,data}, byte-for-byte the same on every attempt', () => {
    const [first, second] = rx.requests as [ReceivedRequest, ReceivedRequest];
    expect(second.body).toBe(first.body);
    expect(header(second, 'webhook-id')).toBe(header(first, 'webhook-id'));
    const envelope = envelopeOf(first);
    expect(Object.keys(envelope)).toEqual(['id', 'type', 'timestamp', 'sessionId', 'data']);
    expect(envelope).toEqual({ id: event.id, type: 'message.received', timestamp: event.createdAt, sessionId: 'session-eu-1', data });
    expect(new Date(envelope.timestamp).toISOString()).toBe(envelope.timestamp);
    // Event.payload is that envelope, and each stored attempt holds the exact bytes sent.
    expect(event.payload).toEqual(envelope);
    expect(delivery.attempts.map((a) => a.requestBody)).toEqual([first.body, first.body]);
  });

  it("sends the endpoint's own headers, but never lets them override Hookwire's", async () => {
    for (const req of rx.requests) {
      expect(header(req, 'x-tenant')).toBe('acme');
      expect(header(req, 'authorization')).toBe('Bearer customer-token');
      // Node keeps the first of duplicate user-agent/content-type headers and joins x-* ones with
      // ", ", so a leaked custom value would show here either way.
      expect(header(req, 'user-agent')).toMatch(/^Hookwire\//);
      expect(header(req, 'x-webhook-event')).toBe('message.received');
      expect(header(req, 'webhook-id')).toBe(event.id);
      expect(header(req, 'content-type')).toBe('application/json');
      expect(header(req, 'x-webhook-signature')).not.toContain('forged');
      expect(JSON.stringify(req.headers)).not.toMatch(/evil|forged|text\/plain/);
    }
    expect(header(rx.requests[0]!, 'x-webhook-delivery-attempt')).toBe('1');
    // What Hookwire recorded sending: each name once, in lower case, with its own values; the
    // endpoint's own header values may be credentials, so they are stored redacted.
    for (const attempt of delivery.attempts) {
      const sent = attempt.requestHeaders as Record<string, string>;
      const names = Object.keys(sent);
      expect(names).toEqual(names.map((n) => n.toLowerCase()));
      expect(sent).toMatchObject({
        'user-agent': expect.stringMatching(/^Hookwire\//),
        'x-webhook-event': 'message.received',
        'x-tenant': '[redacted]',
        authorization: '[redacted]',
      });
    }
    // And the API refuses such a header outright.
    const refused = await t.gql(
      CreateEndpoint,
      { input: { url: rx.url, description: 'override', eventTypes: ['*'], headers: { 'User-Agent': 'evil/1.0', 'X-Webhook-Event': 'x' } } },
      acct.apiKey,
    );
    expect(refused.data?.createEndpoint).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: expect.arrayContaining([
        expect.objectContaining({ path: ['input', 'headers', 'User-Agent'] }),
        expect.objectContaining({ path: ['input', 'headers', 'X-Webhook-Event'] }),
      ]),
    });
  });

  it('records both attempts (HTTP_ERROR that will retry, then SUCCESS) and the delivery SUCCEEDED after 2', () => {
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2, nextAttemptAt: null, event: { id: event.id }, endpoint: { id: endpoint.id } });
    expect(delivery.completedAt).not.toBeNull();
    const [first, second] = delivery.attempts as [Attempt, Attempt];
    expect(first).toMatchObject({ attemptNumber: 1, outcome: 'HTTP_ERROR', responseStatus: 500, responseBody: 'temporarily broken', willRetry: true });
    expect(second).toMatchObject({ attemptNumber: 2, outcome: 'SUCCESS', responseStatus: 200, responseBody: '{"ok":true}', willRetry: false, error: null });
    expect(second.responseHeaders).toMatchObject({ 'x-receiver': 'yes' });
    expect((first.requestHeaders as Record<string, string>)['x-webhook-delivery-attempt']).toBe('1');
    expect((second.requestHeaders as Record<string, string>)['x-webhook-delivery-attempt']).toBe('2');
    for (const a of delivery.attempts) expect(a.durationMs).toBeGreaterThanOrEqual(0);
    // Retried after the 1 s of the schedule (±20%), not before.
    expect(Date.parse(second.startedAt) - Date.parse(first.startedAt)).toBeGreaterThanOrEqual(750);
    expect(new Date(delivery.completedAt!).getTime()).toBeGreaterThanOrEqual(Date.parse(second.startedAt));
  });
});

// ---------------------------------------------------------------------------------------------

describe('outcomes of an attempt', () => {
  let acct: Account;
  beforeAll(async () => {
    acct = await t.newAccount('outcomes');
  });

  /** One endpoint on its own receiver, one message.received event; returns its delivery id. */
  async function deliverOne(reply: Receiver['reply'], extra: Partial<CreateEndpointInput> = {}) {
    const rx = await receiver(reply);
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'outcome', eventTypes: ['message.received'], retrySchedule: [1], ...extra });
    const event = await publish(t, acct.apiKey, { type: 'message.received', data: example('message.received') });
    const deliveryId = await deliveryIdFor(t, acct.apiKey, event.id, endpoint.id);
    return { rx, endpoint, event, deliveryId };
  }

  it('400: FAILED at once after one attempt that will not retry, with nothing left scheduled', async () => {
    const { rx, deliveryId, endpoint } = await deliverOne(() => ({ status: 400, body: 'bad request: unknown field' }));
    const delivery = await waitForDelivery(t, acct.apiKey, deliveryId);
    expect(delivery).toMatchObject({ status: 'FAILED', attemptCount: 1, nextAttemptAt: null });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 400, responseBody: 'bad request: unknown field', willRetry: false });
    expect(delivery.attempts[0]!.error).toMatch(/400/);
    // Its lane, once given back, is idle: nothing of this endpoint is due, now or later.
    await waitUntil('the lane given back idle', async () => {
      const [lane] = await sql<{ ready_at: Date | null; leased_by: string | null }>(t, 'SELECT ready_at, leased_by FROM endpoint_lane WHERE endpoint_id = $1', [endpoint.id]);
      return lane?.leased_by === null && lane.ready_at === null ? true : undefined;
    });
    // The schedule is [1]: a wrong retry would come within ~3 s.
    await expectQuiet(rx, 1, 3_000);
  });

  it('429 with Retry-After: 3 while the schedule says 1 s: the second attempt comes at least 3 s after the first', async () => {
    const { rx, deliveryId } = await deliverOne((_req, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '3' }, body: 'slow down' } : { status: 200, body: 'ok' },
    );
    await rx.waitFor(2, 20_000);
    const gap = rx.requests[1]!.at - rx.requests[0]!.at;
    // Without Retry-After the gap would be 0.8–1.2 s (+ polling); with it, at least 3 s.
    expect(gap).toBeGreaterThanOrEqual(2_950);
    const delivery = await waitForDelivery(t, acct.apiKey, deliveryId);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    const [first, second] = delivery.attempts as [Attempt, Attempt];
    expect(first).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 429, willRetry: true });
    expect(second).toMatchObject({ outcome: 'SUCCESS', responseStatus: 200 });
    expect(Date.parse(second.startedAt) - (Date.parse(first.startedAt) + first.durationMs)).toBeGreaterThanOrEqual(2_950);
  }, 40_000);

  it('a receiver that never answers, with timeoutMs 300: outcome TIMEOUT, and the delivery is retried', async () => {
    const { rx, deliveryId } = await deliverOne((_req, i) => (i === 0 ? 'hang' : { status: 200, body: 'ok' }), { timeoutMs: 300 });
    const delivery = await waitForDelivery(t, acct.apiKey, deliveryId);
    expect(rx.requests).toHaveLength(2);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    const [first, second] = delivery.attempts as [Attempt, Attempt];
    expect(first).toMatchObject({ outcome: 'TIMEOUT', responseStatus: null, responseBody: null, willRetry: true });
    expect(first.error).toMatch(/timed out/i);
    expect(first.durationMs).toBeGreaterThanOrEqual(250);
    expect(first.durationMs).toBeLessThan(3_000);
    expect(second).toMatchObject({ outcome: 'SUCCESS', attemptNumber: 2 });
  }, 40_000);

  it('410: delivery FAILED, endpoint DISABLED with a reason, and endpoint.disabled reaches a subscribed sibling endpoint', async () => {
    const own = await t.newAccount('gone');
    const gone = await receiver(() => ({ status: 410, body: 'gone' }));
    const watcherRx = await receiver();
    const endpoint = await createEndpoint(t, own.apiKey, { url: gone.url, description: 'gone', eventTypes: ['message.received'], retrySchedule: [1] });
    const watcher = await createEndpoint(t, own.apiKey, { url: watcherRx.url, description: 'watcher', eventTypes: ['endpoint.disabled'] });
    const event = await publish(t, own.apiKey, { type: 'message.received', data: example('message.received') });
    const deliveryId = await deliveryIdFor(t, own.apiKey, event.id, endpoint.id);

    const delivery = await waitForDelivery(t, own.apiKey, deliveryId);
    expect(delivery).toMatchObject({ status: 'FAILED', attemptCount: 1 });
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 410, willRetry: false });

    const after = await getEndpoint(t, own.apiKey, endpoint.id);
    expect(after.status).toBe('DISABLED');
    expect(after.pauseReason).toMatch(/410/);
    expect(after.pausedAt).not.toBeNull();

    const [notice] = await watcherRx.waitFor(1, 15_000);
    const envelope = envelopeOf(notice!);
    expect(envelope.type).toBe('endpoint.disabled');
    expect(header(notice!, 'x-webhook-event')).toBe('endpoint.disabled');
    expect(envelope.data).toMatchObject({ endpointId: endpoint.id, url: gone.url, status: 'DISABLED', reason: after.pauseReason });
    expect(verifiesStandard(watcher.signingSecret, notice!)).toBe(true);
    expect(verifiesLegacy(watcher.signingSecret, notice!)).toBe(true);

    // A DISABLED endpoint still collects deliveries, held PENDING and not attempted.
    const later = await publish(t, own.apiKey, { type: 'message.received', data: example('message.received') });
    const held = await getDelivery(t, own.apiKey, await deliveryIdFor(t, own.apiKey, later.id, endpoint.id));
    expect(held).toMatchObject({ status: 'PENDING', attemptCount: 0, nextAttemptAt: null });
    await expectQuiet(gone, 1, 1_500);
    expect(watcherRx.requests).toHaveLength(1);
  }, 40_000);

  it('302 to another local receiver: FAILED, the redirect is not followed, the target receives nothing', async () => {
    const target = await receiver();
    const { rx, deliveryId, endpoint } = await deliverOne(() => ({ status: 302, headers: { location: target.url }, body: '' }));
    const delivery = await waitForDelivery(t, acct.apiKey, deliveryId);
    expect(delivery).toMatchObject({ status: 'FAILED', attemptCount: 1 });
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 302, willRetry: false });
    expect(delivery.attempts[0]!.error).toMatch(/redirect/i);
    expect((await getEndpoint(t, acct.apiKey, endpoint.id)).status).toBe('ACTIVE');
    await expectQuiet(target, 0, 1_500);
    expect(rx.requests).toHaveLength(1);
  });

  it('stores at most the first 64 KiB of a response body', async () => {
    const big = 'x'.repeat(100 * 1024);
    const { deliveryId } = await deliverOne(() => ({ status: 200, body: big }));
    const delivery = await waitForDelivery(t, acct.apiKey, deliveryId);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    expect(delivery.attempts[0]!.responseBody).toBe(big.slice(0, 65_536));
  });

  it('records a response body holding NUL bytes (which PostgreSQL text cannot) with U+FFFD in their place', async () => {
    const { deliveryId } = await deliverOne(() => ({ status: 200, body: 'ok\u0000binary\u0000' }));
    const delivery = await waitForDelivery(t, acct.apiKey, deliveryId);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    expect(delivery.attempts[0]!.responseBody).toBe('ok\uFFFDbinary\uFFFD');
  });
});

// ---------------------------------------------------------------------------------------------

describe('exhaustion, pause and resume', () => {
  // Arrival order is only meaningful with one attempt at a time: with the default concurrency the
  // held deliveries are claimed oldest first but their HTTP requests race. So this block runs its
  // own app with HOOKWIRE_ENDPOINT_CONCURRENCY=1, where an endpoint's attempts go one by one.
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ role: 'all', env: { HOOKWIRE_ENDPOINT_CONCURRENCY: '1' } });
  });
  afterAll(async () => stopApp(app));

  it('fails after the schedule, pauses the endpoint, tells a watcher, holds new deliveries, and delivers them oldest first on resume', async () => {
    const acct = await app.newAccount('exhaustion');
    let up = false;
    const rx = await receiver(() => (up ? { status: 200, body: 'ok' } : { status: 500, body: 'down' }));
    const watcherRx = await receiver();
    const endpoint = await createEndpoint(app, acct.apiKey, { url: rx.url, description: 'flaky', eventTypes: ['message.*'], retrySchedule: [1] });
    const watcher = await createEndpoint(app, acct.apiKey, { url: watcherRx.url, description: 'watcher', eventTypes: ['delivery.exhausted', 'endpoint.paused'] });

    // 1. Two attempts (the first and the one retry), both 500: FAILED.
    const first = await publish(app, acct.apiKey, { type: 'message.received', data: example('message.received') });
    const firstDeliveryId = await deliveryIdFor(app, acct.apiKey, first.id, endpoint.id);
    const failed = await waitForDelivery(app, acct.apiKey, firstDeliveryId, undefined, 25_000);
    expect(failed).toMatchObject({ status: 'FAILED', attemptCount: 2 });
    expect(failed.attempts.map((a) => [a.outcome, a.responseStatus, a.willRetry])).toEqual([
      ['HTTP_ERROR', 500, true],
      ['HTTP_ERROR', 500, false],
    ]);

    // 2. The endpoint is PAUSED with a reason.
    const paused = await getEndpoint(app, acct.apiKey, endpoint.id);
    expect(paused.status).toBe('PAUSED');
    expect(paused.pauseReason).toBeTruthy();
    expect(paused.pauseReason).toContain(firstDeliveryId);
    expect(paused.pausedAt).not.toBeNull();

    // 3. The watcher hears delivery.exhausted and endpoint.paused.
    await watcherRx.waitFor(2, 15_000);
    const notices = new Map(watcherRx.requests.map((r) => [envelopeOf(r).type, r]));
    expect([...notices.keys()].sort()).toEqual(['delivery.exhausted', 'endpoint.paused']);
    expect(envelopeOf(notices.get('delivery.exhausted')!).data).toMatchObject({
      deliveryId: firstDeliveryId,
      endpointId: endpoint.id,
      eventId: first.id,
      eventType: 'message.received',
      attemptCount: 2,
      lastOutcome: 'HTTP_ERROR',
      lastResponseStatus: 500,
    });
    expect(envelopeOf(notices.get('endpoint.paused')!).data).toMatchObject({ endpointId: endpoint.id, status: 'PAUSED', reason: paused.pauseReason });
    for (const notice of watcherRx.requests) expect(verifiesStandard(watcher.signingSecret, notice)).toBe(true);
    expect(rx.requests).toHaveLength(2);

    // 4. Three more events while PAUSED: recorded, PENDING, not attempted, the lane not woken.
    const held: Array<{ eventId: string; deliveryId: string }> = [];
    for (let i = 0; i < 3; i++) {
      const e = await publish(app, acct.apiKey, { type: 'message.received', data: { ...example('message.received'), messageId: `wamid.held.${i}` } });
      held.push({ eventId: e.id, deliveryId: await deliveryIdFor(app, acct.apiKey, e.id, endpoint.id) });
    }
    for (const h of held) {
      expect(await getDelivery(app, acct.apiKey, h.deliveryId)).toMatchObject({ status: 'PENDING', attemptCount: 0, nextAttemptAt: null });
    }
    expect(await sql(app, 'SELECT ready_at FROM endpoint_lane WHERE endpoint_id = $1', [endpoint.id])).toEqual([{ ready_at: null }]);
    await expectQuiet(rx, 2, 3_000);

    // 5. Receiver fixed, endpoint resumed: the held deliveries go out, oldest first.
    up = true;
    const resumed = await app.gql(ResumeEndpoint, { id: endpoint.id }, acct.apiKey);
    expect(resumed.data?.resumeEndpoint).toMatchObject({ __typename: 'EndpointSuccess', endpoint: { status: 'ACTIVE', pauseReason: null, pausedAt: null } });
    await rx.waitFor(5, 20_000);
    const firstArrival: string[] = [];
    for (const req of rx.requests.slice(2)) {
      const id = header(req, 'webhook-id')!;
      if (!firstArrival.includes(id)) firstArrival.push(id);
    }
    expect(firstArrival).toEqual(held.map((h) => h.eventId));
    for (const h of held) {
      expect(await waitForDelivery(app, acct.apiKey, h.deliveryId)).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    }
    // The delivery that had already FAILED is not sent again by resuming.
    expect(await getDelivery(app, acct.apiKey, firstDeliveryId)).toMatchObject({ status: 'FAILED', attemptCount: 2 });
    await expectQuiet(rx, 5, 1_500);
  }, 90_000);

  it('does not pause an endpoint that had a successful attempt after the exhausted delivery\'s first attempt', async () => {
    const acct = await app.newAccount('one bad event');
    // A healthy receiver that rejects (500) one particular event only.
    const rx = await receiver((req) => (envelopeOf(req).data as { messageId?: string }).messageId === 'wamid.bad' ? { status: 500, body: 'cannot process this one' } : { status: 200, body: 'ok' });
    const watcherRx = await receiver();
    const endpoint = await createEndpoint(app, acct.apiKey, { url: rx.url, description: 'mostly fine', eventTypes: ['message.*'], retrySchedule: [1] });
    await createEndpoint(app, acct.apiKey, { url: watcherRx.url, description: 'watcher', eventTypes: ['delivery.exhausted', 'endpoint.paused'] });
    const publishMessage = async (messageId: string) => {
      const e = await publish(app, acct.apiKey, { type: 'message.received', data: { ...example('message.received'), messageId } });
      return deliveryIdFor(app, acct.apiKey, e.id, endpoint.id);
    };

    // An earlier success, then the bad event's first attempt, then another success: all within
    // about a second, the order being what matters.
    await waitForDelivery(app, acct.apiKey, await publishMessage('wamid.before'));
    const bad = await publishMessage('wamid.bad');
    const badFirst = await waitForDelivery(app, acct.apiKey, bad, (d) => d.attemptCount >= 1);
    const good = await waitForDelivery(app, acct.apiKey, await publishMessage('wamid.after'));
    expect(good).toMatchObject({ status: 'SUCCEEDED' });
    expect(Date.parse(good.attempts[0]!.startedAt)).toBeGreaterThan(Date.parse(badFirst.attempts[0]!.startedAt));

    expect(await waitForDelivery(app, acct.apiKey, bad, undefined, 25_000)).toMatchObject({ status: 'FAILED', attemptCount: 2 });
    const [notice] = await watcherRx.waitFor(1, 15_000);
    expect(envelopeOf(notice!)).toMatchObject({ type: 'delivery.exhausted', data: { deliveryId: bad } });
    const after = await getEndpoint(app, acct.apiKey, endpoint.id);
    expect(after, 'a success came after the bad delivery\'s first attempt: the endpoint must stay ACTIVE').toMatchObject({ status: 'ACTIVE', pauseReason: null });
    await expectQuiet(watcherRx, 1, 1_500);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

describe('secret rotation', () => {
  /** Rotates and returns the new signing secret. */
  async function rotate(key: string, id: string, gracePeriodSeconds: number): Promise<string> {
    const result = await t.gql(RotateSecret, { id, gracePeriodSeconds }, key);
    const rotated = result.data?.rotateEndpointSecret;
    if (rotated?.__typename !== 'EndpointSuccess') throw new Error(`rotateEndpointSecret failed: ${JSON.stringify(result)}`);
    return rotated.endpoint.signingSecret;
  }

  it('signs with the new and the old secret during the grace period; x-webhook-signature uses the new one', async () => {
    const acct = await t.newAccount('rotation');
    const rx = await receiver();
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'rotating', eventTypes: ['*'] });
    const oldSecret = endpoint.signingSecret;

    await publish(t, acct.apiKey, { type: 'message.received', data: example('message.received') });
    const [before] = await rx.waitFor(1);
    expect(header(before!, 'webhook-signature')!.split(' ')).toHaveLength(1);
    expect(verifiesStandard(oldSecret, before!)).toBe(true);

    const newSecret = await rotate(acct.apiKey, endpoint.id, 3600);
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);

    await publish(t, acct.apiKey, { type: 'message.received', data: example('message.received') });
    const [, during] = await rx.waitFor(2);
    const entries = header(during!, 'webhook-signature')!.split(' ');
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verifiesStandard(newSecret, during!)).toBe(true);
    expect(verifiesStandard(oldSecret, during!)).toBe(true);
    expect(verifiesStandard(fakeSecret(), during!)).toBe(false);
    expect(header(during!, 'x-webhook-signature')).toBe(legacySignatureOf(newSecret, during!.body));
    expect(header(during!, 'x-webhook-signature')).not.toBe(legacySignatureOf(oldSecret, during!.body));
  });

  it('with gracePeriodSeconds 0 the replaced secret stops signing at once (earlier ones keep their own grace)', async () => {
    const acct = await t.newAccount('rotation-0');
    const rx = await receiver();
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'rotating', eventTypes: ['*'] });
    const s1 = endpoint.signingSecret;
    const s2 = await rotate(acct.apiKey, endpoint.id, 3600);
    const s3 = await rotate(acct.apiKey, endpoint.id, 0);
    await publish(t, acct.apiKey, { type: 'message.received', data: example('message.received') });
    const [req] = await rx.waitFor(1);
    expect(header(req!, 'webhook-signature')!.split(' ')).toHaveLength(2);
    expect(verifiesStandard(s3, req!)).toBe(true);
    expect(verifiesStandard(s1, req!)).toBe(true); // still within its 3600 s
    expect(verifiesStandard(s2, req!)).toBe(false); // retired with no grace
    expect(verifiesLegacy(s3, req!)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('publishEvent', () => {
  it('with the same idempotencyKey returns the same event and delivers once; another key or account makes a new event', async () => {
    const alice = await t.newAccount('idem-alice');
    const bob = await t.newAccount('idem-bob');
    const aliceRx = await receiver();
    const bobRx = await receiver();
    await createEndpoint(t, alice.apiKey, { url: aliceRx.url, description: 'alice', eventTypes: ['*'] });
    await createEndpoint(t, bob.apiKey, { url: bobRx.url, description: 'bob', eventTypes: ['*'] });
    const input = { type: 'message.received', data: example('message.received'), idempotencyKey: 'order-42' };

    const first = await publish(t, alice.apiKey, input);
    const repeat = await publish(t, alice.apiKey, { ...input, data: { ...example('message.received'), messageId: 'wamid.changed' } });
    expect(repeat.id).toBe(first.id);
    expect(repeat.payload).toEqual(first.payload);
    // Concurrent repeats too.
    const concurrent = await Promise.all([1, 2, 3].map(() => publish(t, alice.apiKey, input)));
    expect(concurrent.map((e) => e.id)).toEqual([first.id, first.id, first.id]);

    expect(await deliveriesOf(t, alice.apiKey, first.id)).toHaveLength(1);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [alice.accountId])).toEqual([{ n: 1 }]);
    await aliceRx.waitFor(1);
    await expectQuiet(aliceRx, 1, 1_500);

    const other = await publish(t, alice.apiKey, { ...input, idempotencyKey: 'order-43' });
    expect(other.id).not.toBe(first.id);
    await aliceRx.waitFor(2);
    expect(aliceRx.requests.map((r) => header(r, 'webhook-id'))).toEqual([first.id, other.id]);

    const bobs = await publish(t, bob.apiKey, input);
    expect(bobs.id).not.toBe(first.id);
    expect(await deliveriesOf(t, bob.apiKey, bobs.id)).toHaveLength(1);
    await bobRx.waitFor(1);
    expect(header(bobRx.requests[0]!, 'webhook-id')).toBe(bobs.id);
    expect(await eventCount(t, alice.apiKey)).toBe(2);
    expect(await eventCount(t, bob.apiKey)).toBe(1);
  });

  it('refuses an unknown type, data failing its schema and an operational type with ValidationErrors; stores nothing', async () => {
    const acct = await t.newAccount('validation');
    const rx = await receiver();
    await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'everything', eventTypes: ['*'] });
    await publish(t, acct.apiKey, { type: 'message.received', data: example('message.received') });
    await rx.waitFor(1);
    const eventsBefore = await eventCount(t, acct.apiKey);
    expect(eventsBefore).toBe(1);

    const attempt = async (input: PublishEventInput) => {
      const result = await t.gql(PublishEvent, { input }, acct.apiKey);
      expect(result.errors).toBeUndefined();
      const answer = result.data?.publishEvent;
      expect(answer?.__typename).toBe('ValidationError');
      return answer?.__typename === 'ValidationError' ? answer : { message: '', fieldErrors: [] };
    };

    const unknown = await attempt({ type: 'message.teleported', data: {} });
    expect(unknown.fieldErrors).toEqual([{ path: ['input', 'type'], message: expect.any(String) }]);
    expect(unknown.message).toMatch(/message\.teleported/);

    const { messageId: _dropped, ...withoutId } = example('message.received');
    const bad = await attempt({ type: 'message.received', data: { ...withoutId, from: 'not-a-phone' } });
    const paths = bad.fieldErrors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining([
      ['input', 'data', 'messageId'],
      ['input', 'data', 'from'],
    ]));
    expect(bad.fieldErrors.find((e) => e.path.join('.') === 'input.data.from')?.message).toMatch(/phone/);

    const notAnObject = await attempt({ type: 'message.received', data: 'hello' });
    expect(notAnObject.fieldErrors[0]?.path.slice(0, 2)).toEqual(['input', 'data']);

    const operational = await attempt({ type: 'endpoint.paused', data: example('endpoint.paused') });
    expect(operational.fieldErrors).toEqual([{ path: ['input', 'type'], message: expect.stringMatching(/Hookwire/) }]);

    // PostgreSQL can store no NUL in text or jsonb: a clear error, not an internal one.
    const nul = await attempt({
      type: 'message.received',
      sessionId: 'a\u0000b',
      data: { ...example('message.received'), content: { text: 'hi\u0000there' } },
    });
    expect(nul.fieldErrors).toEqual([
      { path: ['input', 'sessionId'], message: expect.stringMatching(/NUL/) },
      { path: ['input', 'data'], message: expect.stringMatching(/NUL/) },
    ]);

    expect(await eventCount(t, acct.apiKey)).toBe(eventsBefore);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM delivery WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 1 }]);
    await expectQuiet(rx, 1, 1_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe('SSRF guard (HOOKWIRE_ALLOW_PRIVATE_NETWORKS=false)', () => {
  let strict: TestApp;
  let tcp: TcpServer;
  let tcp6: TcpServer | null = null;
  let port: number;
  let connections = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    strict = await startTestApp({ role: 'all', env: { HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'false' } });
    const onConnection = (socket: Socket) => {
      connections++;
      sockets.add(socket);
      socket.on('error', () => {});
      socket.destroy();
    };
    tcp = createTcpServer(onConnection);
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    port = (tcp.address() as AddressInfo).port;
    // The same port on ::1 too when the host has IPv6 loopback, so "localhost" is counted either way.
    await new Promise<void>((resolve) => {
      const server = createTcpServer(onConnection);
      server.once('error', () => resolve());
      server.listen(port, '::1', () => {
        tcp6 = server;
        resolve();
      });
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => tcp?.close(() => resolve()));
    if (tcp6) await new Promise<void>((resolve) => tcp6!.close(() => resolve()));
    await stopApp(strict);
  });

  it('BLOCKs https://127.0.0.1, https://localhost and https://[::1] before connecting: FAILED, zero connections', async () => {
    const acct = await strict.newAccount('ssrf');
    const urls = [`https://127.0.0.1:${port}/hook`, `https://localhost:${port}/hook`, `https://[::1]:${port}/hook`];
    const endpoints = [];
    for (const url of urls) endpoints.push(await createEndpoint(strict, acct.apiKey, { url, description: 'private', eventTypes: ['*'], retrySchedule: [1] }));
    const event = await publish(strict, acct.apiKey, { type: 'message.received', data: example('message.received') });
    for (const endpoint of endpoints) {
      const id = await deliveryIdFor(strict, acct.apiKey, event.id, endpoint.id);
      const delivery = await waitForDelivery(strict, acct.apiKey, id);
      expect(delivery, endpoint.url).toMatchObject({ status: 'FAILED', attemptCount: 1, nextAttemptAt: null });
      expect(delivery.attempts[0], endpoint.url).toMatchObject({ outcome: 'BLOCKED', responseStatus: null, willRetry: false });
      expect(delivery.attempts[0]!.error).toMatch(/blocked/i);
    }
    await sleep(500);
    expect(connections).toBe(0);
  });

  it('refuses createEndpoint with a plain http URL (ValidationError on input.url)', async () => {
    const acct = await strict.newAccount('ssrf-http');
    const result = await strict.gql(CreateEndpoint, { input: { url: `http://127.0.0.1:${port}/hook`, description: 'plain', eventTypes: ['*'] } }, acct.apiKey);
    expect(result.data?.createEndpoint).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['input', 'url'], message: expect.stringMatching(/https/) }],
    });
    expect(connections).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('deleteEndpoint while a retry is queued', () => {
  it('removes the lane with its scheduled retry, the deliveries and the attempts', async () => {
    const acct = await t.newAccount('delete');
    const rx = await receiver(() => ({ status: 500, body: 'down' }));
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'doomed', eventTypes: ['*'], retrySchedule: [600] });
    const event = await publish(t, acct.apiKey, { type: 'message.received', data: example('message.received') });
    const deliveryId = await deliveryIdFor(t, acct.apiKey, event.id, endpoint.id);
    const pending = await waitForDelivery(t, acct.apiKey, deliveryId, (d) => d.attemptCount === 1);
    expect(pending).toMatchObject({ status: 'PENDING' });
    expect(pending.attempts[0]).toMatchObject({ outcome: 'HTTP_ERROR', willRetry: true });
    // Precondition: the retry is scheduled about 10 minutes ahead (600 s ± 20%), and the endpoint's
    // lane is due then.
    expect(new Date(pending.nextAttemptAt!).getTime() - Date.now()).toBeGreaterThan(400_000);
    const lane = await waitUntil('the lane given back with the retry time', async () => {
      const [row] = await sql<{ ready_at: Date | null; leased_by: string | null }>(t, 'SELECT ready_at, leased_by FROM endpoint_lane WHERE endpoint_id = $1', [endpoint.id]);
      return row && row.leased_by === null ? row : undefined;
    });
    expect(lane.ready_at!.getTime()).toBe(new Date(pending.nextAttemptAt!).getTime());

    const deleted = await t.gql(DeleteEndpoint, { id: endpoint.id }, acct.apiKey);
    expect(deleted.data?.deleteEndpoint).toEqual({ __typename: 'DeleteEndpointSuccess', deletedId: endpoint.id });

    expect(await sql(t, 'SELECT endpoint_id FROM endpoint_lane WHERE endpoint_id = $1', [endpoint.id])).toEqual([]);
    expect(await sql(t, 'SELECT id FROM delivery WHERE id = $1 OR endpoint_id = $2', [deliveryId, endpoint.id])).toEqual([]);
    expect(await sql(t, 'SELECT id FROM delivery_attempt WHERE delivery_id = $1', [deliveryId])).toEqual([]);
    expect(await sql(t, 'SELECT id FROM endpoint WHERE id = $1', [endpoint.id])).toEqual([]);
    // The event itself belongs to the account and stays, now with no deliveries.
    expect(await deliveriesOf(t, acct.apiKey, event.id)).toEqual([]);
    expect(rx.requests).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('sendTestEvent, retryDelivery and recoverFailedDeliveries', () => {
  let alice: Account;
  let bob: Account;
  beforeAll(async () => {
    alice = await t.newAccount('manual-alice');
    bob = await t.newAccount('manual-bob');
  });

  it('sendTestEvent delivers webhook.test (or the catalog example of eventType) to that endpoint alone', async () => {
    const rx = await receiver();
    const bystanderRx = await receiver();
    // Subscribed to something else entirely: a test event goes to the endpoint whatever it subscribes to.
    const endpoint = await createEndpoint(t, alice.apiKey, { url: rx.url, description: 'tested', eventTypes: ['template.status'] });
    const bystander = await createEndpoint(t, alice.apiKey, { url: bystanderRx.url, description: 'bystander', eventTypes: ['*'] });

    const plain = await t.gql(SendTestEvent, { endpointId: endpoint.id }, alice.apiKey);
    const plainResult = plain.data?.sendTestEvent;
    expect(plainResult).toMatchObject({ __typename: 'DeliverySuccess', delivery: { status: 'PENDING', endpoint: { id: endpoint.id }, event: { type: 'webhook.test' } } });
    const plainId = plainResult?.__typename === 'DeliverySuccess' ? plainResult.delivery.id : '';
    expect(await waitForDelivery(t, alice.apiKey, plainId)).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    const [first] = await rx.waitFor(1);
    expect(envelopeOf(first!)).toMatchObject({ type: 'webhook.test', data: example('webhook.test') });
    expect(header(first!, 'x-webhook-event')).toBe('webhook.test');
    expect(verifiesStandard(endpoint.signingSecret, first!)).toBe(true);

    const typed = await t.gql(SendTestEvent, { endpointId: endpoint.id, eventType: 'message.received' }, alice.apiKey);
    expect(typed.data?.sendTestEvent).toMatchObject({ __typename: 'DeliverySuccess', delivery: { event: { type: 'message.received' } } });
    const [, second] = await rx.waitFor(2);
    expect(envelopeOf(second!)).toMatchObject({ type: 'message.received', data: example('message.received') });
    expect(header(second!, 'x-webhook-event')).toBe('message.received');

    const unknown = await t.gql(SendTestEvent, { endpointId: endpoint.id, eventType: 'no.such.type' }, alice.apiKey);
    expect(unknown.data?.sendTestEvent).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['eventType'] }] });

    await expectQuiet(bystanderRx, 0, 1_000);
    expect((await getEndpoint(t, alice.apiKey, bystander.id)).deliveries.totalCount).toBe(0);
    expect(rx.requests).toHaveLength(2);
  });

  it('retryDelivery gives a FAILED delivery one more attempt: attemptCount 2, same webhook-id and body', async () => {
    let status = 400;
    const rx = await receiver(() => ({ status, body: String(status) }));
    const endpoint = await createEndpoint(t, alice.apiKey, { url: rx.url, description: 'retry me', eventTypes: ['*'], retrySchedule: [1] });
    const event = await publish(t, alice.apiKey, { type: 'message.received', data: example('message.received') });
    const deliveryId = await deliveryIdFor(t, alice.apiKey, event.id, endpoint.id);
    expect(await waitForDelivery(t, alice.apiKey, deliveryId)).toMatchObject({ status: 'FAILED', attemptCount: 1 });

    status = 200;
    const retried = await t.gql(RetryDelivery, { id: deliveryId }, alice.apiKey);
    expect(retried.data?.retryDelivery).toMatchObject({ __typename: 'DeliverySuccess', delivery: { id: deliveryId, status: 'PENDING', attemptCount: 1 } });
    const done = await waitForDelivery(t, alice.apiKey, deliveryId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    expect(done.attempts.map((a) => [a.attemptNumber, a.outcome, a.responseStatus])).toEqual([
      [1, 'HTTP_ERROR', 400],
      [2, 'SUCCESS', 200],
    ]);
    const [first, second] = rx.requests as [ReceivedRequest, ReceivedRequest];
    expect(rx.requests).toHaveLength(2);
    expect(header(second, 'x-webhook-delivery-attempt')).toBe('2');
    expect(header(second, 'webhook-id')).toBe(header(first, 'webhook-id'));
    expect(second.body).toBe(first.body);
  });

  it('recoverFailedDeliveries(endpointId, since) re-schedules the FAILED deliveries created since then and returns their count', async () => {
    let status = 400;
    const rx = await receiver(() => ({ status, body: String(status) }));
    const endpoint = await createEndpoint(t, alice.apiKey, { url: rx.url, description: 'recover me', eventTypes: ['*'], retrySchedule: [1] });
    const publishAndFail = async () => {
      const e = await publish(t, alice.apiKey, { type: 'message.received', data: example('message.received') });
      const id = await deliveryIdFor(t, alice.apiKey, e.id, endpoint.id);
      expect(await waitForDelivery(t, alice.apiKey, id)).toMatchObject({ status: 'FAILED' });
      return id;
    };
    const older = await publishAndFail();
    await sleep(50);
    const since = new Date();
    await sleep(50);
    const recent = [await publishAndFail(), await publishAndFail()];
    expect(rx.requests).toHaveLength(3);

    status = 200;
    const recovered = await t.gql(RecoverFailed, { endpointId: endpoint.id, since: since.toISOString() }, alice.apiKey);
    expect(recovered.data?.recoverFailedDeliveries).toEqual({ __typename: 'RecoverFailedDeliveriesSuccess', count: 2 });
    for (const id of recent) {
      expect(await waitForDelivery(t, alice.apiKey, id)).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    }
    expect(await getDelivery(t, alice.apiKey, older)).toMatchObject({ status: 'FAILED', attemptCount: 1 });
    await expectQuiet(rx, 5, 1_000);

    const future = await t.gql(RecoverFailed, { endpointId: endpoint.id, since: new Date(Date.now() + 3_600_000).toISOString() }, alice.apiKey);
    expect(future.data?.recoverFailedDeliveries).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['since'] }] });
  });

  it("answers another account's (or unknown) ids with NotFoundError and changes nothing", async () => {
    const rx = await receiver(() => ({ status: 400, body: 'no' }));
    const endpoint = await createEndpoint(t, alice.apiKey, { url: rx.url, description: 'alice only', eventTypes: ['*'] });
    const event = await publish(t, alice.apiKey, { type: 'message.received', data: example('message.received') });
    const deliveryId = await deliveryIdFor(t, alice.apiKey, event.id, endpoint.id);
    expect(await waitForDelivery(t, alice.apiKey, deliveryId)).toMatchObject({ status: 'FAILED', attemptCount: 1 });

    const notFound = { __typename: 'NotFoundError', message: expect.any(String) };
    expect((await t.gql(RetryDelivery, { id: deliveryId }, bob.apiKey)).data?.retryDelivery).toEqual(notFound);
    expect((await t.gql(RetryDelivery, { id: 'dlv_00000000000000000000000000' }, alice.apiKey)).data?.retryDelivery).toEqual(notFound);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect((await t.gql(RecoverFailed, { endpointId: endpoint.id, since }, bob.apiKey)).data?.recoverFailedDeliveries).toEqual(notFound);
    expect((await t.gql(SendTestEvent, { endpointId: endpoint.id }, bob.apiKey)).data?.sendTestEvent).toEqual(notFound);
    expect((await t.gql(SendTestEvent, { endpointId: 'ep_00000000000000000000000000' }, alice.apiKey)).data?.sendTestEvent).toEqual(notFound);

    await expectQuiet(rx, 1, 1_000);
    expect(await getDelivery(t, alice.apiKey, deliveryId)).toMatchObject({ status: 'FAILED', attemptCount: 1 });
    // The refused sendTestEvent left no event behind in bob's account.
    expect(await eventCount(t, bob.apiKey)).toBe(0);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [bob.accountId])).toEqual([{ n: 0 }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('fan-out', () => {
  let api: TestApp;
  let counting = false;
  const statements: string[] = [];
  beforeAll(async () => {
    // API only: no worker drains the lanes, so all of them can be counted afterwards.
    // A key's last_used_at is written once a minute, in the background, whichever request it
    // falls on: not the publish path's, so out of the count.
    api = await startTestApp({ role: 'api', onQuery: (q) => counting && !/"api_key" SET "last_used_at"/.test(q) && statements.push(q) });
    // The publish path's own statements (named, on the pool beside Prisma) are counted too.
    const { sql } = api.app.services;
    const query = sql.query.bind(sql);
    sql.query = (statement, values) => {
      if (counting) statements.push(statement.name);
      return query(statement, values);
    };
  });
  afterAll(async () => stopApp(api));

  async function publishCounted(key: string): Promise<{ eventId: string; statements: string[] }> {
    statements.length = 0;
    counting = true;
    try {
      const event = await publish(api, key, { type: 'message.received', data: example('message.received') });
      return { eventId: event.id, statements: [...statements] };
    } finally {
      counting = false;
    }
  }

  it('publishes to 1500 endpoints with a few SQL statements (as many as for one endpoint), waking 1500 lanes at once', async () => {
    const rx = await receiver();
    const big = await api.newAccount('fan-out');
    await sql(
      api,
      `INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret)
       SELECT 'ep_' || lpad(g::text, 26, '0'), $1, $2, 'fan-out ' || g, '{*}', 'whsec_' || encode(sha256(g::text::bytea), 'base64')
       FROM generate_series(1, 1500) AS g`,
      [big.accountId, rx.url],
    );
    const small = await api.newAccount('fan-out of one');
    await createEndpoint(api, small.apiKey, { url: rx.url, description: 'one', eventTypes: ['*'] });

    // Each key's own lookup happens once every few seconds, not per publish: out of the count.
    for (const key of [small.apiKey, big.apiKey]) await eventCount(api, key);
    const one = await publishCounted(small.apiKey);
    const many = await publishCounted(big.apiKey);
    expect(many.statements.length, many.statements.join('\n')).toBeLessThanOrEqual(12);
    expect(many.statements).toContain('hookwire_publish');
    expect(many.statements.length, `1 endpoint:\n${one.statements.join('\n')}\n1500 endpoints:\n${many.statements.join('\n')}`).toBe(one.statements.length);

    expect(await sql(api, `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'PENDING')::int AS pending FROM delivery WHERE event_id = $1`, [many.eventId])).toEqual([{ n: 1500, pending: 1500 }]);
    expect(
      await sql(
        api,
        `SELECT count(*)::int AS n, count(DISTINCT l.endpoint_id)::int AS lanes FROM endpoint_lane l JOIN delivery d ON d.endpoint_id = l.endpoint_id
         WHERE d.event_id = $1 AND l.ready_at <= now() AND d.next_attempt_at <= now()`,
        [many.eventId],
      ),
    ).toEqual([{ n: 1500, lanes: 1500 }]);
    expect(rx.requests).toHaveLength(0);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

describe('/metrics', () => {
  const scrape = async () => (await fetch(`${t.url.replace(/\/graphql$/, '')}/metrics`)).text();
  /** The value of one sample; `labels` must all be present, in any order. */
  const sample = (text: string, name: string, labels: Record<string, string> = {}): number | null => {
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
    }
    return null;
  };

  it('counts attempts by outcome, has the duration histogram, and reports pending deliveries', async () => {
    const acct = await t.newAccount('metrics');
    const before = await scrape();
    const successBefore = sample(before, 'hookwire_delivery_attempts_total', { outcome: 'SUCCESS' }) ?? 0;
    const countBefore = sample(before, 'hookwire_delivery_attempt_duration_seconds_count', { outcome: 'SUCCESS' }) ?? 0;

    const rx = await receiver();
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'metrics', eventTypes: ['message.received'] });
    const n = 3;
    for (let i = 0; i < n; i++) {
      const e = await publish(t, acct.apiKey, { type: 'message.received', data: example('message.received') });
      await waitForDelivery(t, acct.apiKey, await deliveryIdFor(t, acct.apiKey, e.id, endpoint.id));
    }
    const after = await scrape();
    expect(sample(after, 'hookwire_delivery_attempts_total', { outcome: 'SUCCESS' })).toBeGreaterThanOrEqual(successBefore + n);
    expect(sample(after, 'hookwire_delivery_attempts_total', { outcome: 'SUCCESS' })).toBeGreaterThanOrEqual(n);
    expect(sample(after, 'hookwire_delivery_attempt_duration_seconds_count', { outcome: 'SUCCESS' })).toBeGreaterThanOrEqual(countBefore + n);
    expect(sample(after, 'hookwire_delivery_attempt_duration_seconds_bucket', { outcome: 'SUCCESS', le: '+Inf' })).toBeGreaterThanOrEqual(n);
    expect(sample(after, 'hookwire_delivery_attempt_duration_seconds_sum', { outcome: 'SUCCESS' })).toBeGreaterThan(0);
    expect(after).toMatch(/^# TYPE hookwire_delivery_attempt_duration_seconds histogram$/m);

    // Pending: deliveries held by a paused endpoint stay PENDING; the gauge follows the database.
    const held = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'held', eventTypes: ['session.connected'] });
    expect((await t.gql(PauseEndpoint, { id: held.id }, acct.apiKey)).data?.pauseEndpoint).toMatchObject({ endpoint: { status: 'PAUSED' } });
    const pendingBefore = sample(await scrape(), 'hookwire_deliveries_pending');
    expect(pendingBefore).not.toBeNull();
    for (let i = 0; i < 4; i++) await publish(t, acct.apiKey, { type: 'session.connected', data: example('session.connected') });
    await waitUntil('hookwire_deliveries_pending to match the database', async () => {
      const value = sample(await scrape(), 'hookwire_deliveries_pending');
      const [{ n: inDb }] = (await sql<{ n: number }>(t, `SELECT count(*)::int AS n FROM delivery WHERE status = 'PENDING'`)) as [{ n: number }];
      return value === inDb && value >= pendingBefore! + 4 ? value : null;
    }, 10_000, 200);
  });

  it('a worker-only process serves /healthz, /readyz and its own attempt counters on HOOKWIRE_METRICS_PORT', async () => {
    const api = await startTestApp({ role: 'api' });
    const worker = await startTestApp({ role: 'worker', database: api.db, env: { HOOKWIRE_METRICS_PORT: '0' } });
    try {
      const base = worker.app.ops!.url;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/graphql`)).status).toBe(404);
      const acct = await api.newAccount('worker-metrics');
      const rx = await receiver();
      const endpoint = await createEndpoint(api, acct.apiKey, { url: rx.url, description: 'w', eventTypes: ['message.received'] });
      const e = await publish(api, acct.apiKey, { type: 'message.received', data: example('message.received') });
      await waitForDelivery(api, acct.apiKey, await deliveryIdFor(api, acct.apiKey, e.id, endpoint.id));
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(sample(text, 'hookwire_delivery_attempts_total', { outcome: 'SUCCESS' })).toBe(1);
    } finally {
      await worker.stop();
      await api.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('retention', () => {
  it('purgeExpired drops the weeks older than the retention with their events, deliveries and attempts, and keeps the rest', async () => {
    const acct = await t.newAccount('retention');
    const rx = await receiver();
    const endpoint = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'history', eventTypes: ['*'] });
    const insert = async (ageDays: number) => {
      const createdAt = new Date(Date.now() - ageDays * 86_400_000);
      // Ids of that moment (history is partitioned by the ids' time), in its week's partitions.
      await ensureHistoryWeeks(t.app.services.db, createdAt, 0);
      const [eventId, deliveryId, attemptId] = ['evt', 'dlv', 'att'].map((prefix) => historyBound(prefix, createdAt) + fakeId('x').slice(-16));
      await sql(
        t,
        `INSERT INTO event (id, account_id, type, data, payload, created_at) VALUES ($1, $2, 'message.received', '{}', '{}', $3)`,
        [eventId, acct.accountId, createdAt],
      );
      await sql(
        t,
        `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, created_at, completed_at)
         VALUES ($1, $2, $3, $4, 'message.received', 'SUCCEEDED', 1, $5, $5)`,
        [deliveryId, acct.accountId, eventId, endpoint.id, createdAt],
      );
      await sql(
        t,
        `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, response_status, will_retry)
         VALUES ($1, $2, 1, 'SUCCESS', $3, 12, '{}', 200, false)`,
        [attemptId, deliveryId, createdAt],
      );
      return { eventId, deliveryId, attemptId };
    };
    const old = await insert(40);
    const recent = await insert(29);
    const fresh = await insert(0);

    const purged = await purgeExpired(t.app.services.db, 30);
    expect(purged.dropped).toBe(1);

    const exists = async (table: string, id: string) => (await sql(t, `SELECT 1 FROM ${table} WHERE id = $1`, [id])).length === 1;
    expect(await exists('event', old.eventId)).toBe(false);
    expect(await exists('delivery', old.deliveryId)).toBe(false);
    expect(await exists('delivery_attempt', old.attemptId)).toBe(false);
    for (const kept of [recent, fresh]) {
      expect(await exists('event', kept.eventId)).toBe(true);
      expect(await exists('delivery', kept.deliveryId)).toBe(true);
      expect(await exists('delivery_attempt', kept.attemptId)).toBe(true);
    }
    expect(await exists('endpoint', endpoint.id)).toBe(true);
    expect(await eventCount(t, acct.apiKey)).toBe(2);
  });
});
