// Recovery from a worker killed mid-attempt. graphile-worker releases a dead worker's locked jobs
// only after 4 hours; each pool here records a heartbeat, and every pool unlocks the jobs of pools
// silent for longer than workerStaleAfterMs, so another worker attempts them within minutes.
import type pg from 'pg';
import type { Logger } from '../log.ts';

export interface Liveness {
  track(workerPoolId: string): void;
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
    async stop() {
      clearInterval(timer);
      await running;
      if (ids.size > 0) {
        await pool.query('DELETE FROM worker_heartbeat WHERE worker_id = ANY($1::text[])', [[...ids]]).catch(() => {});
      }
    },
  };
}
