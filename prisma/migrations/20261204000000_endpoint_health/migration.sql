-- Early warning and recovery (endpoint.failing, endpoint.recovered): each endpoint counts the
-- scheduled attempts that failed in a row since its last success.
ALTER TABLE "endpoint"
  ADD COLUMN "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "failing_since" TIMESTAMPTZ(3),
  ADD COLUMN "failing_notified_at" TIMESTAMPTZ(3),
  ADD COLUMN "recovered_at" TIMESTAMPTZ(3);
