// One delivery attempt as a typed pipeline (after Svix's worker: prepare → call → completed, each a
// type): transform (the endpoint's transformation, once per delivery) → prepare (sign the exact
// bytes, so after the transformation) → call (the destination's send, a port) → completed. A
// failed transformation is completed too, with nothing sent; so is a request refused the wire past
// its deadline (not sent: no attempt at all, see NotSentAttempt). No database here: the engine
// (src/worker) claims and records through the ports it passes in, the domain decides.
import { classify, type AttemptOutcome, type Classification, type Decision } from './classify.ts';
import type { SendResult } from './send.ts';
import { buildDeliveryHeaders, signatureHeaderNames, type SignatureHeaderConfig } from './sign.ts';
import type { Transformer } from './transform.ts';

/** What an attempt starts from (Svix's DispatchContext): one claimed delivery, in clear. */
export interface AttemptInput {
  deliveryId: string;
  eventId: string;
  eventType: string;
  attemptNumber: number;
  /** The event's envelope as published. */
  payload: string;
  /** The body the endpoint's transformation made, stored before the first attempt; null: none yet. */
  body: string | null;
  /** The headers it made; null: the endpoint's own. */
  transformedHeaders: Record<string, string> | null;
}

/** What the attempts of one endpoint share (one lane's slice holds it). */
export interface AttemptEndpoint {
  transformation: string | null;
  customHeaders: Record<string, string> | null;
  /** The endpoint's hex signature header; null: x-webhook-signature, SHA256_HEX. */
  signatureHeader: SignatureHeaderConfig | null;
  userAgent: string;
  /** The secrets live at a moment, the current one first. */
  secretsAt: (now: Date) => string[];
  /** The call step, bound to the endpoint's destination (destination.ts). */
  send: Send;
}

/** The call step's port: hands one prepared attempt to its destination. Never throws. */
export type Send = (prepared: PreparedAttempt) => Promise<SendResult>;

export interface AttemptPorts {
  now: () => Date;
  /** The transformations' sandbox, started on first use. */
  transformer: () => Promise<Pick<Transformer, 'run'>>;
  /** Stores what a transformation made and returns what is stored (a body stored meanwhile wins). */
  storeTransformed: (deliveryId: string, body: string, headers: Record<string, string>) => Promise<{ body: string; headers: Record<string, string> | null }>;
}

// ---------------------------------------------------------------------------------------------
// The steps' types.

/** The bytes and custom headers this attempt sends. */
export interface TransformedAttempt {
  kind: 'transformed';
  body: string;
  customHeaders: Record<string, string> | null;
}

export interface PreparedAttempt {
  /** Where a broker de-duplicates (JetStream's message id): every attempt of a delivery carries it. */
  deliveryId: string | null;
  attemptNumber: number;
  startedAt: Date;
  body: string;
  headers: Record<string, string>;
}

/** What an attempt row stores of the response (or of the failure). */
export interface AttemptResponse {
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
}

interface Completed {
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  /** What was sent; {} when nothing was. */
  requestHeaders: Record<string, string>;
  response: AttemptResponse;
}

/** Sent and classified. */
export interface CalledAttempt extends Completed {
  kind: 'called';
  outcome: AttemptOutcome;
  result: SendResult;
  classification: Classification;
  finishedAt: Date;
}

/** The transformation failed: nothing was sent, and the delivery fails (it would fail the same way again). */
export interface TransformFailedAttempt extends Completed {
  kind: 'transform failed';
  outcome: 'TRANSFORM_FAILED';
}

/**
 * The request never went on the wire: its deadline (its own timeout, or the lane's lease) passed
 * before it could be written. The receiver got nothing, so this is not an attempt: nothing is
 * recorded, the delivery stays as it was (due, its attempt number unused), and its lane is given
 * back as it is.
 */
export interface NotSentAttempt {
  kind: 'not sent';
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  error: string;
}

export type CompletedAttempt = CalledAttempt | TransformFailedAttempt | NotSentAttempt;

// ---------------------------------------------------------------------------------------------
// The pipeline.

export async function runAttempt(input: AttemptInput, endpoint: AttemptEndpoint, ports: AttemptPorts): Promise<CompletedAttempt> {
  const transformed = await transformAttempt(input, endpoint, ports);
  if (transformed.kind === 'transform failed') return transformed;
  const now = ports.now();
  const prepared = prepareAttempt({
    deliveryId: input.deliveryId,
    eventId: input.eventId,
    eventType: input.eventType,
    body: transformed.body,
    attemptNumber: input.attemptNumber,
    now,
    secrets: endpoint.secretsAt(now),
    userAgent: endpoint.userAgent,
    customHeaders: transformed.customHeaders,
    signatureHeader: endpoint.signatureHeader,
  });
  return callAttempt(endpoint.send, prepared);
}

/**
 * Runs the endpoint's transformation when the delivery has none stored yet, and stores its result
 * so every attempt sends the same bytes; otherwise the stored body (or the envelope) as it is.
 */
export async function transformAttempt(
  input: AttemptInput,
  endpoint: AttemptEndpoint,
  ports: AttemptPorts,
): Promise<TransformedAttempt | TransformFailedAttempt> {
  if (endpoint.transformation === null || input.body !== null) {
    return { kind: 'transformed', body: input.body ?? input.payload, customHeaders: input.transformedHeaders ?? endpoint.customHeaders };
  }
  const startedAt = ports.now();
  const began = performance.now();
  const transformer = await ports.transformer();
  const result = await transformer.run(
    endpoint.transformation,
    { eventType: input.eventType, eventId: input.eventId, payload: JSON.parse(input.payload), headers: { ...endpoint.customHeaders } },
    { reservedHeaders: signatureHeaderNames(endpoint.signatureHeader) },
  );
  if (result.kind === 'error') {
    const error = `transformation failed${result.line === null ? '' : ` at line ${result.line}`}: ${result.message}`;
    return {
      kind: 'transform failed',
      outcome: 'TRANSFORM_FAILED',
      attemptNumber: input.attemptNumber,
      startedAt,
      durationMs: Math.round(performance.now() - began),
      requestHeaders: {},
      response: { responseStatus: null, responseHeaders: null, responseBody: null, error },
    };
  }
  const stored = await ports.storeTransformed(input.deliveryId, result.body, result.headers);
  return { kind: 'transformed', body: stored.body, customHeaders: stored.headers };
}

export interface PrepareInput {
  deliveryId?: string | null;
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
  return { deliveryId: input.deliveryId ?? null, attemptNumber: input.attemptNumber, startedAt: input.now, body: input.body, headers };
}

export async function callAttempt(send: Send, prepared: PreparedAttempt): Promise<CalledAttempt | NotSentAttempt> {
  const result = await send(prepared);
  if (result.kind === 'not-sent') {
    return { kind: 'not sent', attemptNumber: prepared.attemptNumber, startedAt: prepared.startedAt, durationMs: result.durationMs, error: result.error };
  }
  const finishedAt = new Date(prepared.startedAt.getTime() + result.durationMs);
  const classification = classify(result, finishedAt);
  return {
    kind: 'called',
    outcome: classification.outcome,
    attemptNumber: prepared.attemptNumber,
    startedAt: prepared.startedAt,
    durationMs: result.durationMs,
    requestHeaders: prepared.headers,
    response: responseFields(result, classification.decision),
    result,
    classification,
    finishedAt,
  };
}

function responseFields(result: Exclude<SendResult, { kind: 'not-sent' }>, decision: Decision): AttemptResponse {
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
