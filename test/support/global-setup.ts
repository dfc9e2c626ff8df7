// Runs once per test run: picks the Postgres server (DATABASE_URL's, else an embedded one started
// for this run), migrates one template database, and after the run drops every database this run
// created. Test files clone the template (test/support/db.ts), so they run in parallel in isolation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations } from 'graphile-worker';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { freePort, withDatabase } from '../../src/db/local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL of the test server whose database part is replaced per clone. */
    pgServerUrl: string;
    templateDb: string;
    /** Every database this run creates starts with this prefix; teardown drops them all. */
    dbPrefix: string;
  }
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | null = null;
  let dataDir: string | null = null;
  if (!serverUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'hookwire-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    serverUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const dbPrefix = `hookwire_test_${runId}_`;
  const templateDb = `${dbPrefix}template`;

  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${templateDb}"`);
    const templateUrl = withDatabase(serverUrl, templateDb);
    await migrate(templateUrl);
    await runMigrations({ connectionString: templateUrl, logger: undefined });
  } catch (error) {
    await admin.end();
    await stopEmbedded?.();
    throw error;
  }

  project.provide('pgServerUrl', serverUrl);
  project.provide('templateDb', templateDb);
  project.provide('dbPrefix', dbPrefix);

  return async () => {
    try {
      // Only databases named with this run's prefix: a run never touches data it did not create.
      const { rows } = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [dbPrefix],
      );
      for (const { datname } of rows) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    } finally {
      await admin.end();
      await stopEmbedded?.();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  };
}
