// Validation of the compatibility settings of an endpoint's signing: its own secret and its
// signatureHeader. Pure rules, every bad field reported with its path; endpoint-input calls them.

import { isReservedHeader } from '../delivery/headers.ts';
import { headerNameProblem } from '../delivery/header-rules.ts';
import {
  DEFAULT_SIGNATURE_HEADER,
  SECRET_PREFIX,
  SIGNATURE_FORMATS,
  type SignatureFormat,
  type SignatureHeaderConfig,
} from '../delivery/sign.ts';
import type { FieldError } from './errors.ts';

export const SECRET_LIMITS = Object.freeze({ minLength: 16, maxLength: 128, minWhsecKeyBytes: 16 });

// Printable ASCII, space excluded: a secret is pasted between quotes in receivers' code and
// environment files, where a leading or trailing space silently disappears.
const PRINTABLE = /^[\x21-\x7e]+$/;
// Standard base64 with padding: what the standardwebhooks and svix libraries decode (strictly).
// Node's own decoder skips bad characters instead, so a secret it accepts could sign with a key
// the receiver's library never derives.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A customer's own signing secret: 16 to 128 printable ASCII characters. One starting with
 * `whsec_` is a Standard Webhooks secret, so the rest must be the base64 of a key of at least
 * 16 bytes; any other secret is used as is (its UTF-8 bytes are both HMAC keys).
 */
export function validateOwnSecret(secret: unknown, path: string[] = ['input', 'signingSecret']): FieldError[] {
  const fail = (message: string): FieldError[] => [{ path, message }];
  if (typeof secret !== 'string') return fail('must be a string');
  if (secret.length < SECRET_LIMITS.minLength || secret.length > SECRET_LIMITS.maxLength) {
    return fail(`must be ${SECRET_LIMITS.minLength} to ${SECRET_LIMITS.maxLength} characters long (got ${secret.length})`);
  }
  if (!PRINTABLE.test(secret)) return fail('may contain only printable ASCII characters, without spaces');
  if (secret.startsWith(SECRET_PREFIX)) {
    const encoded = secret.slice(SECRET_PREFIX.length);
    if (!BASE64.test(encoded)) {
      return fail(
        `a secret starting with ${SECRET_PREFIX} must continue with standard base64 (A–Z, a–z, 0–9, +, /, = padding), as Standard Webhooks libraries decode it`,
      );
    }
    const bytes = Buffer.from(encoded, 'base64').length;
    if (bytes < SECRET_LIMITS.minWhsecKeyBytes) {
      return fail(`the base64 after ${SECRET_PREFIX} must decode to at least ${SECRET_LIMITS.minWhsecKeyBytes} bytes (got ${bytes})`);
    }
  }
  return [];
}

export interface SignatureHeaderInput {
  name?: unknown;
  format?: unknown;
  timestampHeader?: unknown;
}

// The headers the hex signature and its timestamp may take although Hookwire reserves them: the
// signature header replaces x-webhook-signature, and the timestamp header carries exactly the
// seconds that x-webhook-timestamp and webhook-timestamp already carry.
const SIGNATURE_NAME_ALLOWED = new Set([DEFAULT_SIGNATURE_HEADER.name]);
const TIMESTAMP_NAME_ALLOWED = new Set(['x-webhook-timestamp', 'webhook-timestamp']);

/** Every problem of a SignatureHeaderInput, with paths under `path`. */
export function validateSignatureHeader(input: unknown, path: string[] = ['input', 'signatureHeader']): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ path: [...path, field], message });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ path, message: 'must be an object with name, format and, for SHA256_HEX_TIMESTAMPED, timestampHeader' }];
  }
  const { name, format, timestampHeader } = input as SignatureHeaderInput;

  const nameProblem = headerProblem(name, SIGNATURE_NAME_ALLOWED);
  if (nameProblem) fail('name', nameProblem);

  if (!(SIGNATURE_FORMATS as readonly unknown[]).includes(format)) {
    fail('format', `must be one of ${SIGNATURE_FORMATS.join(', ')}`);
  }
  const timestamped = format === 'SHA256_HEX_TIMESTAMPED';
  if (timestampHeader === undefined || timestampHeader === null) {
    if (timestamped) fail('timestampHeader', 'is required for SHA256_HEX_TIMESTAMPED: the header that carries the signed seconds');
  } else if (!timestamped) {
    // Checked only for a known format: with a bad format, the format's error says enough.
    if (SIGNATURE_FORMATS.includes(format as SignatureFormat)) {
      fail('timestampHeader', 'is used only by SHA256_HEX_TIMESTAMPED; leave it out for this format');
    }
  } else {
    const problem = headerProblem(timestampHeader, TIMESTAMP_NAME_ALLOWED);
    if (problem) fail('timestampHeader', problem);
    else if (typeof name === 'string' && name.trim().toLowerCase() === String(timestampHeader).trim().toLowerCase()) {
      fail('timestampHeader', 'must differ from name (header names are case-insensitive)');
    }
  }
  return errors;
}

/** The stored form of a SignatureHeaderInput that validateSignatureHeader accepted: trimmed, lower-cased. */
export function normalizeSignatureHeader(input: SignatureHeaderInput): SignatureHeaderConfig {
  const format = input.format as SignatureFormat;
  return {
    name: String(input.name).trim().toLowerCase(),
    format,
    timestampHeader: format === 'SHA256_HEX_TIMESTAMPED' ? String(input.timestampHeader).trim().toLowerCase() : null,
  };
}

function headerProblem(raw: unknown, allowedReserved: ReadonlySet<string>): string | undefined {
  if (typeof raw !== 'string') return 'must be a string';
  const name = raw.trim();
  const problem = headerNameProblem(name);
  if (problem) return problem;
  const lower = name.toLowerCase();
  if (isReservedHeader(lower) && !allowedReserved.has(lower)) {
    return `cannot be ${lower}: Hookwire sets that header itself`;
  }
  return undefined;
}
