// SIGNED_HTTP sources: a request signed the way Hookwire signs its own deliveries (sign.ts, the
// sender's code), or by the standardwebhooks and svix libraries, verifies; a tampered, stale or
// unsigned one does not; and the body becomes one event by the source's rule.

import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { buildSignatureHeaders, generateSigningSecret, type SignatureHeaderConfig } from '../../src/delivery/sign.ts';
import { SourcePayloadError } from '../../src/domain/sources/errors.ts';
import {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  receiveSignedHttpPost,
  signedHttpEvent,
  verifySignedHttp,
  type SignedHttpRequest,
} from '../../src/domain/sources/signed-http.ts';

const NOW = new Date('2026-04-11T10:30:00.000Z');
const SECONDS = NOW.getTime() / 1000;
const BODY = JSON.stringify({ type: 'message.received', data: { messageId: 'wamid.1', text: 'héllo ✓' } });
const OWN_SECRET = 'your_secure_secret_phrase';

const FORMATS: Array<[name: string, config: SignatureHeaderConfig]> = [
  ['SHA256_HEX', { name: 'x-webhook-signature', format: 'SHA256_HEX', timestampHeader: null }],
  ['HEX', { name: 'x-signature', format: 'HEX', timestampHeader: null }],
  ['SHA256_HEX_TIMESTAMPED', { name: 'x-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-timestamp' }],
];

/** The headers a Hookwire endpoint would get for this body: what a Hookwire sender writes. */
function hookwireHeaders(secrets: string[], config: SignatureHeaderConfig | null, timestamp = SECONDS, body = BODY) {
  return buildSignatureHeaders({ secrets, signatureHeader: config ?? undefined, id: 'msg_2Yz', timestamp, body });
}

function verify(overrides: Partial<SignedHttpRequest> & Pick<SignedHttpRequest, 'headers'>) {
  return verifySignedHttp({ secrets: [OWN_SECRET], signatureHeader: null, body: Buffer.from(BODY), now: NOW, ...overrides });
}

describe('verifySignedHttp: the hex formats', () => {
  it.each(FORMATS)('%s, signed by sign.ts, verifies', (_, config) => {
    const check = verify({ signatureHeader: config, headers: hookwireHeaders([OWN_SECRET], config) });
    expect(check).toEqual({ ok: true, webhookId: null, timestamp: config.format === 'SHA256_HEX_TIMESTAMPED' ? SECONDS : null });
  });

  it.each(FORMATS)('%s: another secret, or one changed byte, is a mismatch', (_, config) => {
    expect(verify({ signatureHeader: config, headers: hookwireHeaders(['not-the-secret-at-all'], config) })).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    const tampered = Buffer.from(BODY.replace('héllo', 'hello'));
    expect(verify({ signatureHeader: config, headers: hookwireHeaders([OWN_SECRET], config), body: tampered })).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('a header name is matched however the sender cased it (node lower-cases incoming names)', () => {
    const config: SignatureHeaderConfig = { name: 'X-Signature', format: 'HEX', timestampHeader: null };
    expect(verify({ signatureHeader: config, headers: hookwireHeaders([OWN_SECRET], { ...config, name: 'x-signature' }) }).ok).toBe(true);
  });

  const [, hex] = FORMATS[0]!;
  const [, timestamped] = FORMATS[2]!;
  it.each([
    ['no signature header', hex, {}, 'missing_signature'],
    ['a SHA256_HEX header without sha256=', hex, { 'x-webhook-signature': hookwireHeaders([OWN_SECRET], hex)['x-webhook-signature']!.slice(7) }, 'malformed_signature'],
    ['the header twice', hex, { 'x-webhook-signature': [hookwireHeaders([OWN_SECRET], hex)['x-webhook-signature']!, 'sha256=00'] }, 'malformed_signature'],
    ['a timestamped signature without its timestamp', timestamped, { 'x-signature': hookwireHeaders([OWN_SECRET], timestamped)['x-signature'] }, 'missing_timestamp'],
    ['a timestamp that is not seconds', timestamped, { ...hookwireHeaders([OWN_SECRET], timestamped), 'x-timestamp': '2026-04-11T10:30:00Z' }, 'malformed_timestamp'],
    ['a timestamp signed 301 s ago', timestamped, hookwireHeaders([OWN_SECRET], timestamped, SECONDS - DEFAULT_TIMESTAMP_TOLERANCE_SECONDS - 1), 'timestamp_out_of_tolerance'],
    ['a timestamp 301 s ahead', timestamped, hookwireHeaders([OWN_SECRET], timestamped, SECONDS + DEFAULT_TIMESTAMP_TOLERANCE_SECONDS + 1), 'timestamp_out_of_tolerance'],
    ['a signed timestamp the sender changed afterwards', timestamped, { ...hookwireHeaders([OWN_SECRET], timestamped, SECONDS - 10), 'x-timestamp': String(SECONDS) }, 'signature_mismatch'],
  ] as const)('refuses %s', (_, config, headers, reason) => {
    expect(verify({ signatureHeader: config, headers })).toMatchObject({ ok: false, reason });
  });

  it('accepts a timestamp at the edge of the tolerance, and a tolerance of the source\'s own', () => {
    const edge = hookwireHeaders([OWN_SECRET], timestamped, SECONDS - DEFAULT_TIMESTAMP_TOLERANCE_SECONDS);
    expect(verify({ signatureHeader: timestamped, headers: edge }).ok).toBe(true);
    const minute = hookwireHeaders([OWN_SECRET], timestamped, SECONDS - 61);
    expect(verify({ signatureHeader: timestamped, headers: minute, toleranceSeconds: 60 })).toMatchObject({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });
});

describe('verifySignedHttp: Standard Webhooks', () => {
  const secret = generateSigningSecret();

  it('a Hookwire delivery verifies, with its webhook-id', () => {
    expect(verify({ secrets: [secret], headers: hookwireHeaders([secret], null) })).toEqual({ ok: true, webhookId: 'msg_2Yz', timestamp: SECONDS });
  });

  it.each([
    ['standardwebhooks', (s: string) => new StandardWebhook(s)],
    ['svix', (s: string) => new SvixWebhook(s)],
  ])('what the %s library signs verifies', (_, library) => {
    const signature = library(secret).sign('msg_lib', NOW, BODY);
    const headers = { 'webhook-id': 'msg_lib', 'webhook-timestamp': String(SECONDS), 'webhook-signature': signature };
    expect(verify({ secrets: [secret], headers })).toEqual({ ok: true, webhookId: 'msg_lib', timestamp: SECONDS });
  });

  it('a Svix sender\'s svix-* headers verify too', () => {
    const signature = new SvixWebhook(secret).sign('msg_svix', NOW, BODY);
    const headers = { 'svix-id': 'msg_svix', 'svix-timestamp': String(SECONDS), 'svix-signature': signature };
    expect(verify({ secrets: [secret], headers })).toEqual({ ok: true, webhookId: 'msg_svix', timestamp: SECONDS });
  });

  it('an own (non-whsec_) secret is keyed by its UTF-8 bytes, as sign.ts keys it', () => {
    expect(verify({ headers: hookwireHeaders([OWN_SECRET], null) }).ok).toBe(true);
  });

  it('while secrets roll over, any signature of the header matches any secret of the source', () => {
    const old = generateSigningSecret();
    const both = hookwireHeaders([generateSigningSecret(), old], null);
    expect(both['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify({ secrets: [old], headers: both }).ok).toBe(true);
    expect(verify({ secrets: [secret], headers: both })).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  const good = () => hookwireHeaders([secret], null);
  it.each([
    ['no signature', () => ({ ...good(), 'webhook-signature': undefined }), 'missing_signature'],
    ['no webhook-id', () => ({ ...good(), 'webhook-id': undefined }), 'malformed_signature'],
    ['another webhook-id than was signed', () => ({ ...good(), 'webhook-id': 'msg_other' }), 'signature_mismatch'],
    ['no v1 signature', () => ({ ...good(), 'webhook-signature': 'v1a,abc' }), 'malformed_signature'],
    ['no timestamp', () => ({ ...good(), 'webhook-timestamp': undefined }), 'missing_timestamp'],
    ['a replay an hour later', () => hookwireHeaders([secret], null, SECONDS - 3600), 'timestamp_out_of_tolerance'],
  ] as const)('refuses %s', (_, headers, reason) => {
    expect(verify({ secrets: [secret], headers: headers() })).toMatchObject({ ok: false, reason });
  });

  it('a source without a secret is a fault of its configuration, not a request to accept', () => {
    expect(() => verify({ secrets: [''], headers: good() })).toThrow(/needs a signing secret/);
  });
});

describe('signedHttpEvent', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));

  it.each([
    [
      'a body that names its event',
      { type: 'order.created', data: { orderId: 'o_1' }, sessionId: 'store-1', idempotencyKey: 'order-o_1' },
      { eventType: null },
      null,
      { type: 'order.created', data: { orderId: 'o_1' }, sessionId: 'store-1', idempotencyKey: 'order-o_1' },
    ],
    [
      'a Hookwire envelope (its webhook-id is the key on redelivery)',
      { id: 'evt_1', type: 'message.received', timestamp: '2026-04-11T10:30:00.000Z', sessionId: 'default', data: { messageId: 'wamid.1' } },
      { eventType: 'form.submitted' },
      'evt_1',
      { type: 'message.received', data: { messageId: 'wamid.1' }, sessionId: 'default', idempotencyKey: 'evt_1' },
    ],
    ['any other object: data of the source\'s type', { lead: 'Ann', score: 7 }, { eventType: 'form.submitted' }, 'msg_9', { type: 'form.submitted', data: { lead: 'Ann', score: 7 }, sessionId: null, idempotencyKey: 'msg_9' }],
    ['a type without data is data too', { type: 'lead', name: 'Ann' }, { eventType: 'form.submitted' }, null, { type: 'form.submitted', data: { type: 'lead', name: 'Ann' }, sessionId: null, idempotencyKey: null }],
  ] as const)('%s', (_, value, rule, webhookId, expected) => {
    expect(signedHttpEvent(body(value), rule, webhookId)).toEqual(expected);
  });

  it.each([
    ['a list', [1, 2], { eventType: 'form.submitted' }, ['body'], /must be a JSON object/],
    ['not JSON', 'lead=Ann', { eventType: 'form.submitted' }, ['body'], /is not JSON/],
    ['no type where the source has none', { lead: 'Ann' }, { eventType: null }, ['body', 'type'], /this source has no eventType/],
    ['data that is not an object', { type: 'order.created', data: 'x' }, { eventType: null }, ['body', 'data'], /must be a JSON object/],
    ['a sessionId that is not a string', { type: 'order.created', data: {}, sessionId: 5 }, { eventType: null }, ['body', 'sessionId'], /must be a string or null/],
    ['an empty type', { type: '', data: {} }, { eventType: null }, ['body', 'type'], /must be an event type name/],
  ] as const)('refuses %s with a typed error', (_, value, rule, path, message) => {
    const raw = typeof value === 'string' ? Buffer.from(value) : body(value);
    let error: unknown;
    try {
      signedHttpEvent(raw, rule);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourcePayloadError);
    expect((error as SourcePayloadError).fieldErrors).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('receiveSignedHttpPost: what the ingest route calls', () => {
  const secret = generateSigningSecret();
  const request = (body: string, headers = hookwireHeaders([secret], null, SECONDS, body)) => ({ secrets: [secret], signatureHeader: null, headers, body: Buffer.from(body), now: NOW });

  it('a signed POST is its event, keyed by its webhook-id', () => {
    expect(receiveSignedHttpPost(request(JSON.stringify({ lead: 'Ann' })), { eventType: 'form.submitted' })).toEqual({
      kind: 'event',
      event: { type: 'form.submitted', data: { lead: 'Ann' }, sessionId: null, idempotencyKey: 'msg_2Yz' },
    });
  });

  it('a wrongly signed POST is unauthorized before its body is parsed; a signed bad body is malformed', () => {
    const signedElsewhere = hookwireHeaders([secret], null, SECONDS, '{}');
    expect(receiveSignedHttpPost(request('not json', signedElsewhere), { eventType: null })).toMatchObject({ kind: 'unauthorized', refusal: { reason: 'signature_mismatch' } });
    expect(receiveSignedHttpPost(request('not json'), { eventType: null })).toMatchObject({ kind: 'malformed', error: { fieldErrors: [{ path: ['body'] }] } });
  });
});
