// Tenant isolation, proved for every root field the schema has, found by introspection: a new
// query, mutation or subscription is walked the day it is added, without anyone writing a test for
// it. Bob calls each root field with Alice's ids in every ID argument (and anonymous callers call
// each query); no response may carry anything of Alice's (ids, URL, secret, data), and after every
// mutation Alice's rows are exactly as they were. Bob is played twice: by his own key, and by the
// deployment's admin key acting for him (Hookwire-Account, issue 17), which must be exactly his
// key. Alice calling the same documents sees her own data, so the probes are known to reach it.
import { buildClientSchema, getIntrospectionQuery, getNamedType, isInputObjectType, isNonNullType, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/db/ids.ts';
import { CHANNELS } from '../src/domain/notify.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { closeSql, createEndpoint, messageReceived, publishMany, pauseEndpoint, sql } from './support/api.ts';
import { sleep, waitUntil } from './support/wait.ts';
import { document as walkDocument, rootFields as walkRootFields, value as walkValue, variables as walkVariables } from './support/schema-walk.ts';

/** Root fields that hold no account data at all. (eventTypes holds the account's own types.) */
const NO_ACCOUNT_DATA = new Set<string>();

/** Alice's own event type: every argument naming a type names it, so Bob's probes aim at it. */
const ALICE_TYPE = 'alice.private';

let t: TestApp;
let schema: GraphQLSchema;
let alice: { key: string; accountId: string };
let bob: { key: string; accountId: string };
/** Bob's two faces: his key, and the admin key acting for him. */
let bobs: Array<[string, As]>;
/** Alice's ids by prefix, and every string that would show her data leaked. */
const aliceIds: string[] = [];
const markers: string[] = [];

/** A caller: a key, and the account the admin key acts for (Hookwire-Account). */
type As = string | null | { key: string; account: string };

async function post(query: string, variables: Record<string, unknown>, as: As) {
  const key = typeof as === 'object' && as !== null ? as.key : as;
  const account: Record<string, string> = typeof as === 'object' && as !== null ? { 'hookwire-account': as.account } : {};
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...account },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

/**
 * Alice's markers found in a response. The id a probe passed may come back inside an error's
 * message ("API key \"key_…\" was not found"): that echoes the caller's own input and shows nothing.
 */
function leaks(text: string, probeId = ''): string[] {
  const withoutMessages = probeId ? JSON.stringify(JSON.parse(text), (key, v) => (key === 'message' ? undefined : v)) : text;
  return markers.filter((marker) => (marker === probeId ? withoutMessages : text).includes(marker));
}

/** A probe the API refused to run (a document that does not validate, or past the limits) tested nothing. */
const NOT_RUN = /^(GRAPHQL_VALIDATION_FAILED|GRAPHQL_PARSE_FAILED|QUERY_|TOO_MANY)/;

const strings = { eventType: ALICE_TYPE, text: 'x' };
const value = (type: Parameters<typeof walkValue>[0], id: string, name: string) => walkValue(type, id, name, strings);
const variables = (field: Parameters<typeof walkVariables>[0], id: string) => walkVariables(field, id, strings);
const document = (operation: 'query' | 'mutation' | 'subscription', field: Parameters<typeof walkVariables>[0]) =>
  walkDocument(schema, operation, field, variables(field, aliceIds[1]!));

/** Alice's rows, as they must stay whatever Bob does. */
async function aliceState(): Promise<string> {
  const account = [alice.accountId];
  const rows = await Promise.all([
    sql(t, 'SELECT id, url, description, event_types, status, signing_secret, retired_secrets, headers, paused_at FROM endpoint WHERE account_id = $1 ORDER BY id', account),
    sql(t, 'SELECT id, type, payload FROM event WHERE account_id = $1 ORDER BY id', account),
    sql(t, 'SELECT id, status, attempt_count, next_attempt_at FROM delivery WHERE account_id = $1 ORDER BY id', account),
    sql(t, 'SELECT a.id, a.outcome FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.account_id = $1 ORDER BY a.id', account),
    sql(t, 'SELECT id, name, revoked_at FROM api_key WHERE account_id = $1 ORDER BY id', account),
    sql(t, 'SELECT id, name FROM account WHERE id = $1', account),
    sql(t, 'SELECT name, description, schema, example, archived_at FROM event_type WHERE account_id = $1 ORDER BY name', account),
  ]);
  return JSON.stringify(rows);
}

beforeAll(async () => {
  // No rate limits: the walk makes a few hundred requests with one key, and as many anonymous ones.
  t = await startTestApp({ env: { HOOKWIRE_API_RATE_LIMIT: '0', HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0' } });
  const a = await t.newAccount('alice');
  const b = await t.newAccount('bob');
  alice = { key: a.apiKey, accountId: a.accountId };
  bob = { key: b.apiKey, accountId: b.accountId };
  bobs = [
    ['Bob', bob.key],
    ['the admin key for Bob', { key: ADMIN_KEY, account: bob.accountId }],
  ];
  const endpoint = await createEndpoint(t, alice.key, {
    url: 'http://127.0.0.1:9/alice-only-endpoint',
    description: 'alice-private-description',
    eventTypes: ['*'],
    headers: { 'X-Alice-Token': 'alice-header-secret' },
  });
  const created = await t.gql(
    `mutation AliceType($input: CreateEventTypeInput!) { createEventType(input: $input) { __typename } }`,
    { input: { name: ALICE_TYPE, description: 'alice-type-description', schema: { type: 'object' }, example: { note: 'alice-type-example' } } },
    alice.key,
  );
  expect(created.data).toEqual({ createEventType: { __typename: 'EventTypeSuccess' } });
  const events = await publishMany(t, alice.key, [messageReceived(1, { sessionId: 'alice-session' }), messageReceived(2)]);
  const deliveryId = events[0]!.deliveries[0]!.id;
  const attemptId = newId('DeliveryAttempt');
  await sql(
    t,
    `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, response_status, response_body, will_retry)
     VALUES ($1, $2, 1, 'HTTP_ERROR', now(), 5, '{}', 500, 'alice-response-body', true)`,
    [attemptId, deliveryId],
  );
  const [key] = await sql<{ id: string; key_prefix: string }>(t, 'SELECT id, key_prefix FROM api_key WHERE account_id = $1', [alice.accountId]);
  const source = await t.gql(
    `mutation AliceSource($input: CreateSourceInput!) { createSource(input: $input) { ... on SourceSuccess { source { id } } } }`,
    { input: { kind: 'WHATSAPP_CLOUD', name: 'alice-source-name', appSecret: 'alice-app-secret', verifyToken: 'alice-verify-token' } },
    alice.key,
  );
  const sourceId = (source.data as { createSource: { source: { id: string } } }).createSource.source.id;
  await sql(t, `INSERT INTO source_request (source_id, received_at, status, error, events) VALUES ($1, now(), 401, 'alice-refused-request', 0)`, [sourceId]);
  aliceIds.push(alice.accountId, endpoint.id, events[0]!.id, events[1]!.id, deliveryId, attemptId, key!.id, sourceId);
  markers.push(...aliceIds, 'alice-source-name', 'alice-app-secret', 'alice-verify-token', 'alice-refused-request', endpoint.signingSecret, 'alice-only-endpoint', 'alice-private-description', 'alice-header-secret', 'alice-session', 'wamid.test.1', 'alice-response-body', key!.key_prefix, 'alice-type-description', 'alice-type-example');
  const introspection = await post(getIntrospectionQuery(), {}, bob.key);
  schema = buildClientSchema(introspection.body.data as IntrospectionQuery);
}, 60_000);

afterAll(async () => {
  await closeSql(t);
  await t?.stop();
});

const rootFields = (name: 'Query' | 'Mutation' | 'Subscription') => walkRootFields(schema, name);

describe('every root field, walked by introspection', () => {
  it('finds the root fields (a walk of nothing proves nothing)', () => {
    expect(rootFields('Query').length).toBeGreaterThanOrEqual(10);
    expect(rootFields('Mutation').length).toBeGreaterThanOrEqual(14);
    expect(rootFields('Subscription').length).toBeGreaterThanOrEqual(2);
  });

  it("never shows Bob anything of Alice's through a query, whatever id he passes", async () => {
    const reached: string[] = [];
    for (const field of rootFields('Query')) {
      const query = document('query', field);
      const ids = field.args.length > 0 ? aliceIds : [''];
      let aliceSawHers = false;
      for (const id of ids) {
        const vars = variables(field, id);
        for (const [who, as] of bobs) {
          const asBob = await post(query, vars, as);
          expect(leaks(asBob.text, id), `${field.name}(${id}) as ${who}: ${asBob.text.slice(0, 300)}`).toEqual([]);
          expect(asBob.status, `${field.name}(${id}) as ${who}: ${asBob.text.slice(0, 300)}`).toBeLessThan(500);
          expect(asBob.body.errors?.[0]?.extensions?.code ?? '', `${field.name}: ${asBob.text.slice(0, 300)}`).not.toMatch(NOT_RUN);
        }
        const anonymous = await post(query, vars, null);
        expect(leaks(anonymous.text, id), `${field.name}(${id}) anonymous`).toEqual([]);
        const asAlice = await post(query, vars, alice.key);
        // The account management fields are the admin key's (as itself): it is their control.
        const asAdmin = await post(query, vars, ADMIN_KEY);
        aliceSawHers ||= leaks(asAlice.text).length > 0 || leaks(asAdmin.text).length > 0;
      }
      if (!NO_ACCOUNT_DATA.has(field.name)) {
        expect(aliceSawHers, `Alice sees none of her own data through ${field.name}: the probe reaches nothing`).toBe(true);
      }
      reached.push(field.name);
    }
    console.log(`queries walked: ${reached.join(', ')}`);
  }, 120_000);

  it("never lets Bob change or see anything of Alice's through a mutation", async () => {
    const before = await aliceState();
    const reached: string[] = [];
    for (const field of rootFields('Mutation')) {
      const mutation = document('mutation', field);
      for (const id of field.args.some((arg) => /ID/.test(arg.type.toString()) || isInputObjectType(getNamedType(arg.type))) ? aliceIds : ['']) {
        for (const [who, as] of bobs) {
          const result = await post(mutation, variables(field, id), as);
          expect(leaks(result.text, id), `${field.name}(${id}) as ${who}: ${result.text.slice(0, 300)}`).toEqual([]);
          expect(result.status, `${field.name}(${id}) as ${who}: ${result.text.slice(0, 300)}`).toBeLessThan(500);
          expect(result.body.errors?.[0]?.extensions?.code ?? '', `${field.name}: ${result.text.slice(0, 300)}`).not.toMatch(NOT_RUN);
        }
        const anonymous = await post(mutation, variables(field, id), null);
        expect(leaks(anonymous.text, id), `${field.name}(${id}) anonymous`).toEqual([]);
      }
      reached.push(field.name);
    }
    expect(await aliceState()).toBe(before);
    console.log(`mutations walked: ${reached.join(', ')}`);
  }, 120_000);

  it("never sends Bob a notice of Alice's through a subscription, even filtered by her ids", async () => {
    const fields = rootFields('Subscription');
    const heardByBob: unknown[] = [];
    const heardByAlice: unknown[] = [];
    const clients = [
      t.wsClient({ authorization: `Bearer ${bob.key}` }),
      t.wsClient({ authorization: `Bearer ${alice.key}` }),
      t.wsClient({ authorization: `Bearer ${ADMIN_KEY}`, 'hookwire-account': bob.accountId }),
    ];
    const stops: Array<() => void> = [];
    for (const field of fields) {
      const query = document('subscription', field);
      for (const id of field.args.length > 0 ? aliceIds : ['']) {
        for (const client of [clients[0]!, clients[2]!]) {
          stops.push(client.subscribe({ query, variables: variables(field, id) }, { next: (v) => heardByBob.push(v), error: (e) => heardByBob.push({ error: e }), complete: () => {} }));
        }
      }
      // Alice's own subscription, without filters, is the control.
      const unfiltered = Object.fromEntries(field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, value(a.type, aliceIds[1]!, a.name)]));
      stops.push(clients[1]!.subscribe({ query, variables: unfiltered }, { next: (v) => heardByAlice.push(v), error: (e) => heardByAlice.push({ error: e }), complete: () => {} }));
    }
    // Each is registered, or was refused at once (signedRequestSent checks its endpoint first).
    const isRefusal = (h: unknown) => (h as { error?: unknown }).error !== undefined || (h as { data?: unknown }).data == null;
    const refused = () => [...heardByBob, ...heardByAlice].filter(isRefusal).length;
    await waitUntil('every subscription registered or refused', () => t.app.notifications!.listenerCount + refused() >= stops.length, 10_000);
    // Alice's activity: an attempt notice (as the engine sends it) and a status change.
    const [attempt] = await sql<{ id: string; delivery_id: string }>(t, 'SELECT a.id, a.delivery_id FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.account_id = $1', [alice.accountId]);
    const [delivery] = await sql<{ endpoint_id: string; event_type: string }>(t, 'SELECT endpoint_id, event_type FROM delivery WHERE id = $1', [attempt!.delivery_id]);
    const notice = { accountId: alice.accountId, attemptId: attempt!.id, deliveryId: attempt!.delivery_id, endpointId: delivery!.endpoint_id, eventType: delivery!.event_type };
    await sql(t, 'SELECT pg_notify($1, $2)', [CHANNELS.attempt, JSON.stringify(notice)]);
    await pauseEndpoint(t, alice.key, delivery!.endpoint_id);
    await waitUntil('Alice hears her own notices', () => heardByAlice.length >= fields.length, 10_000);
    await sleep(500);
    for (const stop of stops) stop();
    expect(leaks(JSON.stringify(heardByAlice)).length).toBeGreaterThan(0);
    // A refusal's message echoes the id Bob passed ("No endpoint ep_… in this account"): that shows nothing.
    const bobHeard = JSON.stringify(heardByBob.map((h) => (isRefusal(h) ? JSON.parse(JSON.stringify(h), (k, v) => (k === 'message' ? undefined : v)) : h)));
    expect(leaks(bobHeard), bobHeard.slice(0, 500)).toEqual([]);
  }, 60_000);
});
