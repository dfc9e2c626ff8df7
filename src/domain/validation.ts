// What every input schema of the domain shares: a zod verdict turned into the contract's field
// errors, and the few value rules that zod does not spell the way Hookwire means them.

import type { z } from 'zod';
import { hasNul, NUL_MESSAGE, type FieldError } from './errors.ts';

/** The issues of a failed parse as field errors, each path under `prefix` (['input'], say). */
export function fieldErrors(error: z.ZodError, prefix: readonly string[]): FieldError[] {
  return error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)], message: issue.message }));
}

/** A check's options when one message about the value says enough: the checks after it are skipped. */
export const stop = (error: string) => ({ error, abort: true });

/** Length in characters (code points), as a person counts them, not in UTF-16 units as String#length. */
export const characters = (text: string): number => [...text].length;

/** PostgreSQL text cannot hold NUL: refused with a clear message before it gets there. */
export const noNul = [(text: string) => !hasNul(text), stop(NUL_MESSAGE)] as const;

/** A JSON object as JSON.parse makes one (or a null-prototype one): not an array, a Date, a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
