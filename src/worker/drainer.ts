// One slice of one lane: the attempts of one endpoint, at most its concurrencyLimit in flight (one
// at a time, oldest first, for an ordered endpoint), within its rate limit, for at most sliceMs of
// starting new ones. Then every attempt started is finished and recorded before the engine gives
// the lane back (engine.ts), so no other worker ever has this endpoint's attempts in flight at the
// same time. The slice's steps are the state machine of drainer-slice.ts; this file gives it its
// effects: the lane's statements, the worker's slots, and one attempt (delivery/attempt.ts's
// pipeline, traced, counted and recorded).
import type pg from 'pg';
import type { Dispatcher } from 'undici';
import { runAttempt, type AttemptEndpoint, type AttemptInput, type AttemptPorts, type CompletedAttempt } from '../delivery/attempt.ts';
import { sendFor, type Destination } from '../delivery/destination.ts';
import type { BrokerDestination } from '../delivery/brokers/destination.ts';
import type { BrokerPool } from '../delivery/brokers/pool.ts';
import type { SignatureHeaderConfig } from '../delivery/sign.ts';
import type { Transformer } from '../delivery/transform.ts';
import { settle, type AttemptRecord, type Settlement, type Trigger } from '../domain/attempts.ts';
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
  /** The worker's broker connections, one per broker URL (closed when the worker stops). */
  brokers: Pick<BrokerPool, 'send'>;
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
  /** Set when the endpoint is paused or disabled meanwhile, or the lane was lost: start nothing more. */
  halted: boolean;
  stopping(): boolean;
  /** When the lease as last claimed or renewed runs out (the worker's clock, ms). */
  leaseUntil: number;
  /** The lane's fencing token as this worker holds it (see src/db/sql/lanes.ts): its records carry it. */
  token: string;
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

/** The endpoint's concurrency limit in a slice (1 when ordered). */
function sliceLimit(lane: ClaimedLane, endpointConcurrency: number): number {
  return lane.ordered ? 1 : (lane.concurrency_limit ?? endpointConcurrency);
}

/** How many deliveries one claim of the slice asks for (the engine's first claim for many lanes asks the same). */
export function sliceBatch(lane: ClaimedLane, endpointConcurrency: number): number {
  return lane.ordered ? 1 : Math.min(sliceLimit(lane, endpointConcurrency) * 2, 200);
}

/**
 * Drains one slice: returns once every attempt it started is finished and recorded. `first`: the
 * lane's first claim, made already for many lanes at once (claimDueLanes, asked for sliceBatch).
 */
export async function drainLane(deps: DrainDeps, lane: ClaimedLane, control: LaneControl, first?: ClaimedDelivery[]): Promise<SliceEnd> {
  const began = performance.now();
  const rate = lane.rate_limit_per_second === null ? null : new RateWindow(lane.rate_window_start, lane.rate_count, lane.rate_limit_per_second);
  const limit = sliceLimit(lane, deps.settings.endpointConcurrency);
  const slice = new LaneSlice(
    laneEffects(deps, lane, control, first),
    { ordered: lane.ordered, limit, batch: sliceBatch(lane, deps.settings.endpointConcurrency), sliceMs: deps.settings.sliceMs, held: lane.status !== 'ACTIVE', rate },
    {
      get halted() {
        return control.halted;
      },
      stopping: () => control.stopping(),
      // An attempt started now ends (its timeout) before the lease runs out, renewed or not.
      leaseCovers: () => control.leaseUntil - deps.clock.now().getTime() > lane.timeout_ms,
      lapsed: () => control.leaseUntil <= deps.clock.now().getTime(),
    },
  );
  const result = await slice.run();
  if (result.failure instanceof NotSent) {
    deps.logger.warn(`lane of ${lane.endpoint_id}: slice ended early, a request was not sent (${result.failure.message}); its delivery stays due`);
  } else if (result.failure) deps.logger.error(`lane of ${lane.endpoint_id}: slice ended early`, result.failure);
  return {
    stopped: result.stopped,
    notBefore: result.notBefore,
    rateWindowStart: rate?.start ?? lane.rate_window_start,
    rateCount: rate?.count ?? lane.rate_count,
    attempts: result.attempts,
    ms: Math.round(performance.now() - began),
  };
}

function laneEffects(deps: DrainDeps, lane: ClaimedLane, control: LaneControl, first?: ClaimedDelivery[]): SliceEffects<ClaimedDelivery> {
  const attempts = new LaneAttempts(deps, lane, control);
  let prefetched = first;
  return {
    now: () => deps.clock.now(),
    monotonic: () => performance.now(),
    claim: (skip, count, now) => {
      // The slice's first claim, made with the lane's: nothing is in flight yet, so nothing to skip.
      if (prefetched && skip.length === 0) {
        const due = prefetched.slice(0, count);
        prefetched = undefined;
        return Promise.resolve(due);
      }
      prefetched = undefined;
      return lane.ordered ? claimHead(deps.pool, { endpointId: lane.endpoint_id, now }) : claimDue(deps.pool, { endpointId: lane.endpoint_id, now, skip, limit: count });
    },
    acquireSlot: () => deps.slots.acquire(),
    releaseSlot: () => deps.slots.release(),
    send: (delivery) => attempts.send(delivery),
  };
}

/** Where the lane's attempts go; a broker URL is opened from its seal here, for this slice only. */
function destinationOf(lane: ClaimedLane, sealer: Sealer): Destination {
  switch (lane.destination_kind) {
    case 'HTTP':
      return { kind: 'http', url: lane.url, timeoutMs: lane.timeout_ms };
    case 'RABBITMQ':
      return broker(lane, sealer, { kind: 'RABBITMQ', exchange: lane.exchange ?? '', routingKey: lane.routing_key });
    case 'NATS':
      return broker(lane, sealer, { kind: 'NATS', subject: lane.subject ?? '' });
    case 'REDIS_STREAM':
      return broker(lane, sealer, { kind: 'REDIS_STREAM', stream: lane.stream ?? '' });
  }
}

function broker(lane: ClaimedLane, sealer: Sealer, destination: BrokerDestination): Destination {
  return { kind: 'broker', url: sealer.open(lane.broker_url!), destination, timeoutMs: lane.timeout_ms };
}

/** An attempt's request was refused the wire (see NotSentAttempt): it ends the slice, and is no attempt. */
export class NotSent extends Error {
  override name = 'NotSent';
  constructor(deliveryId: string, reason: string) {
    super(`delivery ${deliveryId}: ${reason}`);
  }
}

/** A transformation that fails fails its delivery: it would fail the same way on every retry. */
const TRANSFORM_FAILED: Settlement = { status: 'FAILED', nextAttemptAt: null, willRetry: false, effect: { kind: 'none' } };

/** The attempts of one slice: what they share of the endpoint is opened once (it is stored sealed). */
class LaneAttempts {
  private readonly deps: DrainDeps;
  private readonly lane: ClaimedLane;
  private readonly control: LaneControl;
  private readonly endpoint: AttemptEndpoint;
  private readonly ports: AttemptPorts;
  /** The endpoint's own header values by name: they may be credentials, so attempts store them redacted. */
  private readonly secretHeaderValues: Map<string, string>;

  constructor(deps: DrainDeps, lane: ClaimedLane, control: LaneControl) {
    this.deps = deps;
    this.lane = lane;
    this.control = control;
    const { sealer } = deps;
    const customHeaders = openHeaders(sealer, lane.headers);
    this.secretHeaderValues = new Map(Object.entries(customHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    this.endpoint = {
      transformation: lane.transformation,
      customHeaders,
      signatureHeader: lane.signature_header as SignatureHeaderConfig | null,
      userAgent: deps.settings.userAgent,
      // Opened on first use and kept for the slice; which ones are live is decided per attempt.
      secretsAt: signingSecrets({ signingSecret: lane.signing_secret, retiredSecrets: lane.retired_secrets as Prisma.JsonValue }, sealer),
      // Nothing goes on the wire once the lease has run out by this worker's clock (a frozen
      // worker waking up): the lane may be another worker's by then.
      send: sendFor(destinationOf(lane, sealer), { dispatcher: deps.dispatcher, brokers: deps.brokers }, () => control.leaseUntil > deps.clock.now().getTime()),
    };
    this.ports = {
      now: () => deps.clock.now(),
      transformer: deps.transformer,
      // A transformation's headers are stored sealed: it may have passed on the endpoint's own.
      storeTransformed: async (deliveryId, body, headers) => {
        const stored = await storeTransformed(deps.pool, { deliveryId, body, headers: sealHeaders(sealer, headers)! });
        return { body: stored.body, headers: openHeaders(sealer, stored.headers) };
      },
    };
  }

  /** One attempt through the pipeline, in a span (webhook.attempt when tracing is on; a no-op otherwise). */
  async send(delivery: ClaimedDelivery): Promise<Recording> {
    const trigger: Trigger = delivery.manual_retry ? 'MANUAL' : 'SCHEDULED';
    const span = startAttemptSpan({
      endpointId: this.lane.endpoint_id,
      deliveryId: delivery.id,
      attemptNumber: delivery.attempt_count + 1,
      eventType: delivery.event_type,
      trigger,
    });
    let completed: CompletedAttempt;
    try {
      completed = await runAttempt(this.input(delivery), this.endpoint, this.ports);
    } catch (error) {
      span.end({ outcome: 'ERROR', error: String(error) });
      throw error;
    }
    if (completed.kind === 'not sent') {
      // No attempt: the receiver got nothing. The delivery stays as it is (due, its attempt number
      // unused) and the slice ends, the lane given back as it is (or found taken over).
      span.end({ outcome: 'NOT_SENT', error: completed.error });
      throw new NotSent(delivery.id, completed.error);
    }
    const record = this.record(delivery, trigger, completed);
    span.end({ outcome: record.outcome, statusCode: record.responseStatus, willRetry: record.settlement.willRetry, durationMs: record.durationMs, error: record.error });
    this.deps.metrics?.attempts.inc({ outcome: completed.outcome });
    if (completed.kind === 'called') this.deps.metrics?.attemptDuration.observe({ outcome: completed.outcome }, completed.durationMs / 1000);
    const { recorder, clock } = this.deps;
    if (record.settlement.effect.kind === 'none') return { effect: false, record: () => recorder.record(record) };
    const endpoint = { id: this.lane.endpoint_id, accountId: this.lane.account_id, url: this.lane.url };
    return { effect: true, record: () => recorder.recordWithEffect(record, endpoint, () => clock.now()) };
  }

  private input(delivery: ClaimedDelivery): AttemptInput {
    return {
      deliveryId: delivery.id,
      eventId: delivery.event_id,
      eventType: delivery.event_type,
      attemptNumber: delivery.attempt_count + 1,
      payload: delivery.payload,
      body: delivery.body,
      transformedHeaders: openHeaders(this.deps.sealer, delivery.transformed_headers),
    };
  }

  private record(delivery: ClaimedDelivery, trigger: Trigger, completed: Exclude<CompletedAttempt, { kind: 'not sent' }>): AttemptRecord {
    return {
      id: newId('DeliveryAttempt'),
      deliveryId: delivery.id,
      attemptNumber: completed.attemptNumber,
      trigger,
      outcome: completed.outcome,
      startedAt: completed.startedAt,
      durationMs: completed.durationMs,
      requestHeaders: this.redacted(completed.requestHeaders),
      ...completed.response,
      // As held when the response came: a stale one records the attempt as history only.
      leaseToken: this.control.token,
      settlement:
        completed.kind === 'transform failed'
          ? TRANSFORM_FAILED
          : settle({
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

  /** Only the values that came from the endpoint's own headers: Hookwire's own headers win over same-named ones. */
  private redacted(headers: Record<string, string>): Record<string, string> {
    // No headers of its own (the usual endpoint): nothing to redact, and the sent headers are not
    // changed after the send, so they are recorded as they are.
    if (this.secretHeaderValues.size === 0) return headers;
    const out: Record<string, string> = {};
    for (const name in headers) {
      const value = headers[name]!;
      out[name] = this.secretHeaderValues.get(name.toLowerCase()) === value ? REDACTED : value;
    }
    return out;
  }
}
