// Secrets at rest: signing secrets (current and retired) and custom header values are sealed in
// the database (AES-256-GCM, key id per value), never in clear; the API and the deliveries use them
// in clear; stored attempts show custom header values redacted; rows in clear are sealed at start;
// `resealAll` moves every value to a new key; production refuses to start without a key.
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/client.ts';
import { resealAll } from '../src/db/seal-rows.ts';
import { localEncryptionKey, parseEncryptionKeys, Sealer, SealError } from '../src/db/sealer.ts';
import { graphql } from './generated/index.ts';
import { DeliveryDocument as Attempts } from '../packages/client/src/generated/graphql.ts';
import { closeSql, createEndpoint, endpointDeliveries, messageReceived, publish, sql, waitForDelivery } from './support/api.ts';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from './support/app.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const Rotate = graphql(`
  mutation SecretsRotate($id: ID!) {
    rotateEndpointSecret(id: $id, gracePeriodSeconds: 3600) {
      __typename
      ... on EndpointSuccess {
        endpoint {
          signingSecret
          headers
          retiredSecrets {
            secret
          }
        }
      }
    }
  }
`);

let t: TestApp;
let rx: Receiver;
beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
  rx = await startReceiver();
}, 60_000);
afterAll(async () => {
  await rx.close();
  await closeSql(t);
  await t.stop();
});

const OWN = 'an-own-secret-of-mine-42';
const CREDENTIAL = 'Bearer top-secret-credential-9000';

describe('sealed at rest', () => {
  it('stores no signing secret and no custom header value in clear; the API and the deliveries use them in clear', async () => {
    const acct = await t.newAccount('sealed');
    const generated = await createEndpoint(t, acct.apiKey, { url: rx.url, description: 'generated', eventTypes: ['*'], headers: { Authorization: CREDENTIAL } });
    const own = await createEndpoint(t, acct.apiKey, { url: `${rx.url}?own`, description: 'own', eventTypes: ['*'], signingSecret: OWN });
    expect(generated.signingSecret).toMatch(/^whsec_/);
    expect(own.signingSecret).toBe(OWN);
    const rotated = (await t.gql(Rotate, { id: generated.id }, acct.apiKey)).data!.rotateEndpointSecret;
    if (rotated.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(rotated));
    expect(rotated.endpoint.retiredSecrets.map((r) => r.secret)).toEqual([generated.signingSecret]);
    expect(rotated.endpoint.headers).toEqual({ Authorization: CREDENTIAL });

    const rows = await sql<{ row: string; signing_secret: string }>(t, `SELECT e::text AS row, signing_secret FROM endpoint e WHERE account_id = $1`, [acct.accountId]);
    expect(rows).toHaveLength(2);
    for (const { row, signing_secret } of rows) {
      expect(signing_secret).toMatch(/^hwsealed:v1:test:/);
      for (const secret of [generated.signingSecret, rotated.endpoint.signingSecret, OWN, CREDENTIAL, 'top-secret']) expect(row).not.toContain(secret);
    }

    // Deliveries are signed with the secrets in clear (both live ones after the rotation).
    await publish(t, acct.apiKey, messageReceived(1));
    const requests = await rx.waitFor(2);
    const toGenerated = requests.find((r) => !r.url.endsWith('?own'))!;
    const toOwn = requests.find((r) => r.url.endsWith('?own'))!;
    expect(String(toGenerated.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(toGenerated.headers.authorization).toBe(CREDENTIAL);
    expect(toOwn.headers['x-webhook-signature']).toBe(`sha256=${createHmac('sha256', OWN).update(toOwn.body).digest('hex')}`);

    // The stored attempt shows the header, not its value.
    const [delivery] = await endpointDeliveries(t, acct.apiKey, generated.id);
    await waitForDelivery(t, acct.apiKey, delivery!.id, (d) => d.status === 'SUCCEEDED');
    const stored = (await t.gql(Attempts, { id: delivery!.id }, acct.apiKey)).data!.delivery!.attempts[0]!.requestHeaders as Record<string, string>;
    expect(stored.authorization).toBe('[redacted]');
    expect(stored['webhook-id']).toBe(toGenerated.headers['webhook-id']);
    const attemptRows = await sql<{ row: string }>(t, `SELECT a::text AS row FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.account_id = $1`, [acct.accountId]);
    expect(attemptRows.length).toBeGreaterThan(0);
    for (const { row } of attemptRows) expect(row).not.toContain('top-secret');
  });

  it('seals rows found in clear at start, and re-seals everything under a new key', async () => {
    const acct = await t.newAccount('in clear');
    await sql(
      t,
      `INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret, headers, retired_secrets)
       VALUES ('ep_0000000000000000000000clear', $1, $2, 'clear', '{*}', 'whsec_aW4tY2xlYXItc2VjcmV0LWtleS0zMmJ5dGVzISE=',
               '{"X-Token": "plain-token"}', '[{"secret": "old-plain-secret-123", "expiresAt": "2999-01-01T00:00:00.000Z"}]')`,
      [acct.accountId, rx.url],
    );
    const restarted = await startTestApp({ role: 'api', database: t.db });
    try {
      const [row] = await sql<{ row: string; signing_secret: string }>(t, `SELECT e::text AS row, signing_secret FROM endpoint e WHERE id = 'ep_0000000000000000000000clear'`);
      expect(row!.signing_secret).toMatch(/^hwsealed:v1:test:/);
      expect(row!.row).not.toContain('plain-token');
      expect(row!.row).not.toContain('old-plain-secret');

      // A new key first, the old one kept to open: resealAll moves every value to the new key.
      const next = `k2:${Buffer.alloc(32, 9).toString('base64')}`;
      const sealer = new Sealer(parseEncryptionKeys(`${next},${TEST_ENCRYPTION_KEY}`));
      const database = createDatabase(t.db.url, { max: 2 });
      try {
        expect(await resealAll(database.sql, sealer)).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
      const keys = await sql<{ key: string }>(t, `SELECT DISTINCT split_part(signing_secret, ':', 3) AS key FROM endpoint`);
      expect(keys).toEqual([{ key: 'k2' }]);
      const headers = await sql<{ value: string }>(t, `SELECT headers->>'X-Token' AS value FROM endpoint WHERE id = 'ep_0000000000000000000000clear'`);
      expect(new Sealer(parseEncryptionKeys(next)).open(headers[0]!.value)).toBe('plain-token');
      // The old key alone no longer opens them, and a service given only it refuses to start
      // (rather than failing every attempt of those endpoints, one by one).
      expect(() => new Sealer(parseEncryptionKeys(TEST_ENCRYPTION_KEY)).open(headers[0]!.value)).toThrow(SealError);
      await expect(startTestApp({ role: 'worker', database: t.db })).rejects.toThrow(/cannot be opened with HOOKWIRE_ENCRYPTION_KEY.*"k2"/);
      // The same id with other key material (another machine's key file) is refused too.
      const impostor = `k2:${Buffer.alloc(32, 3).toString('base64')}`;
      await expect(startTestApp({ role: 'api', database: t.db, env: { HOOKWIRE_ENCRYPTION_KEY: impostor } })).rejects.toThrow(/does not open with it/);
    } finally {
      await restarted.stop();
    }
  });
});

describe('configuration', () => {
  it('refuses to start in production without HOOKWIRE_ENCRYPTION_KEY, and refuses a malformed key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://x/y' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://x/y' })).toThrow(/HOOKWIRE_ENCRYPTION_KEY is required/);
    expect(() => loadConfig({ HOOKWIRE_ENCRYPTION_KEY: 'k1:c2hvcnQ=' })).toThrow(/32 bytes/);
    expect(() => loadConfig({ HOOKWIRE_ENCRYPTION_KEY: `a:${Buffer.alloc(32).toString('base64')},a:${Buffer.alloc(32).toString('base64')}` })).toThrow(/unique/);
    expect(loadConfig({ NODE_ENV: 'production', HOOKWIRE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY }).encryptionKeys).toHaveLength(1);
  });

  it('seals with AES-256-GCM: a tampered value does not open', () => {
    const sealer = new Sealer(parseEncryptionKeys(TEST_ENCRYPTION_KEY));
    const sealed = sealer.seal('whsec_abc');
    expect(sealer.open(sealed)).toBe('whsec_abc');
    expect(sealer.seal('whsec_abc')).not.toBe(sealed); // a fresh IV each time
    const at = sealed.length - 6;
    const tampered = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    expect(() => sealer.open(tampered)).toThrow(SealError);
  });

  it('a development setup keeps one key of its own in the data directory, readable by its owner only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookwire-key-'));
    try {
      // Processes starting at once (the API and its workers) must all end up with the same key.
      const keys = await Promise.all(Array.from({ length: 8 }, () => localEncryptionKey(dir)));
      const first = keys[0]![0]!;
      for (const k of keys) expect(k[0]!.key.equals(first.key)).toBe(true);
      expect(first.key.length).toBe(32);
      expect((await stat(join(dir, 'encryption.key'))).mode & 0o777).toBe(0o600);
      expect(await readdir(dir)).toEqual(['encryption.key']);
      const again = await localEncryptionKey(dir);
      expect(new Sealer(again).open(new Sealer(keys[3]!).seal('whsec_x'))).toBe('whsec_x');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
