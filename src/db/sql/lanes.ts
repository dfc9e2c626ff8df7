// The lane protocol, top to bottom: how deliveries become due, how workers take them, and how they
// give them back. A lane is one endpoint's queue entry (endpoint_lane, one per endpoint, made by the
// trigger endpoint_lane_created); it is due when ready_at <= now and no live lease holds it.
//
// It relies on these plpgsql functions of prisma/migrations/20261202000000_engine_lanes:
// - hookwire_create_lane, run by the trigger endpoint_lane_created: every endpoint has its lane.
// - hookwire_lane_bucket(endpoint_id): the advisory-lock bucket (one of 256) of a lane.
// - hookwire_wake_lanes(endpoint_ids, at): takes the lanes' bucket locks SHARED, in bucket order,
//   then brings each idle lane (or one waiting for a later retry) forward to `at`, and NOTIFYs
//   hookwire_lanes when it moved any.
// - hookwire_release_lane(...): takes the lane's bucket lock EXCLUSIVELY, then sets ready_at to the
//   endpoint's soonest pending delivery (null when it has none or is held) and drops the lease.
//   Replaced by 20261209000000_platform_accounts: an endpoint of a disabled or deleted account is
//   held too. Replaced in use by hookwire_release_lanes (20261217000000_lane_batches): the same for
//   many lanes of one worker in one statement, the bucket locks EXCLUSIVELY in bucket order (the
//   order wakes take them shared), then one set-based UPDATE; a stale token changes only its lane.
//
// The locking protocol: a writer that makes deliveries due (publish, resume, retry, recover) wakes
// their lanes in its own transaction, so the shared bucket locks are held until it commits. A worker
// releasing a lane waits for those writers (the exclusive lock) and, in the new snapshot it then
// reads, sees their deliveries; or the writer comes after the release and wakes the lane itself.
// Either way a committed delivery is never left in a lane nobody will claim. Claims use FOR UPDATE
// SKIP LOCKED, so workers never wait for each other.
//
// Holding a lane (prisma/migrations/20261215000000_lane_fencing): every claim gives the lane a new
// fencing token (lease_token + 1) and stamps renewed_at with the database's clock. While its worker
// lives, the holder renews every lane it drains a third of the grace apart (RENEW_LEASES, one
// statement that also stamps the worker's own liveness row, worker_heartbeat: last_seen_at, and
// alive_since, the start of its current unbroken run of renewals). A leased lane is taken over
// (CLAIM_LANES) only when all three hold:
// - its lease ran out by the claimer's clock (lease_until < now: an attempt it had in flight has
//   timed out),
// - its holder's last renewal of it is older than the grace, by the database's clock, and
// - the claiming worker itself renewed without a break (no gap over two renewal intervals) for at
//   least the grace after that last renewal: the holder missed renewals that another worker made.
// A database that is away (hung, or refusing connections), for however long, stops every worker's
// renewals alike and breaks every run: when it is back, each holder renews within an interval,
// long before any claimer has a new run of a grace, so an outage takes no lane from a live holder.
// A worker that is really dead (or frozen, or cut off alone) loses its lanes once its lease runs
// out (timeout + grace after its last renewal) or a grace after the claimer began renewing,
// whichever is later; a lone worker restarting (a new worker id) takes its old lanes so. A lane
// its live worker stopped renewing (its release failed) is taken over the same way, by any worker,
// that one included.
//
// What a stale writer (one whose token is no longer the lane's: its lane was taken over) may do:
// - record the attempts it made (RECORD_ATTEMPTS, src/db/sql/record-attempts.ts): every request a
//   receiver got is an attempt in the history, stored under its delivery's next free number (so
//   attempt_count, manual_attempts and first_attempt_at count it too);
// - make a delivery SUCCEEDED with its successful attempt (the receiver has it; a success wins);
// - store a delivery's transformed body if none is stored yet (STORE_TRANSFORMED: the first wins).
// What it may not: change any other delivery state (status, next_attempt_at: the new holder owns
// the schedule), count in the endpoint's health or announce failing/recovered, pause or disable the
// endpoint or exhaust a delivery (recordWithEffect: its attempts are not "settled"), renew the
// lane (RENEW_LEASES answers without it: its slice starts nothing more), or give it back, its
// ready_at and rate window included (hookwire_release_lane changes nothing for a stale token).
// The record statement locks the batch's lanes FOR KEY SHARE while it checks their tokens, so a
// takeover (FOR UPDATE SKIP LOCKED) never slips between the check and the commit; renewals, wakes
// and releases (non-key updates) do not wait for it.
//
// Nor does any holder put a request on the wire once its lease has run out by its own clock, or
// past the attempt's timeout (a worker waking from a freeze with requests still queued in its HTTP
// pool): src/delivery/send.ts checks at the moment undici would write it and answers 'not-sent',
// which is no attempt (nothing recorded, the delivery left due).
import { sqlOf, statement, type Runner } from '../sql.ts';

/** NOTIFY channel of hookwire_wake_lanes: a worker hearing it looks for due lanes at once. */
export const LANES_CHANNEL = 'hookwire_lanes';

// 1. Waking: deliveries became due. (The publish statement, src/db/sql/publish.ts, calls
//    hookwire_wake_lanes inside its own text: the fan-out is one statement.)

export interface WakeLanesParams {
  endpointIds: readonly string[];
  /** Due at this time at the latest. */
  at: Date;
}

export const WAKE_LANES = statement<WakeLanesParams, { woken: number }, { endpointIds: string[]; at: Date }>(
  'hookwire_wake_lanes',
  ($) => `SELECT hookwire_wake_lanes(${$.endpointIds}::text[], ${$.at}::timestamptz) AS woken`,
  (p) => ({ endpointIds: [...new Set(p.endpointIds)], at: p.at }),
);

/** The lanes of these endpoints are due at `at` at the latest; in the caller's transaction. Returns how many moved. */
export async function wakeLanes(db: Runner, params: WakeLanesParams): Promise<number> {
  if (params.endpointIds.length === 0) return 0;
  const [row] = await sqlOf(db).query(WAKE_LANES, params);
  return row?.woken ?? 0;
}

// 2. Claiming lanes: oldest-ready first. A lane given back while still busy is ready again "now",
//    behind the others waiting: that is the round robin.

export interface ClaimLanesParams {
  worker: string;
  now: Date;
  /** How many lanes at most. */
  limit: number;
  /**
   * The lease covers a slice, the endpoint's timeout and this much more for recording; a leased lane
   * is taken over only when its holder missed renewals for this long while the claimer renewed.
   */
  leaseGraceMs: number;
}

export interface ClaimedLane {
  endpoint_id: string;
  /** The fencing token of this claim (a bigint, as text): the holder's statements carry it. */
  lease_token: string;
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
  /** JSON as the endpoint stored it (delivery/sign.ts SignatureHeaderConfig), or null. */
  signature_header: unknown;
  transformation: string | null;
  destination_kind: 'HTTP' | 'RABBITMQ' | 'NATS' | 'REDIS_STREAM';
  /** Broker kinds: the broker URL, sealed (url holds it masked). */
  broker_url: string | null;
  exchange: string | null;
  routing_key: string | null;
  subject: string | null;
  stream: string | null;
}

export const CLAIM_LANES = statement<ClaimLanesParams, ClaimedLane>(
  'hookwire_claim_lanes',
  ($) => `
    WITH me AS (
      SELECT last_seen_at, alive_since FROM worker_heartbeat WHERE worker_id = ${$.worker}
    ), c AS (
      SELECT l.endpoint_id FROM endpoint_lane l
      WHERE l.ready_at <= ${$.now}
        AND (l.leased_by IS NULL
             OR (l.lease_until < ${$.now}
                 AND COALESCE(l.renewed_at, '-infinity') < clock_timestamp() - make_interval(secs => ${$.leaseGraceMs}::int / 1000.0)
                 AND EXISTS (SELECT 1 FROM me
                             WHERE me.last_seen_at - GREATEST(me.alive_since, COALESCE(l.renewed_at, '-infinity'))
                                   >= make_interval(secs => ${$.leaseGraceMs}::int / 1000.0))))
      ORDER BY l.ready_at
      LIMIT ${$.limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE endpoint_lane l
    SET leased_by = ${$.worker}, lease_until = ${$.now}::timestamptz + make_interval(secs => (e.timeout_ms + ${$.leaseGraceMs}::int) / 1000.0),
        lease_token = l.lease_token + 1, renewed_at = clock_timestamp()
    FROM c, endpoint e
    WHERE l.endpoint_id = c.endpoint_id AND e.id = c.endpoint_id
    RETURNING l.endpoint_id, l.lease_token::text AS lease_token, l.rate_window_start, l.rate_count, e.account_id, e.url, e.status::text AS status,
              e.signing_secret, e.retired_secrets, e.rate_limit_per_second, e.timeout_ms, e.retry_schedule, e.headers,
              e.concurrency_limit, e.ordered, e.signature_header, e.transformation,
              e.destination_kind::text AS destination_kind, e.broker_url, e.exchange, e.routing_key, e.subject, e.stream`,
);

export function claimLanes(db: Runner, params: ClaimLanesParams): Promise<ClaimedLane[]> {
  return sqlOf(db).query(CLAIM_LANES, params);
}

export const NEXT_READY_LANE = statement<{ now: Date }, { at: Date | null }>(
  'hookwire_next_ready_lane',
  ($) => `SELECT min(ready_at) AS at FROM endpoint_lane WHERE ready_at > ${$.now}`,
);

/** When the next lane that is not due yet will be; null when none waits. */
export async function nextReadyAt(db: Runner, params: { now: Date }): Promise<Date | null> {
  const [row] = await sqlOf(db).query(NEXT_READY_LANE, params);
  return row?.at ?? null;
}

// 2b. Keeping a lane: its holder renews the lease of every lane it drains while it lives, so a slice
//     may outlast one lease (a slow receiver, a retry that fell due meanwhile) and a lane is taken
//     over only from a holder that missed renewals other workers made (frozen, dead, or cut off
//     from the database alone). Every worker renews (its liveness row) even with no lane to keep:
//     that is what lets it take a dead worker's lanes.

export interface RenewLeasesParams {
  worker: string;
  /** The lanes this worker drains, each with the token of its claim. */
  lanes: ReadonlyArray<{ endpointId: string; token: string }>;
  now: Date;
  leaseGraceMs: number;
  /** A pause between two of this worker's renewals longer than this breaks its run (alive_since starts again). */
  breakAfterMs: number;
  /** Liveness rows of workers silent this long are deleted. */
  forgetAfterMs?: number;
}

export const RENEW_LEASES = statement<
  RenewLeasesParams,
  { endpoint_id: string; lease_until: Date },
  { worker: string; endpointIds: string[]; tokens: string[]; now: Date; leaseGraceMs: number; breakAfterMs: number; forgetAfterMs: number }
>(
  'hookwire_renew_leases',
  ($) => `
    WITH beat AS (
      INSERT INTO worker_heartbeat AS w (worker_id, last_seen_at, alive_since) VALUES (${$.worker}, clock_timestamp(), clock_timestamp())
      ON CONFLICT (worker_id) DO UPDATE SET
        alive_since = CASE WHEN w.last_seen_at < clock_timestamp() - make_interval(secs => ${$.breakAfterMs}::int / 1000.0)
                           THEN clock_timestamp() ELSE w.alive_since END,
        last_seen_at = clock_timestamp()
      RETURNING 1
    ), forgotten AS (
      DELETE FROM worker_heartbeat WHERE last_seen_at < clock_timestamp() - make_interval(secs => ${$.forgetAfterMs}::int / 1000.0)
        AND worker_id <> ${$.worker}
      RETURNING 1
    ), mine AS (
      SELECT * FROM unnest(${$.endpointIds}::text[], ${$.tokens}::bigint[]) AS m(endpoint_id, token)
    )
    UPDATE endpoint_lane l
    SET lease_until = ${$.now}::timestamptz + make_interval(secs => (e.timeout_ms + ${$.leaseGraceMs}::int) / 1000.0),
        renewed_at = clock_timestamp()
    FROM mine, endpoint e
    WHERE l.endpoint_id = mine.endpoint_id AND l.leased_by = ${$.worker} AND l.lease_token = mine.token AND e.id = l.endpoint_id
    RETURNING l.endpoint_id, l.lease_until`,
  (p) => ({
    worker: p.worker,
    endpointIds: p.lanes.map((l) => l.endpointId),
    tokens: p.lanes.map((l) => l.token),
    now: p.now,
    leaseGraceMs: p.leaseGraceMs,
    breakAfterMs: p.breakAfterMs,
    forgetAfterMs: p.forgetAfterMs ?? 86_400_000,
  }),
);

/**
 * Stamps this worker's liveness and renews its leases of these lanes (each under the token of its
 * claim); returns the lanes it still holds: a lane missing was taken over (or given back).
 */
export async function renewLeases(db: Runner, params: RenewLeasesParams): Promise<Map<string, Date>> {
  const rows = await sqlOf(db).query(RENEW_LEASES, params);
  return new Map(rows.map((row) => [row.endpoint_id, row.lease_until]));
}

// 3. Draining a claimed lane: its due deliveries (or, for an ordered endpoint, only the head of its
//    line), read without locks: the lease makes this worker the only one on the lane.

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

export interface ClaimDueParams {
  endpointId: string;
  now: Date;
  /** Deliveries this worker has in flight already. */
  skip: readonly string[];
  limit: number;
}

export const CLAIM_DUE = statement<ClaimDueParams, ClaimedDelivery>(
  'hookwire_claim_due',
  ($) => dueDeliveries($.endpointId, $.now, $.limit, `NOT (d.id = ANY(${$.skip}::text[]))`),
);

/**
 * One endpoint's due deliveries, soonest first, none while it or its account is held: the text of
 * claimDue, and of claimDueLanes for each lane. `also`: one more condition on the delivery `d`.
 */
function dueDeliveries(endpointId: string, now: string, limit: string, also?: string): string {
  return `
    SELECT ${DELIVERY_COLUMNS}
    FROM delivery d JOIN event ev ON ev.id = d.event_id
    WHERE d.endpoint_id = ${endpointId} AND d.status = 'PENDING' AND d.next_attempt_at <= ${now}${also ? ` AND ${also}` : ''}
      AND EXISTS (SELECT 1 FROM endpoint e JOIN account a ON a.id = e.account_id
                  WHERE e.id = ${endpointId} AND e.status = 'ACTIVE' AND a.status = 'ACTIVE' AND a.deleted_at IS NULL)
    ORDER BY d.next_attempt_at, d.id
    LIMIT ${limit}`;
}

/** The endpoint's due deliveries, soonest first (nothing while it, or its account, is held). */
export function claimDue(db: Runner, params: ClaimDueParams): Promise<ClaimedDelivery[]> {
  return sqlOf(db).query(CLAIM_DUE, params);
}

export interface ClaimDueLanesParams {
  /** Lanes just claimed (not ordered), each with how many deliveries at most. */
  lanes: ReadonlyArray<{ endpointId: string; limit: number }>;
  now: Date;
}

export const CLAIM_DUE_LANES = statement<
  ClaimDueLanesParams,
  ClaimedDelivery & { endpoint_id: string },
  { endpointIds: string[]; limits: number[]; now: Date }
>(
  'hookwire_claim_due_lanes',
  ($) => `
    SELECT r.endpoint_id, due.*
    FROM unnest(${$.endpointIds}::text[], ${$.limits}::int[]) AS r(endpoint_id, lim)
    CROSS JOIN LATERAL (${dueDeliveries('r.endpoint_id', $.now, 'r.lim')}) due`,
  (p) => ({ endpointIds: p.lanes.map((l) => l.endpointId), limits: p.lanes.map((l) => l.limit), now: p.now }),
);

/**
 * The first claimDue of many lanes in one statement: each lane's due deliveries, soonest first, up
 * to its limit (nothing for a lane whose endpoint or account is held). Every lane asked for is in
 * the answer, with no deliveries when none is due.
 */
export async function claimDueLanes(db: Runner, params: ClaimDueLanesParams): Promise<Map<string, ClaimedDelivery[]>> {
  const due = new Map<string, ClaimedDelivery[]>(params.lanes.map((l) => [l.endpointId, []]));
  if (params.lanes.length === 0) return due;
  for (const { endpoint_id, ...delivery } of await sqlOf(db).query(CLAIM_DUE_LANES, params)) due.get(endpoint_id)?.push(delivery);
  return due;
}

export const CLAIM_HEAD = statement<{ endpointId: string }, ClaimedDelivery>(
  'hookwire_claim_head',
  ($) => `
    SELECT ${DELIVERY_COLUMNS}
    FROM delivery d JOIN event ev ON ev.id = d.event_id
    WHERE d.endpoint_id = ${$.endpointId} AND d.status = 'PENDING'
      AND EXISTS (SELECT 1 FROM endpoint e JOIN account a ON a.id = e.account_id
                  WHERE e.id = ${$.endpointId} AND e.status = 'ACTIVE' AND a.status = 'ACTIVE' AND a.deleted_at IS NULL)
    ORDER BY d.id
    LIMIT 1`,
);

/**
 * The head of an ordered endpoint's line (its oldest pending delivery, due or not: the line waits
 * for it) when it is due now, else nothing.
 */
export async function claimHead(db: Runner, params: { endpointId: string; now: Date }): Promise<ClaimedDelivery[]> {
  const rows = await sqlOf(db).query(CLAIM_HEAD, { endpointId: params.endpointId });
  return rows.filter((row) => row.next_attempt_at !== null && row.next_attempt_at <= params.now);
}

export interface StoreTransformedParams {
  deliveryId: string;
  body: string;
  /** Stored as given (the caller seals the values). */
  headers: Record<string, string>;
}

export const STORE_TRANSFORMED = statement<
  StoreTransformedParams,
  { body: string; transformed_headers: Record<string, string> | null },
  { deliveryId: string; body: string; headers: string }
>(
  'hookwire_store_transformed',
  ($) => `
    UPDATE delivery SET body = COALESCE(body, ${$.body}),
                        transformed_headers = CASE WHEN body IS NULL THEN ${$.headers}::jsonb ELSE transformed_headers END
    WHERE id = ${$.deliveryId} RETURNING body, transformed_headers`,
  (p) => ({ deliveryId: p.deliveryId, body: p.body, headers: JSON.stringify(p.headers) }),
);

/**
 * Stores what the endpoint's transformation made of a delivery, before its first attempt, so every
 * attempt sends the same bytes. A body stored already (by a worker whose lease ran out) wins; a
 * delivery gone meanwhile keeps what was given.
 */
export async function storeTransformed(db: Runner, params: StoreTransformedParams): Promise<{ body: string; headers: Record<string, string> | null }> {
  const [row] = await sqlOf(db).query(STORE_TRANSFORMED, params);
  return row ? { body: row.body, headers: row.transformed_headers } : { body: params.body, headers: params.headers };
}

// 4. Giving the lane back, with its rate-limit window, after every attempt of the slice is recorded.

export interface ReleaseLaneParams {
  endpointId: string;
  worker: string;
  /** The token of the claim: a lane taken over meanwhile (a new token) is left to its new holder. */
  token: string;
  now: Date;
  /** Not due again before this (the rate limit's next window), or null. */
  notBefore: Date | null;
  rateWindowStart: Date | null;
  rateCount: number;
}

export const RELEASE_LANES = statement<
  { worker: string; now: Date; lanes: ReadonlyArray<Omit<ReleaseLaneParams, 'worker' | 'now'>> },
  { endpoint_id: string; ready_at: Date | null },
  { endpointIds: string[]; worker: string; tokens: string[]; now: Date; notBefore: (Date | null)[]; rateWindowStart: (Date | null)[]; rateCount: number[] }
>(
  'hookwire_release_lanes',
  ($) =>
    `SELECT released_id AS endpoint_id, released_ready_at AS ready_at
     FROM hookwire_release_lanes(${$.endpointIds}::text[], ${$.worker}, ${$.tokens}::bigint[], ${$.now}::timestamptz,
                                 ${$.notBefore}::timestamptz[], ${$.rateWindowStart}::timestamptz[], ${$.rateCount}::int[])`,
  (p) => ({
    endpointIds: p.lanes.map((l) => l.endpointId),
    worker: p.worker,
    tokens: p.lanes.map((l) => l.token),
    now: p.now,
    notBefore: p.lanes.map((l) => l.notBefore),
    rateWindowStart: p.lanes.map((l) => l.rateWindowStart),
    rateCount: p.lanes.map((l) => l.rateCount),
  }),
);

/**
 * Gives back several lanes of one worker in one statement (hookwire_release_lanes: the bucket locks
 * exclusively, in bucket order, then one set-based UPDATE). Returns each lane this holder still
 * held (its token current) with when it is next due (null: when woken); a lane missing was not
 * this holder's any more and is unchanged. A batch holds each endpoint at most once.
 */
export async function releaseLanes(
  db: Runner,
  params: { worker: string; now: Date; lanes: ReadonlyArray<Omit<ReleaseLaneParams, 'worker' | 'now'>> },
): Promise<Map<string, Date | null>> {
  if (params.lanes.length === 0) return new Map();
  const rows = await sqlOf(db).query(RELEASE_LANES, params);
  return new Map(rows.map((row) => [row.endpoint_id, row.ready_at]));
}

/** Gives one lane back (a batch of one, see releaseLanes); returns when it is next due, or null (also when it was not this holder's any more). */
export async function releaseLane(db: Runner, params: ReleaseLaneParams): Promise<Date | null> {
  const { worker, now, ...lane } = params;
  const released = await releaseLanes(db, { worker, now, lanes: [lane] });
  return released.get(params.endpointId) ?? null;
}
