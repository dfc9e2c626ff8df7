// Requests without a valid key, per client address, in each API process: an anonymous request, or
// one whose key must be looked up, takes from the address's token bucket (a lookup that finds a
// live key gives it back), and once the bucket is empty such requests are refused at the door,
// before the body is read or any database work is done. A flood of made-up keys thus costs a hash
// or two a request, and at most the bucket's burst and rate of lookups. Keys that authenticated here
// lately pass whatever their address did, so an account's own requests are never held up by another
// client behind the same address.
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';
import { hashApiKey, isAdminKey } from '../domain/accounts.ts';

interface Bucket {
  tokens: number;
  at: number;
}

/** Addresses (and keys) remembered at once; an address dropped from it starts full again. */
const MAX_ENTRIES = 10_000;
/** How long a key that authenticated stays exempt after its last success. */
const TRUSTED_MS = 3_600_000;

/**
 * The address a request came from: the connection's, or behind `trustProxyHops` proxies the entry
 * of X-Forwarded-For that the outermost of them appended. An IPv6 address counts by its /64, the
 * block one subscriber holds; an IPv4-mapped one as IPv4.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxyHops: number): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops > 0) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    address = forwarded[forwarded.length - trustProxyHops] ?? forwarded[0] ?? address;
  }
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const groups = head.split(':').filter(Boolean);
  const tailGroups = tail.split(':').filter(Boolean);
  const full = address.includes('::') ? [...groups, ...Array(8 - groups.length - tailGroups.length).fill('0'), ...tailGroups] : groups;
  return `${full.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class AddressGate {
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly adminKey: string | null;
  private readonly buckets = new LRUCache<string, Bucket>({ max: MAX_ENTRIES });
  /** Hashes of keys that authenticated lately. */
  private readonly trusted: LRUCache<string, true>;
  private readonly now: () => number;

  constructor(options: { perSecond: number; burst: number; adminKey: string | null; now?: () => number }) {
    this.perSecond = options.perSecond;
    this.burst = Math.max(options.burst, 1);
    this.adminKey = options.adminKey;
    this.now = options.now ?? (() => performance.now());
    // On the gate's own clock, read each time (not cached for a millisecond): tests move it.
    this.trusted = new LRUCache<string, true>({ max: MAX_ENTRIES, ttl: TRUSTED_MS, ttlResolution: 0, perf: { now: this.now } });
  }

  /**
   * Whether a request from `address` with `credential` may go on: 0 if it may, else the seconds
   * until the address may try again. The admin key, and keys that authenticated lately, always may.
   */
  admit(address: string, credential: string | null): number {
    if (this.perSecond <= 0) return 0;
    if (credential !== null && (isAdminKey(this.adminKey, credential) || this.trusted.has(hashApiKey(credential)))) return 0;
    return this.take(address);
  }

  /**
   * `credential` turned out a live key: it passes from now on, and gives back what its lookup took
   * from the address (unless it was trusted already, and took nothing).
   */
  authenticated(address: string, credential: string): void {
    if (this.perSecond <= 0) return;
    const hash = hashApiKey(credential);
    if (this.trusted.has(hash)) return;
    this.trusted.set(hash, true);
    const bucket = this.buckets.get(address);
    if (bucket) bucket.tokens = Math.min(this.burst, bucket.tokens + 1);
  }

  /** Refills the address's bucket and takes one request; the seconds to wait when it is empty, or 0. */
  private take(address: string): number {
    const now = this.now();
    const bucket = this.buckets.get(address) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(address, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }
}
