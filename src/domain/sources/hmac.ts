// HMAC-SHA256 over a request's raw bytes and the constant-time comparisons every source's
// signature check shares: what the sender claims is compared with what we compute without letting
// the time taken say how much of it matched.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Why a signed request was refused. The messages name the header and what was wrong, never a secret. */
export type SignatureRefusal =
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'timestamp_out_of_tolerance';

export interface SignatureRefused {
  ok: false;
  reason: SignatureRefusal;
  message: string;
}

export function refused(reason: SignatureRefusal, message: string): SignatureRefused {
  return { ok: false, reason, message };
}

/** HMAC-SHA256 of the parts in order (a string part as UTF-8, bytes as they are). */
export function hmacSha256(key: Uint8Array | string, ...parts: Array<Uint8Array | string>): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Whether a claimed digest equals the computed one; a claim of another length is simply unequal. */
export function digestsEqual(computed: Buffer, claimed: Buffer): boolean {
  return computed.length === claimed.length && timingSafeEqual(computed, claimed);
}

/**
 * Whether two secrets (a verify token, say) are equal, in time that says nothing about either:
 * both are hashed first, so neither their length nor a common prefix shows.
 */
export function secretsEqual(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A header as Node gives it (lower-cased name; repeated headers as a list). */
export type HeaderValue = string | readonly string[] | undefined | null;
export type IncomingHeaders = Readonly<Record<string, HeaderValue>>;

/** A header's one value, or a refusal when it was sent more than once (which value was signed?). */
export function singleHeader(value: HeaderValue): string | undefined | 'repeated' {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value.length === 0) return undefined;
  return value.length === 1 ? value[0] : 'repeated';
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The 32 bytes of a hex SHA-256 digest, or undefined when it is not one. */
export function hexDigest(text: string): Buffer | undefined {
  return HEX_SHA256.test(text) ? Buffer.from(text, 'hex') : undefined;
}
