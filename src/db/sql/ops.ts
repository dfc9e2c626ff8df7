// What the operational routes and the worker's supervision ask the database: is it there, and
// graphile-worker's own function to free the jobs of a runner that died.
import { statement, type NoParams, type Sql } from '../sql.ts';

export const PING = statement<NoParams, { ok: number }>('hookwire_ping', () => 'SELECT 1 AS ok');

/** Resolves when the database answers a statement; rejects with the driver's error otherwise. */
export async function ping(sql: Sql): Promise<void> {
  await sql.query(PING, {});
}

export const FORCE_UNLOCK_WORKERS = statement<{ workerIds: readonly string[] }>(
  'hookwire_force_unlock_workers',
  ($) => `SELECT graphile_worker.force_unlock_workers(${$.workerIds}::text[])`,
);

/** graphile-worker's force_unlock_workers: the jobs and queues these (dead) worker pools held are free again. */
export async function forceUnlockWorkers(sql: Sql, params: { workerIds: readonly string[] }): Promise<void> {
  await sql.execute(FORCE_UNLOCK_WORKERS, params);
}
