// What an operator sees: while Postgres is unreachable every API call is a 503 with Retry-After
// (never a 500) and /readyz says only "database unreachable"; /metrics can be closed with a bearer
// token, is cheap to scrape and has plain names; a key making too many requests gets a 429;
// unexpected errors are masked in production and detailed in development.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { closeSql, sql } from './support/api.ts';
import { waitUntil } from './support/wait.ts';

const VIEWER = '{ viewer { id } }';

async function post(app: TestApp, query: string, key: string | null) {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

/** A TCP relay in front of Postgres that the test can cut (refusing and dropping connections) and mend. */
class CuttableRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  private readonly target: { host: string; port: number };

  constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe('while Postgres is unreachable', () => {
  let database: TestDatabase;
  let relay: CuttableRelay;
  let t: TestApp;
  let cachedKey: string;
  let coldKey: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    relay = new CuttableRelay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.open();
    url.host = `127.0.0.1:${relay.port}`;
    t = await startTestApp({ database: { ...database, url: url.toString() } });
    cachedKey = (await t.newAccount('cached')).apiKey;
    coldKey = (await t.newAccount('cold')).apiKey;
    expect((await post(t, VIEWER, cachedKey)).status).toBe(200);
    await relay.cut();
  });
  afterAll(async () => {
    await relay?.open();
    await t?.stop();
    await database?.drop();
  });

  it('answers a known key with 503 and Retry-After', async () => {
    const result = await post(t, '{ endpoints { totalCount } }', cachedKey);
    expect(result.status).toBe(503);
    expect(result.headers.get('retry-after')).toBe('5');
    expect(result.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(result.text).not.toMatch(/127\.0\.0\.1|5432|ECONNREFUSED|prisma/i);
  });

  it('answers a key not yet looked up (authentication needs the database) with 503', async () => {
    const result = await post(t, VIEWER, coldKey);
    expect(result.status).toBe(503);
    expect(result.headers.get('retry-after')).toBe('5');
    expect(result.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('answers a mutation with 503', async () => {
    const result = await post(t, 'mutation { createApiKey(name: "x") { __typename } }', cachedKey);
    expect(result.status).toBe(503);
  });

  it('says only "database unreachable" on /readyz', async () => {
    const response = await fetch(t.url.replace(/\/graphql$/, '/readyz'));
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('database unreachable\n');
  });

  it('still serves /metrics', async () => {
    const response = await fetch(t.url.replace(/\/graphql$/, '/metrics'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('hookwire_deliveries_pending');
  });

  it('recovers once Postgres is back', async () => {
    await relay.open();
    await waitUntil('the API answers again', async () => (await post(t, VIEWER, coldKey)).status === 200, 20_000, 200);
  });
});

describe('/metrics', () => {
  const TOKEN = 'metrics-token-0123456789';
  let t: TestApp;
  const counts: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { HOOKWIRE_METRICS_TOKEN: TOKEN }, onQuery: (q) => /count\(\*\)/i.test(q) && /PENDING/.test(q) && counts.push(q) });
  });
  afterAll(async () => {
    await closeSql(t);
    await t?.stop();
  });
  const metricsUrl = () => t.url.replace(/\/graphql$/, '/metrics');

  it('refuses a scrape without the bearer token', async () => {
    const none = await fetch(metricsUrl());
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(metricsUrl(), { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });

  it('answers with the token, with names that have no doubled prefix', async () => {
    const response = await fetch(metricsUrl(), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('hookwire_process_cpu_seconds_total');
    expect(text).toContain('hookwire_nodejs_heap_size_used_bytes');
    expect(text).not.toContain('hookwire_process_process_');
    expect(text).toContain('hookwire_deliveries_pending 0');
  });

  it('counts pending deliveries at most once per refresh period, however often it is scraped', async () => {
    counts.length = 0;
    await Promise.all(Array.from({ length: 20 }, () => fetch(metricsUrl(), { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text())));
    for (let i = 0; i < 20; i++) await (await fetch(metricsUrl(), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(counts.length).toBeLessThanOrEqual(1);
  });

  it('counts from the partial index of pending deliveries, not the whole table', async () => {
    await sql(t, 'SET enable_seqscan = off');
    const plan = (await sql<{ 'QUERY PLAN': string }>(t, "EXPLAIN SELECT count(*) FROM delivery WHERE status = 'PENDING'")).map((r) => r['QUERY PLAN']).join('\n');
    // delivery is partitioned by week: each partition scans its own copy of one of the partial
    // indexes of pending deliveries (the claim index, the pending backlog by endpoint or account).
    const claimIndexes = (
      await sql<{ name: string }>(
        t,
        `SELECT c.relname AS name FROM unnest(ARRAY['delivery_claim_idx', 'delivery_pending_idx', 'delivery_account_pending_idx']::regclass[]) AS parent,
                LATERAL pg_partition_tree(parent) p JOIN pg_class c ON c.oid = p.relid`,
      )
    ).map((r) => r.name);
    const used = [...plan.matchAll(/Scan using (\S+)/g)].map((m) => m[1]);
    expect(plan).not.toMatch(/Seq Scan/);
    expect(used.length).toBeGreaterThan(0);
    for (const index of used) expect(claimIndexes).toContain(index);
  });
});

describe('requests per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { HOOKWIRE_API_RATE_LIMIT: '2', HOOKWIRE_API_RATE_BURST: '3' } });
  });
  afterAll(async () => t?.stop());

  it('answers a key past its rate with 429, RATE_LIMITED and Retry-After, and no other key', async () => {
    const { apiKey: busy } = await t.newAccount('busy');
    const { apiKey: calm } = await t.newAccount('calm');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await post(t, VIEWER, busy));
    expect(results.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    const limited = results[4]!;
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(limited.body.errors?.[0]?.message).toMatch(/Too many requests/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post(t, VIEWER, calm)).status).toBe(200);
    await waitUntil('the busy key may call again', async () => (await post(t, VIEWER, busy)).status === 200, 5_000, 300);
  });
});

describe('unexpected errors', () => {
  let database: TestDatabase;
  let production: TestApp;
  let development: TestApp;
  let key: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    production = await startTestApp({ database, env: { NODE_ENV: 'production' } });
    development = await startTestApp({ database, env: { NODE_ENV: 'development' } });
    key = (await production.newAccount('broken')).apiKey;
    // A fault no input can cause: a column the code expects is gone.
    await sql(production, 'ALTER TABLE endpoint RENAME COLUMN description TO description_gone');
  });
  afterAll(async () => {
    await closeSql(production);
    await development?.stop();
    await production?.stop();
    await database?.drop();
  });

  it('are masked in production: no stack, no SQL', async () => {
    const result = await post(production, '{ endpoints { edges { node { description } } } }', key);
    expect(result.body.errors?.[0]?.message).toBe('Unexpected error.');
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(result.text).not.toMatch(/description_gone|does not exist|SELECT|prisma|stack/i);
  });

  it('are detailed in development', async () => {
    const result = await post(development, '{ endpoints { edges { node { description } } } }', key);
    const original = result.body.errors?.[0]?.extensions?.originalError as { message: string; stack: string };
    expect(original.message).toMatch(/description/);
    expect(original.stack).toMatch(/\n\s+at /);
  });
});
