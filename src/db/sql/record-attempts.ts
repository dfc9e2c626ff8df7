// Recording attempts, many in one statement: each delivery's new state, the attempt rows, the
// endpoints' health columns (last success, the run of failures and whether it was announced), and
// the NOTIFY that subscriptions hear (CHANNELS.attempt). The delivery's new state is decided by the
// domain (domain/attempts.ts settle()); this statement stores it and returns, beside the deliveries
// recorded, the endpoints whose health changed with the batch, for the domain to announce.
import type { AttemptOutcome, AttemptTrigger, DeliveryStatus } from '../../generated/prisma/enums.ts';
import { statement, type Sql } from '../sql.ts';
import { CHANNELS } from './notify.ts';

/** One attempt as stored, with its delivery's state after it. */
export interface AttemptToRecord {
  id: string;
  deliveryId: string;
  attemptNumber: number;
  trigger: AttemptTrigger;
  outcome: AttemptOutcome;
  startedAt: Date;
  durationMs: number;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  willRetry: boolean;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  /**
   * The fencing token of the lane the attempt was sent under (src/db/sql/lanes.ts), or absent. With
   * one, the attempt is late exactly when the token is no longer the lane's (its lane was taken
   * over); without, when another attempt took its number first.
   */
  leaseToken?: string | null;
}

export interface RecordAttemptsParams {
  attempts: readonly AttemptToRecord[];
  /** A run of this many failed scheduled attempts makes the endpoint failing (HOOKWIRE_FAILING_AFTER). */
  failingAfter: number;
  /**
   * The statement commits on its own (no transaction around it): a batch that changes an
   * endpoint's health fails instead, with nothing recorded (see recordAttemptsAlone).
   */
  alone?: boolean;
}

/** An endpoint whose health changed with the batch: endpoint.failing or endpoint.recovered is due. */
export interface HealthTransitionRow {
  kind: 'failing' | 'recovered';
  endpointId: string;
  accountId: string;
  url: string;
  /** JSON text of a timestamptz: when the run was announced, or the success that ended it. */
  at: string;
  consecutiveFailures: number;
  failingSince: string | null;
  lastOutcome: Exclude<AttemptOutcome, 'SUCCESS' | 'TRANSFORM_FAILED'> | null;
  lastResponseStatus: number | null;
}

/** A delivery recorded; the first row also carries the batch's health transitions (or null). */
export interface RecordedRow {
  id: string;
  account_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempt_count: number;
  first_attempt_at: Date;
  /** False when the delivery kept its state: it had succeeded already, or every attempt of the batch for it was late. */
  settled: boolean;
  transitions: HealthTransitionRow[] | null;
  /** Always null (a refused batch fails): see RecordAttemptsParams.alone. */
  refused?: null;
}

/**
 * The batch as bound: the attempts as one JSON text (built by one JSON.stringify, the headers as
 * nested objects, not each a JSON text inside an array literal), and their delivery ids as an
 * array (what the delivery rows are locked by).
 */
interface Columns {
  /** JSON: [{i, d, n, t, o, s, ms, rh, st, sh, b, e, w, ds, na, lt}, …], the fields of AttemptToRecord in that order. */
  attempts: string;
  deliveryIds: string[];
  failingAfter: number;
  alone: boolean;
}

/**
 * Text columns that JSON carries must be well-formed: Postgres refuses a lone surrogate's escape in
 * JSON, where text bound as UTF-8 would have become U+FFFD. Bodies and errors are checked (a header
 * value is stored as jsonb either way).
 */
const wellFormed = (text: string | null) => (text === null || text.isWellFormed() ? text : text.toWellFormed());

function columns({ attempts, failingAfter, alone = false }: RecordAttemptsParams): Columns {
  const rows = new Array<object>(attempts.length);
  const deliveryIds = new Array<string>(attempts.length);
  for (let k = 0; k < attempts.length; k++) {
    const a = attempts[k]!;
    deliveryIds[k] = a.deliveryId;
    rows[k] = {
      i: a.id,
      d: a.deliveryId,
      n: a.attemptNumber,
      t: a.trigger,
      o: a.outcome,
      s: a.startedAt,
      ms: a.durationMs,
      rh: a.requestHeaders,
      st: a.responseStatus,
      sh: a.responseHeaders,
      b: wellFormed(a.responseBody),
      e: wellFormed(a.error),
      w: a.willRetry,
      ds: a.status,
      na: a.nextAttemptAt,
      lt: a.leaseToken ?? null,
    };
  }
  // Dates go as toJSON's ISO text, which timestamptz reads.
  return { attempts: JSON.stringify(rows), deliveryIds, failingAfter, alone };
}

/** Notices per NOTIFY: each is ~200 bytes, a payload may hold 8,000. */
const NOTICES_PER_NOTIFY = 25;

/** The run of failures after the batch: it goes on (no success in the batch) or restarts after the batch's last success. */
const RUN = '((CASE WHEN h.ok_at IS NULL THEN e.consecutive_failures ELSE 0 END) + h.failures)';

/**
 * Rows are locked in id order (as bulk updates elsewhere lock them). Every attempt is stored: the
 * receiver got its request. One sent under a lane's fencing token that is no longer the lane's (the
 * lane was taken over: a stale writer), or, with no token, after another worker recorded the same
 * attempt number, is late: it is stored under the next free number and leaves the delivery's state
 * as it is, unless it succeeded. A delivery any attempt of which succeeded is
 * SUCCEEDED: a later failure never overrides it. Only an attempt whose delivery is gone is skipped.
 */
export const RECORD_ATTEMPTS = statement<RecordAttemptsParams, RecordedRow, Columns>(
  'hookwire_record_attempts',
  ($) => `
    WITH r AS (
      SELECT * FROM ROWS FROM (json_to_recordset(${$.attempts}::json) AS (
               i text, d text, n int, t attempt_trigger, o attempt_outcome, s timestamptz, ms int, rh jsonb,
               st int, sh jsonb, b text, e text, w boolean, ds delivery_status, na timestamptz, lt bigint)) WITH ORDINALITY
        AS r(id, delivery_id, attempt_number, trigger, outcome, started_at, duration_ms, request_headers, response_status,
             response_headers, response_body, error, will_retry, status, next_attempt_at, lease_token, ord)
    ), locked AS MATERIALIZED (
      SELECT id, attempt_count, status, endpoint_id FROM delivery WHERE id = ANY(${$.deliveryIds}::text[]) ORDER BY id FOR UPDATE
    ), fence AS MATERIALIZED (
      -- The lanes' tokens, held (KEY SHARE) until commit: a takeover cannot slip in after the check.
      SELECT endpoint_id, lease_token FROM endpoint_lane WHERE endpoint_id IN (SELECT endpoint_id FROM locked) ORDER BY endpoint_id FOR KEY SHARE
    ), n AS (
      -- Each attempt takes its delivery's next free number. It is late when its lane was taken over
      -- since it was sent (its token is stale), or, sent with no token, when another worker recorded
      -- its number meanwhile.
      SELECT r.*, l.attempt_count + row_number() OVER (PARTITION BY r.delivery_id ORDER BY r.ord) AS number,
             CASE WHEN r.lease_token IS NULL THEN r.attempt_number <= l.attempt_count
                  ELSE r.lease_token IS DISTINCT FROM f.lease_token END AS late,
             l.status AS was
      FROM r JOIN locked l ON l.id = r.delivery_id LEFT JOIN fence f ON f.endpoint_id = l.endpoint_id
    ), s AS (
      -- The attempt whose settlement the delivery takes: a success, else the last attempt that is
      -- not late. A delivery that succeeded keeps its success; a late failure changes nothing.
      SELECT DISTINCT ON (delivery_id) * FROM n
      WHERE was <> 'SUCCEEDED' AND (status = 'SUCCEEDED' OR NOT late)
      ORDER BY delivery_id, (status = 'SUCCEEDED') DESC, ord DESC
    ), per AS (
      SELECT delivery_id, count(*)::int AS attempts, count(*) FILTER (WHERE trigger = 'MANUAL')::int AS manual, min(started_at) AS first_started
      FROM n GROUP BY delivery_id
    ), d AS (
      UPDATE delivery SET
        attempt_count = delivery.attempt_count + per.attempts,
        manual_attempts = delivery.manual_attempts + per.manual,
        first_attempt_at = COALESCE(delivery.first_attempt_at, per.first_started),
        status = COALESCE(s.status, delivery.status),
        next_attempt_at = CASE WHEN s.delivery_id IS NULL THEN delivery.next_attempt_at ELSE s.next_attempt_at END,
        completed_at = CASE WHEN s.delivery_id IS NULL THEN delivery.completed_at
                            WHEN s.status = 'PENDING' THEN NULL ELSE s.started_at + s.duration_ms * interval '1 millisecond' END,
        manual_retry = CASE WHEN s.delivery_id IS NULL THEN delivery.manual_retry ELSE false END,
        resume_schedule_at = CASE WHEN s.delivery_id IS NULL THEN delivery.resume_schedule_at END
      FROM per LEFT JOIN s ON s.delivery_id = per.delivery_id
      WHERE delivery.id = per.delivery_id
      RETURNING delivery.id, delivery.account_id, delivery.endpoint_id, delivery.event_id, delivery.event_type,
                delivery.attempt_count, delivery.first_attempt_at, s.delivery_id IS NOT NULL AS settled
    ), a AS (
      INSERT INTO delivery_attempt (id, delivery_id, attempt_number, trigger, outcome, started_at, duration_ms, request_headers,
                                    response_status, response_headers, response_body, error, will_retry)
      SELECT n.id, n.delivery_id, n.number, n.trigger, n.outcome, n.started_at, n.duration_ms, n.request_headers,
             n.response_status, n.response_headers, n.response_body, n.error, n.will_retry
      FROM n JOIN d ON d.id = n.delivery_id
      RETURNING id, delivery_id
    ), counted AS (
      -- What tells of the receiver's health: successes, and failures of scheduled attempts (a
      -- person's retry that fails, or the endpoint's own transformation failing, says nothing new).
      -- A late attempt is old news: the attempt recorded under its number spoke of the receiver since
      -- (and a frozen worker's attempts end in timeouts that the receiver did not cause).
      SELECT d.endpoint_id, n.ord, n.outcome, n.response_status, n.outcome = 'SUCCESS' AS ok, n.started_at + n.duration_ms * interval '1 millisecond' AS finished_at,
             max(n.ord) FILTER (WHERE n.outcome = 'SUCCESS') OVER (PARTITION BY d.endpoint_id) AS last_ok
      FROM n JOIN d ON d.id = n.delivery_id
      WHERE NOT n.late AND (n.outcome = 'SUCCESS' OR (n.outcome <> 'TRANSFORM_FAILED' AND n.trigger = 'SCHEDULED'))
    ), h AS (
      SELECT endpoint_id,
             max(finished_at) FILTER (WHERE ok) AS ok_at,
             count(*) FILTER (WHERE NOT ok AND ord > COALESCE(last_ok, 0))::int AS failures,
             min(finished_at) FILTER (WHERE NOT ok AND ord > COALESCE(last_ok, 0)) AS first_failure_at,
             max(finished_at) FILTER (WHERE NOT ok AND ord > COALESCE(last_ok, 0)) AS last_failure_at,
             (array_agg(outcome ORDER BY ord DESC) FILTER (WHERE NOT ok))[1] AS last_outcome,
             (array_agg(response_status ORDER BY ord DESC) FILTER (WHERE NOT ok))[1] AS last_response_status
      FROM counted GROUP BY endpoint_id
    ), held AS MATERIALIZED (
      -- The endpoints' rows locked (in id order) before they change, as they are now: whether the
      -- run was announced already decides whether this batch announces it (comparing timestamps
      -- would announce twice when two batches' failures end in the same millisecond). NO KEY UPDATE,
      -- the lock the UPDATE below takes anyway: FOR UPDATE would also block every publisher's
      -- foreign-key check on the endpoint (KEY SHARE) and deadlock with the fan-out's lane wake-up.
      SELECT id, failing_notified_at AS was_notified FROM endpoint WHERE id IN (SELECT endpoint_id FROM h) ORDER BY id FOR NO KEY UPDATE
    ), health AS (
      -- Every SET expression reads the row as it is now (a concurrent batch's update included): the
      -- run of failures goes on (no success in the batch) or restarts after the batch's last
      -- success. endpoint.failing is due when a run reaches failingAfter (failing_notified_at set by
      -- this statement), endpoint.recovered when a success ends a run that was announced.
      UPDATE endpoint e SET
        last_success_at = CASE WHEN h.ok_at > COALESCE(e.last_success_at, '-infinity') THEN h.ok_at ELSE e.last_success_at END,
        consecutive_failures = ${RUN},
        failing_since = CASE WHEN h.failures = 0 THEN (CASE WHEN h.ok_at IS NULL THEN e.failing_since END)
                             WHEN h.ok_at IS NULL AND e.consecutive_failures > 0 THEN e.failing_since
                             ELSE h.first_failure_at END,
        failing_notified_at = CASE WHEN ${RUN} < ${$.failingAfter}::int THEN (CASE WHEN h.ok_at IS NULL THEN e.failing_notified_at END)
                                   ELSE COALESCE(CASE WHEN h.ok_at IS NULL THEN e.failing_notified_at END, h.last_failure_at) END,
        recovered_at = CASE WHEN h.ok_at IS NOT NULL AND e.failing_notified_at IS NOT NULL THEN h.ok_at ELSE e.recovered_at END
      FROM h JOIN held ON held.id = h.endpoint_id
      WHERE e.id = h.endpoint_id
      RETURNING e.id, e.account_id, e.url, e.consecutive_failures, e.failing_since, e.failing_notified_at, e.recovered_at,
                h.ok_at, h.last_failure_at, h.last_outcome, h.last_response_status, held.was_notified
    ), notices AS (
      SELECT pg_notify('${CHANNELS.attempt}', json_agg(n.notice)::text) AS sent
      FROM (SELECT json_build_object('accountId', d.account_id, 'attemptId', a.id, 'deliveryId', d.id,
                                     'endpointId', d.endpoint_id, 'eventType', d.event_type) AS notice,
                   (row_number() OVER () - 1) / ${NOTICES_PER_NOTIFY} AS chunk
            FROM a JOIN d ON d.id = a.delivery_id) n
      GROUP BY n.chunk
    )
    SELECT d.id, d.account_id, d.endpoint_id, d.event_id, d.event_type, d.attempt_count, d.first_attempt_at, d.settled, t.transitions,
           -- Alone, a batch with transitions is refused (the whole statement rolls back): they are
           -- announced in the transaction that records them. CASE: evaluated only then.
           CASE WHEN ${$.alone}::boolean AND t.transitions IS NOT NULL THEN hookwire_announce_in_transaction() END AS refused
    FROM d, (SELECT count(*) FROM notices) n,
         -- The attempts' foreign-key checks against the partitioned delivery table, at the end of
         -- this statement, planned generic for its transaction (publish.ts fanOutText says why).
         (SELECT set_config('plan_cache_mode', 'force_generic_plan', true)) generic_plans,
         (SELECT json_agg(x ORDER BY x.at) AS transitions FROM (
            SELECT 'recovered' AS kind, id AS "endpointId", account_id AS "accountId", url, recovered_at AS at,
                   0 AS "consecutiveFailures", NULL::timestamptz AS "failingSince", NULL::text AS "lastOutcome", NULL::int AS "lastResponseStatus"
            FROM health WHERE ok_at IS NOT NULL AND was_notified IS NOT NULL
            UNION ALL
            SELECT 'failing', id, account_id, url, failing_notified_at, consecutive_failures, failing_since, last_outcome::text, last_response_status
            FROM health WHERE failing_notified_at IS NOT NULL AND (was_notified IS NULL OR ok_at IS NOT NULL)) x) t`,
  columns,
);

/** Records the batch; returns the deliveries recorded (see RecordedRow for the health transitions). */
export function recordAttempts(sql: Sql, params: RecordAttemptsParams): Promise<RecordedRow[]> {
  return sql.query(RECORD_ATTEMPTS, params);
}

/** hookwire_announce_in_transaction's SQLSTATE (migration 20261221000000_record_alone). */
const ANNOUNCE_IN_TRANSACTION = 'HWA01';

/**
 * Records the batch in one statement that commits on its own, on a connection outside any
 * transaction (node-postgres: the error's code is Postgres's SQLSTATE): the deliveries recorded,
 * or null when the batch changes an endpoint's health, and nothing was recorded (its transitions
 * must be announced in the transaction that records them: recordAttempts then).
 */
export async function recordAttemptsAlone(sql: Sql, params: Omit<RecordAttemptsParams, 'alone'>): Promise<RecordedRow[] | null> {
  try {
    return await sql.query(RECORD_ATTEMPTS, { ...params, alone: true });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === ANNOUNCE_IN_TRANSACTION) return null;
    throw error;
  }
}
