// Requests per API key, one budget across every API process: a token bucket per key in Postgres
// (db/sql/api-requests.ts: refilled at `perSecond`, holding at most `burst`). A process takes a
// lease of a few requests at a time and serves them from memory, so the hot path costs no SQL for
// most requests; a lease is only ever granted from the shared bucket, so the budget holds whatever
// the number of processes. A key found empty is refused from memory until its next request is due.
// Why our own statement, not rate-limiter-flexible's Postgres store: that store is a fixed window
// (twice the budget across a window's edge, and no way to say this deployment's rate and burst),
// creates its table itself outside the migrations, and takes one round trip per request.
import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { takeApiRequests } from '../db/sql/api-requests.ts';
import type { Sql } from '../db/sql.ts';

interface Lease {
  /** Requests granted by the shared bucket and not yet used. */
  left: number;
  /** When the bucket was found empty: until when (ms) its next request cannot be there. */
  emptyUntil: number;
  /** The lease being taken, which concurrent requests of the key wait for rather than take their own. */
  taking: Promise<boolean> | null;
}

/** The leases in memory at once: a key dropped from it loses at most its unused lease (never over-grants). */
const MAX_KEYS = 10_000;

export class RequestRateLimiter {
  private readonly sql: Sql;
  private readonly perSecond: number;
  private readonly burst: number;
  /** Requests leased at once: a twentieth of a second's rate, at most a twentieth of the burst, at least one. */
  private readonly leaseSize: number;
  private readonly leases = new LRUCache<string, Lease>({ max: MAX_KEYS });
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  /** Statements sent to the shared bucket so far (tests and benchmarks read it). */
  statements = 0;

  constructor(options: { sql: Sql; perSecond: number; burst: number; now?: () => number; onError?: (error: unknown) => void }) {
    this.sql = options.sql;
    this.perSecond = options.perSecond;
    this.burst = Math.max(options.burst, 1);
    this.leaseSize = Math.max(1, Math.min(Math.floor(this.perSecond / 20), Math.floor(this.burst / 20)));
    this.now = options.now ?? (() => performance.now());
    this.onError = options.onError ?? (() => {});
  }

  /** Takes one request for `key`; resolves to 0 when it may go ahead, else to the seconds until it may. */
  async take(key: string): Promise<number> {
    if (this.perSecond <= 0) return 0;
    let lease = this.leases.get(key);
    if (!lease) this.leases.set(key, (lease = { left: 0, emptyUntil: 0, taking: null }));
    for (;;) {
      if (lease.left > 0) {
        lease.left--;
        return 0;
      }
      const now = this.now();
      if (now < lease.emptyUntil) return Math.max(1, Math.ceil((lease.emptyUntil - now) / 1000));
      if (lease.taking) {
        await lease.taking;
        continue;
      }
      const taking = this.lease(key, lease);
      lease.taking = taking;
      try {
        if (!(await taking)) return 0;
      } finally {
        lease.taking = null;
      }
    }
  }

  /** One statement: refills the lease, or marks the key empty. False when Postgres did not answer. */
  private async lease(key: string, lease: Lease): Promise<boolean> {
    this.statements++;
    try {
      const taken = await takeApiRequests(this.sql, { key, want: this.leaseSize, perSecond: this.perSecond, burst: this.burst });
      lease.left += taken.granted;
      if (taken.granted === 0) lease.emptyUntil = this.now() + taken.waitSeconds * 1000;
      return true;
    } catch (error) {
      // Without the database the request cannot do anything either: it goes on to meet the outage
      // and its typed 503 (server/errors.ts), rather than a limiter's error.
      this.onError(error);
      return false;
    }
  }

  /** Throws RATE_LIMITED (HTTP 429, Retry-After) when `key` has no request left. */
  async check(key: string): Promise<void> {
    const wait = await this.take(key);
    if (wait === 0) return;
    throw rateLimited(`Too many requests with this API key (at most ${this.perSecond} a second, ${this.burst} at once); retry after ${wait} s`, wait);
  }
}

export function rateLimited(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } },
  });
}
