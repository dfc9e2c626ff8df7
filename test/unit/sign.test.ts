// Signatures and headers of a delivery attempt, checked against the standardwebhooks library and plain HMAC.

import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { DELIVERY_HEADER_NAMES } from '../../src/delivery/headers.ts';
import { buildDeliveryHeaders, generateSigningSecret, legacySignature, standardSignature } from '../../src/delivery/sign.ts';

const body = JSON.stringify({ type: 'message.received', data: { text: 'héllo ✓' } });
const now = () => Math.floor(Date.now() / 1000);

function headersFor(secrets: string[], customHeaders?: Record<string, string> | null) {
  return buildDeliveryHeaders({
    eventId: 'evt_123',
    eventType: 'message.received',
    body,
    attemptNumber: 3,
    timestampSeconds: now(),
    secrets,
    userAgent: 'Hookwire/0.1.0',
    customHeaders,
  });
}

describe('standardSignature', () => {
  it('matches the published Standard Webhooks / Svix example', () => {
    const signature = standardSignature(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('agrees with the standardwebhooks library signer', () => {
    const secret = generateSigningSecret();
    const at = new Date(1_700_000_000_000);
    expect(standardSignature(secret, 'evt_1', 1_700_000_000, body)).toBe(new Webhook(secret).sign('evt_1', at, body));
  });
});

describe('legacySignature', () => {
  it('is a hex HMAC-SHA256 keyed by the secret string itself', () => {
    const secret = generateSigningSecret();
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    expect(legacySignature(secret, body)).toBe(`sha256=${expected}`);
  });

  it('matches a known HMAC-SHA256 vector', () => {
    expect(legacySignature('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });
});

describe('generateSigningSecret', () => {
  it('is whsec_ and 32 random bytes of base64', () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(a);
  });
});

describe('buildDeliveryHeaders', () => {
  it('produces exactly the delivery headers', () => {
    const secret = generateSigningSecret();
    const headers = headersFor([secret]);
    expect(Object.keys(headers).sort()).toEqual([...DELIVERY_HEADER_NAMES].sort());
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Hookwire/0.1.0',
      'webhook-id': 'evt_123',
      'x-webhook-id': 'evt_123',
      'x-webhook-event': 'message.received',
      'x-webhook-delivery-attempt': '3',
      'x-webhook-signature': legacySignature(secret, body),
    });
    expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(headers['x-webhook-timestamp']).toBe(headers['webhook-timestamp']);
  });

  it('verifies with the standardwebhooks library', () => {
    const secret = generateSigningSecret();
    expect(new Webhook(secret).verify(body, headersFor([secret]))).toEqual(JSON.parse(body));
  });

  it('signs with every live secret, current first, and the legacy header with the current one only', () => {
    const [current, old, stranger] = [generateSigningSecret(), generateSigningSecret(), generateSigningSecret()];
    const headers = headersFor([current, old]);
    const entries = headers['webhook-signature'].split(' ');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(standardSignature(current, 'evt_123', Number(headers['webhook-timestamp']), body));
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(old).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
    expect(headers['x-webhook-signature']).toBe(legacySignature(current, body));
  });

  it('adds custom headers but never lets them override reserved ones', () => {
    const secret = generateSigningSecret();
    const headers = headersFor([secret], {
      Authorization: 'Bearer abc',
      'X-Tenant': 'acme',
      'Content-Type': 'text/plain',
      'WEBHOOK-SIGNATURE': 'v1,forged',
      'x-webhook-event': 'forged',
      'X-Webhook-Delivery-Attempt': '99',
      Host: 'evil.example',
      'Content-Length': '1',
    });
    expect(headers).toMatchObject({ authorization: 'Bearer abc', 'x-tenant': 'acme' });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-webhook-event']).toBe('message.received');
    expect(headers['x-webhook-delivery-attempt']).toBe('3');
    expect(headers['webhook-signature']).not.toContain('forged');
    const names = Object.keys(headers).map((n) => n.toLowerCase());
    expect(names).not.toContain('host');
    expect(names).not.toContain('content-length');
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(headers)).toHaveLength(DELIVERY_HEADER_NAMES.length + 2);
  });

  it('accepts null custom headers and refuses to sign without a secret or with a fractional timestamp', () => {
    expect(Object.keys(headersFor([generateSigningSecret()], null))).toHaveLength(DELIVERY_HEADER_NAMES.length);
    expect(() => headersFor([])).toThrow(/secret/);
    expect(() =>
      buildDeliveryHeaders({ eventId: 'e', eventType: 't', body, attemptNumber: 1, timestampSeconds: 1.5, secrets: ['whsec_AAAA'], userAgent: 'x' }),
    ).toThrow(RangeError);
  });
});
