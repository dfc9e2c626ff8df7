-- Accounts of a platform (issue 17): the platform's own id for each customer, its metadata, and a
-- status the admin key sets. A disabled account's keys are refused and its deliveries held; a
-- deleted one is gone from every query at once (deleted_at) while a background job removes its data.
CREATE TYPE "account_status" AS ENUM ('ACTIVE', 'DISABLED');

ALTER TABLE "account"
    ADD COLUMN "external_id" TEXT,
    ADD COLUMN "metadata" JSONB,
    ADD COLUMN "status" "account_status" NOT NULL DEFAULT 'ACTIVE',
    ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

CREATE UNIQUE INDEX "account_external_id_key" ON "account"("external_id");
-- The admin's listing: newest first, keyset on the id (time-ordered).
CREATE INDEX "account_id_desc_idx" ON "account"("id" DESC);

-- As before (20261202000000_engine_lanes), and an endpoint of an account that is not ACTIVE (or is
-- being deleted) is held like a paused one: its lane rests until enableAccount wakes it.
CREATE OR REPLACE FUNCTION "hookwire_release_lane"(p_endpoint_id TEXT, p_worker TEXT, p_now TIMESTAMPTZ, p_not_before TIMESTAMPTZ,
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
  UPDATE endpoint_lane SET ready_at = v_next, leased_by = NULL, lease_until = NULL,
         rate_window_start = p_rate_window_start, rate_count = p_rate_count
  WHERE endpoint_id = p_endpoint_id AND leased_by = p_worker;
  RETURN v_next;
END $$;
