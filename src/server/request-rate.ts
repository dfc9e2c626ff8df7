// Requests per API key: a token bucket per key in each API process (refilled at `perSecond`, holding
// at most `burst`), so one key cannot take a process's whole capacity. Per process, not global: a
// deployment of N API processes lets a key make up to N times the rate, and costs no SQL per request.
import { GraphQLError } from 'graphql';

interface Bucket {
  tokens: number;
  at: number;
}

export class RequestRateLimiter {
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(options: { perSecond: number; burst: number; now?: () => number }) {
    this.perSecond = options.perSecond;
    this.burst = Math.max(options.burst, 1);
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes one request for `key`; returns 0 when it may go ahead, else the seconds until it may. */
  take(key: string): number {
    if (this.perSecond <= 0) return 0;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    // Re-inserted so that the map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetFull();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  /** Drops the least recently used buckets: a key idle long enough to be full again loses nothing. */
  private forgetFull(): void {
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= 5_000) break;
      this.buckets.delete(key);
    }
  }

  /** Throws RATE_LIMITED (HTTP 429, Retry-After) when `key` has no request left. */
  check(key: string): void {
    const wait = this.take(key);
    if (wait === 0) return;
    throw new GraphQLError(`Too many requests with this API key (at most ${this.perSecond} a second, ${this.burst} at once); retry after ${wait} s`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: wait, http: { status: 429, headers: { 'retry-after': String(wait) } } },
    });
  }
}
