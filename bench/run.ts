// `npm run bench`: Hookwire's delivery throughput beside the limits of this machine, measured in
// the same run: graphile-worker draining no-op jobs (the queue's ceiling) and undici POSTing to a
// local server (the HTTP ceiling). Prints each figure and our ratio to each limit.
import { spawn } from 'node:child_process';
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Pool } from 'undici';
import { Logger, run, runMigrations } from 'graphile-worker';

const silent = new Logger(() => () => {});
import { loadConfig } from '../src/config.ts';
import { startApp } from '../src/app.ts';
import { createLogger } from '../src/log.ts';
import { createAccount } from '../src/domain/accounts.ts';
import { createEndpoint } from '../src/domain/endpoints.ts';
import { publishEvent } from '../src/domain/events.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { freePort, withDatabase } from '../src/db/local.ts';

const NOOP_JOBS = Number(process.env.BENCH_NOOP_JOBS ?? 20_000);
const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  let serverUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  if (!serverUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'hookwire-bench-'));
    await chmod(dir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres' });
    serverUrl = server.url;
    stopServer = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `hookwire_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(serverUrl, name),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
      await stopServer();
    },
  };
}

/** The receiver runs in its own process, as a customer's server would, so it does not share our event loop. */
async function localReceiver() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const http = require('node:http');
       const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')); });
       server.keepAliveTimeout = 10000;
       server.listen(0, '127.0.0.1', () => console.log(server.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, close: async () => void child.kill() };
}

async function queueLimit(url: string): Promise<number> {
  await runMigrations({ connectionString: url, logger: silent });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
       SELECT ROW('bench_noop', '{}'::json, NULL, now(), 1, NULL, 0, NULL)::graphile_worker.job_spec FROM generate_series(1, $1)))`,
    [NOOP_JOBS],
  );
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  const runner = await run({
    connectionString: url,
    concurrency: 10,
    noHandleSignals: true,
    logger: silent,
    taskList: { bench_noop: async () => { if (++done === NOOP_JOBS) finish(); } },
    preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } },
  });
  await finished;
  const elapsed = (performance.now() - started) / 1000;
  await runner.stop();
  await client.end();
  return NOOP_JOBS / elapsed;
}

async function httpLimit(origin: string): Promise<number> {
  const pool = new Pool(origin, { connections: 64 });
  const body = JSON.stringify({ id: 'evt_bench', type: 'message.received', data: { text: 'x'.repeat(200) } });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < POSTS) {
        const res = await pool.request({ path: '/hook', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.body.dump();
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return POSTS / elapsed;
}

async function hookwireThroughput(url: string, origin: string): Promise<{ publishPerSecond: number; deliveriesPerSecond: number; steadyPerSecond: number; latency: { avg: number; p99: number } }> {
  const config = loadConfig({
    DATABASE_URL: url,
    PORT: '0',
    HOOKWIRE_ADMIN_KEY: 'bench-admin-key-0123456789',
    HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKWIRE_WORKER_CONCURRENCY: String(CONCURRENCY),
  });
  const logger = createLogger('error');

  // Publish with no worker running, so the drain below measures delivery alone.
  const api = await startApp(config, 'api', logger);
  let publishPerSecond: number;
  try {
    const { db } = api.services;
    const { account } = await createAccount(db, 'bench');
    await createEndpoint(api.services, account.id, { url: `${origin}/hook`, description: 'bench', eventTypes: ['*'] });
    const example = { messageId: 'wamid.bench', from: '+15551234567', contactName: 'Bench', messageType: 'text', content: { text: 'hello' }, timestamp: new Date().toISOString() };
    const publishStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next++ < DELIVERIES) {
          await publishEvent(api.services, account.id, { type: 'message.received', sessionId: 'bench', data: example });
        }
      }),
    );
    publishPerSecond = DELIVERIES / ((performance.now() - publishStarted) / 1000);
  } finally {
    await api.stop();
  }

  const profiler = await startProfile();
  const drainStarted = performance.now();
  const worker = await startApp(config, 'worker', logger);
  try {
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    const deadline = Date.now() + 300_000;
    try {
      for (;;) {
        const { rows } = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE status = 'PENDING'`);
        if (rows[0]!.n === 0) break;
        if (Date.now() > deadline) throw new Error(`${rows[0]!.n} deliveries still pending after 300 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await probe.end();
    }
    const elapsed = (performance.now() - drainStarted) / 1000;
    await profiler?.stop();
    const succeeded = await worker.services.db.delivery.count({ where: { status: 'SUCCEEDED' } });
    if (succeeded !== DELIVERIES) throw new Error(`only ${succeeded} of ${DELIVERIES} deliveries succeeded`);
    // Steady state: from the first attempt's start to the last one's end, without the worker's start-up.
    const [span] = await worker.services.db.$queryRaw<[{ seconds: number }]>`
      SELECT extract(epoch FROM max(started_at + duration_ms * interval '1 millisecond') - min(started_at))::float8 AS seconds
      FROM delivery_attempt`;
    const [latency] = await worker.services.db.$queryRaw<[{ avg: number; p99: number }]>`
      SELECT avg(duration_ms)::float8 AS avg, percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p99
      FROM delivery_attempt`;    return { publishPerSecond, deliveriesPerSecond: DELIVERIES / elapsed, steadyPerSecond: DELIVERIES / span.seconds, latency };
  } finally {
    await worker.stop();
  }
}

/** BENCH_CPU_PROFILE=file.cpuprofile records a CPU profile of the drain alone (open it in Chrome DevTools). */
async function startProfile(): Promise<{ stop(): Promise<void> } | null> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return null;
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const database = await freshDatabase();
const receiver = await localReceiver();
try {
  const queue = await queueLimit(database.url);
  const http = await httpLimit(receiver.origin);
  const ours = await hookwireThroughput(database.url, receiver.origin);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`machine limit  graphile-worker no-op jobs (localQueue): ${fmt(queue)} jobs/s (${fmt(NOOP_JOBS)} jobs)`);
  console.log(`machine limit  undici Pool POSTs to 127.0.0.1:            ${fmt(http)} req/s (${fmt(POSTS)} requests)`);
  console.log(`hookwire       publishEvent (domain, 8 callers):          ${fmt(ours.publishPerSecond)} events/s`);
  console.log(`hookwire       deliveries drained (signed, recorded):     ${fmt(ours.deliveriesPerSecond)} deliveries/s (${fmt(DELIVERIES)}, concurrency ${CONCURRENCY})`);
  console.log(`hookwire       of which steady state (first to last attempt): ${fmt(ours.steadyPerSecond)} deliveries/s`);
  console.log(`hookwire       attempt duration under that load:         avg ${ours.latency.avg.toFixed(1)} ms, p99 ${ours.latency.p99.toFixed(0)} ms`);
  console.log(`ratio          deliveries / queue limit:                  ${(ours.deliveriesPerSecond / queue).toFixed(3)}`);
  console.log(`ratio          deliveries / HTTP limit:                   ${(ours.deliveriesPerSecond / http).toFixed(3)}`);
} finally {
  await receiver.close();
  await database.drop();
}
