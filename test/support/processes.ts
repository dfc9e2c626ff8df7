// A Hookwire worker as a separate OS process (`node src/main.ts worker`), for tests that kill,
// freeze or restart it: its output is kept for assertions and diagnosis.
import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_ENCRYPTION_KEY } from './app.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface Child {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWorker(env: Record<string, string>): Child {
  // The test apps' key: the worker must open the secrets they sealed.
  const childEnv: Record<string, string | undefined> = { ...process.env, HOOKWIRE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env };
  const child = spawn(process.execPath, ['src/main.ts', 'worker'], { cwd: ROOT, env: childEnv as NodeJS.ProcessEnv });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}
