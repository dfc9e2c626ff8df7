// What makes a header name or value sendable: one set of rules for every header a customer can
// configure (an endpoint's own headers, the signature header's names, a transformation's headers).

import { isReservedHeader } from './headers.ts';

export const HEADER_LIMITS = Object.freeze({ nameMaxLength: 256, valueMaxLength: 4096 });

// RFC 9110 token (tchar).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What undici accepts in a header value (tab, visible ASCII, and bytes 0x80–0xFF); anything else
// would make every delivery attempt throw, so it is refused before it is stored.
const VALUE_BAD_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Why `name` cannot be sent as a header name, or undefined when it can. */
export function headerNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a header name must not be empty';
  if (name.length > HEADER_LIMITS.nameMaxLength) {
    return `a header name must be at most ${HEADER_LIMITS.nameMaxLength} characters long`;
  }
  if (!TOKEN.test(name)) return 'is not a valid HTTP header name (letters, digits and !#$%&\'*+-.^_`|~ only)';
  // A legal token, but plain-object code downstream (JSON columns, header maps) would silently
  // drop it; refusing it beats losing it.
  if (name === '__proto__') return 'cannot be used as a header name';
  return undefined;
}

/** Like headerNameProblem, and also refuses the headers Hookwire sets itself. */
export function customHeaderNameProblem(name: string, alsoReserved: readonly string[] = []): string | undefined {
  const problem = headerNameProblem(name);
  if (problem) return problem;
  const lower = name.toLowerCase();
  if (isReservedHeader(lower) || alsoReserved.includes(lower)) {
    return `cannot be set: Hookwire sets the ${lower} header itself`;
  }
  return undefined;
}

/** Why `value` cannot be sent as a header value, or undefined when it can. */
export function headerValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'header value must be a string';
  if (/[\r\n\0]/.test(value)) return 'header value must not contain CR, LF or NUL';
  if (VALUE_BAD_CHAR.test(value)) return 'header value may contain only printable ASCII, tab and Latin-1 characters';
  if (value.length > HEADER_LIMITS.valueMaxLength) {
    return `header value must be at most ${HEADER_LIMITS.valueMaxLength} characters long`;
  }
  return undefined;
}
