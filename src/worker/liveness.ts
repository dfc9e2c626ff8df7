// Recovery from a worker killed (or a job abandoned) mid-attempt. graphile-worker releases a dead worker's locked jobs
// only after 4 hours; each pool here records a heartbeat, and every pool unlocks the jobs of pools
// silent for longer than workerStaleAfterMs, so another worker attempts them within minutes.
import type pg from 'pg';
import type { Logger } from '../log.ts';
import { TASKS } from './jobs.ts';

/** Longer than any attempt can take (timeoutMs is at most 30 s) with its recording. */
const STUCK_AFTER_MS = 120_000;

export interface Liveness {
  track(workerPoolId: string): void;
  /** Stops beating for a pool that ended, so it is not kept alive in the others' eyes. */
  untrack(workerPoolId: string): void;
  stop(): Promise<void>;
}

export function startLiveness(options: {
  pool: pg.Pool;
  logger: Logger;
  heartbeatMs: number;
  staleAfterMs: number;
}): Liveness {
  const { pool, logger } = options;
  const ids = new Set<string>();
  let running: Promise<void> = Promise.resolve();

  const beat = async () => {
    if (ids.size > 0) {
      await pool.query(
        `INSERT INTO worker_heartbeat (worker_id, last_seen_at) SELECT unnest($1::text[]), now()
         ON CONFLICT (worker_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
        [[...ids]],
      );
    }
    const { rows } = await pool.query<{ worker_id: string }>(
      `WITH dead AS (
         DELETE FROM worker_heartbeat WHERE last_seen_at < now() - make_interval(secs => $1::float8 / 1000)
         RETURNING worker_id)
       SELECT worker_id FROM dead`,
      [options.staleAfterMs],
    );
    if (rows.length > 0) {
      const dead = rows.map((r) => r.worker_id);
      await pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
      logger.warn(`unlocked the jobs of ${dead.length} worker pool(s) silent for over ${options.staleAfterMs} ms: ${dead.join(', ')}`);
    }
    // A live pool can still hold a job it could not complete (the database went away at that
    // moment). No attempt runs longer than STUCK_AFTER_MS, so such a lock is abandoned; its pool's
    // jobs are unlocked for anyone (an attempt then in flight may be sent twice: receivers dedupe
    // on webhook-id).
    const { rows: stuck } = await pool.query<{ locked_by: string }>(
      `SELECT DISTINCT locked_by FROM graphile_worker.jobs
       WHERE task_identifier = $1 AND locked_at < now() - make_interval(secs => $2::float8 / 1000)`,
      [TASKS.deliver, STUCK_AFTER_MS],
    );
    if (stuck.length > 0) {
      const owners = stuck.map((r) => r.locked_by);
      await pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [owners]);
      logger.warn(`unlocked delivery jobs held for over ${STUCK_AFTER_MS} ms by ${owners.join(', ')}`);
    }
  };
  const tick = () => {
    running = beat().catch((error: Error) => logger.warn(`worker heartbeat failed: ${error.message}`));
  };
  const timer = setInterval(tick, options.heartbeatMs);
  timer.unref();

  return {
    track(workerPoolId) {
      ids.add(workerPoolId);
      tick();
    },
    untrack(workerPoolId) {
      ids.delete(workerPoolId);
    },
    async stop() {
      clearInterval(timer);
      await running;
      if (ids.size > 0) {
        await pool.query('DELETE FROM worker_heartbeat WHERE worker_id = ANY($1::text[])', [[...ids]]).catch(() => {});
      }
    },
  };
}
