// A worker process's parts: the delivery engine (engine.ts, on its own small pg pool) and the
// graphile-worker runner for the crontab (retention purge), supervised so it is replaced if it
// ends unasked; both stop gracefully.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Logger as GraphileLogger, run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { PgListener } from '../db/listener.ts';
import { ReconnectingPool } from '../db/reconnect.ts';
import { sqlOf } from '../db/sql.ts';
import { forceUnlockWorkers } from '../db/sql/ops.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Services } from '../services.ts';
import { startEngine, type Engine } from './engine.ts';
import { TASKS } from './jobs.ts';
import { deleteMarkedAccounts } from '../domain/accounts.ts';
import { CHANNELS } from '../domain/notify.ts';
import { purgeExpired } from './retention.ts';
import { startSourceRunner, type SourceRunner } from './sources/runner.ts';

export interface Worker {
  engine: Engine;
  runner: Runner;
  /** The broker sources' consumers (worker/sources/runner.ts). */
  sources: SourceRunner;
  stop(): Promise<void>;
}

export function taskList(services: Services, logger: Logger): TaskList {
  return {
    [TASKS.purgeExpired]: async () => {
      const { dropped, kept, weeks, defaultDeliveries, defaultEvents } = await purgeExpired(services.db, services.config.retentionDays, services.clock.now());
      if (weeks.length > 0) {
        logger.info(
          `retention: dropped ${weeks.length} week(s) of history older than ${services.config.retentionDays} days (${dropped} deliveries with their events and attempts; ${kept} pending kept)`,
        );
      }
      if (defaultDeliveries + defaultEvents > 0) {
        logger.info(`retention: deleted ${defaultDeliveries} finished deliveries and ${defaultEvents} events older than ${services.config.retentionDays} days from the DEFAULT partitions`);
      }
    },
    [TASKS.deleteAccounts]: async () => {
      const removed = await deleteMarkedAccounts(services.db);
      if (removed > 0) logger.info(`deleted accounts: removed ${removed} account(s) with all of their data`);
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

function onLostConnection(pool: pg.Pool, logger: Logger, what: string): void {
  // A connection dropped by the server (restart, failover) must not crash the process: the pool
  // replaces it and the work is retried.
  pool.on('error', (error) => logger.warn(`${what} database connection lost: ${error.message}`));
  pool.on('connect', (client) => client.on('error', (error) => logger.warn(`${what} database connection lost: ${error.message}`)));
}

export async function startWorker(options: {
  databaseUrl: string;
  services: Services;
  listener: PgListener;
  logger: Logger;
  metrics?: Metrics;
  random?: () => number;
}): Promise<Worker> {
  const { services, logger } = options;
  const { config } = services;
  const enginePool = new pg.Pool({ connectionString: options.databaseUrl, max: config.workerDbPool });
  onLostConnection(enginePool, logger, 'engine');
  const engine = startEngine({
    pool: enginePool,
    listener: options.listener,
    db: services.db,
    dispatcher: services.dispatcher,
    clock: services.clock,
    config,
    logger,
    metrics: options.metrics,
    random: options.random,
    transformer: services.transformer,
    sealer: services.sealer,
  });

  // graphile-worker runs only maintenance here: a few connections are plenty.
  const graphilePool = new ReconnectingPool({ connectionString: options.databaseUrl, max: 3 });
  onLostConnection(graphilePool, logger, 'worker');
  const events: WorkerEvents = new EventEmitter();
  const poolIds: string[] = [];
  events.on('pool:create', ({ workerPool }) => poolIds.push(workerPool.id));
  const startRunner = () =>
    run({
      pgPool: graphilePool,
      events,
      concurrency: 2,
      noHandleSignals: true,
      logger: graphileLogger(logger),
      taskList: taskList(services, logger),
      // Hourly at :17: the history partitions made ahead and expired days dropped (a no-op most
      // hours); fill=1d so a run missed while down runs at the next start.
      // Deleted accounts' data: on NOTIFY at once (below), and every 5 minutes for a notification missed.
      crontab: [
        `17 * * * * ${TASKS.purgeExpired} ?fill=1d&max=1&jobKey=purge_expired`,
        `*/5 * * * * ${TASKS.deleteAccounts} ?max=1&jobKey=${TASKS.deleteAccounts}`,
      ].join('\n'),
    });

  let stopping = false;
  let runner = await startRunner();

  /**
   * graphile-worker ends its pool when the database fails under it at the wrong moment. This
   * process must go on: the dead pool's locked jobs are released at once and a new runner starts,
   * retried with backoff while the database is away.
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
    for (let delay = 500; !stopping; delay = Math.min(delay * 2, 10_000)) {
      try {
        await forceUnlockWorkers(sqlOf(graphilePool), { workerIds: orphaned });
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

  // One queued removal at a time (its job key): deleteAccount's NOTIFY, or the start of a worker
  // after deletions it did not hear.
  const queueAccountDeletion = () => {
    if (stopping) return;
    runner.addJob(TASKS.deleteAccounts, {}, { jobKey: TASKS.deleteAccounts }).catch((error: Error) => {
      logger.warn(`could not queue the removal of deleted accounts (the crontab will): ${error.message}`);
    });
  };
  options.listener.addEventListener(CHANNELS.accountDeleted, queueAccountDeletion);
  queueAccountDeletion();

  const sources = startSourceRunner({
    sql: services.sql,
    db: services.db,
    clock: services.clock,
    sealer: services.sealer,
    listener: options.listener,
    logger,
    allowPrivateNetworks: config.allowPrivateNetworks,
  });

  return {
    engine,
    sources,
    get runner() {
      return runner;
    },
    async stop() {
      stopping = true;
      // First the sources: what they commit now is acknowledged, and the engine delivers it later.
      await sources.stop();
      await engine.stop(config.shutdownTimeoutMs);
      await runner.stop().catch((error: Error) => logger.warn(`worker runner stop: ${error.message}`));
      await Promise.all([enginePool.end(), graphilePool.end()]);
    },
  };
}
