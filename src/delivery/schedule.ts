// When the next attempt of a delivery runs: the endpoint's schedule, jitter, and a receiver's Retry-After.

/** Seconds to wait before retry 1, 2, 3…; six retries spread over about 31 hours. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [60, 300, 900, 3600, 21600, 86400];

const JITTER = 0.2;
/** A receiver may ask for longer than the schedule, but not to park a delivery indefinitely. */
export const MAX_RETRY_AFTER_SECONDS = 86_400;

export interface NextRetryInput {
  schedule: readonly number[];
  /** The attempt that just finished, 1-based. */
  attemptNumber: number;
  retryAfterSeconds: number | null;
  /** In [0, 1); injected so tests can pin the jitter. */
  random?: () => number;
}

/** Milliseconds until the next attempt, or null when the schedule is used up. */
export function nextRetryDelayMs(input: NextRetryInput): number | null {
  const { schedule, attemptNumber, retryAfterSeconds, random = Math.random } = input;
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) {
    throw new RangeError(`attemptNumber must be a positive integer, got ${attemptNumber}`);
  }
  if (attemptNumber > schedule.length) return null;
  // Jitter spreads the retries of a receiver's outage so they do not all land in the same second.
  const jittered = schedule[attemptNumber - 1] * 1000 * (1 - JITTER + 2 * JITTER * random());
  const askedFor = retryAfterSeconds === null ? 0 : Math.min(Math.max(retryAfterSeconds, 0), MAX_RETRY_AFTER_SECONDS) * 1000;
  return Math.round(Math.max(jittered, askedFor));
}

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Seconds a `Retry-After` header asks to wait: delta-seconds or an HTTP-date relative to `now`
 * (a date in the past means 0). Anything else is null: a receiver's garbage must not stall or
 * rush a delivery. Only IMF-fixdate is accepted as a date because Date.parse alone would take
 * almost any string.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!IMF_FIXDATE.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
