// Response → outcome and decision, for every rule of "A delivery attempt".

import { describe, expect, it } from 'vitest';
import { classify, type Classification } from '../../src/delivery/classify.ts';
import type { SendResult } from '../../src/delivery/send.ts';

const now = new Date('2025-03-01T12:00:00.000Z');

function response(status: number, headers: Record<string, string> = {}): SendResult {
  return { kind: 'response', status, headers, body: '', bodyTruncated: false, durationMs: 12 };
}

const retry = (retryAfterSeconds: number | null): Classification => ({
  outcome: 'HTTP_ERROR',
  decision: { kind: 'retry', retryAfterSeconds },
});

describe('classify', () => {
  it.each([
    ['200', response(200), { outcome: 'SUCCESS', decision: { kind: 'success' } }],
    ['201', response(201), { outcome: 'SUCCESS', decision: { kind: 'success' } }],
    ['204', response(204), { outcome: 'SUCCESS', decision: { kind: 'success' } }],
    ['299', response(299), { outcome: 'SUCCESS', decision: { kind: 'success' } }],
    ['2xx ignores Retry-After', response(200, { 'retry-after': '60' }), { outcome: 'SUCCESS', decision: { kind: 'success' } }],
    ['408', response(408), retry(null)],
    ['429 without Retry-After', response(429), retry(null)],
    ['429 with delta-seconds', response(429, { 'retry-after': '120' }), retry(120)],
    ['429 with HTTP-date', response(429, { 'retry-after': 'Sat, 01 Mar 2025 12:05:00 GMT' }), retry(300)],
    ['429 with garbage Retry-After', response(429, { 'retry-after': 'later please' }), retry(null)],
    ['429 with mixed-case header name', response(429, { 'Retry-After': '7' }), retry(7)],
    ['500', response(500), retry(null)],
    ['502', response(502), retry(null)],
    ['503 with Retry-After', response(503, { 'retry-after': '30' }), retry(30)],
    ['504 with past HTTP-date', response(504, { 'retry-after': 'Sat, 01 Mar 2025 11:00:00 GMT' }), retry(0)],
    ['599', response(599), retry(null)],
    ['408 with Retry-After', response(408, { 'retry-after': '5' }), retry(5)],
    ['timeout', { kind: 'timeout', durationMs: 5000, error: 'timed out' }, { outcome: 'TIMEOUT', decision: { kind: 'retry', retryAfterSeconds: null } }],
    ['network', { kind: 'network', durationMs: 3, error: 'ECONNREFUSED' }, { outcome: 'NETWORK_ERROR', decision: { kind: 'retry', retryAfterSeconds: null } }],
    ['blocked', { kind: 'blocked', durationMs: 1, error: 'blocked connection to 10.0.0.1' }, { outcome: 'BLOCKED', decision: { kind: 'fail', reason: 'blocked connection to 10.0.0.1' } }],
  ] as Array<[string, SendResult, Classification]>)('%s', (_name, result, expected) => {
    expect(classify(result, now)).toEqual(expected);
  });

  it.each([100, 199, 400, 401, 403, 404, 405, 409, 413, 422, 451, 499, 600])('%i fails at once', (status) => {
    const { outcome, decision } = classify(response(status, { 'retry-after': '10' }), now);
    expect(outcome).toBe('HTTP_ERROR');
    expect(decision).toEqual({ kind: 'fail', reason: expect.stringContaining(String(status)) });
  });

  it.each([300, 301, 302, 303, 307, 308])('%i redirect fails, naming the Location', (status) => {
    const { outcome, decision } = classify(response(status, { location: 'https://elsewhere.example/hook' }), now);
    expect(outcome).toBe('HTTP_ERROR');
    expect(decision.kind).toBe('fail');
    expect(decision.kind === 'fail' && decision.reason).toMatch(new RegExp(`${status}.*https://elsewhere\\.example/hook`));
  });

  it('a redirect without Location still fails with a reason', () => {
    const { decision } = classify(response(302), now);
    expect(decision).toEqual({ kind: 'fail', reason: expect.stringMatching(/302.*no Location/) });
  });

  it('410 disables the endpoint', () => {
    const { outcome, decision } = classify(response(410), now);
    expect(outcome).toBe('HTTP_ERROR');
    expect(decision).toEqual({ kind: 'disable', reason: expect.stringContaining('410') });
  });

  it('defaults now to the current time for HTTP-dates', () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const { decision } = classify(response(503, { 'retry-after': inAMinute }));
    expect(decision.kind === 'retry' && decision.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(decision.kind === 'retry' && decision.retryAfterSeconds).toBeLessThanOrEqual(60);
  });
});
