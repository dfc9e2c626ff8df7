// What text Hookwire can store: PostgreSQL text and jsonb cannot hold NUL. A leaf, so that both
// the domain's validation (domain/errors.ts passes it on) and an attempt's parts can apply it.

/** Refused with a clear message rather than failing to save. */
export const NUL_MESSAGE = 'must not contain NUL characters (\\u0000)';

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}
