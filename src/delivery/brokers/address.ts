// Where a broker client may connect: the SSRF rule of ssrf.ts applied to broker hosts, resolved
// once here so the client connects to the very address that was checked.

import net from 'node:net';
import { resolveDestination, type Resolve } from '../ssrf.ts';
import type { BrokerUrl } from './url.ts';

export interface AddressOptions {
  /** HOOKWIRE_ALLOW_PRIVATE_NETWORKS: no check, the client resolves the name itself. */
  allowPrivateNetworks: boolean;
  /** How names are resolved (tests); dns.lookup by default. Given, it is used even when nothing is checked. */
  resolve?: Resolve;
}

export interface BrokerAddress {
  /** What the client connects to: a checked IP address, or the URL's host when checks are off. */
  host: string;
  port: number;
  /** The name TLS verifies the certificate against (SNI): the URL's host name; undefined for an IP literal. */
  servername: string | undefined;
}

/**
 * The address to connect to for `url`. Throws BlockedAddressError (a non-public address when
 * private networks are not allowed) or the resolver's error (ENOTFOUND…). Clients must not
 * follow a broker's redirects to other servers (NATS cluster gossip, Redis MOVED) by themselves.
 */
export async function brokerAddress(url: BrokerUrl, options: AddressOptions): Promise<BrokerAddress> {
  const servername = net.isIP(url.host) === 0 ? url.host : undefined;
  if (options.allowPrivateNetworks) {
    if (!options.resolve || servername === undefined) return { host: url.host, port: url.port, servername };
    const [first] = await options.resolve(url.host);
    if (!first) throw Object.assign(new Error(`no addresses for ${url.host}`), { code: 'ENOTFOUND' });
    return { host: first.address, port: url.port, servername };
  }
  const host = await resolveDestination(url.host, options.resolve);
  return { host, port: url.port, servername };
}
