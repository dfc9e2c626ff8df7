// One slice of one lane: the attempts of one endpoint, at most its concurrencyLimit in flight (one
// at a time, oldest first, for an ordered endpoint), within its rate limit, for at most sliceMs of
// starting new ones. Then every attempt started is finished and recorded before the engine gives
// the lane back (engine.ts), so no other worker ever has this endpoint's attempts in flight at the
// same time.
import type pg from 'pg';
import type { Dispatcher } from 'undici';
import { callAttempt, prepareAttempt, type CompletedAttempt, type PreparedAttempt } from '../delivery/attempt.ts';
import { signatureHeaderNames, type SignatureHeaderConfig } from '../delivery/sign.ts';
import type { Transformer } from '../delivery/transform.ts';
import { settle, type AttemptRecord, type Trigger } from '../domain/attempts.ts';
import type { Clock } from '../domain/clock.ts';
import { openHeaders, sealHeaders, signingSecrets } from '../domain/endpoints.ts';
import type { Sealer } from '../db/sealer.ts';
import { RateWindow } from '../domain/rate-limit.ts';
import { newId } from '../db/ids.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { claimDue, claimHead, storeTransformed, type ClaimedDelivery, type ClaimedLane } from '../db/sql/lanes.ts';
import type { AttemptRecorder } from './recorder.ts';
import { startAttemptSpan } from '../tracing.ts';
import type { Semaphore } from './semaphore.ts';

export interface DrainDeps {
  pool: pg.Pool;
  dispatcher: Dispatcher;
  clock: Clock;
  recorder: AttemptRecorder;
  /** The worker's budget of attempts in flight, shared by all its lanes. */
  slots: Semaphore;
  logger: Logger;
  metrics?: Metrics;
  /** In [0, 1): the retry jitter; injected so tests can pin it. */
  random?: () => number;
  /** The transformations' sandbox, started on first use. */
  transformer: () => Promise<Transformer>;
  sealer: Sealer;
  settings: {
    workerId: string;
    userAgent: string;
    retrySchedule: readonly number[];
    endpointConcurrency: number;
    sliceMs: number;
  };
}

/** What a stored attempt shows instead of a custom header's value. */
export const REDACTED = '[redacted]';

interface Sent {
  kind: 'sent';
  prepared: PreparedAttempt;
  completed: CompletedAttempt;
}

interface NotSent {
  kind: 'not sent';
  startedAt: Date;
  durationMs: number;
  error: string;
}

export interface LaneControl {
  /** Set when the endpoint is paused or disabled meanwhile: start nothing more. */
  halted: boolean;
  stopping(): boolean;
}

/** What giving the lane back needs to know of the slice (see releaseLane). */
export interface SliceEnd {
  /** The rate limit's next window, when the slice ended on it. */
  notBefore: Date | null;
  rateWindowStart: Date | null;
  rateCount: number;
  attempts: number;
  ms: number;
}

/** Drains one slice: returns once every attempt it started is finished and recorded. */
export async function drainLane(deps: DrainDeps, lane: ClaimedLane, control: LaneControl): Promise<SliceEnd> {
  const { clock, settings, pool } = deps;
  const endpoint = { id: lane.endpoint_id, accountId: lane.account_id, url: lane.url };
  const limit = lane.ordered ? 1 : (lane.concurrency_limit ?? settings.endpointConcurrency);
  const batch = lane.ordered ? 1 : Math.min(limit * 2, 200);
  const sliceStarted = performance.now();
  const sliceEnds = sliceStarted + settings.sliceMs;
  let started = 0;
  const rate = lane.rate_limit_per_second === null ? null : new RateWindow(lane.rate_window_start, lane.rate_count, lane.rate_limit_per_second);
  const schedule = lane.retry_schedule ?? settings.retrySchedule;

  // Opened once per slice (the stored values are sealed, db/sealer.ts); which are live is decided per attempt.
  const secretsAt = signingSecrets({ signingSecret: lane.signing_secret, retiredSecrets: lane.retired_secrets as Prisma.JsonValue }, deps.sealer);
  const endpointHeaders = openHeaders(deps.sealer, lane.headers);
  const signatureHeader = lane.signature_header as SignatureHeaderConfig | null;
  // What an attempt stores of the request: the endpoint's own header values may be credentials.
  // Only the values that came from them are hidden: Hookwire's own headers win over same-named ones.
  const secretHeaderValues = new Map(Object.entries(endpointHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const redacted = (headers: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, secretHeaderValues.get(name.toLowerCase()) === value ? REDACTED : value]),
    );
  /** Claimed in this slice and not yet recorded: never claimed twice. */
  const mine = new Set<string>();
  const sending = new Set<Promise<unknown>>();
  const finishing = new Set<Promise<void>>();
  let buffer: ClaimedDelivery[] = [];
  let claimedAll = false;
  let notBefore: Date | null = null;
  /** Changed by the attempts as they finish. */
  const state: { held: boolean; effect: Promise<unknown> | null; failure: unknown } = {
    held: lane.status !== 'ACTIVE',
    effect: null,
    failure: null,
  };

  /**
   * Everything up to the response: the endpoint's transformation first when the delivery has not
   * been transformed yet (its result is stored, so every attempt sends the same bytes; a failure
   * sends nothing), then signing and sending. Frees its slot of the worker's budget when done.
   */
  const send = async (delivery: ClaimedDelivery): Promise<Sent | NotSent> => {
    try {
      let body = delivery.body ?? delivery.payload;
      // A transformation's headers are stored sealed: it may have passed on the endpoint's own.
      let customHeaders = delivery.transformed_headers ? openHeaders(deps.sealer, delivery.transformed_headers) : endpointHeaders;
      if (lane.transformation !== null && delivery.body === null) {
        const startedAt = clock.now();
        const began = performance.now();
        const transformer = await deps.transformer();
        const result = await transformer.run(
          lane.transformation,
          { eventType: delivery.event_type, eventId: delivery.event_id, payload: JSON.parse(delivery.payload), headers: { ...endpointHeaders } },
          { reservedHeaders: signatureHeaderNames(signatureHeader) },
        );
        if (result.kind === 'error') {
          const error = `transformation failed${result.line === null ? '' : ` at line ${result.line}`}: ${result.message}`;
          return { kind: 'not sent', startedAt, durationMs: Math.round(performance.now() - began), error };
        }
        const stored = await storeTransformed(pool, { deliveryId: delivery.id, body: result.body, headers: sealHeaders(deps.sealer, result.headers)! });
        body = stored.body;
        customHeaders = openHeaders(deps.sealer, stored.headers);
      }
      const now = clock.now();
      const secrets = secretsAt(now);
      const prepared = prepareAttempt({
        eventId: delivery.event_id,
        eventType: delivery.event_type,
        body,
        attemptNumber: delivery.attempt_count + 1,
        now,
        secrets,
        userAgent: settings.userAgent,
        customHeaders,
        signatureHeader,
      });
      return { kind: 'sent', prepared, completed: await callAttempt(deps.dispatcher, prepared, { url: lane.url, timeoutMs: lane.timeout_ms }) };
    } finally {
      deps.slots.release();
    }
  };

  const attempt = (delivery: ClaimedDelivery): Promise<void> => {
    const trigger: Trigger = delivery.manual_retry ? 'MANUAL' : 'SCHEDULED';
    // A span per attempt (webhook.attempt) when tracing is on; a no-op otherwise.
    const span = startAttemptSpan({
      endpointId: endpoint.id,
      deliveryId: delivery.id,
      attemptNumber: delivery.attempt_count + 1,
      eventType: delivery.event_type,
      trigger,
    });
    const call = send(delivery);
    sending.add(call);
    void call.finally(() => sending.delete(call)).catch(() => {});
    const done = (async () => {
      const result = await call.catch((error: unknown) => {
        span.end({ outcome: 'ERROR', error: String(error) });
        throw error;
      });
      const record = result.kind === 'sent' ? sentRecord(delivery, trigger, result) : notSentRecord(delivery, trigger, result);
      span.end({
        outcome: record.outcome,
        statusCode: record.responseStatus,
        willRetry: record.settlement.willRetry,
        durationMs: record.durationMs,
        error: record.error,
      });
      if (result.kind === 'sent') {
        const { outcome } = result.completed.classification;
        deps.metrics?.attempts.inc({ outcome });
        deps.metrics?.attemptDuration.observe({ outcome }, result.completed.result.durationMs / 1000);
      } else deps.metrics?.attempts.inc({ outcome: record.outcome });
      if (record.settlement.effect.kind === 'none') {
        await deps.recorder.record(record);
      } else {
        // Nothing more starts until the endpoint's fate is known: a 410 or an exhaustion may hold it.
        const effectDone = deps.recorder.recordWithEffect(record, endpoint, () => clock.now()).then((recorded) => {
          if (recorded?.held) state.held = true;
        });
        state.effect = effectDone;
        await effectDone.finally(() => {
          if (state.effect === effectDone) state.effect = null;
        });
      }
      mine.delete(delivery.id);
    })().catch((error: unknown) => {
      state.failure ??= error;
    });
    finishing.add(done);
    void done.finally(() => finishing.delete(done));
    return done;
  };

  const sentRecord = (delivery: ClaimedDelivery, trigger: Trigger, { prepared, completed }: Sent): AttemptRecord => ({
    id: newId('DeliveryAttempt'),
    deliveryId: delivery.id,
    attemptNumber: prepared.attemptNumber,
    trigger,
    outcome: completed.classification.outcome,
    startedAt: prepared.startedAt,
    durationMs: completed.result.durationMs,
    requestHeaders: redacted(prepared.headers),
    ...completed.response,
    settlement: settle({
      classification: completed.classification,
      trigger,
      scheduledAttemptNumber: delivery.attempt_count - delivery.manual_attempts + 1,
      schedule,
      resumeScheduleAt: delivery.resume_schedule_at,
      finishedAt: completed.finishedAt,
      random: deps.random,
    }),
  });

  /** A transformation that fails fails its delivery: it would fail the same way on every retry. */
  const notSentRecord = (delivery: ClaimedDelivery, trigger: Trigger, result: NotSent): AttemptRecord => ({
    id: newId('DeliveryAttempt'),
    deliveryId: delivery.id,
    attemptNumber: delivery.attempt_count + 1,
    trigger,
    outcome: 'TRANSFORM_FAILED',
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    requestHeaders: {},
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    error: result.error,
    settlement: { status: 'FAILED', nextAttemptAt: null, willRetry: false, effect: { kind: 'none' } },
  });

  const going = () => !state.held && !control.halted && !control.stopping() && state.failure === null;
  try {
    while (going()) {
      if (state.effect) {
        await state.effect.catch(() => {});
        continue;
      }
      if (sending.size >= limit) {
        await Promise.race(sending).catch(() => {});
        continue;
      }
      if (performance.now() >= sliceEnds) break;
      if (buffer.length === 0) {
        if (claimedAll) break;
        const now = clock.now();
        buffer = lane.ordered
          ? await claimHead(pool, { endpointId: endpoint.id, now })
          : await claimDue(pool, { endpointId: endpoint.id, now, skip: [...mine], limit: batch });
        claimedAll = buffer.length < batch;
        if (buffer.length === 0) break;
      }
      if (rate) {
        notBefore = rate.take(clock.now());
        if (notBefore) break;
      }
      await deps.slots.acquire();
      if (!going()) {
        deps.slots.release();
        break;
      }
      const delivery = buffer.shift()!;
      mine.add(delivery.id);
      started++;
      const done = attempt(delivery);
      // An ordered endpoint's next delivery waits until this one has SUCCEEDED or FAILED, recorded.
      if (lane.ordered) {
        await done;
        claimedAll = false;
      }
    }
  } catch (error) {
    state.failure ??= error;
  } finally {
    while (finishing.size > 0) await Promise.allSettled([...finishing]);
    if (state.failure) deps.logger.error(`lane of ${endpoint.id}: slice ended early`, state.failure);
  }
  return {
    notBefore,
    rateWindowStart: rate?.start ?? lane.rate_window_start,
    rateCount: rate?.count ?? lane.rate_count,
    attempts: started,
    ms: Math.round(performance.now() - sliceStarted),
  };
}
