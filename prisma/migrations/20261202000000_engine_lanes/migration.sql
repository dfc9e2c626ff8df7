-- The delivery engine at scale: per-endpoint lanes instead of one queue job per attempt, per-endpoint
-- concurrency and ordering, idempotency keys in their own table, the body stored once per delivery,
-- and attempts that know whether a schedule or a person triggered them.

-- CreateEnum
CREATE TYPE "attempt_trigger" AS ENUM ('SCHEDULED', 'MANUAL');

-- AlterTable
ALTER TABLE "endpoint" ADD COLUMN "concurrency_limit" INTEGER,
ADD COLUMN "ordered" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "delivery" ADD COLUMN "manual_retry" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "manual_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "resume_schedule_at" TIMESTAMPTZ(3);

-- AlterTable: the body of every attempt is its event's payload (delivery -> event), stored once.
ALTER TABLE "delivery_attempt" DROP COLUMN "request_body",
ADD COLUMN "trigger" "attempt_trigger" NOT NULL DEFAULT 'SCHEDULED';

-- CreateTable
CREATE TABLE "endpoint_lane" (
    "endpoint_id" TEXT NOT NULL,
    "ready_at" TIMESTAMPTZ(3),
    "leased_by" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "rate_window_start" TIMESTAMPTZ(3),
    "rate_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "endpoint_lane_pkey" PRIMARY KEY ("endpoint_id")
);

-- CreateTable
CREATE TABLE "idempotency_key" (
    "account_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("account_id","key")
);

-- CreateIndex
CREATE INDEX "endpoint_lane_ready_at_idx" ON "endpoint_lane"("ready_at");

-- CreateIndex
CREATE INDEX "idempotency_key_event_id_idx" ON "idempotency_key"("event_id");

-- CreateIndex
CREATE INDEX "idempotency_key_expires_at_idx" ON "idempotency_key"("expires_at");

-- CreateIndex
CREATE INDEX "delivery_claim_idx" ON "delivery"("endpoint_id", "next_attempt_at", "id") WHERE (status = 'PENDING'::delivery_status);

-- AddForeignKey
ALTER TABLE "endpoint_lane" ADD CONSTRAINT "endpoint_lane_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Keys still inside their 24-hour window keep answering repeats.
INSERT INTO "idempotency_key" ("account_id", "key", "event_id", "expires_at")
SELECT DISTINCT ON ("account_id", "idempotency_key") "account_id", "idempotency_key", "id", "created_at" + interval '24 hours'
FROM "event"
WHERE "idempotency_key" IS NOT NULL AND "created_at" > now() - interval '24 hours'
ORDER BY "account_id", "idempotency_key", "created_at" DESC;

-- DropIndex
DROP INDEX "event_account_id_idempotency_key_created_at_idx";

-- AlterTable
ALTER TABLE "event" DROP COLUMN "idempotency_key";

-- A lane for every endpoint, however it is inserted.
CREATE FUNCTION "hookwire_create_lane"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO endpoint_lane (endpoint_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NEW;
END $$;

CREATE TRIGGER "endpoint_lane_created" AFTER INSERT ON "endpoint" FOR EACH ROW EXECUTE FUNCTION "hookwire_create_lane"();

-- The lanes of the endpoints that exist already; due now when they have deliveries waiting.
INSERT INTO "endpoint_lane" ("endpoint_id", "ready_at")
SELECT e."id", (SELECT min(d."next_attempt_at") FROM "delivery" d WHERE d."endpoint_id" = e."id" AND d."status" = 'PENDING')
FROM "endpoint" e;

-- The rate-limit window moves into the lane; worker liveness was only for per-attempt jobs.
DROP TABLE "endpoint_rate_window";
DROP TABLE "worker_heartbeat";

-- Waking and releasing lanes. Publishers take a shared advisory lock on the lane's bucket before
-- they look at it, a worker releasing a lane takes the same lock exclusively: the release waits for
-- publishers still in their transaction (and then sees their deliveries), or they see the release
-- (and wake the lane). Buckets bound the locks a fan-out to many endpoints takes.
CREATE FUNCTION "hookwire_lane_bucket"(endpoint_id TEXT) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashtext(endpoint_id) & 255 $$;

CREATE FUNCTION "hookwire_wake_lanes"(endpoint_ids TEXT[], at TIMESTAMPTZ) RETURNS INTEGER
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  bucket INTEGER;
  woken INTEGER;
BEGIN
  IF endpoint_ids IS NULL OR cardinality(endpoint_ids) = 0 THEN
    RETURN 0;
  END IF;
  -- In bucket order, so two publishers never wait for each other in a cycle.
  FOR bucket IN SELECT DISTINCT hookwire_lane_bucket(e) FROM unnest(endpoint_ids) AS e ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock_shared(18551, bucket);
  END LOOP;
  -- A new statement, so a new snapshot: it sees every release committed before the locks were granted.
  -- A lane due already (by the publisher's clock or the server's) is left alone: concurrent
  -- publishers, whose clocks were read a moment apart, must not take turns moving it (each move
  -- would lock the row until its publisher commits). Only an idle lane, or one waiting for a
  -- later retry, is brought forward.
  UPDATE endpoint_lane SET ready_at = at
  WHERE endpoint_lane.endpoint_id = ANY(endpoint_ids) AND (ready_at IS NULL OR ready_at > GREATEST(at, clock_timestamp()));
  GET DIAGNOSTICS woken = ROW_COUNT;
  IF woken > 0 THEN
    PERFORM pg_notify('hookwire_lanes', '');
  END IF;
  RETURN woken;
END $$;

-- Gives a lane back: it is next due at its soonest pending delivery (now at the latest, behind the
-- lanes already waiting: round robin), never before not_before (the rate limit's next window),
-- or never while its endpoint is held or has nothing pending. Returns the new ready_at.
CREATE FUNCTION "hookwire_release_lane"(p_endpoint_id TEXT, p_worker TEXT, p_now TIMESTAMPTZ, p_not_before TIMESTAMPTZ,
                                        p_rate_window_start TIMESTAMPTZ, p_rate_count INTEGER) RETURNS TIMESTAMPTZ
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_status endpoint_status;
  v_ordered BOOLEAN;
  v_next TIMESTAMPTZ;
BEGIN
  PERFORM pg_advisory_xact_lock(18551, hookwire_lane_bucket(p_endpoint_id));
  SELECT status, ordered INTO v_status, v_ordered FROM endpoint WHERE id = p_endpoint_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF v_status <> 'ACTIVE' THEN
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
