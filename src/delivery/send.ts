// One HTTP POST of a delivery attempt: never throws, never follows redirects, never reads more than 64 KiB back,
// and never puts a request on the wire past its deadline.

import { request, type Dispatcher } from 'undici';
import { BlockedAddressError } from './ssrf.ts';

/** What an attempt stores of a response body; the rest is discarded unread. */
export const MAX_RESPONSE_BODY_BYTES = 65_536;

export type SendResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string; bodyTruncated: boolean; durationMs: number }
  | { kind: 'timeout'; durationMs: number; error: string }
  | { kind: 'network'; durationMs: number; error: string }
  | { kind: 'blocked'; durationMs: number; error: string }
  /**
   * Nothing was sent: the deadline passed before the request could be written (it waited in the
   * HTTP pool for a connection, or the process was frozen meanwhile). Not an attempt: the receiver
   * got nothing, so it is not classified and not recorded.
   */
  | { kind: 'not-sent'; durationMs: number; error: string };

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** For the whole attempt: connecting, sending, the response headers and the body we read. */
  timeoutMs: number;
  /**
   * Whether the lane's lease still holds by the worker's clock (the engine's; absent: no lease).
   * Checked with the attempt's own timeout the moment the request would go on the wire.
   */
  leaseHeld?: () => boolean;
}

/** Why a request was refused the wire: its deadline passed before it could be written. */
export class NotSentError extends Error {
  override name = 'NotSentError';
}

/**
 * Why a request started `started` (performance.now()) may not go on the wire now, or null when it
 * may: its own timeout has run out (monotonic, so a process frozen by SIGSTOP sees the time it
 * lost), or the lane's lease has. Shared by the HTTP send and the broker sends.
 */
export function pastDeadline(started: number, timeoutMs: number, leaseHeld: (() => boolean) | undefined): string | null {
  const waited = performance.now() - started;
  if (waited >= timeoutMs) return `not sent: no connection for it within its ${timeoutMs} ms timeout (waited ${Math.round(waited)} ms)`;
  if (leaseHeld && !leaseHeld()) return `not sent: the lane's lease ran out before it could be written (waited ${Math.round(waited)} ms)`;
  return null;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export async function send(dispatcher: Dispatcher, req: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no complete response within ${req.timeoutMs} ms`));
  }, req.timeoutMs);
  // Checked when undici hands the request a connection, just before writing it: a request that
  // waited in the pool past its deadline (or whose timer fired meanwhile) is refused the wire.
  const refusal = () => (timedOut ? `not sent: no connection for it within its ${req.timeoutMs} ms timeout` : pastDeadline(started, req.timeoutMs, req.leaseHeld));
  try {
    const res = await request(req.url, {
      // request() calls only dispatch() on it (see DeadlineDispatcher).
      dispatcher: new DeadlineDispatcher(dispatcher, refusal) as unknown as Dispatcher,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      // Belt and braces with the abort above, in case the signal is not observed in some phase.
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const { text, truncated } = await readCapped(res.body, MAX_RESPONSE_BODY_BYTES);
    return {
      kind: 'response',
      status: res.statusCode,
      headers: flattenHeaders(res.headers),
      body: text,
      bodyTruncated: truncated,
      durationMs: elapsed(),
    };
  } catch (err) {
    return failure(err, timedOut, elapsed(), req.timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** Decodes whole bodies (a non-streaming decode leaves no state behind, so one serves every attempt). */
const UTF8 = new TextDecoder('utf-8');

/**
 * Reads until `limit` bytes, then abandons the stream: an endless or huge body costs at most
 * `limit` bytes and closes that one connection. A multi-byte character cut at the limit is
 * dropped rather than shown as U+FFFD. Read with 'data' events into one promise (no async
 * iterator and its promise per chunk: this runs once per attempt); a body of one chunk, the usual
 * case, is decoded without a copy.
 */
function readCapped(body: Dispatcher.ResponseData['body'], limit: number): Promise<{ text: string; truncated: boolean }> {
  // Insurance: once we stop reading, a late error from the abandoned stream must not go unheard and crash the worker.
  body.on('error', () => {});
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean) => {
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      resolve({ text: truncated ? new TextDecoder('utf-8').decode(bytes, { stream: true }) : UTF8.decode(bytes), truncated });
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - size));
        size = limit;
        body.off('data', onData);
        body.off('end', onEnd);
        body.off('error', reject);
        body.destroy();
        finish(true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => finish(false);
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', reject);
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The dispatcher of one request: the caller's, with its handler wrapped so that the deadline is
 * checked at the moment undici hands the request a connection (client-h1.js writeH1 calls
 * onRequestStart synchronously just before it writes the request). A request queued in the pool
 * while the process was frozen would otherwise go out on waking, before the timers that expired
 * meanwhile run: the event loop handles the freed socket first. Only `dispatch` is needed:
 * undici's request() calls nothing else on it.
 */
class DeadlineDispatcher {
  private readonly inner: Dispatcher;
  private readonly refusal: () => string | null;

  constructor(inner: Dispatcher, refusal: () => string | null) {
    this.inner = inner;
    this.refusal = refusal;
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.inner.dispatch(options, new DeadlineHandler(handler, this.refusal));
  }
}

/** Passes everything on to the request's own handler, unless the request is past its deadline when it would be written. */
class DeadlineHandler implements Dispatcher.DispatchHandler {
  private readonly inner: Dispatcher.DispatchHandler;
  private readonly refusal: () => string | null;

  constructor(inner: Dispatcher.DispatchHandler, refusal: () => string | null) {
    this.inner = inner;
    this.refusal = refusal;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    const refused = this.refusal();
    // Aborted here, undici errors the request and writes nothing of it (the socket is closed).
    if (refused !== null) controller.abort(new NotSentError(refused));
    else this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>): void {
    this.inner.onRequestUpgrade?.(...args);
  }

  onResponseStarted(): void {
    this.inner.onResponseStarted?.();
  }

  onResponseStart(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>): void {
    this.inner.onResponseStart?.(...args);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>): void {
    this.inner.onResponseEnd?.(...args);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.inner.onResponseError?.(controller, error);
  }

  onBodySent(chunk: Buffer): void {
    this.inner.onBodySent?.(chunk);
  }

  onRequestSent(): void {
    this.inner.onRequestSent?.();
  }
}

function failure(err: unknown, timedOut: boolean, durationMs: number, timeoutMs: number): SendResult {
  if (err instanceof NotSentError) return { kind: 'not-sent', durationMs, error: err.message };
  const blocked = findBlocked(err);
  if (blocked) return { kind: 'blocked', durationMs, error: blocked.message };
  if (timedOut || TIMEOUT_CODES.has(errorCode(err))) {
    return { kind: 'timeout', durationMs, error: `timed out after ${timeoutMs} ms` };
  }
  return { kind: 'network', durationMs, error: describe(err) };
}

/** Node and undici wrap connect failures (AggregateError from happy eyeballs, `cause` chains). */
function findBlocked(err: unknown, depth = 0): BlockedAddressError | null {
  if (err instanceof BlockedAddressError) return err;
  if (!(err instanceof Error) || depth > 4) return null;
  const nested = [err.cause, ...(err instanceof AggregateError ? err.errors : [])];
  for (const inner of nested) {
    const found = findBlocked(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

function errorCode(err: unknown): string {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

/** The code alone ("ECONNREFUSED") helps an operator more than undici's generic messages. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = errorCode(err);
  const message = err.message || (err instanceof AggregateError ? err.errors.map(describe).join('; ') : err.name);
  const cause = err.cause instanceof Error && err.cause.message && err.cause.message !== message ? `: ${err.cause.message}` : '';
  return code && !message.includes(code) ? `${code}: ${message}${cause}` : `${message}${cause}`;
}
