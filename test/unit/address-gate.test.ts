// The per-address limit of requests without a valid key (server/address-gate.ts), on a clock the
// test moves: what counts, what gives back, who passes regardless, and how an address is read.
import { describe, expect, it } from 'vitest';
import { AddressGate, clientAddress } from '../../src/server/address-gate.ts';

const ADMIN = 'admin-key-0123456789abcdef';

function gate(perSecond = 1, burst = 3) {
  // (Not 0: lru-cache reads a start time of 0 as none, and would never expire a trusted key.)
  let now = 1_000;
  return { gate: new AddressGate({ perSecond, burst, adminKey: ADMIN, now: () => now }), tick: (ms: number) => (now += ms) };
}

describe('AddressGate', () => {
  it('lets an address make its burst of anonymous requests, then refuses with the seconds to wait, then refills', () => {
    const { gate: g, tick } = gate(1, 3);
    expect([1, 2, 3].map(() => g.admit('10.0.0.1', null))).toEqual([0, 0, 0]);
    expect(g.admit('10.0.0.1', null)).toBe(1);
    expect(g.admit('10.0.0.2', null)).toBe(0);
    tick(1_000);
    expect(g.admit('10.0.0.1', null)).toBe(0);
    expect(g.admit('10.0.0.1', null)).toBe(1);
  });

  it('charges every key that must be looked up, and gives the charge back when it was a live key', () => {
    const { gate: g } = gate(1, 3);
    expect(g.admit('10.0.0.1', 'hk_made_up_1')).toBe(0);
    expect(g.admit('10.0.0.1', 'hk_made_up_2')).toBe(0);
    expect(g.admit('10.0.0.1', 'hk_real')).toBe(0);
    g.authenticated('10.0.0.1', 'hk_real');
    expect(g.admit('10.0.0.1', 'hk_made_up_3')).toBe(0);
    expect(g.admit('10.0.0.1', 'hk_made_up_4')).toBe(1);
  });

  it('always lets the admin key and keys that authenticated lately through, whatever their address did', () => {
    const { gate: g, tick } = gate(1, 1);
    g.admit('10.0.0.1', 'hk_real');
    g.authenticated('10.0.0.1', 'hk_real');
    for (let i = 0; i < 5; i++) g.admit('10.0.0.1', `hk_flood_${i}`);
    expect(g.admit('10.0.0.1', 'hk_flood_x')).toBeGreaterThan(0);
    expect(g.admit('10.0.0.1', 'hk_real')).toBe(0);
    expect(g.admit('10.0.0.1', ADMIN)).toBe(0);
    // An hour without success: the key is looked up (and charged) as any other again.
    tick(3_600_001);
    g.admit('10.0.0.1', null);
    expect(g.admit('10.0.0.1', 'hk_real')).toBeGreaterThan(0);
  });

  it('holds no one with a rate of 0', () => {
    const { gate: g } = gate(0, 1);
    for (let i = 0; i < 10; i++) expect(g.admit('10.0.0.1', null)).toBe(0);
  });
});

describe('clientAddress', () => {
  const req = (remoteAddress: string, forwarded?: string) => ({ socket: { remoteAddress }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as never;

  it.each([
    ['127.0.0.1', undefined, 0, '127.0.0.1'],
    ['::ffff:192.0.2.7', undefined, 0, '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', undefined, 0, '2001:db8:1:2::/64'],
    ['2001:db8::1', undefined, 0, '2001:db8:0:0::/64'],
    ['::1', undefined, 0, '0:0:0:0::/64'],
    // Behind one proxy the client is the address that proxy appended; what the client wrote before it is not trusted.
    ['10.0.0.9', '6.6.6.6, 198.51.100.4', 1, '198.51.100.4'],
    ['10.0.0.9', '6.6.6.6, 198.51.100.4, 10.0.0.8', 2, '198.51.100.4'],
    ['10.0.0.9', '6.6.6.6, 198.51.100.4', 0, '10.0.0.9'],
    ['10.0.0.9', undefined, 1, '10.0.0.9'],
  ])('%s with X-Forwarded-For %s behind %d proxies is %s', (remote, forwarded, hops, expected) => {
    expect(clientAddress(req(remote, forwarded), hops)).toBe(expected);
  });
});
