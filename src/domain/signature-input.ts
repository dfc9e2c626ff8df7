// The schemas of an endpoint's signing settings: its own secret and its signatureHeader. Pure
// rules, every bad field reported with its path; endpoint-input.ts takes both into its input.

import { z } from 'zod';
import { headerName } from '../delivery/header-rules.ts';
import { isReservedHeader } from '../delivery/headers.ts';
import {
  DEFAULT_SIGNATURE_HEADER,
  SECRET_PREFIX,
  SIGNATURE_FORMATS,
  type SignatureFormat,
  type SignatureHeaderConfig,
} from '../delivery/sign.ts';
import { SECRET_LIMITS } from '../limits.ts';
import type { FieldError } from './errors.ts';
import { fieldErrors, stop } from './validation.ts';

export { SECRET_LIMITS };

// Printable ASCII, space excluded: a secret is pasted between quotes in receivers' code and
// environment files, where a leading or trailing space silently disappears.
const PRINTABLE = /^[\x21-\x7e]+$/;
// Standard base64 with padding: what the standardwebhooks and svix libraries decode (strictly).
// Node's own decoder skips bad characters instead, so a secret it accepts could sign with a key
// the receiver's library never derives.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const whsecKeyBytes = (secret: string): number => Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64').length;
const wrongLength = {
  error: (issue: { input?: unknown }) =>
    `must be ${SECRET_LIMITS.minLength} to ${SECRET_LIMITS.maxLength} characters long (got ${(issue.input as string).length})`,
  abort: true,
};

/**
 * A customer's own signing secret: 16 to 128 printable ASCII characters. One starting with
 * `whsec_` is a Standard Webhooks secret, so the rest must be the base64 of a key of at least
 * 16 bytes; any other secret is used as is (its UTF-8 bytes are both HMAC keys).
 */
export const ownSecret = z
  .string({ error: 'must be a string' })
  .min(SECRET_LIMITS.minLength, wrongLength)
  .max(SECRET_LIMITS.maxLength, wrongLength)
  .regex(PRINTABLE, stop('may contain only printable ASCII characters, without spaces'))
  .refine(
    (s) => !s.startsWith(SECRET_PREFIX) || BASE64.test(s.slice(SECRET_PREFIX.length)),
    stop(`a secret starting with ${SECRET_PREFIX} must continue with standard base64 (A–Z, a–z, 0–9, +, /, = padding), as Standard Webhooks libraries decode it`),
  )
  .refine((s) => !s.startsWith(SECRET_PREFIX) || whsecKeyBytes(s) >= SECRET_LIMITS.minWhsecKeyBytes, {
    error: (issue) =>
      `the base64 after ${SECRET_PREFIX} must decode to at least ${SECRET_LIMITS.minWhsecKeyBytes} bytes (got ${whsecKeyBytes(issue.input as string)})`,
    abort: true,
  });

// The headers the hex signature and its timestamp may take although Hookwire reserves them: the
// signature header replaces x-webhook-signature, and the timestamp header carries exactly the
// seconds that x-webhook-timestamp and webhook-timestamp already carry.
const SIGNATURE_NAME_ALLOWED: readonly string[] = [DEFAULT_SIGNATURE_HEADER.name];
const TIMESTAMP_NAME_ALLOWED: readonly string[] = ['x-webhook-timestamp', 'webhook-timestamp'];

/** A header name, trimmed and lower-cased, that may not be one Hookwire sets (but for `allowed`). */
const signingHeaderName = (allowed: readonly string[]) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .pipe(headerName)
    .transform((name) => name.toLowerCase())
    .refine((name) => !isReservedHeader(name) || allowed.includes(name), {
      error: (issue) => `cannot be ${issue.input as string}: Hookwire sets that header itself`,
    });

const timestampHeaderName = signingHeaderName(TIMESTAMP_NAME_ALLOWED);
const TIMESTAMPED: SignatureFormat = 'SHA256_HEX_TIMESTAMPED';
const isFormat = (value: unknown): value is SignatureFormat => (SIGNATURE_FORMATS as readonly unknown[]).includes(value);

/**
 * A signatureHeader as it is stored: names trimmed and lower-cased, timestampHeader set exactly
 * for SHA256_HEX_TIMESTAMPED. Which timestamp header it may have depends on the format: a rule
 * across fields, checked even when another field failed so that every problem is told at once.
 */
export const signatureHeader = z
  .object(
    {
      name: signingHeaderName(SIGNATURE_NAME_ALLOWED),
      format: z.enum(SIGNATURE_FORMATS, { error: `must be one of ${SIGNATURE_FORMATS.join(', ')}` }),
      timestampHeader: z.unknown().optional(),
    },
    { error: 'must be an object with name, format and, for SHA256_HEX_TIMESTAMPED, timestampHeader' },
  )
  .superRefine(
    (input, ctx) => {
      const { name, format, timestampHeader } = input as { name?: unknown; format?: unknown; timestampHeader?: unknown };
      const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['timestampHeader'], message, input: timestampHeader });
      if (timestampHeader === undefined || timestampHeader === null) {
        if (format === TIMESTAMPED) fail('is required for SHA256_HEX_TIMESTAMPED: the header that carries the signed seconds');
      } else if (format !== TIMESTAMPED) {
        // Said only for a known format: with a bad format, the format's error says enough.
        if (isFormat(format)) fail('is used only by SHA256_HEX_TIMESTAMPED; leave it out for this format');
      } else {
        const result = timestampHeaderName.safeParse(timestampHeader);
        if (!result.success) fail(result.error.issues[0]!.message);
        else if (typeof name === 'string' && name.trim().toLowerCase() === result.data) {
          fail('must differ from name (header names are case-insensitive)');
        }
      }
    },
    // The object itself must be one; its fields need not have passed.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .transform(
    ({ name, format, timestampHeader }): SignatureHeaderConfig => ({
      name,
      format,
      timestampHeader: format === TIMESTAMPED ? timestampHeaderName.parse(timestampHeader) : null,
    }),
  );

export type SignatureHeaderInput = z.input<typeof signatureHeader>;

/** Every problem of a signature header, with paths under `path`. */
export function validateSignatureHeader(input: unknown, path: string[] = ['input', 'signatureHeader']): FieldError[] {
  const result = signatureHeader.safeParse(input);
  return result.success ? [] : fieldErrors(result.error, path);
}

/** The problem of an own secret, if any, at `path`. */
export function validateOwnSecret(secret: unknown, path: string[] = ['input', 'signingSecret']): FieldError[] {
  const result = ownSecret.safeParse(secret);
  return result.success ? [] : fieldErrors(result.error, path);
}

export type { SignatureHeaderConfig };

/** The signature header an endpoint signs with: the stored one, or the default (stored as null). */
export function signatureHeaderOf(stored: unknown): SignatureHeaderConfig {
  return (stored as SignatureHeaderConfig | null) ?? DEFAULT_SIGNATURE_HEADER;
}

/** The stored form of a signature header that validateSignatureHeader accepted. */
export function normalizeSignatureHeader(input: unknown): SignatureHeaderConfig {
  return signatureHeader.parse(input);
}
