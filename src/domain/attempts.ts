// What an attempt's outcome does to its delivery and endpoint (the policy), and how attempts are
// recorded: many in one statement (src/db/sql/record-attempts.ts: the delivery's new state, the
// attempt row, the endpoint's health and the NOTIFY subscriptions hear), or one at a time in a
// transaction with the endpoint's status change and operational events when the outcome disables
// or exhausts.
import type { Db } from '../db/client.ts';
import type { Classification } from '../delivery/classify.ts';
import { nextRetryDelayMs } from '../delivery/schedule.ts';
import { prismaSql, type Sql } from '../db/sql.ts';
import { endpointLastSuccess, lastAttemptsOwed } from '../db/sql/endpoints.ts';
import { recordAttempts as recordAttemptRows, recordAttemptsAlone, type AttemptToRecord, type HealthTransitionRow, type RecordedRow } from '../db/sql/record-attempts.ts';
import type { DeliveryExhaustedEventData, EndpointFailingEventData, EndpointRecoveredEventData, EndpointStatusEventData } from './catalog.ts';
import { holdEndpoint } from './endpoints.ts';
import { publish, publishOperationalEvent, type OperationalEventType } from './events.ts';

/** Why an attempt ran: the delivery's schedule, or a person (retryDelivery, recoverFailedDeliveries). */
export type Trigger = 'SCHEDULED' | 'MANUAL';

/** exhausted: `scheduledAttempts` is how many attempts the schedule makes, this last one included. */
export type Effect = { kind: 'none' } | { kind: 'disable'; reason: string } | { kind: 'exhausted'; scheduledAttempts: number };

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
      if (delay === null) return { status: 'FAILED', nextAttemptAt: null, willRetry: false, effect: { kind: 'exhausted', scheduledAttempts: input.schedule.length + 1 } };
      return { status: 'PENDING', nextAttemptAt: new Date(input.finishedAt.getTime() + delay), willRetry: true, effect: none };
    }
  }
}

/** One attempt as stored (the columns: AttemptToRecord), with the delivery's state after it as settle() decided. */
export interface AttemptRecord extends Omit<AttemptToRecord, 'trigger' | 'outcome' | 'willRetry' | 'status' | 'nextAttemptAt'> {
  trigger: Trigger;
  outcome: Classification['outcome'] | 'TRANSFORM_FAILED';
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
  /** False when the delivery kept its state: it had succeeded already, or the attempt was late (see RECORD_ATTEMPTS). */
  settled: boolean;
}

/** The attempt as the recording statement stores it. */
export function storedAttempt(record: AttemptRecord): AttemptToRecord {
  const { settlement, ...attempt } = record;
  return { ...attempt, willRetry: settlement.willRetry, status: settlement.status, nextAttemptAt: settlement.nextAttemptAt };
}

export interface RecordedBatch {
  deliveries: RecordedDelivery[];
  transitions: HealthTransition[];
}

/**
 * Records a batch in one statement. Every attempt is stored (a late one under its delivery's next
 * free number, see RECORD_ATTEMPTS); only one whose delivery is gone is skipped: its delivery is
 * absent from the result. Returns the endpoints whose health changed, for announceHealth in the
 * same transaction (recordAndAnnounce).
 */
export async function recordAttempts(sql: Sql, records: readonly AttemptRecord[], failingAfter: number): Promise<RecordedBatch> {
  const rows = await recordAttemptRows(sql, { attempts: records.map(storedAttempt), failingAfter });
  return { deliveries: recordedDeliveries(rows), transitions: healthTransitions(rows) };
}

/**
 * Records a batch in one statement committed on its own, outside any transaction: the usual batch,
 * which changes no endpoint's health. One that does is refused, nothing recorded (null): it is
 * recorded by recordAndAnnounce, in a transaction with its announcements.
 */
export async function recordUnannounced(sql: Sql, records: readonly AttemptRecord[], failingAfter: number): Promise<RecordedDelivery[] | null> {
  const rows = await recordAttemptsAlone(sql, { attempts: records.map(storedAttempt), failingAfter });
  return rows === null ? null : recordedDeliveries(rows);
}

/** An endpoint whose health changed with a batch: endpoint.failing or endpoint.recovered is due. */
export type HealthTransition = HealthTransitionRow;

/** The batch's transitions: the first row carries them all (the statement's last column). */
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
 * Records a batch and announces the health transitions it causes (endpoint.failing,
 * endpoint.recovered), for the caller to run in one transaction: the announcement commits with the
 * attempts that cause it, or neither does (and the attempts are sent again, see recorder.ts).
 */
export async function recordAndAnnounce(sql: Sql, records: readonly AttemptRecord[], failingAfter: number): Promise<RecordedDelivery[]> {
  const { deliveries, transitions } = await recordAttempts(sql, records, failingAfter);
  await announceHealth(sql, transitions);
  return deliveries;
}

/**
 * Announces endpoint.failing / endpoint.recovered to the account's other subscribed endpoints,
 * one publish per transition (there are few: one per run of failures).
 */
export async function announceHealth(sql: Sql, transitions: readonly HealthTransition[]): Promise<void> {
  for (const t of healthEvents(transitions)) {
    await publishOperationalEvent(sql, t.at, t.accountId, t.event.type, t.event.data, t.endpointId);
  }
}

function recordedDeliveries(rows: readonly RecordedRow[]): RecordedDelivery[] {
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    attemptCount: row.attempt_count,
    firstAttemptAt: new Date(row.first_attempt_at),
    settled: row.settled,
  }));
}

export interface EffectDeps {
  db: Db;
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
    const sql = prismaSql(tx);
    const [delivery] = await recordAndAnnounce(sql, [record], deps.failingAfter);
    if (!delivery) return null;
    // A late attempt (another worker recorded its number first) or one after a success is history
    // only: the delivery kept its state, so it neither exhausts nor disables anything.
    if (!delivery.settled) return { held: false };
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
      // The pause waits while another delivery of the endpoint, due when this attempt started, has
      // not had its last attempt: that one's exhaustion decides the pause in turn, so every
      // delivery due before the pause gets its whole schedule.
      const lastSuccess = await endpointLastSuccess(sql, { endpointId: endpoint.id });
      const down = !(lastSuccess && lastSuccess >= delivery.firstAttemptAt);
      if (down && !(await lastAttemptsOwed(sql, { endpointId: endpoint.id, scheduledBefore: effect.scheduledAttempts - 1, dueBy: record.startedAt }))) {
        held = await hold('PAUSED', `Delivery ${delivery.id} used up its retries with no successful attempt to this endpoint since ${delivery.firstAttemptAt.toISOString()}`);
      }
    }
    // The account's other endpoints hear of it, in one publish: its lanes are woken with one
    // ordered acquisition of their locks (see hookwire_wake_lanes).
    if (announce.length > 0) {
      await publish(sql, now, endpoint.accountId, announce, { kind: 'subscribers', excludeEndpointId: endpoint.id });
    }
    return { held };
  });
}
