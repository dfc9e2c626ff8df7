// Endpoint transformations: `function handler(webhook) { …; return webhook }` run in QuickJS compiled
// to WebAssembly (never Node's own vm), in a worker thread of its own, with CPU, memory, stack and
// output limits. The worker and its WebAssembly module live as long as the Transformer; each run
// gets a fresh QuickJS runtime and context, so nothing one run does reaches the next.

import { Worker } from 'node:worker_threads';
import { customHeaderNameProblem, headerValueProblem } from './header-rules.ts';
import { hasNul, NUL_MESSAGE } from './text.ts';
import type { SandboxLimits, SandboxOutcome, ThrownInfo } from './transform-sandbox.ts';
import type { WorkerRequest } from './transform-worker.ts';

export interface TransformLimits extends SandboxLimits {
  /**
   * cpuMs (CPU time of the worker thread) is enforced inside QuickJS by its interrupt handler,
   * which QuickJS polls every few thousand bytecodes; a loop around one long native call
   * (JSON.stringify of a large value) polls too rarely, so the host also watches the thread's
   * CPU time and kills it once a run has used killAfterMs.
   */
  killAfterMs: number;
  /** A run still going after this much wall-clock time is killed whatever it used (a hung thread). */
  maxWallMs: number;
  /** Largest transformation source, in UTF-8 bytes. */
  maxCodeBytes: number;
  /** Most headers a transformation may return. */
  maxHeaders: number;
}

export const DEFAULT_TRANSFORM_LIMITS: Readonly<TransformLimits> = Object.freeze({
  cpuMs: 50,
  killAfterMs: 250,
  maxWallMs: 10_000,
  /**
   * Enforced twice: QuickJS's own limit, and a hard cap on the WebAssembly memory, which may
   * grow by at most this much beyond its 16 MiB start-up size (see transform-sandbox.ts).
   */
  memoryBytes: 16 * 1024 * 1024,
  /** QuickJS's stack: small enough that its own check fires before Node's stack overflows. */
  stackBytes: 64 * 1024,
  /** Largest body a transformation may produce, in UTF-8 bytes. */
  maxOutputBytes: 512 * 1024,
  maxCodeBytes: 64 * 1024,
  maxHeaders: 20,
});

export interface TransformInput {
  eventType: string;
  eventId: string;
  /** The envelope `{id, type, timestamp, sessionId, data}`, parsed. */
  payload: unknown;
  /** The headers the code starts from (the endpoint's own, say); {} when absent. */
  headers?: Record<string, string>;
}

export type TransformResult =
  | { kind: 'ok'; body: string; headers: Record<string, string> }
  | { kind: 'error'; message: string; line: number | null };

export interface RunOptions {
  /** Header names the code may not set beyond Hookwire's reserved ones (the endpoint's signature headers). */
  reservedHeaders?: readonly string[];
}

/** A problem the save-time check found, at the path of the transformation field. */
export interface TransformProblem {
  path: string[];
  message: string;
}

const MAX_MESSAGE = 1000;
const WORKER_URL = new URL('./transform-worker.ts', import.meta.url);

interface Job {
  request: WorkerRequest;
  resolve: (outcome: SandboxOutcome | { kind: 'killed' }) => void;
}

/**
 * Runs transformations. Create one per process (sharedTransformer) and reuse it: its worker
 * thread compiles the WebAssembly module once; runs are queued and go one at a time.
 */
export class Transformer {
  readonly limits: Readonly<TransformLimits>;
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  /** How often the watchdog reads the worker's CPU time while a run is in flight. */
  private static readonly WATCH_EVERY_MS = 20;
  private nextId = 1;
  private closed = false;

  private constructor(limits: TransformLimits) {
    this.limits = Object.freeze({ ...limits });
  }

  static async create(limits: Partial<TransformLimits> = {}): Promise<Transformer> {
    const transformer = new Transformer({ ...DEFAULT_TRANSFORM_LIMITS, ...limits });
    await transformer.start();
    return transformer;
  }

  /**
   * Runs `code` on one webhook. Never throws for anything the code does: an error, a limit, a
   * bad result or a sandbox fault is a `{ kind: 'error' }` naming the line when there is one.
   */
  async run(code: string, input: TransformInput, options: RunOptions = {}): Promise<TransformResult> {
    const codeProblem = this.codeProblem(code);
    if (codeProblem) return { kind: 'error', message: codeProblem, line: null };
    let inputJson: string;
    try {
      inputJson = JSON.stringify({ eventType: input.eventType, eventId: input.eventId, payload: input.payload, headers: input.headers ?? {} });
    } catch (error) {
      return { kind: 'error', message: `the webhook cannot be passed to the transformation: ${String(error)}`, line: null };
    }
    const outcome = await this.submit({ id: this.nextId++, code, inputJson, nowMs: clockOf(input.payload), seed: seedOf(input.eventId) });
    switch (outcome.kind) {
      case 'ok':
        return this.checkOutput(outcome.json, options);
      case 'thrown':
        return this.describeThrown(outcome.info);
      case 'killed':
        return { kind: 'error', message: `exceeded the CPU time limit of ${this.limits.cpuMs} ms`, line: null };
      case 'fault':
        return { kind: 'error', message: truncate(`the sandbox failed while running the transformation: ${outcome.message}`), line: null };
    }
  }

  /**
   * The save-time check: runs `code` on each sample (the example of every event type the
   * endpoint subscribes to) and reports each distinct problem at `path`, naming the line.
   */
  async check(
    code: unknown,
    samples: readonly TransformInput[],
    path: string[] = ['input', 'transformation'],
    options: RunOptions = {},
  ): Promise<TransformProblem[]> {
    if (typeof code !== 'string') return [{ path, message: 'must be a string' }];
    const codeProblem = this.codeProblem(code);
    if (codeProblem) return [{ path, message: codeProblem }];
    const errors: TransformProblem[] = [];
    const seen = new Set<string>();
    for (const sample of samples) {
      const result = await this.run(code, sample, options);
      if (result.kind === 'ok') continue;
      const message = result.line === null ? result.message : `line ${result.line}: ${result.message}`;
      if (seen.has(message)) continue;
      seen.add(message);
      errors.push({ path, message: `${message} (on the example of ${sample.eventType})` });
    }
    return errors;
  }

  /** Stops the worker; runs still queued resolve as errors. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (this.current) {
      clearInterval(this.current.timer);
      this.current.job.resolve({ kind: 'fault', message: 'the transformer was closed' });
      this.current = null;
    }
    for (const job of this.queue.splice(0)) job.resolve({ kind: 'fault', message: 'the transformer was closed' });
    await worker?.terminate();
  }

  private codeProblem(code: string): string | undefined {
    if (code.trim() === '') return 'must define function handler(webhook) { ...; return webhook }';
    if (hasNul(code)) return NUL_MESSAGE;
    const bytes = Buffer.byteLength(code);
    if (bytes > this.limits.maxCodeBytes) return `is ${bytes} bytes; at most ${this.limits.maxCodeBytes} are allowed`;
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // The worker: one run in flight, a watchdog on it, a new worker after a kill or a crash.

  private submit(request: WorkerRequest): Promise<SandboxOutcome | { kind: 'killed' }> {
    if (this.closed) return Promise.resolve({ kind: 'fault', message: 'the transformer was closed' });
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
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
    const id = job.request.id;
    const started = performance.now();
    const baseline = worker.cpuUsage();
    const timer = setInterval(() => {
      void Promise.all([baseline, worker.cpuUsage()]).then(
        ([before, now]) => {
          const usedMs = (now.user + now.system - before.user - before.system) / 1000;
          if (usedMs > this.limits.killAfterMs || performance.now() - started > this.limits.maxWallMs) this.kill(worker, id);
        },
        () => {}, // the worker is gone; 'exit' settles the run
      );
    }, Transformer.WATCH_EVERY_MS);
    this.current = { job, timer };
    worker.postMessage(job.request);
  }

  private start(): Promise<Worker> {
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      const limits: SandboxLimits = {
        cpuMs: this.limits.cpuMs,
        memoryBytes: this.limits.memoryBytes,
        stackBytes: this.limits.stackBytes,
        maxOutputBytes: this.limits.maxOutputBytes,
      };
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

  private settle(id: number, outcome: SandboxOutcome | { kind: 'killed' }): void {
    const current = this.current;
    if (!current || current.job.request.id !== id) return;
    clearInterval(current.timer);
    this.current = null;
    current.job.resolve(outcome);
    this.pump();
  }

  /** The watchdog: run `id` is past its limit, so the thread (and the run with it) goes. */
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

  // -------------------------------------------------------------------------------------------
  // Results.

  private describeThrown(info: ThrownInfo): TransformResult {
    const { limits } = this;
    const line = info.line ?? lineOf(info.stack);
    const engine = info.name === 'InternalError';
    if (engine && info.message === 'interrupted') {
      return { kind: 'error', message: `exceeded the CPU time limit of ${limits.cpuMs} ms`, line };
    }
    if (engine && info.message === 'out of memory') {
      return { kind: 'error', message: `exceeded the memory limit of ${mib(limits.memoryBytes)}`, line };
    }
    if (engine && info.message === 'stack overflow') {
      return { kind: 'error', message: 'stack overflow: recursion too deep', line };
    }
    const ours = info.message.startsWith('@') ? runnerMessage(info.message, limits) : undefined;
    if (ours) return { kind: 'error', message: ours, line: null };
    return { kind: 'error', message: truncate(info.name ? `${info.name}: ${info.message}` : info.message), line };
  }

  private checkOutput(json: string, options: RunOptions): TransformResult {
    const { limits } = this;
    const fail = (message: string): TransformResult => ({ kind: 'error', message, line: null });
    const out = readOutput(json);
    if (!out) return fail('the result of handler could not be read back (were JSON or Array built-ins replaced?)');
    // What is stored must be what is sent: a lone surrogate would become U+FFFD on the wire.
    const body = out.body.toWellFormed();
    const bytes = Buffer.byteLength(body);
    if (bytes > limits.maxOutputBytes) return fail(outputTooLarge(limits, bytes));
    if (hasNul(body)) return fail(`the body ${NUL_MESSAGE}`);
    if (out.headers.length > limits.maxHeaders) {
      return fail(`webhook.headers has ${out.headers.length} headers; at most ${limits.maxHeaders} are allowed`);
    }
    const headers: Record<string, string> = {};
    const reserved = (options.reservedHeaders ?? []).map((n) => n.toLowerCase());
    for (const [name, value, type] of out.headers) {
      const problem =
        customHeaderNameProblem(name, reserved) ??
        (type === 'string' ? headerValueProblem(value) : `header value must be a string (it is ${type})`);
      if (problem) return fail(`webhook.headers[${JSON.stringify(name)}]: ${problem}`);
      const lower = name.toLowerCase();
      if (Object.hasOwn(headers, lower)) return fail(`webhook.headers sets ${lower} twice (header names are case-insensitive)`);
      headers[lower] = (value as string).trim();
    }
    return { kind: 'ok', body, headers };
  }
}

/** The sentences behind the prelude's codes (transform-sandbox.ts). */
function runnerMessage(code: string, limits: TransformLimits): string | undefined {
  const [name, detail] = code.split(':');
  switch (name) {
    case '@handler':
      return 'the transformation must define function handler(webhook) { ...; return webhook }';
    case '@result':
      return `handler must return the webhook object (it returned ${detail})`;
    case '@async':
      return 'handler must not be async: the sandbox has no timers or I/O to wait for';
    case '@payload':
      return `webhook.payload must be JSON or a string (it is ${detail})`;
    case '@headers':
      return `webhook.headers must be an object of header names to string values (it is ${detail})`;
    case '@size':
      return outputTooLarge(limits);
    default:
      return undefined;
  }
}

/** The runner's JSON, checked: the customer's code shares the realm and could have bent it. */
function readOutput(json: string): { body: string; headers: [string, unknown, string][] } | undefined {
  let out: unknown;
  try {
    out = JSON.parse(json);
  } catch {
    return undefined;
  }
  const { body, headers } = (out ?? {}) as { body?: unknown; headers?: unknown };
  if (typeof body !== 'string' || !Array.isArray(headers)) return undefined;
  const wellFormed = headers.every(
    (h): h is [string, unknown, string] => Array.isArray(h) && h.length === 3 && typeof h[0] === 'string' && typeof h[2] === 'string',
  );
  return wellFormed ? { body, headers } : undefined;
}

/** The customer's line of the innermost frame in their file (QuickJS: "at handler (transformation.js:3:13)"). */
function lineOf(stack: string): number | null {
  const match = /transformation\.js:(\d+)/.exec(stack);
  return match ? Number(match[1]) : null;
}

function outputTooLarge(limits: TransformLimits, bytes?: number): string {
  const size = bytes === undefined ? '' : ` (${bytes} bytes)`;
  return `the body is larger than ${limits.maxOutputBytes} bytes${size}`;
}

function mib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

/** The sandbox clock: the event's own timestamp, so the same event always transforms the same way. */
function clockOf(payload: unknown): number {
  const timestamp = (payload as { timestamp?: unknown } | null)?.timestamp;
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  return Number.isFinite(ms) ? ms : 0;
}

/** FNV-1a of the event id: Math.random's seed. */
function seedOf(eventId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) hash = Math.imul(hash ^ eventId.charCodeAt(i), 0x01000193);
  return hash | 0;
}

let shared: Promise<Transformer> | null = null;

/** The process's Transformer, created on first use with the default limits. */
export function sharedTransformer(): Promise<Transformer> {
  shared ??= Transformer.create().catch((error: unknown) => {
    shared = null;
    throw error;
  });
  return shared;
}

// ---------------------------------------------------------------------------------------------

/**
 * The input that previewTransformation and the save-time check run on: the envelope that an
 * event of `eventType` with `data` would have. Fixed id and timestamp, so the result is stable.
 */
export function sampleInput(eventType: string, data: unknown, sessionId: string | null = 'default'): TransformInput {
  const eventId = 'evt_00000000000000000000000000';
  return {
    eventType,
    eventId,
    payload: { id: eventId, type: eventType, timestamp: '2026-04-11T10:30:00.000Z', sessionId, data },
    headers: {},
  };
}

/** A realistic transformation: reshape into another platform's body, rename the event, add a header. */
export const REALISTIC_TRANSFORMATION = `function handler(webhook) {
  const names = { 'message.received': 'message', 'message.read': 'message.ack' };
  const d = webhook.payload.data;
  webhook.payload = {
    event: names[webhook.eventType] || webhook.eventType,
    session: webhook.payload.sessionId,
    payload: {
      id: d.messageId,
      timestamp: Math.floor(Date.parse(d.timestamp) / 1000),
      from: d.from,
      body: d.content && d.content.text,
      hasMedia: d.messageType !== 'text',
    },
  };
  webhook.headers['X-WAHooks-Event'] = webhook.payload.event;
  return webhook;
}`;

/**
 * The cost a delivery pays once: REALISTIC_TRANSFORMATION run `n` times, one after another, on a
 * warm transformer (the worker round trip included). For `npm run bench`.
 */
export async function measureTransform(
  n: number,
  transformer?: Transformer,
): Promise<{ runs: number; meanMicros: number; medianMicros: number; result: TransformResult }> {
  const t = transformer ?? (await sharedTransformer());
  const input = sampleInput('message.received', {
    messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGCA0',
    from: '15551234567',
    messageType: 'text',
    content: { text: 'I need help with my order.' },
    timestamp: '2026-04-11T10:29:58.000Z',
  });
  let result = await t.run(REALISTIC_TRANSFORMATION, input); // warm up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    result = await t.run(REALISTIC_TRANSFORMATION, input);
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  const meanMicros = times.reduce((a, b) => a + b, 0) / Math.max(1, n);
  return { runs: n, meanMicros, medianMicros: times[Math.floor(n / 2)] ?? 0, result };
}
