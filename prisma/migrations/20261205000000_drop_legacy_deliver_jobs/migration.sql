-- The per-attempt graphile-worker task "deliver" is gone: since 20261202000000_engine_lanes every
-- pending delivery is in its endpoint's lane, and the jobs an older version queued for it were
-- completed without doing anything. Those still queued are removed here, through graphile-worker's
-- own complete_jobs (it skips a job a live worker holds). On a database where graphile-worker never
-- ran, its schema does not exist yet and there is nothing to remove.
DO $$
BEGIN
  IF to_regclass('graphile_worker.jobs') IS NOT NULL
     AND to_regprocedure('graphile_worker.complete_jobs(bigint[])') IS NOT NULL THEN
    PERFORM graphile_worker.complete_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'deliver'));
  END IF;
END $$;
