// `npm start`'s workers: child processes of the API process, on the same database (the embedded
// one, or DATABASE_URL). Separate processes, not one event loop: a busy engine never makes API
// requests wait, each process stays within its own memory, and two cores work at once. Each child
// is supervised: replaced (with backoff) if it ends unasked, stopped with the parent, and it stops
// by itself if the parent dies (its IPC channel closes).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface WorkerChildren {
  stop(timeoutMs: number): Promise<void>;
}

export function startWorkerChildren(options: { count: number; databaseUrl: string; logger: Logger }): WorkerChildren {
  const { logger } = options;
  let stopping = false;
  const children = new Set<ChildProcess>();

  const spawnOne = (slot: number, delayMs: number) => {
    const child = fork(MAIN, ['worker'], {
      execArgv: process.execArgv,
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        // The parent serves /metrics for the API; a worker child would only contend for the port.
        HOOKWIRE_METRICS_PORT: '',
        HOOKWIRE_WORKER_CHILD: String(slot),
      },
      stdio: 'inherit',
    });
    const startedAt = Date.now();
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      // Healthy for a minute: the next failure starts the backoff over.
      const next = Date.now() - startedAt > 60_000 ? 1_000 : Math.min(delayMs * 2, 30_000);
      logger.error(`worker process ${slot} exited (${signal ?? `code ${code}`}); starting a new one in ${next} ms`);
      setTimeout(() => {
        if (!stopping) spawnOne(slot, next);
      }, next).unref();
    });
  };
  for (let slot = 1; slot <= options.count; slot++) spawnOne(slot, 500);

  return {
    async stop(timeoutMs) {
      stopping = true;
      await Promise.all(
        [...children].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
