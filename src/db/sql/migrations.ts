// The bookkeeping of migrations at start (db/migrate.ts applies them): the advisory lock that lets
// one process migrate while the others wait, and _prisma_migrations, written exactly as
// `prisma migrate deploy` writes it so Prisma's CLI accepts the database wherever it can run.
import { statement, type NoParams, type Sql } from '../sql.ts';

/** Arbitrary, fixed key of the advisory lock that serialises migrations ("hookwire" in ASCII). */
const MIGRATION_LOCK_KEY = 0x686f6f6b77697265n.toString();

export const LOCK_MIGRATIONS = statement<NoParams>('hookwire_lock_migrations', () => `SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
export const UNLOCK_MIGRATIONS = statement<NoParams>('hookwire_unlock_migrations', () => `SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);

/** Waits until no other process migrates, then keeps them waiting (a session lock: unlock it). */
export async function lockMigrations(sql: Sql): Promise<void> {
  await sql.execute(LOCK_MIGRATIONS, {});
}

export async function unlockMigrations(sql: Sql): Promise<void> {
  await sql.execute(UNLOCK_MIGRATIONS, {});
}

export const CREATE_MIGRATIONS_TABLE = statement<NoParams>(
  'hookwire_create_migrations_table',
  () => `
    CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum"              VARCHAR(64) NOT NULL,
        "finished_at"           TIMESTAMPTZ,
        "migration_name"        VARCHAR(255) NOT NULL,
        "logs"                  TEXT,
        "rolled_back_at"        TIMESTAMPTZ,
        "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
    )`,
);

export async function createMigrationsTable(sql: Sql): Promise<void> {
  await sql.execute(CREATE_MIGRATIONS_TABLE, {});
}

export interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export const APPLIED_MIGRATIONS = statement<NoParams, AppliedMigration>(
  'hookwire_applied_migrations',
  () => 'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
);

/** The migrations recorded and not rolled back (finished or not). */
export function appliedMigrations(sql: Sql): Promise<AppliedMigration[]> {
  return sql.query(APPLIED_MIGRATIONS, {});
}

export const START_MIGRATION = statement<{ id: string; checksum: string; name: string }>(
  'hookwire_start_migration',
  ($) => `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (${$.id}, ${$.checksum}, ${$.name}, now(), 0)`,
);

/** Records a migration as started (in the transaction that applies it). */
export async function startMigration(sql: Sql, params: { id: string; checksum: string; name: string }): Promise<void> {
  await sql.execute(START_MIGRATION, params);
}

export const FINISH_MIGRATION = statement<{ id: string }>(
  'hookwire_finish_migration',
  ($) => `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = ${$.id}`,
);

export async function finishMigration(sql: Sql, params: { id: string }): Promise<void> {
  await sql.execute(FINISH_MIGRATION, params);
}
