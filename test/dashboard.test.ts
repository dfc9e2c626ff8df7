// The dashboard in a real browser (Debian's Chromium through playwright-core) against the real
// service (API and worker in-process, real Postgres) and a real receiver: sign in, create an
// endpoint (after the API's field error for a bad URL), send a test event, watch deliveries
// arrive live in the history, open a payload, retry, rotate the secret, pause and resume, save
// settings, page, delete, sign out. Each screen is checked with axe-core and photographed into
// test/screenshots/ (git-ignored). Without Chromium the file is skipped, except in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { graphql } from './generated/index.ts';
import {
  CreateEndpointDocument as Create,
  DeleteEndpointDocument as Delete,
  EndpointDocument as GetEndpoint,
  PauseEndpointDocument as Pause,
  ResumeEndpointDocument as Resume,
  SendTestEventDocument as SendTest,
  type TypedDocumentString,
} from '../packages/client/src/generated/graphql.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { chromiumMissing, launchChromium, screenshot, seriousAxeViolations } from './support/browser.ts';
import { buildWeb, webBuildIsStale } from '../scripts/build-web.ts';

const missing = chromiumMissing();
if (missing) console.warn(`dashboard browser tests ${process.env.CI === 'true' ? 'FAIL' : 'skipped'}: ${missing}`);

// The test's own: the endpoint's retired secrets, which no client operation reads.
const EndpointState = graphql(`
  query DashboardTestEndpoint($id: ID!) {
    endpoint(id: $id) {
      id
      status
      description
      rateLimitPerSecond
      eventTypes
      concurrencyLimit
      ordered
      filter
      transformation
      signingSecret
      retiredSecrets {
        secret
      }
    }
  }
`);

if (missing && process.env.CI === 'true') {
  describe('dashboard in Chromium', () => {
    it('needs Chromium in CI', () => {
      throw new Error(`CI must run the browser tests: ${missing}`);
    });
  });
}

describe.skipIf(missing !== null)('dashboard in Chromium', () => {
  let t: TestApp;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  let base: string;
  let endpointId: string;
  const started = Date.now();

  async function api<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const result = await t.gql(document, variables, apiKey);
    if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
    return result.data;
  }
  const endpointNow = async () => (await t.gql(EndpointState, { id: endpointId }, apiKey)).data!.endpoint;

  async function expectAccessible(name: string) {
    expect(await seriousAxeViolations(page), `axe on ${name}`).toEqual([]);
    await screenshot(page, name);
  }

  /** Set once and read later: a reload would lose it, so it proves an update came live. */
  const markPage = () => page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  const pageWasNotReloaded = () => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);

  beforeAll(async () => {
    if (await webBuildIsStale()) await buildWeb({ quiet: true });
    t = await startTestApp({ role: 'all' });
    receiver = await startReceiver();
    ({ apiKey } = await t.newAccount('Acme Support'));
    base = t.url.replace(/\/graphql$/, '');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.error('page error:', error.message));
    page.on('console', (m) => {
      // The 401 is the wrong key the first test tries on purpose.
      if (m.type() === 'error' && !m.text().includes('401')) console.error('page console:', m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await t?.stop();
    console.log(`dashboard browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('signs in with an API key kept in sessionStorage, never in the URL', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').waitFor();
    await expectAccessible('01-sign-in');

    await page.getByLabel('API key').fill('hk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This API key is not valid').waitFor();

    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Webhook endpoints' }).waitFor();
    expect(page.url()).toBe(`${base}/endpoints`);
    expect(page.url()).not.toContain(apiKey);
    expect(await page.evaluate(() => sessionStorage.getItem('hookwire.apiKey'))).toBe(apiKey);
    await page.getByText('Acme Support').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await page.getByText('No endpoints yet').waitFor();
    await expectAccessible('02-endpoints-empty');
    // Keyboard first: the skip link leads, then the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  });

  it('creates an endpoint, showing the API’s error next to a bad URL first', async () => {
    // Opened from the keyboard; the dialog puts the focus on its first field.
    await page.getByRole('button', { name: 'Add Endpoint' }).first().focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create Webhook Endpoint' });
    await dialog.waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('url');
    await dialog.getByLabel('URL (required)').fill('not a url');
    await dialog.getByLabel('Description (required)').fill('CRM sync');
    await dialog.getByRole('checkbox', { name: /^message\.received/ }).check();
    await dialog.getByRole('button', { name: 'Create Endpoint' }).click();

    const url = dialog.getByLabel('URL (required)');
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    const errorId = await url.getAttribute('aria-describedby');
    const fieldError = page.locator(`[id="${errorId}"]`);
    expect(await fieldError.textContent()).toMatch(/spaces|URL|https/i);
    await expectAccessible('03-create-field-error');

    await url.fill(receiver.url);
    await dialog.getByRole('button', { name: 'Create Endpoint' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.locator('.endpoint-row', { hasText: 'CRM sync' });
    await row.waitFor();
    endpointId = (await row.getAttribute('data-endpoint-id'))!;
    expect(endpointId).toMatch(/^ep_/);
    expect(await row.locator('.badge').textContent()).toBe('Active');
    expect(await row.locator('.tag').allTextContents()).toEqual(['message.received']);
    expect(await row.getByRole('link', { name: `Open ${receiver.url} in a new tab` }).getAttribute('href')).toBe(receiver.url);
    await expectAccessible('04-endpoints');
  });

  it('changes status badges live when the endpoint is paused elsewhere', async () => {
    await markPage();
    const badge = page.locator(`[data-endpoint-id="${endpointId}"] .badge`);
    await api(Pause, { id: endpointId });
    await expect.poll(() => badge.textContent()).toBe('Paused');
    await api(Resume, { id: endpointId });
    await expect.poll(() => badge.textContent()).toBe('Active');
    expect(await pageWasNotReloaded()).toBe(true);
  });

  it('warns live on the list while an endpoint is failing, and clears when it recovers', async () => {
    let status = 503;
    const flaky = await startReceiver(() => ({ status, body: 'down' }));
    try {
      const created = await api(Create, {
        input: { url: flaky.url, description: 'Flaky CRM', eventTypes: ['webhook.test'], retrySchedule: [3600] },
      });
      if (created.createEndpoint.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(created));
      const { id } = created.createEndpoint.endpoint;
      // Made elsewhere: the list shows it after a reload (its warnings then come live).
      await page.reload();
      const row = page.locator(`[data-endpoint-id="${id}"]`);
      await row.waitFor();
      await markPage();
      // Five scheduled attempts in a row fail (HOOKWIRE_FAILING_AFTER's default).
      for (let i = 0; i < 5; i++) await api(SendTest, { endpointId: id });
      await flaky.waitFor(5);
      await row.getByRole('note').filter({ hasText: /Failing: the last 5 attempts failed/ }).waitFor();
      // The editor warns the same way.
      await row.getByRole('link', { name: 'Edit Flaky CRM' }).click();
      await page.getByRole('heading', { name: 'Edit Endpoint' }).waitFor();
      await page.getByRole('note').filter({ hasText: /Failing: the last 5 attempts failed/ }).waitFor();
      await page.goBack();
      await row.waitFor();
      status = 200;
      await api(SendTest, { endpointId: id });
      await expect.poll(() => row.getByRole('note').count(), { timeout: 10_000 }).toBe(0);
      expect(await pageWasNotReloaded()).toBe(true);
      await api(Delete, { id });
      await page.reload();
      await row.waitFor({ state: 'detached' });
    } finally {
      await flaky.close();
    }
  });

  it('opens the editor and sends a test event to the receiver', async () => {
    await page.getByRole('link', { name: 'Edit CRM sync' }).click();
    await page.getByRole('heading', { name: 'Edit Endpoint' }).waitFor();
    expect(await page.getByLabel('URL', { exact: true }).inputValue()).toBe(receiver.url);
    await page.getByText('No recent delivery errors').waitFor();

    await page.getByRole('button', { name: 'Send Test Event' }).click();
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'webhook.test' });
    await page.getByText('See it in the message history').waitFor();
    // The chart follows the attempt live.
    await page.getByText(/1 attempt in the last 24 hours, 1 succeeded/).first().waitFor();
    await expectAccessible('05-editor');
  });

  it('shows the history, and new deliveries and the cards change live', async () => {
    await page.getByRole('link', { name: 'View Messages' }).click();
    await page.getByRole('heading', { name: 'Message History' }).waitFor();
    const rows = page.locator('table.deliveries tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000, message: await page.locator('main').innerText() }).toBe(1);
    expect(await page.getByTestId('stat-total').textContent()).toBe('1');
    expect(await rows.first().textContent()).toContain('200 OK');

    // A second delivery, sent from outside the page, which the receiver refuses for good (400).
    await markPage();
    receiver.reply = () => ({ status: 400, body: 'bad request: unknown customer' });
    await api(SendTest, { endpointId });
    await receiver.waitFor(2);
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.getByTestId('stat-failed').textContent()).toBe('1');
    expect(await page.getByTestId('stat-total').textContent()).toBe('2');
    expect(await page.getByTestId('stat-succeeded').textContent()).toBe('1');
    expect(await page.getByTestId('stat-rate').textContent()).toBe('50.0%');
    expect(await rows.first().locator('.badge').textContent()).toBe('Failed');
    expect(await pageWasNotReloaded()).toBe(true);
    await expectAccessible('06-message-history');
  });

  it('filters by status', async () => {
    await page.getByLabel('Status', { exact: true }).selectOption('FAILED');
    const rows = page.locator('table.deliveries tbody tr');
    await expect.poll(() => page.getByTestId('stat-total').textContent()).toBe('1');
    expect(await rows.count()).toBe(1);
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await expect.poll(() => rows.count()).toBe(2);
  });

  it('opens the payload panel: exact body, attempts with headers and responses; retries live', async () => {
    receiver.reply = () => ({ status: 200, body: 'ok' });
    const failedRow = page.locator('table.deliveries tbody tr').first();
    await failedRow.getByRole('button', { name: /^View payload/ }).click();
    const panel = page.getByRole('dialog', { name: 'Message payload' });
    await panel.getByTestId('payload-body').waitFor();

    const sent = receiver.requests[1]!;
    expect(await panel.getByTestId('payload-body').textContent()).toBe(sent.body);
    const eventId = JSON.parse(sent.body).id as string;
    await panel.getByText(eventId).first().waitFor();
    const attempt = panel.locator('details[data-attempt="1"]');
    expect(await attempt.textContent()).toContain('HTTP error');
    expect(await attempt.textContent()).toContain('bad request: unknown customer');
    expect(await attempt.locator('table.kv').first().textContent()).toContain('webhook-signature');
    expect(await attempt.locator('table.kv').first().textContent()).toContain(String(sent.headers['webhook-signature']));
    await expectAccessible('07-payload');

    await panel.getByRole('button', { name: 'Retry', exact: true }).click();
    await receiver.waitFor(3);
    await panel.locator('details[data-attempt="2"]').waitFor();
    await expect.poll(() => panel.locator('.payload-head .badge').textContent()).toBe('Success');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('stat-rate').textContent()).toBe('100%');
  });

  it('rotates the signing secret and shows both while the old one signs', async () => {
    const before = (await endpointNow())!.signingSecret;
    await page.getByRole('link', { name: 'CRM sync' }).first().click();
    await page.getByRole('heading', { name: 'Edit Endpoint' }).waitFor();
    const secret = page.getByTestId('signing-secret');
    expect(await secret.textContent()).not.toContain(before.slice(10));
    await page.getByRole('button', { name: 'Show signing secret' }).click();
    expect(await secret.textContent()).toBe(before);

    await page.getByRole('button', { name: 'Regenerate signing secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate signing secret' });
    await dialog.waitFor();
    await dialog.getByLabel('Keep the old secret signing for').selectOption('3600');
    await expectAccessible('08-rotate-dialog');
    await dialog.getByRole('button', { name: 'Regenerate secret' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => secret.textContent()).not.toBe(before);
    const after = await endpointNow();
    expect(await secret.textContent()).toBe(after!.signingSecret);
    expect(await page.getByTestId('retired-secret').textContent()).toBe(before);
    expect(after!.retiredSecrets.map((r) => r.secret)).toEqual([before]);
    // The dialog's form submitted itself only, not the editor's form around it.
    expect(await page.getByText('Nothing to save').count()).toBe(0);
    await expectAccessible('09-secret-rotated');
  });

  it('pauses and resumes', async () => {
    const badge = page.locator('.page-head .endpoint-title .badge');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => badge.textContent()).toBe('Paused');
    expect((await endpointNow())!.status).toBe('PAUSED');
    await page.getByText(/Paused since .*Paused by an operator/).waitFor();
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => badge.textContent()).toBe('Active');
    expect((await endpointNow())!.status).toBe('ACTIVE');
  });

  it('saves settings, and keeps at least one event type', async () => {
    await page.getByRole('button', { name: 'Deselect All' }).click();
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByText('at least one event type must stay selected').waitFor();

    await page.getByRole('checkbox', { name: /^message\.received/ }).check();
    await page.getByRole('checkbox', { name: /^form\.submitted/ }).check();
    await page.getByLabel('Description', { exact: true }).fill('CRM sync (EU)');
    await page.getByLabel('Rate Limit (req/s)').fill('25');
    // The editor's refetch after a save is held back (a slow network), and the user types on
    // meanwhile: when the saved endpoint arrives, that edit must stay (it was once wiped: a flake).
    let releaseRefetch!: () => void;
    const refetchHeld = new Promise<void>((resolve) => (releaseRefetch = resolve));
    let refetchSeen!: () => void;
    const refetchArrived = new Promise<void>((resolve) => (refetchSeen = resolve));
    await page.route('**/graphql', async (route) => {
      if (!route.request().postData()?.includes('query DashboardEndpoint')) return route.continue();
      await refetchHeld;
      const response = await route.fetch();
      await route.fulfill({ response });
      refetchSeen();
    });
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByText('Changes saved').waitFor();
    await expect.poll(async () => (await endpointNow())!.description).toBe('CRM sync (EU)');
    const saved = await endpointNow();
    expect(saved).toMatchObject({ rateLimitPerSecond: 25, eventTypes: ['message.received', 'form.submitted'] });

    await page.getByLabel('Timeout (ms)').fill('50');
    releaseRefetch();
    await refetchArrived;
    await page.unroute('**/graphql');
    await expect.poll(() => page.getByLabel('Timeout (ms)').inputValue()).toBe('50');
    await expect.poll(() => page.getByLabel('Description', { exact: true }).inputValue()).toBe('CRM sync (EU)');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    const timeout = page.getByLabel('Timeout (ms)');
    await expect.poll(() => timeout.getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Timeout (ms)').fill('5000');
  });

  it('saves the delivery settings (concurrency, order, filter, transformation), and blank removes them', async () => {
    const code = 'function handler(webhook) { return webhook }';
    await page.getByLabel('Concurrency limit').fill('3');
    await page.getByLabel('Deliver in order').check();
    await page.getByLabel('Filter', { exact: true }).fill('{"data": {"status": "read"}}');
    await page.getByLabel('Transformation', { exact: true }).fill(code);
    await expectAccessible('09b-editor-delivery-settings');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    // The save first tries the transformation in the sandbox: seconds on a loaded machine, beyond poll's 1 s default.
    await expect.poll(async () => (await endpointNow())!.concurrencyLimit, { timeout: 15_000 }).toBe(3);
    expect(await endpointNow()).toMatchObject({ ordered: true, filter: { data: { status: 'read' } }, transformation: code });

    await page.getByLabel('Concurrency limit').fill('');
    await page.getByLabel('Filter', { exact: true }).fill('');
    await page.getByLabel('Transformation', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await expect.poll(async () => (await endpointNow())!.transformation, { timeout: 15_000 }).toBeNull();
    expect(await endpointNow()).toMatchObject({ concurrencyLimit: null, ordered: true, filter: null });
  });

  it('shows the event-type catalog with schemas and examples', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event Types' }).click();
    await page.getByRole('heading', { name: 'Event Types', level: 1 }).waitFor();
    const card = page.locator('[data-event-type="message.received"]');
    await card.getByText('Example data').click();
    await card.getByLabel('Example of message.received', { exact: true }).waitFor();
    await card.getByText('JSON Schema').click();
    expect(await card.getByLabel('Schema of message.received', { exact: true }).textContent()).toContain('"type"');
    await expectAccessible('10-event-types');
  });

  it('pages the list with Previous / Next and deletes from the list', async () => {
    for (let i = 1; i <= 10; i++) {
      await api(Create, { input: { url: `${receiver.url}?spare=${i}`, description: `Spare ${i}`, eventTypes: ['session.*'] } });
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Endpoints' }).click();
    const rows = page.locator('.endpoint-row');
    await expect.poll(() => rows.count()).toBe(10);
    const pager = page.getByRole('navigation', { name: 'Endpoint pages' });
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000, message: await page.locator('main').innerText() }).toBe(1);
    expect(await rows.first().textContent()).toContain('CRM sync (EU)');
    await pager.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(() => rows.count()).toBe(10);

    await page.getByRole('button', { name: 'Delete Spare 10' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Endpoint' });
    await confirm.getByText('This cannot be undone.').waitFor();
    await expectAccessible('11-delete-confirmation');
    await confirm.getByRole('button', { name: 'Delete Endpoint' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await page.locator('.endpoint-row', { hasText: 'Spare 10' }).waitFor({ state: 'detached' });
  });

  it('deletes the endpoint from the Danger Zone', async () => {
    await page.goto(`${base}/endpoints/${endpointId}`);
    await page.getByRole('heading', { name: 'Edit Endpoint' }).waitFor();
    await page.getByRole('button', { name: 'Delete Endpoint' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Endpoint' });
    await confirm.getByRole('button', { name: 'Delete Endpoint' }).click();
    await page.getByRole('heading', { name: 'Webhook endpoints' }).waitFor();
    await page.getByText('Endpoint “CRM sync (EU)” deleted').waitFor();
    expect(await endpointNow()).toBeNull();
    expect(await page.locator('.endpoint-row', { hasText: 'CRM sync' }).count()).toBe(0);
  });

  it('creates a RabbitMQ endpoint with its fields, lists it by kind with the password masked, and the editor changes its routing key', async () => {
    await page.getByRole('button', { name: 'Add Endpoint' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create Webhook Endpoint' });
    await dialog.waitFor();
    await dialog.getByLabel('Destination', { exact: true }).selectOption('RABBITMQ');
    await dialog.getByLabel('URL (required)').fill('amqp://app:s3cret@127.0.0.1:5672/');
    await dialog.getByLabel('Description (required)').fill('Orders queue');
    await dialog.getByRole('checkbox', { name: /^message\.received/ }).check();
    await dialog.getByLabel('Exchange', { exact: true }).fill('bad exchange!');
    await dialog.getByRole('button', { name: 'Create Endpoint' }).click();
    // The API's error, under the destination's fields.
    await dialog.locator('.destination-fields .field-error', { hasText: /exchange: may contain only/ }).waitFor();
    await expectAccessible('13-create-broker-field-error');
    await dialog.getByLabel('Exchange', { exact: true }).fill('orders');
    await dialog.getByRole('button', { name: 'Create Endpoint' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.locator('.endpoint-row', { hasText: 'Orders queue' });
    await row.waitFor();
    const id = (await row.getAttribute('data-endpoint-id'))!;
    expect(await row.locator('.destination-kind').textContent()).toBe('RabbitMQ');
    expect(await row.locator('.endpoint-url .mono').textContent()).toBe('amqp://app:****@127.0.0.1/');
    // A broker URL does not open in a browser tab.
    expect(await row.getByRole('link', { name: /in a new tab/ }).count()).toBe(0);
    expect(await page.content()).not.toContain('s3cret');

    await row.locator('h2').getByRole('link', { name: 'Orders queue' }).click();
    await page.getByRole('heading', { name: 'Edit Endpoint' }).waitFor();
    expect(await page.getByLabel('Destination', { exact: true }).inputValue()).toBe('RABBITMQ');
    expect(await page.getByLabel('Exchange', { exact: true }).inputValue()).toBe('orders');
    // The handshake is HTTP's: no verify token for a broker.
    expect(await page.getByLabel('Verify token (optional)').count()).toBe(0);
    await expectAccessible('14-editor-broker');
    await page.getByLabel('Routing key', { exact: true }).fill('crm');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByText('Changes saved').waitFor();
    const saved = (await api(GetEndpoint, { id })).endpoint;
    expect(saved).toMatchObject({ url: 'amqp://app:****@127.0.0.1/', destination: { kind: 'RABBITMQ', exchange: 'orders', routingKey: 'crm' } });
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('hookwire.apiKey'))).toBeNull();
  });

  it('the operator view: the admin key lists accounts (search, status, endpoints, failing) and opens one, acting for it', async () => {
    const created = await t.gql(
      `mutation { createAccount(name: "Ops Customer", externalId: "ops-customer-1") { ... on CreateAccountSuccess { apiKey } } }`,
      {},
      ADMIN_KEY,
    );
    const customerKey = (created.data as { createAccount: { apiKey: string } }).createAccount.apiKey;
    const made = await t.gql(Create, { input: { url: receiver.url, description: 'Ops customer hook', eventTypes: ['*'] } }, customerKey);
    expect(made.data?.createEndpoint.__typename).toBe('EndpointSuccess');

    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.getByLabel('Search').fill('ops-customer');
    const rows = page.getByRole('table', { name: 'Accounts' }).locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000, message: await page.locator('main').innerText() }).toBe(1);
    expect(await rows.first().locator('td').allInnerTexts()).toEqual(['Ops Customer', 'ops-customer-1', 'Active', '1', '0', 'Open Portal link']);
    await page.getByLabel('Status').selectOption('DISABLED');
    await page.getByText('No accounts match.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await expectAccessible('13-operator-accounts');
    // A portal link for the customer (test/portal.test.ts opens them), shown to copy.
    await page.getByRole('button', { name: 'Portal link for Ops Customer' }).click();
    expect(await page.getByLabel('Portal link of Ops Customer').inputValue()).toMatch(new RegExp(`^${base}/portal#token=hkpt_`));

    await page.getByRole('button', { name: 'Open Ops Customer' }).click();
    await page.getByText('Acting for Ops Customer').waitFor();
    await page.getByText('Ops customer hook').waitFor();
    // Only that account's endpoints: Acme Support's are not on its list.
    expect(await page.locator('[data-endpoint-id]').count()).toBe(1);
    // A reload keeps acting for it (sessionStorage).
    await page.reload();
    await page.getByText('Acting for Ops Customer').waitFor();
    await page.getByRole('button', { name: 'All accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => [sessionStorage.getItem('hookwire.apiKey'), sessionStorage.getItem('hookwire.account')])).toEqual([null, null]);
  });
});
