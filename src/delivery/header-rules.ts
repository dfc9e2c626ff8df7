// What makes a header name or value sendable: one set of rules for every header a customer can
// configure (an endpoint's own headers, the signature header's names, a transformation's headers),
// declared once as schemas; the *Problem functions answer with the first message, for callers that
// check one value at a time (a transformation's output, at delivery time).

import { z } from 'zod';
import { HEADER_LIMITS } from '../limits.ts';
import { isReservedHeader } from './headers.ts';

export { HEADER_LIMITS };

// RFC 9110 token (tchar).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What undici accepts in a header value (tab, visible ASCII, and bytes 0x80–0xFF); anything else
// would make every delivery attempt throw, so it is refused before it is stored.
const VALUE_BAD_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

// Each rule stops the ones after it: one message per header says enough.
const stop = (error: string) => ({ error, abort: true });

/** A header name as given (not trimmed, not lower-cased). */
export const headerName = z
  .string(stop('must be a string'))
  .min(1, stop('a header name must not be empty'))
  .max(HEADER_LIMITS.nameMaxLength, stop(`a header name must be at most ${HEADER_LIMITS.nameMaxLength} characters long`))
  .regex(TOKEN, stop('is not a valid HTTP header name (letters, digits and !#$%&\'*+-.^_`|~ only)'))
  // A legal token, but plain-object code downstream (JSON columns, header maps) would silently
  // drop it; refusing it beats losing it.
  .refine((name) => name !== '__proto__', stop('cannot be used as a header name'));

/** A header value as given; leading and trailing whitespace is trimmed by whoever stores it. */
export const headerValue = z
  .string(stop('header value must be a string'))
  .refine((value) => !/[\r\n\0]/.test(value), stop('header value must not contain CR, LF or NUL'))
  .refine((value) => !VALUE_BAD_CHAR.test(value), stop('header value may contain only printable ASCII, tab and Latin-1 characters'))
  .max(HEADER_LIMITS.valueMaxLength, stop(`header value must be at most ${HEADER_LIMITS.valueMaxLength} characters long`));

/** Why Hookwire cannot let a customer set `name` (it sets it itself), or undefined when it can. */
export function reservedHeaderProblem(name: string, alsoReserved: readonly string[] = []): string | undefined {
  const lower = name.toLowerCase();
  return isReservedHeader(lower) || alsoReserved.includes(lower) ? `cannot be set: Hookwire sets the ${lower} header itself` : undefined;
}

function firstProblem(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** Why `name` cannot be sent as a header name, or undefined when it can. */
export function headerNameProblem(name: string): string | undefined {
  return firstProblem(headerName, name);
}

/** Like headerNameProblem, and also refuses the headers Hookwire sets itself. */
export function customHeaderNameProblem(name: string, alsoReserved: readonly string[] = []): string | undefined {
  return headerNameProblem(name) ?? reservedHeaderProblem(name, alsoReserved);
}

/** Why `value` cannot be sent as a header value, or undefined when it can. */
export function headerValueProblem(value: unknown): string | undefined {
  return firstProblem(headerValue, value);
}
