// What every route of the API server is, and what the routes share: who a request's caller is, and
// the per-address gate in front of requests that carry no valid API key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../../schema/context.ts';

/** Answers a request it owns and says true; false leaves it to the next route. */
export type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/** The largest GraphQL request body (HTTP) or WebSocket message accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface Callers {
  /** The caller of a credential; a live key is then exempt from its address's limit. */
  callerOf(req: IncomingMessage, credential: string | null, accountRef: string | null): Promise<Caller>;
  /** Seconds the request's address must wait (0: admitted); a valid API key is never held back. */
  admit(req: IncomingMessage, credential: string | null): number;
}

/** 429 with Retry-After: the body is the route's own error shape. */
export function tooManyRequests(res: ServerResponse, wait: number, body: unknown): void {
  res
    .writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(wait), 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}
