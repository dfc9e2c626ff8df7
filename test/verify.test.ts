// The TypeScript receiver helper (@hookwire/verify): the Standard Webhooks test vectors, the
// standardwebhooks library's own signatures, the hex header formats signed here from their
// definitions, Hookwire's signer on own secrets, and real deliveries from a running Hookwire.
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError, type VerifyOptions } from '../packages/verify/src/index.ts';
import { buildSignatureHeaders, SIGNATURE_FORMATS } from '../src/delivery/sign.ts';
import { captureRealDeliveries, OWN_SECRET_ENDPOINTS, type RealDelivery } from './support/deliveries.ts';

interface VectorCase {
  name: string;
  headers?: Record<string, string | null>;
  body?: string;
  secret?: string;
  nowOffsetSeconds?: number;
  expect: string;
}

const vectors = JSON.parse(readFileSync(new URL('../packages/verify/vectors.json', import.meta.url), 'utf8')) as {
  secret: string;
  id: string;
  timestamp: number;
  body: string;
  signature: string;
  cases: VectorCase[];
};

function errorCodeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).code;
  }
  return 'ok';
}

describe('Standard Webhooks test vectors', () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const headers: Record<string, string> = {
      'webhook-id': vectors.id,
      'webhook-timestamp': String(vectors.timestamp),
      'webhook-signature': vectors.signature,
    };
    for (const [name, value] of Object.entries(c.headers ?? {})) {
      if (value === null) delete headers[name];
      else headers[name] = value;
    }
    const now = (vectors.timestamp + (c.nowOffsetSeconds ?? 0)) * 1000;
    const body = c.body ?? vectors.body;
    expect(errorCodeOf(() => verifyWebhook(body, headers, c.secret ?? vectors.secret, { now }))).toBe(c.expect);
    if (c.expect === 'ok') expect(verifyWebhook(body, headers, c.secret ?? vectors.secret, { now })).toEqual(JSON.parse(vectors.body));
  });

  it('verifies what the standardwebhooks library signs, and both accept the same requests', () => {
    for (let i = 0; i < 20; i++) {
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const library = new Webhook(secret);
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const at = new Date();
      const body = JSON.stringify({ i, text: 'ünïcödé €', bytes: randomBytes(16).toString('base64') });
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': library.sign(id, at, body) };
      expect(verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
      expect(library.verify(body, headers)).toEqual(JSON.parse(body));
    }
  });
});

describe('hex signature headers, signed here from their definitions', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'message.received', timestamp: '2026-11-22T07:00:00.000Z', sessionId: 's1', data: { text: 'héllo €' } });
  const ownSecret = 'my-own-secret-0123456789';
  const hex = (secret: string, message: string) => createHmac('sha256', Buffer.from(secret, 'utf8')).update(message, 'utf8').digest('hex');
  const now = 1_800_000_000;
  const verify = (headers: Record<string, string>, options?: VerifyOptions, secret: string | string[] = ownSecret, raw: string | Buffer = body) =>
    errorCodeOf(() => verifyWebhook(raw, headers, secret, { now: now * 1000, ...options }));

  it('SHA256_HEX (x-webhook-signature) is verified when it is the only signature', () => {
    expect(verify({ 'X-Webhook-Signature': `sha256=${hex(ownSecret, body)}` })).toBe('ok');
    expect(verify({ 'x-webhook-signature': `sha256=${hex(ownSecret, body).toUpperCase()}` })).toBe('ok');
    expect(verify({ 'x-webhook-signature': `sha256=${hex('another-secret-0123456789', body)}` })).toBe('invalid_signature');
    expect(verify({ 'x-webhook-signature': `sha256=${hex(ownSecret, body)}` }, {}, ownSecret, body.replace('héllo', 'hello'))).toBe('invalid_signature');
    expect(verify({ 'x-webhook-signature': 'sha256=zz' })).toBe('invalid_header');
  });

  it('HEX under its own header name', () => {
    const signatureHeader = { name: 'x-signature', format: 'HEX' } as const;
    expect(verify({ 'x-signature': hex(ownSecret, body) }, { signatureHeader })).toBe('ok');
    expect(verify({ 'x-signature': `sha256=${hex(ownSecret, body)}` }, { signatureHeader })).toBe('invalid_header');
    expect(verify({ 'x-webhook-signature': `sha256=${hex(ownSecret, body)}` }, { signatureHeader })).toBe('missing_header');
  });

  it('SHA256_HEX_TIMESTAMPED, the way seed 001 receivers check X-WAHooks-Signature', () => {
    const signatureHeader = { name: 'X-WAHooks-Signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'X-WAHooks-Timestamp' } as const;
    const headers = { 'x-wahooks-timestamp': String(now), 'x-wahooks-signature': `sha256=${hex(ownSecret, `${now}.${body}`)}` };
    expect(verify(headers, { signatureHeader })).toBe('ok');
    expect(verify(headers, { signatureHeader, now: (now + 299) * 1000 })).toBe('ok');
    expect(verify(headers, { signatureHeader, now: (now + 301) * 1000 })).toBe('timestamp_out_of_tolerance');
    expect(verify(headers, { signatureHeader, now: (now + 3000) * 1000, toleranceSeconds: 3600 })).toBe('ok');
    expect(verify({ ...headers, 'x-wahooks-timestamp': String(now + 1) }, { signatureHeader })).toBe('invalid_signature');
    expect(verify({ 'x-wahooks-signature': headers['x-wahooks-signature'] }, { signatureHeader })).toBe('missing_header');
  });

  it('several secrets while a receiver rolls one over; fetch Headers and arrays of values', () => {
    const value = `sha256=${hex(ownSecret, body)}`;
    expect(verify({ 'x-webhook-signature': value }, {}, ['a-newer-secret-0123456789', ownSecret])).toBe('ok');
    expect(errorCodeOf(() => verifyWebhook(body, new Headers({ 'X-Webhook-Signature': value }), ownSecret))).toBe('ok');
    expect(errorCodeOf(() => verifyWebhook(Buffer.from(body), { 'x-webhook-signature': [value] }, ownSecret))).toBe('ok');
  });

  it('arguments that cannot be right get a clear code', () => {
    const headers = { 'x-webhook-signature': `sha256=${hex(ownSecret, body)}` };
    expect(errorCodeOf(() => verifyWebhook(JSON.parse(body), headers, ownSecret))).toBe('invalid_argument');
    expect(verify(headers, {}, '')).toBe('invalid_argument');
    expect(verify(headers, { signatureHeader: { format: 'SHA1' as 'HEX' } })).toBe('invalid_argument');
    expect(verify({})).toBe('missing_header');
    const text = 'plain text from a transformation';
    expect(verify({ 'x-webhook-signature': `sha256=${hex(ownSecret, text)}` }, {}, ownSecret, text)).toBe('invalid_payload');
  });
});

describe("Hookwire's signer, on secrets of the endpoint's own", () => {
  /** 16 to 128 printable ASCII characters, what an endpoint's signingSecret may be. */
  const ownSecret = () => Array.from({ length: randomInt(16, 129) }, () => String.fromCharCode(randomInt(0x21, 0x7f))).join('');

  it('every header it writes verifies with the secret as it was set, in every format', () => {
    const body = JSON.stringify({ id: 'evt_own', type: 'message.received', data: { text: 'héllo €' } });
    const now = 1_800_000_000;
    for (let i = 0; i < 60; i++) {
      const secret = ownSecret();
      const format = SIGNATURE_FORMATS[i % SIGNATURE_FORMATS.length]!;
      const signatureHeader = { name: 'x-own-signature', format, timestampHeader: format === 'SHA256_HEX_TIMESTAMPED' ? 'x-own-timestamp' : null };
      const headers = buildSignatureHeaders({ secrets: [secret], signatureHeader, id: 'evt_own', timestamp: now, body });
      const options = { now: now * 1000 };
      expect(errorCodeOf(() => verifyWebhook(body, headers, secret, options)), secret).toBe('ok');
      expect(errorCodeOf(() => verifyWebhook(body, headers, secret, { ...options, signatureHeader: { ...signatureHeader, timestampHeader: signatureHeader.timestampHeader ?? undefined } })), secret).toBe('ok');
      expect(errorCodeOf(() => verifyWebhook(body, headers, `${secret}x`, options))).toBe('invalid_signature');
    }
  });
});

/** What verifies a delivery's hex header: its endpoint's signatureHeader, or the default one. */
function hexOptions(delivery: RealDelivery): VerifyOptions {
  const header = delivery.signatureHeader;
  return { signatureHeader: header ? { name: header.name, format: header.format, timestampHeader: header.timestampHeader ?? undefined } : {} };
}

describe('real deliveries from Hookwire', () => {
  let deliveries: RealDelivery[];

  beforeAll(async () => {
    deliveries = await captureRealDeliveries();
  }, 60_000);

  it('each verifies with the endpoint secret: Standard Webhooks headers and its hex header', () => {
    expect(deliveries.slice(0, 4).map((d) => d.name)).toEqual(['message.received', 'non-ASCII data', 'webhook.test', 'after a rotation']);
    expect(deliveries.slice(4).map((d) => d.name).sort()).toEqual(OWN_SECRET_ENDPOINTS.map((e) => e.name).sort());
    for (const delivery of deliveries) {
      const event = verifyWebhook<{ id: string; type: string }>(delivery.body, delivery.headers, delivery.secret);
      expect(event.id).toBe(delivery.headers['webhook-id']);
      expect(event.type).toBe(delivery.headers['x-webhook-event']);
      const viaHex = verifyWebhook<{ id: string }>(delivery.body, delivery.headers, delivery.secret, hexOptions(delivery));
      expect(viaHex.id).toBe(event.id);
    }
    expect(JSON.stringify(verifyWebhook(deliveries[1]!.body, deliveries[1]!.headers, deliveries[1]!.secret))).toContain('héllo € 👋');
  });

  it('a changed body, another secret, or a replay after the tolerance is refused', () => {
    for (const delivery of deliveries) {
      const changed = Buffer.concat([delivery.body, Buffer.from(' ')]);
      expect(errorCodeOf(() => verifyWebhook(changed, delivery.headers, delivery.secret))).toBe('invalid_signature');
      expect(errorCodeOf(() => verifyWebhook(changed, delivery.headers, delivery.secret, hexOptions(delivery)))).toBe('invalid_signature');
      expect(errorCodeOf(() => verifyWebhook(delivery.body, delivery.headers, `whsec_${randomBytes(32).toString('base64')}`))).toBe('invalid_signature');
      expect(errorCodeOf(() => verifyWebhook(delivery.body, delivery.headers, 'another-own-secret-0123456789', hexOptions(delivery)))).toBe('invalid_signature');
      expect(errorCodeOf(() => verifyWebhook(delivery.body, delivery.headers, delivery.secret, { now: delivery.receivedAt + 301_000 }))).toBe(
        'timestamp_out_of_tolerance',
      );
    }
  });

  it("an endpoint's own secret verifies as it was set, in each signature header format", () => {
    const own = deliveries.filter((d) => OWN_SECRET_ENDPOINTS.some((e) => e.name === d.name));
    expect(own).toHaveLength(OWN_SECRET_ENDPOINTS.length);
    for (const d of own) {
      expect(d.secret).not.toMatch(/^whsec_/);
      // The standardwebhooks library agrees, given the secret's bytes as the key ({ format: 'raw' }).
      expect(verifyWebhook(d.body, d.headers, d.secret)).toEqual(new Webhook(d.secret, { format: 'raw' }).verify(d.body.toString('utf8'), d.headers));
      // The same key as whsec_ + base64 verifies too; the secret itself decoded as base64 does not.
      expect(errorCodeOf(() => verifyWebhook(d.body, d.headers, `whsec_${Buffer.from(d.secret, 'utf8').toString('base64')}`))).toBe('ok');
      expect(errorCodeOf(() => verifyWebhook(d.body, d.headers, `whsec_${d.secret}`))).toBe('invalid_signature');
      // The hex header is the endpoint's own, under its name (it replaces x-webhook-signature).
      const name = d.signatureHeader?.name ?? 'x-webhook-signature';
      expect(d.headers[name], name).toBeDefined();
      if (d.signatureHeader) expect(d.headers['x-webhook-signature']).toBeUndefined();
      expect(errorCodeOf(() => verifyWebhook(d.body, d.headers, d.secret, hexOptions(d)))).toBe('ok');
    }

    const timestamped = own.find((d) => d.signatureHeader?.format === 'SHA256_HEX_TIMESTAMPED')!;
    const { timestampHeader } = timestamped.signatureHeader!;
    expect(timestamped.headers[timestampHeader!]).toBe(timestamped.headers['webhook-timestamp']);
    const late = { ...hexOptions(timestamped), now: timestamped.receivedAt + 301_000 };
    expect(errorCodeOf(() => verifyWebhook(timestamped.body, timestamped.headers, timestamped.secret, late))).toBe('timestamp_out_of_tolerance');
    const moved = { ...timestamped.headers, [timestampHeader!]: String(Number(timestamped.headers[timestampHeader!]) - 1) };
    expect(errorCodeOf(() => verifyWebhook(timestamped.body, moved, timestamped.secret, hexOptions(timestamped)))).toBe('invalid_signature');
  });

  it('after a rotation, the old secret still verifies the Standard Webhooks header, not the hex one', () => {
    const rotated = deliveries.find((d) => d.previousSecret)!;
    expect(rotated.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(errorCodeOf(() => verifyWebhook(rotated.body, rotated.headers, rotated.previousSecret!))).toBe('ok');
    expect(errorCodeOf(() => verifyWebhook(rotated.body, rotated.headers, rotated.previousSecret!, { signatureHeader: {} }))).toBe('invalid_signature');
  });
});
