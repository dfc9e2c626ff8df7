// The compatibility side of signing: the three hex formats, Standard Webhooks keys for own
// secrets (checked with the real standardwebhooks and svix libraries), and input validation.

import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import {
  buildDeliveryHeaders,
  buildSignatureHeaders,
  DEFAULT_SIGNATURE_HEADER,
  generateSigningSecret,
  hexSignature,
  signatureHeaderNames,
  standardWebhooksKey,
  type SignatureHeaderConfig,
} from '../../src/delivery/sign.ts';
import { normalizeSignatureHeader, validateOwnSecret, validateSignatureHeader } from '../../src/domain/signature-input.ts';

const body = JSON.stringify({ id: 'evt_1', type: 'message.received', data: { text: 'héllo ✓' } });
const now = () => Math.floor(Date.now() / 1000);
const OWN = 'your-signing-secret';

function signed(secrets: string[], signatureHeader?: SignatureHeaderConfig, timestamp = now()) {
  return buildSignatureHeaders({ secrets, signatureHeader, id: 'evt_1', timestamp, body });
}

describe('hexSignature', () => {
  const key = 'key';
  const fox = 'The quick brown fox jumps over the lazy dog';
  const foxHex = 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';

  it.each([
    ['SHA256_HEX', fox, `sha256=${foxHex}`],
    ['HEX', fox, foxHex],
  ] as const)('%s matches the published HMAC-SHA256 vector', (format, message, expected) => {
    expect(hexSignature(key, message, format, 1_700_000_000)).toBe(expected);
  });

  it('SHA256_HEX_TIMESTAMPED signs "<seconds>.<body>" as the seeds\' receivers compute it', () => {
    const expected = createHmac('sha256', OWN).update(`1700000000.${body}`).digest('hex');
    expect(hexSignature(OWN, body, 'SHA256_HEX_TIMESTAMPED', 1_700_000_000)).toBe(`sha256=${expected}`);
  });

  it('keys every hex format with the secret string itself, whsec_ prefix included', () => {
    const secret = generateSigningSecret();
    expect(hexSignature(secret, body, 'HEX', 0)).toBe(createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex'));
  });
});

describe('standardWebhooksKey', () => {
  it('is the base64-decoded part after whsec_', () => {
    const secret = generateSigningSecret();
    expect(standardWebhooksKey(secret)).toEqual(Buffer.from(secret.slice(6), 'base64'));
  });

  it("is an own secret's UTF-8 bytes: what the libraries take with { format: 'raw' }", () => {
    expect(standardWebhooksKey(OWN)).toEqual(Buffer.from(OWN));
    expect(Buffer.from(new StandardWebhook(OWN, { format: 'raw' }).sign('e', new Date(0), 'b'))).toBeTruthy();
  });
});

describe('Standard Webhooks signatures verify with the real libraries', () => {
  // For an own secret a receiver passes either { format: 'raw' } or the equivalent whsec_ form.
  const receivers: [string, (secret: string) => { verify: (payload: string, headers: Record<string, string>) => unknown }][] = [
    ['standardwebhooks, whsec_ secret as is', (s) => new StandardWebhook(s)],
    ['svix, whsec_ secret as is', (s) => new SvixWebhook(s)],
  ];
  const ownReceivers: typeof receivers = [
    ["standardwebhooks with { format: 'raw' }", (s) => new StandardWebhook(s, { format: 'raw' })],
    ["svix with { format: 'raw' }", (s) => new SvixWebhook(s, { format: 'raw' })],
    ["standardwebhooks with 'whsec_' + base64(secret)", (s) => new StandardWebhook(`whsec_${Buffer.from(s).toString('base64')}`)],
    ["svix with 'whsec_' + base64(secret)", (s) => new SvixWebhook(`whsec_${Buffer.from(s).toString('base64')}`)],
  ];

  it.each(receivers)('generated secret: %s', (_, receiver) => {
    const secret = generateSigningSecret();
    expect(() => receiver(secret).verify(body, signed([secret]))).not.toThrow();
    expect(() => receiver(generateSigningSecret()).verify(body, signed([secret]))).toThrow();
  });

  it.each(ownReceivers)('own secret: %s', (_, receiver) => {
    for (const secret of [OWN, 'abcdefghijklmnop' /* valid base64, still used raw */, 'p@ss:w0rd~!#$%^&*()_+{}|']) {
      expect(() => receiver(secret).verify(body, signed([secret]))).not.toThrow();
      expect(() => receiver(`${secret}x`).verify(body, signed([secret]))).toThrow();
    }
  });

  it('an own secret starting with whsec_ is a Standard Webhooks secret, verified as is', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'; // the Svix documentation's example
    expect(() => new SvixWebhook(secret).verify(body, signed([secret]))).not.toThrow();
  });

  it('signs with every live secret and the hex header with the current one only', () => {
    const [current, old] = [OWN, generateSigningSecret()];
    const headers = signed([current, old]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new StandardWebhook(current, { format: 'raw' }).verify(body, headers)).not.toThrow();
    expect(() => new StandardWebhook(old).verify(body, headers)).not.toThrow();
    expect(headers['x-webhook-signature']).toBe(hexSignature(current, body, 'SHA256_HEX', 0));
  });
});

describe('buildSignatureHeaders', () => {
  const ts = 1_700_000_000;

  it('writes the default x-webhook-signature: sha256=… beside the Standard Webhooks headers', () => {
    const headers = signed([OWN], undefined, ts);
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp', 'x-webhook-signature']);
    expect(headers).toMatchObject({ 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts) });
    expect(headers['x-webhook-signature']).toBe(hexSignature(OWN, body, 'SHA256_HEX', ts));
  });

  it.each([
    [{ name: 'x-wastack-signature', format: 'SHA256_HEX', timestampHeader: null }, { 'x-wastack-signature': `sha256=` }],
    [{ name: 'x-webhook-signature', format: 'HEX', timestampHeader: null }, { 'x-webhook-signature': '' }],
    [
      { name: 'x-wahooks-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-wahooks-timestamp' },
      { 'x-wahooks-signature': 'sha256=', 'x-wahooks-timestamp': String(ts) },
    ],
  ] as const)('%j replaces the default header', (config, expectedPrefixes) => {
    const headers = signed([OWN], config, ts);
    expect(headers['x-webhook-signature'] === undefined || config.name === 'x-webhook-signature').toBe(true);
    for (const [name, prefix] of Object.entries(expectedPrefixes)) expect(headers[name]?.startsWith(prefix)).toBe(true);
    expect(headers[config.name]).toBe(hexSignature(OWN, body, config.format, ts));
    expect(signatureHeaderNames(config)).toEqual(Object.keys(expectedPrefixes));
  });

  it('refuses to sign without a secret or with a fractional timestamp', () => {
    expect(() => signed([])).toThrow(/secret/);
    expect(() => signed([OWN], undefined, 1.5)).toThrow(RangeError);
  });
});

describe('buildDeliveryHeaders with a signatureHeader', () => {
  it('drops custom headers that would collide with the configured signature headers', () => {
    const config = { name: 'x-wahooks-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-wahooks-timestamp' } as const;
    const headers = buildDeliveryHeaders({
      eventId: 'evt_1',
      eventType: 'message.received',
      body,
      attemptNumber: 1,
      timestampSeconds: 1_700_000_000,
      secrets: [OWN],
      userAgent: 'Hookwire/test',
      signatureHeader: config,
      customHeaders: { 'X-WAHooks-Signature': 'forged', 'X-WAHooks-Timestamp': '1', 'X-WAHooks-Event': 'message' },
    });
    expect(headers['x-wahooks-signature']).toBe(hexSignature(OWN, body, config.format, 1_700_000_000));
    expect(headers['x-wahooks-timestamp']).toBe('1700000000');
    expect(headers['x-wahooks-event']).toBe('message');
    expect(headers['x-webhook-signature']).toBeUndefined();
    expect(headers['webhook-signature']).toMatch(/^v1,/);
  });
});

describe('validateOwnSecret', () => {
  const P = ['input', 'signingSecret'];
  it.each([
    ['your-signing-secret', []],
    ['a'.repeat(16), []],
    ['~'.repeat(128), []],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', []],
    [generateSigningSecret(), []],
    ['short', ['must be 16 to 128 characters long (got 5)']],
    ['a'.repeat(129), ['must be 16 to 128 characters long (got 129)']],
    ['has a space inside it', ['may contain only printable ASCII characters, without spaces']],
    ['tab\tinside-the-secret', ['may contain only printable ASCII characters, without spaces']],
    ['ünïcødé-sécret-long', ['may contain only printable ASCII characters, without spaces']],
    ['whsec_not-base64-at-all!', [expect.stringContaining('standard base64')]],
    ['whsec_YWJjZGVmZ2hpams=', [expect.stringContaining('at least 16 bytes (got 11)')]],
    [42, ['must be a string']],
  ])('%j', (secret, messages) => {
    expect(validateOwnSecret(secret)).toEqual(messages.map((message) => ({ path: P, message })));
  });
});

describe('validateSignatureHeader', () => {
  const P = ['input', 'signatureHeader'];
  it.each([
    [{ name: 'X-WAStack-Signature', format: 'SHA256_HEX' }, []],
    [{ name: 'x-webhook-signature', format: 'HEX', timestampHeader: null }, []],
    [{ name: 'X-WAHooks-Signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'X-WAHooks-Timestamp' }, []],
    [{ name: 'x-sig', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-webhook-timestamp' }, []],
    [{ name: 'bad name', format: 'SHA256_HEX' }, [['name', expect.stringContaining('not a valid HTTP header name')]]],
    [{ name: '', format: 'SHA256_HEX' }, [['name', 'a header name must not be empty']]],
    [{ name: 'Content-Type', format: 'SHA256_HEX' }, [['name', 'cannot be content-type: Hookwire sets that header itself']]],
    [{ name: 'webhook-signature', format: 'SHA256_HEX' }, [['name', expect.stringContaining('cannot be webhook-signature')]]],
    [{ name: 'host', format: 'HEX' }, [['name', expect.stringContaining('cannot be host')]]],
    [{ name: 'x-sig', format: 'SHA1' }, [['format', 'must be one of SHA256_HEX, HEX, SHA256_HEX_TIMESTAMPED']]],
    [{ name: 'x-sig', format: 'SHA256_HEX_TIMESTAMPED' }, [['timestampHeader', expect.stringContaining('is required')]]],
    [{ name: 'x-sig', format: 'SHA256_HEX', timestampHeader: 'x-ts' }, [['timestampHeader', expect.stringContaining('only by SHA256_HEX_TIMESTAMPED')]]],
    [{ name: 'x-sig', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'X-Sig' }, [['timestampHeader', expect.stringContaining('must differ from name')]]],
    [{ name: 'x-sig', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-webhook-id' }, [['timestampHeader', expect.stringContaining('cannot be x-webhook-id')]]],
    [{ name: 'x-webhook-timestamp', format: 'SHA256_HEX' }, [['name', expect.stringContaining('cannot be x-webhook-timestamp')]]],
    [{ name: 7, format: 'HEX' }, [['name', 'must be a string']]],
    [{ format: 'SHA256_HEX_TIMESTAMPED' }, [['name', 'must be a string'], ['timestampHeader', expect.stringContaining('is required')]]],
  ])('%j', (input, expected) => {
    expect(validateSignatureHeader(input)).toEqual(expected.map(([field, message]) => ({ path: [...P, field], message })));
  });

  it('refuses a value that is not an object, at the path itself', () => {
    expect(validateSignatureHeader('x-sig', ['sig'])).toEqual([{ path: ['sig'], message: expect.any(String) }]);
  });

  it('normalizes to lower-cased, trimmed names, with timestampHeader only for the timestamped format', () => {
    expect(normalizeSignatureHeader({ name: ' X-WAHooks-Signature ', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'X-WAHooks-Timestamp' })).toEqual({
      name: 'x-wahooks-signature',
      format: 'SHA256_HEX_TIMESTAMPED',
      timestampHeader: 'x-wahooks-timestamp',
    });
    expect(normalizeSignatureHeader({ name: 'X-Sig', format: 'HEX', timestampHeader: null })).toEqual({ name: 'x-sig', format: 'HEX', timestampHeader: null });
    expect(DEFAULT_SIGNATURE_HEADER).toEqual(normalizeSignatureHeader({ name: 'x-webhook-signature', format: 'SHA256_HEX' }));
  });
});
