// One slice of one lane: the attempts of one endpoint, at most its concurrencyLimit in flight (one
// at a time, oldest first, for an ordered endpoint), within its rate limit, for at most sliceMs of
// starting new ones. Then every attempt started is finished and recorded before the engine gives
// the lane back (engine.ts), so no other worker ever has this endpoint's attempts in flight at the
// same time. The slice's steps are the state machine of drainer-slice.ts; this file gives it its
// effects: the lane's statements, the worker's slots, and one attempt (traced, counted, recorded).
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
import { REDACTED, type Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { claimDue, claimHead, storeTransformed, type ClaimedDelivery, type ClaimedLane } from '../db/sql/lanes.ts';
import type { AttemptRecorder } from './recorder.ts';
import { startAttemptSpan } from '../tracing.ts';
import { LaneSlice, type Recording, type SliceEffects, type StopReason } from './drainer-slice.ts';
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

export interface LaneControl {
  /** Set when the endpoint is paused or disabled meanwhile: start nothing more. */
  halted: boolean;
  stopping(): boolean;
}

/** What giving the lane back needs to know of the slice (see releaseLane). */
export interface SliceEnd {
  stopped: StopReason;
  /** The rate limit's next window, when the slice ended on it. */
  notBefore: Date | null;
  rateWindowStart: Date | null;
  rateCount: number;
  attempts: number;
  ms: number;
}

/** Drains one slice: returns once every attempt it started is finished and recorded. */
export async function drainLane(deps: DrainDeps, lane: ClaimedLane, control: LaneControl): Promise<SliceEnd> {
  const began = performance.now();
  const rate = lane.rate_limit_per_second === null ? null : new RateWindow(lane.rate_window_start, lane.rate_count, lane.rate_limit_per_second);
  const limit = lane.ordered ? 1 : (lane.concurrency_limit ?? deps.settings.endpointConcurrency);
  const slice = new LaneSlice(
    laneEffects(deps, lane),
    { ordered: lane.ordered, limit, batch: lane.ordered ? 1 : Math.min(limit * 2, 200), sliceMs: deps.settings.sliceMs, held: lane.status !== 'ACTIVE', rate },
    control,
  );
  const result = await slice.run();
  if (result.failure) deps.logger.error(`lane of ${lane.endpoint_id}: slice ended early`, result.failure);
  return {
    stopped: result.stopped,
    notBefore: result.notBefore,
    rateWindowStart: rate?.start ?? lane.rate_window_start,
    rateCount: rate?.count ?? lane.rate_count,
    attempts: result.attempts,
    ms: Math.round(performance.now() - began),
  };
}

function laneEffects(deps: DrainDeps, lane: ClaimedLane): SliceEffects<ClaimedDelivery> {
  const attempts = new LaneAttempts(deps, lane);
  return {
    now: () => deps.clock.now(),
    monotonic: () => performance.now(),
    claim: (skip, count, now) =>
      lane.ordered ? claimHead(deps.pool, { endpointId: lane.endpoint_id, now }) : claimDue(deps.pool, { endpointId: lane.endpoint_id, now, skip, limit: count }),
    acquireSlot: () => deps.slots.acquire(),
    releaseSlot: () => deps.slots.release(),
    send: (delivery) => attempts.send(delivery),
  };
}

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

/** The attempts of one slice: what they share of the endpoint is opened once (it is stored sealed). */
class LaneAttempts {
  private readonly deps: DrainDeps;
  private readonly lane: ClaimedLane;
  private readonly customHeaders: Record<string, string> | null;
  private readonly secretsAt: (now: Date) => string[];
  private readonly signatureHeader: SignatureHeaderConfig | null;
  /** The endpoint's own header values by name: they may be credentials, so attempts store them redacted. */
  private readonly secretHeaderValues: Map<string, string>;

  constructor(deps: DrainDeps, lane: ClaimedLane) {
    this.deps = deps;
    this.lane = lane;
    this.customHeaders = openHeaders(deps.sealer, lane.headers);
    this.secretHeaderValues = new Map(Object.entries(this.customHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    // Opened on first use and kept for the slice; which ones are live is decided per attempt.
    this.signatureHeader = lane.signature_header as SignatureHeaderConfig | null;
    this.secretsAt = signingSecrets({ signingSecret: lane.signing_secret, retiredSecrets: lane.retired_secrets as Prisma.JsonValue }, deps.sealer);
  }

  /** One attempt, in a span (webhook.attempt when tracing is on; a no-op otherwise). */
  async send(delivery: ClaimedDelivery): Promise<Recording> {
    const trigger: Trigger = delivery.manual_retry ? 'MANUAL' : 'SCHEDULED';
    const span = startAttemptSpan({
      endpointId: this.lane.endpoint_id,
      deliveryId: delivery.id,
      attemptNumber: delivery.attempt_count + 1,
      eventType: delivery.event_type,
      trigger,
    });
    let result: Sent | NotSent;
    try {
      result = await this.call(delivery);
    } catch (error) {
      span.end({ outcome: 'ERROR', error: String(error) });
      throw error;
    }
    const record = result.kind === 'sent' ? this.sentRecord(delivery, trigger, result) : this.notSentRecord(delivery, trigger, result);
    span.end({ outcome: record.outcome, statusCode: record.responseStatus, willRetry: record.settlement.willRetry, durationMs: record.durationMs, error: record.error });
    if (result.kind === 'sent') {
      const { outcome } = result.completed.classification;
      this.deps.metrics?.attempts.inc({ outcome });
      this.deps.metrics?.attemptDuration.observe({ outcome }, result.completed.result.durationMs / 1000);
    } else this.deps.metrics?.attempts.inc({ outcome: record.outcome });
    const { recorder, clock } = this.deps;
    if (record.settlement.effect.kind === 'none') return { effect: false, record: () => recorder.record(record) };
    const endpoint = { id: this.lane.endpoint_id, accountId: this.lane.account_id, url: this.lane.url };
    return { effect: true, record: () => recorder.recordWithEffect(record, endpoint, () => clock.now()) };
  }

  /**
   * Everything up to the response: the endpoint's transformation first when the delivery has not
   * been transformed yet (its result is stored, so every attempt sends the same bytes; a failure
   * sends nothing), then signing and sending.
   */
  private async call(delivery: ClaimedDelivery): Promise<Sent | NotSent> {
    const { deps, lane } = this;
    let body = delivery.body ?? delivery.payload;
    // A transformation's headers are stored sealed: it may have passed on the endpoint's own.
    let customHeaders = delivery.transformed_headers ? openHeaders(deps.sealer, delivery.transformed_headers) : this.customHeaders;
    if (lane.transformation !== null && delivery.body === null) {
      const startedAt = deps.clock.now();
      const began = performance.now();
      const transformer = await deps.transformer();
      const result = await transformer.run(
        lane.transformation,
        { eventType: delivery.event_type, eventId: delivery.event_id, payload: JSON.parse(delivery.payload), headers: { ...this.customHeaders } },
        { reservedHeaders: signatureHeaderNames(this.signatureHeader) },
      );
      if (result.kind === 'error') {
        const error = `transformation failed${result.line === null ? '' : ` at line ${result.line}`}: ${result.message}`;
        return { kind: 'not sent', startedAt, durationMs: Math.round(performance.now() - began), error };
      }
      const stored = await storeTransformed(deps.pool, { deliveryId: delivery.id, body: result.body, headers: sealHeaders(deps.sealer, result.headers)! });
      body = stored.body;
      customHeaders = openHeaders(deps.sealer, stored.headers);
    }
    const now = deps.clock.now();
    const prepared = prepareAttempt({
      eventId: delivery.event_id,
      eventType: delivery.event_type,
      body,
      attemptNumber: delivery.attempt_count + 1,
      now,
      secrets: this.secretsAt(now),
      userAgent: deps.settings.userAgent,
      customHeaders,
      signatureHeader: this.signatureHeader,
    });
    return { kind: 'sent', prepared, completed: await callAttempt(deps.dispatcher, prepared, { url: lane.url, timeoutMs: lane.timeout_ms }) };
  }

  private sentRecord(delivery: ClaimedDelivery, trigger: Trigger, { prepared, completed }: Sent): AttemptRecord {
    return {
      id: newId('DeliveryAttempt'),
      deliveryId: delivery.id,
      attemptNumber: prepared.attemptNumber,
      trigger,
      outcome: completed.classification.outcome,
      startedAt: prepared.startedAt,
      durationMs: completed.result.durationMs,
      requestHeaders: this.redacted(prepared.headers),
      ...completed.response,
      settlement: settle({
        classification: completed.classification,
        trigger,
        scheduledAttemptNumber: delivery.attempt_count - delivery.manual_attempts + 1,
        schedule: this.lane.retry_schedule ?? this.deps.settings.retrySchedule,
        resumeScheduleAt: delivery.resume_schedule_at,
        finishedAt: completed.finishedAt,
        random: this.deps.random,
      }),
    };
  }

  /** A transformation that fails fails its delivery: it would fail the same way on every retry. */
  private notSentRecord(delivery: ClaimedDelivery, trigger: Trigger, result: NotSent): AttemptRecord {
    return {
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
    };
  }

  /** Only the values that came from the endpoint's own headers: Hookwire's own headers win over same-named ones. */
  private redacted(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, this.secretHeaderValues.get(name.toLowerCase()) === value ? REDACTED : value]),
    );
  }
}
