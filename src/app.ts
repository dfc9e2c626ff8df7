// Starts and stops Hookwire's parts in order: database (embedded or DATABASE_URL), migrations,
// the API server and/or the worker. main.ts runs it from the command line; tests start it in-process.
import type { Config, Role } from './config.ts';
import { createPrisma } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { ensureDefaultAccount } from './domain/accounts.ts';
import type { Logger } from './log.ts';
import { startApiServer, type ApiServer } from './server/http.ts';
import { createMetrics } from './server/metrics.ts';
import type { Services } from './server/services.ts';
import { startWorker, type Worker } from './worker/index.ts';

export interface App {
  services: Services;
  databaseUrl: string;
  api: ApiServer | null;
  worker: Worker | null;
  /** The key of the account created on first start, when this process created it. */
  initialApiKey: string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Called as soon as the first-start account's key exists, before anything else can fail. */
  onInitialApiKey?: (key: string) => void;
}

export async function startApp(config: Readonly<Config>, role: Role, logger: Logger, options: StartOptions = {}): Promise<App> {
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error) => logger.error('error while stopping', error));
    }
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === null) {
      // Imported only when needed: a production image runs on DATABASE_URL and may leave the
      // embedded server's package out.
      const { startEmbeddedPostgres } = await import('./db/embedded.ts');
      const embedded = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        database: 'hookwire',
        log: (msg) => logger.info(msg),
      });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
      logger.info(`embedded Postgres running on 127.0.0.1:${config.embeddedPgPort}, data in ${config.dataDir}/pg`);
    }
    await migrate(databaseUrl, (msg) => logger.info(msg));

    const db = createPrisma(databaseUrl);
    cleanups.push(() => db.$disconnect());
    const services: Services = { db, config };

    let initialApiKey: string | null = null;
    if (!config.adminKey) {
      const created = await ensureDefaultAccount(db);
      if (created) {
        initialApiKey = created.apiKey;
        options.onInitialApiKey?.(created.apiKey);
      }
    }

    const metrics = createMetrics({
      pendingDeliveries: async () => {
        const [row] = await db.$queryRaw<[{ n: bigint }]>`SELECT count(*) AS n FROM delivery WHERE status = 'PENDING'`;
        return Number(row.n);
      },
    });

    let worker: Worker | null = null;
    if (role !== 'api') {
      worker = await startWorker({ databaseUrl, services, logger, concurrency: config.workerConcurrency });
      cleanups.push(() => worker!.stop());
    }
    let api: ApiServer | null = null;
    if (role !== 'worker') {
      api = await startApiServer({ services, metrics, logger, host: config.host, port: config.port });
      cleanups.push(() => api!.close(config.shutdownTimeoutMs));
    }
    return { services, databaseUrl, api, worker, initialApiKey, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
