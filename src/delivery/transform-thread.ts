// The host side of the transformation worker thread (transform-worker.ts): one run in flight at a
// time, a watchdog on its CPU and wall-clock time, and a new thread after a kill or a crash.
import { Worker } from 'node:worker_threads';
import type { SandboxLimits, SandboxOutcome } from './transform-sandbox.ts';
import type { WorkerRequest } from './transform-worker.ts';

export interface ThreadLimits extends SandboxLimits {
  /** The thread's CPU time after which the watchdog kills a run QuickJS's interrupt did not stop. */
  killAfterMs: number;
  /** A run still going after this much wall-clock time is killed whatever it used (a hung thread). */
  maxWallMs: number;
}

/** What a run comes back as: the sandbox's own outcome, or killed by the watchdog. */
export type ThreadOutcome = SandboxOutcome | { kind: 'killed' };

interface Job {
  request: WorkerRequest;
  resolve: (outcome: ThreadOutcome) => void;
}

const WORKER_URL = new URL('./transform-worker.ts', import.meta.url);
/** How often the watchdog reads the worker's CPU time while a run is in flight. */
const WATCH_EVERY_MS = 20;
const CLOSED: SandboxOutcome = { kind: 'fault', message: 'the transformer was closed' };

export class SandboxThread {
  private readonly limits: Readonly<ThreadLimits>;
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  private closed = false;

  constructor(limits: Readonly<ThreadLimits>) {
    this.limits = limits;
  }

  /** Queues one run; never rejects: a sandbox that cannot start or dies is a `fault` outcome. */
  submit(request: WorkerRequest): Promise<ThreadOutcome> {
    if (this.closed) return Promise.resolve(CLOSED);
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
  }

  /** Stops the worker; runs still queued resolve as faults. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (this.current) {
      clearInterval(this.current.timer);
      this.current.job.resolve(CLOSED);
      this.current = null;
    }
    for (const job of this.queue.splice(0)) job.resolve(CLOSED);
    await worker?.terminate();
  }

  start(): Promise<Worker> {
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      const { cpuMs, memoryBytes, stackBytes, maxOutputBytes } = this.limits;
      const limits: SandboxLimits = { cpuMs, memoryBytes, stackBytes, maxOutputBytes };
      const worker = new Worker(WORKER_URL, { workerData: { limits } });
      worker.unref(); // an idle transformer does not keep the process alive
      const onStartError = (error: Error) => reject(error);
      const onStartExit = (code: number) => reject(new Error(`the transformation worker exited with ${code} before it was ready`));
      worker.once('error', onStartError);
      worker.once('exit', onStartExit);
      worker.once('message', (message: { ready?: boolean }) => {
        if (!message.ready) return reject(new Error('the transformation worker did not start'));
        worker.off('error', onStartError);
        worker.off('exit', onStartExit);
        worker.on('message', (reply: { id: number; outcome: SandboxOutcome }) => this.settle(reply.id, reply.outcome));
        worker.on('error', (error) => this.lost(worker, `the sandbox crashed: ${error.message}`));
        worker.on('exit', () => this.lost(worker, 'the sandbox exited'));
        this.worker = worker;
        resolve(worker);
      });
    }).finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private pump(): void {
    if (this.current || this.queue.length === 0 || this.closed) return;
    const worker = this.worker;
    if (!worker) {
      void this.start().then(
        () => this.pump(),
        (error: unknown) => this.failQueued(`the sandbox could not start: ${String(error)}`),
      );
      return;
    }
    const job = this.queue.shift()!;
    this.current = { job, timer: this.watch(worker, job.request.id) };
    worker.postMessage(job.request);
  }

  /** Reads the thread's CPU time every few ms and kills run `id` once it is past its limits. */
  private watch(worker: Worker, id: number): NodeJS.Timeout {
    const started = performance.now();
    const baseline = worker.cpuUsage();
    return setInterval(() => {
      void Promise.all([baseline, worker.cpuUsage()]).then(
        ([before, now]) => {
          const usedMs = (now.user + now.system - before.user - before.system) / 1000;
          if (usedMs > this.limits.killAfterMs || performance.now() - started > this.limits.maxWallMs) this.kill(worker, id);
        },
        () => {}, // the worker is gone; 'exit' settles the run
      );
    }, WATCH_EVERY_MS);
  }

  private settle(id: number, outcome: ThreadOutcome): void {
    const current = this.current;
    if (!current || current.job.request.id !== id) return;
    clearInterval(current.timer);
    this.current = null;
    current.job.resolve(outcome);
    this.pump();
  }

  /** Run `id` is past its limit, so the thread (and the run with it) goes. */
  private kill(worker: Worker, id: number): void {
    if (this.current?.job.request.id !== id) return; // it finished meanwhile
    if (this.worker === worker) this.worker = null;
    void worker.terminate();
    this.settle(id, { kind: 'killed' });
  }

  private lost(worker: Worker, message: string): void {
    if (this.worker !== worker) return; // already replaced (killed or closed)
    this.worker = null;
    const id = this.current?.job.request.id;
    if (id !== undefined) this.settle(id, { kind: 'fault', message });
    else this.pump();
  }

  private failQueued(message: string): void {
    for (const job of this.queue.splice(0)) job.resolve({ kind: 'fault', message });
  }
}
