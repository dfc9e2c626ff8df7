// Starts and stops Hookwire's parts in order: database (embedded or DATABASE_URL), migrations,
// the API server and/or the worker. main.ts runs it from the command line; tests start it in-process.
import type { Config, Role } from './config.ts';
import { createDatabase, type PrismaOptions } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { ensureDefaultAccount } from './domain/accounts.ts';
import type { Logger } from './log.ts';
import type { ApiServer } from './server/http.ts';
import { createMetrics } from './metrics.ts';
import { startOpsServer, type OpsServer } from './server/ops.ts';
import { createHookwirePubSub, NotificationHub, SUBSCRIPTION_CHANNELS } from './server/pubsub.ts';
import type { Services } from './services.ts';
import type { Worker } from './worker/index.ts';
import { createDispatcher } from './delivery/ssrf.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { prismaSql } from './db/sql.ts';
import { countPendingDeliveries } from './db/sql/deliveries.ts';
import { LANES_CHANNEL } from './db/sql/lanes.ts';
import { PgListener } from './db/listener.ts';
import { CHANNELS } from './domain/notify.ts';
import { Transformer } from './delivery/transform.ts';
import { localEncryptionKey, Sealer } from './db/sealer.ts';
import { checkSealedSecretsOpen, sealPlaintextSecrets } from './db/seal-rows.ts';
import { startTracing } from './tracing.ts';
import { databaseProbe, outageLogger } from './db/outage.ts';

export interface App {
  services: Services;
  databaseUrl: string;
  api: ApiServer | null;
  worker: Worker | null;
  /** /healthz, /readyz and /metrics of a worker-only process, when HOOKWIRE_METRICS_PORT is set. */
  ops: OpsServer | null;
  /** Subscriptions' per-account topics (API processes). */
  notifications: NotificationHub | null;
  /** The key of the account created on first start, when this process created it. */
  initialApiKey: string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Called as soon as the first-start account's key exists, before anything else can fail. */
  onInitialApiKey?: (key: string) => void;
  /** Passed to the Prisma client (tests count queries with onQuery). */
  prisma?: PrismaOptions;
  /** The clock of every part of the process (tests pass a ManualClock). */
  clock?: Clock;
  /** The retry jitter's randomness, in [0, 1) (tests pin it). */
  random?: () => number;
}

export async function startApp(config: Readonly<Config>, role: Role, logger: Logger, options: StartOptions = {}): Promise<App> {
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error) => logger.error('error while stopping', error));
    }
  };
  try {
    // First in, last out: spans of the work that stops after it are still exported on shutdown.
    const tracing = await startTracing({ endpoint: config.otelEndpoint, version: config.version, role });
    if (tracing) cleanups.push(() => tracing.shutdown());
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
    // (graphile-worker's own schema is migrated by the workers' runner: only workers use it.)
    await migrate(databaseUrl, (msg) => logger.info(msg));
    // From here on a database outage is two warnings (it started, it ended with counts), not a
    // line per request, attempt or connection that failed meanwhile.
    const outages = outageLogger(logger, databaseProbe(databaseUrl));
    cleanups.push(async () => outages.close());
    logger = outages;

    // Pools are sized for the database, not for the attempts in flight: the engine records
    // attempts in batches on its own few connections (worker/index.ts).
    const database = createDatabase(databaseUrl, {
      max: role === 'worker' ? 4 : 10,
      onConnectionLost: (error) => logger.warn(`database connection lost (${error.message}); the pool opens a new one when needed`),
      ...options.prisma,
    });
    cleanups.push(() => database.close());
    const { db } = database;
    // As many connections per origin as attempts may be in flight, so an attempt never queues
    // inside the HTTP client while its timeout runs.
    const dispatcher = createDispatcher({
      allowPrivateNetworks: config.allowPrivateNetworks,
      connections: config.workerConcurrency,
      proxyUrl: config.proxyUrl,
    });
    cleanups.push(() => dispatcher.close());
    const sealer = new Sealer(config.encryptionKeys ?? (await localEncryptionKey(config.dataDir)));
    // Rows written before secrets were sealed are sealed now, once (idempotent; any process may do it).
    await checkSealedSecretsOpen(database.sql, sealer);
    const sealed = await sealPlaintextSecrets(database.sql, sealer);
    if (sealed > 0) logger.info(`sealed the signing secrets and header values of ${sealed} endpoint(s) stored in clear`);
    let transformer: Promise<Transformer> | null = null;
    cleanups.push(async () => {
      if (transformer) await (await transformer).close();
    });
    const services: Services = {
      db,
      sql: database.sql,
      config,
      dispatcher,
      clock: options.clock ?? systemClock,
      sealer,
      transformer: () =>
        (transformer ??= Transformer.create().catch((error: unknown) => {
          transformer = null;
          throw error;
        })),
    };

    // One LISTEN connection for whatever this process needs to hear.
    const channels = [
      ...(role !== 'api' ? [LANES_CHANNEL, CHANNELS.endpointStatus, CHANNELS.accountDeleted, CHANNELS.sources] : []),
      ...(role !== 'worker' ? [...SUBSCRIPTION_CHANNELS, CHANNELS.apiKeyRevoked, CHANNELS.accountRevoked, CHANNELS.portalRevoked] : []),
    ];
    const listener = new PgListener(databaseUrl, channels, logger);
    await listener.start();
    cleanups.push(() => listener.close());

    let initialApiKey: string | null = null;
    if (!config.adminKey) {
      const created = await ensureDefaultAccount(db);
      if (created) {
        initialApiKey = created.apiKey;
        options.onInitialApiKey?.(created.apiKey);
      }
    }

    const metrics = createMetrics({
      // Answered from the partial index of pending deliveries (delivery_claim_idx), not the table.
      pendingDeliveries: () => countPendingDeliveries(prismaSql(db)),
    });

    let worker: Worker | null = null;
    if (role !== 'api') {
      // Imported only where used: a worker process never loads the GraphQL schema, an API process
      // never loads graphile-worker (memory; start-up time).
      const { startWorker } = await import('./worker/index.ts');
      worker = await startWorker({ databaseUrl, services, listener, logger, metrics, random: options.random });
      cleanups.push(() => worker!.stop());
    }
    let api: ApiServer | null = null;
    let notifications: NotificationHub | null = null;
    if (role !== 'worker') {
      notifications = new NotificationHub(listener, logger);
      const { startApiServer } = await import('./server/http.ts');
      api = await startApiServer({
        services,
        pubsub: createHookwirePubSub(notifications),
        metrics,
        logger,
        listener,
        host: config.host,
        port: config.port,
      });
      cleanups.push(() => api!.close(config.shutdownTimeoutMs));
    }
    let ops: OpsServer | null = null;
    if (role === 'worker' && config.metricsPort !== null) {
      ops = await startOpsServer({ db, metrics, logger, host: config.host, port: config.metricsPort, metricsToken: config.metricsToken });
      cleanups.push(() => ops!.close());
    }
    return { services, databaseUrl, api, worker, ops, notifications, initialApiKey, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
