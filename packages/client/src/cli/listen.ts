// `hookwire listen`: re-sends the signed request of each attempt to one endpoint to a local URL,
// for a developer whose machine the service cannot reach.
import { Command, InvalidArgumentError } from 'commander';
import type { SignedRequest } from '../client.ts';
import { run } from './context.ts';
import { notFound } from './exit.ts';
import { positive } from './flags.ts';
import { connectionNotes, consume } from './live.ts';
import { time, type Io } from './output.ts';

/** Set by the HTTP client itself: copying them from the original request would corrupt this one. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);

export interface ForwardResult {
  status: number | null;
  statusText: string | null;
  durationMs: number;
  error: string | null;
  /** The start of the local receiver's answer. */
  responseBody: string | null;
}

/** POSTs the request's exact body with its signed headers to the local URL; never throws. */
export async function forward(target: string, request: SignedRequest, timeoutMs: number): Promise<ForwardResult> {
  const headers = new Headers();
  for (const { name, value } of request.headers) if (!TRANSPORT_HEADERS.has(name.toLowerCase())) headers.append(name, value);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(target, { method: request.method, headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return { status: response.status, statusText: response.statusText, durationMs: elapsed(), error: null, responseBody: text.slice(0, 1000) };
  } catch (error) {
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    const message = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.message ?? (error as Error).message);
    return { status: null, statusText: null, durationMs: elapsed(), error: message, responseBody: null };
  }
}

function localUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('must be an http(s) URL, e.g. http://localhost:3000/webhook');
}

export function listenCommand(io: Io): Command {
  return new Command('listen')
    .description(
      "forward each delivery to an endpoint, with its signed headers and exact body, to a local URL the service cannot reach (Ctrl-C to stop)",
    )
    .requiredOption('--endpoint <id>', 'the endpoint whose deliveries to forward')
    .requiredOption('--forward-to <url>', 'the local URL, e.g. http://localhost:3000/webhook', localUrl)
    .option('--all-attempts', 'forward every attempt, scheduled retries of a delivery already forwarded included')
    .option('--timeout-ms <ms>', 'how long the local URL may take to answer (default 10000)', positive, 10_000)
    .addHelpText(
      'after',
      `
Each attempt Hookwire makes to the endpoint is re-sent as it was signed, so the local receiver
verifies it with the endpoint's signing secret (verifyWebhook). A delivery is forwarded once: its
first attempt seen, and any manual one (hookwire deliveries retry, hookwire endpoints test sends a
new delivery); --all-attempts forwards the scheduled retries too. What the local URL answers is
printed, not reported to the service: the delivery's status is its real URL's.`,
    )
    .action(
      run(io, async (ctx, flags: { endpoint: string; forwardTo: string; allAttempts?: boolean; timeoutMs: number }) => {
        const client = ctx.client(
          connectionNotes(ctx, `Ready: forwarding the deliveries of ${flags.endpoint} to ${flags.forwardTo} (Ctrl-C to stop).`),
        );
        const endpoint = await client.endpoints.get(flags.endpoint);
        if (!endpoint) notFound('endpoint', flags.endpoint);
        ctx.out.note(`Listening to ${endpoint.id} (${endpoint.url}, ${endpoint.status}); connecting…`);
        if (endpoint.status !== 'ACTIVE') {
          ctx.out.note(`Note: ${endpoint.id} is ${endpoint.status}: its deliveries are held, not attempted, until hookwire endpoints resume ${endpoint.id}.`);
        }
        const forwarded = new Set<string>();
        await consume(ctx, client.live.signedRequests(endpoint.id), async (request) => {
          const head = `${time(request.signedAt)}  ${request.eventType}  ${request.eventId}  ${request.deliveryId}#${request.attemptNumber}`;
          const repeat = forwarded.has(request.deliveryId) && request.trigger === 'SCHEDULED';
          if (repeat && !flags.allAttempts) {
            ctx.out.streamItem(
              { ...summary(request), forwarded: false, reason: 'a scheduled retry of a delivery already forwarded' },
              `${head}  skipped: a retry of a delivery already forwarded (--all-attempts forwards it)`,
            );
            return;
          }
          forwarded.add(request.deliveryId);
          const result = await forward(flags.forwardTo, request, flags.timeoutMs);
          const answer =
            result.status === null
              ? `error: ${result.error}`
              : [result.status, result.statusText, result.status >= 300 && result.responseBody ? `  ${firstLine(result.responseBody)}` : '']
                  .filter(Boolean)
                  .join(' ');
          ctx.out.streamItem({ ...summary(request), forwarded: true, to: flags.forwardTo, ...result }, `${head}  → ${answer}  (${result.durationMs} ms)`);
        });
      }),
    );
}

function summary(request: SignedRequest) {
  return {
    signedAt: request.signedAt,
    eventId: request.eventId,
    eventType: request.eventType,
    deliveryId: request.deliveryId,
    attemptNumber: request.attemptNumber,
    trigger: request.trigger,
    outcome: request.attempt.outcome,
  };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}
