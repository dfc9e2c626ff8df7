// The attempt task: one job = one attempt of one delivery. Loads what it needs in one query,
// waits out the endpoint's rate limit (not an attempt), signs, sends, classifies, and records
// the attempt with the delivery's new state and next job in one statement (one transaction with
// the endpoint's status change and operational events when there are some). HTTP outcomes never
// throw; a throw means an infrastructure fault and lets graphile-worker retry the job.
import type { Dispatcher } from 'undici';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { retryOnConnectionError } from '../db/reconnect.ts';
import { classify, type Classification } from '../delivery/classify.ts';
import { nextRetryDelayMs } from '../delivery/schedule.ts';
import { send, type SendResult } from '../delivery/send.ts';
import { buildDeliveryHeaders } from '../delivery/sign.ts';
import type { DeliveryExhaustedEventData, EndpointStatusEventData } from '../domain/catalog.ts';
import { holdEndpoint, liveSecrets } from '../domain/endpoints.ts';
import { publishOperationalEvent } from '../domain/events.ts';
import { CHANNELS } from '../domain/notify.ts';
import { Prisma, type Endpoint } from '../generated/prisma/client.ts';
import type { Metrics } from '../server/metrics.ts';
import { attemptJobSpec, enqueueAttempts } from './jobs.ts';

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

interface Loaded {
  delivery_id: string;
  account_id: string;
  status: string;
  attempt_count: number;
  event_id: string;
  event_type: string;
  payload: string;
  endpoint_id: string;
  url: string;
  endpoint_status: string;
  signing_secret: string;
  retired_secrets: unknown;
  rate_limit_per_second: number | null;
  timeout_ms: number;
  retry_schedule: number[] | null;
  headers: Record<string, string> | null;
}

/** Everything one attempt needs, in one query. */
async function load(db: Db, deliveryId: string): Promise<Loaded | undefined> {
  const [row] = await db.$queryRaw<Loaded[]>`
    SELECT d.id AS delivery_id, d.account_id, d.status::text AS status, d.attempt_count,
           ev.id AS event_id, ev.type AS event_type, ev.payload,
           e.id AS endpoint_id, e.url, e.status::text AS endpoint_status, e.signing_secret, e.retired_secrets,
           e.rate_limit_per_second, e.timeout_ms, e.retry_schedule, e.headers
    FROM delivery d
    JOIN event ev ON ev.id = d.event_id
    JOIN endpoint e ON e.id = d.endpoint_id
    WHERE d.id = ${deliveryId}`;
  return row;
}

export async function attemptDelivery(deps: DeliverDeps, deliveryId: string): Promise<AttemptReport> {
  const { db } = deps;
  const row = await load(db, deliveryId);
  if (!row) return { kind: 'skipped', reason: 'gone' };
  if (row.status !== 'PENDING') return { kind: 'skipped', reason: 'not pending' };
  const endpoint: EndpointRef = { id: row.endpoint_id, accountId: row.account_id, url: row.url };
  if (row.endpoint_status !== 'ACTIVE') {
    // Held: resumeEndpoint schedules it again. Nothing is attempted and nothing is lost.
    await db.delivery.updateMany({ where: { id: deliveryId, status: 'PENDING' }, data: { nextAttemptAt: null } });
    return { kind: 'held' };
  }
  if (row.rate_limit_per_second !== null) {
    const until = await claimRateSlot(db, endpoint.id, row.rate_limit_per_second);
    if (until) {
      await db.$transaction(async (tx) => {
        await tx.delivery.updateMany({ where: { id: deliveryId, status: 'PENDING' }, data: { nextAttemptAt: until } });
        await enqueueAttempts(tx, [{ deliveryId, runAt: until }]);
      });
      return { kind: 'rate-limited', until };
    }
  }

  const attemptNumber = row.attempt_count + 1;
  const startedAt = new Date();
  const requestHeaders = buildDeliveryHeaders({
    eventId: row.event_id,
    eventType: row.event_type,
    body: row.payload,
    attemptNumber,
    timestampSeconds: Math.floor(startedAt.getTime() / 1000),
    secrets: liveSecrets({ signingSecret: row.signing_secret, retiredSecrets: row.retired_secrets as Prisma.JsonValue }, startedAt),
    userAgent: `Hookwire/${deps.config.version}`,
    customHeaders: row.headers,
  });
  const result = await send(deps.dispatcher, { url: row.url, headers: requestHeaders, body: row.payload, timeoutMs: row.timeout_ms });
  const finishedAt = new Date();
  const classification = classify(result, finishedAt);
  deps.metrics?.attempts.inc({ outcome: classification.outcome });
  deps.metrics?.attemptDuration.observe({ outcome: classification.outcome }, result.durationMs / 1000);

  const { decision } = classification;
  const retryDelay =
    decision.kind === 'retry'
      ? nextRetryDelayMs({
          schedule: row.retry_schedule ?? deps.config.retrySchedule,
          attemptNumber,
          retryAfterSeconds: decision.retryAfterSeconds,
          random: deps.random,
        })
      : null;
  const willRetry = retryDelay !== null;
  const attempt: RecordedAttempt = {
    id: newId('DeliveryAttempt'),
    deliveryId,
    eventType: row.event_type,
    outcome: classification.outcome,
    status: decision.kind === 'success' ? 'SUCCEEDED' : willRetry ? 'PENDING' : 'FAILED',
    startedAt,
    finishedAt,
    nextAttemptAt: willRetry ? new Date(finishedAt.getTime() + retryDelay) : null,
    requestHeaders,
    requestBody: row.payload,
    ...responseFields(result, decision),
    durationMs: result.durationMs,
    willRetry,
  };

  // The common outcomes are one atomic statement; a disabled endpoint or used-up schedule also
  // changes the endpoint and publishes operational events, in one transaction with the record.
  const sideEffects = decision.kind === 'disable' || (decision.kind === 'retry' && !willRetry);
  // The receiver has the request now: a database restart must delay the record, not lose it
  // (losing it would send the same attempt again).
  const recorded = await retryOnConnectionError(() => sideEffects
    ? db.$transaction(async (tx) => {
        const done = await recordAttempt(tx, attempt);
        if (!done) return done;
        if (decision.kind === 'disable') await holdAndAnnounce(tx, endpoint, 'DISABLED', decision.reason, finishedAt);
        else await exhaust(tx, { endpoint, deliveryId, eventId: row.event_id, eventType: row.event_type, attemptCount: done.attemptCount, firstAttemptAt: done.firstAttemptAt, result, classification, now: finishedAt });
        return done;
      })
    : recordAttempt(db, attempt));
  if (!recorded) return { kind: 'skipped', reason: 'gone' };
  return { kind: 'attempted', outcome: classification.outcome, attemptNumber: recorded.attemptCount, willRetry };
}

type EndpointRef = Pick<Endpoint, 'id' | 'accountId' | 'url'>;

interface RecordedAttempt {
  id: string;
  deliveryId: string;
  eventType: string;
  outcome: Classification['outcome'];
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  startedAt: Date;
  finishedAt: Date;
  nextAttemptAt: Date | null;
  requestHeaders: Record<string, string>;
  requestBody: string;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  willRetry: boolean;
}

/**
 * One statement, atomic on its own: the delivery's new state, the attempt row, the next job (when
 * retrying), the endpoint's last success (at most once a second, so concurrent attempts to a busy
 * endpoint do not queue on its row) and the NOTIFY that subscriptions hear. Null when the
 * delivery was deleted meanwhile (deleteEndpoint): there is nothing left to record against.
 */
async function recordAttempt(
  db: Pick<Prisma.TransactionClient, '$queryRaw'>,
  a: RecordedAttempt,
): Promise<{ attemptCount: number; firstAttemptAt: Date } | null> {
  const success = a.outcome === 'SUCCESS';
  const rows = await db.$queryRaw<Array<{ attempt_count: number; first_attempt_at: Date }>>`
    WITH d AS (
      UPDATE delivery SET
        attempt_count = attempt_count + 1,
        first_attempt_at = COALESCE(first_attempt_at, ${a.startedAt}),
        status = ${a.status}::delivery_status,
        next_attempt_at = ${a.nextAttemptAt}::timestamptz,
        completed_at = ${a.status === 'PENDING' ? null : a.finishedAt}::timestamptz
      WHERE id = ${a.deliveryId}
      RETURNING id, account_id, endpoint_id, attempt_count, first_attempt_at
    ), attempt AS (
      INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers,
                                    request_body, response_status, response_headers, response_body, error, will_retry)
      SELECT ${a.id}, d.id, d.attempt_count, ${a.outcome}::attempt_outcome, ${a.startedAt}, ${a.durationMs},
             ${JSON.stringify(a.requestHeaders)}::jsonb, ${a.requestBody}, ${a.responseStatus}::int,
             ${a.responseHeaders === null ? null : JSON.stringify(a.responseHeaders)}::jsonb, ${a.responseBody}, ${a.error}, ${a.willRetry}
      FROM d
      RETURNING id
    ), last_success AS (
      UPDATE endpoint SET last_success_at = ${a.finishedAt}
      WHERE ${success} AND id = (SELECT endpoint_id FROM d)
        AND (last_success_at IS NULL OR last_success_at < ${new Date(a.finishedAt.getTime() - 1000)})
      RETURNING id
    ), next_job AS (
      SELECT count(*) AS n FROM graphile_worker.add_jobs(ARRAY(
        SELECT ${attemptJobSpec(Prisma.sql`d.id`, Prisma.sql`${a.nextAttemptAt}::timestamptz`)}
        FROM d WHERE ${a.nextAttemptAt}::timestamptz IS NOT NULL))
    ), notice AS (
      SELECT pg_notify(${CHANNELS.attempt}, json_build_object(
        'accountId', d.account_id, 'attemptId', attempt.id, 'deliveryId', d.id,
        'endpointId', d.endpoint_id, 'eventType', ${a.eventType}::text)::text) AS sent
      FROM d, attempt
    )
    SELECT d.attempt_count, d.first_attempt_at
    FROM d, (SELECT count(*) FROM attempt) AS a, (SELECT count(*) FROM last_success) AS s,
         (SELECT n FROM next_job) AS j, (SELECT count(*) FROM notice) AS n`;
  const [row] = rows;
  return row ? { attemptCount: row.attempt_count, firstAttemptAt: row.first_attempt_at } : null;
}

function responseFields(result: SendResult, decision: Classification['decision']) {
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

/** Holds the endpoint (PAUSED or DISABLED) and tells the account's other endpoints, once. */
async function holdAndAnnounce(
  tx: Prisma.TransactionClient,
  endpoint: EndpointRef,
  status: 'PAUSED' | 'DISABLED',
  reason: string,
  now: Date,
): Promise<void> {
  const changed = await holdEndpoint(tx, endpoint, status, reason, now);
  if (!changed) return;
  await publishOperationalEvent(
    tx,
    endpoint.accountId,
    status === 'PAUSED' ? 'endpoint.paused' : 'endpoint.disabled',
    { endpointId: endpoint.id, url: endpoint.url, status, reason, pausedAt: now.toISOString() } satisfies EndpointStatusEventData,
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
    endpoint: EndpointRef;
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
    } satisfies DeliveryExhaustedEventData,
    endpoint.id,
  );
  if (await succeededSince(tx, endpoint.id, input.firstAttemptAt)) return;
  const reason = `Delivery ${input.deliveryId} used up its retries with no successful attempt to this endpoint since ${input.firstAttemptAt.toISOString()}`;
  await holdAndAnnounce(tx, endpoint, 'PAUSED', reason, now);
}

/**
 * Whether the endpoint had a successful attempt that finished at or after `since`.
 * last_success_at is written at most once a second (see recordAttempt), so it can lag the truth
 * by up to a second; only in that window are the attempts themselves consulted.
 */
async function succeededSince(tx: Prisma.TransactionClient, endpointId: string, since: Date): Promise<boolean> {
  const endpoint = await tx.endpoint.findUnique({ where: { id: endpointId }, select: { lastSuccessAt: true } });
  const last = endpoint?.lastSuccessAt;
  if (!last || last.getTime() + 1000 < since.getTime()) return false;
  if (last >= since) return true;
  const [found] = await tx.$queryRaw<Array<{ found: boolean }>>`
    SELECT EXISTS (
      SELECT 1 FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id
      WHERE d.endpoint_id = ${endpointId} AND a.outcome = 'SUCCESS'
        AND a.started_at BETWEEN ${new Date(last.getTime() - MAX_ATTEMPT_MS)} AND ${new Date(last.getTime() + 1000)}
        AND a.started_at + a.duration_ms * interval '1 millisecond' >= ${since}
    ) AS found`;
  return found?.found ?? false;
}

/** The longest an attempt can take: the largest timeoutMs an endpoint may have, plus slack. */
const MAX_ATTEMPT_MS = 31_000;

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
      count = CASE WHEN endpoint_rate_window.window_start >= excluded.window_start
                   THEN endpoint_rate_window.count + 1 ELSE 1 END,
      -- Never backwards: a claim racing across a second boundary counts in the newer window.
      window_start = GREATEST(endpoint_rate_window.window_start, excluded.window_start)
    RETURNING window_start, count`;
  if (!row || row.count <= limit) return null;
  const secondsAhead = 1 + Math.floor((row.count - limit - 1) / limit);
  return new Date(row.window_start.getTime() + secondsAhead * 1000);
}
