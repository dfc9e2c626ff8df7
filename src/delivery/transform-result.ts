// What a transformation's run comes to: the sandbox's raw facts (the runner's JSON, what was
// thrown, a kill) turned into a result or an error sentence naming the customer's line.
import { customHeaderNameProblem, headerValueProblem } from './header-rules.ts';
import { hasNul, NUL_MESSAGE } from './text.ts';
import type { SandboxLimits, ThrownInfo } from './transform-sandbox.ts';
import type { ThreadOutcome } from './transform-thread.ts';

export type TransformResult =
  | { kind: 'ok'; body: string; headers: Record<string, string> }
  | { kind: 'error'; message: string; line: number | null };

export interface ResultLimits extends SandboxLimits {
  maxHeaders: number;
}

const MAX_MESSAGE = 1000;

/** `reserved`: header names the code may not set beyond Hookwire's own (the endpoint's signature headers). */
export function resultOf(outcome: ThreadOutcome, limits: ResultLimits, reserved: readonly string[]): TransformResult {
  switch (outcome.kind) {
    case 'ok':
      return checkOutput(outcome.json, limits, reserved);
    case 'thrown':
      return describeThrown(outcome.info, limits);
    case 'killed':
      return { kind: 'error', message: `exceeded the CPU time limit of ${limits.cpuMs} ms`, line: null };
    case 'fault':
      return { kind: 'error', message: truncate(`the sandbox failed while running the transformation: ${outcome.message}`), line: null };
  }
}

function describeThrown(info: ThrownInfo, limits: ResultLimits): TransformResult {
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

function checkOutput(json: string, limits: ResultLimits, reservedHeaders: readonly string[]): TransformResult {
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
  const reserved = reservedHeaders.map((n) => n.toLowerCase());
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

/** The sentences behind the prelude's codes (transform-sandbox.ts). */
function runnerMessage(code: string, limits: ResultLimits): string | undefined {
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

function outputTooLarge(limits: ResultLimits, bytes?: number): string {
  const size = bytes === undefined ? '' : ` (${bytes} bytes)`;
  return `the body is larger than ${limits.maxOutputBytes} bytes${size}`;
}

function mib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}
