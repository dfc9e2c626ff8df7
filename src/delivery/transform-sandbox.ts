// The QuickJS side of transformations, run inside the transformation worker thread: one
// WebAssembly module, and for every run a fresh QuickJS runtime and context. It reports raw facts
// (the runner's JSON, or what was thrown); transform-result.ts turns them into results and messages.

import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type Intrinsics,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';

export interface SandboxLimits {
  cpuMs: number;
  memoryBytes: number;
  stackBytes: number;
  maxOutputBytes: number;
}

export interface SandboxRequest {
  code: string;
  /** `{eventType, eventId, payload, headers}` as JSON: data, never code. */
  inputJson: string;
  /** What Date.now() and new Date() read. */
  nowMs: number;
  /** Math.random's seed. */
  seed: number;
}

export interface ThrownInfo {
  name: string;
  message: string;
  stack: string;
  line: number | null;
}

export type SandboxOutcome =
  | { kind: 'ok'; json: string }
  | { kind: 'thrown'; info: ThrownInfo }
  /** The module itself failed; it has been dropped and the next run gets a new one. */
  | { kind: 'fault'; message: string };

/** The file name QuickJS reports in errors, so line numbers are the customer's own. */
export const FILE = 'transformation.js';
const PAGE = 64 * 1024;
// The size the Emscripten build starts its memory with (its INITIAL_MEMORY default).
const INITIAL_PAGES = (16 * 1024 * 1024) / PAGE;

// The language and nothing else: no Proxy, typed arrays, WeakRef or FinalizationRegistry (they
// add nothing to reshaping JSON, and the last two are nondeterministic); Promise stays because
// without it an async function corrupts the runtime. Nothing of Node, no console, no timers, no
// network exists in QuickJS to begin with. Dropping the rest also makes a context 40% cheaper.
const INTRINSICS: Intrinsics = {
  BaseObjects: true,
  Date: true,
  Eval: true,
  StringNormalize: true,
  RegExp: true,
  JSON: true,
  MapSet: true,
  Promise: true,
};

/**
 * Evaluated before the customer's code in every context, so it is kept small: QuickJS compiles
 * functions slowly here (the runner alone costs ~80 µs), and it is paid on every run. It returns
 * the runner, closed over the original JSON functions so the customer's code cannot change how
 * results travel; the runner's errors are codes ("@…") that transform-result.ts turns into sentences.
 *
 * It also makes the run deterministic, so that a preview, the save-time check and the delivery
 * compute the same bytes: the clock reads the event's timestamp and Math.random is seeded by the
 * event id. Each of the two (and a silent console) is installed only when the code names it, as
 * each costs compile time too: determinism is a convenience, not a protection, and code that
 * reaches Date through a computed name merely gets the real clock.
 */
function prelude(code: string, nowMs: number, seed: number, maxOutputChars: number): string {
  const clock = /\bDate\b/.test(code)
    ? `function F() { return new.target ? (arguments.length ? new D(...arguments) : new D(N)) : new D(N).toString(); }
      F.prototype = D.prototype; F.now = function () { return N; }; F.parse = D.parse; F.UTC = D.UTC;
      D.prototype.constructor = F; Date = F;`
    : '';
  const random = /\brandom\b/.test(code)
    ? `Math.random = function () {
        s = (s + 1831565813) | 0; var t = Math.imul(s ^ (s >>> 15), 1 | s);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };`
    : '';
  // Pasted code often keeps its console.log lines; they should not fail a delivery. Nothing
  // reads what they print (there is no log to show it in), so they print nowhere.
  const silentConsole = /\bconsole\b/.test(code)
    ? `var q = function () {}; globalThis.console = { log: q, info: q, warn: q, error: q, debug: q, trace: q };`
    : '';
  return `(function (D, N, s, P, S, K, A) {
    ${clock}
    ${random}
    ${silentConsole}
    function kind(v) { return v === null ? 'null' : A(v) ? 'an array' : typeof v; }
    return function (input) {
      var w = P(input);
      if (typeof handler !== 'function') throw new TypeError('@handler');
      var r = handler(w);
      if (r === null || typeof r !== 'object' || A(r)) throw new TypeError('@result:' + kind(r));
      if (typeof r.then === 'function') throw new TypeError('@async');
      var p = r.payload, b = typeof p === 'string' ? p : S(p);
      if (b === undefined) throw new TypeError('@payload:' + kind(p));
      if (b.length > ${maxOutputChars}) throw new RangeError('@size');
      var h = r.headers == null ? {} : r.headers;
      if (typeof h !== 'object' || A(h)) throw new TypeError('@headers:' + kind(h));
      var o = [], k = K(h);
      for (var i = 0; i < k.length; i++) o[i] = [k[i], h[k[i]], typeof h[k[i]]];
      return S({ body: b, headers: o });
    };
  })(Date, ${nowMs}, ${seed}, JSON.parse, JSON.stringify, Object.keys, Array.isArray)`.replace(/\n\s*/g, '');
}

/**
 * Evaluated only after a failure, to read what was thrown without trusting it: every property
 * read may run the customer's getters, so it runs under a fresh short deadline, and whatever it
 * cannot read becomes a plain sentence.
 */
const DESCRIBE = `(function (e) {
  try {
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
      var n = e.name, m = e.message, s = e.stack, l = e.lineNumber;
      return JSON.stringify({ name: typeof n === 'string' ? n : '', message: typeof m === 'string' ? m : String(m),
        stack: typeof s === 'string' ? s : '', line: typeof l === 'number' ? l : null });
    }
    return JSON.stringify({ name: '', message: 'threw ' + String(e), stack: '', line: null });
  } catch (x) {
    return '{"name":"","message":"threw a value that cannot be read","stack":"","line":null}';
  }
})`;

// Reading what was thrown needs a little memory and time; a run that used up either may leave none.
const UNREADABLE: ThrownInfo = { name: 'InternalError', message: 'out of memory', stack: '', line: null };

export class Sandbox {
  private module: QuickJSWASMModule | null;
  private readonly limits: SandboxLimits;

  // No parameter properties here or anywhere the worker loads: Node strips types only when they
  // are erasable, and the worker runs on Node's own TypeScript support.
  private constructor(module: QuickJSWASMModule, limits: SandboxLimits) {
    this.module = module;
    this.limits = limits;
  }

  static async create(limits: SandboxLimits): Promise<Sandbox> {
    return new Sandbox(await newModule(limits), limits);
  }

  async run(request: SandboxRequest): Promise<SandboxOutcome> {
    const module = this.module ?? (this.module = await newModule(this.limits));
    try {
      return this.runInFreshContext(module, request);
    } catch (error) {
      // The module itself failed (a WebAssembly abort, Node's stack overflowing inside it): it
      // cannot be trusted again.
      this.module = null;
      return { kind: 'fault', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Everything between creating the runtime and disposing it; host-level faults throw. */
  private runInFreshContext(module: QuickJSWASMModule, request: SandboxRequest): SandboxOutcome {
    const { limits } = this;
    const runtime = module.newRuntime();
    let deadline = threadCpuMs() + limits.cpuMs;
    runtime.setInterruptHandler(() => threadCpuMs() > deadline);
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    const ctx = runtime.newContext({ intrinsics: INTRINSICS });
    const handles: QuickJSHandle[] = [];
    const keep = <H extends QuickJSHandle>(h: H): H => (handles.push(h), h);
    try {
      const runner = ctx.evalCode(prelude(request.code, request.nowMs, request.seed, limits.maxOutputBytes), 'hookwire-prelude.js', { type: 'global' });
      if (runner.error) {
        keep(runner.error);
        throw new Error('the prelude did not evaluate');
      }
      const run = keep(runner.value);
      const thrown = (error: QuickJSHandle): SandboxOutcome => {
        keep(error);
        // A fresh, short budget: the deadline may be what stopped the code.
        deadline = threadCpuMs() + Math.min(10, limits.cpuMs);
        return { kind: 'thrown', info: readThrown(ctx, error, keep) };
      };

      const evaluated = ctx.evalCode(request.code, FILE, { type: 'global' });
      if (evaluated.error) return thrown(evaluated.error);
      keep(evaluated.value);

      const input = keep(ctx.newString(request.inputJson));
      const called = ctx.callFunction(run, ctx.undefined, input);
      if (called.error) return thrown(called.error);
      return { kind: 'ok', json: ctx.getString(keep(called.value)) };
    } finally {
      // Every handle goes before its context: a live one makes freeing the runtime abort.
      for (const h of handles.reverse()) if (h.alive) h.dispose();
      ctx.dispose();
      runtime.dispose();
    }
  }
}

/**
 * CPU time this thread has used, in ms: the limit is on CPU, not on the wall clock, so a loaded
 * machine does not fail a transformation that is merely waiting for a core.
 */
function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

function readThrown(ctx: QuickJSContext, error: QuickJSHandle, keep: (h: QuickJSHandle) => QuickJSHandle): ThrownInfo {
  const describe = ctx.evalCode(DESCRIBE, 'hookwire-describe.js', { type: 'global' });
  if (describe.error) {
    keep(describe.error);
    return UNREADABLE;
  }
  const described = ctx.callFunction(keep(describe.value), ctx.undefined, error);
  if (described.error) {
    keep(described.error);
    return UNREADABLE;
  }
  try {
    const info = JSON.parse(ctx.getString(keep(described.value))) as Partial<ThrownInfo>;
    return {
      name: typeof info.name === 'string' ? info.name : '',
      message: typeof info.message === 'string' ? info.message : 'threw a value that cannot be read',
      stack: typeof info.stack === 'string' ? info.stack : '',
      line: typeof info.line === 'number' ? info.line : null,
    };
  } catch {
    // The customer's code replaced JSON.stringify or String: its own error is what it broke.
    return { name: '', message: 'threw a value that cannot be read', stack: '', line: null };
  }
}

async function newModule(limits: SandboxLimits): Promise<QuickJSWASMModule> {
  // The hard memory cap: a fresh WebAssembly.Memory per module whose maximum leaves a run
  // `memoryBytes` of growth. When it is full, malloc returns NULL and QuickJS throws "out of
  // memory". QuickJS's own limit (set per runtime) cannot do this alone: under Emscripten it
  // counts allocations but not their sizes, and lets a hundred 1 MB strings through.
  const wasmMemory = new WebAssembly.Memory({
    initial: INITIAL_PAGES,
    maximum: INITIAL_PAGES + Math.ceil(limits.memoryBytes / PAGE),
  });
  return newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory }));
}

// The package's types describe its CommonJS entry, which nodenext types as the module object;
// imported as ESM (how this code runs), its default export is the variant itself.
const variant = releaseSyncVariant as unknown as QuickJSSyncVariant;
