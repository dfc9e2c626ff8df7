// One delivery attempt as a typed pipeline (after Svix's worker): prepare (sign the request), call
// (send it; never throws), complete (classify the result and say what to store of it). No database
// here: the engine (src/worker) claims and records, the domain (src/domain/attempts.ts) decides.
import type { Dispatcher } from 'undici';
import { classify, type Classification, type Decision } from './classify.ts';
import { send, type SendResult } from './send.ts';
import { buildDeliveryHeaders, type SignatureHeaderConfig } from './sign.ts';

export interface PrepareInput {
  eventId: string;
  eventType: string;
  body: string;
  attemptNumber: number;
  /** When the attempt is signed; its unix seconds are the webhook-timestamp. */
  now: Date;
  /** Live secrets, the current one first. */
  secrets: string[];
  userAgent: string;
  customHeaders: Record<string, string> | null;
  /** The endpoint's hex signature header; null: x-webhook-signature, SHA256_HEX. */
  signatureHeader: SignatureHeaderConfig | null;
}

export interface PreparedAttempt {
  attemptNumber: number;
  startedAt: Date;
  body: string;
  headers: Record<string, string>;
}

export function prepareAttempt(input: PrepareInput): PreparedAttempt {
  const headers = buildDeliveryHeaders({
    eventId: input.eventId,
    eventType: input.eventType,
    body: input.body,
    attemptNumber: input.attemptNumber,
    timestampSeconds: Math.floor(input.now.getTime() / 1000),
    secrets: input.secrets,
    userAgent: input.userAgent,
    customHeaders: input.customHeaders,
    signatureHeader: input.signatureHeader,
  });
  return { attemptNumber: input.attemptNumber, startedAt: input.now, body: input.body, headers };
}

export interface CompletedAttempt {
  result: SendResult;
  classification: Classification;
  finishedAt: Date;
  /** What an attempt row stores of the response (or of the failure). */
  response: {
    responseStatus: number | null;
    responseHeaders: Record<string, string> | null;
    responseBody: string | null;
    error: string | null;
  };
}

export async function callAttempt(
  dispatcher: Dispatcher,
  prepared: PreparedAttempt,
  target: { url: string; timeoutMs: number },
): Promise<CompletedAttempt> {
  const result = await send(dispatcher, { url: target.url, headers: prepared.headers, body: prepared.body, timeoutMs: target.timeoutMs });
  const finishedAt = new Date(prepared.startedAt.getTime() + result.durationMs);
  const classification = classify(result, finishedAt);
  return { result, classification, finishedAt, response: responseFields(result, classification.decision) };
}

function responseFields(result: SendResult, decision: Decision): CompletedAttempt['response'] {
  if (result.kind === 'response') {
    const reason = decision.kind === 'fail' || decision.kind === 'disable' ? decision.reason : null;
    return {
      responseStatus: result.status,
      responseHeaders: result.headers,
      // PostgreSQL text cannot hold NUL; a binary response must not make the attempt unrecordable.
      responseBody: result.body.replaceAll('\u0000', '\uFFFD'),
      error: reason,
    };
  }
  return { responseStatus: null, responseHeaders: null, responseBody: null, error: result.error };
}
