// API keys as an operator manages them: listed (name, prefix, created, last used), capped per
// account, revoked by any key of the account (itself included, never the last one), and a revoked
// key stops working at once in every API process, not after the 10-second key cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.ts';
import { CreateApiKeyDocument as CreateKey, NodeDocument as NodeOf, ViewerDocument as Viewer } from '../packages/client/src/generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { closeSql, sql } from './support/api.ts';
import { sleep, waitUntil } from './support/wait.ts';

const ApiKeys = graphql(`
  query KeysList($includeRevoked: Boolean) {
    apiKeys(includeRevoked: $includeRevoked) {
      id
      name
      prefix
      createdAt
      lastUsedAt
      revokedAt
      current
    }
  }
`);

const RevokeKey = graphql(`
  mutation KeysRevoke($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on RevokeApiKeySuccess {
        apiKey {
          id
          revokedAt
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

let database: TestDatabase;
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  // Two API processes on one database, as a deployment scales them.
  a = await startTestApp({ database, env: { HOOKWIRE_MAX_API_KEYS: '4' } });
  b = await startTestApp({ database, env: { HOOKWIRE_MAX_API_KEYS: '4' } });
});
afterAll(async () => {
  await closeSql(a);
  await b?.stop();
  await a?.stop();
  await database?.drop();
});

async function newKey(app: TestApp, key: string, name: string): Promise<string> {
  const result = await app.gql(CreateKey, { name }, key);
  if (result.data?.createApiKey.__typename !== 'CreateApiKeySuccess') throw new Error(JSON.stringify(result));
  return result.data.createApiKey.apiKey;
}

describe('listing keys', () => {
  it('lists the live keys with name, prefix, creation, last use, and which one is calling', async () => {
    const { apiKey: first } = await a.newAccount('lister');
    const second = await newKey(a, first, 'ci');
    const { data, errors } = await a.gql(ApiKeys, {}, first);
    expect(errors).toBeUndefined();
    expect(data!.apiKeys).toHaveLength(2);
    const [newest, oldest] = data!.apiKeys;
    expect(newest).toMatchObject({ name: 'ci', revokedAt: null, current: false });
    expect(second.startsWith(newest!.prefix)).toBe(true);
    expect(newest!.prefix).toMatch(/^hk_/);
    expect(oldest).toMatchObject({ name: 'initial', current: true });
    expect(JSON.stringify(data)).not.toContain(second);
  });

  it("answers node(id:) for the account's own key only", async () => {
    const { apiKey: mine } = await a.newAccount('mine');
    const { apiKey: theirs } = await a.newAccount('theirs');
    const ownId = (await a.gql(ApiKeys, {}, mine)).data!.apiKeys[0]!.id;
    const foreignId = (await a.gql(ApiKeys, {}, theirs)).data!.apiKeys[0]!.id;
    expect((await a.gql(NodeOf, { id: ownId }, mine)).data?.node).toEqual({ __typename: 'ApiKey', id: ownId });
    const foreign = await a.gql(NodeOf, { id: foreignId }, mine);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data?.node).toBeNull();
  });

  it('writes last_used_at off the request path, at most once a minute per key', async () => {
    const { apiKey } = await a.newAccount('user');
    const [row] = await sql(a, "SELECT k.id, k.last_used_at FROM api_key k JOIN account a ON a.id = k.account_id WHERE a.name = 'user'");
    expect(row!.last_used_at).toBeNull();
    expect((await a.gql(Viewer, {}, apiKey)).status).toBe(200);
    const used = await waitUntil('last_used_at written', async () => (await sql(a, 'SELECT last_used_at FROM api_key WHERE id = $1', [row!.id]))[0]?.last_used_at);
    for (let i = 0; i < 5; i++) await a.gql(Viewer, {}, apiKey);
    await sleep(200);
    const [again] = await sql(a, 'SELECT last_used_at FROM api_key WHERE id = $1', [row!.id]);
    expect(again!.last_used_at).toEqual(used);
    const listed = (await a.gql(ApiKeys, {}, apiKey)).data!.apiKeys[0]!;
    expect(new Date(listed.lastUsedAt!).getTime()).toBe((used as Date).getTime());
  });
});

describe('the cap on keys', () => {
  it('refuses a key past the cap with a ValidationError, and allows one again after a revocation', async () => {
    const { apiKey } = await a.newAccount('minter');
    for (let i = 2; i <= 4; i++) await newKey(a, apiKey, `k${i}`);
    const refused = await a.gql(CreateKey, { name: 'k5' }, apiKey);
    expect(refused.data?.createApiKey).toMatchObject({ __typename: 'ValidationError', message: expect.stringMatching(/at most 4 live API keys/) });
    const keys = (await a.gql(ApiKeys, {}, apiKey)).data!.apiKeys;
    const revoked = await a.gql(RevokeKey, { id: keys.find((k) => k.name === 'k2')!.id }, apiKey);
    expect(revoked.data?.revokeApiKey.__typename).toBe('RevokeApiKeySuccess');
    expect((await a.gql(CreateKey, { name: 'k5' }, apiKey)).data?.createApiKey.__typename).toBe('CreateApiKeySuccess');
  });

  it('holds under concurrent calls', async () => {
    const { apiKey } = await a.newAccount('racer');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => a.gql(CreateKey, { name: `r${i}` }, apiKey)));
    expect(results.filter((r) => r.data?.createApiKey.__typename === 'CreateApiKeySuccess')).toHaveLength(3);
    const [{ n }] = await sql(a, "SELECT count(*)::int AS n FROM api_key k JOIN account a ON a.id = k.account_id WHERE a.name = 'racer' AND revoked_at IS NULL");
    expect(n).toBe(4);
  });
});

describe('revoking keys', () => {
  it('stops a revoked key at once in this process and in another API process, within the key cache', async () => {
    const { apiKey: admin } = await a.newAccount('revoker');
    const leaked = await newKey(a, admin, 'leaked');
    // Both processes now remember the leaked key for 10 s.
    expect((await a.gql(Viewer, {}, leaked)).status).toBe(200);
    expect((await b.gql(Viewer, {}, leaked)).status).toBe(200);
    const id = (await a.gql(ApiKeys, {}, admin)).data!.apiKeys.find((k) => k.name === 'leaked')!.id;
    const started = Date.now();
    const revoked = await a.gql(RevokeKey, { id }, admin);
    expect(revoked.data?.revokeApiKey).toMatchObject({ __typename: 'RevokeApiKeySuccess', apiKey: { id, revokedAt: expect.any(String) } });
    expect((await a.gql(Viewer, {}, leaked)).status).toBe(401);
    await waitUntil('the other process refuses the revoked key', async () => (await b.gql(Viewer, {}, leaked)).status === 401, 5_000, 20);
    const elapsed = Date.now() - started;
    console.log(`revoked key refused by the other API process after ${elapsed} ms (key cache: 10,000 ms)`);
    expect(elapsed).toBeLessThan(2_000);
    // The other keys go on working, and the revoked one is listed only when asked for.
    expect((await b.gql(Viewer, {}, admin)).status).toBe(200);
    expect((await a.gql(ApiKeys, {}, admin)).data!.apiKeys.map((k) => k.name)).toEqual(['initial']);
    expect((await a.gql(ApiKeys, { includeRevoked: true }, admin)).data!.apiKeys.map((k) => k.name)).toEqual(['leaked', 'initial']);
  });

  it('lets a key revoke itself, but never the last live key of the account', async () => {
    const { apiKey: only } = await a.newAccount('lonely');
    const ownId = (await a.gql(ApiKeys, {}, only)).data!.apiKeys[0]!.id;
    const refused = await a.gql(RevokeKey, { id: ownId }, only);
    expect(refused.data?.revokeApiKey).toMatchObject({ __typename: 'ValidationError', message: expect.stringMatching(/last live API key/) });
    expect((await a.gql(Viewer, {}, only)).status).toBe(200);

    const replacement = await newKey(a, only, 'replacement');
    const self = await a.gql(RevokeKey, { id: ownId }, only);
    expect(self.data?.revokeApiKey.__typename).toBe('RevokeApiKeySuccess');
    expect((await a.gql(Viewer, {}, only)).status).toBe(401);
    expect((await a.gql(Viewer, {}, replacement)).status).toBe(200);
  });

  it("answers another account's key, or no key, as not found", async () => {
    const { apiKey: mine } = await a.newAccount('one');
    const { apiKey: theirs } = await a.newAccount('other');
    await newKey(a, theirs, 'spare');
    const theirId = (await a.gql(ApiKeys, {}, theirs)).data!.apiKeys[0]!.id;
    expect((await a.gql(RevokeKey, { id: theirId }, mine)).data?.revokeApiKey.__typename).toBe('NotFoundError');
    expect((await a.gql(RevokeKey, { id: 'key_nope\u0000' }, mine)).data?.revokeApiKey.__typename).toBe('NotFoundError');
    expect((await a.gql(Viewer, {}, theirs)).status).toBe(200);
  });
});
