// The signatures and headers of a delivery attempt: Standard Webhooks plus one hex signature
// header whose name and format the endpoint chooses (x-webhook-signature: sha256=… by default).

import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { isReservedHeader } from './headers.ts';

export const SECRET_PREFIX = 'whsec_';

/**
 * The HMAC key of the Standard Webhooks signature. A `whsec_` secret carries its key in base64
 * after the prefix (as the standardwebhooks and svix libraries decode it). Any other secret is the
 * customer's own string, and its UTF-8 bytes are the key: what those libraries use when given
 * `{ format: 'raw' }`, and what `whsec_` + base64(secret) decodes to. Decoding such a secret as
 * base64 instead would work only for the few secrets that happen to be valid base64.
 */
export function standardWebhooksKey(secret: string): Buffer {
  return secret.startsWith(SECRET_PREFIX)
    ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/**
 * HMAC keys prepared once per secret: turning raw key bytes into a key for every signature cost
 * more than the two HMACs of a delivery themselves. Bounded; the least recently used go first.
 * One cache per kind, keyed by the secret itself (no key string built per signature).
 */
const preparedKeys = {
  standard: new LRUCache<string, KeyObject>({ max: 10_000 }),
  hex: new LRUCache<string, KeyObject>({ max: 10_000 }),
};
function preparedKey(kind: 'standard' | 'hex', secret: string): KeyObject {
  const cache = preparedKeys[kind];
  let key = cache.get(secret);
  if (!key) {
    key = createSecretKey(kind === 'standard' ? standardWebhooksKey(secret) : Buffer.from(secret, 'utf8'));
    cache.set(secret, key);
  }
  return key;
}

/** `v1,<base64 HMAC-SHA256>` over `<id>.<timestamp>.<body>`, as the Standard Webhooks spec defines. */
export function standardSignature(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', preparedKey('standard', secret))
    .update(`${msgId}.${timestampSeconds}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

/** `sha256=<hex>` over the raw body, keyed by the whole secret string, for receivers built before Standard Webhooks. */
export function legacySignature(secret: string, body: string): string {
  return hexSignature(secret, body, 'SHA256_HEX', 0);
}

/** 32 random bytes: the key length HMAC-SHA256 is designed for. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// The hex signature header.

/** The contract's SignatureFormat. */
export const SIGNATURE_FORMATS = ['SHA256_HEX', 'HEX', 'SHA256_HEX_TIMESTAMPED'] as const;
export type SignatureFormat = (typeof SIGNATURE_FORMATS)[number];

/** An endpoint's signatureHeader, names lower-cased; timestampHeader is set exactly for SHA256_HEX_TIMESTAMPED. */
export interface SignatureHeaderConfig {
  name: string;
  format: SignatureFormat;
  timestampHeader: string | null;
}

export const DEFAULT_SIGNATURE_HEADER: SignatureHeaderConfig = Object.freeze({
  name: 'x-webhook-signature',
  format: 'SHA256_HEX',
  timestampHeader: null,
});

/**
 * The hex HMAC-SHA256 of the body (or of `<seconds>.<body>` for SHA256_HEX_TIMESTAMPED), keyed by
 * the secret string's UTF-8 bytes, as the seeds' and Meta's receivers compute it.
 */
export function hexSignature(secret: string, body: string, format: SignatureFormat, timestampSeconds: number): string {
  const signed = format === 'SHA256_HEX_TIMESTAMPED' ? `${timestampSeconds}.${body}` : body;
  const hex = createHmac('sha256', preparedKey('hex', secret)).update(signed, 'utf8').digest('hex');
  return format === 'HEX' ? hex : `sha256=${hex}`;
}

export interface SignatureHeadersInput {
  /** Live secrets, the current one first; older ones stay valid while receivers roll over. */
  secrets: readonly string[];
  signatureHeader?: SignatureHeaderConfig | null;
  /** The event id: webhook-id, and part of what Standard Webhooks signs. */
  id: string;
  /** Unix seconds when this attempt is signed. */
  timestamp: number;
  /** The exact body that is sent. */
  body: string;
}

/**
 * Every signature header of one attempt: webhook-id, webhook-timestamp and webhook-signature (one
 * entry per live secret), and the endpoint's hex header (current secret only, since receivers
 * written for it compare against one value) with its timestamp header when the format has one.
 */
export function buildSignatureHeaders(input: SignatureHeadersInput): Record<string, string> {
  const [current] = input.secrets;
  if (current === undefined) throw new Error('cannot sign a delivery without a live secret');
  if (!Number.isSafeInteger(input.timestamp)) {
    // A fractional timestamp would be signed as written and rejected by every verifier.
    throw new RangeError(`timestamp must be an integer number of seconds, got ${input.timestamp}`);
  }
  const config = input.signatureHeader ?? DEFAULT_SIGNATURE_HEADER;
  const timestamp = String(input.timestamp);
  const headers: Record<string, string> = {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': standardSignatures(input.secrets, input.id, input.timestamp, input.body),
  };
  headers[config.name.toLowerCase()] = hexSignature(current, input.body, config.format, input.timestamp);
  if (config.format === 'SHA256_HEX_TIMESTAMPED' && config.timestampHeader) {
    headers[config.timestampHeader.toLowerCase()] = timestamp;
  }
  return headers;
}

/** One `v1,…` per live secret, space-separated (one, mostly: a rotation's grace period adds the old). */
function standardSignatures(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  let out = standardSignature(secrets[0]!, id, timestamp, body);
  for (let i = 1; i < secrets.length; i++) out += ` ${standardSignature(secrets[i]!, id, timestamp, body)}`;
  return out;
}

/** The header names a signature configuration writes beyond the Standard Webhooks ones. */
export function signatureHeaderNames(config: SignatureHeaderConfig | null | undefined): string[] {
  const c = config ?? DEFAULT_SIGNATURE_HEADER;
  const names = [c.name.toLowerCase()];
  if (c.format === 'SHA256_HEX_TIMESTAMPED' && c.timestampHeader) names.push(c.timestampHeader.toLowerCase());
  return names;
}

// ---------------------------------------------------------------------------------------------
// All headers of an attempt.

export interface DeliveryHeadersInput {
  eventId: string;
  eventType: string;
  body: string;
  attemptNumber: number;
  timestampSeconds: number;
  /** Live secrets, the current one first; older ones stay valid while receivers roll over. */
  secrets: string[];
  userAgent: string;
  /** The endpoint's own headers and those a transformation added. */
  customHeaders?: Record<string, string> | null;
  signatureHeader?: SignatureHeaderConfig | null;
}

export function buildDeliveryHeaders(input: DeliveryHeadersInput): Record<string, string> {
  const signatures = buildSignatureHeaders({
    secrets: input.secrets,
    signatureHeader: input.signatureHeader,
    id: input.eventId,
    timestamp: input.timestampSeconds,
    body: input.body,
  });
  // One object, in this order: the custom headers, Hookwire's own, then the signatures (which
  // overwrite in place any of Hookwire's names a signature header reuses).
  const headers = customHeaders(input.customHeaders, signatures);
  headers['content-type'] = 'application/json';
  headers['user-agent'] = input.userAgent;
  headers['x-webhook-event'] = input.eventType;
  headers['x-webhook-id'] = input.eventId;
  headers['x-webhook-timestamp'] = signatures['webhook-timestamp']!;
  headers['x-webhook-delivery-attempt'] = String(input.attemptNumber);
  for (const name in signatures) headers[name] = signatures[name]!;
  return headers;
}

/**
 * Lowercased so that `X-Foo` cannot sit beside `x-foo`; reserved names, and the names the
 * signature headers use, are dropped, not merely overwritten.
 */
function customHeaders(headers: Record<string, string> | null | undefined, signatures: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const lower = name.toLowerCase();
    if (!isReservedHeader(lower) && !Object.hasOwn(signatures, lower)) out[lower] = headers[name]!;
  }
  return out;
}
