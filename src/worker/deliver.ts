// The attempt task: one job = one attempt of one delivery. Loads what it needs, waits out the
// endpoint's rate limit (not an attempt), signs, sends, classifies, and records the attempt with
// the delivery's new state, the next job, status changes and operational events in one
// transaction. HTTP outcomes never throw; a throw means an infrastructure fault and lets
// graphile-worker retry the job.
import type { Dispatcher } from 'undici';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { classify, type Classification } from '../delivery/classify.ts';
import { nextRetryDelayMs } from '../delivery/schedule.ts';
import { send, type SendResult } from '../delivery/send.ts';
import { buildDeliveryHeaders } from '../delivery/sign.ts';
import { holdEndpoint, liveSecrets } from '../domain/endpoints.ts';
import { publishOperationalEvent } from '../domain/events.ts';
import { notifyAttempt } from '../domain/notify.ts';
import type { Endpoint, Prisma } from '../generated/prisma/client.ts';
import type { Metrics } from '../server/metrics.ts';
import { enqueueAttempts } from './jobs.ts';

export interface DeliverDeps {
  db: Db;
  dispatcher: Dispatcher;
  config: Readonly<Pick<Config, 'retrySchedule' | 'version'>>;
  metrics?: Metrics;
  random?: () => number;
}

export type AttemptReport =
  | { kind: 'attempted'; outcome: Classification['outcome']; attemptNumber: number; willRetry: boolean }
  | { kind: 'skipped'; reason: 'gone' | 'not pending' }
  | { kind: 'held' }
  | { kind: 'rate-limited'; until: Date };

export async function attemptDelivery(deps: DeliverDeps, deliveryId: string): Promise<AttemptReport> {
  const { db } = deps;
  const delivery = await db.delivery.findUnique({
    where: { id: deliveryId },
    include: { event: { select: { id: true, type: true, payload: true } }, endpoint: true },
  });
  if (!delivery) return { kind: 'skipped', reason: 'gone' };
  if (delivery.status !== 'PENDING') return { kind: 'skipped', reason: 'not pending' };
  const { endpoint, event } = delivery;
  if (endpoint.status !== 'ACTIVE') {
    // Held: resumeEndpoint schedules it again. Nothing is attempted and nothing is lost.
    await db.delivery.updateMany({ where: { id: deliveryId, status: 'PENDING' }, data: { nextAttemptAt: null } });
    return { kind: 'held' };
  }
  if (endpoint.rateLimitPerSecond !== null) {
    const until = await claimRateSlot(db, endpoint.id, endpoint.rateLimitPerSecond);
    if (until) {
      await db.$transaction(async (tx) => {
        await tx.delivery.updateMany({ where: { id: deliveryId, status: 'PENDING' }, data: { nextAttemptAt: until } });
        await enqueueAttempts(tx, [{ deliveryId, runAt: until }]);
      });
      return { kind: 'rate-limited', until };
    }
  }

  const attemptNumber = delivery.attemptCount + 1;
  const startedAt = new Date();
  const requestHeaders = buildDeliveryHeaders({
    eventId: event.id,
    eventType: event.type,
    body: event.payload,
    attemptNumber,
    timestampSeconds: Math.floor(startedAt.getTime() / 1000),
    secrets: liveSecrets(endpoint, startedAt),
    userAgent: `Hookwire/${deps.config.version}`,
    customHeaders: endpoint.headers as Record<string, string> | null,
  });
  const result = await send(deps.dispatcher, { url: endpoint.url, headers: requestHeaders, body: event.payload, timeoutMs: endpoint.timeoutMs });
  const finishedAt = new Date();
  const classification = classify(result, finishedAt);
  deps.metrics?.attempts.inc({ outcome: classification.outcome });
  deps.metrics?.attemptDuration.observe({ outcome: classification.outcome }, result.durationMs / 1000);

  const schedule = (endpoint.retrySchedule as number[] | null) ?? deps.config.retrySchedule;
  const { decision } = classification;
  const retryDelay =
    decision.kind === 'retry'
      ? nextRetryDelayMs({ schedule, attemptNumber, retryAfterSeconds: decision.retryAfterSeconds, random: deps.random })
      : null;
  const willRetry = retryDelay !== null;
  const nextAttemptAt = willRetry ? new Date(finishedAt.getTime() + retryDelay) : null;
  const status = decision.kind === 'success' ? 'SUCCEEDED' : willRetry ? 'PENDING' : 'FAILED';

  const recorded = await db.$transaction(async (tx) => {
    const updated = await tx.$queryRaw<Array<{ attempt_count: number; first_attempt_at: Date }>>`
      UPDATE delivery SET
        attempt_count = attempt_count + 1,
        first_attempt_at = COALESCE(first_attempt_at, ${startedAt}),
        status = ${status}::delivery_status,
        next_attempt_at = ${nextAttemptAt},
        completed_at = ${status === 'PENDING' ? null : finishedAt}
      WHERE id = ${deliveryId}
      RETURNING attempt_count, first_attempt_at`;
    // Deleted while we were sending (deleteEndpoint): nothing left to record it against.
    if (updated.length === 0) return null;
    const [{ attempt_count: recordedNumber, first_attempt_at: firstAttemptAt }] = updated as [(typeof updated)[0]];
    const attemptId = newId('DeliveryAttempt');
    await tx.deliveryAttempt.create({
      data: {
        id: attemptId,
        deliveryId,
        attemptNumber: recordedNumber,
        outcome: classification.outcome,
        startedAt,
        durationMs: result.durationMs,
        requestHeaders,
        requestBody: event.payload,
        ...responseFields(result, decision),
        willRetry,
      },
    });
    if (nextAttemptAt) await enqueueAttempts(tx, [{ deliveryId, runAt: nextAttemptAt }]);
    if (decision.kind === 'disable') {
      await disableEndpoint(tx, endpoint, decision.reason, finishedAt);
    } else if (decision.kind === 'retry' && !willRetry) {
      await exhaust(tx, { endpoint, deliveryId, eventId: event.id, eventType: event.type, attemptCount: recordedNumber, firstAttemptAt, result, classification, now: finishedAt });
    }
    await notifyAttempt(tx, { accountId: delivery.accountId, attemptId, deliveryId, endpointId: endpoint.id, eventType: event.type });
    return recordedNumber;
  });
  if (recorded === null) return { kind: 'skipped', reason: 'gone' };
  if (decision.kind === 'success') await noteSuccess(db, endpoint.id, finishedAt);
  return { kind: 'attempted', outcome: classification.outcome, attemptNumber: recorded, willRetry };
}

function responseFields(result: SendResult, decision: Classification['decision']) {
  if (result.kind === 'response') {
    const reason = decision.kind === 'fail' || decision.kind === 'disable' ? decision.reason : null;
    return {
      responseStatus: result.status,
      responseHeaders: result.headers as Prisma.InputJsonValue,
      responseBody: result.body,
      error: reason,
    };
  }
  return { responseStatus: null, responseHeaders: undefined, responseBody: null, error: result.error };
}

async function disableEndpoint(tx: Prisma.TransactionClient, endpoint: Endpoint, reason: string, now: Date): Promise<void> {
  const changed = await holdEndpoint(tx, endpoint, 'DISABLED', reason, now);
  if (!changed) return;
  await publishOperationalEvent(
    tx,
    endpoint.accountId,
    'endpoint.disabled',
    { endpointId: endpoint.id, url: endpoint.url, status: 'DISABLED', reason, pausedAt: now.toISOString() },
    endpoint.id,
  );
}

/**
 * The schedule is used up: delivery.exhausted, and the endpoint is paused when it has had no
 * successful attempt since this delivery's first one (a receiver that is down, not one bad event).
 */
async function exhaust(
  tx: Prisma.TransactionClient,
  input: {
    endpoint: Endpoint;
    deliveryId: string;
    eventId: string;
    eventType: string;
    attemptCount: number;
    firstAttemptAt: Date;
    result: SendResult;
    classification: Classification;
    now: Date;
  },
): Promise<void> {
  const { endpoint, now } = input;
  await publishOperationalEvent(
    tx,
    endpoint.accountId,
    'delivery.exhausted',
    {
      deliveryId: input.deliveryId,
      endpointId: endpoint.id,
      eventId: input.eventId,
      eventType: input.eventType,
      attemptCount: input.attemptCount,
      lastOutcome: input.classification.outcome,
      lastResponseStatus: input.result.kind === 'response' ? input.result.status : null,
    },
    endpoint.id,
  );
  const current = await tx.endpoint.findUnique({ where: { id: endpoint.id }, select: { lastSuccessAt: true } });
  if (current?.lastSuccessAt && current.lastSuccessAt >= input.firstAttemptAt) return;
  const reason = `Delivery ${input.deliveryId} used up its retries with no successful attempt to this endpoint since ${input.firstAttemptAt.toISOString()}`;
  const changed = await holdEndpoint(tx, endpoint, 'PAUSED', reason, now);
  if (!changed) return;
  await publishOperationalEvent(
    tx,
    endpoint.accountId,
    'endpoint.paused',
    { endpointId: endpoint.id, url: endpoint.url, status: 'PAUSED', reason, pausedAt: now.toISOString() },
    endpoint.id,
  );
}

/**
 * Records that the endpoint took a delivery, for the pause rule of exhaust(). Outside the
 * attempt's transaction and at most about once a second per endpoint: every concurrent attempt
 * to a busy endpoint updating its row inside the transaction would serialise them all on that
 * row's lock. A second of lag cannot matter to a rule about retries spread over minutes.
 */
async function noteSuccess(db: Db, endpointId: string, at: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE endpoint SET last_success_at = ${at}
    WHERE id = ${endpointId} AND (last_success_at IS NULL OR last_success_at < ${new Date(at.getTime() - 1000)})`;
}

/**
 * Takes one slot of the endpoint's per-second budget, shared by every worker process through
 * one row per endpoint. Returns null when the attempt may start now, else when to try again:
 * claims beyond the budget are spread over the following seconds instead of all retrying at once.
 */
async function claimRateSlot(db: Db, endpointId: string, limit: number): Promise<Date | null> {
  const [row] = await db.$queryRaw<Array<{ window_start: Date; count: number }>>`
    INSERT INTO endpoint_rate_window (endpoint_id, window_start, count)
    VALUES (${endpointId}, date_trunc('second', clock_timestamp()), 1)
    ON CONFLICT (endpoint_id) DO UPDATE SET
      count = CASE WHEN endpoint_rate_window.window_start = excluded.window_start
                   THEN endpoint_rate_window.count + 1 ELSE 1 END,
      window_start = excluded.window_start
    RETURNING window_start, count`;
  if (!row || row.count <= limit) return null;
  const secondsAhead = 1 + Math.floor((row.count - limit - 1) / limit);
  return new Date(row.window_start.getTime() + secondsAhead * 1000);
}
