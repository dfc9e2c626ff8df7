// Taking requests from a budget shared by every API process: one call of hookwire_take_api_requests
// (prisma/migrations/20261206000000_api_request_buckets), a token bucket per key in the UNLOGGED
// table api_request_bucket. The function locks the key's row, so concurrent takers of one key, in
// any process, never grant the same request twice.
import { sqlOf, statement, type Runner } from '../sql.ts';

export interface TakeApiRequestsParams {
  /** Whose budget: an API key's id. */
  key: string;
  /** How many requests to take at most (the caller's lease). */
  want: number;
  /** The bucket's refill rate, requests a second. */
  perSecond: number;
  /** What the bucket holds at most, and holds on first use. */
  burst: number;
}

export interface TakenApiRequests {
  /** From 0 to `want`: as many whole requests as the bucket held. */
  granted: number;
  /** When none was granted, the seconds until one will be; 0 otherwise. */
  waitSeconds: number;
}

export const TAKE_API_REQUESTS = statement<TakeApiRequestsParams, { granted: number; wait_seconds: number }>(
  'hookwire_take_api_requests',
  ($) => `SELECT granted, wait_seconds FROM hookwire_take_api_requests(${$.key}::text, ${$.want}::integer, ${$.perSecond}::float8, ${$.burst}::float8)`,
);

export async function takeApiRequests(db: Runner, params: TakeApiRequestsParams): Promise<TakenApiRequests> {
  const [row] = await sqlOf(db).query(TAKE_API_REQUESTS, params);
  return { granted: row!.granted, waitSeconds: row!.wait_seconds };
}
