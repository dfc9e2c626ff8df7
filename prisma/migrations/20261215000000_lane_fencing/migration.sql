-- Lanes that survive any database outage (issue 16). Every claim of a lane gives it a new fencing
-- token, and the holder's statements that move the lane carry it (see src/db/sql/lanes.ts). A lane
-- is taken over only from a holder that missed renewals the other workers made: renewals stamp the
-- lane (renewed_at) and the worker's liveness row (worker_heartbeat) with the database's clock, and
-- a claim takes a leased lane only when its last renewal is older than the grace and the claiming
-- worker has itself kept renewing for the grace since then. A database that is away (hung or
-- refusing connections) stops every worker's renewals alike, so nobody's lanes go stale by it.

-- AlterTable
ALTER TABLE "endpoint_lane" ADD COLUMN "lease_token" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "renewed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "worker_heartbeat" (
    "worker_id" TEXT NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "alive_since" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "worker_heartbeat_pkey" PRIMARY KEY ("worker_id")
);

-- CreateIndex
CREATE INDEX "worker_heartbeat_last_seen_at_idx" ON "worker_heartbeat"("last_seen_at");

-- Giving a lane back now needs its token: a release by a worker whose lane was taken over (a new
-- token) changes nothing, even when the new holder is the same worker id.
DROP FUNCTION "hookwire_release_lane"(TEXT, TEXT, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER);

CREATE FUNCTION "hookwire_release_lane"(p_endpoint_id TEXT, p_worker TEXT, p_token BIGINT, p_now TIMESTAMPTZ, p_not_before TIMESTAMPTZ,
                                        p_rate_window_start TIMESTAMPTZ, p_rate_count INTEGER) RETURNS TIMESTAMPTZ
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_status endpoint_status;
  v_ordered BOOLEAN;
  v_held BOOLEAN;
  v_next TIMESTAMPTZ;
BEGIN
  PERFORM pg_advisory_xact_lock(18551, hookwire_lane_bucket(p_endpoint_id));
  SELECT e.status, e.ordered, (a.status <> 'ACTIVE' OR a.deleted_at IS NOT NULL) INTO v_status, v_ordered, v_held
  FROM endpoint e JOIN account a ON a.id = e.account_id WHERE e.id = p_endpoint_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF v_status <> 'ACTIVE' OR v_held THEN
    v_next := NULL;
  ELSIF v_ordered THEN
    SELECT next_attempt_at INTO v_next FROM delivery
    WHERE endpoint_id = p_endpoint_id AND status = 'PENDING' ORDER BY id LIMIT 1;
  ELSE
    SELECT next_attempt_at INTO v_next FROM delivery
    WHERE endpoint_id = p_endpoint_id AND status = 'PENDING' AND next_attempt_at IS NOT NULL
    ORDER BY next_attempt_at LIMIT 1;
  END IF;
  IF v_next IS NOT NULL THEN
    v_next := GREATEST(v_next, p_now, p_not_before);
  END IF;
  UPDATE endpoint_lane SET ready_at = v_next, leased_by = NULL, lease_until = NULL, renewed_at = NULL,
         rate_window_start = p_rate_window_start, rate_count = p_rate_count
  WHERE endpoint_id = p_endpoint_id AND leased_by = p_worker AND lease_token = p_token;
  IF NOT FOUND THEN
    -- Not this holder's lane any more: what it learnt of the lane is the new holder's business.
    RETURN NULL;
  END IF;
  RETURN v_next;
END $$;
