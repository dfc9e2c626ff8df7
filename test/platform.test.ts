// Hookwire for platforms (issue 17) as a platform meets it: one admin key manages its customers'
// accounts (externalId, metadata, status; listed, searched, found, updated, disabled, deleted in
// the background) and acts for any one of them with Hookwire-Account, exactly as that account's
// key would; and a revocation (a key revoked, an account disabled) closes the graphql-ws sockets
// holding it at once, in every API process, with 4403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { closeSql, createEndpoint, gqlOverHttp, messageReceived, publish, sql, waitForDelivery, type HttpAnswer } from './support/api.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';

let database: TestDatabase;
/** API and worker in one process. */
let a: TestApp;
/** A second API process on the same database. */
let b: TestApp;
let receiver: Receiver;

beforeAll(async () => {
  database = await createTestDatabase();
  const env = { HOOKWIRE_API_RATE_LIMIT: '0', HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0' };
  a = await startTestApp({ database, role: 'all', env });
  b = await startTestApp({ database, env });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await closeSql(a);
  await b?.stop();
  await a?.stop();
  await database?.drop();
});

/** One GraphQL request over HTTP with a key (the admin key by default) and, when given, Hookwire-Account. */
const gql = (app: TestApp, query: string, variables: Record<string, unknown> = {}, key: string | null = ADMIN_KEY, account?: string): Promise<HttpAnswer> =>
  gqlOverHttp(app, query, variables, key, account);

const CREATE_ACCOUNT = `mutation ($name: String!, $externalId: String, $metadata: JSON) {
  createAccount(name: $name, externalId: $externalId, metadata: $metadata) {
    __typename
    ... on CreateAccountSuccess { apiKey account { id name externalId metadata status } }
    ... on ValidationError { message fieldErrors { path message } }
  }
}`;

async function createCustomer(name: string, externalId: string, metadata?: unknown): Promise<{ id: string; apiKey: string }> {
  const answer = await gql(a, CREATE_ACCOUNT, { name, externalId, metadata });
  const result = answer.data?.createAccount;
  if (result?.__typename !== 'CreateAccountSuccess') throw new Error(JSON.stringify(answer));
  return { id: result.account.id, apiKey: result.apiKey };
}

const ACCOUNT_RESULT = `__typename
  ... on AccountSuccess { account { id name externalId metadata status } }
  ... on Error { message }
  ... on ValidationError { fieldErrors { path message } }`;

const unique = () => Math.random().toString(36).slice(2, 10);

describe('accounts under the admin key', () => {
  it('creates an account with the platform\'s externalId and metadata, idempotently on the externalId', async () => {
    const externalId = `customer-${unique()}`;
    const first = await gql(a, CREATE_ACCOUNT, { name: 'Acme', externalId, metadata: { plan: 'pro', seats: 12 } });
    expect(first.data?.createAccount).toMatchObject({
      __typename: 'CreateAccountSuccess',
      account: { name: 'Acme', externalId, metadata: { plan: 'pro', seats: 12 }, status: 'ACTIVE' },
    });
    // A retry of the same call (a timeout on the platform's side) returns the same customer, with a key that works.
    const again = await gql(a, CREATE_ACCOUNT, { name: 'Acme (retry)', externalId });
    expect(again.data?.createAccount.account.id).toBe(first.data?.createAccount.account.id);
    expect(again.data?.createAccount.account.name).toBe('Acme');
    const viewer = await gql(a, '{ viewer { id externalId } }', {}, again.data?.createAccount.apiKey);
    expect(viewer.data?.viewer).toEqual({ id: first.data?.createAccount.account.id, externalId });
    // Two at once with a new externalId: one account.
    const raced = `customer-${unique()}`;
    const both = await Promise.all([gql(a, CREATE_ACCOUNT, { name: 'R', externalId: raced }), gql(b, CREATE_ACCOUNT, { name: 'R', externalId: raced })]);
    expect(new Set(both.map((answer) => answer.data?.createAccount.account.id)).size).toBe(1);
  });

  it('refuses a bad externalId or oversized metadata with a ValidationError and stores nothing', async () => {
    const before = await sql<{ n: number }>(a, 'SELECT count(*)::int AS n FROM account');
    for (const [externalId, metadata, path] of [
      ['', undefined, 'externalId'],
      ['x'.repeat(129), undefined, 'externalId'],
      ['has space', undefined, 'externalId'],
      ['ok-id', { blob: 'x'.repeat(20_000) }, 'metadata'],
    ] as const) {
      const answer = await gql(a, CREATE_ACCOUNT, { name: 'Bad', externalId, metadata });
      expect(answer.data?.createAccount, String(externalId).slice(0, 20)).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: [path] }] });
    }
    expect(await sql(a, 'SELECT count(*)::int AS n FROM account')).toEqual(before);
  });

  it('lists accounts newest first as a Relay connection, searched by name or externalId and filtered by status', async () => {
    const tag = unique();
    const made = [];
    for (const n of [1, 2, 3]) made.push(await createCustomer(`Shop ${tag} ${n}`, `shop-${tag}-${n}`));
    const LIST = `query ($search: String, $status: AccountStatus, $first: Int, $after: String) {
      accounts(search: $search, status: $status, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id name externalId status } }
      }
    }`;
    const page1 = await gql(a, LIST, { search: `SHOP ${tag}`, first: 2 });
    expect(page1.data?.accounts.totalCount).toBe(3);
    expect(page1.data?.accounts.edges.map((e: any) => e.node.id)).toEqual([made[2]!.id, made[1]!.id]);
    const page2 = await gql(a, LIST, { search: `shop ${tag}`, first: 2, after: page1.data?.accounts.pageInfo.endCursor });
    expect(page2.data?.accounts.edges.map((e: any) => e.node.id)).toEqual([made[0]!.id]);
    expect(page2.data?.accounts.pageInfo.hasNextPage).toBe(false);
    // By externalId too.
    const byExternal = await gql(a, LIST, { search: `shop-${tag}-2` });
    expect(byExternal.data?.accounts.edges.map((e: any) => e.node.id)).toEqual([made[1]!.id]);
    await gql(a, `mutation ($id: ID!) { disableAccount(id: $id) { ${ACCOUNT_RESULT} } }`, { id: made[0]!.id });
    const disabled = await gql(a, LIST, { search: tag, status: 'DISABLED' });
    expect(disabled.data?.accounts.edges.map((e: any) => e.node.id)).toEqual([made[0]!.id]);
    // An account key may not list accounts.
    const refused = await gql(a, LIST, {}, made[1]!.apiKey);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('counts each listed account\'s endpoints and failing endpoints (one grouped query for the page)', async () => {
    const tag = unique();
    const busy = await createCustomer('Busy', `busy-${tag}`);
    const calm = await createCustomer('Calm', `calm-${tag}`);
    const ids = [];
    for (const n of [1, 2, 3]) ids.push((await createEndpoint(a, busy.apiKey, { url: `${receiver.url}/busy-${n}`, eventTypes: ['*'], description: 'platform test' })).id);
    await sql(a, 'UPDATE endpoint SET failing_notified_at = now(), consecutive_failures = 5 WHERE id = ANY($1)', [ids.slice(0, 2)]);
    const answer = await gql(a, `query ($s: String) { accounts(search: $s) { edges { node { externalId endpointCount failingEndpointCount } } } }`, { s: tag });
    expect(answer.data?.accounts.edges.map((e: any) => e.node)).toEqual([
      { externalId: `calm-${tag}`, endpointCount: 0, failingEndpointCount: 0 },
      { externalId: `busy-${tag}`, endpointCount: 3, failingEndpointCount: 2 },
    ]);
    expect(calm.id).toBeTruthy();
  });

  it('finds one account by id or externalId, and updates it (an externalId taken is a ValidationError)', async () => {
    const tag = unique();
    const one = await createCustomer('One', `one-${tag}`);
    const other = await createCustomer('Other', `other-${tag}`);
    const FIND = `query ($id: ID, $externalId: String) { account(id: $id, externalId: $externalId) { id name externalId } }`;
    expect((await gql(a, FIND, { id: one.id })).data?.account.externalId).toBe(`one-${tag}`);
    expect((await gql(a, FIND, { externalId: `one-${tag}` })).data?.account.id).toBe(one.id);
    expect((await gql(a, FIND, { externalId: `nobody-${tag}` })).data?.account).toBeNull();

    const UPDATE = `mutation ($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT_RESULT} } }`;
    const renamed = await gql(a, UPDATE, { id: `one-${tag}`, input: { name: 'One Inc', metadata: { tier: 2 } } });
    expect(renamed.data?.updateAccount).toMatchObject({ __typename: 'AccountSuccess', account: { id: one.id, name: 'One Inc', externalId: `one-${tag}`, metadata: { tier: 2 } } });
    const taken = await gql(a, UPDATE, { id: one.id, input: { externalId: `other-${tag}` } });
    expect(taken.data?.updateAccount).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'externalId'] }] });
    expect((await gql(a, FIND, { id: other.id })).data?.account.externalId).toBe(`other-${tag}`);
    const missing = await gql(a, UPDATE, { id: `nobody-${tag}`, input: { name: 'x' } });
    expect(missing.data?.updateAccount.__typename).toBe('NotFoundError');
  });

  it('creates an API key for an account named by id or externalId', async () => {
    const tag = unique();
    const customer = await createCustomer('Keyed', `keyed-${tag}`);
    const CREATE_KEY = `mutation ($account: String) { createApiKey(name: "platform", account: $account) {
      __typename ... on CreateApiKeySuccess { apiKey } ... on ValidationError { fieldErrors { path message } } } }`;
    const made = await gql(a, CREATE_KEY, { account: `keyed-${tag}` });
    expect(made.data?.createApiKey.__typename).toBe('CreateApiKeySuccess');
    expect((await gql(a, '{ viewer { id } }', {}, made.data?.createApiKey.apiKey)).data?.viewer.id).toBe(customer.id);
    // The admin key as itself must name the account; an account key may not name another.
    expect((await gql(a, CREATE_KEY, {})).data?.createApiKey).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['account'] }] });
    const other = await createCustomer('Other', `keyed-other-${tag}`);
    const foreign = await gql(a, CREATE_KEY, { account: customer.id }, other.apiKey);
    expect(foreign.data?.createApiKey.__typename).toBe('ValidationError');
  });

  it('disables an account: its keys are refused, its deliveries held; enabled again, they go', async () => {
    const tag = unique();
    const customer = await createCustomer('Held', `held-${tag}`);
    const endpoint = await createEndpoint(a, customer.apiKey, { url: `${receiver.url}/held-${tag}`, eventTypes: ['*'], description: 'platform test' });
    const disabled = await gql(a, `mutation ($id: ID!) { disableAccount(id: $id) { ${ACCOUNT_RESULT} } }`, { id: `held-${tag}` });
    expect(disabled.data?.disableAccount).toMatchObject({ __typename: 'AccountSuccess', account: { status: 'DISABLED' } });
    // Refused by both API processes at once (the other one heard NOTIFY), and so is the admin acting for it.
    for (const app of [a, b]) {
      const refused = await gql(app, '{ viewer { id } }', {}, customer.apiKey);
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await gql(a, '{ endpoints { totalCount } }', {}, ADMIN_KEY, customer.id)).errors?.[0]?.message).toMatch(/disabled/);
    // A delivery made while disabled (as a source or a delivery queued before would be) is held, not attempted.
    await gql(a, `mutation ($id: ID!) { enableAccount(id: $id) { __typename } }`, { id: customer.id });
    await gql(a, `mutation ($id: ID!) { disableAccount(id: $id) { __typename } }`, { id: customer.id });
    const deliveryId = `dlv_held${tag}`;
    await sql(a, `INSERT INTO event (id, account_id, type, data, payload) VALUES ($1, $2, 'message.received', '{}', $3)`, [
      `evt_held${tag}`,
      customer.id,
      JSON.stringify({ id: `evt_held${tag}` }),
    ]);
    await sql(
      a,
      `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, 'message.received', 'PENDING', now())`,
      [deliveryId, customer.id, `evt_held${tag}`, endpoint.id],
    );
    await sql(a, `SELECT hookwire_wake_lanes(ARRAY[$1]::text[], now())`, [endpoint.id]);
    // The lane is claimed and given back with nothing attempted: it rests (ready_at null) while held.
    await waitUntil('the lane rests', async () => {
      const [lane] = await sql<{ ready_at: Date | null; leased_by: string | null }>(a, 'SELECT ready_at, leased_by FROM endpoint_lane WHERE endpoint_id = $1', [endpoint.id]);
      return lane?.ready_at === null && lane.leased_by === null ? lane : null;
    });
    expect(receiver.requests.filter((r) => r.url.includes(`held-${tag}`))).toHaveLength(0);
    const enabled = await gql(a, `mutation ($id: ID!) { enableAccount(id: $id) { ${ACCOUNT_RESULT} } }`, { id: customer.id });
    expect(enabled.data?.enableAccount.account.status).toBe('ACTIVE');
    const delivered = await waitForDelivery(a, customer.apiKey, deliveryId);
    expect(delivered.status).toBe('SUCCEEDED');
  });

  it('deletes an account: gone from every query at once, its key refused, its data removed in the background', async () => {
    const tag = unique();
    const customer = await createCustomer('Gone', `gone-${tag}`);
    const endpoint = await createEndpoint(a, customer.apiKey, { url: `${receiver.url}/gone-${tag}`, eventTypes: ['*'], description: 'platform test' });
    const deliveryOf = await publish(a, customer.apiKey, messageReceived(1));
    await waitUntil('delivered', async () => ((await sql(a, `SELECT 1 FROM delivery WHERE event_id = $1 AND status = 'SUCCEEDED'`, [deliveryOf])).length ? true : null));
    const deleted = await gql(a, `mutation ($id: ID!) { deleteAccount(id: $id) { __typename ... on DeleteAccountSuccess { id } } }`, { id: `gone-${tag}` });
    expect(deleted.data?.deleteAccount).toEqual({ __typename: 'DeleteAccountSuccess', id: customer.id });
    expect((await gql(a, `query ($e: String) { account(externalId: $e) { id } }`, { e: `gone-${tag}` })).data?.account).toBeNull();
    expect((await gql(a, `query ($s: String) { accounts(search: $s) { totalCount } }`, { s: tag })).data?.accounts.totalCount).toBe(0);
    expect((await gql(b, '{ viewer { id } }', {}, customer.apiKey)).status).toBe(401);
    expect((await gql(a, '{ viewer { id } }', {}, ADMIN_KEY, customer.id)).status).toBe(401);
    // The worker removes everything of it.
    await waitUntil('the account is removed', async () => ((await sql(a, 'SELECT 1 FROM account WHERE id = $1', [customer.id])).length === 0 ? true : null), 20_000);
    for (const table of ['endpoint', 'event', 'delivery', 'api_key']) {
      expect(await sql(a, `SELECT 1 FROM ${table} WHERE account_id = $1`, [customer.id]), table).toEqual([]);
    }
    expect(await sql(a, 'SELECT 1 FROM endpoint_lane WHERE endpoint_id = $1', [endpoint.id])).toEqual([]);
    // Its externalId is free for a new customer.
    expect((await createCustomer('New', `gone-${tag}`)).id).not.toBe(customer.id);
    expect((await gql(a, `mutation { deleteAccount(id: "acct_nobody") { __typename } }`)).data?.deleteAccount.__typename).toBe('NotFoundError');
  });
});

describe('Hookwire-Account: the admin key acting for one account', () => {
  it('publishes and reads for a customer exactly as its key would, and sees nothing of another', async () => {
    const tag = unique();
    const alice = await createCustomer('Alice', `alice-${tag}`);
    const bob = await createCustomer('Bob', `bob-${tag}`);
    const ENDPOINT = `mutation ($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename ... on EndpointSuccess { endpoint { id } } } }`;
    const made = await gql(a, ENDPOINT, { input: { url: `${receiver.url}/alice-${tag}`, eventTypes: ['*'], description: 'platform test' } }, ADMIN_KEY, `alice-${tag}`);
    const aliceEndpoint = made.data?.createEndpoint.endpoint.id as string;
    const bobEndpoint = (await createEndpoint(a, bob.apiKey, { url: `${receiver.url}/bob-${tag}`, eventTypes: ['*'], description: 'platform test' })).id;

    const PUBLISH = `mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } } }`;
    const published = await gql(a, PUBLISH, { input: messageReceived(7) }, ADMIN_KEY, `alice-${tag}`);
    expect(published.data?.publishEvent.__typename).toBe('PublishEventSuccess');
    await waitUntil('alice got it', async () => (receiver.requests.some((r) => r.url.includes(`alice-${tag}`)) ? true : null));
    expect(receiver.requests.some((r) => r.url.includes(`bob-${tag}`))).toBe(false);

    // The same answers as Alice's own key, for the admin key by id or by externalId.
    const LIST = '{ viewer { id } endpoints { totalCount edges { node { id } } } events { totalCount } }';
    const own = await gql(a, LIST, {}, alice.apiKey);
    expect((await gql(a, LIST, {}, ADMIN_KEY, `alice-${tag}`)).data).toEqual(own.data);
    expect((await gql(b, LIST, {}, ADMIN_KEY, alice.id)).data).toEqual(own.data);
    expect(own.data?.endpoints.edges.map((e: any) => e.node.id)).toEqual([aliceEndpoint]);
    // Bob's endpoint reads as not found, as it does for Alice's key.
    const NODE = 'query ($id: ID!) { endpoint(id: $id) { id } node(id: $id) { id } }';
    expect((await gql(a, NODE, { id: bobEndpoint }, ADMIN_KEY, alice.id)).data).toEqual({ endpoint: null, node: null });
    const DELETE = `mutation ($id: ID!) { deleteEndpoint(id: $id) { __typename } }`;
    expect((await gql(a, DELETE, { id: bobEndpoint }, ADMIN_KEY, alice.id)).data?.deleteEndpoint.__typename).toBe('NotFoundError');
    expect((await gql(a, DELETE, { id: bobEndpoint }, alice.apiKey)).data?.deleteEndpoint.__typename).toBe('NotFoundError');
  });

  it('without the header, an account-scoped operation under the admin key is refused with an error naming it', async () => {
    const answer = await gql(a, '{ endpoints { totalCount } }');
    expect(answer.status).toBe(403);
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.errors?.[0]?.message).toMatch(/Hookwire-Account/);
  });

  it('refuses an account that does not exist, the header without the admin key, and another account with an account key', async () => {
    const tag = unique();
    const unknown = await gql(a, '{ endpoints { totalCount } }', {}, ADMIN_KEY, `nobody-${tag}`);
    expect(unknown.status).toBe(401);
    expect(unknown.errors?.[0]?.message).toMatch(/no account has the id or externalId/);
    expect((await gql(a, '{ endpoints { totalCount } }', {}, null, `nobody-${tag}`)).status).toBe(401);
    const carol = await createCustomer('Carol', `carol-${tag}`);
    const dave = await createCustomer('Dave', `dave-${tag}`);
    expect((await gql(a, '{ viewer { id } }', {}, carol.apiKey, `carol-${tag}`)).data?.viewer.id).toBe(carol.id);
    const foreign = await gql(a, '{ viewer { id } }', {}, carol.apiKey, dave.id);
    expect(foreign.status).toBe(403);
  });

  it('works over graphql-ws with connectionParams "hookwire-account"', async () => {
    const tag = unique();
    const erin = await createCustomer('Erin', `erin-${tag}`);
    await createEndpoint(a, erin.apiKey, { url: `${receiver.url}/erin-${tag}`, eventTypes: ['*'], description: 'platform test' });
    const client = b.wsClient({ authorization: `Bearer ${ADMIN_KEY}`, 'hookwire-account': `erin-${tag}` });
    const live = firstOf(client, 'subscription { deliveryAttempted { id delivery { event { id } } } }');
    await live.started;
    const eventId = await publish(a, erin.apiKey, messageReceived(9));
    const notice = (await live.value) as { deliveryAttempted: { delivery: { event: { id: string } } } };
    expect(notice.deliveryAttempted.delivery.event.id).toBe(eventId);
  });
});

/** The first result of a subscription, once the server has started it. */
function firstOf(client: Client, query: string) {
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const value = new Promise<unknown>((resolve, reject) => {
    const stop = client.subscribe({ query }, {
      next: (result) => {
        stop();
        if (result.errors) reject(new Error(JSON.stringify(result.errors)));
        else resolve(result.data);
      },
      error: reject,
      complete: () => reject(new Error('completed')),
    });
  });
  // graphql-ws gives no event when a subscription starts on the server: the socket is open and the
  // operation sent once the server counts a listener on its hub.
  void waitUntil('subscribed', async () => (hubListeners() > 0 ? true : null)).then(started);
  return { started: startedPromise, value };
}

const hubListeners = () => (a.app.notifications?.listenerCount ?? 0) + (b.app.notifications?.listenerCount ?? 0);

describe('revocation ends open sockets at once, in every API process', () => {
  /** A subscription held on `app` that records what it receives and how its socket closed. */
  function watch(app: TestApp, connectionParams: Record<string, unknown>) {
    const received: unknown[] = [];
    let closed!: (code: number) => void;
    const closedWith = new Promise<number>((resolve) => (closed = resolve));
    const client = app.wsClient(connectionParams);
    client.on('closed', (event) => closed((event as { code: number }).code));
    const before = app.app.notifications!.listenerCount;
    client.subscribe({ query: 'subscription { deliveryAttempted { id } }' }, { next: (r) => received.push(r), error: () => {}, complete: () => {} });
    const started = waitUntil('subscribed', async () => (app.app.notifications!.listenerCount > before ? true : null));
    return { received, closedWith, started, client };
  }

  it('revoking a key closes its sockets with 4403 on both API processes, and nothing reaches them after', async () => {
    const tag = unique();
    const customer = await createCustomer('Revoked', `revoked-${tag}`);
    await createEndpoint(a, customer.apiKey, { url: `${receiver.url}/revoked-${tag}`, eventTypes: ['*'], description: 'platform test' });
    const second = (await gql(a, `mutation { createApiKey(name: "second") { ... on CreateApiKeySuccess { apiKey } } }`, {}, customer.apiKey)).data?.createApiKey.apiKey as string;
    const onA = watch(a, { authorization: `Bearer ${customer.apiKey}` });
    const onB = watch(b, { authorization: `Bearer ${customer.apiKey}` });
    const survivor = watch(b, { authorization: `Bearer ${second}` });
    await Promise.all([onA.started, onB.started, survivor.started]);
    await publish(a, customer.apiKey, messageReceived(1));
    await waitUntil('heard', async () => (onA.received.length && onB.received.length && survivor.received.length ? true : null));

    const keys = await gql(a, '{ apiKeys { id current } }', {}, customer.apiKey);
    const current = keys.data?.apiKeys.find((k: any) => k.current).id;
    const revoked = await gql(b, `mutation ($id: ID!) { revokeApiKey(id: $id) { __typename } }`, { id: current }, second);
    expect(revoked.data?.revokeApiKey.__typename).toBe('RevokeApiKeySuccess');
    expect(await onA.closedWith).toBe(4403);
    expect(await onB.closedWith).toBe(4403);
    const heard = [onA.received.length, onB.received.length];
    await publish(a, second, messageReceived(2));
    await waitUntil('the survivor heard the next one', async () => (survivor.received.length >= 2 ? true : null));
    expect([onA.received.length, onB.received.length]).toEqual(heard);
    // A new socket with the revoked key is refused too.
    const again = watch(a, { authorization: `Bearer ${customer.apiKey}` });
    expect(await again.closedWith).toBe(4403);
  });

  it('disabling an account closes the sockets of its keys and of the admin key acting for it', async () => {
    const tag = unique();
    const customer = await createCustomer('Switched off', `off-${tag}`);
    const other = await createCustomer('Still on', `on-${tag}`);
    const byKey = watch(a, { authorization: `Bearer ${customer.apiKey}` });
    const byAdmin = watch(b, { authorization: `Bearer ${ADMIN_KEY}`, 'hookwire-account': `off-${tag}` });
    const otherAdmin = watch(b, { authorization: `Bearer ${ADMIN_KEY}`, 'hookwire-account': `on-${tag}` });
    await Promise.all([byKey.started, byAdmin.started, otherAdmin.started]);
    await gql(a, `mutation ($id: ID!) { disableAccount(id: $id) { __typename } }`, { id: customer.id });
    expect(await byKey.closedWith).toBe(4403);
    expect(await byAdmin.closedWith).toBe(4403);
    expect(b.app.api!.sockets.size).toBeGreaterThan(0);
    let otherClosed = false;
    void otherAdmin.closedWith.then(() => (otherClosed = true));
    // The other customer's socket still works.
    await createEndpoint(a, other.apiKey, { url: `${receiver.url}/on-${tag}`, eventTypes: ['*'], description: 'platform test' });
    await publish(a, other.apiKey, messageReceived(3));
    await waitUntil('the other account still hears', async () => (otherAdmin.received.length > 0 ? true : null));
    expect(otherClosed).toBe(false);
  });
});
