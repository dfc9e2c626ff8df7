// What the result of one attempt means for its delivery: success, retry, fail, or disable the endpoint.

import type { SendResult } from './send.ts';
import { parseRetryAfter } from './schedule.ts';

export type AttemptOutcome = 'SUCCESS' | 'HTTP_ERROR' | 'TIMEOUT' | 'NETWORK_ERROR' | 'BLOCKED';

export type Decision =
  | { kind: 'success' }
  | { kind: 'retry'; retryAfterSeconds: number | null }
  | { kind: 'fail'; reason: string }
  | { kind: 'disable'; reason: string };

export interface Classification {
  outcome: AttemptOutcome;
  decision: Decision;
}

export function classify(result: SendResult, now: Date = new Date()): Classification {
  switch (result.kind) {
    case 'response':
      return classifyResponse(result.status, result.headers, now);
    case 'timeout':
      return { outcome: 'TIMEOUT', decision: { kind: 'retry', retryAfterSeconds: null } };
    case 'network':
      return { outcome: 'NETWORK_ERROR', decision: { kind: 'retry', retryAfterSeconds: null } };
    case 'blocked':
      // The address will not become public by waiting; retrying would only repeat the refusal.
      return { outcome: 'BLOCKED', decision: { kind: 'fail', reason: result.error } };
    case 'not-sent':
      // Nothing reached the receiver: no outcome, no attempt (attempt.ts completes it as 'not sent').
      throw new Error(`nothing was sent, so there is no outcome to classify (${result.error})`);
  }
}

function classifyResponse(status: number, headers: Record<string, string>, now: Date): Classification {
  if (status >= 200 && status <= 299) return { outcome: 'SUCCESS', decision: { kind: 'success' } };
  return { outcome: 'HTTP_ERROR', decision: httpErrorDecision(status, headers, now) };
}

function httpErrorDecision(status: number, headers: Record<string, string>, now: Date): Decision {
  // 408 and 429 say "not now" rather than "never", and a 5xx is the receiver's own fault.
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) {
    return { kind: 'retry', retryAfterSeconds: parseRetryAfter(header(headers, 'retry-after'), now) };
  }
  if (status === 410) return { kind: 'disable', reason: 'HTTP 410 Gone: the receiver says this endpoint no longer exists' };
  if (status >= 300 && status <= 399) {
    // Following a redirect would let a receiver steer signed payloads to an unchecked URL.
    const location = header(headers, 'location');
    const target = location ? ` to ${location}` : ' (no Location header)';
    return { kind: 'fail', reason: `HTTP ${status} redirect${target} not followed: update the endpoint URL` };
  }
  return { kind: 'fail', reason: `HTTP ${status}` };
}

function header(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
