// The hookwire CLI as a child process against the real service (in-process, worker included):
// its output for people and for scripts (--json), its exit codes, tail, and listen forwarding
// signed deliveries to a local receiver that verifies them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HookwireClient, unwrap } from '../packages/client/src/index.ts';
import { verifyWebhook } from '../packages/verify/src/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { createTestDatabase } from './support/db.ts';
import { runCli, startCli, type CliResult, type RunningCli } from './support/cli.ts';
import { startReceiver, type Receiver, type ReceivedRequest } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';
import { freePort } from '../src/db/local.ts';

let t: TestApp;
let receiver: Receiver;
let alice: { apiKey: string; client: HookwireClient };
let bob: { apiKey: string };
let dir: string;
/** A local port nothing listens on (fetch refuses some well-known ones, port 9 among them). */
let closedPort: number;
const running: RunningCli[] = [];

const env = (apiKey: string | undefined = alice.apiKey) => ({ HOOKWIRE_URL: t.url, HOOKWIRE_API_KEY: apiKey });
const hookwire = (args: string[], options: { apiKey?: string; stdin?: string; env?: Record<string, string | undefined> } = {}) =>
  runCli(args, { env: { ...env(options.apiKey), ...options.env }, stdin: options.stdin });

function json<T = any>(result: CliResult): T {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** The id a human-readable record prints on its `id` line. */
function idOf(result: CliResult): string {
  expect(result.code, result.stderr).toBe(0);
  return /^id\s+(\S+)$/m.exec(result.stdout)![1]!;
}

const listeners = () => t.app.notifications!.listenerCount;

/** Starts tail or listen and waits until the service has its subscription. */
async function startLive(args: string[], ready: RegExp, apiKey = alice.apiKey): Promise<RunningCli> {
  const before = listeners();
  const cli = startCli(args, { env: env(apiKey) });
  running.push(cli);
  await cli.waitFor(ready, 'stderr');
  await waitUntil(`the service to subscribe hookwire ${args[0]}`, () => listeners() > before, 10_000);
  return cli;
}

beforeAll(async () => {
  t = await startTestApp({ role: 'all' });
  receiver = await startReceiver();
  const a = await t.newAccount('alice');
  alice = { apiKey: a.apiKey, client: new HookwireClient({ url: t.url, apiKey: a.apiKey }) };
  bob = { apiKey: (await t.newAccount('bob')).apiKey };
  dir = await mkdtemp(join(tmpdir(), 'hookwire-cli-'));
  closedPort = await freePort();
}, 60_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

afterAll(async () => {
  await alice?.client.close();
  await receiver?.close();
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('usage, configuration and exit codes', () => {
  it('--help and --version exit 0; bad usage exits 2 with the reason on stderr', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const word of ['endpoints', 'events', 'deliveries', 'event-types', 'tail', 'listen', 'Exit codes:', 'HOOKWIRE_API_KEY']) expect(help.stdout).toContain(word);
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    expect((await runCli(['endpoints', 'create', '--help'])).stdout).toContain('--events <types>');

    const unknown = await hookwire(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect((await hookwire(['endpoints', 'create'])).code).toBe(2);
    expect((await hookwire(['endpoints', 'list', '--status', 'SLEEPING'])).stderr).toMatch(/ACTIVE, PAUSED, DISABLED/);

    const noKey = await runCli(['endpoints', 'list'], { env: { HOOKWIRE_URL: t.url } });
    expect(noKey).toMatchObject({ code: 2, stdout: '' });
    expect(noKey.stderr).toMatch(/HOOKWIRE_API_KEY/);
  });

  it('a refused key exits 5, an unreachable service 6, each saying so on stderr', async () => {
    const refused = await hookwire(['endpoints', 'list'], { apiKey: 'hk_not-a-key' });
    expect(refused).toMatchObject({ code: 5, stdout: '' });
    expect(refused.stderr).toMatch(/^hookwire: The API key is not valid/);
    const unreachable = await hookwire(['endpoints', 'list'], { env: { HOOKWIRE_URL: `http://127.0.0.1:${closedPort}/graphql` } });
    expect(unreachable).toMatchObject({ code: 6, stdout: '' });
    expect(unreachable.stderr).toContain(`cannot reach http://127.0.0.1:${closedPort}/graphql: fetch failed (connect ECONNREFUSED`);
    // Flags win over the environment.
    expect((await hookwire(['--url', t.url, '--api-key', alice.apiKey, 'endpoints', 'list'], { apiKey: 'hk_not-a-key' })).code).toBe(0);
  });
});

describe('endpoints', () => {
  it('create, list, show, update, pause, resume, rotate, test and delete', async () => {
    const created = await hookwire(['endpoints', 'create', receiver.url, '--events', 'message.*,session.connected', '--description', 'CRM sync', '--session-ids', 'cli-1']);
    const id = idOf(created);
    expect(created.stdout).toMatch(new RegExp(`^Created endpoint ${id}$`, 'm'));
    expect(created.stdout).toMatch(/^events\s+message\.\*,session\.connected$/m);
    const secret = /^signing secret\s+(whsec_\S+)$/m.exec(created.stdout)![1];

    const list = await hookwire(['endpoints', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+KIND\s+URL\s+EVENTS\s+DESCRIPTION$/);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+ACTIVE\\s+HTTP\\s+${receiver.url.replace(/[.?]/g, '\\$&')}\\s+message\\.\\*,session\\.connected\\s+CRM sync$`, 'm'));
    expect(json<Array<{ id: string; signingSecret?: string }>>(await hookwire(['endpoints', 'list', '--json'])).find((e) => e.id === id)).toBeDefined();

    const shown = await hookwire(['endpoints', 'show', id]);
    expect(shown.stdout).toContain(`signing secret  ${secret}`);
    expect(shown.stdout).toMatch(/^deliveries\s+0 total/m);

    const updated = await hookwire(['endpoints', 'update', id, '--description', 'CRM sync (eu)', '--rate-limit', '5', '--retry-schedule', '10,20']);
    expect(updated.stdout).toMatch(/^description\s+CRM sync \(eu\)$/m);
    expect(updated.stdout).toMatch(/^rate limit\s+5\/s$/m);
    expect(updated.stdout).toMatch(/^retries \(s\)\s+10,20$/m);
    expect((await hookwire(['endpoints', 'update', id])).code).toBe(2);

    expect((await hookwire(['endpoints', 'pause', id])).stdout).toBe(`Paused endpoint ${id}: PAUSED\n`);
    expect((await hookwire(['endpoints', 'resume', id])).stdout).toBe(`Resumed endpoint ${id}: ACTIVE\n`);
    const rotated = await hookwire(['endpoints', 'rotate', id, '--grace-period', '60']);
    const newSecret = /^new secret\s+(whsec_\S+)$/m.exec(rotated.stdout)![1];
    expect(newSecret).not.toBe(secret);

    const before = receiver.requests.length;
    const tested = await hookwire(['endpoints', 'test', id]);
    expect(tested.stdout).toMatch(new RegExp(`^Sent webhook\\.test evt_\\S+ to ${id}: delivery dlv_\\S+ \\(PENDING\\)$`, 'm'));
    const [request] = (await receiver.waitFor(before + 1)).slice(before);
    expect(verifyWebhook(request!.body, request!.headers, newSecret!)).toMatchObject({ type: 'webhook.test' });

    expect(await hookwire(['endpoints', 'delete', id])).toMatchObject({ code: 0, stdout: `Deleted endpoint ${id}\n` });
    expect(await hookwire(['endpoints', 'delete', id])).toMatchObject({ code: 3, stdout: '', stderr: expect.stringMatching(/not found|no endpoint/i) });
    expect((await hookwire(['endpoints', 'show', id])).code).toBe(3);
  });

  it('refused input exits 4 and names the field; another account sees nothing (3)', async () => {
    const refused = await hookwire(['endpoints', 'create', 'ftp://example.com/hook', '--events', 'message.*']);
    expect(refused).toMatchObject({ code: 4, stdout: '' });
    expect(refused.stderr).toMatch(/input\.url/);
    const id = json<{ id: string }>(await hookwire(['endpoints', 'create', receiver.url, '--json'])).id;
    expect(json<{ eventTypes: string[]; description: string }>(await hookwire(['endpoints', 'show', id, '--json']))).toMatchObject({ eventTypes: ['*'] });
    expect((await hookwire(['endpoints', 'show', id], { apiKey: bob.apiKey })).code).toBe(3);
    expect((await hookwire(['endpoints', 'delete', id], { apiKey: bob.apiKey })).code).toBe(3);
    expect((await hookwire(['endpoints', 'list', '--json'], { apiKey: bob.apiKey })).stdout).toBe('[]\n');
    expect((await hookwire(['endpoints', 'delete', id])).code).toBe(0); // it would receive every later test's events
  });

  it('endpoints create --destination rabbitmq --exchange …: a broker destination, its password masked; update changes one field of it', async () => {
    const created = await hookwire(['endpoints', 'create', 'amqp://app:s3cret@127.0.0.1:5672/', '--destination', 'rabbitmq', '--exchange', 'events', '--events', 'session.connected']);
    expect(created.code).toBe(0);
    const id = idOf(created);
    expect(created.stdout).toMatch(/^url\s+amqp:\/\/app:\*\*\*\*@127\.0\.0\.1\/$/m);
    expect(created.stdout).toMatch(/^destination\s+RabbitMQ exchange "events", routing key the event type$/m);
    expect(created.stdout).not.toContain('s3cret');
    const list = await hookwire(['endpoints', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+ACTIVE\\s+RABBITMQ\\s+amqp://app:\\*{4}@127\\.0\\.0\\.1/\\s`, 'm'));
    const updated = await hookwire(['endpoints', 'update', id, '--routing-key', 'crm']);
    expect(updated.stdout).toMatch(/^destination\s+RabbitMQ exchange "events", routing key "crm"$/m);
    const refused = await hookwire(['endpoints', 'update', id, '--destination', 'nats', '--subject', 'a.b']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/url.*NATS broker needs nats:\/\//);
    expect((await hookwire(['endpoints', 'create', 'redis://127.0.0.1', '--destination', 'kafka'])).stderr).toMatch(/must be one of http, rabbitmq, nats, redis/);
    expect((await hookwire(['endpoints', 'delete', id])).code).toBe(0);
  });
});

describe('events, deliveries and event types', () => {
  it('publishes from a file, stdin, inline JSON, the example, or a batch; reads deliveries; retries and recovers', async () => {
    const endpointId = json<{ id: string }>(await hookwire(['endpoints', 'create', receiver.url, '--events', 'message.*', '--session-ids', 'cli-ev', '--json'])).id;
    const example = (await alice.client.eventTypes.get('message.received'))!.example;
    const file = join(dir, 'data.json');
    await writeFile(file, JSON.stringify(example));

    const published: string[] = [];
    const publish = async (args: string[], stdin?: string) => {
      const result = await hookwire(['events', 'publish', ...args], { stdin });
      expect(result.code, result.stderr).toBe(0);
      const match = /^Published (evt_\S+) \(message\.received\): 1 delivery$/m.exec(result.stdout);
      expect(match, result.stdout).not.toBeNull();
      published.push(match![1]!);
      return result;
    };
    await publish(['message.received', '--session-id', 'cli-ev', '--data', file]);
    await publish(['message.received', '--session-id', 'cli-ev', '--data', '-'], JSON.stringify(example));
    await publish(['message.received', '--session-id', 'cli-ev'], JSON.stringify(example)); // piped stdin
    await publish(['message.received', '--session-id', 'cli-ev', '--data', JSON.stringify(example)]);
    await publish(['message.received', '--session-id', 'cli-ev', '--example', '--idempotency-key', 'cli-once']);

    const batchFile = join(dir, 'batch.json');
    await writeFile(batchFile, JSON.stringify([1, 2].map((n) => ({ type: 'message.received', sessionId: 'cli-ev', data: example, idempotencyKey: `cli-batch-${n}` }))));
    const batch = await hookwire(['events', 'publish', '--batch', '--data', batchFile]);
    expect(batch.stdout).toMatch(/^Published 2 events$/m);

    expect(await hookwire(['events', 'publish', 'message.received', '--data', '{not json'])).toMatchObject({ code: 2 });
    expect((await hookwire(['events', 'publish', 'message.received'], { stdin: '' })).stderr).toMatch(/No data/);
    expect(await hookwire(['events', 'publish', 'no.such.type', '--data', '{}'])).toMatchObject({ code: 4 });
    expect(await hookwire(['events', 'publish', 'no.such.type', '--example'])).toMatchObject({ code: 3 });

    const events = await hookwire(['events', 'list', '--session-id', 'cli-ev', '--limit', '3']);
    expect(events.stdout.split('\n')[0]).toMatch(/^ID\s+TYPE\s+SESSION\s+CREATED$/);
    expect(events.stdout.trim().split('\n')).toHaveLength(4);
    const shownEvent = await hookwire(['events', 'show', published[0]!]);
    expect(shownEvent.stdout).toContain(`"id": "${published[0]}"`);

    await waitUntil('the 7 deliveries to succeed', async () => (await alice.client.deliveries.page({ endpointId })).stats.succeeded === 7);
    const list = await hookwire(['deliveries', 'list', '--endpoint', endpointId, '--limit', '5']);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+ATTEMPTS\s+EVENT\s+TYPE\s+ENDPOINT\s+CREATED$/);
    expect(list.stdout).toMatch(/^5 of 7 shown; 7 succeeded, 0 failed, 0 pending$/m);
    const listed = json<{ deliveries: Array<{ id: string; status: string }>; totalCount: number }>(
      await hookwire(['deliveries', 'list', '--endpoint', endpointId, '--status', 'succeeded', '--since', '1h', '--json', '--limit', '150']),
    );
    expect(listed.totalCount).toBe(7);
    expect(listed.deliveries).toHaveLength(7);
    const deliveryId = listed.deliveries[0]!.id;

    const shown = await hookwire(['deliveries', 'show', deliveryId]);
    expect(shown.stdout).toMatch(/^#\s+TRIGGER\s+OUTCOME\s+STATUS\s+DURATION\s+STARTED\s+ERROR$/m);
    expect(shown.stdout).toMatch(/^1\s+SCHEDULED\s+SUCCESS\s+200\s+\d+ ms/m);
    expect((await hookwire(['deliveries', 'retry', deliveryId])).stdout).toMatch(new RegExp(`^Scheduled a retry of ${deliveryId}`));
    await waitUntil('the manual attempt', async () => (await alice.client.deliveries.get(deliveryId))!.attempts.length === 2);
    expect((await hookwire(['deliveries', 'show', deliveryId])).stdout).toMatch(/^2\s+MANUAL\s+SUCCESS\s+200/m);
    expect((await hookwire(['deliveries', 'recover', '--endpoint', endpointId, '--since', '1h'])).stdout).toBe('Scheduled 0 failed deliveries again\n');
    expect((await hookwire(['deliveries', 'show', 'dlv_none'])).code).toBe(3);
    expect((await hookwire(['deliveries', 'retry', deliveryId], { apiKey: bob.apiKey })).code).toBe(3);
  });

  it('event-types list and show', async () => {
    const list = await hookwire(['event-types', 'list']);
    expect(list.stdout).toMatch(/^message\.received\s+\S/m);
    const shown = await hookwire(['event-types', 'show', 'message.received']);
    expect(shown.stdout).toMatch(/^message\.received: /);
    expect(shown.stdout).toContain('Schema:');
    expect(shown.stdout).toContain('Example data:');
    expect(json<{ name: string }>(await hookwire(['event-types', 'show', 'message.received', '--json'])).name).toBe('message.received');
    expect((await hookwire(['event-types', 'show', 'no.such.type'])).code).toBe(3);
  });
});

describe('receivers written for other platforms', () => {
  const reshape = `function handler(webhook) {
  webhook.payload = { event: 'message', session: webhook.payload.sessionId, payload: webhook.payload.data };
  webhook.headers['X-WAHooks-Event'] = webhook.eventType;
  return webhook;
}
`;
  const wahooks = { name: 'x-wahooks-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-wahooks-timestamp' } as const;

  it('endpoints create and update take an own secret, a signature header, a transformation and a filter', async () => {
    const transformationFile = join(dir, 'wahooks.js');
    await writeFile(transformationFile, reshape);
    const filter = { data: { content: { text: { $startsWith: 'hello' } } } };
    const created = await hookwire([
      'endpoints', 'create', receiver.url, '--events', 'message.received', '--session-ids', 'cli-compat',
      '--signing-secret', 'your-signing-secret',
      '--signature-header', 'X-WAHooks-Signature', '--timestamp-header', 'X-WAHooks-Timestamp',
      '--transformation-file', transformationFile, '--filter', JSON.stringify(filter),
    ]);
    const id = idOf(created);
    expect(created.stdout).toMatch(/^signing secret\s+your-signing-secret$/m);
    expect(created.stdout).toMatch(/^signature\s+x-wahooks-signature SHA256_HEX_TIMESTAMPED \(seconds in x-wahooks-timestamp\)$/m);
    expect(created.stdout).toMatch(/^transformation\s+5 lines$/m);
    expect(created.stdout).toContain(`filter          ${JSON.stringify(filter)}`);
    const shown = await hookwire(['endpoints', 'show', id]);
    expect(shown.stdout).toContain(`Transformation:\n${reshape}`);
    expect(json(await hookwire(['endpoints', 'show', id, '--json']))).toMatchObject({ signingSecret: 'your-signing-secret', signatureHeader: wahooks, transformation: reshape, filter });

    // The filter lets 'hello' through; the receiver gets the transformed bytes, signed as it expects.
    const example = (await alice.client.eventTypes.get('message.received'))!.example as { content: object };
    const before = receiver.requests.length;
    const skipped = await hookwire(['events', 'publish', 'message.received', '--session-id', 'cli-compat', '--data', JSON.stringify({ ...example, content: { text: 'bye' } })]);
    expect(skipped.stdout).toMatch(/: 0 deliveries$/m);
    await hookwire(['events', 'publish', 'message.received', '--session-id', 'cli-compat', '--data', JSON.stringify({ ...example, content: { text: 'hello' } })]);
    const [request] = (await receiver.waitFor(before + 1)).slice(before);
    expect(JSON.parse(request!.body)).toMatchObject({ event: 'message', session: 'cli-compat', payload: { content: { text: 'hello' } } });
    expect(verifyWebhook(request!.body, request!.headers, 'your-signing-secret', { signatureHeader: wahooks })).toMatchObject({ event: 'message' });
    expect(verifyWebhook(request!.body, request!.headers, 'your-signing-secret')).toMatchObject({ event: 'message' });

    // Update: a flag not given keeps its value; --timestamp-header alone means the timestamped format.
    const hex = json(await hookwire(['endpoints', 'update', id, '--signature-format', 'hex', '--json']));
    expect(hex.signatureHeader).toEqual({ name: 'x-wahooks-signature', format: 'HEX', timestampHeader: null });
    const renamed = json(await hookwire(['endpoints', 'update', id, '--signature-header', 'x-platform-signature', '--json']));
    expect(renamed.signatureHeader).toEqual({ name: 'x-platform-signature', format: 'HEX', timestampHeader: null });
    const timestamped = json(await hookwire(['endpoints', 'update', id, '--timestamp-header', 'x-platform-timestamp', '--json']));
    expect(timestamped.signatureHeader).toEqual({ name: 'x-platform-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-platform-timestamp' });
    const secret = json(await hookwire(['endpoints', 'update', id, '--signing-secret', 'a-newer-own-secret-0123', '--json']));
    expect(secret).toMatchObject({ signingSecret: 'a-newer-own-secret-0123', signatureHeader: timestamped.signatureHeader, transformation: reshape, filter });
    // An empty transformation (here from stdin) and {} (here from a file) remove them.
    const emptyFilter = join(dir, 'no-filter.json');
    await writeFile(emptyFilter, '{}');
    const removed = await hookwire(['endpoints', 'update', id, '--transformation-file', '-', '--filter', `@${emptyFilter}`], { stdin: '' });
    expect(removed.stdout).toMatch(/^transformation\s+-$/m);
    expect(removed.stdout).toMatch(/^filter\s+-$/m);
    expect((await hookwire(['endpoints', 'delete', id])).code).toBe(0);
  });

  it('refused input exits 4 with each field path on stderr; bad flags exit 2', async () => {
    const endpointsBefore = json<unknown[]>(await hookwire(['endpoints', 'list', '--json'])).length;
    const refused = await hookwire(['endpoints', 'create', receiver.url, '--signing-secret', 'short', '--signature-format', 'SHA256_HEX_TIMESTAMPED']);
    expect(refused).toMatchObject({ code: 4, stdout: '' });
    expect(refused.stderr).toContain('input.signingSecret');
    expect(refused.stderr).toContain('input.signatureHeader.timestampHeader');
    const broken = join(dir, 'broken.js');
    await writeFile(broken, 'function handler(w) {\n  return w +;\n}\n');
    const syntax = await hookwire(['endpoints', 'create', receiver.url, '--transformation-file', broken]);
    expect(syntax).toMatchObject({ code: 4, stdout: '' });
    expect(syntax.stderr).toMatch(/input\.transformation.*line 2/);
    const badFilter = await hookwire(['endpoints', 'create', receiver.url, '--filter', '{"data":{"status":{"$regex":"x"}}}']);
    expect(badFilter).toMatchObject({ code: 4 });
    expect(badFilter.stderr).toMatch(/input\.filter\.data\.status/);

    expect(await hookwire(['endpoints', 'create', receiver.url, '--filter', '{not json'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--filter is not JSON/) });
    expect(await hookwire(['endpoints', 'create', receiver.url, '--transformation-file', join(dir, 'none.js')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/Cannot read/) });
    expect(await hookwire(['endpoints', 'create', receiver.url, '--signature-format', 'SHA1'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/SHA256_HEX, HEX, SHA256_HEX_TIMESTAMPED/) });
    expect((await hookwire(['endpoints', 'create', receiver.url, '--transformation-file', '-', '--filter', '-'])).stderr).toMatch(/Only one of --transformation-file, --filter/);
    expect((await hookwire(['endpoints', 'update', 'ep_doesnotexist', '--signature-format', 'HEX'])).code).toBe(3);
    expect(json<unknown[]>(await hookwire(['endpoints', 'list', '--json']))).toHaveLength(endpointsBefore); // nothing was stored
  });

  it('event-types create, update, archive and unarchive the account\'s own types', async () => {
    const schemaFile = join(dir, 'order.schema.json');
    const schema = { type: 'object', properties: { orderId: { type: 'string' }, items: { type: 'integer' } }, required: ['orderId'], additionalProperties: false };
    await writeFile(schemaFile, JSON.stringify(schema));
    const created = await hookwire(['event-types', 'create', 'order.shipped', '--description', 'An order left the warehouse', '--schema', schemaFile, '--example', '{"orderId":"o-1"}']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Created event type order\.shipped\norder\.shipped: An order left the warehouse\n\(this account's own\)\n/);
    expect(created.stdout).toContain('"orderId": "o-1"');
    expect((await hookwire(['event-types', 'list'])).stdout).toMatch(/^order\.shipped\s+custom\s+An order left the warehouse$/m);
    expect((await hookwire(['event-types', 'list'])).stdout).toMatch(/^message\.received\s+built-in\s+\S/m);
    expect(json(await hookwire(['event-types', 'show', 'order.shipped', '--json']))).toMatchObject({ name: 'order.shipped', custom: true, archived: false, schema, example: { orderId: 'o-1' } });

    const again = await hookwire(['event-types', 'create', 'order.shipped', '--description', 'x', '--schema', `@${schemaFile}`, '--example', '{"orderId":"o-1"}']);
    expect(again).toMatchObject({ code: 4, stdout: '' });
    expect(again.stderr).toContain('input.name');
    const badExample = await hookwire(['event-types', 'create', 'order.lost', '--description', 'x', '--schema', '-', '--example', '{"orderId":7}'], { stdin: JSON.stringify(schema) });
    expect(badExample).toMatchObject({ code: 4 });
    expect(badExample.stderr).toContain('input.example.orderId');
    expect((await hookwire(['event-types', 'create', 'order.lost', '--description', 'x', '--schema', '{"type":"object"}'])).code).toBe(2); // no --example

    const updated = json(await hookwire(['event-types', 'update', 'order.shipped', '--example', '{"orderId":"o-2","items":3}', '--description', 'Shipped', '--json']));
    expect(updated).toMatchObject({ description: 'Shipped', example: { orderId: 'o-2', items: 3 } });
    expect((await hookwire(['event-types', 'update', 'order.shipped'])).code).toBe(2);
    expect((await hookwire(['event-types', 'update', 'order.nope', '--description', 'x'])).code).toBe(3);

    expect(await hookwire(['event-types', 'archive', 'order.shipped'])).toMatchObject({ code: 0, stdout: 'Archived event type order.shipped\n' });
    expect((await hookwire(['event-types', 'list'])).stdout).toMatch(/^order\.shipped\s+custom, archived\s+Shipped$/m);
    const archived = await hookwire(['events', 'publish', 'order.shipped', '--data', '{"orderId":"o-3"}']);
    expect(archived).toMatchObject({ code: 4 });
    expect(archived.stderr).toContain('input.type');
    expect(json(await hookwire(['event-types', 'unarchive', 'order.shipped', '--json']))).toMatchObject({ name: 'order.shipped', archived: false });
    expect((await hookwire(['events', 'publish', 'order.shipped', '--data', '{"orderId":"o-3"}'])).code).toBe(0);
    // Another account sees none of it.
    expect((await hookwire(['event-types', 'show', 'order.shipped'], { apiKey: bob.apiKey })).code).toBe(3);
    expect((await hookwire(['event-types', 'archive', 'order.shipped'], { apiKey: bob.apiKey })).code).toBe(3);
  });

  it('endpoints preview-transformation prints the exact body; the added headers go to stderr', async () => {
    const file = join(dir, 'preview.js');
    await writeFile(file, reshape);
    const expected = unwrap(await alice.client.previewTransformation(reshape, 'message.received'));
    const preview = await hookwire(['endpoints', 'preview-transformation', '--file', file, '--event-type', 'message.received']);
    expect(preview).toMatchObject({ code: 0, stdout: expected.body });
    expect(preview.stderr).toBe('Headers it adds: x-wahooks-event: message.received\n');
    expect(JSON.parse(preview.stdout)).toMatchObject({ event: 'message', payload: (await alice.client.eventTypes.get('message.received'))!.example as object });

    const text = `function handler(w) { w.payload = 'text=' + w.payload.data.content.text; return w }`;
    const onData = await hookwire(['endpoints', 'preview-transformation', '--file', '-', '--event-type', 'message.received', '--data', '{"messageId":"m1","from":"1","content":{"text":"given"}}'], { stdin: text });
    expect(onData).toMatchObject({ code: 0, stdout: 'text=given', stderr: '' });
    expect(json(await hookwire(['endpoints', 'preview-transformation', '--file', file, '--event-type', 'message.received', '--json']))).toEqual({
      body: expected.body,
      headers: { 'x-wahooks-event': 'message.received' },
    });

    await writeFile(join(dir, 'throws.js'), 'function handler(w) {\n  throw new Error("nope");\n}\n');
    const broken = await hookwire(['endpoints', 'preview-transformation', '--file', join(dir, 'throws.js'), '--event-type', 'message.received']);
    expect(broken).toMatchObject({ code: 4, stdout: '' });
    expect(broken.stderr).toMatch(/transformation.*line 2.*nope/);
    expect((await hookwire(['endpoints', 'preview-transformation', '--file', file])).code).toBe(2);
  });
});

describe('tail', () => {
  it('prints each attempt as it finishes, one JSON value per line with --json, and exits 0 on Ctrl-C', async () => {
    const endpoint = await alice.client.createWebhook('cli-tail', receiver.url, ['*']);
    const human = await startLive(['tail', '--endpoint', endpoint.id], /Tailing/);
    const machine = await startLive(['tail', '--json', '--events', 'webhook.*'], /Tailing/);
    const delivery = await alice.client.testWebhook(endpoint.id);
    await human.waitFor(/SUCCESS/, 'stdout');
    await machine.waitFor(/\n/, 'stdout');
    expect(human.lines()[0]).toMatch(new RegExp(`^\\S+Z\\s+SUCCESS\\s+200\\s+\\d+ ms\\s+webhook\\.test\\s+${delivery.id}#1\\s+${endpoint.id}$`));
    expect(JSON.parse(machine.lines()[0]!)).toMatchObject({ outcome: 'SUCCESS', attemptNumber: 1, delivery: { id: delivery.id } });
    expect(await human.stop()).toMatchObject({ code: 0 });
    expect(await machine.stop()).toMatchObject({ code: 0 });
  });
});

describe('listen', () => {
  let local: Receiver;
  let verified: Array<{ request: ReceivedRequest; ok: boolean }>;
  let secret = '';

  beforeAll(async () => {
    verified = [];
    // The developer's receiver: verifies every request with the endpoint's secret.
    local = await startReceiver((request) => {
      try {
        verifyWebhook(request.body, request.headers, secret);
        verified.push({ request, ok: true });
        return { status: 200, body: 'ok' };
      } catch (error) {
        verified.push({ request, ok: false });
        return { status: 401, body: `refused: ${(error as Error).message}` };
      }
    });
  });

  afterAll(async () => {
    await local?.close();
  });

  it('forwards each delivery with its signed headers and exact body; the local receiver verifies it', async () => {
    const endpoint = await alice.client.createWebhook('cli-listen', receiver.url, ['*']);
    secret = endpoint.signingSecret;
    const cli = await startLive(['listen', '--endpoint', endpoint.id, '--forward-to', local.url], /^Ready: forwarding/m);
    expect(cli.stderr).toContain(`Listening to ${endpoint.id} (${receiver.url}, ACTIVE)`);

    const before = receiver.requests.length;
    const tested = await hookwire(['endpoints', 'test', endpoint.id]);
    const published = unwrap(
      await alice.client.events.publish({ type: 'message.received', sessionId: 'cli-listen', data: (await alice.client.eventTypes.get('message.received'))!.example }),
    ).event;
    await local.waitFor(2);
    await cli.waitFor(/(→ 200 OK[^\n]*\n[^\n]*){2}/, 'stdout');

    expect(verified.map((v) => v.ok)).toEqual([true, true]);
    const real = (await receiver.waitFor(before + 2)).slice(before);
    for (const forwarded of local.requests) {
      const original = real.find((r) => r.headers['webhook-id'] === forwarded.headers['webhook-id'])!;
      expect(forwarded.body).toBe(original.body);
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-signature', 'x-webhook-event', 'content-type', 'user-agent']) {
        expect(forwarded.headers[name], name).toBe(original.headers[name]);
      }
    }
    const testEvent = /(evt_\S+) to/.exec(tested.stdout)![1];
    const lines = cli.lines();
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes(testEvent!))).toMatch(/^\S+Z\s+webhook\.test\s+evt_\S+\s+dlv_\S+#1\s+→ 200 OK\s+\(\d+ ms\)$/);
    expect(lines.find((l) => l.includes(published.id))).toMatch(/message\.received.*→ 200 OK/);
    expect(await cli.stop()).toMatchObject({ code: 0 });
  });

  it("forwards the bytes an endpoint's transformation made, which the local receiver verifies with its signatureHeader", async () => {
    const ownSecret = 'your-signing-secret';
    const signatureHeader = { name: 'x-wahooks-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-wahooks-timestamp' } as const;
    const transformation = `function handler(w) {
  w.payload = { event: w.eventType, session: w.payload.sessionId, payload: w.payload.data };
  w.headers['X-WAHooks-Event'] = w.eventType;
  return w;
}`;
    // The developer's receiver, written for WAHooks: its header and timestamp, and the Standard Webhooks ones.
    const checks: string[] = [];
    const wahooks = await startReceiver((request) => {
      try {
        verifyWebhook(request.body, request.headers, ownSecret, { signatureHeader });
        verifyWebhook(request.body, request.headers, ownSecret);
        checks.push('ok');
        return { status: 200, body: 'ok' };
      } catch (error) {
        checks.push((error as Error).message);
        return { status: 401, body: `refused: ${(error as Error).message}` };
      }
    });
    try {
      const endpoint = unwrap(
        await alice.client.endpoints.create({ url: receiver.url, description: 'WAHooks', eventTypes: ['webhook.test'], signingSecret: ownSecret, signatureHeader, transformation }),
      ).endpoint;
      const cli = await startLive(['listen', '--endpoint', endpoint.id, '--forward-to', wahooks.url], /^Ready/m);
      const before = receiver.requests.length;
      const delivery = await alice.client.testWebhook(endpoint.id);
      await cli.waitFor(new RegExp(`${delivery.id}#1\\s+→ \\d+`), 'stdout');
      expect(checks).toEqual(['ok']);
      expect(cli.lines()[0]).toMatch(new RegExp(`webhook\\.test\\s+${delivery.event.id}\\s+${delivery.id}#1\\s+→ 200 OK`));

      const [original] = (await receiver.waitFor(before + 1)).slice(before);
      const [forwarded] = wahooks.requests;
      expect(forwarded!.body).toBe(original!.body);
      expect(JSON.parse(forwarded!.body)).toEqual({ event: 'webhook.test', session: null, payload: expect.any(Object) });
      for (const name of ['x-wahooks-signature', 'x-wahooks-timestamp', 'x-wahooks-event', 'webhook-signature', 'webhook-timestamp']) {
        expect(forwarded!.headers[name], name).toBe(original!.headers[name]);
      }
      // What history shows as the attempt's requestBody is the same bytes.
      const attempts = (await alice.client.deliveries.get(delivery.id))!.attempts;
      expect(attempts.map((a) => a.requestBody)).toEqual([forwarded!.body]);
      expect(await cli.stop()).toMatchObject({ code: 0 });
    } finally {
      await wahooks.close();
    }
  });

  it('forwards a delivery once, its manual retries again; --all-attempts forwards every attempt; a local failure is printed', async () => {
    let calls = 0;
    const flaky = await startReceiver(() => (calls++ === 0 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
    try {
      const created = unwrap(await alice.client.endpoints.create({ url: flaky.url, description: 'flaky', eventTypes: ['*'], retrySchedule: [1] })).endpoint;
      secret = created.signingSecret;
      verified.length = 0;
      local.requests.length = 0;
      const once = await startLive(['listen', '--endpoint', created.id, '--forward-to', local.url], /^Ready/m);
      const every = await startLive(['listen', '--endpoint', created.id, '--forward-to', local.url, '--all-attempts', '--json'], /^Ready/m);
      const down = await startLive(['listen', '--endpoint', created.id, '--forward-to', `http://127.0.0.1:${closedPort}/webhook`], /^Ready/m);

      const delivery = await alice.client.testWebhook(created.id);
      await waitUntil('the retry to succeed', async () => (await alice.client.deliveries.get(delivery.id))!.status === 'SUCCEEDED');
      await once.waitFor(/skipped/, 'stdout');
      await every.waitFor(/("attemptNumber":2[^\n]*"forwarded":true|"forwarded":true[^\n]*"attemptNumber":2)/, 'stdout');
      expect(once.lines()).toHaveLength(2);
      expect(once.lines()[0]).toMatch(new RegExp(`${delivery.id}#1\\s+→ 200 OK`));
      expect(once.lines()[1]).toMatch(new RegExp(`${delivery.id}#2\\s+skipped: a retry of a delivery already forwarded`));
      const all = every.lines().map((line) => JSON.parse(line) as { attemptNumber: number; forwarded: boolean; status: number; outcome: string });
      expect(all.map((e) => [e.attemptNumber, e.forwarded, e.status, e.outcome])).toEqual([
        [1, true, 200, 'HTTP_ERROR'],
        [2, true, 200, 'SUCCESS'],
      ]);

      // A person's retry is forwarded again.
      unwrap(await alice.client.deliveries.retry(delivery.id));
      await once.waitFor(/#3\s+→ 200 OK/, 'stdout');
      await down.waitFor(/#3\s+→ error: connect ECONNREFUSED/, 'stdout');
      await every.waitFor(/"attemptNumber":3/, 'stdout');
      expect(down.lines()[0]).toMatch(/#1\s+→ error: connect ECONNREFUSED 127\.0\.0\.1:\d+\s+\(\d+ ms\)$/);
      expect(verified.every((v) => v.ok)).toBe(true);
      expect(verified).toHaveLength(5); // once: #1 and #3; every: #1, #2 and #3
    } finally {
      await flaky.close();
    }
  });

  it('reconnects when the service restarts, says so once, and forwards again', async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    const start = () => startTestApp({ role: 'all', database: db, env: { PORT: String(port) } });
    let service = await start();
    try {
      const { apiKey } = await service.newAccount('restart');
      const client = new HookwireClient({ url: service.url, apiKey });
      const endpoint = await client.createWebhook(null, 'https://localhost/webhook', ['*']);
      secret = endpoint.signingSecret;
      const cli = startCli(['listen', '--endpoint', endpoint.id, '--forward-to', local.url], { env: { HOOKWIRE_URL: service.url, HOOKWIRE_API_KEY: apiKey } });
      running.push(cli);
      await cli.waitFor(/^Ready/m, 'stderr');

      await service.stop();
      await cli.waitFor(/Connection lost/, 'stderr');
      service = await start();
      await cli.waitFor(/^Reconnected\. Ready/m, 'stderr', 30_000);
      await waitUntil('the subscription again', () => service.app.notifications!.listenerCount > 0, 10_000);
      const delivery = await new HookwireClient({ url: service.url, apiKey }).testWebhook(endpoint.id);
      await cli.waitFor(new RegExp(`${delivery.id}#1\\s+→ 200 OK`), 'stdout');
      expect(cli.stderr.match(/Connection lost/g)).toHaveLength(1);
      expect(await cli.stop()).toMatchObject({ code: 0 });
    } finally {
      await service.stop();
      await db.drop();
    }
  }, 60_000);

  it('stays within the account: another account cannot listen to the endpoint (exit 3)', async () => {
    const endpoint = await alice.client.createWebhook('cli-iso', receiver.url, ['*']);
    const result = await hookwire(['listen', '--endpoint', endpoint.id, '--forward-to', local.url], { apiKey: bob.apiKey });
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toContain(`No endpoint ${endpoint.id} in this account`);
    expect((await hookwire(['listen', '--endpoint', endpoint.id, '--forward-to', 'not-a-url'])).code).toBe(2);
  });
});
