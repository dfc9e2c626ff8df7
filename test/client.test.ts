// The TypeScript client (@hookwire/client) against the real service (in-process, worker included)
// and a real receiver: every group of operations, typed error results, Relay paging and graphql-ws
// subscriptions as async iterators, the listen API's isolation, and the built package on the
// machine's own Node (20) and in a browser bundle.
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookwireClient, HookwireError, unwrap, type SignedRequest } from '../packages/client/src/index.ts';
import { verifyWebhook } from '../packages/verify/src/index.ts';
import { findEventType } from '../src/domain/catalog.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

let t: TestApp;
let receiver: Receiver;
let refusing: Receiver;
let alice: HookwireClient;
let bob: HookwireClient;
const clients: HookwireClient[] = [];

function clientOf(apiKey: string, options: { fetch?: typeof fetch; url?: string } = {}): HookwireClient {
  const client = new HookwireClient({ url: options.url ?? t.url, apiKey, fetch: options.fetch });
  clients.push(client);
  return client;
}

const listeners = () => t.app.notifications!.listenerCount;
/** Live streams a test has open: each is one listener on the service's notification hub. */
let open = 0;

/**
 * Starts a live stream and waits until the service has subscribed it; gives back its first item
 * to come, wrapped (an async function returning the promise itself would wait for that item).
 */
async function started<T>(stream: AsyncGenerator<T, void, undefined>): Promise<{ first: Promise<IteratorResult<T, void>> }> {
  const first = stream.next();
  open++;
  await waitUntil(`${open} subscriptions in place (have ${listeners()})`, () => listeners() === open, 10_000);
  return { first };
}

/** Ends a live stream (as leaving a for-await loop does) and waits until the service let it go. */
async function stopped(...streams: Array<AsyncGenerator<unknown, void, undefined>>): Promise<void> {
  await Promise.all(streams.map((stream) => stream.return()));
  open -= streams.length;
  await waitUntil(`the service to drop the subscription (have ${listeners()}, want ${open})`, () => listeners() === open, 10_000);
}

beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
  receiver = await startReceiver();
  refusing = await startReceiver(() => ({ status: 400, body: 'no' }));
  alice = clientOf((await t.newAccount('alice')).apiKey);
  bob = clientOf((await t.newAccount('bob')).apiKey);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await receiver?.close();
  await refusing?.close();
  await t?.stop();
}, 60_000);

describe('seed-style shorthand', () => {
  it('createWebhook(sessionId, url, events) returns the endpoint with its secret; testWebhook(id) delivers webhook.test', async () => {
    const webhook = await alice.createWebhook('session-1', receiver.url, ['message.*', 'session.connected']);
    expect(webhook.signingSecret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({ url: receiver.url, sessionIds: ['session-1'], eventTypes: ['message.*', 'session.connected'], status: 'ACTIVE' });
    expect(webhook).toMatchObject({ signatureHeader: { name: 'x-webhook-signature', format: 'SHA256_HEX', timestampHeader: null }, filter: null, transformation: null });
    const before = receiver.requests.length;
    const delivery = await alice.testWebhook(webhook.id);
    expect(delivery).toMatchObject({ id: expect.stringMatching(/^dlv_/), event: { type: 'webhook.test' }, endpoint: { id: webhook.id } });
    const [request] = (await receiver.waitFor(before + 1)).slice(before);
    expect(request!.headers['webhook-id']).toBe(delivery.event.id);
    await expect(alice.createWebhook(null, 'ftp://nowhere', ['*'])).rejects.toMatchObject({ name: 'HookwireError', code: 'VALIDATION' });
  });
});

describe('endpoints', () => {
  it('mutations answer typed results, told apart by __typename', async () => {
    const invalid = await alice.endpoints.create({ url: 'not a url', description: 'x', eventTypes: [] });
    expect(invalid.__typename).toBe('ValidationError');
    if (invalid.__typename !== 'ValidationError') throw new Error('unreachable');
    expect(invalid.fieldErrors.map((f) => f.path.join('.')).sort()).toEqual(['input.eventTypes', 'input.url']);

    const created = unwrap(await alice.endpoints.create({ url: receiver.url, description: 'CRUD', eventTypes: ['message.read'] })).endpoint;
    const updated = await alice.endpoints.update(created.id, { description: 'CRUD, renamed', rateLimitPerSecond: 5, ordered: true });
    expect(updated).toMatchObject({ __typename: 'EndpointSuccess', endpoint: { description: 'CRUD, renamed', rateLimitPerSecond: 5, ordered: true } });
    expect(unwrap(await alice.endpoints.pause(created.id)).endpoint.status).toBe('PAUSED');
    expect(unwrap(await alice.endpoints.resume(created.id)).endpoint.status).toBe('ACTIVE');
    const rotated = unwrap(await alice.endpoints.rotateSecret(created.id, { gracePeriodSeconds: 60 })).endpoint;
    expect(rotated.signingSecret).not.toBe(created.signingSecret);
    expect((await alice.endpoints.get(created.id))?.signingSecret).toBe(rotated.signingSecret);
    expect(await alice.endpoints.stats(created.id)).toMatchObject({ total: 0, successRate: null });

    // Another account sees nothing of it.
    expect(await bob.endpoints.get(created.id)).toBeNull();
    expect((await bob.endpoints.delete(created.id)).__typename).toBe('NotFoundError');

    expect(await alice.endpoints.delete(created.id)).toEqual({ __typename: 'DeleteEndpointSuccess', deletedId: created.id });
    const again = await alice.endpoints.delete(created.id);
    expect(again.__typename).toBe('NotFoundError');
    expect(() => unwrap(again)).toThrow(HookwireError);
    try {
      unwrap(again);
    } catch (error) {
      expect(error).toMatchObject({ code: 'NOT_FOUND', result: { __typename: 'NotFoundError' } });
    }
    expect(await alice.endpoints.get(created.id)).toBeNull();
  });

  it('node(id) says what an id of the account names', async () => {
    const webhook = await alice.createWebhook(null, receiver.url, ['webhook.test']);
    const delivery = await alice.testWebhook(webhook.id);
    expect(await alice.node(webhook.id)).toEqual({ __typename: 'Endpoint', id: webhook.id });
    expect(await alice.node(delivery.id)).toEqual({ __typename: 'Delivery', id: delivery.id });
    expect(await alice.node(delivery.event.id)).toEqual({ __typename: 'Event', id: delivery.event.id });
    expect(await bob.node(webhook.id)).toBeNull();
    expect(await alice.node('nonsense')).toBeNull();
  });

  it('list() pages through a Relay connection as an async iterator, one request per page', async () => {
    const { apiKey } = await t.newAccount('paging');
    let requests = 0;
    const counted = clientOf(apiKey, { fetch: (input, init) => (requests++, fetch(input, init)) });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(unwrap(await counted.endpoints.create({ url: `${receiver.url}?n=${i}`, description: `page ${i}`, eventTypes: ['*'] })).endpoint.id);
    }
    requests = 0;
    const seen: string[] = [];
    for await (const endpoint of counted.endpoints.list({}, { pageSize: 3 })) seen.push(endpoint.id);
    expect(seen).toEqual([...ids].reverse()); // newest first
    expect(requests).toBe(3);

    requests = 0;
    const firstFour: string[] = [];
    for await (const endpoint of counted.endpoints.list({ status: 'ACTIVE' }, { pageSize: 3, limit: 4 })) firstFour.push(endpoint.id);
    expect(firstFour).toEqual(seen.slice(0, 4));
    expect(requests).toBe(2);

    const page = await counted.endpoints.page({ first: 2 });
    expect(page).toMatchObject({ totalCount: 7, hasNextPage: true, nodes: [{ id: seen[0] }, { id: seen[1] }] });
    const next = await counted.endpoints.page({ first: 2, after: page.endCursor });
    expect(next.nodes.map((n) => n.id)).toEqual(seen.slice(2, 4));
  });
});

describe('events, deliveries and event types', () => {
  it('publishes one or a batch, reads them back, retries and recovers deliveries', async () => {
    const types = await alice.eventTypes.list();
    expect(types.map((type) => type.name)).toContain('message.received');
    const messageReceived = await alice.eventTypes.get('message.received');
    expect(messageReceived?.example).toEqual(findEventType('message.received')!.example);
    expect(await alice.eventTypes.get('no.such.type')).toBeNull();

    const good = unwrap(await alice.endpoints.create({ url: receiver.url, description: 'events', eventTypes: ['message.*'], sessionIds: ['ev'] })).endpoint;
    const bad = unwrap(await alice.endpoints.create({ url: refusing.url, description: 'refuses', eventTypes: ['message.*'], sessionIds: ['ev'] })).endpoint;
    const since = new Date(Date.now() - 1000);

    const one = unwrap(await alice.events.publish({ type: 'message.received', sessionId: 'ev', data: messageReceived!.example })).event;
    expect(one.deliveries.map((d) => d.endpoint.id).sort()).toEqual([good.id, bad.id].sort());
    const batch = unwrap(
      await alice.events.publishBatch([
        { type: 'message.received', sessionId: 'ev', data: messageReceived!.example, idempotencyKey: 'batch-1' },
        { type: 'message.received', sessionId: 'ev', data: messageReceived!.example },
      ]),
    ).events;
    expect(batch).toHaveLength(2);
    const refused = await alice.events.publishBatch([
      { type: 'message.received', sessionId: 'ev', data: messageReceived!.example },
      { type: 'no.such.type', sessionId: 'ev', data: {} },
    ]);
    expect(refused.__typename).toBe('ValidationError');
    if (refused.__typename === 'ValidationError') expect(refused.fieldErrors[0]!.path.slice(0, 2)).toEqual(['inputs', '1']);

    const event = await alice.events.get(one.id);
    expect(event).toMatchObject({ id: one.id, type: 'message.received', sessionId: 'ev' });
    expect(event!.payload).toMatchObject({ id: one.id, type: "message.received" });
    const listed: string[] = [];
    for await (const e of alice.events.list({ sessionId: 'ev' })) listed.push(e.id);
    expect(listed).toEqual([batch[1]!.id, batch[0]!.id, one.id]); // the refused batch left nothing

    await waitUntil('the 6 deliveries to finish', async () => {
      const [toGood, toBad] = await Promise.all([alice.deliveries.page({ endpointId: good.id }), alice.deliveries.page({ endpointId: bad.id, since })]);
      return toGood.stats.succeeded === 3 && toBad.stats.failed === 3;
    });
    const toGood: string[] = [];
    for await (const d of alice.deliveries.list({ endpointId: good.id, status: 'SUCCEEDED' }, { pageSize: 2 })) toGood.push(d.id);
    expect(toGood).toHaveLength(3);
    const detail = await alice.deliveries.get(toGood[0]!);
    expect(detail!.attempts).toHaveLength(1);
    expect(detail!.attempts[0]).toMatchObject({ attemptNumber: 1, trigger: 'SCHEDULED', outcome: 'SUCCESS', responseStatus: 200 });
    expect((detail!.attempts[0]!.requestHeaders as Record<string, string>)['webhook-id']).toBe(detail!.event.id);

    unwrap(await alice.deliveries.retry(toGood[0]!));
    await waitUntil('the manual attempt', async () => (await alice.deliveries.get(toGood[0]!))!.attempts.length === 2);
    expect((await alice.deliveries.get(toGood[0]!))!.attempts[1]).toMatchObject({ trigger: 'MANUAL', outcome: 'SUCCESS' });

    expect(unwrap(await alice.deliveries.recover(bad.id, since)).count).toBe(3);
    expect((await bob.deliveries.recover(bad.id, since)).__typename).toBe('NotFoundError');
    expect(await bob.deliveries.get(toGood[0]!)).toBeNull();
  });
});

describe('receivers written for other platforms', () => {
  const reshape = `function handler(webhook) {
  webhook.payload = { event: 'message', session: webhook.payload.sessionId, payload: webhook.payload.data };
  webhook.headers['X-WAHooks-Event'] = webhook.eventType;
  return webhook;
}`;
  const wahooks = { name: 'x-wahooks-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-wahooks-timestamp' } as const;

  it('endpoints take an own secret, a signature header, a transformation and a filter, and read them back', async () => {
    const { apiKey } = await t.newAccount('compat');
    const client = clientOf(apiKey);
    const filter = { data: { content: { text: { $startsWith: 'hello' } } } };
    const created = unwrap(
      await client.endpoints.create({
        url: receiver.url,
        description: 'WAHooks receiver',
        eventTypes: ['message.received'],
        signingSecret: 'your-signing-secret',
        signatureHeader: wahooks,
        transformation: reshape,
        filter,
      }),
    ).endpoint;
    expect(created).toMatchObject({ signingSecret: 'your-signing-secret', signatureHeader: wahooks, transformation: reshape, filter });
    expect(await client.endpoints.get(created.id)).toMatchObject({ signatureHeader: wahooks, transformation: reshape, filter });
    for await (const listed of client.endpoints.list()) expect(listed).toMatchObject({ id: created.id, signatureHeader: wahooks, filter });

    // The filter lets one event through; the receiver gets its transformed bytes, signed with the secret as set.
    const example = findEventType('message.received')!.example as { content: { text: string } };
    const before = receiver.requests.length;
    const skipped = unwrap(await client.events.publish({ type: 'message.received', sessionId: 'wa', data: { ...example, content: { text: 'bye' } } })).event;
    expect(skipped.deliveries).toEqual([]);
    const sent = unwrap(await client.events.publish({ type: 'message.received', sessionId: 'wa', data: { ...example, content: { text: 'hello there' } } })).event;
    expect(sent.deliveries).toHaveLength(1);
    const [request] = (await receiver.waitFor(before + 1)).slice(before);
    expect(JSON.parse(request!.body)).toMatchObject({ event: 'message', session: 'wa', payload: { content: { text: 'hello there' } } });
    expect(request!.headers['x-wahooks-event']).toBe('message.received');
    expect(verifyWebhook(request!.body, request!.headers, 'your-signing-secret', { signatureHeader: wahooks })).toMatchObject({ session: 'wa' });
    expect(verifyWebhook(request!.body, request!.headers, 'your-signing-secret')).toMatchObject({ event: 'message' });

    // Update: another secret and header; '' removes the transformation, {} the filter.
    const updated = unwrap(
      await client.endpoints.update(created.id, {
        signingSecret: 'a-newer-own-secret-0123',
        signatureHeader: { name: 'x-platform-signature', format: 'HEX' },
        transformation: '',
        filter: {},
      }),
    ).endpoint;
    expect(updated).toMatchObject({
      signingSecret: 'a-newer-own-secret-0123',
      signatureHeader: { name: 'x-platform-signature', format: 'HEX', timestampHeader: null },
      transformation: null,
      filter: null,
    });

    // Refused input answers a ValidationError naming each field; unwrap throws it as VALIDATION.
    const refused = await client.endpoints.update(created.id, { signingSecret: 'short', signatureHeader: { name: 'x-sig', format: 'SHA256_HEX_TIMESTAMPED' } });
    expect(refused.__typename).toBe('ValidationError');
    if (refused.__typename !== 'ValidationError') throw new Error('unreachable');
    expect(refused.fieldErrors.map((f) => f.path.join('.')).sort()).toEqual(['input.signatureHeader.timestampHeader', 'input.signingSecret']);
    expect(() => unwrap(refused)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    const syntax = await client.endpoints.update(created.id, { transformation: 'function handler(w) {\n  return w +;\n}' });
    expect(syntax.__typename === 'ValidationError' && syntax.fieldErrors).toEqual([{ path: ['input', 'transformation'], message: expect.stringMatching(/line 2/) }]);
    expect((await client.endpoints.get(created.id))?.signingSecret).toBe('a-newer-own-secret-0123');
  });

  it('previewTransformation shows the exact body and the headers it adds, or the error', async () => {
    const preview = unwrap(await alice.previewTransformation(reshape, 'message.received'));
    expect(preview.__typename).toBe('TransformationPreview');
    expect(JSON.parse(preview.body)).toMatchObject({ event: 'message', payload: findEventType('message.received')!.example as object });
    expect(preview.headers).toEqual({ 'x-wahooks-event': 'message.received' });
    const data = { ...(findEventType('message.received')!.example as object), content: { text: 'given data' } };
    const onData = unwrap(await alice.previewTransformation(`function handler(w) { w.payload = w.payload.data.content.text; return w }`, 'message.received', data));
    expect(onData.body).toBe('given data');

    const broken = await alice.previewTransformation('function handler(w) {\n  throw new Error("nope");\n}', 'message.received');
    expect(broken.__typename).toBe('ValidationError');
    if (broken.__typename === 'ValidationError') expect(broken.fieldErrors[0]).toMatchObject({ path: ['transformation'], message: expect.stringMatching(/line 2.*nope/) });
    expect(() => unwrap(broken)).toThrow(HookwireError);
  });

  it("eventTypes.create, update, archive and unarchive an account's own types, typed errors included", async () => {
    const { apiKey } = await t.newAccount('own types');
    const client = clientOf(apiKey);
    const input = {
      name: 'order.shipped',
      description: 'An order left the warehouse',
      schema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
      example: { orderId: 'o-1' },
    };
    const made = await client.eventTypes.create(input);
    expect(made).toMatchObject({ __typename: 'EventTypeSuccess', eventType: { ...input, custom: true, archived: false } });
    expect(await client.eventTypes.get('order.shipped')).toMatchObject({ custom: true, archived: false });
    expect((await client.eventTypes.get('message.received'))).toMatchObject({ custom: false, archived: false });
    expect(await alice.eventTypes.get('order.shipped')).toBeNull();

    const again = await client.eventTypes.create(input);
    expect(again.__typename === 'ValidationError' && again.fieldErrors.map((f) => f.path.join('.'))).toEqual(['input.name']);
    const badExample = await client.eventTypes.create({ ...input, name: 'order.lost', example: { orderId: 7 } });
    expect(badExample.__typename === 'ValidationError' && badExample.fieldErrors.map((f) => f.path.join('.'))).toEqual(['input.example.orderId']);

    const updated = unwrap(await client.eventTypes.update('order.shipped', { description: 'Shipped', example: { orderId: 'o-2' } })).eventType;
    expect(updated).toMatchObject({ name: 'order.shipped', description: 'Shipped', example: { orderId: 'o-2' } });
    expect((await client.eventTypes.update('order.nope', { description: 'x' })).__typename).toBe('NotFoundError');
    expect((await alice.eventTypes.archive('order.shipped')).__typename).toBe('NotFoundError');

    expect(unwrap(await client.eventTypes.archive('order.shipped')).eventType.archived).toBe(true);
    const refused = await client.events.publish({ type: 'order.shipped', data: { orderId: 'x' } });
    expect(refused.__typename === 'ValidationError' && refused.fieldErrors.map((f) => f.path.join('.'))).toEqual(['input.type']);
    expect(unwrap(await client.eventTypes.unarchive('order.shipped')).eventType.archived).toBe(false);
    expect(unwrap(await client.events.publish({ type: 'order.shipped', data: { orderId: 'x' } })).event.type).toBe('order.shipped');
  });
});

describe('accounts, keys and errors', () => {
  it('throws HookwireError with a code for a bad key, an unreachable service, and a forbidden call', async () => {
    await expect(clientOf('hk_not-a-key').viewer()).rejects.toMatchObject({ name: 'HookwireError', code: 'UNAUTHENTICATED', status: 401 });
    await expect(clientOf('hk_x', { url: 'http://127.0.0.1:9/graphql' }).viewer()).rejects.toMatchObject({ code: 'NETWORK' });
    await expect(alice.createAccount('nope')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(alice.request('query { nothing }')).rejects.toMatchObject({ code: 'VALIDATION' });

    const created = unwrap(await clientOf(ADMIN_KEY).createAccount('carol'));
    expect(created.apiKey).toMatch(/^hk_/);
    const carol = clientOf(created.apiKey);
    expect(await carol.viewer()).toMatchObject({ id: created.account.id, name: 'carol' });
    const second = unwrap(await carol.createApiKey('ci')).apiKey;
    expect((await clientOf(second).viewer())?.id).toBe(created.account.id);
  });
});

describe('subscriptions as async iterators', () => {
  it('deliveryAttempted and endpointStatusChanged yield as things happen; leaving the loop unsubscribes', async () => {
    const endpoint = await alice.createWebhook('live', receiver.url, ['message.*']);
    const baseline = listeners();
    const attempts = alice.live.deliveryAttempted({ endpointId: endpoint.id });
    const { first: firstAttempt } = await started(attempts);
    const published = unwrap(await alice.events.publish({ type: 'message.read', sessionId: 'live', data: findEventType('message.read')!.example })).event;
    const { value: attempt } = await firstAttempt;
    expect(attempt).toMatchObject({ outcome: 'SUCCESS', attemptNumber: 1, delivery: { event: { id: published.id }, endpoint: { id: endpoint.id } } });
    await stopped(attempts);

    const statuses: string[] = [];
    const stream = alice.live.endpointStatusChanged({ endpointId: endpoint.id });
    const { first: firstStatus } = await started(stream);
    await alice.endpoints.pause(endpoint.id);
    statuses.push((await firstStatus).value!.status);
    await alice.endpoints.resume(endpoint.id);
    for await (const changed of stream) {
      statuses.push(changed.status);
      break; // for-await's return() unsubscribes
    }
    open--;
    expect(statuses).toEqual(['PAUSED', 'ACTIVE']);
    await waitUntil('the listeners to go', () => listeners() === baseline, 5_000);
  });

  it('a refused key ends a stream with UNAUTHENTICATED', async () => {
    await expect(clientOf('hk_not-a-key').live.deliveryAttempted().next()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('signedRequestSent (the listen API)', () => {
  it('carries the exact request the endpoint received: headers, signatures and body', async () => {
    const endpoint = await alice.createWebhook('signed', receiver.url, ['*']);
    const stream = alice.live.signedRequests(endpoint.id);
    const { first } = await started(stream);
    const before = receiver.requests.length;
    const delivery = await alice.testWebhook(endpoint.id);
    const { value } = await first;
    await stopped(stream);
    const signed = value as SignedRequest;
    const [received] = (await receiver.waitFor(before + 1)).slice(before);

    expect(signed).toMatchObject({ deliveryId: delivery.id, eventId: delivery.event.id, eventType: 'webhook.test', attemptNumber: 1, trigger: 'SCHEDULED', method: 'POST' });
    expect(signed.attempt).toMatchObject({ outcome: 'SUCCESS', responseStatus: 200 });
    expect(signed.body).toBe(received!.body);
    const headers = Object.fromEntries(signed.headers.map((h) => [h.name, h.value]));
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-signature', 'x-webhook-event', 'content-type', 'user-agent']) {
      expect(headers[name], name).toBe(received!.headers[name]);
    }
    expect(Number(headers['webhook-timestamp'])).toBe(Math.floor(Date.parse(signed.signedAt) / 1000));
  });

  it("stays within the account: another account's endpoint, or none, is NOT_FOUND; no notice crosses over", async () => {
    const aliceEndpoint = await alice.createWebhook('iso', receiver.url, ['*']);
    await expect(bob.live.signedRequests(aliceEndpoint.id).next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(alice.live.signedRequests('ep_doesnotexist').next()).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const bobEndpoint = await bob.createWebhook('iso', receiver.url, ['*']);
    const bobStream = bob.live.signedRequests(bobEndpoint.id);
    const { first: bobFirst } = await started(bobStream);
    const aliceStream = alice.live.signedRequests(aliceEndpoint.id);
    const { first: aliceFirst } = await started(aliceStream);
    await alice.testWebhook(aliceEndpoint.id);
    expect((await aliceFirst).value!.attempt.outcome).toBe('SUCCESS');
    const bobDelivery = await bob.testWebhook(bobEndpoint.id);
    // Bob's first notice is his own, though Alice's attempt was made (and announced) first.
    expect((await bobFirst).value!.deliveryId).toBe(bobDelivery.id);
    await stopped(aliceStream, bobStream);
  });
});

/** The machine's own node (Node 20 here), not the Node 24 that npm scripts put first on PATH. */
function systemNode(): string | null {
  const ours = realpathSync(process.execPath);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      if (realpathSync(candidate) !== ours) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

describe('the built package', () => {
  const node = systemNode();
  if (!node) console.warn('test/client.test.ts: no node outside node_modules on PATH; the built package runs on Node 24 only in this run');

  beforeAll(() => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
  }, 120_000);

  it("runs on the machine's Node (20): client over HTTP and graphql-ws, and the CLI from dist", async () => {
    const { apiKey } = await t.newAccount('node20');
    const runner = node ?? process.execPath;
    const script = `
      import { HookwireClient, unwrap } from ${JSON.stringify(join(REPO_ROOT, 'packages/client/dist/index.js'))};
      import { verifyWebhook } from ${JSON.stringify(join(REPO_ROOT, 'packages/verify/dist/index.js'))};
      import WebSocket from ${JSON.stringify(join(REPO_ROOT, 'node_modules/ws/wrapper.mjs'))};
      const client = new HookwireClient({ url: process.env.HOOKWIRE_URL, apiKey: process.env.HOOKWIRE_API_KEY, webSocket: { webSocketImpl: WebSocket } });
      const endpoint = await client.createWebhook(null, process.env.RECEIVER_URL, ['*']);
      const stream = client.live.signedRequests(endpoint.id);
      const first = stream.next();
      // The parent says when the service has the subscription in place.
      await new Promise((resolve) => process.stdin.once('data', resolve));
      await client.testWebhook(endpoint.id);
      const { value } = await first;
      const headers = Object.fromEntries(value.headers.map((h) => [h.name, h.value]));
      const event = verifyWebhook(value.body, headers, endpoint.signingSecret);
      await stream.return();
      await client.close();
      console.log(JSON.stringify({ node: process.version, type: event.type, endpoint: endpoint.id }));
    `;
    const env = { ...process.env, HOOKWIRE_URL: t.url, HOOKWIRE_API_KEY: apiKey, RECEIVER_URL: receiver.url };
    // Asynchronously: the service answering it runs in this very process.
    const child = execFile(runner, ['--input-type=module', '-e', script], { env, timeout: 30_000 });
    const run = new Promise<string>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk) => (stdout += chunk));
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stdout}\n${stderr}`))));
    });
    await Promise.race([waitUntil('the child to subscribe', () => listeners() === open + 1, 20_000), run]);
    child.stdin!.end('go\n');
    const result = JSON.parse(await run) as { node: string; type: string; endpoint: string };
    console.info(`built client ran on ${runner} ${result.node}`);
    expect(result.type).toBe('webhook.test');

    // The bin picks dist/ where Node cannot strip types (Node 20).
    const cli = await promisify(execFile)(runner, [join(REPO_ROOT, 'packages/client/bin/hookwire.js'), 'endpoints', 'list', '--json'], { env, timeout: 30_000 });
    expect((JSON.parse(cli.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([result.endpoint]);
  }, 60_000);

  it('bundles for browsers without any Node built-in', async () => {
    const { build } = await import('esbuild');
    const bundled = await build({
      entryPoints: [join(REPO_ROOT, 'packages/client/dist/index.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const code = bundled.outputFiles[0]!.text;
    expect(code).toContain('HookwireClient');
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
    expect(code.length).toBeLessThan(200_000);
  });
});
