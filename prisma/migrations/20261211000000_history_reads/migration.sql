-- Reads that stay flat as history grows (issue 16): the dashboard's counts come from counters kept
-- as deliveries finish and attempts are recorded, not from counting rows, and the indexes no read
-- uses are gone.
--
-- Both counter tables are maintained by statement-level triggers with transition tables (one
-- grouped upsert per statement, whatever its number of rows), so every writer (the worker's
-- recording, the API's retries and recoveries, the retention purge, a test's plain INSERT) keeps
-- them true without knowing about them. Publishing inserts PENDING deliveries only, which no counter
-- holds: pending deliveries are counted from the claim index (delivery_claim_idx), bounded by the
-- backlog, not by history. The rows a statement touches are upserted in key order, so two writers
-- never deadlock on counters.

-- Finished deliveries per endpoint, event type and hour of creation: Endpoint.stats, the
-- deliveries connections' stats and totalCount.
CREATE TABLE "delivery_hour_count" (
  "endpoint_id" TEXT NOT NULL,
  "event_type" TEXT NOT NULL,
  "hour" TIMESTAMPTZ(3) NOT NULL,
  "account_id" TEXT NOT NULL,
  "succeeded" INTEGER NOT NULL DEFAULT 0,
  "failed" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "delivery_hour_count_pkey" PRIMARY KEY ("endpoint_id", "event_type", "hour")
);
CREATE INDEX "delivery_hour_count_account_id_hour_idx" ON "delivery_hour_count"("account_id", "hour");
ALTER TABLE "delivery_hour_count" ADD CONSTRAINT "delivery_hour_count_endpoint_id_fkey"
  FOREIGN KEY ("endpoint_id") REFERENCES "endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Attempts per endpoint and hour they started: Endpoint.timeline.
CREATE TABLE "attempt_hour_count" (
  "endpoint_id" TEXT NOT NULL,
  "hour" TIMESTAMPTZ(3) NOT NULL,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "succeeded" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "attempt_hour_count_pkey" PRIMARY KEY ("endpoint_id", "hour")
);
ALTER TABLE "attempt_hour_count" ADD CONSTRAINT "attempt_hour_count_endpoint_id_fkey"
  FOREIGN KEY ("endpoint_id") REFERENCES "endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The hour a moment falls in, whatever the session's time zone.
CREATE FUNCTION hookwire_hour(at timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date_bin(interval '1 hour', at, timestamptz '2000-01-01 00:00:00+00');

-- Adds signed counts to delivery_hour_count, in key order; rows that reach zero go.
CREATE FUNCTION hookwire_count_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO delivery_hour_count AS c (endpoint_id, event_type, hour, account_id, succeeded, failed)
    SELECT endpoint_id, event_type, hookwire_hour(created_at), min(account_id),
           count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED')
    FROM new_rows WHERE status <> 'PENDING'
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (endpoint_id, event_type, hour) DO UPDATE
      SET succeeded = c.succeeded + excluded.succeeded, failed = c.failed + excluded.failed;
  ELSIF TG_OP = 'UPDATE' THEN
    -- A delivery's endpoint, event type and creation never change: only its status moves.
    INSERT INTO delivery_hour_count AS c (endpoint_id, event_type, hour, account_id, succeeded, failed)
    SELECT n.endpoint_id, n.event_type, hookwire_hour(n.created_at), min(n.account_id),
           sum((n.status = 'SUCCEEDED')::int - (o.status = 'SUCCEEDED')::int),
           sum((n.status = 'FAILED')::int - (o.status = 'FAILED')::int)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.status IS DISTINCT FROM o.status
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (endpoint_id, event_type, hour) DO UPDATE
      SET succeeded = c.succeeded + excluded.succeeded, failed = c.failed + excluded.failed;
  ELSE
    -- Only existing rows: an endpoint being deleted takes its counters with it.
    WITH gone AS (
      SELECT endpoint_id, event_type, hookwire_hour(created_at) AS hour,
             count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded, count(*) FILTER (WHERE status = 'FAILED') AS failed
      FROM old_rows WHERE status <> 'PENDING' GROUP BY 1, 2, 3
    ), locked AS (
      SELECT c.endpoint_id, c.event_type, c.hour FROM delivery_hour_count c JOIN gone g USING (endpoint_id, event_type, hour)
      ORDER BY 1, 2, 3 FOR UPDATE OF c
    )
    UPDATE delivery_hour_count c SET succeeded = c.succeeded - g.succeeded, failed = c.failed - g.failed
    FROM gone g JOIN locked l USING (endpoint_id, event_type, hour)
    WHERE c.endpoint_id = g.endpoint_id AND c.event_type = g.event_type AND c.hour = g.hour;
    DELETE FROM delivery_hour_count c USING (SELECT DISTINCT endpoint_id, event_type, hookwire_hour(created_at) AS hour FROM old_rows) g
    WHERE c.endpoint_id = g.endpoint_id AND c.event_type = g.event_type AND c.hour = g.hour AND c.succeeded = 0 AND c.failed = 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER delivery_count_insert AFTER INSERT ON "delivery"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_deliveries();
CREATE TRIGGER delivery_count_update AFTER UPDATE ON "delivery"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_deliveries();
CREATE TRIGGER delivery_count_delete AFTER DELETE ON "delivery"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_deliveries();

-- Adds the statement's attempts to attempt_hour_count (per endpoint and hour), in key order.
-- Attempts are deleted only with their deliveries (the retention purge, an endpoint's deletion):
-- the purge drops the hours it passes (src/db/sql/retention.ts), an endpoint's go with it.
CREATE FUNCTION hookwire_count_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO attempt_hour_count AS c (endpoint_id, hour, attempts, succeeded)
  SELECT d.endpoint_id, hookwire_hour(a.started_at), count(*), count(*) FILTER (WHERE a.outcome = 'SUCCESS')
  FROM new_rows a JOIN delivery d ON d.id = a.delivery_id
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (endpoint_id, hour) DO UPDATE
    SET attempts = c.attempts + excluded.attempts, succeeded = c.succeeded + excluded.succeeded;
  RETURN NULL;
END $$;

CREATE TRIGGER attempt_count_insert AFTER INSERT ON "delivery_attempt"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_attempts();

-- The counters of the history already stored (the triggers count from here on).
INSERT INTO delivery_hour_count (endpoint_id, event_type, hour, account_id, succeeded, failed)
SELECT endpoint_id, event_type, hookwire_hour(created_at), min(account_id),
       count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED')
FROM delivery WHERE status <> 'PENDING' GROUP BY 1, 2, 3;
INSERT INTO attempt_hour_count (endpoint_id, hour, attempts, succeeded)
SELECT d.endpoint_id, hookwire_hour(a.started_at), count(*), count(*) FILTER (WHERE a.outcome = 'SUCCESS')
FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id GROUP BY 1, 2;

-- Indexes: the timeline no longer reads attempts by time, and no read wants delivery(created_at) as
-- a b-tree. Counts since a moment read that moment's hour by creation: a BRIN index (the heap is in
-- creation order, so a few bytes per thousand rows find an hour's blocks). Recovery reads an
-- endpoint's FAILED deliveries by creation: a partial index of the failed ones only.
DROP INDEX "delivery_attempt_started_at_idx";
DROP INDEX "delivery_created_at_idx";
CREATE INDEX "delivery_created_at_idx" ON "delivery" USING BRIN ("created_at");
CREATE INDEX "delivery_failed_idx" ON "delivery"("endpoint_id", "created_at") WHERE (status = 'FAILED'::delivery_status);
