// The portal in Chromium (issue 17), as a platform's customer meets it: a page of the platform (another
// origin on 127.0.0.1) embeds a portal link in an iframe; inside it the customer sees only their own
// endpoints, adds one, and sees its delivery arrive live; a reload keeps the session
// (sessionStorage); the link a second time, an expired link and a revoked session each say so; a
// read-only link shows no editing controls and the API refuses its mutations; an origin not in
// HOOKWIRE_PORTAL_FRAME_ANCESTORS cannot frame it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { closeSql, createEndpoint, messageReceived, publish, sql } from './support/api.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { chromiumMissing, launchChromium } from './support/browser.ts';
import { buildWeb, webBuildIsStale } from '../scripts/build-web.ts';

const missing = chromiumMissing();
if (missing) console.warn(`portal browser tests ${process.env.CI === 'true' ? 'FAIL' : 'skipped'}: ${missing}`);

if (missing && process.env.CI === 'true') {
  describe('portal in Chromium', () => {
    it('needs Chromium in CI', () => {
      throw new Error(`CI must run the browser tests: ${missing}`);
    });
  });
}

/** A platform's page: it embeds whatever link it is asked for (?link=…) in an iframe. */
async function startHostPage(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const link = new URL(req.url ?? '/', 'http://host').searchParams.get('link') ?? '';
    const escaped = link.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html><head><title>Platform</title></head><body><h1>Platform settings</h1><iframe title="Webhooks" src="${escaped}" width="1200" height="800"></iframe></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(missing !== null)('portal in Chromium', () => {
  let t: TestApp;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let allowed: Awaited<ReturnType<typeof startHostPage>>;
  let refused: Awaited<ReturnType<typeof startHostPage>>;
  let customer: { accountId: string; apiKey: string };

  const CREATE = `mutation ($input: PortalSessionInput!) { createPortalSession(input: $input) { ... on PortalSessionSuccess { portalSession { url } } } }`;
  async function link(input: Record<string, unknown> = {}): Promise<string> {
    const made = await t.gql(CREATE, { input: { account: customer.accountId, ...input } }, ADMIN_KEY);
    return (made.data as any).createPortalSession.portalSession.url as string;
  }

  /** The platform's page with the link in its iframe; the portal's frame once it has loaded. */
  async function embed(url: string, host = allowed): Promise<{ page: Page; frame: () => Frame }> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(`${host.origin}/?link=${encodeURIComponent(url)}`);
    const frame = () => page.frames().find((f) => f !== page.mainFrame())!;
    return { page, frame };
  }

  beforeAll(async () => {
    if (await webBuildIsStale()) await buildWeb({ quiet: true });
    allowed = await startHostPage();
    refused = await startHostPage();
    t = await startTestApp({ role: 'all', env: { HOOKWIRE_PORTAL_FRAME_ANCESTORS: `'self' ${allowed.origin}`, HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0' } });
    receiver = await startReceiver();
    customer = await t.newAccount('Acme Customer');
    const other = await t.newAccount('Someone else');
    await createEndpoint(t, customer.apiKey, { url: `${receiver.url}/existing`, eventTypes: ['*'], description: 'Existing hook' });
    await createEndpoint(t, other.apiKey, { url: `${receiver.url}/theirs`, eventTypes: ['*'], description: 'Not yours' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await allowed?.close();
    await refused?.close();
    if (t) await closeSql(t);
    await t?.stop();
  });

  it('in a platform\'s iframe: only the customer\'s endpoints, one added, its delivery live, the session kept across a reload', async () => {
    const url = await link({ theme: { productName: 'Acme Webhooks', primaryColor: '#0a7d4f' } });
    const { page, frame } = await embed(url);
    const portal = page.frameLocator('iframe');
    await portal.locator('.endpoint-row', { hasText: 'Existing hook' }).waitFor();
    expect(await portal.locator('.endpoint-row').count()).toBe(1);
    expect(await portal.getByText('Not yours').count()).toBe(0);
    expect(await portal.locator('.brand').textContent()).toBe('Acme Webhooks');
    // The token is gone from the frame's address, and the session lives in sessionStorage, not a cookie.
    expect(frame().url()).not.toContain('token');
    expect(await frame().evaluate(() => document.cookie)).toBe('');
    expect(await frame().evaluate(() => sessionStorage.getItem('hookwire.portal'))).toMatch(/hkps_/);

    await portal.getByRole('button', { name: 'Add Endpoint' }).first().click();
    const dialog = portal.getByRole('dialog', { name: 'Create Webhook Endpoint' });
    await dialog.getByLabel('URL (required)').fill(`${receiver.url}/added`);
    await dialog.getByLabel('Description (required)').fill('Added in the portal');
    await dialog.getByRole('checkbox', { name: /^message\.received/ }).check();
    await dialog.getByRole('button', { name: 'Create Endpoint' }).click();
    const added = portal.locator('.endpoint-row', { hasText: 'Added in the portal' });
    await added.waitFor();

    await frame().evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await publish(t, customer.apiKey, messageReceived(1));
    await expect.poll(() => added.locator('.endpoint-activity').textContent(), { timeout: 20_000 }).toMatch(/1 attempt · 100% ok/);
    expect(await frame().evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(receiver.requests.some((r) => r.url.endsWith('/added'))).toBe(true);

    await frame().evaluate(() => location.reload());
    await portal.locator('.endpoint-row', { hasText: 'Added in the portal' }).waitFor();
    expect(frame().url()).toMatch(/\/portal\/endpoints$/);
    await page.close();
  });

  it('says plainly that a link was already used, has expired, or that the session was revoked', async () => {
    const url = await link();
    const first = await embed(url);
    await first.page.frameLocator('iframe').locator('.endpoint-row').first().waitFor();
    const again = await embed(url);
    await again.page.frameLocator('iframe').getByRole('heading', { name: 'This link was already used' }).waitFor();
    await again.page.close();

    const late = await link();
    await sql(t, `UPDATE portal_session SET expires_at = now() - interval '1 second' WHERE exchanged_at IS NULL AND revoked_at IS NULL`);
    const expired = await embed(late);
    await expired.page.frameLocator('iframe').getByRole('heading', { name: 'This link has expired' }).waitFor();
    await expired.page.close();

    // Revoked: the open page says so at once (its socket is closed with 4403), and after a reload too.
    await t.gql('mutation ($account: String) { revokePortalSessions(account: $account) { __typename } }', { account: customer.accountId }, ADMIN_KEY);
    await first.page.frameLocator('iframe').getByRole('heading', { name: 'Your session was revoked' }).waitFor();
    await first.frame().evaluate(() => location.reload());
    await first.page.frameLocator('iframe').getByRole('heading', { name: 'Your session was revoked' }).waitFor();
    await first.page.close();
  });

  it('read-only: no editing controls, and a mutation sent with its session is refused', async () => {
    const { page, frame } = await embed(await link({ readOnly: true, features: { secrets: false } }));
    const portal = page.frameLocator('iframe');
    const row = portal.locator('.endpoint-row').first();
    await row.waitFor();
    expect(await portal.getByRole('button', { name: 'Add Endpoint' }).count()).toBe(0);
    expect(await portal.getByRole('button', { name: /^Delete / }).count()).toBe(0);
    await row.getByRole('link', { name: /^Edit / }).click();
    await portal.getByRole('heading', { name: 'Endpoint', exact: true }).waitFor();
    for (const name of ['Save Changes', 'Pause', 'Delete Endpoint', 'Send Test Event']) {
      expect(await portal.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await portal.getByLabel('URL', { exact: true }).isDisabled()).toBe(true);
    // Secrets turned off: no signing secret card at all.
    expect(await portal.getByRole('heading', { name: 'Signing Secret' }).count()).toBe(0);

    const answer = await frame().evaluate(async () => {
      const { credential } = JSON.parse(sessionStorage.getItem('hookwire.portal')!) as { credential: string };
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
        body: JSON.stringify({ query: 'mutation { createEndpoint(input: { url: "https://example.com/x", description: "no", eventTypes: ["*"] }) { __typename } }' }),
      });
      return { status: response.status, body: (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> } };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await page.close();
  });

  it('cannot be framed by an origin not in HOOKWIRE_PORTAL_FRAME_ANCESTORS', async () => {
    const url = await link();
    const page = await context.newPage();
    const blocked = new Promise<string>((resolve) => page.on('console', (m) => m.text().includes('frame-ancestors') && resolve(m.text())));
    await page.goto(`${refused.origin}/?link=${encodeURIComponent(url)}`);
    expect(await blocked).toMatch(/violates the following Content Security Policy directive: "frame-ancestors 'self' http:\/\/127\.0\.0\.1:\d+". The request has been blocked/);
    // The link was never opened: it still works where framing is allowed.
    const { page: ok } = await embed(url);
    await ok.frameLocator('iframe').locator('.endpoint-row').first().waitFor();
    await ok.close();
    await page.close();
  });
});
