// Sources (issue 18), over real HTTP on 127.0.0.1 and real Postgres: a WHATSAPP_CLOUD source takes
// Meta's handshake and signed POSTs at its ingest URL, publishes every change of a POST as the
// mapping says, in one transaction, and answers 200 only once they are committed; a SIGNED_HTTP
// source takes any sender signing as endpoints do. Public but bounded: 404 for what is not a
// source, 413, 429 + Retry-After. Every request shows in the source's recent requests. And the
// whole pipe: Meta -> source -> endpoint with a seed's transformation -> the seed's printed receiver.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSourceDocument as CreateSource,
  DeleteSourceDocument as DeleteSource,
  SourceDocument as GetSource,
  SourcesDocument as ListSources,
  UpdateSourceDocument as UpdateSource,
  type CreateSourceInput,
} from '../packages/client/src/generated/graphql.ts';
import { mapWhatsAppWebhook } from '../src/domain/sources/whatsapp-cloud.ts';
import { SOURCE_LIMITS } from '../src/limits.ts';
import { startReceiver as startSeedReceiver } from './seeds/harness.ts';
import { startReceiver, type ReceivedRequest } from './support/receiver.ts';
import { RECIPES } from './seeds/recipes.ts';
import { closeSql, createEndpoint, sql } from './support/api.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { waitUntil } from './support/wait.ts';

const FIXTURES = new URL('./fixtures/meta/', import.meta.url);
const FILES = ['pywa/message.json', 'pywa/message_status.json', 'pywa/callback_button.json', 'pywa/flow_completion.json', 'pywa/template_status_update.json', 'pywa/account_update.json', 'meta-docs/examples.json'];
const APP_SECRET = 'meta-app-secret-0123456789';
const VERIFY_TOKEN = 'verify-me-please';
// Small enough that the rate test empties a bucket quickly, large enough for every other test.
const RATE = { perSecond: 5, burst: 100 };

let t: TestApp;
let key: string;
let accountId: string;
let origin: string;

beforeAll(async () => {
  t = await startTestApp({
    role: 'all',
    env: { HOOKWIRE_SOURCE_RATE_LIMIT: String(RATE.perSecond), HOOKWIRE_SOURCE_RATE_BURST: String(RATE.burst) },
  });
  ({ apiKey: key, accountId } = await t.newAccount('sources'));
  origin = new URL(t.url).origin;
}, 60_000);

afterAll(async () => {
  await closeSql(t);
  await t.stop();
});

async function createSource(input: CreateSourceInput, apiKey = key) {
  const result = await t.gql(CreateSource, { input }, apiKey);
  const created = result.data?.createSource;
  if (created?.__typename !== 'SourceSuccess') throw new Error(`createSource failed: ${JSON.stringify(result)}`);
  return created.source;
}

const whatsappSource = (name = 'Meta', apiKey = key) => createSource({ kind: 'WHATSAPP_CLOUD', name, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN }, apiKey);

const hubSignature = (body: Buffer | string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** POSTs `body` to the ingest URL as Meta does (signed unless told otherwise). */
async function metaPost(url: string, body: Buffer | string, signature: string | null = hubSignature(body)) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const eventsOf = (ids: string[]) =>
  sql<{ type: string; session_id: string | null; data: unknown }>(t, "SELECT type, session_id, data FROM event WHERE account_id = $1 AND data->>'messageId' = ANY($2) ORDER BY id", [accountId, ids]);
const eventCount = async () => (await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [accountId]))[0]!.n;

async function recentRequests(id: string) {
  const result = await t.gql(GetSource, { id, requests: 100 }, key);
  return result.data!.source!.recentRequests;
}

/** A Meta webhook of `n` changes: text messages, each with its own wamid (`tag` keeps them apart between tests). */
function batch(tag: string, n: number, text = (i: number) => `message ${i}`) {
  const changes = Array.from({ length: n }, (_, i) => ({
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: '106540352242922' },
      contacts: [{ profile: { name: 'Ana' }, wa_id: '15551234567' }],
      messages: [{ from: '15551234567', id: `wamid.${tag}.${i}`, timestamp: String(1_700_000_000 + i), type: 'text', text: { body: text(i) } }],
    },
  }));
  const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes }] }));
  return { body, ids: changes.map((c) => c.value.messages[0]!.id) };
}

describe('managing sources', () => {
  it('creates a WhatsApp source with its ingest URL on the API\'s own address, its secrets sealed at rest', async () => {
    const source = await whatsappSource();
    expect(source).toMatchObject({ kind: 'WHATSAPP_CLOUD', name: 'Meta', status: 'ACTIVE', eventType: null, lastError: null });
    expect(source.ingestUrl).toBe(`${origin}/ingest/${source.id}`);
    const [row] = await sql(t, 'SELECT app_secret, verify_token FROM source WHERE id = $1', [source.id]);
    expect(row!.app_secret).toMatch(/^hwsealed:v1:/);
    expect(row!.verify_token).toMatch(/^hwsealed:v1:/);
    expect(JSON.stringify(row)).not.toContain(APP_SECRET);

    const listed = await t.gql(ListSources, { first: 50 }, key);
    expect(listed.data!.sources.edges.map((e) => e.node.id)).toContain(source.id);
    expect(listed.data!.sources.totalCount).toBeGreaterThan(0);
  });

  it('refuses bad input with every problem named, and stores nothing', async () => {
    const before = (await sql(t, 'SELECT count(*)::int AS n FROM source'))[0]!.n;
    const result = await t.gql(CreateSource, { input: { kind: 'WHATSAPP_CLOUD', name: ' ', signingSecret: 'not-for-this-kind-0123' } }, key);
    const refused = result.data!.createSource;
    expect(refused.__typename).toBe('ValidationError');
    const paths = refused.__typename === 'ValidationError' ? refused.fieldErrors.map((e) => e.path.join('.')) : [];
    expect(paths).toEqual(expect.arrayContaining(['input.name', 'input.appSecret', 'input.verifyToken', 'input.signingSecret']));
    const signed = await t.gql(CreateSource, { input: { kind: 'SIGNED_HTTP', name: 'crm', signingSecret: 'short', eventType: 'Not A Type' } }, key);
    expect(signed.data!.createSource.__typename).toBe('ValidationError');
    expect((await sql(t, 'SELECT count(*)::int AS n FROM source'))[0]!.n).toBe(before);
  });

  it('updates and deletes only the account\'s own sources; another account sees none of them', async () => {
    const source = await whatsappSource('to change');
    const other = await t.newAccount('someone else');
    expect((await t.gql(GetSource, { id: source.id }, other.apiKey)).data!.source).toBeNull();
    expect((await t.gql(UpdateSource, { id: source.id, input: { name: 'stolen' } }, other.apiKey)).data!.updateSource.__typename).toBe('NotFoundError');
    expect((await t.gql(DeleteSource, { id: source.id }, other.apiKey)).data!.deleteSource.__typename).toBe('NotFoundError');
    expect((await t.gql(ListSources, {}, other.apiKey)).data!.sources.totalCount).toBe(0);

    const updated = await t.gql(UpdateSource, { id: source.id, input: { name: 'renamed', status: 'PAUSED' } }, key);
    expect(updated.data!.updateSource).toMatchObject({ __typename: 'SourceSuccess', source: { name: 'renamed', status: 'PAUSED' } });
    const deleted = await t.gql(DeleteSource, { id: source.id }, key);
    expect(deleted.data!.deleteSource).toEqual({ __typename: 'DeleteSourceSuccess', id: source.id });
    expect((await t.gql(GetSource, { id: source.id }, key)).data!.source).toBeNull();
    expect((await fetch(source.ingestUrl!, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('needs an API key', async () => {
    const result = await t.gql(ListSources, {}, null);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('WHATSAPP_CLOUD: the handshake', () => {
  it('answers hub.challenge as plain text when the verify token matches, 403 otherwise, and records both', async () => {
    const source = await whatsappSource('handshake');
    const query = (token: string) => `?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const good = await fetch(`${source.ingestUrl}${query(VERIFY_TOKEN)}`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await good.text()).toBe('1158201444');
    const bad = await fetch(`${source.ingestUrl}${query('guess')}`);
    expect(bad.status).toBe(403);
    expect(await bad.text()).not.toContain('1158201444');
    const requests = await recentRequests(source.id);
    expect(requests.map((r) => r.status)).toEqual([403, 200]);
    expect(requests[0]!.error).toMatch(/verify_token/);
    expect(requests[1]!.error).toBeNull();
  });
});

describe('WHATSAPP_CLOUD: signed POSTs', () => {
  it('publishes a POST with a good signature, committed before the 200', async () => {
    const source = await whatsappSource('good signature');
    const { body, ids } = batch('good', 1, () => 'hello from Meta');
    const answer = await metaPost(source.ingestUrl!, body);
    expect(answer.status).toBe(200);
    // Read as soon as the answer came: the events are there already.
    const stored = await eventsOf(ids);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'message.received', session_id: '106540352242922', data: { messageId: ids[0], from: '15551234567', content: { text: 'hello from Meta' } } });
    // Recorded once, by the statement that committed the events (not again after it).
    expect(await recentRequests(source.id)).toEqual([expect.objectContaining({ status: 200, error: null, events: 1 })]);
  });

  it('refuses a wrong, a malformed and a missing signature with 401, publishing nothing', async () => {
    const source = await whatsappSource('bad signature');
    const { body, ids } = batch('bad', 3);
    const before = await eventCount();
    for (const signature of [hubSignature(body, 'another-secret'), 'sha256=nothex', null]) {
      const answer = await metaPost(source.ingestUrl!, body, signature);
      expect(answer.status).toBe(401);
      expect(answer.text).not.toContain(APP_SECRET);
    }
    // A body changed after signing is refused too.
    const tampered = Buffer.from(body.toString().replace('message 0', 'message X'));
    expect((await metaPost(source.ingestUrl!, tampered, hubSignature(body))).status).toBe(401);
    expect(await eventCount()).toBe(before);
    expect(await eventsOf(ids)).toHaveLength(0);
    const requests = await recentRequests(source.id);
    expect(requests.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(requests.map((r) => r.error)).toEqual([
      expect.stringMatching(/does not match/),
      expect.stringMatching(/is missing/),
      expect.stringMatching(/sha256=<64 hex digits>/),
      expect.stringMatching(/does not match/),
    ]);
  });

  it('answers 400 for a signed body that is not a WhatsApp webhook, and says why', async () => {
    const source = await whatsappSource('malformed');
    const body = JSON.stringify({ object: 'page', entry: 'nope' });
    const answer = await metaPost(source.ingestUrl!, body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error).toMatch(/entry/);
  });

  it('turns every row of the mapping on Meta\'s example payloads into the events the mapping table says', async () => {
    const source = await whatsappSource('fixtures');
    const bodies = FILES.flatMap((file) =>
      Object.values(JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Record<string, unknown>).map((p) => Buffer.from(JSON.stringify(p))),
    );
    // One POST of three changes as Meta sends it, bytes as they are in the file (a reaction among them).
    bodies.push(readFileSync(new URL('piusalfred/multiple_change_values.json', FIXTURES)));
    const expected = new Map<string, { type: string; sessionId: string | null; data: unknown }>();
    const mapped = new Set<string>();
    for (const body of bodies) {
      for (const e of mapWhatsAppWebhook(body).events) {
        mapped.add(e.type);
        if (!expected.has(e.idempotencyKey!)) expected.set(e.idempotencyKey!, { type: e.type, sessionId: e.sessionId ?? null, data: e.data });
      }
    }
    const before = await eventCount();
    for (const body of bodies) expect((await metaPost(source.ingestUrl!, body)).status).toBe(200);
    expect(await eventCount()).toBe(before + expected.size);
    const stored = await sql<{ key: string; type: string; session_id: string | null; data: unknown }>(
      t,
      'SELECT k.key, e.type, e.session_id, e.data FROM idempotency_key k JOIN event e ON e.id = k.event_id WHERE k.account_id = $1 AND k.key = ANY($2)',
      [accountId, [...expected.keys()]],
    );
    expect(stored).toHaveLength(expected.size);
    for (const row of stored) expect({ type: row.type, sessionId: row.session_id, data: row.data }).toEqual(expected.get(row.key));
    // Every row of the README's table, and a field the family does not list, came out of Meta's examples.
    for (const type of ['message.received', 'message.reaction', 'message.sent', 'message.delivered', 'message.read', 'message.failed', 'template.status', 'whatsapp.messages', 'whatsapp.account_update', 'whatsapp.business_capability_update']) {
      expect(mapped).toContain(type);
    }
    // pywa's examples reuse one wamid for several messages: a repeated key is the first event stored with it.
    expect(new Set(stored.map((r) => r.type))).toContain('message.reaction');
    // The session is the phone number id; Meta's ids are kept.
    const failed = stored.find((r) => r.type === 'message.failed')!;
    expect((failed.data as { messageId: string }).messageId).toMatch(/^wamid\./);
    expect(failed.session_id).toMatch(/^\d+$/);
  });

  it('makes one event of a redelivered POST (Meta\'s ids are the idempotency keys)', async () => {
    const source = await whatsappSource('redelivery');
    const { body, ids } = batch('again', 5);
    expect((await metaPost(source.ingestUrl!, body)).status).toBe(200);
    const before = await eventCount();
    const again = await metaPost(source.ingestUrl!, body);
    expect(again.status).toBe(200);
    expect(await eventCount()).toBe(before);
    expect(await eventsOf(ids)).toHaveLength(5);
  });

  it('publishes a batch of 100 changes in one transaction', async () => {
    const source = await whatsappSource('hundred');
    const { body, ids } = batch('hundred', 100);
    const answer = await metaPost(source.ingestUrl!, body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ events: 100 });
    // One transaction: one commit time for all of them (transaction_timestamp), and one publish moment.
    const [row] = await sql<{ n: number; moments: number; xmins: number }>(
      t,
      "SELECT count(*)::int AS n, count(DISTINCT created_at)::int AS moments, count(DISTINCT xmin::text)::int AS xmins FROM event WHERE account_id = $1 AND data->>'messageId' = ANY($2)",
      [accountId, ids],
    );
    expect(row).toEqual({ n: 100, moments: 1, xmins: 1 });
  });
});

describe('WHATSAPP_CLOUD: a crash between receipt and commit', () => {
  // A trigger on this test's own database fails the insert of one chosen message, as a database
  // that dies mid-commit would: the whole POST must fail, with nothing of it stored.
  beforeAll(async () => {
    await sql(t, `CREATE FUNCTION test_crash() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.data->'content'->>'text' = 'CRASH' THEN RAISE EXCEPTION 'injected crash'; END IF; RETURN NEW; END $$`);
    await sql(t, 'CREATE TRIGGER test_crash BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION test_crash()');
  });
  afterAll(async () => {
    await sql(t, 'DROP TRIGGER IF EXISTS test_crash ON event');
  });

  for (const n of [100, 2_500]) {
    it(`answers no 200 and stores nothing of a ${n}-change POST, and Meta's retry then lands all of it`, async () => {
      const source = await whatsappSource(`crash ${n}`);
      // The crash hits a change near the end: past the first 1,000 for the larger POST (its last chunk).
      const { body, ids } = batch(`crash${n}`, n, (i) => (i === n - 10 ? 'CRASH' : `message ${i}`));
      const answer = await metaPost(source.ingestUrl!, body);
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(await eventsOf(ids)).toHaveLength(0);
      const [keys] = await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM idempotency_key WHERE account_id = $1 AND key = ANY($2)', [accountId, ids.map((id) => `wa:message:${id}`)]);
      expect(keys!.n).toBe(0);
      expect((await recentRequests(source.id))[0]).toMatchObject({ status: answer.status, events: 0, error: expect.stringMatching(/nothing was stored/) });

      // Meta retries the same POST; the database is fine again by then.
      await sql(t, 'ALTER TABLE event DISABLE TRIGGER test_crash');
      try {
        expect((await metaPost(source.ingestUrl!, body)).status).toBe(200);
      } finally {
        await sql(t, 'ALTER TABLE event ENABLE TRIGGER test_crash');
      }
      expect(await eventsOf(ids)).toHaveLength(n);
    }, 60_000);
  }
});

describe('WHATSAPP_CLOUD: a deadlock', () => {
  it('publishes again after a deadlock rolled the POST back, and answers 200 with every event once', async () => {
    // The first insert of the chosen message fails as a deadlock victim would (40P01), once: a
    // sequence counts the tries, as it is not rolled back with them.
    await sql(t, 'CREATE SEQUENCE test_deadlock_tries');
    await sql(t, `CREATE FUNCTION test_deadlock() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.data->'content'->>'text' = 'DEADLOCK' AND nextval('test_deadlock_tries') = 1 THEN
          RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01';
        END IF;
        RETURN NEW;
      END $$`);
    await sql(t, 'CREATE TRIGGER test_deadlock BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION test_deadlock()');
    try {
      const source = await whatsappSource('deadlock');
      const { body, ids } = batch('deadlock', 50, (i) => (i === 25 ? 'DEADLOCK' : `message ${i}`));
      const answer = await metaPost(source.ingestUrl!, body);
      expect(answer.status).toBe(200);
      expect(await eventsOf(ids)).toHaveLength(50);
      // Tried twice: the deadlocked statement, then the one that committed.
      expect((await sql(t, 'SELECT last_value::int AS n FROM test_deadlock_tries'))[0]!.n).toBe(2);
    } finally {
      await sql(t, 'DROP TRIGGER IF EXISTS test_deadlock ON event');
    }
  });
});

describe('SIGNED_HTTP', () => {
  it('takes a Standard Webhooks POST as one event of its type, deduplicated by webhook-id', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const source = await createSource({ kind: 'SIGNED_HTTP', name: 'gateway', signingSecret: secret, eventType: 'message.received' });
    const data = { messageId: 'gw-1', from: '15551234567', messageType: 'text', content: { text: 'from the gateway' }, timestamp: '2026-12-02T00:00:00.000Z' };
    const body = JSON.stringify(data);
    const sign = (msgId: string) => new Webhook(secret).sign(msgId, new Date(), body);
    const post = (headers: Record<string, string>) => fetch(source.ingestUrl!, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const now = String(Math.floor(Date.now() / 1000));
    const good = await post({ 'webhook-id': 'msg_1', 'webhook-timestamp': now, 'webhook-signature': sign('msg_1') });
    expect(good.status).toBe(200);
    expect(await eventsOf(['gw-1'])).toMatchObject([{ type: 'message.received', data }]);
    // The sender's retry carries the same webhook-id: still one event.
    expect((await post({ 'webhook-id': 'msg_1', 'webhook-timestamp': now, 'webhook-signature': sign('msg_1') })).status).toBe(200);
    expect(await eventsOf(['gw-1'])).toHaveLength(1);
    expect((await post({ 'webhook-id': 'msg_2', 'webhook-timestamp': now, 'webhook-signature': sign('msg_1') })).status).toBe(401);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await post({ 'webhook-id': 'msg_3', 'webhook-timestamp': old, 'webhook-signature': new Webhook(secret).sign('msg_3', new Date(Number(old) * 1000), body) })).status).toBe(401);
  });

  it('takes a hex-signed body that names its own event, and refuses one the catalog refuses', async () => {
    const secret = 'crm-shared-secret-0123';
    const source = await createSource({ kind: 'SIGNED_HTTP', name: 'crm', signingSecret: secret, signatureHeader: { name: 'x-crm-signature', format: 'HEX' } });
    const post = (payload: unknown, key = secret) => {
      const body = JSON.stringify(payload);
      return fetch(source.ingestUrl!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': createHmac('sha256', key).update(body).digest('hex') }, body });
    };
    const event = { type: 'form.submitted', sessionId: 'crm-1', idempotencyKey: 'form-77', data: { formId: 'f1', from: '15551234567', fields: { name: 'Ana' }, timestamp: '2026-12-02T00:00:00.000Z' } };
    expect((await post(event)).status).toBe(200);
    const [stored] = await sql(t, "SELECT type, session_id FROM event WHERE account_id = $1 AND data->>'formId' = 'f1'", [accountId]);
    expect(stored).toEqual({ type: 'form.submitted', session_id: 'crm-1' });
    expect((await post(event, 'wrong-secret-0123456')).status).toBe(401);
    const refused = await post({ type: 'message.received', data: { nothing: true } });
    expect(refused.status).toBe(400);
    // No eventType on the source: a body must name its own.
    expect((await post({ formId: 'f2' })).status).toBe(400);
  });
});

describe('the ingest URL is public but bounded', () => {
  it('answers 404 alike for a malformed id, an unknown one and a deleted source, telling nothing', async () => {
    const other = await t.newAccount('deleted source owner');
    const gone = await whatsappSource('gone', other.apiKey);
    await t.gql(DeleteSource, { id: gone.id }, other.apiKey);
    const answers = await Promise.all(
      [`${origin}/ingest/nope`, `${origin}/ingest/src_00000000000000000000000000`, gone.ingestUrl!, `${origin}/ingest/`].map(async (url) => {
        const response = await fetch(url, { method: 'POST', headers: { 'x-hub-signature-256': hubSignature('{}') }, body: '{}' });
        return { status: response.status, body: await response.text() };
      }),
    );
    for (const answer of answers) expect(answer).toEqual({ status: 404, body: '{"error":"not found"}' });
  });

  it(`refuses a body over ${SOURCE_LIMITS.ingestBodyMaxBytes} bytes with 413 before reading it`, async () => {
    const source = await whatsappSource('big');
    const url = new URL(source.ingestUrl!);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': String(SOURCE_LIMITS.ingestBodyMaxBytes + 1) } }, (res) => {
        resolve(res.statusCode!);
        res.resume();
        req.destroy();
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
    expect((await recentRequests(source.id))[0]).toMatchObject({ status: 413, error: expect.stringMatching(/at most/) });
    // Meta's largest, 3 MB, is taken.
    const { body } = batch('large', 1, () => 'x'.repeat(3 * 1024 * 1024));
    expect((await metaPost(source.ingestUrl!, body)).status).not.toBe(413);
  });

  it('holds a source to its rate with 429 and Retry-After; another source keeps its own budget', async () => {
    const flooded = await whatsappSource('flooded');
    const calm = await whatsappSource('calm');
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: RATE.burst + 40 }, () => fetch(`${flooded.ingestUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)));
    const seconds = (performance.now() - started) / 1000;
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // The budget while the flood was answered: the burst, and what refilled meanwhile.
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(RATE.burst + Math.ceil(RATE.perSecond * seconds) + 1);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${calm.ingestUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=2`)).status).toBe(200);
    const requests = await recentRequests(flooded.id);
    expect(requests.length).toBeLessThanOrEqual(SOURCE_LIMITS.recentRequestsMax + 2);
    expect(requests.some((r) => r.status === 429 && /too many requests/.test(r.error ?? ''))).toBe(true);
  });

  it('answers 503 with Retry-After while the source is paused, publishing nothing', async () => {
    const source = await whatsappSource('paused');
    await t.gql(UpdateSource, { id: source.id, input: { status: 'PAUSED' } }, key);
    const { body, ids } = batch('paused', 2);
    const answer = await metaPost(source.ingestUrl!, body);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('60');
    expect(await eventsOf(ids)).toHaveLength(0);
  });
});

describe('the whole pipe', () => {
  it('Meta -> source -> endpoint with seed 001\'s transformation -> seed 001\'s printed Express receiver', async () => {
    const recipe = RECIPES.find((r) => r.seed.startsWith('001'))!;
    const receiver = recipe.receivers.find((r) => r.language === 'typescript')!;
    const running = await startSeedReceiver(receiver, recipe.endpoint.signingSecret!);
    try {
      const { signatureHeader, transformation, eventTypes, signingSecret } = recipe.endpoint;
      await createEndpoint(t, key, {
        url: running.url,
        description: 'WAHooks receiver',
        eventTypes,
        signingSecret,
        signatureHeader: { name: signatureHeader.name, format: signatureHeader.format, timestampHeader: signatureHeader.timestampHeader },
        transformation,
        retrySchedule: [600],
      });
      const source = await whatsappSource('pipe');
      const text = `hello through the pipe ${randomBytes(4).toString('hex')}`;
      const { body, ids } = batch('pipe', 1, () => text);
      expect((await metaPost(source.ingestUrl!, body)).status).toBe(200);
      // The receiver verified the signature (else it answers 401) and printed the message it parsed.
      await waitUntil('the seed receiver printed the message', async () => running.output().includes(`Received message: ${text}`), 30_000, 50);
      await waitUntil('the delivery succeeded', async () => {
        const [row] = await sql(t, "SELECT d.status FROM delivery d JOIN event e ON e.id = d.event_id WHERE e.data->>'messageId' = $1", [ids[0]]);
        return row?.status === 'SUCCEEDED';
      }, 20_000);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('Meta -> source -> endpoint with seed 003\'s transformation -> the reads of seed 003\'s ASP.NET controller', async () => {
    // The controller cannot run here (no .NET); this receiver makes its reads, step by step as
    // printed: HMAC-SHA256 of the raw body with CallbackSecret, "sha256=" stripped, compared
    // ignoring case (401 otherwise), then event, message.from, message.messageType, message.content.text.
    const recipe = RECIPES.find((r) => r.seed.startsWith('003'))!;
    const callbackSecret = recipe.endpoint.signingSecret!;
    const read: Array<{ event: string; from: string; type: string; text: string }> = [];
    const controller = (request: ReceivedRequest) => {
      const provided = String(request.headers['x-webhook-signature'] ?? '').replace('sha256=', '');
      const expected = createHmac('sha256', Buffer.from(callbackSecret, 'utf8')).update(Buffer.from(request.body, 'utf8')).digest('hex');
      if (expected.toLowerCase() !== provided.toLowerCase()) return { status: 401, body: 'Invalid signature.' };
      const root = JSON.parse(request.body);
      if (root.event === 'message.received') read.push({ event: root.event, from: root.message.from, type: root.message.messageType, text: root.message.content.text });
      return { status: 200 };
    };
    const receiver = await startReceiver(controller);
    try {
      const { signatureHeader, transformation, eventTypes } = recipe.endpoint;
      await createEndpoint(t, key, {
        url: receiver.url,
        description: 'WaConnect controller',
        eventTypes,
        signingSecret: callbackSecret,
        signatureHeader: { name: signatureHeader.name, format: signatureHeader.format, timestampHeader: signatureHeader.timestampHeader },
        transformation,
        retrySchedule: [600],
      });
      const source = await whatsappSource('pipe 003');
      const text = `hello WaConnect ${randomBytes(4).toString('hex')}`;
      expect((await metaPost(source.ingestUrl!, batch('pipe003', 1, () => text).body)).status).toBe(200);
      await waitUntil('the controller read the message', async () => read.some((r) => r.text === text), 30_000, 50);
      expect(read.find((r) => r.text === text)).toEqual({ event: 'message.received', from: '15551234567', type: 'text', text });
      expect(receiver.requests.every((r) => r.headers['x-webhook-event'] === 'message.received')).toBe(true);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
