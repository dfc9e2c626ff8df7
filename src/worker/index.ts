// The graphile-worker runner of this process: its task list, crontab and graceful stop.
import { Logger as GraphileLogger, run, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from '../log.ts';
import type { Services } from '../server/services.ts';
import { purgeExpired } from './retention.ts';

/** Task identifiers as stored in graphile_worker job rows: renaming one orphans queued jobs. */
export const TASKS = {
  purgeExpired: 'purge_expired',
} as const;

export interface Worker {
  runner: Runner;
  stop(): Promise<void>;
}

export function taskList(services: Services, logger: Logger): TaskList {
  return {
    [TASKS.purgeExpired]: async () => {
      const deleted = await purgeExpired(services.db, services.config.retentionDays);
      logger.info(`retention: purged ${deleted} events older than ${services.config.retentionDays} days, with their deliveries and attempts`);
    },
  };
}

export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger(() => (level, message) => {
    if (level === 'error') logger.error(message);
    else if (level === 'warning') logger.warn(message);
    else if (level === 'info') logger.debug(message);
  });
}

export async function startWorker(options: {
  databaseUrl: string;
  services: Services;
  logger: Logger;
  concurrency: number;
}): Promise<Worker> {
  const { services, logger } = options;
  const pgPool = new pg.Pool({ connectionString: options.databaseUrl, max: Math.min(options.concurrency + 4, 30) });
  // An idle or checked-out connection dropped by the server (restart, failover) must not crash
  // the process: the pool replaces it and graphile-worker retries.
  pgPool.on('error', (error) => logger.warn(`worker database connection lost: ${error.message}`));
  pgPool.on('connect', (client) => client.on('error', (error) => logger.warn(`worker database connection lost: ${error.message}`)));
  const runner = await run({
    pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    logger: graphileLogger(logger),
    taskList: taskList(services, logger),
    // Daily at 03:17 UTC; fill=1d so a purge missed while down runs at the next start.
    crontab: `17 3 * * * ${TASKS.purgeExpired} ?fill=1d&max=1&jobKey=purge_expired`,
    preset: { worker: { localQueue: { size: 50 } } },
  });
  return {
    runner,
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
