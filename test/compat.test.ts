// Receivers written for other platforms, as they see Hookwire: an endpoint's own secret and its
// signature header (every format), transformations run once per delivery in the sandbox (same
// bytes on every attempt, checked when saved, a failure at delivery time sending nothing),
// previewTransformation, payload filters decided at publish, and each account's own event types.
// Real Postgres, real deliveries over HTTP on 127.0.0.1, receivers that verify what they get.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArchiveEventTypeDocument as Archive,
  CreateEndpointDocument as CreateEndpoint,
  type CreateEndpointInput,
  CreateEventTypeDocument as CreateType,
  DeliveryDocument as AttemptBodies,
  EventTypesDocument as ListTypes,
  PreviewTransformationDocument as Preview,
  PublishEventDocument as PublishOne,
  UnarchiveEventTypeDocument as Unarchive,
  UpdateEndpointDocument as UpdateEndpoint,
  UpdateEventTypeDocument as UpdateType,
} from '../packages/client/src/generated/graphql.ts';
import { closeSql, endpointDeliveries, getDelivery, messageReceived, publish, publishMany, sql, waitForDelivery } from './support/api.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { expectQuiet, startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.ts';

let t: TestApp;
const receivers: Receiver[] = [];
beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
}, 60_000);
afterAll(async () => {
  for (const r of receivers) await r.close();
  await closeSql(t);
  await t.stop();
});

async function receiver(reply?: Receiver['reply']): Promise<Receiver> {
  const r = await startReceiver(reply);
  receivers.push(r);
  return r;
}

async function create(key: string, input: CreateEndpointInput) {
  const result = await t.gql(CreateEndpoint, { input }, key);
  return result.data!.createEndpoint;
}

async function created(key: string, input: CreateEndpointInput) {
  const result = await create(key, input);
  if (result.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint: ${JSON.stringify(result)}`);
  return result.endpoint;
}

function pathsOf(result: { __typename: string; fieldErrors?: Array<{ path: string[] }> }): string[] {
  expect(result.__typename).toBe('ValidationError');
  return (result.fieldErrors ?? []).map((e) => e.path.join('.'));
}

const header = (req: ReceivedRequest, name: string) => String(req.headers[name]);
const hmacHex = (key: string, data: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(data, 'utf8').digest('hex');

describe('own secrets and signature headers', () => {
  it('signs with an own secret: hex keyed by its UTF-8 bytes, Standard Webhooks verifiable with format raw', async () => {
    const acct = await t.newAccount('own secret');
    const rx = await receiver();
    const secret = 'my-platform-secret-2026!';
    const endpoint = await created(acct.apiKey, { url: rx.url, description: 'own', eventTypes: ['*'], signingSecret: secret });
    expect(endpoint.signingSecret).toBe(secret);
    expect(endpoint.signatureHeader).toEqual({ name: 'x-webhook-signature', format: 'SHA256_HEX', timestampHeader: null });
    await publish(t, acct.apiKey, messageReceived(1));
    const [req] = await rx.waitFor(1);
    expect(header(req!, 'x-webhook-signature')).toBe(`sha256=${hmacHex(secret, req!.body)}`);
    const verified = new Webhook(secret, { format: 'raw' }).verify(req!.body, {
      'webhook-id': header(req!, 'webhook-id'),
      'webhook-timestamp': header(req!, 'webhook-timestamp'),
      'webhook-signature': header(req!, 'webhook-signature'),
    });
    expect(verified).toMatchObject({ type: 'message.received' });
    // The same key, passed as a whsec_ secret, verifies too.
    expect(() =>
      new Webhook(`whsec_${Buffer.from(secret).toString('base64')}`).verify(req!.body, {
        'webhook-id': header(req!, 'webhook-id'),
        'webhook-timestamp': header(req!, 'webhook-timestamp'),
        'webhook-signature': header(req!, 'webhook-signature'),
      }),
    ).not.toThrow();
  });

  it('writes the chosen header in each format; the Standard Webhooks headers are always there', async () => {
    const acct = await t.newAccount('formats');
    const rx = await receiver();
    const secret = 'another-secret-0123456789';
    await created(acct.apiKey, { url: `${rx.url}?f=hex`, description: 'hex', eventTypes: ['*'], signingSecret: secret, signatureHeader: { name: 'X-WAStack-Signature', format: 'HEX' } });
    await created(acct.apiKey, {
      url: `${rx.url}?f=ts`,
      description: 'timestamped',
      eventTypes: ['*'],
      signingSecret: secret,
      signatureHeader: { name: 'X-WAHooks-Signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'X-WAHooks-Timestamp' },
    });
    await publish(t, acct.apiKey, messageReceived(1));
    const requests = await rx.waitFor(2);
    const hex = requests.find((r) => r.url.endsWith('f=hex'))!;
    const ts = requests.find((r) => r.url.endsWith('f=ts'))!;
    expect(header(hex, 'x-wastack-signature')).toBe(hmacHex(secret, hex.body));
    expect(hex.headers['x-webhook-signature']).toBeUndefined();
    const seconds = header(ts, 'x-wahooks-timestamp');
    expect(seconds).toBe(header(ts, 'webhook-timestamp'));
    expect(header(ts, 'x-wahooks-signature')).toBe(`sha256=${hmacHex(secret, `${seconds}.${ts.body}`)}`);
    for (const r of requests) expect(header(r, 'webhook-signature')).toMatch(/^v1,/);
  });

  it('refuses bad secrets and signature headers with their paths, and stores nothing', async () => {
    const acct = await t.newAccount('bad signing');
    const base = { url: 'http://127.0.0.1:9/x', description: 'bad', eventTypes: ['*'] };
    const cases: Array<[Partial<CreateEndpointInput>, string]> = [
      [{ signingSecret: 'short' }, 'input.signingSecret'],
      [{ signingSecret: 'has spaces in it, see' }, 'input.signingSecret'],
      [{ signingSecret: 'whsec_not*base64*at-all!!' }, 'input.signingSecret'],
      [{ signatureHeader: { name: 'webhook-signature', format: 'SHA256_HEX' } }, 'input.signatureHeader.name'],
      [{ signatureHeader: { name: 'bad header', format: 'HEX' } }, 'input.signatureHeader.name'],
      [{ signatureHeader: { name: 'x-sig', format: 'SHA256_HEX_TIMESTAMPED' } }, 'input.signatureHeader.timestampHeader'],
      [{ signatureHeader: { name: 'x-sig', format: 'HEX', timestampHeader: 'x-ts' } }, 'input.signatureHeader.timestampHeader'],
    ];
    for (const [extra, path] of cases) {
      expect(pathsOf(await create(acct.apiKey, { ...base, ...extra })), JSON.stringify(extra)).toContain(path);
    }
    expect(await sql(t, 'SELECT count(*)::int AS n FROM endpoint WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 0 }]);
  });
});

describe('transformations', () => {
  const reshape = `function handler(webhook) {
  const d = webhook.payload.data;
  webhook.payload = { event: 'message', session: webhook.payload.sessionId, payload: { id: d.messageId, body: d.content.text } };
  webhook.headers['X-Platform-Event'] = webhook.eventType;
  return webhook;
}`;

  it('reshapes the body once per delivery: every attempt sends the same bytes, which history shows', async () => {
    const acct = await t.newAccount('transform');
    const rx = await receiver((_req, i) => (i === 0 ? { status: 503 } : { status: 200 }));
    const endpoint = await created(acct.apiKey, { url: rx.url, description: 'reshaped', eventTypes: ['message.received'], transformation: reshape, retrySchedule: [1] });
    expect(endpoint.transformation).toBe(reshape);
    await publish(t, acct.apiKey, messageReceived(7, { sessionId: 's1' }));
    const [first, second] = await rx.waitFor(2, 15_000);
    expect(JSON.parse(first!.body)).toEqual({ event: 'message', session: 's1', payload: { id: 'wamid.test.7', body: 'hello' } });
    expect(second!.body).toBe(first!.body);
    expect(header(second!, 'x-platform-event')).toBe('message.received');
    // The signatures cover the transformed bytes.
    const [delivery] = await endpointDeliveries(t, acct.apiKey, endpoint.id);
    await waitForDelivery(t, acct.apiKey, delivery!.id, (d) => d.status === 'SUCCEEDED');
    const shown = (await t.gql(AttemptBodies, { id: delivery!.id }, acct.apiKey)).data!.delivery!;
    expect(shown.attempts.map((a) => a.requestBody)).toEqual([first!.body, first!.body]);
    expect(header(first!, 'x-webhook-signature')).toBe(`sha256=${hmacHex(endpoint.signingSecret, first!.body)}`);
  });

  it('sends a string result as is', async () => {
    const acct = await t.newAccount('transform string');
    const rx = await receiver();
    await created(acct.apiKey, { url: rx.url, description: 'text', eventTypes: ['*'], transformation: `function handler(w) { w.payload = 'id=' + w.eventId; return w }` });
    const eventId = await publish(t, acct.apiKey, messageReceived(1));
    const [req] = await rx.waitFor(1);
    expect(req!.body).toBe(`id=${eventId}`);
  });

  it('is checked when saved, on the example of every subscribed type: errors name the line; nothing is stored', async () => {
    const acct = await t.newAccount('transform check');
    const base = { url: 'http://127.0.0.1:9/x', description: 'checked', eventTypes: ['message.*'] };
    const syntax = await create(acct.apiKey, { ...base, transformation: 'function handler(w) {\n  return w +;\n}' });
    expect(pathsOf(syntax)).toEqual(['input.transformation']);
    expect(syntax.__typename === 'ValidationError' && syntax.fieldErrors[0]!.message).toMatch(/line 2/);
    // Fine on the examples of messages with text, but status updates have no content.
    const thrown = await create(acct.apiKey, { ...base, transformation: 'function handler(w) {\n  w.payload = w.payload.data.content.text.toUpperCase();\n  return w;\n}' });
    expect(thrown.__typename === 'ValidationError' && thrown.fieldErrors[0]!.message).toMatch(/^line 2: TypeError: .*\(on the example of message\.(delivered|read|failed|sent|reaction)\)$/);
    const reserved = await create(acct.apiKey, { ...base, transformation: `function handler(w) { w.headers['Webhook-Signature'] = 'forged'; return w }` });
    expect(pathsOf(reserved)).toEqual(['input.transformation']);
    const loop = await create(acct.apiKey, { ...base, transformation: 'function handler(w) { for (;;) {} }' });
    expect(loop.__typename === 'ValidationError' && loop.fieldErrors[0]!.message).toMatch(/CPU time/);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM endpoint WHERE account_id = $1', [acct.accountId])).toEqual([{ n: 0 }]);
  });

  it('fails a delivery it cannot transform, sending nothing, and the worker goes on', async () => {
    const acct = await t.newAccount('transform failure');
    const rx = await receiver();
    const code = `function handler(w) {\n  if (w.payload.data.content.text === 'boom') throw new Error('no booms');\n  return w;\n}`;
    const endpoint = await created(acct.apiKey, { url: rx.url, description: 'picky', eventTypes: ['message.received'], transformation: code });
    await publish(t, acct.apiKey, { type: 'message.received', data: { ...(messageReceived(1).data as object), content: { text: 'boom' } } });
    await publish(t, acct.apiKey, messageReceived(2));
    const [ok] = await rx.waitFor(1);
    expect(JSON.parse(ok!.body).data.messageId).toBe('wamid.test.2');
    const deliveries = await endpointDeliveries(t, acct.apiKey, endpoint.id);
    const failed = deliveries.find((d) => d.status === 'FAILED') ?? (await waitForDelivery(t, acct.apiKey, deliveries.at(-1)!.id));
    const shown = (await t.gql(AttemptBodies, { id: failed.id }, acct.apiKey)).data!.delivery!;
    expect(shown.status).toBe('FAILED');
    expect(shown.attempts).toHaveLength(1);
    expect(shown.attempts[0]).toMatchObject({ outcome: 'TRANSFORM_FAILED', requestHeaders: {} });
    expect(shown.attempts[0]!.error).toMatch(/line 2.*no booms/);
    await expectQuiet(rx, 1, 500);
  });

  it('previewTransformation shows the exact body and added headers, or the error', async () => {
    const acct = await t.newAccount('preview');
    const preview = await t.gql(Preview, { transformation: reshape, eventType: 'message.received' }, acct.apiKey);
    const shown = preview.data!.previewTransformation;
    expect(shown.__typename).toBe('TransformationPreview');
    if (shown.__typename !== 'TransformationPreview') return;
    expect(JSON.parse(shown.body)).toMatchObject({ event: 'message', payload: { body: expect.any(String) } });
    expect(shown.headers).toEqual({ 'x-platform-event': 'message.received' });
    const broken = (await t.gql(Preview, { transformation: 'function handler(w) { return undefinedThing }', eventType: 'message.received' }, acct.apiKey)).data!.previewTransformation;
    expect(pathsOf(broken)).toEqual(['transformation']);
  });

  it('is removed by an empty string on update', async () => {
    const acct = await t.newAccount('transform removed');
    const endpoint = await created(acct.apiKey, { url: 'http://127.0.0.1:9/x', description: 'x', eventTypes: ['message.received'], transformation: reshape });
    const updated = (await t.gql(UpdateEndpoint, { id: endpoint.id, input: { transformation: '' } }, acct.apiKey)).data!.updateEndpoint;
    expect(updated).toMatchObject({ __typename: 'EndpointSuccess', endpoint: { transformation: null } });
  });
});

describe('filters', () => {
  it('deliver only matching events, decided at publish; {} removes the filter', async () => {
    const acct = await t.newAccount('filters');
    const rx = await receiver();
    const filter = { data: { status: { $in: ['read', 'failed'] } } };
    const endpoint = await created(acct.apiKey, { url: rx.url, description: 'read or failed', eventTypes: ['message.*'], filter });
    expect(endpoint.filter).toEqual(filter);
    const status = (s: string) => ({ type: `message.${s}`, data: { messageId: 'wamid.f', to: '15551234567', status: s, timestamp: '2026-04-11T10:35:40.000Z' } });
    const events = await publishMany(t, acct.apiKey, [status('delivered'), status('read'), messageReceived(1)]);
    expect(events.map((e) => e.deliveries.length)).toEqual([0, 1, 0]);
    await rx.waitFor(1);
    expect(JSON.parse(rx.requests[0]!.body).type).toBe('message.read');

    const cleared = (await t.gql(UpdateEndpoint, { id: endpoint.id, input: { filter: {} } }, acct.apiKey)).data!.updateEndpoint;
    expect(cleared).toMatchObject({ endpoint: { filter: null } });
    const after = await publishMany(t, acct.apiKey, [status('delivered')]);
    expect(after[0]!.deliveries).toHaveLength(1);
  });

  it('refuses a bad filter with the path of the bad key', async () => {
    const acct = await t.newAccount('bad filters');
    const base = { url: 'http://127.0.0.1:9/x', description: 'x', eventTypes: ['*'] };
    expect(pathsOf(await create(acct.apiKey, { ...base, filter: { data: { status: { $regex: 'x' } } } })).some((p) => p.startsWith('input.filter'))).toBe(true);
    expect(pathsOf(await create(acct.apiKey, { ...base, filter: 'not an object' }))).toEqual(['input.filter']);
  });
});

describe("an account's own event types", () => {
  const orderShipped = {
    name: 'order.shipped',
    description: 'An order left the warehouse',
    schema: { type: 'object', properties: { orderId: { type: 'string' }, items: { type: 'integer', minimum: 1 } }, required: ['orderId'], additionalProperties: false },
    example: { orderId: 'o-1', items: 2 },
  };

  it('are created, listed for their account only, published with validation, and matched by wildcards', async () => {
    const a = await t.newAccount('types A');
    const b = await t.newAccount('types B');
    const rx = await receiver();
    const made = (await t.gql(CreateType, { input: orderShipped }, a.apiKey)).data!.createEventType;
    expect(made).toMatchObject({ __typename: 'EventTypeSuccess', eventType: { name: 'order.shipped', custom: true, archived: false } });
    expect((await t.gql(ListTypes, {}, a.apiKey)).data!.eventTypes.filter((e) => e.custom).map((e) => e.name)).toEqual(['order.shipped']);
    expect((await t.gql(ListTypes, {}, b.apiKey)).data!.eventTypes.filter((e) => e.custom)).toEqual([]);

    await created(a.apiKey, { url: `${rx.url}?exact`, description: 'exact', eventTypes: ['order.shipped'] });
    await created(a.apiKey, { url: `${rx.url}?wild`, description: 'wildcard', eventTypes: ['order.*'] });
    await created(a.apiKey, { url: `${rx.url}?all`, description: 'all', eventTypes: ['*'] });
    await publish(t, a.apiKey, { type: 'order.shipped', data: { orderId: 'o-9' } });
    const requests = await rx.waitFor(3);
    expect(requests.map((r) => r.url.split('?')[1]).sort()).toEqual(['all', 'exact', 'wild']);

    const bad = (await t.gql(PublishOne, { input: { type: 'order.shipped', data: { orderId: 7, extra: true } } }, a.apiKey)).data!.publishEvent;
    expect(pathsOf(bad as never).sort()).toEqual(['input.data.extra', 'input.data.orderId']);
    // Another account can neither publish it nor subscribe to it.
    expect(pathsOf((await t.gql(PublishOne, { input: { type: 'order.shipped', data: { orderId: 'x' } } }, b.apiKey)).data!.publishEvent as never)).toEqual(['input.type']);
    expect(pathsOf(await create(b.apiKey, { url: rx.url, description: 'x', eventTypes: ['order.shipped'] }))).toEqual(['input.eventTypes.0']);
  });

  it('refuse bad names, schemas and examples, with paths', async () => {
    const acct = await t.newAccount('bad types');
    const attempt = async (input: Record<string, unknown>) =>
      (await t.gql(CreateType, { input: { ...orderShipped, ...input } as typeof orderShipped }, acct.apiKey)).data!.createEventType;
    expect(pathsOf(await attempt({ name: 'Order.Shipped' }) as never)).toEqual(['input.name']);
    expect(pathsOf(await attempt({ name: 'message.received' }) as never)).toEqual(['input.name']);
    expect(pathsOf(await attempt({ name: 'endpoint.paused' }) as never)).toEqual(['input.name']);
    expect(pathsOf(await attempt({ schema: { type: 'object', properties: { a: { type: 'strang' } } } }) as never)[0]).toMatch(/^input\.schema/);
    expect(pathsOf(await attempt({ example: { orderId: 5 } }) as never)).toEqual(['input.example.orderId']);
    await attempt({});
    expect(pathsOf(await attempt({}) as never)).toEqual(['input.name']);
  });

  it('archived: refuse publishing and new subscriptions, keep existing ones; unarchived: published again', async () => {
    const acct = await t.newAccount('archived types');
    const rx = await receiver();
    await t.gql(CreateType, { input: orderShipped }, acct.apiKey);
    await created(acct.apiKey, { url: rx.url, description: 'subscribed before', eventTypes: ['order.shipped'] });
    expect((await t.gql(Archive, { name: 'order.shipped' }, acct.apiKey)).data!.archiveEventType).toMatchObject({ eventType: { archived: true } });
    expect(pathsOf((await t.gql(PublishOne, { input: { type: 'order.shipped', data: { orderId: 'x' } } }, acct.apiKey)).data!.publishEvent as never)).toEqual(['input.type']);
    expect(pathsOf(await create(acct.apiKey, { url: rx.url, description: 'new', eventTypes: ['order.shipped'] }))).toEqual(['input.eventTypes.0']);
    await t.gql(Unarchive, { name: 'order.shipped' }, acct.apiKey);
    await publish(t, acct.apiKey, { type: 'order.shipped', data: { orderId: 'again' } });
    await rx.waitFor(1);
  });

  it('updateEventType changes the schema with the example still valid; unknown names are NotFound', async () => {
    const acct = await t.newAccount('update types');
    await t.gql(CreateType, { input: orderShipped }, acct.apiKey);
    const stricter = { ...orderShipped.schema, required: ['orderId', 'items'] };
    const ok = (await t.gql(UpdateType, { name: 'order.shipped', input: { schema: stricter, description: 'Shipped, with items' } }, acct.apiKey)).data!.updateEventType;
    expect(ok).toMatchObject({ __typename: 'EventTypeSuccess', eventType: { description: 'Shipped, with items' } });
    const refused = (await t.gql(UpdateType, { name: 'order.shipped', input: { example: { orderId: 'o-2' } } }, acct.apiKey)).data!.updateEventType;
    expect(pathsOf(refused as never)).toEqual(['input.example.items']);
    const missing = (await t.gql(UpdateType, { name: 'order.nope', input: { description: 'x' } }, acct.apiKey)).data!.updateEventType;
    expect(missing.__typename).toBe('NotFoundError');
    // Publishing follows the new schema at once.
    expect(pathsOf((await t.gql(PublishOne, { input: { type: 'order.shipped', data: { orderId: 'x' } } }, acct.apiKey)).data!.publishEvent as never)).toEqual(['input.data.items']);
  });
});

describe('fan-out with filters', () => {
  it('decides 1,000 filtered endpoints in one publish: only the matching ones get a delivery', async () => {
    const acct = await t.newAccount('wide filtered');
    await sql(
      t,
      `INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret, filter)
       SELECT 'ep_' || lpad(g::text, 26, '0'), $1, 'http://127.0.0.1:9/never', 'f' || g, '{message.*}', 'whsec_' || encode(sha256(g::text::bytea), 'base64'),
              jsonb_build_object('data', jsonb_build_object('status', CASE WHEN g % 2 = 0 THEN 'read' ELSE 'failed' END))
       FROM generate_series(1, 1000) AS g`,
      [acct.accountId],
    );
    const [event] = await publishMany(t, acct.apiKey, [
      { type: 'message.read', data: { messageId: 'wamid.w', to: '15551234567', status: 'read', timestamp: '2026-04-11T10:35:40.000Z' } },
    ]);
    // The API shows at most 100 of an event's deliveries: count them all in the table.
    const made = await sql<{ endpoint_id: string }>(t, `SELECT endpoint_id FROM delivery WHERE event_id = $1`, [event!.id]);
    expect(made).toHaveLength(500);
    expect(made.every((d) => Number(d.endpoint_id.slice(3)) % 2 === 0)).toBe(true);
    expect(event!.deliveries).toHaveLength(100);
    await sql(t, `UPDATE endpoint SET status = 'PAUSED' WHERE account_id = $1`, [acct.accountId]);
  });
});

describe('an endpoint without a transformation', () => {
  it("shows its event's payload as every attempt's requestBody, the bytes the receiver got", async () => {
    const acct = await t.newAccount('plain');
    const rx = await receiver();
    const endpoint = await created(acct.apiKey, { url: rx.url, description: 'plain', eventTypes: ['*'] });
    await publish(t, acct.apiKey, messageReceived(1));
    const [req] = await rx.waitFor(1);
    const [delivery] = await endpointDeliveries(t, acct.apiKey, endpoint.id);
    await waitForDelivery(t, acct.apiKey, delivery!.id, (d) => d.status === 'SUCCEEDED');
    expect((await t.gql(AttemptBodies, { id: delivery!.id }, acct.apiKey)).data!.delivery!.attempts[0]!.requestBody).toBe(req!.body);
    expect((await getDelivery(t, acct.apiKey, delivery!.id)).status).toBe('SUCCEEDED');
  });
});
