// The API's request budgets, measured the way they are abused: an API key's budget holds across
// every API process of a deployment (one bucket per key in Postgres, not one per process), and
// callers without a valid key (anonymous, or a made-up key) are limited per client address before
// any database work, so a flood of random keys from one address leaves other callers' requests as
// fast as they were. Each case prints its figures beside the ones measured before this change.
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, Pool } from 'undici';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ADMIN_KEY, startHookwire, type HookwireProcess } from '../bench/processes.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

const VIEWER = JSON.stringify({ query: '{ viewer { id } }' });

/** Figures of the code before this change (the issue's, and this file's own first run), printed beside today's. */
const BEFORE: Record<string, string> = {
  'two API processes, budget 120 (+1/s)': 'issue 15: 225 of 300 let through; this test on the code before: 242 of 300 in 1.3 s',
  'limiter cost per request (p50, ms)': 'in-process bucket, no SQL: -0.02 to +0.07 ms, but one budget per process',
  'flood of random keys: authenticated p50 (ms)': 'issue 15: 6 quiet → 116 under the flood; this test on the code before: 4.4 → 109 and 4.3 → 265',
  'flood of random keys: API peak RSS (MB)': 'issue 15: 216 → 302; this test on the code before: 177 → 277 and 177 → 251',
  'flood of random keys: answered 401 after a key lookup': 'every one: 3,156 of 3,156 (514/s) and 1,825 of 1,825 (301/s)',
};

const figures: Array<{ case: string; now: string; before: string }> = [];
function report(name: string, now: string) {
  figures.push({ case: name, now, before: BEFORE[name] ?? '' });
}

const apps: TestApp[] = [];
const processes: HookwireProcess[] = [];
const databases: TestDatabase[] = [];

afterAll(async () => {
  console.table(figures);
  for (const process of processes) await process.stop();
  for (const app of apps) await app.stop();
  for (const database of databases) await database.drop();
});

interface Answer {
  status: number;
  code: string | undefined;
  retryAfter: string | null;
}

async function post(pool: Pool, body: string, key: string | null, path = '/graphql'): Promise<Answer & { ms: number }> {
  const started = performance.now();
  const res = await pool.request({
    path,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body,
  });
  const text = await res.body.text();
  const ms = performance.now() - started;
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
  } catch {
    /* not JSON */
  }
  const retryAfter = res.headers['retry-after'];
  return { status: res.statusCode, code, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, ms };
}

async function createAccountKey(pool: Pool): Promise<string> {
  const body = JSON.stringify({ query: 'mutation { createAccount(name: "victim") { ... on CreateAccountSuccess { apiKey } } }' });
  const res = await pool.request({
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer ${ADMIN_KEY}` },
    body,
  });
  const created = (await res.body.json()) as { data: { createAccount: { apiKey: string } } };
  return created.data.createAccount.apiKey;
}

/**
 * An undici connector whose sockets leave from `localAddress` (any of 127/8 on Linux), so a test
 * can be several clients at once. (undici's `connect: { localAddress }` is not passed to the socket.)
 */
function connectFrom(localAddress: string) {
  return ((options: { hostname: string; port: string }, callback: (error: Error | null, socket: Socket | null) => void) => {
    const socket = connect({ host: options.hostname, port: Number(options.port), localAddress });
    socket.once('connect', () => callback(null, socket)).once('error', (error) => callback(error, null));
    return socket;
  }) as unknown as Pool.Options['connect'];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Runs `count` calls of `send`, at most `concurrency` at once. */
async function inParallel<T>(count: number, concurrency: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await send(i);
      }
    }),
  );
  return results;
}

describe("an API key's budget", () => {
  it('holds across two API processes on one database', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    // A burst of 120, refilled at 1 a second: the budget of a key over the few seconds the test runs.
    const env = { HOOKWIRE_API_RATE_LIMIT: '1', HOOKWIRE_API_RATE_BURST: '120' };
    apps.push(await startTestApp({ database, env }), await startTestApp({ database, env }));
    const { apiKey } = await apps[0]!.newAccount('shared budget');
    const pools = apps.map((app) => new Pool(new URL(app.url).origin, { connections: 8 }));
    const started = performance.now();
    const answers = await inParallel(300, 16, (i) => post(pools[i % 2]!, VIEWER, apiKey));
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(pools.map((pool) => pool.close()));

    const passed = answers.filter((a) => a.status === 200).length;
    const limited = answers.filter((a) => a.status === 429);
    report('two API processes, budget 120 (+1/s)', `${passed} of 300 let through in ${seconds.toFixed(1)} s; ${limited.length} answered 429`);
    // The whole budget is usable, and no more of it than the bucket holds plus what refilled meanwhile.
    expect(passed).toBeGreaterThanOrEqual(120);
    expect(passed).toBeLessThanOrEqual(120 + Math.ceil(seconds) + 1);
    expect(limited.length).toBe(300 - passed);
    for (const answer of limited) {
      expect(answer.code).toBe('RATE_LIMITED');
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});

describe('the limiter on the hot path', () => {
  it('adds little to a request: most requests take from a local lease, few reach Postgres', async () => {
    const limited = await startTestApp();
    const unlimited = await startTestApp({ env: { HOOKWIRE_API_RATE_LIMIT: '0' } });
    apps.push(limited, unlimited);
    const timings: number[][] = [[], []];
    const keys = [(await limited.newAccount('limited')).apiKey, (await unlimited.newAccount('unlimited')).apiKey];
    const pools = [limited, unlimited].map((app) => new Pool(new URL(app.url).origin, { connections: 1 }));
    // Interleaved, so that the machine's load falls on both alike.
    for (let i = 0; i < 600; i++) {
      for (const n of [0, 1]) {
        const answer = await post(pools[n]!, VIEWER, keys[n]!);
        expect(answer.status).toBe(200);
        if (i >= 100) timings[n]!.push(answer.ms);
      }
    }
    await Promise.all(pools.map((pool) => pool.close()));
    const [withLimit, without] = timings.map(median) as [number, number];
    const statements = limited.app.api!.limits.statements();
    report('limiter cost per request (p50, ms)', `${(withLimit - without).toFixed(2)} ms (${withLimit.toFixed(2)} with, ${without.toFixed(2)} without); ${statements} statements for 600 requests`);
    // One statement leases many requests: the hot path is not one round trip more per request.
    expect(statements).toBeLessThanOrEqual(600 / 10);
  }, 120_000);
});

describe('callers without a valid key', () => {
  it('are limited per address, before any lookup; keys that worked, and other addresses, are not', async () => {
    const t = await startTestApp({ env: { HOOKWIRE_API_RATE_LIMIT: '0', HOOKWIRE_API_ADDRESS_RATE_LIMIT: '1', HOOKWIRE_API_ADDRESS_RATE_BURST: '5' } });
    apps.push(t);
    const origin = new URL(t.url).origin;
    const from = (localAddress: string) => new Pool(origin, { connections: 1, connect: connectFrom(localAddress) });
    const [busy, other] = [from('127.0.0.5'), from('127.0.0.6')];
    const { apiKey: regular } = await t.newAccount('regular');
    const { apiKey: unused } = await t.newAccount('first seen later');
    expect((await post(busy, VIEWER, regular)).status).toBe(200);

    const anonymous = [];
    for (let i = 0; i < 7; i++) anonymous.push(await post(busy, VIEWER, null));
    expect(anonymous.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(anonymous[6]).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(anonymous[6]!.retryAfter)).toBeGreaterThanOrEqual(1);
    // The address is out: a key that must be looked up is refused at the door, even a live one.
    expect((await post(busy, VIEWER, `hk_${'x'.repeat(43)}`)).status).toBe(429);
    expect((await post(busy, VIEWER, unused)).status).toBe(429);
    // A key that worked from there goes on, and so does everyone at another address.
    expect((await post(busy, VIEWER, regular)).status).toBe(200);
    expect((await post(other, VIEWER, null)).status).toBe(401);
    expect((await post(other, VIEWER, unused)).status).toBe(200);

    // graphql-ws: a socket from the spent address with a key to look up is refused when it connects.
    class FromBusy extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { localAddress: '127.0.0.5' });
      }
    }
    const socket = createClient({ url: t.url.replace(/^http/, 'ws'), webSocketImpl: FromBusy, connectionParams: { authorization: `Bearer hk_${'y'.repeat(43)}` }, retryAttempts: 0, lazy: true });
    const closed = await new Promise<unknown>((resolve) => socket.subscribe({ query: 'subscription { deliveryAttempted { id } }' }, { next: resolve, error: resolve, complete: () => resolve('completed') }));
    expect((closed as { code?: number }).code).toBe(4403);
    await socket.dispose();
    await Promise.all([busy.close(), other.close()]);
  });

  /**
   * A real API process; random keys at ~580 requests a second from another address (127.0.0.2),
   * and meanwhile an account's own requests from 127.0.0.1, one at a time.
   */
  async function flood(env: Record<string, string>) {
    const database = await createTestDatabase();
    databases.push(database);
    const api = await startHookwire('api', database.url, { HOOKWIRE_API_RATE_LIMIT: '0', ...env });
    processes.push(api);
    const origin = new URL(api.url!).origin;
    const client = new Pool(origin, { connections: 1 });
    const key = await createAccountKey(client);
    const quiet: number[] = [];
    for (let i = 0; i < 60; i++) quiet.push((await post(client, VIEWER, key)).ms);
    const [rssBefore] = await api.peakRssMb();

    const attacker = new Agent({ connections: 64, connect: connectFrom('127.0.0.2') });
    const attackerPool = attacker as unknown as Pool;
    const statuses = new Map<string, number>();
    let inFlight = 0;
    let sent = 0;
    const flooding = setInterval(() => {
      // 6 every 10 ms: ~600 a second, as many as the timer manages; never more than 400 waiting.
      for (let i = 0; i < 6 && inFlight < 400; i++) {
        inFlight++;
        sent++;
        const body = VIEWER;
        attackerPool
          .request({
            origin,
            path: '/graphql',
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer hk_${randomBytes(32).toString('base64url')}` },
            body,
          })
          .then(async (res) => {
            await res.body.text();
            const name = String(res.statusCode);
            statuses.set(name, (statuses.get(name) ?? 0) + 1);
          })
          .catch((error: Error) => statuses.set(error.name, (statuses.get(error.name) ?? 0) + 1))
          .finally(() => inFlight--);
      }
    }, 10);
    const floodStarted = performance.now();
    const during: number[] = [];
    // Let the flood take hold, then measure the account's requests while it goes on.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    while (performance.now() - floodStarted < 6_000) during.push((await post(client, VIEWER, key)).ms);
    clearInterval(flooding);
    const sendingSeconds = (performance.now() - floodStarted) / 1000;
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    // The address's bucket refills for as long as the API answers the flood, its last answers included.
    const answeringSeconds = (performance.now() - floodStarted) / 1000;
    const [rssPeak] = await api.peakRssMb();
    await attacker.close();
    await client.close();
    return { quiet: median(quiet), during: median(during), rssBefore: rssBefore!, rssPeak: rssPeak!, statuses, sent, sendingSeconds, answeringSeconds };
  }

  it('a flood of random keys from one address reaches the database a bounded number of times and slows no one else', async () => {
    const unguarded = await flood({ HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0' });
    const guarded = await flood({ HOOKWIRE_API_ADDRESS_RATE_LIMIT: '20', HOOKWIRE_API_ADDRESS_RATE_BURST: '100' });
    const rate = (run: typeof guarded) => Math.round(run.sent / run.sendingSeconds);
    const shown = (run: typeof guarded) => [...run.statuses].map(([status, n]) => `${n}×${status}`).join(', ');
    report('flood of random keys: authenticated p50 (ms)', `unlimited: ${unguarded.quiet.toFixed(1)} quiet → ${unguarded.during.toFixed(1)}; limited per address: ${guarded.quiet.toFixed(1)} → ${guarded.during.toFixed(1)}`);
    report('flood of random keys: API peak RSS (MB)', `unlimited: ${unguarded.rssBefore} → ${unguarded.rssPeak}; limited per address: ${guarded.rssBefore} → ${guarded.rssPeak}`);
    report(
      'flood of random keys: answered 401 after a key lookup',
      `unlimited (${rate(unguarded)}/s): ${shown(unguarded)}; limited (${rate(guarded)}/s): ${shown(guarded)}`,
    );
    // Without the limit every made-up key is looked up; with it, at most the address's burst and
    // what its rate refilled: the rest are refused before any database work.
    expect(unguarded.statuses.get('401')).toBe(unguarded.sent);
    expect(guarded.statuses.get('401') ?? 0).toBeLessThanOrEqual(100 + Math.ceil(20 * guarded.answeringSeconds));
    expect((guarded.statuses.get('401') ?? 0) + (guarded.statuses.get('429') ?? 0)).toBe(guarded.sent);
  }, 240_000);
});
