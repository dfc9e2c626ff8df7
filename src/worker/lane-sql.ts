// The engine's statements on lanes and their deliveries (named, prepared: they run on every slice).
// A lane is one endpoint's queue entry (endpoint_lane): workers claim due lanes oldest-ready first
// (round robin, since a lane given back while still busy is ready again "now", behind the others),
// drain each for a short slice, and give it back through hookwire_release_lane.
import type pg from 'pg';
import type { SignatureHeaderConfig } from '../delivery/sign.ts';

export interface ClaimedLane {
  endpoint_id: string;
  rate_window_start: Date | null;
  rate_count: number;
  account_id: string;
  url: string;
  status: string;
  signing_secret: string;
  retired_secrets: unknown;
  rate_limit_per_second: number | null;
  timeout_ms: number;
  retry_schedule: number[] | null;
  headers: Record<string, string> | null;
  concurrency_limit: number | null;
  ordered: boolean;
  signature_header: SignatureHeaderConfig | null;
  transformation: string | null;
}

/**
 * $1 worker, $2 now, $3 how many, $4 lease grace in ms. The lease covers a slice, the endpoint's
 * timeout and the recording after it; a worker that dies loses its lanes when it runs out.
 */
const CLAIM_LANES = {
  name: 'hookwire_claim_lanes',
  text: `
    WITH c AS (
      SELECT endpoint_id FROM endpoint_lane
      WHERE ready_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
      ORDER BY ready_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED
    )
    UPDATE endpoint_lane l
    SET leased_by = $1, lease_until = $2::timestamptz + make_interval(secs => (e.timeout_ms + $4::int) / 1000.0)
    FROM c, endpoint e
    WHERE l.endpoint_id = c.endpoint_id AND e.id = c.endpoint_id
    RETURNING l.endpoint_id, l.rate_window_start, l.rate_count, e.account_id, e.url, e.status::text AS status,
              e.signing_secret, e.retired_secrets, e.rate_limit_per_second, e.timeout_ms, e.retry_schedule, e.headers,
              e.concurrency_limit, e.ordered, e.signature_header, e.transformation`,
};

export async function claimLanes(pool: pg.Pool, worker: string, now: Date, count: number, leaseGraceMs: number): Promise<ClaimedLane[]> {
  const { rows } = await pool.query<ClaimedLane>({ ...CLAIM_LANES, values: [worker, now, count, leaseGraceMs] });
  return rows;
}

/** When the next lane that is not due yet will be; null when none waits. */
export async function nextReadyAt(pool: pg.Pool, now: Date): Promise<Date | null> {
  const { rows } = await pool.query<{ at: Date | null }>({
    name: 'hookwire_next_ready_lane',
    text: 'SELECT min(ready_at) AS at FROM endpoint_lane WHERE ready_at > $1',
    values: [now],
  });
  return rows[0]?.at ?? null;
}

export interface ClaimedDelivery {
  id: string;
  attempt_count: number;
  manual_attempts: number;
  manual_retry: boolean;
  resume_schedule_at: Date | null;
  next_attempt_at: Date | null;
  event_id: string;
  event_type: string;
  /** The event's envelope: the body, unless the endpoint's transformation made one (body). */
  payload: string;
  body: string | null;
  transformed_headers: Record<string, string> | null;
}

const DELIVERY_COLUMNS = `d.id, d.attempt_count, d.manual_attempts, d.manual_retry, d.resume_schedule_at, d.next_attempt_at,
  d.event_id, d.event_type, ev.payload, d.body, d.transformed_headers`;

/** $1 endpoint, $2 now, $3 ids to skip (this worker has them), $4 how many: due ones, soonest first. */
const CLAIM_DUE = {
  name: 'hookwire_claim_due',
  text: `
    SELECT ${DELIVERY_COLUMNS}
    FROM delivery d JOIN event ev ON ev.id = d.event_id
    WHERE d.endpoint_id = $1 AND d.status = 'PENDING' AND d.next_attempt_at <= $2 AND NOT (d.id = ANY($3::text[]))
      AND EXISTS (SELECT 1 FROM endpoint e WHERE e.id = $1 AND e.status = 'ACTIVE')
    ORDER BY d.next_attempt_at, d.id
    LIMIT $4`,
};

/** $1 endpoint: the oldest pending delivery, due or not (an ordered endpoint's line waits for it). */
const CLAIM_HEAD = {
  name: 'hookwire_claim_head',
  text: `
    SELECT ${DELIVERY_COLUMNS}
    FROM delivery d JOIN event ev ON ev.id = d.event_id
    WHERE d.endpoint_id = $1 AND d.status = 'PENDING'
      AND EXISTS (SELECT 1 FROM endpoint e WHERE e.id = $1 AND e.status = 'ACTIVE')
    ORDER BY d.id
    LIMIT 1`,
};

export async function claimDue(pool: pg.Pool, endpointId: string, now: Date, skip: readonly string[], count: number): Promise<ClaimedDelivery[]> {
  const { rows } = await pool.query<ClaimedDelivery>({ ...CLAIM_DUE, values: [endpointId, now, skip, count] });
  return rows;
}

/** The head of an ordered endpoint's line when it is due now, else nothing. */
export async function claimHead(pool: pg.Pool, endpointId: string, now: Date): Promise<ClaimedDelivery[]> {
  const { rows } = await pool.query<ClaimedDelivery>({ ...CLAIM_HEAD, values: [endpointId] });
  return rows.filter((row) => row.next_attempt_at !== null && row.next_attempt_at <= now);
}

/**
 * Stores what the endpoint's transformation made of a delivery, before its first attempt, so every
 * attempt sends the same bytes. A body stored already (by a worker whose lease ran out) wins.
 */
export async function storeTransformed(pool: pg.Pool, deliveryId: string, body: string, headers: Record<string, string>): Promise<{ body: string; headers: Record<string, string> | null }> {
  const { rows } = await pool.query<{ body: string; transformed_headers: Record<string, string> | null }>({
    name: 'hookwire_store_transformed',
    text: `UPDATE delivery SET body = COALESCE(body, $2), transformed_headers = CASE WHEN body IS NULL THEN $3::jsonb ELSE transformed_headers END
           WHERE id = $1 RETURNING body, transformed_headers`,
    values: [deliveryId, body, JSON.stringify(headers)],
  });
  return rows[0] ? { body: rows[0].body, headers: rows[0].transformed_headers } : { body, headers };
}

/** Gives the lane back (see hookwire_release_lane); returns when it is next due, or null. */
export async function releaseLane(
  pool: pg.Pool,
  lane: { endpointId: string; worker: string; now: Date; notBefore: Date | null; rateWindowStart: Date | null; rateCount: number },
): Promise<Date | null> {
  const { rows } = await pool.query<{ ready_at: Date | null }>({
    name: 'hookwire_release_lane',
    text: 'SELECT hookwire_release_lane($1, $2, $3, $4, $5, $6) AS ready_at',
    values: [lane.endpointId, lane.worker, lane.now, lane.notBefore, lane.rateWindowStart, lane.rateCount],
  });
  return rows[0]?.ready_at ?? null;
}
