// The foundation as a client sees it: keys, accounts, tenant isolation, GraphQL over HTTP and
// graphql-ws, and the operational endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  CreateAccountDocument as CreateAccount,
  CreateApiKeyDocument as CreateApiKey,
  NodeDocument as NodeById,
  ViewerDocument as Viewer,
} from '../packages/client/src/generated/graphql.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
let alice: { accountId: string; apiKey: string };
let bob: { accountId: string; apiKey: string };

beforeAll(async () => {
  t = await startTestApp();
  alice = await t.newAccount('alice');
  bob = await t.newAccount('bob');
});
afterAll(async () => t?.stop());

describe('authentication', () => {
  it('answers viewer for a valid API key', async () => {
    const result = await t.gql(Viewer, {}, alice.apiKey);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer).toMatchObject({ id: alice.accountId, name: 'alice' });
    expect(result.data?.viewer?.id).toMatch(/^acct_[0-9a-z]{26}$/);
  });

  it('refuses a request without a key with UNAUTHENTICATED', async () => {
    const result = await t.gql(Viewer, {}, null);
    expect(result.data?.viewer ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.errors?.[0]?.message).toMatch(/Bearer/);
  });

  it('refuses an unknown key with UNAUTHENTICATED and HTTP 401', async () => {
    const result = await t.gql(Viewer, {}, 'hk_not-a-real-key');
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stores only hashes of API keys', async () => {
    const client = new pg.Client({ connectionString: t.db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT * FROM api_key');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(rows)).not.toContain(alice.apiKey);
    } finally {
      await client.end();
    }
  });
});

describe('accounts and keys', () => {
  it('creates an account with the admin key, and its key works at once', async () => {
    const result = await t.gql(CreateAccount, { name: '  Acme  ' }, ADMIN_KEY);
    const created = result.data?.createAccount;
    expect(created?.__typename).toBe('CreateAccountSuccess');
    if (created?.__typename !== 'CreateAccountSuccess') return;
    expect(created.account.name).toBe('Acme');
    expect(created.apiKey).toMatch(/^hk_/);
    const viewer = await t.gql(Viewer, {}, created.apiKey);
    expect(viewer.data?.viewer?.id).toBe(created.account.id);
  });

  it('answers a blank account name with a ValidationError naming the field', async () => {
    const result = await t.gql(CreateAccount, { name: '   ' }, ADMIN_KEY);
    expect(result.data?.createAccount).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['name'] }],
    });
  });

  it('answers a name holding a NUL character with a ValidationError, not an internal error', async () => {
    const result = await t.gql(CreateAccount, { name: 'bad\u0000name' }, ADMIN_KEY);
    expect(result.data?.createAccount).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['name'] }] });
  });

  it('refuses createAccount to an account key', async () => {
    const result = await t.gql(CreateAccount, { name: 'sneaky' }, alice.apiKey);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('the admin key has no viewer', async () => {
    const result = await t.gql(Viewer, {}, ADMIN_KEY);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer).toBeNull();
  });

  it('creates a second API key for the same account', async () => {
    const result = await t.gql(CreateApiKey, { name: 'ci' }, alice.apiKey);
    const created = result.data?.createApiKey;
    expect(created?.__typename).toBe('CreateApiKeySuccess');
    if (created?.__typename !== 'CreateApiKeySuccess') return;
    expect(created.apiKey).not.toBe(alice.apiKey);
    const viewer = await t.gql(Viewer, {}, created.apiKey);
    expect(viewer.data?.viewer?.id).toBe(alice.accountId);
  });
});

describe('tenant isolation', () => {
  it("reads another account's id through node() as not found", async () => {
    const own = await t.gql(NodeById, { id: alice.accountId }, alice.apiKey);
    expect(own.data?.node).toMatchObject({ id: alice.accountId, __typename: 'Account' });
    const foreign = await t.gql(NodeById, { id: bob.accountId }, alice.apiKey);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data?.node).toBeNull();
  });

  it('answers node() with an id of no known type as null', async () => {
    const result = await t.gql(NodeById, { id: 'nope_123' }, alice.apiKey);
    expect(result.errors).toBeUndefined();
    expect(result.data?.node).toBeNull();
  });
});

describe('graphql-ws', () => {
  it('answers viewer over a WebSocket authenticated by connectionParams', async () => {
    const client = t.wsClient({ authorization: `Bearer ${alice.apiKey}` });
    const result = await new Promise<unknown>((resolve, reject) => {
      let value: unknown;
      client.subscribe(
        { query: '{ viewer { id name } }' },
        { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
      );
    });
    expect(result).toEqual({ data: { viewer: { id: alice.accountId, name: 'alice' } } });
  });

  it('refuses a WebSocket with a bad key at connection time (4403)', async () => {
    const client = t.wsClient({ authorization: 'Bearer hk_wrong' });
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: '{ viewer { id } }' }, { next: () => {}, error: resolve, complete: () => resolve(null) });
    });
    expect((error as { code?: number })?.code).toBe(4403);
  });
});

describe('HTTP surface', () => {
  it('serves /healthz, /readyz and /metrics', async () => {
    const base = t.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('hookwire_delivery_attempts_total');
    expect(metrics).toContain('hookwire_deliveries_pending 0');
  });

  it('serves GraphiQL to a browser with its assets inline (no CDN: it works offline)', async () => {
    const response = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/renderYogaGraphiQL/);
    expect(html).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
  });

  it('answers malformed GraphQL with a clear syntax error, not a 500', async () => {
    const result = await t.gql('{ viewer { id ', {}, alice.apiKey);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('refuses a chunked POST body of undeclared length with 411', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(t.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.apiKey}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"query":"{ viewer { id } }"');
      req.end('}');
    });
    expect(status).toBe(411);
  });

  it('refuses an oversized body with 413', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.apiKey}` },
      body: JSON.stringify({ query: '{ viewer { id } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
  });
});
