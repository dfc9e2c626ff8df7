// The dashboard's Sources screens in Chromium against the real service: list and add a WhatsApp
// source (the API's field errors first), then its page with the ingest URL to give Meta and its
// recent requests, accepted and refused, after real POSTs to that URL. axe-checked like the rest.
import { createHmac, randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.ts';
import { chromiumMissing, launchChromium, screenshot, seriousAxeViolations } from './support/browser.ts';
import { buildWeb, webBuildIsStale } from '../scripts/build-web.ts';

const missing = chromiumMissing();
if (missing) console.warn(`dashboard source tests ${process.env.CI === 'true' ? 'FAIL' : 'skipped'}: ${missing}`);

describe.skipIf(missing !== null && process.env.CI !== 'true')('dashboard: sources in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  let base: string;

  async function expectAccessible(name: string) {
    expect(await seriousAxeViolations(page), `axe on ${name}`).toEqual([]);
    await screenshot(page, name);
  }

  beforeAll(async () => {
    if (await webBuildIsStale()) await buildWeb({ quiet: true });
    // With a worker: broker sources connect there, and the list shows their connection.
    t = await startTestApp({ role: 'all' });
    ({ apiKey } = await t.newAccount('Acme Support'));
    base = t.url.replace(/\/graphql$/, '');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('adds a WhatsApp source, shows its ingest URL and the requests Meta sent it', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources' }).click();
    await page.getByRole('heading', { name: 'Sources', exact: true }).waitFor();
    await page.getByText('No sources yet.').waitFor();

    // The API's errors, field by field, before anything is stored.
    await page.getByRole('button', { name: 'Add source' }).click();
    await page.locator('.field-error', { hasText: 'is required: the Meta app' }).waitFor();
    await expectAccessible('sources-01-errors');

    await page.getByLabel('Name').fill('Meta production');
    await page.getByLabel('App secret').fill('dashboard-app-secret');
    await page.getByLabel('Verify token').fill('dashboard-token');
    await page.getByRole('button', { name: 'Add source' }).click();
    await page.getByRole('link', { name: 'Meta production' }).waitFor();
    await expectAccessible('sources-02-list');

    await page.getByRole('link', { name: 'Meta production' }).click();
    const url = (await page.getByLabel('Ingest URL', { exact: true }).textContent())!.trim();
    expect(url).toMatch(new RegExp(`^${base}/ingest/src_[0-9a-z]{26}$`));
    await page.getByText('No requests yet.').waitFor();

    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    expect((await fetch(url, { method: 'POST', body, headers: { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) } })).status).toBe(401);
    const signature = `sha256=${createHmac('sha256', 'dashboard-app-secret').update(body).digest('hex')}`;
    expect((await fetch(url, { method: 'POST', body, headers: { 'x-hub-signature-256': signature } })).status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const rows = page.getByRole('table', { name: 'Recent requests' }).getByRole('row');
    await rows.nth(2).waitFor();
    expect(await rows.nth(1).textContent()).toContain('200 accepted');
    expect(await rows.nth(2).textContent()).toMatch(/401 refused.*does not match the body/);
    await expectAccessible('sources-03-detail');
  }, 120_000);

  it('lists a broker source with its broker URL and the connection the worker reports', async () => {
    const stream = `hookwire-dashboard-${randomUUID()}`;
    const created = await t.gql<{ createSource: { __typename: string; source?: { id: string } } }, Record<string, unknown>>(
      `mutation($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on SourceSuccess { source { id } } } }`,
      { input: { kind: 'REDIS_STREAM', name: 'Pipeline stream', brokerUrl: 'redis://127.0.0.1:6379', stream } },
      apiKey,
    );
    expect(created.data?.createSource.__typename).toBe('SourceSuccess');
    const redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources' }).click();
      const row = page.getByRole('table', { name: 'Sources' }).getByRole('row').filter({ hasText: 'Pipeline stream' });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/REDIS_STREAM.*redis:\/\/127\.0\.0\.1/);
      // The worker writes the state within seconds; the list shows it once it is read again.
      await expect
        .poll(async () => {
          await page.reload();
          await row.waitFor();
          return row.textContent();
        }, { timeout: 30_000, interval: 1_000 })
        .toContain('CONNECTED');
      await expectAccessible('sources-04-broker');
    } finally {
      await redis.del([stream, `${stream}:dead`]);
      await redis.quit();
    }
  }, 120_000);
});
