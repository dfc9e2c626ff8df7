// Starts a seed's printed receiver (./receivers/) as a child process on a free 127.0.0.1 port,
// through the host its recipe names, and stops it. Python receivers need Flask; when it cannot be
// imported the caller skips them with the reason pythonFlask() gives.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/db/local.ts';
import { waitUntil } from '../support/wait.ts';
import type { SeedReceiver } from './recipes.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const PROJECT_ROOT = here('../../');
const receiverFile = (file: string) => here(`./receivers/${file}`);
const hostFile = (file: string) => here(`./hosts/${file}`);

export interface RunningReceiver {
  /** http://127.0.0.1:<port><path>: where the receiver takes webhooks. */
  url: string;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

let flask: { available: true } | { available: false; reason: string } | undefined;

/** Whether `python3 -c "import flask"` works here, and if not, why. */
export function pythonFlask(): { available: true } | { available: false; reason: string } {
  if (flask) return flask;
  const probe = spawnSync('python3', ['-c', 'import flask'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error) flask = { available: false, reason: `python3 cannot be run (${probe.error.message})` };
  else if (probe.status !== 0) {
    flask = { available: false, reason: `Flask is not importable by python3 (python3 -m pip install flask): ${probe.stderr.trim().split('\n').pop()}` };
  } else flask = { available: true };
  return flask;
}

/** Why this receiver cannot run here, or undefined when it can. */
export function whyNotRunnable(receiver: SeedReceiver): string | undefined {
  if (receiver.notRunnable) return receiver.notRunnable;
  if (receiver.language === 'python') {
    const python = pythonFlask();
    if (!python.available) return python.reason;
  }
  return undefined;
}

function command(receiver: SeedReceiver): [string, string[]] {
  const { host } = receiver;
  const route = (glue: { function: string; header: string; path: string } | undefined) =>
    glue ? ['--route', `${glue.function}:${glue.header}:${glue.path}`] : [];
  switch (host.kind) {
    case 'web-route':
      return [process.execPath, [hostFile('web-route.mjs'), receiverFile(host.file)]];
    case 'express-app':
      return [process.execPath, ['--import', hostFile('listen-on-port.mjs'), receiverFile(host.file)]];
    case 'express-snippet':
      return [process.execPath, [hostFile('express-snippet.cjs'), ...host.files.map(receiverFile), ...route(host.route)]];
    case 'flask':
      return ['python3', [hostFile('flask_snippet.py'), ...host.files.map(receiverFile), ...route(host.route)]];
    case 'aspnet':
      throw new Error(`${host.file} is not run by this harness`);
  }
}

/** Starts the receiver with `secret` in WEBHOOK_SECRET and resolves once its port accepts connections. */
export async function startReceiver(receiver: SeedReceiver, secret: string): Promise<RunningReceiver> {
  const port = await freePort();
  const [program, args] = command(receiver);
  const child = spawn(program, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port), WEBHOOK_SECRET: secret, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));

  const running: RunningReceiver = {
    url: `http://127.0.0.1:${port}${receiver.path}`,
    output: () => output,
    stop: () => stop(child),
  };
  try {
    await waitUntil(
      `${receiver.language} receiver ${JSON.stringify(receiver.host)} on port ${port}`,
      async () => {
        if (exited) throw new Error(`the receiver ${exited} before listening:\n${output}`);
        return portAccepts(port);
      },
      30_000,
      100,
    );
  } catch (error) {
    await stop(child);
    throw new Error(`${(error as Error).message}\n--- receiver output ---\n${output}`);
  }
  return running;
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}
