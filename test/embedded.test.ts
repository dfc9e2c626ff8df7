// The newcomer's path: `npm start` with no DATABASE_URL runs an embedded Postgres under the data
// dir, prints a key and the GraphiQL URL, reuses the data on the next start, stops cleanly on
// SIGTERM, and explains a busy port or a broken data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../src/db/local.ts';

const ROOT = new URL('..', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startService(env: Record<string, string>): Started {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env, DATABASE_URL: undefined, HOOKWIRE_ADMIN_KEY: undefined };
  const child = spawn(process.execPath, ['src/main.ts'], { cwd: ROOT, env: childEnv as NodeJS.ProcessEnv });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** A python parent that is the subreaper of the service (its own process group) and reaps only after 'reap' on stdin. */
const SLOW_REAPER = `
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
child = subprocess.Popen(sys.argv[1:], start_new_session=True)
print(f"child {child.pid}", flush=True)
sys.stdin.readline()
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
`;

function startUnderSlowReaper(env: Record<string, string>): Started {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env, DATABASE_URL: undefined, HOOKWIRE_ADMIN_KEY: undefined };
  const child = spawn('python3', ['-c', SLOW_REAPER, process.execPath, 'src/main.ts'], { cwd: ROOT, env: childEnv as NodeJS.ProcessEnv });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(started: Started, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = started.output().match(pattern);
    if (match) return match;
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`did not see ${pattern} in:\n${started.output()}`);
}

async function viewer(url: string, key: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ viewer { id name } }' }),
  });
  return response.json();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie (an exited process that its new parent, after a crash, has not reaped). */
function processRunning(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

let dataDir: string;
let pgPort: number;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hookwire-embedded-'));
  pgPort = await freePort();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start on embedded Postgres', () => {
  let apiKey = '';
  let accountId = '';

  /** Starts the service on the data dir: it answers for the first start's account, then stops cleanly. */
  async function startsWithItsData(env: Record<string, string>, check: (output: string) => void = () => {}): Promise<void> {
    const started = startService(env);
    try {
      const [, url] = await waitFor(started, /GraphiQL: (http:\/\/\S+)/);
      check(started.output());
      const body = (await viewer(url!, apiKey)) as { data: { viewer: { id: string } } };
      expect(body.data.viewer.id).toBe(accountId);
      started.child.kill('SIGTERM');
      expect(await started.exited, started.output()).toBe(0);
    } finally {
      started.child.kill('SIGKILL');
    }
  }

  it('starts with no configuration, prints a key and the GraphiQL URL, and answers over HTTP and graphql-ws', async () => {
    const started = startService({ HOOKWIRE_DATA_DIR: dataDir, HOOKWIRE_EMBEDDED_PG_PORT: String(pgPort), PORT: '0' });
    try {
      const [, url] = await waitFor(started, /GraphiQL: (http:\/\/\S+)/);
      apiKey = started.output().match(/Bearer (hk_[A-Za-z0-9_-]+)/)![1]!;
      const body = (await viewer(url!, apiKey)) as { data: { viewer: { id: string; name: string } } };
      expect(body.data.viewer.name).toBe('default');
      accountId = body.data.viewer.id;

      const client = createClient({ url: url!.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${apiKey}` }, retryAttempts: 0 });
      const overWs = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe({ query: '{ viewer { id } }' }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
      });
      await client.dispose();
      expect(overWs).toEqual({ data: { viewer: { id: accountId } } });

      const pid = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect(processAlive(pid)).toBe(true);
      started.child.kill('SIGTERM');
      expect(await started.exited, started.output()).toBe(0);
      // Graceful shutdown stopped the embedded Postgres: no orphaned postgres process.
      expect(processAlive(pid)).toBe(false);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('reuses the data on the second start: same account, old key, no new key printed', async () => {
    const started = startService({ HOOKWIRE_DATA_DIR: dataDir, HOOKWIRE_EMBEDDED_PG_PORT: String(pgPort), PORT: '0' });
    try {
      const [, url] = await waitFor(started, /GraphiQL: (http:\/\/\S+)/);
      expect(started.output()).not.toMatch(/First start/);
      const body = (await viewer(url!, apiKey)) as { data: { viewer: { id: string } } };
      expect(body.data.viewer.id).toBe(accountId);
      started.child.kill('SIGINT');
      expect(await started.exited).toBe(0);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('recovers by itself after a crash (SIGKILL) left its Postgres running', async () => {
    const env = { HOOKWIRE_DATA_DIR: dataDir, HOOKWIRE_EMBEDDED_PG_PORT: String(pgPort), PORT: '0' };
    const crashed = startService(env);
    let orphan = 0;
    try {
      await waitFor(crashed, /GraphiQL: (http:\/\/\S+)/);
      orphan = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      crashed.child.kill('SIGKILL');
      await crashed.exited;
      // The crash left the cluster running: without recovery the next start would refuse.
      expect(processAlive(orphan)).toBe(true);
    } finally {
      crashed.child.kill('SIGKILL');
    }
    await startsWithItsData(env, (output) => {
      expect(output).toMatch(/left running by a Hookwire that ended without stopping it/);
      expect(processRunning(orphan)).toBe(false);
    });
  });

  it('starts again right after a SIGKILL of its whole process group, while its Postgres is a zombie not reaped yet', async () => {
    const env = { HOOKWIRE_DATA_DIR: dataDir, HOOKWIRE_EMBEDDED_PG_PORT: String(pgPort), PORT: '0' };
    // The service under a parent that reaps its orphans only when told (a child subreaper, as a
    // supervisor or a container's init is): killed, its postmaster stays a zombie until then.
    const crashed = startUnderSlowReaper(env);
    try {
      const [, nodePid] = await waitFor(crashed, /^child (\d+)$/m);
      await waitFor(crashed, /GraphiQL: (http:\/\/\S+)/);
      const postmaster = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      // A terminal's kill -9 of the job, a supervisor's SIGKILL of the unit: every process of the
      // group dies at once, the postmaster without removing its lock file.
      process.kill(-Number(nodePid), 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (processRunning(postmaster) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(processAlive(postmaster), 'the postmaster is a zombie').toBe(true);
      expect(processRunning(postmaster)).toBe(false);
      // At once, and the zombie reaped only 3 s later: the new start waits for it, then starts.
      const reap = setTimeout(() => crashed.child.stdin!.write('reap\n'), 3_000);
      try {
        await startsWithItsData(env, (output) => expect(output).toMatch(/waited .* for the Postgres that a crashed Hookwire left exiting/));
      } finally {
        clearTimeout(reap);
      }
    } finally {
      crashed.child.kill('SIGKILL');
      await crashed.exited;
    }
  });

  it('still refuses a data directory that a running Hookwire is using', async () => {
    const env = { HOOKWIRE_DATA_DIR: dataDir, HOOKWIRE_EMBEDDED_PG_PORT: String(pgPort), PORT: '0' };
    const first = startService(env);
    try {
      await waitFor(first, /GraphiQL: (http:\/\/\S+)/);
      const second = startService({ ...env, HOOKWIRE_EMBEDDED_PG_PORT: String(await freePort()) });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/is in use by another process/);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }
  });

  it('explains a busy Postgres port', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const started = startService({ HOOKWIRE_DATA_DIR: dataDir, HOOKWIRE_EMBEDDED_PG_PORT: String(port), PORT: '0' });
      expect(await started.exited).toBe(1);
      expect(started.output()).toMatch(new RegExp(`port ${port} on 127.0.0.1 is busy.*HOOKWIRE_EMBEDDED_PG_PORT`));
      expect(started.output()).not.toMatch(/undefined/);
    } finally {
      blocker.close();
    }
  });

  it('explains a data directory that is not a Postgres cluster', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'hookwire-broken-'));
    try {
      await mkdir(join(broken, 'pg'));
      await writeFile(join(broken, 'pg', 'notes.txt'), 'not a database');
      const started = startService({ HOOKWIRE_DATA_DIR: broken, HOOKWIRE_EMBEDDED_PG_PORT: String(await freePort()), PORT: '0' });
      expect(await started.exited).toBe(1);
      expect(started.output()).toMatch(/is not a Postgres data directory/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('explains a damaged cluster that Postgres refuses to start', async () => {
    const damaged = await mkdtemp(join(tmpdir(), 'hookwire-damaged-'));
    try {
      await mkdir(join(damaged, 'pg'));
      await writeFile(join(damaged, 'pg', 'PG_VERSION'), '9\n');
      const started = startService({ HOOKWIRE_DATA_DIR: damaged, HOOKWIRE_EMBEDDED_PG_PORT: String(await freePort()), PORT: '0' });
      expect(await started.exited).toBe(1);
      expect(started.output()).toMatch(/did not start/);
      expect(started.output()).not.toMatch(/undefined/);
    } finally {
      await rm(damaged, { recursive: true, force: true });
    }
  });
});
