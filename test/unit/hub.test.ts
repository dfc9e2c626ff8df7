// Meta's hub.challenge handshake and X-Hub-Signature-256, as the ingest route will call them:
// good and bad signatures on raw bytes, rotated secrets, and every way a handshake is refused.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerHubChallenge, hubChallengeQuery, verifyHubSignature } from '../../src/domain/sources/hub.ts';

const APP_SECRET = 'b3f1c0de5ecre7a6b3f1c0de5ecre7a6';
// A real payload as Meta POSTs it: Meta signs the bytes it sends, whatever their encoding.
const BODY = readFileSync(new URL('../fixtures/meta/pywa/template_status_update.json', import.meta.url));

/** What Meta sends: sha256= and the hex HMAC-SHA256 of the raw body, keyed with the app secret. */
const metaSignature = (body: Uint8Array, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyHubSignature', () => {
  it('accepts Meta\'s signature of the raw body', () => {
    expect(verifyHubSignature(APP_SECRET, BODY, metaSignature(BODY))).toEqual({ ok: true });
  });

  it('verifies bytes, not text: a body that is not UTF-8 is signed and checked as it came', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]); // {"é":1} in Latin-1
    expect(verifyHubSignature(APP_SECRET, bytes, metaSignature(bytes))).toEqual({ ok: true });
    expect(verifyHubSignature(APP_SECRET, Buffer.from(bytes.toString('utf8')), metaSignature(bytes)).ok).toBe(false);
  });

  it('accepts upper-case hex and surrounding spaces', () => {
    const signature = metaSignature(BODY);
    expect(verifyHubSignature(APP_SECRET, BODY, `  sha256=${signature.slice(7).toUpperCase()} `)).toEqual({ ok: true });
  });

  it('accepts any of the secrets while one is rotated, and only those', () => {
    const old = 'the-previous-app-secret-0000000';
    expect(verifyHubSignature([APP_SECRET, old], BODY, metaSignature(BODY, old))).toEqual({ ok: true });
    expect(verifyHubSignature([APP_SECRET, old], BODY, metaSignature(BODY, 'some-other-secret')).ok).toBe(false);
  });

  const flipped = Buffer.from(BODY);
  flipped[flipped.length - 3] ^= 0x01;
  it.each([
    ['no header', undefined, BODY, 'missing_signature'],
    ['an empty header', '', BODY, 'missing_signature'],
    ['the header twice', [metaSignature(BODY), metaSignature(BODY)], BODY, 'malformed_signature'],
    ['no sha256= prefix', metaSignature(BODY).slice(7), BODY, 'malformed_signature'],
    ['sha1= (X-Hub-Signature, the old header)', `sha1=${createHmac('sha1', APP_SECRET).update(BODY).digest('hex')}`, BODY, 'malformed_signature'],
    ['a digest one hex digit short', metaSignature(BODY).slice(0, -1), BODY, 'malformed_signature'],
    ['a digest that is not hex', `sha256=${'z'.repeat(64)}`, BODY, 'malformed_signature'],
    ['another secret\'s signature', metaSignature(BODY, 'not-the-app-secret'), BODY, 'signature_mismatch'],
    ['a body changed by one bit', metaSignature(BODY), flipped, 'signature_mismatch'],
    ['the signature of an empty body', metaSignature(Buffer.alloc(0)), BODY, 'signature_mismatch'],
  ] as const)('refuses %s', (_, header, body, reason) => {
    const check = verifyHubSignature(APP_SECRET, body, header as string | string[] | undefined);
    expect(check).toMatchObject({ ok: false, reason });
    expect((check as { message: string }).message).toMatch(/^x-hub-signature-256 /);
    expect((check as { message: string }).message).not.toContain(APP_SECRET);
  });

  it('an empty app secret verifies nothing, not even its own signature', () => {
    expect(verifyHubSignature('', BODY, metaSignature(BODY, '')).ok).toBe(false);
  });
});

describe('answerHubChallenge', () => {
  const TOKEN = 'meatyhamhock';
  // Meta's verification GET, as its webhook guide shows it.
  const query = (q: string) => hubChallengeQuery(new URLSearchParams(q));

  it('answers the challenge when the mode is subscribe and the token matches', () => {
    expect(answerHubChallenge(query('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock'), TOKEN)).toEqual({ kind: 'answer', challenge: '1158201444' });
  });

  it.each([
    ['another mode', 'hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock', 'not_subscribe'],
    ['no mode', 'hub.challenge=1158201444&hub.verify_token=meatyhamhock', 'not_subscribe'],
    ['another token', 'hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhocks', 'token_mismatch'],
    ['the token\'s prefix', 'hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meaty', 'token_mismatch'],
    ['no token', 'hub.mode=subscribe&hub.challenge=1158201444', 'token_mismatch'],
    ['no challenge', 'hub.mode=subscribe&hub.verify_token=meatyhamhock', 'bad_challenge'],
    ['an empty challenge', 'hub.mode=subscribe&hub.challenge=&hub.verify_token=meatyhamhock', 'bad_challenge'],
    ['a challenge that is markup', 'hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=meatyhamhock', 'bad_challenge'],
    ['a challenge of a kilobyte', `hub.mode=subscribe&hub.challenge=${'1'.repeat(1024)}&hub.verify_token=meatyhamhock`, 'bad_challenge'],
  ] as const)('refuses %s', (_, q, reason) => {
    expect(answerHubChallenge(query(q), TOKEN)).toMatchObject({ kind: 'refused', reason });
  });

  it('a source without a verify token answers no one, not even an empty hub.verify_token', () => {
    expect(answerHubChallenge(query('hub.mode=subscribe&hub.challenge=1&hub.verify_token='), '')).toMatchObject({ kind: 'refused', reason: 'token_mismatch' });
  });
});
