// SIGNED_HTTP sources: any sender that signs its POSTs the way Hookwire's endpoints are signed
// (src/delivery/sign.ts), verified on the raw bytes; and the rule that turns the body into one
// event: the `{type, data, sessionId, idempotencyKey}` it names, or data of the source's type.

import { standardWebhooksKey, type SignatureHeaderConfig } from '../../delivery/sign.ts';
import type { PublishEventInput } from '../events.ts';
import { SourcePayloadError } from './errors.ts';
import {
  digestsEqual,
  hexDigest,
  hmacSha256,
  refused,
  singleHeader,
  type IncomingHeaders,
  type SignatureRefused,
} from './hmac.ts';
import { parseJsonBody } from './json-body.ts';

/** How far a signed timestamp may be from now, either way: Standard Webhooks' and Stripe's 5 minutes. */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

export interface SignedHttpRequest {
  /** The source's signing secrets, the current one first (any of them verifies). */
  secrets: readonly string[];
  /** The hex header the sender writes; null: Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). */
  signatureHeader: SignatureHeaderConfig | null;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHeaders;
  body: Uint8Array;
  now: Date;
  toleranceSeconds?: number;
}

export type SignedHttpCheck =
  | {
      ok: true;
      /** The Standard Webhooks message id (webhook-id): a redelivery carries it again. */
      webhookId: string | null;
      /** The signed unix seconds, for the formats that sign one. */
      timestamp: number | null;
    }
  | SignatureRefused;

export function verifySignedHttp(request: SignedHttpRequest): SignedHttpCheck {
  const secrets = request.secrets.filter((s) => s !== '');
  if (secrets.length === 0) throw new Error('a SIGNED_HTTP source needs a signing secret to verify with');
  return request.signatureHeader ? verifyHex(request, request.signatureHeader, secrets) : verifyStandard(request, secrets);
}

function verifyHex(request: SignedHttpRequest, config: SignatureHeaderConfig, secrets: readonly string[]): SignedHttpCheck {
  const name = config.name.toLowerCase();
  const value = singleHeader(request.headers[name]);
  if (value === undefined || value.trim() === '') return refused('missing_signature', `${name} is missing`);
  if (value === 'repeated') return refused('malformed_signature', `${name} was sent more than once`);
  const text = value.trim();
  const prefixed = config.format !== 'HEX';
  const claimed = prefixed ? (text.startsWith('sha256=') ? hexDigest(text.slice(7)) : undefined) : hexDigest(text);
  if (!claimed) return refused('malformed_signature', `${name} must be ${prefixed ? 'sha256=' : ''}<64 hex digits>`);

  let timestamp: number | null = null;
  const parts: Array<Uint8Array | string> = [request.body];
  if (config.format === 'SHA256_HEX_TIMESTAMPED') {
    const header = (config.timestampHeader ?? '').toLowerCase();
    const checked = checkTimestamp(request, header);
    if (!checked.ok) return checked;
    timestamp = checked.seconds;
    parts.unshift(`${checked.seconds}.`);
  }
  const matched = anySecret(secrets, (secret) => digestsEqual(hmacSha256(secret, ...parts), claimed));
  return matched ? { ok: true, webhookId: null, timestamp } : refused('signature_mismatch', `${name} does not match the body`);
}

// Svix sends the same scheme under svix-* names; the svix library accepts both.
const STANDARD = [
  { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' },
  { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' },
] as const;

function verifyStandard(request: SignedHttpRequest, secrets: readonly string[]): SignedHttpCheck {
  const names = STANDARD.find((n) => request.headers[n.signature] !== undefined) ?? STANDARD[0];
  const id = singleHeader(request.headers[names.id]);
  const signature = singleHeader(request.headers[names.signature]);
  if (signature === undefined || signature.trim() === '') return refused('missing_signature', `${names.signature} is missing`);
  if (id === undefined || id === '') return refused('malformed_signature', `${names.id} is missing: Standard Webhooks signs it with the body`);
  if (id === 'repeated' || signature === 'repeated') return refused('malformed_signature', `${names.id} and ${names.signature} must each be sent once`);
  const checked = checkTimestamp(request, names.timestamp);
  if (!checked.ok) return checked;

  // "v1,<base64> v1,<base64>": one entry per secret the sender signs with; other versions are skipped.
  const claims = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  if (claims.length === 0) return refused('malformed_signature', `${names.signature} has no v1,<base64> signature`);
  const matched = anySecret(secrets, (secret) => {
    const computed = hmacSha256(standardWebhooksKey(secret), `${id}.${checked.seconds}.`, request.body);
    return claims.some((claim) => digestsEqual(computed, claim));
  });
  return matched ? { ok: true, webhookId: id, timestamp: checked.seconds } : refused('signature_mismatch', `${names.signature} does not match the body`);
}

function checkTimestamp(request: SignedHttpRequest, header: string): { ok: true; seconds: number } | SignatureRefused {
  const value = singleHeader(request.headers[header]);
  if (value === undefined || value === '') return refused('missing_timestamp', `${header} is missing`);
  if (value === 'repeated' || !/^\d{1,12}$/.test(value.trim())) return refused('malformed_timestamp', `${header} must be unix seconds`);
  const seconds = Number(value.trim());
  const tolerance = request.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  const skew = Math.abs(request.now.getTime() / 1000 - seconds);
  // A replayed request carries its old timestamp; a clock far ahead is refused the same way.
  if (skew > tolerance) return refused('timestamp_out_of_tolerance', `${header} is ${Math.round(skew)} s from now; at most ${tolerance} s is accepted`);
  return { ok: true, seconds };
}

/** Tries every secret, so the time taken does not say which one matched. */
function anySecret(secrets: readonly string[], matches: (secret: string) => boolean): boolean {
  let matched = false;
  for (const secret of secrets) if (matches(secret)) matched = true;
  return matched;
}

// ---------------------------------------------------------------------------------------------
// The body -> the event.

export interface SignedHttpEventRule {
  /** The source's eventType: the type of a body that does not name its own; null: the body must name one. */
  eventType: string | null;
}

/**
 * The one event a verified body makes. A body `{ "type": "…", "data": {…} }` (with optional
 * sessionId and idempotencyKey, as publishEvent takes them; a Hookwire envelope is one) names its
 * own event; any other JSON object is the data of an event of `rule.eventType`. The idempotency
 * key is the body's own, else the webhook-id a Standard Webhooks sender repeats on redelivery.
 * The type and data are validated where they are published, against the account's catalog.
 */
export function signedHttpEvent(body: Uint8Array | string, rule: SignedHttpEventRule, webhookId: string | null = null): PublishEventInput {
  const parsed = parseJsonBody(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw SourcePayloadError.at(['body'], 'must be a JSON object: an event {type, data} or the data of the source\'s event type');
  }
  const record = parsed as Record<string, unknown>;
  if (typeof record.type === 'string' && 'data' in record) return namedEvent(record, webhookId);
  if (rule.eventType === null) {
    throw SourcePayloadError.at(['body', 'type'], 'is missing: this source has no eventType, so the body must be {"type": "…", "data": {…}}');
  }
  return { type: rule.eventType, sessionId: null, data: record, idempotencyKey: webhookId };
}

function namedEvent(record: Record<string, unknown>, webhookId: string | null): PublishEventInput {
  const problems: Array<{ path: string[]; message: string }> = [];
  const { type, data, sessionId, idempotencyKey } = record;
  if (type === '') problems.push({ path: ['body', 'type'], message: 'must be an event type name' });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) problems.push({ path: ['body', 'data'], message: 'must be a JSON object: the event\'s data' });
  if (sessionId != null && typeof sessionId !== 'string') problems.push({ path: ['body', 'sessionId'], message: 'must be a string or null' });
  if (idempotencyKey != null && typeof idempotencyKey !== 'string') problems.push({ path: ['body', 'idempotencyKey'], message: 'must be a string or null' });
  if (problems.length > 0) throw new SourcePayloadError(problems);
  return {
    type: type as string,
    sessionId: (sessionId as string | null | undefined) ?? null,
    data,
    idempotencyKey: (idempotencyKey as string | null | undefined) ?? webhookId,
  };
}

export type SignedHttpPostOutcome =
  /** Answer 401; publish nothing. */
  | { kind: 'unauthorized'; refusal: SignatureRefused }
  /** Answer 400 with the error's paths; publish nothing. */
  | { kind: 'malformed'; error: SourcePayloadError }
  /** Publish the event, then answer 200. */
  | { kind: 'event'; event: PublishEventInput };

/** One POST to a SIGNED_HTTP source: the signature first (an unverified body is never parsed), then the event. */
export function receiveSignedHttpPost(request: SignedHttpRequest, rule: SignedHttpEventRule): SignedHttpPostOutcome {
  const check = verifySignedHttp(request);
  if (!check.ok) return { kind: 'unauthorized', refusal: check };
  try {
    return { kind: 'event', event: signedHttpEvent(request.body, rule, check.webhookId) };
  } catch (error) {
    if (error instanceof SourcePayloadError) return { kind: 'malformed', error };
    throw error;
  }
}
