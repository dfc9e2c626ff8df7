// Which addresses a delivery may connect to, and the one shared undici Agent that enforces it at connect time.

import dns from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { proxyConnector } from './proxy.ts';

/** A delivery tried to reach an address that is not public; `send` reports it as `blocked`. */
export class BlockedAddressError extends Error {
  readonly code = 'HOOKWIRE_BLOCKED_ADDRESS';
  readonly address: string;
  readonly hostname: string | undefined;

  constructor(address: string, hostname?: string) {
    const via = hostname && hostname !== address ? ` (resolved from ${hostname})` : '';
    super(`blocked connection to non-public address ${address}${via}`);
    this.name = 'BlockedAddressError';
    this.address = address;
    this.hostname = hostname;
  }
}

// IANA special-purpose registries, minus the few entries that are globally reachable anyway
// (AS112, AMT): nothing a webhook receiver legitimately lives on.
const BLOCKED_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", includes the unspecified address
  ['10.0.0.0', 8], // RFC1918
  ['100.64.0.0', 10], // CGNAT shared address space
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, includes cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // RFC1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // RFC1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes the broadcast address 255.255.255.255
];

// Listed for the reader even where the "outside 2000::/3" rule below already covers them.
const BLOCKED_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64: translates to whatever the local network chooses
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment identifiers
  ['fc00::', 7], // unique local, includes AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

const blockedV4 = new net.BlockList();
for (const [prefix, bits] of BLOCKED_V4) blockedV4.addSubnet(prefix, bits, 'ipv4');
const blockedV6 = new net.BlockList();
for (const [prefix, bits] of BLOCKED_V6) blockedV6.addSubnet(prefix, bits, 'ipv6');

/**
 * True when a delivery must not connect to `ip`. Anything that is not a valid IP address is
 * blocked too: this guards a security boundary, so it fails closed.
 */
export function isBlockedAddress(ip: string): boolean {
  const address = ip.trim();
  if (net.isIPv4(address)) return blockedV4.check(address, 'ipv4');
  const words = parseIPv6(address);
  if (!words) return true;
  const embedded = embeddedIPv4(words);
  // These forms reach (or are treated by the OS as) an IPv4 host, so the IPv4 verdict is the one that counts.
  if (embedded !== null) return blockedV4.check(embedded, 'ipv4');
  if (blockedV6.check(wordsToIPv6(words), 'ipv6')) return true;
  // Only 2000::/3 is allocated as global unicast; everything else is special-purpose or unassigned.
  return (words[0] & 0xe000) !== 0x2000;
}

/** The IPv4 address carried inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 address. */
function embeddedIPv4(w: readonly number[]): string | null {
  const zeroUpTo = (n: number) => w.slice(0, n).every((x) => x === 0);
  const mapped = zeroUpTo(5) && w[5] === 0xffff;
  const compatible = zeroUpTo(6);
  const nat64 = w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0);
  if (mapped || compatible || nat64) return wordsToIPv4(w[6], w[7]);
  if (w[0] === 0x2002) return wordsToIPv4(w[1], w[2]); // 6to4
  return null;
}

function wordsToIPv4(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

function wordsToIPv6(words: readonly number[]): string {
  return words.map((w) => w.toString(16)).join(':');
}

/** Eight 16-bit words, or null if `address` is not an IPv6 address. A zone id (`%eth0`) is ignored. */
function parseIPv6(address: string): number[] | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!net.isIPv6(bare)) return null;
  const [head, tail] = bare.includes('::') ? bare.split('::') : [bare, undefined];
  const headWords = hextets(head);
  const tailWords = tail === undefined ? [] : hextets(tail);
  const missing = 8 - headWords.length - tailWords.length;
  const words = tail === undefined ? headWords : [...headWords, ...new Array<number>(missing).fill(0), ...tailWords];
  return words.length === 8 ? words : null;
}

/** Words of one side of `::`; a trailing dotted quad becomes two words. */
function hextets(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [parseInt(group, 16)];
    const [a, b, c, d] = group.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

/**
 * The rule for a name's answers: refused when ANY resolved address is blocked (a name that mixes
 * public and private answers is either misconfigured or a rebinding attempt), or when there is none.
 */
function checkAddresses(hostname: string, addresses: readonly dns.LookupAddress[]): Error | null {
  const blocked = addresses.find((a) => isBlockedAddress(a.address));
  if (blocked) return new BlockedAddressError(blocked.address, hostname);
  if (addresses.length === 0) return Object.assign(new Error(`no addresses for ${hostname}`), { code: 'ENOTFOUND' });
  return null;
}

/**
 * Resolves like dns.lookup, but refuses the connection by checkAddresses. Because net.connect
 * uses exactly these answers, what is checked is what gets connected to.
 */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const refused = checkAddresses(hostname, addresses);
    if (refused) return callback(refused, '');
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};

/** Every address a name resolves to (dns.lookup with all: true, or a test's own). */
export type Resolve = (hostname: string) => Promise<dns.LookupAddress[]>;

const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true });

/**
 * The one public address to connect to for `hostname`, checked as guardedLookup checks: for a
 * path where the connection itself is made elsewhere (a proxy's CONNECT), so it is made to this
 * address rather than to a name that might resolve differently there.
 */
export async function resolveDestination(hostname: string, resolve: Resolve = systemResolve): Promise<string> {
  if (net.isIP(hostname) !== 0) {
    if (isBlockedAddress(hostname)) throw new BlockedAddressError(hostname);
    return hostname;
  }
  const addresses = await resolve(hostname);
  const refused = checkAddresses(hostname, addresses);
  if (refused) throw refused;
  return addresses[0]!.address;
}

export interface DispatcherOptions {
  /** Tests and local development only: skip every address check. */
  allowPrivateNetworks: boolean;
  /** Keep-alive connections per origin. */
  connections?: number;
  /** HOOKWIRE_PROXY_URL: every connection is a CONNECT tunnel through this HTTP proxy, to a checked address. */
  proxyUrl?: string | null;
  /** How destination names are resolved when going through the proxy (tests). */
  resolve?: Resolve;
  /** Certificate authorities to trust through the proxy instead of Node's (tests). */
  ca?: string;
}

/** One Agent for the whole process, so connections to a receiver are pooled and reused across attempts. */
export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  if (opts.proxyUrl) {
    // The destination is checked before the tunnel is asked for; the socket's peer is the proxy,
    // so guardConnector's after-connect check does not apply here.
    return new Agent({
      connections: opts.connections ?? 32,
      keepAliveTimeout: 4_000,
      connect: proxyConnector({
        proxyUrl: opts.proxyUrl,
        destination: opts.allowPrivateNetworks ? async (name) => name : (name) => resolveDestination(name, opts.resolve),
        ca: opts.ca,
      }),
    });
  }
  const connector = buildConnector({
    timeout: 10_000,
    keepAlive: true,
    // HTTP/1.1 only: abandoning a truncated or timed-out response then closes just that one
    // socket, instead of disturbing other attempts multiplexed on a shared HTTP/2 session.
    allowH2: false,
    ...(opts.allowPrivateNetworks ? {} : { lookup: guardedLookup }),
  });
  return new Agent({
    // A bound per origin, so one slow receiver cannot absorb every socket the worker has.
    connections: opts.connections ?? 32,
    keepAliveTimeout: 4_000,
    connect: opts.allowPrivateNetworks ? connector : guardConnector(connector),
  });
}

/**
 * net.connect never calls `lookup` for an IP literal, so literals are checked here before any
 * packet is sent. After connecting, the socket's real peer address is checked once more, so a
 * path that bypassed the lookup (now or in a future undici) still cannot reach a blocked host.
 * Errors always go to the callback, never thrown: undici turns them into a rejected request.
 * Exported so tests can reach the post-connect check, which the lookup normally pre-empts.
 */
export function guardConnector(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const literal = net.isIP(options.hostname) !== 0;
    if (literal && isBlockedAddress(options.hostname)) {
      const err = new BlockedAddressError(options.hostname);
      process.nextTick(() => callback(err, null));
      return;
    }
    try {
      connect(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('connector returned no socket'), null);
        const peer = socket.remoteAddress;
        if (peer && !isBlockedAddress(peer)) return callback(null, socket);
        socket.destroy();
        callback(
          peer ? new BlockedAddressError(peer, options.hostname) : new Error('connection closed before its peer address could be checked'),
          null,
        );
      });
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)), null);
    }
  };
}
