// `npm run bench [-- --quick] [-- --out file.json]`: Hookwire's delivery engine (and its ingest URL) measured beside the
// limits of this machine, in the same run: graphile-worker draining no-op jobs (a Postgres-backed
// queue's ceiling) and undici POSTing to the same receiver process (the HTTP ceiling). Every
// Hookwire figure comes from real processes started as `npm start` starts them, talking GraphQL
// over HTTP, delivering to a receiver in a process of its own. Prints a table, writes JSON.
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { Pool } from 'undici';
import { Logger, run, runMigrations } from 'graphile-worker';
import amqp from 'amqplib';
import { startBrokerConsumer } from '../src/worker/sources/index.ts';
import { account, publishBatch, publishOne } from './api.ts';
import { historyRows, historySection } from './history.ts';
import { GraphQLClient, now, startHookwire, startPgServer, startReceiver, type HookwireProcess, type PgServer, type Receiver } from './processes.ts';

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex > 0 ? process.argv[outIndex + 1]! : 'bench-results.json';
/** `--only e2e,publish`: run some scenarios (limits, e2e, wide, workers, publish, fairness, ingest, history, brokerSource) while working on one. */
const onlyIndex = process.argv.indexOf('--only');
const ONLY = onlyIndex > 0 ? new Set(process.argv[onlyIndex + 1]!.split(',')) : null;
const wanted = (name: string) => ONLY === null || ONLY.has(name);

/** Sizes: the for a full run; a small version that runs in seconds with --quick. */
const SIZE = quick
  ? { noop: 2_000, posts: 2_000, e2eEvents: 200, latencyProbes: 20, publishCalls: 200, batchEvents: 2_000, fanoutEndpoints: 1_000, fanoutRuns: 3, wideEndpoints: 1_000, wideEvents: 1, backlogEvents: 500, fairProbes: 5, slowQueued: 100, healthyProbes: 5, ingestPosts: 20, sourceMessages: 2_000 }
  : { noop: 20_000, posts: 20_000, e2eEvents: 2_500, latencyProbes: 200, publishCalls: 5_000, batchEvents: 20_000, fanoutEndpoints: 1_000, fanoutRuns: 10, wideEndpoints: 10_000, wideEvents: 3, backlogEvents: 5_000, fairProbes: 20, slowQueued: 1_000, healthyProbes: 20, ingestPosts: 300, sourceMessages: 20_000 };
/** Changes in each Meta POST of the ingest scenario (the figure). */
const INGEST_CHANGES = 100;
/** Endpoints per fan-out: every event of the throughput runs goes to this many. */
const FANOUT = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function latencySummary(ms: number[]) {
  return { samples: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: Math.max(...ms) };
}

// ---------------------------------------------------------------------------------------------
// The machine's limits

async function queueLimit(server: PgServer): Promise<number> {
  const url = await server.database();
  const silent = new Logger(() => () => {});
  await runMigrations({ connectionString: url, logger: silent });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
       SELECT ROW('bench_noop', '{}'::json, NULL, now(), 1, NULL, 0, NULL)::graphile_worker.job_spec FROM generate_series(1, $1)))`,
    [SIZE.noop],
  );
  await client.end();
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  const runner = await run({
    connectionString: url,
    concurrency: 10,
    noHandleSignals: true,
    logger: silent,
    taskList: { bench_noop: async () => { if (++done === SIZE.noop) finish(); } },
    preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } },
  });
  await finished;
  const perSecond = SIZE.noop / ((performance.now() - started) / 1000);
  await runner.stop();
  return perSecond;
}

async function httpLimit(receiver: Receiver): Promise<number> {
  const pool = new Pool(receiver.origin, { connections: 64 });
  const body = JSON.stringify({ id: 'evt_bench', type: 'message.received', data: { text: 'x'.repeat(200) } });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < SIZE.posts) {
        const res = await pool.request({ path: '/ok', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.body.dump();
      }
    }),
  );
  const perSecond = SIZE.posts / ((performance.now() - started) / 1000);
  await pool.close();
  await receiver.receipts(true);
  return perSecond;
}

// ---------------------------------------------------------------------------------------------
// Driving Hookwire through its API (the calls themselves are in api.ts)

/** Publishes `events` events in batches, `parallel` requests at a time. */
async function publishAll(api: GraphQLClient, key: string, events: number, batch = 500, parallel = 2): Promise<void> {
  let left = events;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left > 0) {
        const n = Math.min(batch, left);
        left -= n;
        await publishBatch(api, key, n);
      }
    }),
  );
}

/**
 * Waits until `total` deliveries succeeded. Meanwhile it polls Hookwire's own hour counters (a few
 * rows), not count(*) over the deliveries, which every 50 ms read the whole growing partition and
 * took its share of the Postgres CPU being measured; the rows themselves are counted once at the
 * end, so a counter that ran ahead could not end the wait.
 */
async function waitForSucceeded(server: PgServer, db: string, total: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let counted = 0;
  for (;;) {
    if (counted < total) {
      const [row] = await server.query<{ bench_n: number }>(db, `SELECT coalesce(sum(succeeded), 0)::int AS bench_n FROM delivery_hour_count`);
      counted = row!.bench_n;
    }
    if (counted >= total) {
      const [row] = await server.query<{ bench_n: number }>(db, `SELECT count(*)::int AS bench_n FROM delivery WHERE status = 'SUCCEEDED'`);
      if (row!.bench_n >= total) return;
      counted = row!.bench_n;
    }
    if (Date.now() > deadline) throw new Error(`only ${counted} of ${total} deliveries succeeded within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function lastSuccessAt(server: PgServer, db: string): Promise<{ first: number; last: number; attempts: number }> {
  const [row] = await server.query<{ first: Date; last: Date; attempts: number }>(
    db,
    `SELECT min(started_at) AS first, max(started_at + duration_ms * interval '1 millisecond') AS last, count(*)::int AS attempts, true AS bench_own
     FROM delivery_attempt WHERE outcome = 'SUCCESS'`,
  );
  return { first: row!.first.getTime(), last: row!.last.getTime(), attempts: row!.attempts };
}

// ---------------------------------------------------------------------------------------------
// What the database did for a run: WAL written (pg_current_wal_lsn(), the whole server's: on the
// embedded server only this bench writes) and statements the service sent to the run's database
// (pg_stat_statements' calls, top-level statements only, BEGIN/COMMIT included; the bench's own
// queries in that database name a column bench_… and are left out: Postgres drops comments from
// the texts it keeps). pg_stat_statements needs shared_preload_libraries:
// enabled on the embedded server at the start (a restart); on a DATABASE_URL server without it,
// transactions (pg_stat_database xact_commit + xact_rollback) are counted instead, and named so.

/** The bench's own statements in a run's database name a column bench_…: not counted as the service's. */
const NOT_BENCH = `s.query NOT LIKE '%bench\\_%'`;

async function enableStatementCounts(server: PgServer): Promise<void> {
  if (process.env.DATABASE_URL) return;
  await server.query(server.url, `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await server.query(server.url, `ALTER SYSTEM SET pg_stat_statements.max = 10000`);
  await server.restart(0);
}

interface DbCounters {
  walBytes: number;
  /** pg_stat_statements' calls, or (without it) pg_stat_database's transactions. */
  statements: number;
  counted: DbCost['counted'];
}

async function dbCounters(server: PgServer, db: string): Promise<DbCounters> {
  const name = new URL(db).pathname.slice(1);
  let statements: number | null = null;
  try {
    await server.query(server.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const [s] = await server.query<{ calls: string }>(
      server.url,
      `SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
       WHERE d.datname = $1 AND s.toplevel AND ${NOT_BENCH}`,
      [name],
    );
    statements = Number(s!.calls);
    if (process.env.BENCH_STATEMENTS) {
      // `BENCH_STATEMENTS=1 npm run bench`: which statements those are, most called first, with
      // the time the server spent executing them (ms, since the server started).
      const top = await server.query<{ calls: string; ms: string; query: string }>(
        server.url,
        `SELECT calls::text, round(total_exec_time)::text AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = $1 AND s.toplevel AND ${NOT_BENCH} ORDER BY s.calls DESC LIMIT 15`,
        [name],
      );
      console.log(top.map((t) => `${t.calls.padStart(8)} ${t.ms.padStart(8)} ms  ${t.query}`).join('\n'));
    }
  } catch {
    // Not loaded on this server: transactions only, which backends report up to 10 s late.
    await sleep(11_000);
  }
  const [row] = await server.query<{ wal: string; xacts: string }>(
    server.url,
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS wal, (xact_commit + xact_rollback)::text AS xacts FROM pg_stat_database WHERE datname = $1`,
    [name],
  );
  return statements === null
    ? { walBytes: Number(row!.wal), statements: Number(row!.xacts), counted: 'transactions (pg_stat_database)' }
    : { walBytes: Number(row!.wal), statements, counted: 'statements (pg_stat_statements)' };
}

interface DbCost {
  walBytesPerDelivery: number;
  statementsPerDelivery: number;
  /** What statementsPerDelivery counts: statements when the server has pg_stat_statements, else transactions. */
  counted: 'statements (pg_stat_statements)' | 'transactions (pg_stat_database)';
}

function perDelivery(before: DbCounters, after: DbCounters, deliveries: number): DbCost {
  return {
    walBytesPerDelivery: (after.walBytes - before.walBytes) / deliveries,
    statementsPerDelivery: (after.statements - before.statements) / deliveries,
    counted: after.counted,
  };
}

/** publish → receipt of single events, one at a time, `gapMs` apart. */
async function probeLatency(api: GraphQLClient, receiver: Receiver, key: string, probes: number, gapMs: number): Promise<number[]> {
  const sent = new Map<string, number>();
  for (let i = 0; i < probes; i++) {
    const at = now();
    sent.set(await publishOne(api, key), at);
    await sleep(gapMs);
  }
  const deadline = Date.now() + 30_000;
  const arrived = new Map<string, number>();
  while (arrived.size < sent.size && Date.now() < deadline) {
    for (const [id, at] of await receiver.receipts()) if (sent.has(id) && !arrived.has(id)) arrived.set(id, at);
    if (arrived.size < sent.size) await sleep(100);
  }
  if (arrived.size < sent.size) throw new Error(`${sent.size - arrived.size} of ${sent.size} probes never arrived`);
  return [...sent].map(([id, at]) => arrived.get(id)! - at);
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface Throughput {
  deliveries: number;
  /** First publish request to last recorded success. */
  perSecond: number;
  /** First attempt to last, without start-up and publishing lead. */
  steadyPerSecond: number;
  publishSeconds: number;
  peakRssMb: Record<string, number>;
  /** What the database did per delivery over the run (publishing included). */
  db: DbCost;
}

async function endToEnd(server: PgServer, receiver: Receiver, workers: 0 | 1 | 2): Promise<Throughput & { latency?: { idle: ReturnType<typeof latencySummary>; halfLoad: ReturnType<typeof latencySummary> } }> {
  const db = await server.database();
  // workers 0: one process that is API and worker (npm start); else an API and that many workers.
  const processes: HookwireProcess[] = [await startHookwire(workers === 0 ? 'all' : 'api', db)];
  for (let i = 0; i < workers; i++) processes.push(await startHookwire('worker', db));
  const api = new GraphQLClient(processes[0]!.url!);
  try {
    const acct = await account(api, 'throughput', Array.from({ length: FANOUT }, (_, i) => ({ url: `${receiver.origin}/ok?e=${i}` })));
    const total = SIZE.e2eEvents * FANOUT;
    const before = await dbCounters(server, db);
    const t0 = Date.now();
    await publishAll(api, acct.key, SIZE.e2eEvents);
    const publishSeconds = (Date.now() - t0) / 1000;
    await waitForSucceeded(server, db, total);
    const span = await lastSuccessAt(server, db);
    const result: Throughput = {
      deliveries: total,
      perSecond: total / ((span.last - t0) / 1000),
      steadyPerSecond: total / ((span.last - span.first) / 1000),
      publishSeconds,
      peakRssMb: {},
      db: perDelivery(before, await dbCounters(server, db), total),
    };
    await receiver.receipts(true);
    if (workers !== 0) return { ...result, peakRssMb: await rss(processes) };

    // Latency on the same process: at idle, then beside a steady load of half the rate just measured.
    const probe = await account(api, 'latency', [{ url: `${receiver.origin}/ok?probe` }]);
    const idle = await probeLatency(api, receiver, probe.key, SIZE.latencyProbes, 20);
    const loadPerSecond = result.perSecond / 2;
    let loading = true;
    const load = (async () => {
      // Batches every 100 ms of as many 10-way events as half the rate asks for.
      const eventsPerTick = Math.max(1, Math.round((loadPerSecond / FANOUT) * 0.1));
      while (loading) {
        const tick = Date.now();
        await publishBatch(api, acct.key, eventsPerTick);
        await sleep(Math.max(0, 100 - (Date.now() - tick)));
      }
    })();
    await sleep(1_000);
    const halfLoad = await probeLatency(api, receiver, probe.key, SIZE.latencyProbes, 20);
    loading = false;
    await load;
    await receiver.receipts(true);
    return { ...result, peakRssMb: await rss(processes), latency: { idle: latencySummary(idle), halfLoad: latencySummary(halfLoad) } };
  } finally {
    await api.close();
    for (const p of processes) await p.stop();
  }
}

/**
 * One event to every one of SIZE.wideEndpoints endpoints, SIZE.wideEvents times, delivered by npm
 * start: every delivery is its own lane's, so this is the lanes' churn (claim, send one, release)
 * rather than the HTTP path. The endpoints are inserted in SQL (creating them is not measured);
 * each event is published with publishEvent, one after the other.
 */
async function wideFanOut(server: PgServer, receiver: Receiver) {
  const db = await server.database();
  const hookwire = await startHookwire('all', db);
  const api = new GraphQLClient(hookwire.url!);
  try {
    const wide = await account(api, 'wide fan-out', []);
    await server.query(
      db,
      `INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret)
       SELECT 'ep_wide_' || lpad(g::text, 21, '0'), $1, $2 || g, 'wide ' || g, '{*}', 'whsec_' || encode(sha256(g::text::bytea), 'base64')
       FROM generate_series(1, $3) AS g`,
      [wide.id, `${receiver.origin}/ok?wide=`, SIZE.wideEndpoints],
    );
    const total = SIZE.wideEndpoints * SIZE.wideEvents;
    const before = await dbCounters(server, db);
    const t0 = Date.now();
    const publishMs: number[] = [];
    for (let i = 0; i < SIZE.wideEvents; i++) {
      const started = performance.now();
      await publishOne(api, wide.key);
      publishMs.push(performance.now() - started);
    }
    await waitForSucceeded(server, db, total);
    const span = await lastSuccessAt(server, db);
    const after = await dbCounters(server, db);
    await receiver.receipts(true);
    return {
      endpoints: SIZE.wideEndpoints,
      events: SIZE.wideEvents,
      deliveries: total,
      perSecond: total / ((span.last - t0) / 1000),
      steadyPerSecond: total / ((span.last - span.first) / 1000),
      publishMs: { median: percentile(publishMs, 50), max: Math.max(...publishMs) },
      db: perDelivery(before, after, total),
      peakRssMb: await rss([hookwire]),
    };
  } finally {
    await api.close();
    await hookwire.stop();
  }
}

/** Peak RSS of each process (npm start's worker child listed as "worker (child)"). */
async function rss(processes: HookwireProcess[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [i, p] of processes.entries()) {
    const [own, ...children] = await p.peakRssMb();
    out[`${p.role}${processes.filter((q) => q.role === p.role).length > 1 ? i : ''}`] = own!;
    children.forEach((mb, j) => (out[`worker (child ${j + 1})`] = mb));
  }
  return out;
}

async function publishing(server: PgServer, receiver: Receiver) {
  const db = await server.database();
  // An API process alone: nothing delivers meanwhile, so only publishing is measured.
  const apiProcess = await startHookwire('api', db);
  const api = new GraphQLClient(apiProcess.url!);
  try {
    const tenWay = await account(api, 'publish 10-way', Array.from({ length: FANOUT }, (_, i) => ({ url: `${receiver.origin}/ok?p=${i}` })));
    const oneWay = await account(api, 'publish 1-way', [{ url: `${receiver.origin}/ok?p1` }]);

    const clients = 16;
    /** Calls per second of `call`, SIZE.publishCalls of them from `clients` clients at once. */
    const rate = async (call: () => Promise<unknown>) => {
      let left = SIZE.publishCalls;
      const begin = performance.now();
      await Promise.all(Array.from({ length: clients }, async () => {
        while (left-- > 0) await call();
      }));
      return SIZE.publishCalls / ((performance.now() - begin) / 1000);
    };
    const publishEventPerSecond = await rate(() => publishOne(api, tenWay.key));
    // The API's own floor: the cheapest authenticated query through the same HTTP, Yoga and
    // Pothos path, so publishEvent's figure can be read against what the framework costs alone.
    const floorPerSecond = await rate(() => api.request('{ viewer { id } }', {}, tenWay.key));
    let started = performance.now();

    const batches = async (key: string) => {
      const begin = performance.now();
      await publishAll(api, key, SIZE.batchEvents, 1_000, 2);
      return SIZE.batchEvents / ((performance.now() - begin) / 1000);
    };
    const publishEventsOneWay = await batches(oneWay.key);
    const publishEventsTenWay = await batches(tenWay.key);

    // One event to 1,000 endpoints (inserted in SQL: creating them is not what is measured).
    const wide = await account(api, 'fan-out', []);
    await server.query(
      db,
      `INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret)
       SELECT 'ep_' || lpad(g::text, 26, '0'), $1, $2, 'fan-out ' || g, '{*}', 'whsec_' || encode(sha256(g::text::bytea), 'base64')
       FROM generate_series(1, $3) AS g`,
      [wide.id, `${receiver.origin}/ok?wide`, SIZE.fanoutEndpoints],
    );
    const fanout: number[] = [];
    for (let i = 0; i < SIZE.fanoutRuns; i++) {
      started = performance.now();
      await publishOne(api, wide.key);
      fanout.push(performance.now() - started);
    }
    return {
      publishEventPerSecond,
      floorPerSecond,
      clients,
      publishEventsOneWay,
      publishEventsTenWay,
      fanout1000Ms: { median: percentile(fanout, 50), max: Math.max(...fanout) },
      peakRssMb: await rss([apiProcess]),
    };
  } finally {
    await api.close();
    await apiProcess.stop();
  }
}

async function fairness(server: PgServer, receiver: Receiver) {
  const db = await server.database();
  const hookwire = await startHookwire('all', db);
  const api = new GraphQLClient(hookwire.url!);
  try {
    const a = await account(api, 'busy A', Array.from({ length: FANOUT }, (_, i) => ({ url: `${receiver.origin}/ok?a=${i}` })));
    const b = await account(api, 'quiet B', [{ url: `${receiver.origin}/ok?b` }]);
    const backlog = SIZE.backlogEvents * FANOUT;
    // A's whole backlog is accepted before B's first event.
    await publishAll(api, a.key, SIZE.backlogEvents, 1_000, 2);
    const pendingAtProbe: number[] = [];
    const sent = new Map<string, number>();
    for (let i = 0; i < SIZE.fairProbes; i++) {
      const [row] = await server.query<{ n: number }>(db, `SELECT count(*)::int AS n FROM delivery WHERE account_id = $1 AND status = 'PENDING'`, [a.id]);
      pendingAtProbe.push(row!.n);
      const at = now();
      sent.set(await publishOne(api, b.key), at);
      await sleep(25);
    }
    const arrived = new Map<string, number>();
    const deadline = Date.now() + 60_000;
    while (arrived.size < sent.size && Date.now() < deadline) {
      for (const [id, at] of await receiver.receipts()) if (sent.has(id)) arrived.set(id, at);
      await sleep(50);
    }
    const behindBacklog = [...sent].map(([id, at]) => (arrived.get(id) ?? NaN) - at);
    await waitForSucceeded(server, db, backlog + SIZE.fairProbes);
    await receiver.receipts(true);

    // A healthy endpoint beside one whose receiver never answers (5 s timeouts, many queued).
    const slow = await account(api, 'slow', [{ url: `${receiver.origin}/hang`, timeoutMs: 5_000, retrySchedule: [3600] }]);
    const healthy = await account(api, 'healthy', [{ url: `${receiver.origin}/ok?healthy` }]);
    await publishAll(api, slow.key, SIZE.slowQueued, 500, 1);
    await sleep(500);
    const besideSlow = await probeLatency(api, receiver, healthy.key, SIZE.healthyProbes, 25);
    const inFlightToSlow = (await receiver.receipts()).filter(([, , path]) => path.startsWith('/hang')).length;
    await receiver.receipts(true);
    return {
      backlogDeliveries: backlog,
      behindBacklog: latencySummary(behindBacklog),
      accountAPendingAtProbes: { min: Math.min(...pendingAtProbe), max: Math.max(...pendingAtProbe) },
      besideTimingOut: latencySummary(besideSlow),
      slowEndpointRequestsInFlight: inFlightToSlow,
      peakRssMb: await rss([hookwire]),
    };
  } finally {
    await api.close();
    await hookwire.stop();
  }
}

/** A Meta webhook of `n` text messages, each its own change, as one POST of WhatsApp Cloud API's. */
function metaBody(post: number, n: number): string {
  const changes = Array.from({ length: n }, (_, i) => ({
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: '106540352242922' },
      contacts: [{ profile: { name: 'Bench' }, wa_id: '15551234567' }],
      messages: [{ from: '15551234567', id: `wamid.bench.${post}.${i}`, timestamp: String(1_700_000_000 + i), type: 'text', text: { body: `hello ${i}` } }],
    },
  }));
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes }] });
}

/**
 * Meta -> /ingest/<source>: 100-change signed POSTs, one after another as Meta's retry queue sends
 * them, each timed from the request to the 200 (every event committed), while the deliveries they
 * make and a steady publishEvents load flow to the receiver from the same npm start. Measured for a
 * source whose account has one endpoint (100 deliveries a POST) and ten (1,000 a POST).
 */
async function ingesting(server: PgServer, receiver: Receiver) {
  const db = await server.database();
  const hookwire = await startHookwire('all', db);
  const api = new GraphQLClient(hookwire.url!);
  const secret = 'bench-meta-app-secret';
  let posted = 0;
  try {
    const load = await account(api, 'ingest load', Array.from({ length: FANOUT }, (_, i) => ({ url: `${receiver.origin}/ok?l=${i}` })));
    const measure = async (fanout: number) => {
      const acct = await account(api, `ingest ${fanout}-way`, Array.from({ length: fanout }, (_, i) => ({ url: `${receiver.origin}/ok?i=${i}` })));
      const { createSource } = await api.request(
        `mutation($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on SourceSuccess { source { ingestUrl } } } }`,
        { input: { kind: 'WHATSAPP_CLOUD', name: 'bench', appSecret: secret, verifyToken: 'bench-verify' } },
        acct.key,
      );
      if (createSource.__typename !== 'SourceSuccess') throw new Error(`createSource: ${JSON.stringify(createSource)}`);
      const url = new URL(createSource.source.ingestUrl);
      const pool = new Pool(url.origin, { connections: 1 });
      const post = async () => {
        const body = metaBody(posted++, INGEST_CHANGES);
        const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        // A 5xx (nothing stored) is what Meta retries later; here it is counted and retried at once, and
        // the POST that got its 200 is the one timed.
        for (;;) {
          const started = performance.now();
          const res = await pool.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
          await res.body.dump();
          if (res.statusCode === 200) return performance.now() - started;
          if (res.statusCode < 500 || refusals.length > 20) throw new Error(`ingest answered ${res.statusCode}`);
          refusals.push(`HTTP ${res.statusCode}`);
        }
      };
      // Warm-up: the first POSTs compile the mapping's and the publish path's code.
      for (let i = 0; i < 5; i++) await post();
      const latencies: number[] = [];
      // Interleaved with publishEvents of as many events to the same account over GraphQL: what
      // publishing them costs on its own at the same moment, so the ingest's own share shows.
      const published: number[] = [];
      for (let i = 0; i < SIZE.ingestPosts; i++) {
        latencies.push(await post());
        const started = performance.now();
        await publishBatch(api, acct.key, INGEST_CHANGES);
        published.push(performance.now() - started);
      }
      await pool.close();
      return { ...latencySummary(latencies), publishEventsSameBatch: latencySummary(published) };
    };
    let loading = true;
    // The load's failures are reported, not fatal: the figures measured are the ingest's.
    const loadErrors: string[] = [];
    const refusals: string[] = [];
    const background = (async () => {
      while (loading) {
        const tick = Date.now();
        await publishBatch(api, load.key, 20).catch((error: Error) => loadErrors.push(error.message));
        await sleep(Math.max(0, 100 - (Date.now() - tick)));
      }
    })();
    const oneWay = await measure(1);
    const tenWay = await measure(FANOUT);
    loading = false;
    await background;
    const [row] = await server.query<{ n: number }>(db, `SELECT count(*)::int AS n FROM delivery WHERE status = 'SUCCEEDED'`);
    await receiver.receipts(true);
    if (loadErrors.length > 0) console.warn(`the background publishEvents load failed ${loadErrors.length} time(s): ${loadErrors[0]}`);
    return { posts: SIZE.ingestPosts, changesPerPost: INGEST_CHANGES, oneWay, tenWay, deliveriesSucceededMeanwhile: row!.n, loadErrors, ingestRetried: refusals, peakRssMb: await rss([hookwire]) };
  } finally {
    await api.close();
    await hookwire.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// A RabbitMQ source (issue 19): a queue pre-filled with messages, then consumed by a worker process
// into committed events (one endpoint subscribed), beside the same queue drained by the consumer
// alone into a commit that does nothing (the broker's and the client's ceiling on this machine).

const RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672/';

async function fillQueue(messages: number): Promise<string> {
  const queue = `hookwire-bench-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const connection = await amqp.connect(RABBIT_URL);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    for (let i = 0; i < messages; i++) {
      const body = Buffer.from(JSON.stringify({ ...eventInput(i) }));
      if (!channel.sendToQueue(queue, body, { messageId: `${queue}-${i}`, persistent: true })) await new Promise((resolve) => channel.once('drain', resolve));
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
  return queue;
}

function eventInput(i: number) {
  return {
    type: 'message.received',
    sessionId: `bench-${i % 100}`,
    data: { messageId: `wamid.source.${i}`, from: '15551234567', contactName: 'Bench', messageType: 'text', content: { text: 'hello from a queue' }, timestamp: new Date().toISOString() },
  };
}

async function dropQueues(queues: string[]): Promise<void> {
  const connection = await amqp.connect(RABBIT_URL);
  const channel = await connection.createChannel();
  for (const q of queues) {
    await channel.deleteQueue(q).catch(() => {});
    await channel.deleteQueue(`${q}.dead`).catch(() => {});
    await channel.deleteExchange(`${q}.dead`).catch(() => {});
  }
  await connection.close();
}

async function noopConsumerLimit(messages: number): Promise<number> {
  const queue = await fillQueue(messages);
  try {
    let done = 0;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const t0 = performance.now();
    const consumer = startBrokerConsumer(
      { kind: 'RABBITMQ', url: RABBIT_URL, queue, batchSize: 500 },
      {
        allowPrivateNetworks: true,
        commit: async (batch) => {
          done += batch.length;
          if (done >= messages) finish();
          return batch.map(() => ({ ok: true as const }));
        },
      },
    );
    await Promise.race([finished, sleep(120_000)]);
    const seconds = (performance.now() - t0) / 1000;
    await consumer.stop();
    return done / seconds;
  } finally {
    await dropQueues([queue]);
  }
}

const CREATE_SOURCE = `mutation ($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on SourceSuccess { source { id } } ... on Error { message } } }`;

async function brokerSource(server: PgServer, receiver: Receiver) {
  const messages = SIZE.sourceMessages;
  const noopPerSecond = await noopConsumerLimit(messages);
  const db = await server.database();
  const apiProcess = await startHookwire('api', db);
  const worker = await startHookwire('worker', db);
  const api = new GraphQLClient(apiProcess.url!);
  const queue = await fillQueue(messages);
  try {
    const acct = await account(api, 'rabbitmq source', [{ url: `${receiver.origin}/ok?source` }]);
    const t0 = Date.now();
    const { createSource } = await api.request(CREATE_SOURCE, { input: { kind: 'RABBITMQ', name: 'bench', brokerUrl: RABBIT_URL, queue } }, acct.key);
    if (createSource.__typename !== 'SourceSuccess') throw new Error(`createSource: ${JSON.stringify(createSource)}`);
    const deadline = Date.now() + 300_000;
    let committed = 0;
    while (committed < messages && Date.now() < deadline) {
      await sleep(100);
      [{ n: committed }] = await server.query<{ n: number }>(db, 'SELECT count(*)::int AS n FROM event');
    }
    const [span] = await server.query<{ first: Date; last: Date }>(db, 'SELECT min(created_at) AS first, max(created_at) AS last FROM event');
    const last = span!.last.getTime();
    await receiver.receipts(true);
    return {
      messages,
      committed,
      perSecond: committed / ((last - t0) / 1000),
      steadyPerSecond: committed / ((last - span!.first.getTime()) / 1000),
      noopConsumerPerSecond: noopPerSecond,
      peakRssMb: await rss([apiProcess, worker]),
    };
  } finally {
    await api.close();
    await apiProcess.stop();
    await worker.stop();
    await dropQueues([queue]);
  }
}

// ---------------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const dbCostText = (c: DbCost) => `${fmt(c.walBytesPerDelivery)} B WAL, ${fmt(c.statementsPerDelivery, 2)} ${c.counted}`;
const ms = (l: { p50: number; p95: number; p99: number }) => `p50 ${fmt(l.p50, 1)} ms, p95 ${fmt(l.p95, 1)} ms, p99 ${fmt(l.p99, 1)} ms`;

const server = await startPgServer();
const receiver = await startReceiver();
try {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded' };
  await enableStatementCounts(server);
  const limits = wanted('limits') ? { queueJobsPerSecond: await queueLimit(server), httpPostsPerSecond: await httpLimit(receiver) } : null;
  const single = wanted('e2e') ? await endToEnd(server, receiver, 0) : null;
  const wide = wanted('wide') ? await wideFanOut(server, receiver) : null;
  const oneWorker = wanted('workers') ? await endToEnd(server, receiver, 1) : null;
  const twoWorkers = wanted('workers') ? await endToEnd(server, receiver, 2) : null;
  const publish = wanted('publish') ? await publishing(server, receiver) : null;
  const fair = wanted('fairness') ? await fairness(server, receiver) : null;
  const ingest = wanted('ingest') ? await ingesting(server, receiver) : null;
  const history = wanted('history') ? await historySection(server, receiver, quick) : null;
  // Not in a --quick run unless named: the test suite's quick run has no time to spare for it on a busy machine.
  const source = wanted('brokerSource') && (!quick || ONLY !== null) ? await brokerSource(server, receiver) : null;

  const results = { quick, machine, limits, endToEnd: single, wideFanOut: wide, oneWorker, twoWorkers, publish, fairness: fair, ingest, history, brokerSource: source };
  await writeFile(OUT, JSON.stringify(results, null, 2) + '\n');
  if (!limits || !single || !wide || !oneWorker || !twoWorkers || !publish || !fair || !ingest || !history) {
    if (history && ONLY?.size === 1) {
      const rows = historyRows(history, fmt);
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    } else console.log(JSON.stringify(results, null, 2));
  } else {
    const rows: Array<[string, string]> = [
      ['machine', `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, Postgres ${machine.postgres}${quick ? ' (--quick: small sizes)' : ''}`],
      ['limit: graphile-worker no-op jobs (localQueue)', `${fmt(limits.queueJobsPerSecond)} jobs/s`],
      ['limit: undici Pool POSTs to the receiver', `${fmt(limits.httpPostsPerSecond)} req/s`],
      [`1. end to end, npm start (${fmt(single.deliveries)} deliveries)`, `${fmt(single.perSecond)}/s first publish → last success (steady ${fmt(single.steadyPerSecond)}/s)`],
      ['   ratio to the HTTP limit / to the queue limit', `${fmt(single.perSecond / limits.httpPostsPerSecond, 3)} / ${fmt(single.perSecond / limits.queueJobsPerSecond, 3)}`],
      ['   database per delivery (publishing included)', dbCostText(single.db)],
      [`   one event to ${fmt(wide.endpoints)} endpoints, ${wide.events}× (${fmt(wide.deliveries)} deliveries, npm start)`, `${fmt(wide.perSecond)}/s first publish → last success (steady ${fmt(wide.steadyPerSecond)}/s; publishEvent median ${fmt(wide.publishMs.median, 0)} ms)`],
      ['   … database per delivery (publishing included)', dbCostText(wide.db)],
      ['2. publish → receipt at idle', ms(single.latency!.idle)],
      [`   … under half the maximum load (${fmt(single.perSecond / 2)}/s)`, ms(single.latency!.halfLoad)],
      [`3. publishEvent over HTTP, ${FANOUT}-way fan-out, ${publish.clients} clients`, `${fmt(publish.publishEventPerSecond)} events/s`],
      ['   the API\'s floor: { viewer { id } }, same clients', `${fmt(publish.floorPerSecond)} requests/s`],
      ['   publishEvents (1,000 per call), 1-way / 10-way', `${fmt(publish.publishEventsOneWay)} / ${fmt(publish.publishEventsTenWay)} events/s`],
      [`   one event to ${fmt(SIZE.fanoutEndpoints)} endpoints, publishEvent round trip`, `median ${fmt(publish.fanout1000Ms.median, 1)} ms, max ${fmt(publish.fanout1000Ms.max, 1)} ms`],
      [`4. B's event behind A's ${fmt(fair.backlogDeliveries)}-delivery backlog`, `${ms(fair.behindBacklog)} (A pending at probes: ${fmt(fair.accountAPendingAtProbes.min)}–${fmt(fair.accountAPendingAtProbes.max)})`],
      ['   a healthy endpoint beside one that times out', `${ms(fair.besideTimingOut)} (${fair.slowEndpointRequestsInFlight} requests hanging at the slow one)`],
      ['5. API + 1 worker process / API + 2 worker processes', `${fmt(oneWorker.perSecond)}/s / ${fmt(twoWorkers.perSecond)}/s end to end`],
      ['6. peak RSS, MiB, per process', `npm start ${JSON.stringify(single.peakRssMb)}; under backlog ${JSON.stringify(fair.peakRssMb)}; API alone ${JSON.stringify(publish.peakRssMb)}; API + 2 workers ${JSON.stringify(twoWorkers.peakRssMb)}`],
      [`7. ingest: Meta POST of ${ingest.changesPerPost} changes → 200, deliveries flowing, 1-way`, `${ms(ingest.oneWay)} (targets p50 ≤ 50 ms, p99 ≤ 250 ms)`],
      [`   … ${FANOUT}-way (${ingest.changesPerPost * FANOUT} deliveries a POST)`, ms(ingest.tenWay)],
      [`   publishEvents of ${ingest.changesPerPost} events meanwhile, 1-way / ${FANOUT}-way`, `p50 ${fmt(ingest.oneWay.publishEventsSameBatch.p50, 1)} ms / ${fmt(ingest.tenWay.publishEventsSameBatch.p50, 1)} ms`],
      ...historyRows(history, fmt),
    ];
    if (source) {
      rows.push(
        [`9. RabbitMQ source → committed events, API + 1 worker (${fmt(source.messages)} messages, 1 endpoint)`, `${fmt(source.perSecond)}/s source created → last commit (steady ${fmt(source.steadyPerSecond)}/s)`],
        ['   limit: the same queue drained into a no-op commit', `${fmt(source.noopConsumerPerSecond)} messages/s (ratio ${fmt(source.perSecond / source.noopConsumerPerSecond, 3)})`],
      );
    }
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  }
  console.log(`\nwritten to ${OUT}`);
} finally {
  await receiver.stop();
  await server.stop();
}
