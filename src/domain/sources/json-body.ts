// A source's raw body as JSON: strict UTF-8 (a signature covers bytes, so nothing is silently
// replaced) and integers beyond 2^53 kept digit for digit, as strings, instead of rounded.

import { SourcePayloadError } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

// Node 24's JSON.parse passes the reviver the source text of each primitive (TC39 "JSON.parse
// source text access"); the library types do not know the third argument yet.
type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const keepBigIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source) ? context.source : value;

const MAY_HOLD_BIG_INTEGER = /\d{16}/;

/** The body parsed, or a SourcePayloadError at ['body'] saying what is wrong with it. */
export function parseJsonBody(body: Uint8Array | string): unknown {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw SourcePayloadError.at(['body'], 'is not valid UTF-8');
  }
  if (/^\s*$/.test(text)) throw SourcePayloadError.at(['body'], 'is empty; expected a JSON object');
  try {
    // The reviver costs six times the parse; only an integer of 16 digits or more can be unsafe.
    return MAY_HOLD_BIG_INTEGER.test(text) ? JSON.parse(text, keepBigIntegers as Parameters<typeof JSON.parse>[1]) : JSON.parse(text);
  } catch (error) {
    throw SourcePayloadError.at(['body'], `is not JSON (${(error as Error).message})`);
  }
}
