// The retry schedule: jitter bounds, Retry-After, the 24-hour cap, and parsing Retry-After.

import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, nextRetryDelayMs, parseRetryAfter } from '../../src/delivery/schedule.ts';

const fixed = (value: number) => () => value;
const schedule = [10, 60, 300];

describe('nextRetryDelayMs', () => {
  it.each([
    // attempt, random, retryAfterSeconds, expected ms
    [1, 0.5, null, 10_000],
    [1, 0, null, 8_000],
    [1, 0.999999, null, 12_000],
    [2, 0.5, null, 60_000],
    [3, 0, null, 240_000],
    [3, 0.75, null, 330_000],
    [1, 0.5, 5, 10_000], // shorter Retry-After: the schedule wins
    [1, 0.5, 30, 30_000], // longer Retry-After wins
    [1, 0.999999, 11, 12_000], // jittered schedule still longer
    [1, 0.5, 0, 10_000],
    [2, 0.5, 172_800, 86_400_000], // capped at 24 hours
    [3, 0.5, 10_000_000_000, 86_400_000],
  ] as const)('attempt %i, random %d, Retry-After %s → %i ms', (attemptNumber, random, retryAfterSeconds, expected) => {
    expect(nextRetryDelayMs({ schedule, attemptNumber, retryAfterSeconds, random: fixed(random) })).toBe(expected);
  });

  it.each([
    [4, null],
    [4, 60],
    [7, null],
  ] as const)('attempt %i with a 3-step schedule is the end (Retry-After %s)', (attemptNumber, retryAfterSeconds) => {
    expect(nextRetryDelayMs({ schedule, attemptNumber, retryAfterSeconds, random: fixed(0.5) })).toBeNull();
  });

  it('an empty schedule never retries', () => {
    expect(nextRetryDelayMs({ schedule: [], attemptNumber: 1, retryAfterSeconds: null })).toBeNull();
  });

  it('keeps jitter within ±20% with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const ms = nextRetryDelayMs({ schedule: [100], attemptNumber: 1, retryAfterSeconds: null })!;
      expect(ms).toBeGreaterThanOrEqual(80_000);
      expect(ms).toBeLessThanOrEqual(120_000);
    }
  });

  it('rejects an attempt number that is not a positive integer', () => {
    for (const attemptNumber of [0, -1, 1.5, Number.NaN]) {
      expect(() => nextRetryDelayMs({ schedule, attemptNumber, retryAfterSeconds: null })).toThrow(RangeError);
    }
  });

  it('default schedule walks 60 s up to a day and then stops', () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual([60, 300, 900, 3600, 21600, 86400]);
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attemptNumber) =>
      nextRetryDelayMs({ schedule: DEFAULT_RETRY_SCHEDULE, attemptNumber, retryAfterSeconds: null, random: fixed(0.5) }),
    );
    expect(delays).toEqual([60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, null]);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-03-01T12:00:00.000Z');
  it.each([
    [undefined, null],
    ['', null],
    ['0', 0],
    ['120', 120],
    [' 30 ', 30],
    ['86400000', 86_400_000], // large but valid: capping is the scheduler's job
    ['Sat, 01 Mar 2025 12:02:00 GMT', 120],
    ['Sat, 01 Mar 2025 12:00:00 GMT', 0],
    ['Sat, 01 Mar 2025 11:00:00 GMT', 0], // in the past: no extra wait
    ['Sun, 02 Mar 2025 12:00:01 GMT', 86_401],
    ['-5', null],
    ['1.5', null],
    ['soon', null],
    ['120 seconds', null],
    ['2025-03-01T12:02:00Z', null], // ISO is not an HTTP-date
    ['Sat, 01 Mar 2025 25:61:00 GMT', null],
    ['Sat, 01 Foo 2025 12:02:00 GMT', null],
  ] as const)('%j → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('rounds a fractional remaining time up to whole seconds', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:10 GMT', new Date('2025-03-01T12:00:00.400Z'))).toBe(10);
  });
});
