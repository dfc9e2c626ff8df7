// What an attempt's outcome does to its delivery and endpoint (the policy), and how attempts are
// recorded: many in one statement (the delivery's new state, the attempt row, the endpoint's last
// success and the NOTIFY subscriptions hear), or one at a time in a transaction with the
// endpoint's status change and operational events when the outcome disables or exhausts.
import type { Db } from '../db/client.ts';
import type { Classification } from '../delivery/classify.ts';
import { nextRetryDelayMs } from '../delivery/schedule.ts';
import { transactionSql, type Sql, type Statement } from '../db/sql.ts';
import type { DeliveryExhaustedEventData, EndpointFailingEventData, EndpointRecoveredEventData, EndpointStatusEventData } from './catalog.ts';
import { holdEndpoint } from './endpoints.ts';
import { publish, publishOperationalEvent, type OperationalEventType } from './events.ts';
import { CHANNELS } from './notify.ts';
import type { DeliveryQueue } from './queue.ts';

/** Why an attempt ran: the delivery's schedule, or a person (retryDelivery, recoverFailedDeliveries). */
export type Trigger = 'SCHEDULED' | 'MANUAL';

export type Effect = { kind: 'none' } | { kind: 'disable'; reason: string } | { kind: 'exhausted' };

export interface Settlement {
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  nextAttemptAt: Date | null;
  willRetry: boolean;
  effect: Effect;
}

export interface SettleInput {
  classification: Classification;
  trigger: Trigger;
  /** The number of this attempt among those the schedule made (manual ones do not count). */
  scheduledAttemptNumber: number;
  schedule: readonly number[];
  /** A manual attempt on a pending delivery: when its schedule was next due. */
  resumeScheduleAt: Date | null;
  finishedAt: Date;
  random?: () => number;
}

/**
 * The delivery's state after an attempt. A manual attempt either succeeds or leaves the delivery
 * where its schedule had it (pending at the same time, or failed): it never exhausts, disables,
 * pauses, or moves the schedule on.
 */
export function settle(input: SettleInput): Settlement {
  const { decision } = input.classification;
  const none: Effect = { kind: 'none' };
  if (decision.kind === 'success') return { status: 'SUCCEEDED', nextAttemptAt: null, willRetry: false, effect: none };
  if (input.trigger === 'MANUAL') {
    return input.resumeScheduleAt
      ? { status: 'PENDING', nextAttemptAt: input.resumeScheduleAt, willRetry: true, effect: none }
      : { status: 'FAILED', nextAttemptAt: null, willRetry: false, effect: none };
  }
  switch (decision.kind) {
    case 'fail':
      return { status: 'FAILED', nextAttemptAt: null, willRetry: false, effect: none };
    case 'disable':
      return { status: 'FAILED', nextAttemptAt: null, willRetry: false, effect: { kind: 'disable', reason: decision.reason } };
    case 'retry': {
      const delay = nextRetryDelayMs({
        schedule: input.schedule,
        attemptNumber: input.scheduledAttemptNumber,
        retryAfterSeconds: decision.retryAfterSeconds,
        random: input.random,
      });
      if (delay === null) return { status: 'FAILED', nextAttemptAt: null, willRetry: false, effect: { kind: 'exhausted' } };
      return { status: 'PENDING', nextAttemptAt: new Date(input.finishedAt.getTime() + delay), willRetry: true, effect: none };
    }
  }
}

/** One attempt as stored, with the delivery's state after it. */
export interface AttemptRecord {
  id: string;
  deliveryId: string;
  attemptNumber: number;
  trigger: Trigger;
  outcome: Classification['outcome'] | 'TRANSFORM_FAILED';
  startedAt: Date;
  durationMs: number;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  settlement: Settlement;
}

export interface RecordedDelivery {
  id: string;
  accountId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attemptCount: number;
  firstAttemptAt: Date;
}

/** Notices per NOTIFY: each is ~200 bytes, a payload may hold 8,000. */
const NOTICES_PER_NOTIFY = 25;

/** The run of failures after the batch: it goes on (no success in the batch) or restarts after the batch's last success. */
const RUN = '((CASE WHEN h.ok_at IS NULL THEN e.consecutive_failures ELSE 0 END) + h.failures)';

/**
 * Records a batch in one statement. Rows are locked in id order (as bulk updates elsewhere lock
 * them), and an attempt is recorded only if its delivery still expects it (attempt_count one
 * below): a delivery deleted meanwhile, or an attempt recorded already by another worker after a
 * lease ran out, is skipped. Returns the deliveries recorded.
 */
export const RECORD_ATTEMPTS: Statement = {
  name: 'hookwire_record_attempts',
  text: `
    WITH r AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::attempt_trigger[], $5::attempt_outcome[], $6::timestamptz[],
                           $7::int[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::boolean[],
                           $14::delivery_status[], $15::timestamptz[]) WITH ORDINALITY
        AS r(id, delivery_id, attempt_number, trigger, outcome, started_at, duration_ms, request_headers, response_status,
             response_headers, response_body, error, will_retry, status, next_attempt_at, ord)
    ), locked AS MATERIALIZED (
      SELECT id FROM delivery WHERE id = ANY($2::text[]) ORDER BY id FOR UPDATE
    ), d AS (
      UPDATE delivery SET
        attempt_count = r.attempt_number,
        manual_attempts = delivery.manual_attempts + (r.trigger = 'MANUAL')::int,
        first_attempt_at = COALESCE(delivery.first_attempt_at, r.started_at),
        status = r.status,
        next_attempt_at = r.next_attempt_at,
        completed_at = CASE WHEN r.status = 'PENDING' THEN NULL ELSE r.started_at + r.duration_ms * interval '1 millisecond' END,
        manual_retry = false,
        resume_schedule_at = NULL
      FROM r
      WHERE delivery.id = r.delivery_id AND delivery.id IN (SELECT id FROM locked) AND delivery.attempt_count = r.attempt_number - 1
      RETURNING delivery.id, delivery.account_id, delivery.endpoint_id, delivery.event_id, delivery.event_type,
                delivery.attempt_count, delivery.first_attempt_at
    ), a AS (
      INSERT INTO delivery_attempt (id, delivery_id, attempt_number, trigger, outcome, started_at, duration_ms, request_headers,
                                    response_status, response_headers, response_body, error, will_retry)
      SELECT r.id, r.delivery_id, r.attempt_number, r.trigger, r.outcome, r.started_at, r.duration_ms, r.request_headers::jsonb,
             r.response_status, r.response_headers::jsonb, r.response_body, r.error, r.will_retry
      FROM r JOIN d ON d.id = r.delivery_id
      RETURNING id, delivery_id
    ), counted AS (
      -- What tells of the receiver's health: successes, and failures of scheduled attempts (a
      -- person's retry that fails, or the endpoint's own transformation failing, says nothing new).
      SELECT d.endpoint_id, r.ord, r.outcome, r.response_status, r.outcome = 'SUCCESS' AS ok, r.started_at + r.duration_ms * interval '1 millisecond' AS finished_at,
             max(r.ord) FILTER (WHERE r.outcome = 'SUCCESS') OVER (PARTITION BY d.endpoint_id) AS last_ok
      FROM r JOIN d ON d.id = r.delivery_id
      WHERE r.outcome = 'SUCCESS' OR (r.outcome <> 'TRANSFORM_FAILED' AND r.trigger = 'SCHEDULED')
    ), h AS (
      SELECT endpoint_id,
             max(finished_at) FILTER (WHERE ok) AS ok_at,
             count(*) FILTER (WHERE NOT ok AND ord > COALESCE(last_ok, 0))::int AS failures,
             min(finished_at) FILTER (WHERE NOT ok AND ord > COALESCE(last_ok, 0)) AS first_failure_at,
             max(finished_at) FILTER (WHERE NOT ok AND ord > COALESCE(last_ok, 0)) AS last_failure_at,
             (array_agg(outcome ORDER BY ord DESC) FILTER (WHERE NOT ok))[1] AS last_outcome,
             (array_agg(response_status ORDER BY ord DESC) FILTER (WHERE NOT ok))[1] AS last_response_status
      FROM counted GROUP BY endpoint_id
    ), health AS (
      -- Every SET expression reads the row as it is now (a concurrent batch's update included): the
      -- run of failures goes on (no success in the batch) or restarts after the batch's last
      -- success. endpoint.failing is due when a run reaches $16 (failing_notified_at set by this
      -- statement), endpoint.recovered when a success ends a run that was announced.
      UPDATE endpoint e SET
        last_success_at = CASE WHEN h.ok_at > COALESCE(e.last_success_at, '-infinity') THEN h.ok_at ELSE e.last_success_at END,
        consecutive_failures = ${RUN},
        failing_since = CASE WHEN h.failures = 0 THEN (CASE WHEN h.ok_at IS NULL THEN e.failing_since END)
                             WHEN h.ok_at IS NULL AND e.consecutive_failures > 0 THEN e.failing_since
                             ELSE h.first_failure_at END,
        failing_notified_at = CASE WHEN ${RUN} < $16::int THEN (CASE WHEN h.ok_at IS NULL THEN e.failing_notified_at END)
                                   ELSE COALESCE(CASE WHEN h.ok_at IS NULL THEN e.failing_notified_at END, h.last_failure_at) END,
        recovered_at = CASE WHEN h.ok_at IS NOT NULL AND e.failing_notified_at IS NOT NULL THEN h.ok_at ELSE e.recovered_at END
      FROM h
      WHERE e.id = h.endpoint_id
      RETURNING e.id, e.account_id, e.url, e.consecutive_failures, e.failing_since, e.failing_notified_at, e.recovered_at,
                h.ok_at, h.last_failure_at, h.last_outcome, h.last_response_status
    ), notices AS (
      SELECT pg_notify('${CHANNELS.attempt}', json_agg(n.notice)::text) AS sent
      FROM (SELECT json_build_object('accountId', d.account_id, 'attemptId', a.id, 'deliveryId', d.id,
                                     'endpointId', d.endpoint_id, 'eventType', d.event_type) AS notice,
                   (row_number() OVER () - 1) / ${NOTICES_PER_NOTIFY} AS chunk
            FROM a JOIN d ON d.id = a.delivery_id) n
      GROUP BY n.chunk
    )
    SELECT d.id, d.account_id, d.endpoint_id, d.event_id, d.event_type, d.attempt_count, d.first_attempt_at, t.transitions
    FROM d, (SELECT count(*) FROM notices) n,
         (SELECT json_agg(x ORDER BY x.at) AS transitions FROM (
            SELECT 'recovered' AS kind, id AS "endpointId", account_id AS "accountId", url, recovered_at AS at,
                   0 AS "consecutiveFailures", NULL::timestamptz AS "failingSince", NULL::text AS "lastOutcome", NULL::int AS "lastResponseStatus"
            FROM health WHERE recovered_at = ok_at
            UNION ALL
            SELECT 'failing', id, account_id, url, failing_notified_at, consecutive_failures, failing_since, last_outcome::text, last_response_status
            FROM health WHERE failing_notified_at = last_failure_at) x) t`,
};

export function recordValues(records: readonly AttemptRecord[], failingAfter: number): unknown[] {
  const column = <T>(pick: (r: AttemptRecord) => T) => records.map(pick);
  return [
    column((r) => r.id),
    column((r) => r.deliveryId),
    column((r) => r.attemptNumber),
    column((r) => r.trigger),
    column((r) => r.outcome),
    column((r) => r.startedAt.toISOString()),
    column((r) => r.durationMs),
    column((r) => JSON.stringify(r.requestHeaders)),
    column((r) => r.responseStatus),
    column((r) => (r.responseHeaders === null ? null : JSON.stringify(r.responseHeaders))),
    column((r) => r.responseBody),
    column((r) => r.error),
    column((r) => r.settlement.willRetry),
    column((r) => r.settlement.status),
    column((r) => r.settlement.nextAttemptAt?.toISOString() ?? null),
    failingAfter,
  ];
}

/** An endpoint whose health changed with a batch: endpoint.failing or endpoint.recovered is due. */
export interface HealthTransition {
  kind: 'failing' | 'recovered';
  endpointId: string;
  accountId: string;
  url: string;
  at: string;
  consecutiveFailures: number;
  failingSince: string | null;
  lastOutcome: Exclude<Classification['outcome'], 'SUCCESS'> | null;
  lastResponseStatus: number | null;
}

export function healthTransitions(rows: ReadonlyArray<{ transitions?: HealthTransition[] | null }>): HealthTransition[] {
  return rows[0]?.transitions ?? [];
}

/** The operational events the transitions announce, by account, each about its endpoint. */
export function healthEvents(transitions: readonly HealthTransition[]) {
  return transitions.map((t) => ({
    accountId: t.accountId,
    endpointId: t.endpointId,
    at: new Date(t.at),
    event:
      t.kind === 'failing'
        ? {
            type: 'endpoint.failing' as const,
            data: {
              endpointId: t.endpointId,
              url: t.url,
              consecutiveFailures: t.consecutiveFailures,
              failingSince: new Date(t.failingSince!).toISOString(),
              lastFailureAt: new Date(t.at).toISOString(),
              lastOutcome: t.lastOutcome,
              lastResponseStatus: t.lastResponseStatus,
            } satisfies EndpointFailingEventData,
          }
        : {
            type: 'endpoint.recovered' as const,
            data: { endpointId: t.endpointId, url: t.url, recoveredAt: new Date(t.at).toISOString() } satisfies EndpointRecoveredEventData,
          },
  }));
}

/**
 * Announces endpoint.failing / endpoint.recovered to the account's other subscribed endpoints,
 * one publish per transition (there are few: one per run of failures).
 */
export async function announceHealth(sql: Sql, queue: DeliveryQueue, transitions: readonly HealthTransition[]): Promise<void> {
  for (const t of healthEvents(transitions)) {
    await publishOperationalEvent(sql, queue, t.at, t.accountId, t.event.type, t.event.data, t.endpointId);
  }
}

interface RecordedRow {
  transitions?: HealthTransition[] | null;
  id: string;
  account_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempt_count: number;
  first_attempt_at: Date;
}

export function recordedDeliveries(rows: readonly RecordedRow[]): RecordedDelivery[] {
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    attemptCount: row.attempt_count,
    firstAttemptAt: new Date(row.first_attempt_at),
  }));
}

export interface EffectDeps {
  db: Db;
  queue: DeliveryQueue;
  /** endpoint.failing after this many scheduled attempts failed in a row (HOOKWIRE_FAILING_AFTER). */
  failingAfter: number;
}

/**
 * Records one attempt whose outcome disables the endpoint (410) or exhausts its delivery, with
 * those consequences, in one transaction. Every earlier attempt of the endpoint must be recorded
 * already (the pause rule reads the endpoint's last success). `now` dates the endpoint's status
 * change and the operational events. Returns whether the endpoint is now held, or null when the
 * delivery was gone.
 */
export async function recordWithEffect(
  deps: EffectDeps,
  record: AttemptRecord,
  endpoint: { id: string; accountId: string; url: string },
  now: Date,
): Promise<{ held: boolean } | null> {
  const { effect } = record.settlement;
  return deps.db.$transaction(async (tx) => {
    const sql = transactionSql(tx);
    const rows = await sql.query<RecordedRow>(RECORD_ATTEMPTS, recordValues([record], deps.failingAfter));
    const [delivery] = recordedDeliveries(rows);
    if (!delivery) return null;
    await announceHealth(sql, deps.queue, healthTransitions(rows));
    const announce: Array<{ type: OperationalEventType; data: Record<string, unknown> }> = [];
    const hold = async (status: 'PAUSED' | 'DISABLED', reason: string) => {
      const changed = await holdEndpoint(tx, endpoint, status, reason, now);
      if (changed) {
        announce.push({
          type: status === 'PAUSED' ? 'endpoint.paused' : 'endpoint.disabled',
          data: { endpointId: endpoint.id, url: endpoint.url, status, reason, pausedAt: now.toISOString() } satisfies EndpointStatusEventData,
        });
      }
      return true;
    };
    let held = false;
    if (effect.kind === 'disable') held = await hold('DISABLED', effect.reason);
    if (effect.kind === 'exhausted') {
      announce.push({
        type: 'delivery.exhausted',
        data: {
          deliveryId: delivery.id,
          endpointId: endpoint.id,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          attemptCount: delivery.attemptCount,
          lastOutcome: record.outcome === 'TRANSFORM_FAILED' ? null : record.outcome,
          lastResponseStatus: record.responseStatus,
        } satisfies DeliveryExhaustedEventData,
      });
      // A receiver that is down, not one bad event: no success since this delivery's first attempt.
      const [found] = await tx.$queryRaw<Array<{ last_success_at: Date | null }>>`
        SELECT last_success_at FROM endpoint WHERE id = ${endpoint.id}`;
      if (!(found?.last_success_at && found.last_success_at >= delivery.firstAttemptAt)) {
        held = await hold('PAUSED', `Delivery ${delivery.id} used up its retries with no successful attempt to this endpoint since ${delivery.firstAttemptAt.toISOString()}`);
      }
    }
    // The account's other endpoints hear of it, in one publish: its lanes are woken with one
    // ordered acquisition of their locks (see hookwire_wake_lanes).
    if (announce.length > 0) {
      await publish(sql, deps.queue, now, endpoint.accountId, announce, { kind: 'subscribers', excludeEndpointId: endpoint.id });
    }
    return { held };
  });
}
