// The signatures and headers of a delivery attempt: Standard Webhooks plus the legacy x-webhook-* set.

import { createHmac, randomBytes } from 'node:crypto';
import { isReservedHeader } from './headers.ts';

const SECRET_PREFIX = 'whsec_';

/**
 * `v1,<base64 HMAC-SHA256>` over `<id>.<timestamp>.<body>`, as the Standard Webhooks spec defines.
 * The prefix is optional here, like in the standardwebhooks and svix libraries, so a secret that
 * verifies there also signs here.
 */
export function standardSignature(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const encodedKey = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encodedKey, 'base64');
  const mac = createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** `sha256=<hex>` over the raw body, keyed by the whole secret string, for receivers built before Standard Webhooks. */
export function legacySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body, 'utf8').digest('hex')}`;
}

/** 32 random bytes: the key length HMAC-SHA256 is designed for. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export interface DeliveryHeadersInput {
  eventId: string;
  eventType: string;
  body: string;
  attemptNumber: number;
  timestampSeconds: number;
  /** Live secrets, the current one first; older ones stay valid while receivers roll over. */
  secrets: string[];
  userAgent: string;
  customHeaders?: Record<string, string> | null;
}

export function buildDeliveryHeaders(input: DeliveryHeadersInput): Record<string, string> {
  const [current] = input.secrets;
  if (current === undefined) throw new Error('cannot sign a delivery without a live secret');
  if (!Number.isSafeInteger(input.timestampSeconds)) {
    // A fractional timestamp would be signed as written and rejected by every verifier.
    throw new RangeError(`timestampSeconds must be an integer, got ${input.timestampSeconds}`);
  }
  const timestamp = String(input.timestampSeconds);
  const signatures = input.secrets.map((s) => standardSignature(s, input.eventId, input.timestampSeconds, input.body));
  return {
    ...customHeaders(input.customHeaders),
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    'webhook-id': input.eventId,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
    'x-webhook-signature': legacySignature(current, input.body),
    'x-webhook-event': input.eventType,
    'x-webhook-id': input.eventId,
    'x-webhook-timestamp': timestamp,
    'x-webhook-delivery-attempt': String(input.attemptNumber),
  };
}

/** Lowercased so that `X-Foo` cannot sit beside `x-foo`; reserved names are dropped, not merely overwritten. */
function customHeaders(headers: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isReservedHeader(name)) out[name.toLowerCase()] = value;
  }
  return out;
}
