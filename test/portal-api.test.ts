// Portal sessions over the API (issue 17), as a platform and its customer meet them: a link made with
// the account's key (or the admin key for any account) opens once; its session acts for exactly that
// account over HTTP and graphql-ws, read-only or with parts turned off, until it expires or
// revokePortalSessions ends it in every API process (open sockets closed with 4403). The browser
// side (the page, the iframe) is test/portal.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { closeSql, createEndpoint, gqlOverHttp, sql } from './support/api.ts';
import { waitUntil } from './support/wait.ts';

let database: TestDatabase;
let a: TestApp;
/** A second API process on the same database: revocations reach it by NOTIFY. */
let b: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  const env = { HOOKWIRE_API_RATE_LIMIT: '0', HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0', HOOKWIRE_PORTAL_FRAME_ANCESTORS: "'self' http://127.0.0.1:1" };
  a = await startTestApp({ database, env });
  b = await startTestApp({ database, env });
});
afterAll(async () => {
  await closeSql(a);
  await b?.stop();
  await a?.stop();
  await database?.drop();
});

const gql = (app: TestApp, query: string, variables: Record<string, unknown>, credential: string | null) => gqlOverHttp(app, query, variables, credential);

const CREATE = `mutation ($input: PortalSessionInput!) {
  createPortalSession(input: $input) {
    __typename
    ... on PortalSessionSuccess { portalSession { url expiresAt readOnly } }
    ... on ValidationError { message fieldErrors { path message } }
    ... on NotFoundError { message }
  }
}`;

async function link(credential: string, input: Record<string, unknown> = {}): Promise<string> {
  const answer = await gql(a, CREATE, { input }, credential);
  const made = answer.data?.createPortalSession;
  if (made?.__typename !== 'PortalSessionSuccess') throw new Error(JSON.stringify(answer));
  return made.portalSession.url as string;
}

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');

async function exchange(app: TestApp, url: string) {
  const response = await fetch(new URL('/portal/exchange', app.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: tokenOf(url) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function session(url: string): Promise<string> {
  const answer = await exchange(a, url);
  expect(answer.status).toBe(200);
  return answer.body.credential as string;
}

describe('a portal link', () => {
  it('is made for the caller\'s account (or by the admin key for any), with its token only in the fragment, and opens once', async () => {
    const { accountId, apiKey } = await a.newAccount('Acme');
    const url = await link(apiKey, { expiresInSeconds: 600, theme: { productName: 'Acme Hooks', primaryColor: '#3b5bdb' } });
    expect(url).toMatch(new RegExp(`^${new URL(a.url).origin}/portal#token=hkpt_[A-Za-z0-9_-]{43}$`));
    // Nothing of the token is stored as it is.
    expect(await sql(a, 'SELECT 1 FROM portal_session WHERE token_hash = $1', [tokenOf(url)])).toEqual([]);
    const first = await exchange(b, url);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ readOnly: false, account: { id: accountId, name: 'Acme' }, theme: { productName: 'Acme Hooks', primaryColor: '#3b5bdb' } });
    expect(first.body.features).toEqual({ secrets: true, transformations: true, customHeaders: true, filters: true });
    const again = await exchange(a, url);
    expect(again).toEqual({ status: 410, body: { error: 'used', message: 'This portal link was already used. Ask for a new link.' } });

    const byAdmin = await gql(a, CREATE, { input: { account: accountId, readOnly: true } }, ADMIN_KEY);
    expect(byAdmin.data?.createPortalSession.portalSession.readOnly).toBe(true);
    const noAccount = await gql(a, CREATE, { input: {} }, ADMIN_KEY);
    expect(noAccount.data?.createPortalSession.__typename).toBe('ValidationError');
    const missing = await gql(a, CREATE, { input: { account: 'acct_nobody' } }, ADMIN_KEY);
    expect(missing.data?.createPortalSession.__typename).toBe('NotFoundError');
    // An account key cannot make links for another account.
    const other = await a.newAccount('Other');
    const foreign = await gql(a, CREATE, { input: { account: accountId } }, other.apiKey);
    expect(foreign.data?.createPortalSession.__typename).toBe('NotFoundError');
  });

  it('refuses bad input with a ValidationError and stores nothing', async () => {
    const { accountId, apiKey } = await a.newAccount('Careful');
    for (const input of [
      { expiresInSeconds: 299 },
      { expiresInSeconds: 604_801 },
      { theme: { primaryColor: 'red; background: url(x)' } },
      { theme: { logoUrl: 'javascript:alert(1)' } },
      { theme: { productName: 'x'.repeat(101) } },
    ]) {
      const answer = await gql(a, CREATE, { input }, apiKey);
      expect(answer.data?.createPortalSession.__typename, JSON.stringify(input)).toBe('ValidationError');
    }
    expect(await sql(a, 'SELECT 1 FROM portal_session WHERE account_id = $1', [accountId])).toEqual([]);
    const defaults = await gql(a, CREATE, { input: {} }, apiKey);
    const expiresAt = Date.parse(defaults.data?.createPortalSession.portalSession.expiresAt);
    expect(Math.abs(expiresAt - Date.now() - 3_600_000)).toBeLessThan(60_000);
  });

  it('says plainly when it has expired or was revoked, and an unknown token is not found', async () => {
    const { accountId, apiKey } = await a.newAccount('Late');
    const expired = await link(apiKey);
    await sql(a, `UPDATE portal_session SET expires_at = now() - interval '1 second' WHERE account_id = $1`, [accountId]);
    expect((await exchange(a, expired)).body.error).toBe('expired');
    const revoked = await link(apiKey);
    const answer = await gql(a, 'mutation { revokePortalSessions { __typename ... on RevokePortalSessionsSuccess { revoked } } }', {}, apiKey);
    expect(answer.data?.revokePortalSessions).toEqual({ __typename: 'RevokePortalSessionsSuccess', revoked: 1 });
    expect(await exchange(a, revoked)).toMatchObject({ status: 410, body: { error: 'revoked' } });
    expect(await exchange(a, `${a.url}#token=hkpt_nothing`)).toMatchObject({ status: 404, body: { error: 'unknown' } });
  });
});

describe('a portal session', () => {
  it('acts for its account only: its endpoints, not another account\'s, and it makes no keys or links', async () => {
    const mine = await a.newAccount('Mine');
    const theirs = await a.newAccount('Theirs');
    await createEndpoint(a, mine.apiKey, { url: 'https://example.com/mine', eventTypes: ['*'], description: 'portal test' });
    await createEndpoint(a, theirs.apiKey, { url: 'https://example.com/theirs', eventTypes: ['*'], description: 'portal test' });
    const credential = await session(await link(mine.apiKey));
    const listed = await gql(b, '{ endpoints { edges { node { url } } } }', {}, credential);
    expect(listed.data?.endpoints.edges.map((e: any) => e.node.url)).toEqual(['https://example.com/mine']);
    const key = await gql(a, 'mutation { createApiKey(name: "escape") { __typename } }', {}, credential);
    expect(key.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const more = await gql(a, CREATE, { input: {} }, credential);
    expect(more.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('read-only: reads, and every mutation it sends is refused with FORBIDDEN', async () => {
    const { apiKey } = await a.newAccount('Reader');
    await createEndpoint(a, apiKey, { url: 'https://example.com/read', eventTypes: ['*'], description: 'portal test' });
    const credential = await session(await link(apiKey, { readOnly: true }));
    expect((await gql(a, '{ endpoints { edges { node { url } } } }', {}, credential)).data?.endpoints.edges).toHaveLength(1);
    const refused = await gql(a, 'mutation ($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename } }', { input: { url: 'https://example.com/no', eventTypes: ['*'], description: 'portal test' } }, credential);
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/read-only/) });
    expect((await gql(a, '{ endpoints { edges { node { url } } } }', {}, credential)).data?.endpoints.edges).toHaveLength(1);
  });

  it('with features off: their fields and inputs are refused, the rest works', async () => {
    const { apiKey } = await a.newAccount('Plain');
    const credential = await session(await link(apiKey, { features: { secrets: false, customHeaders: false, transformations: false, filters: false } }));
    const create = 'mutation ($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename ... on EndpointSuccess { endpoint { id url } } } }';
    const withHeaders = await gql(a, create, { input: { url: 'https://example.com/h', eventTypes: ['*'], description: 'portal test', headers: { 'x-a': '1' } } }, credential);
    expect(withHeaders.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/customHeaders is turned off/) });
    const plain = await gql(a, create, { input: { url: 'https://example.com/p', eventTypes: ['*'], description: 'portal test' } }, credential);
    expect(plain.data?.createEndpoint.__typename).toBe('EndpointSuccess');
    const secret = await gql(a, '{ endpoints { edges { node { url signingSecret } } } }', {}, credential);
    expect(secret.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(secret.data ?? {})).not.toMatch(/whsec_/);
    // Only the endpoints the holder made without headers exist.
    const listed = await gql(a, '{ endpoints { edges { node { url } } } }', {}, apiKey);
    expect(listed.data?.endpoints.edges.map((e: any) => e.node.url)).toEqual(['https://example.com/p']);
  });

  it('ends at expiry and at revokePortalSessions, in every API process, its open sockets closed with 4403', async () => {
    const { accountId, apiKey } = await a.newAccount('Ended');
    const other = await a.newAccount('Untouched');
    const credential = await session(await link(apiKey));
    const survivor = await session(await link(other.apiKey));
    const watch = (app: TestApp, token: string) => {
      let closed!: (code: number) => void;
      const closedWith = new Promise<number>((resolve) => (closed = resolve));
      const client = app.wsClient({ authorization: `Bearer ${token}` });
      client.on('closed', (event) => closed((event as { code: number }).code));
      const before = app.app.notifications!.listenerCount;
      client.subscribe({ query: 'subscription { deliveryAttempted { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
      const started = waitUntil('subscribed', async () => (app.app.notifications!.listenerCount > before ? true : null));
      return { closedWith, started };
    };
    const onA = watch(a, credential);
    const onB = watch(b, credential);
    const kept = watch(b, survivor);
    await Promise.all([onA.started, onB.started, kept.started]);
    const revoked = await gql(a, 'mutation ($account: String) { revokePortalSessions(account: $account) { ... on RevokePortalSessionsSuccess { revoked } } }', { account: accountId }, ADMIN_KEY);
    expect(revoked.data?.revokePortalSessions.revoked).toBe(1);
    expect(await onA.closedWith).toBe(4403);
    expect(await onB.closedWith).toBe(4403);
    const after = await gql(b, '{ endpoints { edges { node { id } } } }', {}, credential);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.message).toMatch(/portal session has ended/);
    expect((await gql(b, '{ endpoints { edges { node { id } } } }', {}, survivor)).status).toBe(200);

    // Expiry: the same session past its time is refused too.
    const late = await session(await link(apiKey));
    expect((await gql(a, '{ viewer { id } }', {}, late)).data?.viewer.id).toBe(accountId);
    await sql(a, `UPDATE portal_session SET expires_at = now() - interval '1 second' WHERE account_id = $1 AND revoked_at IS NULL`, [accountId]);
    expect((await gql(a, '{ viewer { id } }', {}, late)).status).toBe(401);
  });
});

describe('the portal page', () => {
  it('may be framed by HOOKWIRE_PORTAL_FRAME_ANCESTORS only; the dashboard by no one', async () => {
    const portal = await fetch(new URL('/portal', a.url));
    expect(portal.status).toBe(200);
    expect(portal.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self' http:\/\/127\.0\.0\.1:1;/);
    expect(portal.headers.get('x-frame-options')).toBeNull();
    const dashboard = await fetch(new URL('/', a.url));
    expect(dashboard.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });
});
