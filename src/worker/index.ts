// The graphile-worker runner of this process: its task list, crontab, liveness and graceful stop.
import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import { ReconnectingPool } from '../db/reconnect.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../server/metrics.ts';
import type { Services } from '../server/services.ts';
import { attemptDelivery } from './deliver.ts';
import { TASKS } from './jobs.ts';
import { startLiveness } from './liveness.ts';
import { purgeExpired } from './retention.ts';

export interface Worker {
  runner: Runner;
  stop(): Promise<void>;
}

export function taskList(services: Services, logger: Logger, metrics?: Metrics): TaskList {
  const deps = { db: services.db, dispatcher: services.dispatcher, config: services.config, metrics };
  return {
    [TASKS.deliver]: async (payload) => {
      const { deliveryId } = payload as { deliveryId?: unknown };
      if (typeof deliveryId !== 'string') {
        logger.error(`deliver job without a deliveryId: ${JSON.stringify(payload)}`);
        return;
      }
      const report = await attemptDelivery(deps, deliveryId);
      if (report.kind === 'attempted') {
        logger.debug(`${deliveryId} attempt ${report.attemptNumber}: ${report.outcome}${report.willRetry ? ', will retry' : ''}`);
      }
    },
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
    else logger.debug(message);
  });
}

export async function startWorker(options: {
  databaseUrl: string;
  services: Services;
  logger: Logger;
  metrics?: Metrics;
}): Promise<Worker> {
  const { services, logger } = options;
  const { config } = services;
  const pgPool = new ReconnectingPool({ connectionString: options.databaseUrl, max: Math.min(config.workerConcurrency + 4, 40) });
  // A connection dropped by the server (restart, failover) must not crash the process: the pool
  // replaces it and graphile-worker retries.
  pgPool.on('error', (error) => logger.warn(`worker database connection lost: ${error.message}`));
  pgPool.on('connect', (client) => client.on('error', (error) => logger.warn(`worker database connection lost: ${error.message}`)));

  const liveness = startLiveness({ pool: pgPool, logger, heartbeatMs: config.workerHeartbeatMs, staleAfterMs: config.workerStaleAfterMs });
  // One emitter for every runner this worker starts, so listeners survive a restart.
  const events: WorkerEvents = new EventEmitter();
  const poolIds: string[] = [];
  events.on('pool:create', ({ workerPool }) => {
    poolIds.push(workerPool.id);
    liveness.track(workerPool.id);
  });

  const startRunner = () =>
    run({
      pgPool,
      events,
      concurrency: config.workerConcurrency,
      noHandleSignals: true,
      logger: graphileLogger(logger),
      taskList: taskList(services, logger, options.metrics),
      // Daily at 03:17 UTC; fill=1d so a purge missed while down runs at the next start.
      crontab: `17 3 * * * ${TASKS.purgeExpired} ?fill=1d&max=1&jobKey=purge_expired`,
      // Batch job completions made in the same tick: one statement instead of one per attempt.
      preset: { worker: { localQueue: { size: Math.max(config.workerConcurrency, 10) }, completeJobBatchDelay: 0 } },
    });

  let stopping = false;
  let runner = await startRunner();

  /**
   * graphile-worker ends its pool when the database fails under it at the wrong moment (a batch
   * of completions, say). This process must go on delivering: the dead pool's locked jobs are
   * released at once and a new runner starts, retried with backoff while the database is away.
   */
  const supervise = (current: Runner) => {
    current.promise.then(
      () => restart(current, null),
      (error: unknown) => restart(current, error),
    );
  };
  const restart = async (dead: Runner, error: unknown) => {
    if (stopping || dead !== runner) return;
    logger.error(`worker runner exited${error ? ` (${(error as Error).message})` : ''}; starting a new one`);
    const orphaned = poolIds.splice(0);
    for (const id of orphaned) liveness.untrack(id);
    for (let delay = 500; !stopping; delay = Math.min(delay * 2, 10_000)) {
      try {
        await pgPool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [orphaned]);
        const next = await startRunner();
        if (stopping) {
          await next.stop();
          return;
        }
        runner = next;
        supervise(next);
        return;
      } catch (restartError) {
        logger.warn(`worker runner could not start yet (${(restartError as Error).message}); retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  supervise(runner);

  return {
    get runner() {
      return runner;
    },
    async stop() {
      stopping = true;
      await runner.stop().catch((error: Error) => logger.warn(`worker runner stop: ${error.message}`));
      await liveness.stop();
      await pgPool.end();
    },
  };
}
