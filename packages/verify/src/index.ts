// @hookwire/verify: checks that a webhook came from Hookwire, before its body is trusted. Verifies
// the Standard Webhooks headers by default, or the signature header an endpoint is configured
// with (SHA256_HEX, HEX, SHA256_HEX_TIMESTAMPED), with a timestamp tolerance and constant-time
// comparison. Node's crypto only (Node 18+, Bun, Deno, edge runtimes with node:crypto).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How an endpoint's hex signature header is written (SignatureFormat in the API). */
export type SignatureFormat = 'SHA256_HEX' | 'HEX' | 'SHA256_HEX_TIMESTAMPED';

export interface SignatureHeaderOptions {
  /** The header's name; x-webhook-signature by default. */
  name?: string;
  /** SHA256_HEX by default. */
  format?: SignatureFormat;
  /** SHA256_HEX_TIMESTAMPED only: the header with the signed unix seconds; x-webhook-timestamp by default. */
  timestampHeader?: string;
}

export interface VerifyOptions {
  /** How far the signed timestamp may be from now, either way, in seconds; 300 by default. */
  toleranceSeconds?: number;
  /** "Now" for the tolerance (a Date, or milliseconds since the epoch); the clock by default. */
  now?: Date | number;
  /**
   * Verify this signature header (the endpoint's signatureHeader) instead of the Standard Webhooks
   * headers. Without it, webhook-signature is verified, or x-webhook-signature (SHA256_HEX) when
   * a request has only that.
   */
  signatureHeader?: SignatureHeaderOptions;
}

export type WebhookVerificationErrorCode =
  /** A header the signature needs is absent. */
  | 'missing_header'
  /** A header is there but malformed (a timestamp that is not unix seconds…). */
  | 'invalid_header'
  /** The signed timestamp is further from now than the tolerance: a replay, or a skewed clock. */
  | 'timestamp_out_of_tolerance'
  /** No signature matches: another secret, or a body changed on the way (parsed and re-serialised?). */
  | 'invalid_signature'
  /** The secret or the body given is not usable (empty, or a parsed object instead of the raw body). */
  | 'invalid_argument'
  /** The signature is valid but the body is not JSON. */
  | 'invalid_payload';

/** The one error verifyWebhook throws; `code` says why. */
export class WebhookVerificationError extends Error {
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

/** The JSON envelope Hookwire POSTs (unless an endpoint's transformation changed it). */
export interface WebhookEnvelope<TData = unknown> {
  id: string;
  type: string;
  timestamp: string;
  sessionId: string | null;
  data: TData;
}

/** A fetch Headers, Node's req.headers, or a plain object; names are matched case-insensitively. */
export type HeadersLike = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

export const DEFAULT_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';
const FORMATS: readonly SignatureFormat[] = ['SHA256_HEX', 'HEX', 'SHA256_HEX_TIMESTAMPED'];

/**
 * Verifies a webhook and returns its parsed JSON body. `rawBody` must be the bytes as received
 * (express: `express.raw({ type: 'application/json' })`; fetch: `await request.text()`): a body
 * parsed and serialised again no longer matches its signature. `secret` is the endpoint's
 * signingSecret exactly as Hookwire shows it (a generated `whsec_…` one, or the endpoint's own
 * secret as it was set), or a list of secrets while you roll one over. Throws WebhookVerificationError.
 */
export function verifyWebhook<T = WebhookEnvelope>(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): T {
  const body = bodyBytes(rawBody);
  const secrets = secretList(secret);
  const read = headerReader(headers);
  const nowSeconds = Math.floor((options.now === undefined ? Date.now() : Number(options.now)) / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

  if (options.signatureHeader) {
    verifyHexHeader(body, read, secrets, options.signatureHeader, nowSeconds, tolerance);
  } else if (read('webhook-signature') !== undefined || read('webhook-id') !== undefined) {
    verifyStandard(body, read, secrets, nowSeconds, tolerance);
  } else if (read('x-webhook-signature') !== undefined) {
    verifyHexHeader(body, read, secrets, { format: 'SHA256_HEX' }, nowSeconds, tolerance);
  } else {
    throw new WebhookVerificationError('missing_header', 'No signature: expected webhook-id, webhook-timestamp and webhook-signature headers');
  }

  const text = new TextDecoder().decode(body);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The signature is valid, but the body is not JSON');
  }
}

/** Standard Webhooks: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, any of a space-separated list. */
function verifyStandard(body: Uint8Array, read: Reader, secrets: string[], nowSeconds: number, tolerance: number): void {
  const id = required(read, 'webhook-id');
  const timestamp = signedSeconds(required(read, 'webhook-timestamp'), 'webhook-timestamp', nowSeconds, tolerance);
  const signatures = required(read, 'webhook-signature')
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
  for (const secret of secrets) {
    const expected = createHmac('sha256', standardWebhooksKey(secret)).update(signed).digest();
    if (signatures.some((signature) => constantTimeEqual(signature, expected))) return;
  }
  throw new WebhookVerificationError('invalid_signature', 'No webhook-signature entry matches: wrong secret, or the body was changed');
}

/**
 * The Standard Webhooks key of a secret, as Hookwire derives it: a `whsec_` secret carries it in
 * base64 after the prefix; any other secret (an endpoint's own signingSecret) is its UTF-8 bytes,
 * which is what the standardwebhooks and svix libraries use given `{ format: 'raw' }`. Decoding
 * an own secret as base64 would give another key, or none, and never match.
 */
function standardWebhooksKey(secret: string): Buffer {
  return secret.startsWith(SECRET_PREFIX) ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** The hex header: HMAC-SHA256 keyed by the secret's UTF-8 bytes, of the body (or "<seconds>.<body>"). */
function verifyHexHeader(
  body: Uint8Array,
  read: Reader,
  secrets: string[],
  header: SignatureHeaderOptions,
  nowSeconds: number,
  tolerance: number,
): void {
  const name = header.name ?? 'x-webhook-signature';
  const format = header.format ?? 'SHA256_HEX';
  if (!FORMATS.includes(format)) throw new WebhookVerificationError('invalid_argument', `format must be one of ${FORMATS.join(', ')}`);
  const value = required(read, name).trim();
  let signed: Uint8Array = body;
  if (format === 'SHA256_HEX_TIMESTAMPED') {
    const timestampHeader = header.timestampHeader ?? 'x-webhook-timestamp';
    const seconds = signedSeconds(required(read, timestampHeader), timestampHeader, nowSeconds, tolerance);
    signed = Buffer.concat([Buffer.from(`${seconds}.`, 'utf8'), body]);
  }
  const prefix = format === 'HEX' ? '' : 'sha256=';
  if (!value.toLowerCase().startsWith(prefix) || !/^[0-9a-f]{64}$/i.test(value.slice(prefix.length))) {
    throw new WebhookVerificationError('invalid_header', `${name} is not ${prefix}<64 hex digits>`);
  }
  const given = Buffer.from(value.slice(prefix.length), 'hex');
  for (const secret of secrets) {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(signed).digest();
    if (constantTimeEqual(given, expected)) return;
  }
  throw new WebhookVerificationError('invalid_signature', `${name} does not match: wrong secret, or the body was changed`);
}

function signedSeconds(raw: string, name: string, nowSeconds: number, tolerance: number): number {
  if (!/^\d{1,12}$/.test(raw.trim())) throw new WebhookVerificationError('invalid_header', `${name} must be unix seconds, got ${JSON.stringify(raw)}`);
  const seconds = Number(raw.trim());
  if (Math.abs(nowSeconds - seconds) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `${name} is ${nowSeconds - seconds} s from now, beyond the tolerance of ${tolerance} s (a replay, or a clock out of sync)`,
    );
  }
  return seconds;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

type Reader = (name: string) => string | undefined;

function headerReader(headers: HeadersLike): Reader {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (name) => (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    const name = key.toLowerCase();
    lower.set(name, lower.has(name) ? `${lower.get(name)} ${text}` : text);
  }
  return (name) => lower.get(name.toLowerCase());
}

function required(read: Reader, name: string): string {
  const value = read(name);
  if (value === undefined || value === '') throw new WebhookVerificationError('missing_header', `Missing header ${name}`);
  return value;
}

function bodyBytes(rawBody: string | Uint8Array): Uint8Array {
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  if (rawBody instanceof Uint8Array) return rawBody;
  throw new WebhookVerificationError(
    'invalid_argument',
    'rawBody must be the body as received (a string or bytes), not a parsed object: its signature covers the exact bytes',
  );
}

function secretList(secret: string | readonly string[]): string[] {
  const list = (typeof secret === 'string' ? [secret] : [...secret]).filter((s) => typeof s === 'string' && s.length > 0);
  if (list.length === 0) throw new WebhookVerificationError('invalid_argument', "secret must be the endpoint's signingSecret");
  return list;
}
