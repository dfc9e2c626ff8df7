// The moving parts of the benchmark and the soak, each a real process as in production: Postgres
// (embedded, or the server of DATABASE_URL), Hookwire processes started exactly as `npm start`
// starts them (plain node on the TypeScript sources), and the receiver (receiver.cjs). Nothing
// here measures.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { freePort, withDatabase } from '../src/db/local.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
/** One sealing key for the run's processes (they must open each other's secrets). */
const ENCRYPTION_KEY = `bench:${randomBytes(32).toString('base64')}`;

/** Epoch milliseconds with sub-millisecond precision, comparable with the receiver's. */
export const now = () => performance.timeOrigin + performance.now();

export interface PgServer {
  url: string;
  /** A new, empty database; dropped by stop(). */
  database(): Promise<string>;
  query<T extends pg.QueryResultRow>(databaseUrl: string, text: string, values?: unknown[]): Promise<T[]>;
  /**
   * Stops the embedded server, waits downMs and starts it again on the same port and data, as an
   * operator's restart does; the processes using it must reconnect by themselves.
   */
  restart(downMs: number): Promise<{ stopMs: number; startMs: number }>;
  /**
   * Hangs the embedded server for downMs: SIGSTOP of the postmaster and every backend, then
   * SIGCONT. Connections stay open and answer nothing meanwhile; new ones are never answered.
   */
  hang(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** The processes whose parent is `pid` (from /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) found.push(Number(entry));
  }
  return found;
}

/**
 * `embedded: true` starts an embedded server even when DATABASE_URL is set (the soak restarts its
 * server, so it must own it); `port` fixes its port.
 */
export async function startPgServer(options: { embedded?: boolean; port?: number } = {}): Promise<PgServer> {
  let url = options.embedded ? undefined : process.env.DATABASE_URL;
  let stopServer = async () => {};
  let restartServer: PgServer['restart'] = async () => {
    throw new Error('the server of DATABASE_URL is not ours to restart');
  };
  let hangServer: PgServer['hang'] = async () => {
    throw new Error('the server of DATABASE_URL is not ours to hang');
  };
  if (!url) {
    const dir = await mkdtemp(join(tmpdir(), 'hookwire-bench-'));
    await chmod(dir, 0o755);
    const start = async (port: number) => startEmbeddedPostgres({ dataDir: dir, port, database: 'postgres' });
    const port = options.port ?? (await freePort());
    let server = await start(port);
    url = server.url;
    stopServer = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
    restartServer = async (downMs) => {
      // Our own connection goes first, so its end is not an error; the pools below expect theirs.
      await admin.end();
      const stopping = performance.now();
      await server.stop();
      const stopMs = performance.now() - stopping;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      const starting = performance.now();
      server = await start(port);
      const startMs = performance.now() - starting;
      admin = await connectAdmin();
      return { stopMs, startMs };
    };
    hangServer = async (downMs) => {
      const postmaster = Number((await readFile(join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      process.kill(postmaster, 'SIGSTOP');
      const frozen = [postmaster, ...(await childrenOf(postmaster))];
      try {
        for (const pid of frozen.slice(1)) process.kill(pid, 'SIGSTOP');
        await new Promise((resolve) => setTimeout(resolve, downMs));
      } finally {
        for (const pid of frozen.reverse()) process.kill(pid, 'SIGCONT');
      }
    };
  }
  const serverUrl = url;
  const connectAdmin = async () => {
    const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await client.connect();
    return client;
  };
  let admin = await connectAdmin();
  const created: string[] = [];
  const clients = new Map<string, pg.Pool>();
  // Databases are dropped WITH (FORCE) at the end: an idle client's error then is expected.
  return {
    url: serverUrl,
    async database() {
      const name = `hookwire_bench_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      created.push(name);
      return withDatabase(serverUrl, name);
    },
    async query(databaseUrl, text, values) {
      let pool = clients.get(databaseUrl);
      if (!pool) {
        clients.set(databaseUrl, (pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })));
        pool.on('error', () => {});
      }
      return (await pool.query(text, values)).rows;
    },
    restart: (downMs) => restartServer(downMs),
    hang: (downMs) => hangServer(downMs),
    async stop() {
      await Promise.all([...clients.values()].map((pool) => pool.end()));
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
      await stopServer();
    },
  };
}

export interface HookwireProcess {
  role: string;
  pid: number;
  /** The GraphQL URL (API processes). */
  url: string | null;
  /** Peak resident memory so far (VmHWM) of this process and of each child it runs (npm start's worker), in MiB. */
  peakRssMb(): Promise<number[]>;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Sends the signal and resolves once the process is gone (SIGKILL: a crash, nothing cleaned up). */
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** The node flags of `npm start` (package.json), so the benchmark runs what users run. */
async function startFlags(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const match = /^node((?: --[\w=-]+)*) src\/main\.ts$/.exec(scripts.start ?? '');
  if (!match) throw new Error(`package.json's start script is not "node [flags] src/main.ts": ${scripts.start}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}

/** `node src/main.ts <role>` with npm start's flags; resolves once it says it is ready. */
export async function startHookwire(role: 'all' | 'api' | 'worker', databaseUrl: string, env: Record<string, string> = {}): Promise<HookwireProcess> {
  const child = spawn(process.execPath, [...(await startFlags()), 'src/main.ts', role], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOOKWIRE_ADMIN_KEY: ADMIN_KEY,
      HOOKWIRE_ENCRYPTION_KEY: ENCRYPTION_KEY,
      HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: "warn",
      // BENCH_NODE_OPTIONS: flags for the Hookwire processes only (e.g. --cpu-prof), not the bench's.
      NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => {
    output += chunk;
    if (process.env.BENCH_SHOW_LOGS) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!/ready/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`hookwire ${role} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /GraphiQL: (\S+)/.exec(output)?.[1] ?? null;
  return {
    role,
    pid: child.pid!,
    url,
    async peakRssMb() {
      const peak = async (pid: number) => {
        const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
        return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024);
      };
      const children = (await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean).map(Number);
      return [await peak(child.pid!), ...(await Promise.all(children.map(peak)))];
    },
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (child.exitCode !== 0 && child.signalCode === null && !/shutting down/.test(output)) {
        throw new Error(`hookwire ${role} exited with ${child.exitCode}:\n${output.slice(-2000)}`);
      }
    },
  };
}

/** One request at the receiver; answer: '200', '500', 'hang' or 'reset' (receiver.cjs). */
export type Receipt = [id: string, at: number, path: string, attempt: string, answer: string];

export interface Receiver {
  origin: string;
  /** Every request so far (and forget them, with clear). */
  receipts(clear?: boolean): Promise<Receipt[]>;
  stop(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const child: ChildProcess = fork(join(ROOT, 'bench/receiver.cjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  let next = 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    receipts(clear = false) {
      const id = next++;
      const rows: Receipt[] = [];
      return new Promise((resolve) => {
        const onMessage = (message: { type: string; id: number; rows?: Receipt[] }) => {
          if (message.id !== id) return;
          if (message.type === 'chunk') rows.push(...message.rows!);
          else if (message.type === 'done') {
            child.off('message', onMessage);
            resolve(rows);
          }
        };
        child.on('message', onMessage);
        child.send({ type: 'receipts', id, clear });
      });
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** A GraphQL request that got no data: errors in the answer (status says which), or no JSON at all. */
export class GraphQLRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.status = status;
  }
}

/** A GraphQL client over one keep-alive pool, as a customer's backend would hold. */
export class GraphQLClient {
  private readonly pool: Pool;
  private readonly path: string;
  /** timeoutMs: how long to wait for an answer (undici's default is minutes). */
  constructor(url: string, connections = 32, timeoutMs?: number) {
    const parsed = new URL(url);
    this.pool = new Pool(parsed.origin, { connections, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    this.path = parsed.pathname;
  }

  async request<T = any>(query: string, variables: Record<string, unknown>, key: string): Promise<T> {
    const body = JSON.stringify({ query, variables });
    const res = await this.pool.request({
      path: this.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    const text = await res.body.text();
    let json: { data?: T; errors?: Array<{ message: string }> };
    try {
      json = JSON.parse(text);
    } catch {
      throw new GraphQLRequestError(res.statusCode, `HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`);
    }
    if (json.errors?.length || !json.data) throw new GraphQLRequestError(res.statusCode, `GraphQL error (${res.statusCode}): ${JSON.stringify(json.errors ?? json)}`);
    return json.data;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
