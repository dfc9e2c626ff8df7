// The platform path in the typed client and the CLI (issue 17): one admin key, the customer named
// by its externalId (`new Hookwire({ adminKey, account })`, `hookwire --account …`), and the
// accounts managed with `accounts.*` / `hookwire accounts list|create|disable`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Hookwire, HookwireError, unwrap } from '../packages/client/src/index.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { runCli, type CliResult } from './support/cli.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

let t: TestApp;
let receiver: Receiver;

beforeAll(async () => {
  t = await startTestApp({ role: 'all', env: { HOOKWIRE_API_RATE_LIMIT: '0', HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0' } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await t?.stop();
});

const tag = () => Math.random().toString(36).slice(2, 10);
const webSocket = { webSocketImpl: WebSocket };

describe('the typed client', () => {
  it('acts for a customer by externalId with the one admin key, and manages accounts as the admin key', async () => {
    const id = tag();
    const admin = new Hookwire({ url: t.url, adminKey: ADMIN_KEY, webSocket });
    const created = unwrap(await admin.accounts.create({ name: 'Customer 4711', externalId: `customer-4711-${id}`, metadata: { plan: 'pro' } }));
    expect(created.account).toMatchObject({ externalId: `customer-4711-${id}`, metadata: { plan: 'pro' }, status: 'ACTIVE' });
    // Idempotent: the same customer again.
    expect(unwrap(await admin.accounts.create({ name: 'again', externalId: `customer-4711-${id}` })).account.id).toBe(created.account.id);
    const other = unwrap(await admin.accounts.create({ name: 'Other', externalId: `other-${id}` }));

    const customer = new Hookwire({ url: t.url, adminKey: ADMIN_KEY, account: `customer-4711-${id}`, webSocket });
    const endpoint = unwrap(await customer.endpoints.create({ url: `${receiver.url}/c-${id}`, description: 'platform', eventTypes: ['*'] })).endpoint;
    const live = customer.live.deliveryAttempted();
    const first = live.next();
    // Publish through another client for the other account: the customer's stream hears none of it.
    await admin.forAccount(other.account.id).endpoints.create({ url: `${receiver.url}/o-${id}`, description: 'other', eventTypes: ['*'] });
    await waitForListener();
    await admin.forAccount(`other-${id}`).events.publish({ type: 'webhook.test', data: { n: 0 } });
    const published = unwrap(await customer.events.publish({ type: 'webhook.test', data: { n: 1 } }));
    const heard = await first;
    expect(heard.value?.delivery.event.id).toBe(published.event.id);
    await live.return();
    const endpoints = [];
    for await (const e of customer.endpoints.list()) endpoints.push(e.id);
    expect(endpoints).toEqual([endpoint.id]);
    expect((await customer.viewer())?.id).toBe(created.account.id);

    // The accounts calls go as the admin key itself, whatever account the client acts for.
    const found = [];
    for await (const a of customer.accounts.list({ search: id })) found.push(a.externalId);
    expect(found.sort()).toEqual([`customer-4711-${id}`, `other-${id}`]);
    expect((await customer.accounts.get(`other-${id}`))?.id).toBe(other.account.id);
    const key = unwrap(await admin.accounts.createApiKey(`other-${id}`, 'ci')).apiKey;
    expect((await new Hookwire({ url: t.url, apiKey: key }).viewer())?.id).toBe(other.account.id);

    expect(unwrap(await admin.accounts.disable(`other-${id}`)).account.status).toBe('DISABLED');
    await expect(new Hookwire({ url: t.url, apiKey: key }).viewer()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await customer.close();
  });

  it('without an account, an account-scoped call under the admin key throws an error naming Hookwire-Account', async () => {
    const admin = new Hookwire({ url: t.url, adminKey: ADMIN_KEY });
    const error = await admin.endpoints.page().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookwireError);
    expect((error as HookwireError).message).toMatch(/Hookwire-Account/);
  });
});

async function waitForListener() {
  const deadline = Date.now() + 10_000;
  while ((t.app.notifications?.listenerCount ?? 0) === 0) {
    if (Date.now() > deadline) throw new Error('the subscription never started');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the CLI', () => {
  const hookwire = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { env: { HOOKWIRE_URL: t.url, HOOKWIRE_ADMIN_KEY: ADMIN_KEY, ...env } });
  const json = <T = any>(result: CliResult): T => {
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };

  it('accounts create|list|disable with the admin key, and --account for any account-scoped command', async () => {
    const id = tag();
    const created = json(await hookwire(['accounts', 'create', 'Shop', '--external-id', `shop-${id}`, '--metadata', '{"plan":"free"}', '--json']));
    expect(created.account).toMatchObject({ name: 'Shop', externalId: `shop-${id}`, metadata: { plan: 'free' } });
    const human = await hookwire(['accounts', 'create', 'Shop', '--external-id', `shop-${id}`]);
    expect(human.stdout).toContain(created.account.id);
    expect(human.stdout).toMatch(/API key \(shown once\): hk_/);

    const listed = json<Array<{ id: string }>>(await hookwire(['accounts', 'list', '--search', id, '--json']));
    expect(listed.map((a) => a.id)).toEqual([created.account.id]);
    const table = await hookwire(['accounts', 'list', '--search', id]);
    expect(table.stdout).toMatch(new RegExp(`${created.account.id}\\s+shop-${id}\\s+Shop\\s+ACTIVE`));

    const made = await hookwire(['--account', `shop-${id}`, 'endpoints', 'create', `${receiver.url}/cli-${id}`, '--events', '*', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const endpoints = json<Array<{ url: string }>>(await hookwire(['endpoints', 'list', '--json'], { HOOKWIRE_ACCOUNT: `shop-${id}` }));
    expect(endpoints.map((e) => e.url)).toEqual([`${receiver.url}/cli-${id}`]);
    // Without an account the admin key is told which header (flag) it lacks: exit 5, authentication.
    const without = await hookwire(['endpoints', 'list']);
    expect(without.code).toBe(5);
    expect(without.stderr).toMatch(/Hookwire-Account/);

    const disabled = await hookwire(['accounts', 'disable', `shop-${id}`]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain(`Disabled ${created.account.id} (shop-${id})`);
    expect(json<Array<{ id: string; status: string }>>(await hookwire(['accounts', 'list', '--search', id, '--status', 'disabled', '--json']))[0]?.status).toBe('DISABLED');
    const refused = await hookwire(['endpoints', 'list'], { HOOKWIRE_API_KEY: created.apiKey });
    expect(refused.code).toBe(5);
  });
});
