// Endpoint transformations: `function handler(webhook) { …; return webhook }` run in QuickJS compiled
// to WebAssembly (never Node's own vm), in a worker thread of its own, with CPU, memory, stack and
// output limits. The worker and its WebAssembly module live as long as the Transformer; each run
// gets a fresh QuickJS runtime and context, so nothing one run does reaches the next. The parts:
// transform-thread.ts (the thread and its watchdog), transform-worker.ts and transform-sandbox.ts
// (inside the thread), transform-result.ts (what a run's outcome means).

import { hasNul, NUL_MESSAGE } from './text.ts';
import { resultOf, type ResultLimits, type TransformResult } from './transform-result.ts';
import { SandboxThread, type ThreadLimits } from './transform-thread.ts';

export type { TransformResult } from './transform-result.ts';

/**
 * cpuMs (CPU time of the worker thread) is enforced inside QuickJS by its interrupt handler,
 * which QuickJS polls every few thousand bytecodes; a loop around one long native call
 * (JSON.stringify of a large value) polls too rarely, so the host also watches the thread's
 * CPU time and kills it once a run has used killAfterMs (transform-thread.ts).
 */
export interface TransformLimits extends ThreadLimits, ResultLimits {
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

export interface RunOptions {
  /** Header names the code may not set beyond Hookwire's reserved ones (the endpoint's signature headers). */
  reservedHeaders?: readonly string[];
}

/** A problem the save-time check found, at the path of the transformation field. */
export interface TransformProblem {
  path: string[];
  message: string;
}

/**
 * Runs transformations. Create one per process (sharedTransformer) and reuse it: its worker
 * thread compiles the WebAssembly module once; runs are queued and go one at a time.
 */
export class Transformer {
  readonly limits: Readonly<TransformLimits>;
  private readonly thread: SandboxThread;
  private nextId = 1;

  private constructor(limits: TransformLimits) {
    this.limits = Object.freeze({ ...limits });
    this.thread = new SandboxThread(this.limits);
  }

  static async create(limits: Partial<TransformLimits> = {}): Promise<Transformer> {
    const transformer = new Transformer({ ...DEFAULT_TRANSFORM_LIMITS, ...limits });
    await transformer.thread.start();
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
    const outcome = await this.thread.submit({ id: this.nextId++, code, inputJson, nowMs: clockOf(input.payload), seed: seedOf(input.eventId) });
    return resultOf(outcome, this.limits, options.reservedHeaders ?? []);
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
  close(): Promise<void> {
    return this.thread.close();
  }

  private codeProblem(code: string): string | undefined {
    if (code.trim() === '') return 'must define function handler(webhook) { ...; return webhook }';
    if (hasNul(code)) return NUL_MESSAGE;
    const bytes = Buffer.byteLength(code);
    if (bytes > this.limits.maxCodeBytes) return `is ${bytes} bytes; at most ${this.limits.maxCodeBytes} are allowed`;
    return undefined;
  }
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
