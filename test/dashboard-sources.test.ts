// The dashboard's Sources screens in Chromium against the real service: list and add a WhatsApp
// source (the API's field errors first), then its page with the ingest URL to give Meta and its
// recent requests, accepted and refused, after real POSTs to that URL. axe-checked like the rest.
import { createHmac } from 'node:crypto';
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
    t = await startTestApp();
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
});
