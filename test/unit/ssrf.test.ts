// Which addresses a delivery may reach.

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildConnector } from 'undici';
import { describe, expect, it } from 'vitest';
import { BlockedAddressError, guardConnector, isBlockedAddress } from '../../src/delivery/ssrf.ts';

const blocked: Array<[string, string]> = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'this network'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback range'],
  ['10.0.0.1', 'RFC1918 10/8'],
  ['172.16.0.1', 'RFC1918 172.16/12 start'],
  ['172.31.255.255', 'RFC1918 172.16/12 end'],
  ['192.168.1.1', 'RFC1918 192.168/16'],
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'cloud metadata'],
  ['100.64.0.1', 'CGNAT start'],
  ['100.127.255.255', 'CGNAT end'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['192.0.2.1', 'TEST-NET-1'],
  ['198.51.100.7', 'TEST-NET-2'],
  ['203.0.113.9', 'TEST-NET-3'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking end'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast SSDP'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'IPv6 unspecified'],
  ['::1', 'IPv6 loopback'],
  ['0:0:0:0:0:0:0:1', 'IPv6 loopback, long form'],
  ['fe80::1', 'IPv6 link-local'],
  ['fe80::1%eth0', 'IPv6 link-local with zone'],
  ['febf:ffff::1', 'IPv6 link-local end'],
  ['fc00::1', 'ULA'],
  ['fd12:3456::1', 'ULA fd'],
  ['fd00:ec2::254', 'AWS metadata IPv6'],
  ['ff02::1', 'IPv6 multicast'],
  ['fec0::1', 'site-local'],
  ['2001:db8::1', 'IPv6 documentation'],
  ['3fff::1', 'IPv6 documentation RFC 9637'],
  ['2001::1', 'Teredo'],
  ['100::1', 'discard-only'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
  ['::FFFF:A9FE:A9FE', 'IPv4-mapped metadata, upper case'],
  ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4-mapped private, long form'],
  ['::127.0.0.1', 'IPv4-compatible loopback'],
  ['::a00:1', 'IPv4-compatible private'],
  ['64:ff9b::7f00:1', 'NAT64 loopback'],
  ['64:ff9b::169.254.169.254', 'NAT64 metadata'],
  ['64:ff9b:1::808:808', 'local-use NAT64'],
  ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
  ['::ffff:0:7f00:1', 'SIIT-translated form'],
  ['4000::1', 'outside global unicast 2000::/3'],
  ['not-an-ip', 'not an address: fail closed'],
  ['', 'empty: fail closed'],
  ['127.1', 'shorthand is not a valid address: fail closed'],
  ['1.2.3.256', 'invalid octet'],
];

const allowed: Array<[string, string]> = [
  ['8.8.8.8', 'Google DNS'],
  ['1.1.1.1', 'Cloudflare DNS'],
  ['93.184.215.14', 'public'],
  ['100.63.255.255', 'just below CGNAT'],
  ['100.128.0.0', 'just above CGNAT'],
  ['172.15.255.255', 'just below 172.16/12'],
  ['172.32.0.0', 'just above 172.16/12'],
  ['169.253.255.255', 'just below link-local'],
  ['198.17.255.255', 'just below benchmarking'],
  ['223.255.255.255', 'just below multicast'],
  ['2606:4700::1111', 'Cloudflare IPv6'],
  ['2001:4860:4860::8888', 'Google IPv6'],
  ['2a00:1450:4001::1', 'public IPv6'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['::ffff:808:808', 'IPv4-mapped public, hex'],
  ['64:ff9b::1.1.1.1', 'NAT64 public'],
  ['2002:808:808::1', '6to4 of 8.8.8.8'],
];

describe('isBlockedAddress', () => {
  it.each(blocked)('blocks %s (%s)', (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each(allowed)('allows %s (%s)', (ip) => {
    expect(isBlockedAddress(ip)).toBe(false);
  });
});

describe('BlockedAddressError', () => {
  it('names the address and the host it came from', () => {
    const err = new BlockedAddressError('10.0.0.5', 'internal.example');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('BlockedAddressError');
    expect(err.message).toContain('10.0.0.5');
    expect(err.message).toContain('internal.example');
  });
});

describe('guardConnector', () => {
  it('refuses a socket whose real peer is blocked even when the lookup let it through', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = String((server.address() as AddressInfo).port);
    try {
      // An unguarded lookup stands in for a DNS answer that changed between check and connect.
      const connect = guardConnector(buildConnector({}));
      const err = await new Promise<Error | null>((resolve) =>
        connect({ hostname: 'localhost', host: `localhost:${port}`, protocol: 'http:', port }, (...args) => resolve(args[0])),
      );
      expect(err).toBeInstanceOf(BlockedAddressError);
      expect(err?.message).toMatch(/127\.0\.0\.1|::1/);
      expect(requests).toBe(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
