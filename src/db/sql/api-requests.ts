// Taking requests from a budget shared by every API process: one call of hookwire_take_api_requests
// (prisma/migrations/20261205000000_api_request_buckets), a token bucket per key in the UNLOGGED
// table api_request_bucket. The function locks the key's row, so concurrent takers of one key, in
// any process, never grant the same request twice.
import type { Sql } from '../sql.ts';

const TAKE = {
  name: 'hookwire_take_api_requests',
  text: 'SELECT granted, wait_seconds FROM hookwire_take_api_requests($1::text, $2::integer, $3::float8, $4::float8)',
};

export interface TakeApiRequests {
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

export async function takeApiRequests(sql: Sql, p: TakeApiRequests): Promise<TakenApiRequests> {
  const [row] = await sql.query<{ granted: number; wait_seconds: number }>(TAKE, [p.key, p.want, p.perSecond, p.burst]);
  return { granted: row!.granted, waitSeconds: row!.wait_seconds };
}
