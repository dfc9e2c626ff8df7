// The hookwire CLI as a user runs it: a child process (the package's bin, on this Node), its
// stdout, stderr and exit code. Asynchronous only: the service it talks to may run in this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HOOKWIRE_BIN = fileURLToPath(new URL('../../packages/client/bin/hookwire.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** HOOKWIRE_URL, HOOKWIRE_API_KEY and anything else; nothing of this process's HOOKWIRE_* leaks in. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (closed at once without it). */
  stdin?: string;
}

function spawnCli(args: string[], options: CliOptions): ChildProcess {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env };
  const child = spawn(process.execPath, [HOOKWIRE_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(options.stdin ?? '');
  return child;
}

/** Runs one command to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  const result: CliResult = { code: null, stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hookwire ${args.join(' ')} did not finish within 30 s: ${JSON.stringify(result)}`));
    }, 30_000);
    // 'close', not 'exit': the process has ended and its output is all read.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ...result, code });
    });
  });
}

export interface RunningCli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout so far, one entry per complete line. */
  lines(): string[];
  /** Waits until stdout or stderr (or both joined) matches. */
  waitFor(pattern: RegExp, where?: 'stdout' | 'stderr', timeoutMs?: number): Promise<void>;
  /** Ctrl-C: SIGINT, then its exit code. */
  stop(): Promise<CliResult>;
}

/** Starts a long-running command (tail, listen). */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const running: RunningCli = {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    lines: () => stdout.split('\n').slice(0, -1),
    async waitFor(pattern, where, timeoutMs = 20_000) {
      await waitUntil(
        `hookwire ${args[0]} to print ${pattern} (stdout: ${JSON.stringify(stdout)}, stderr: ${JSON.stringify(stderr)})`,
        () => pattern.test(where === 'stdout' ? stdout : where === 'stderr' ? stderr : `${stdout}\n${stderr}`),
        timeoutMs,
      );
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await closed;
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
  };
  return running;
}
