// Applies prisma/migrations/*/migration.sql at start, recording each in _prisma_migrations exactly
// as `prisma migrate deploy` does, so Prisma's CLI accepts the database wherever it can run.
// An advisory lock makes concurrent starts safe: one process migrates, the others wait and see it done.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { poolSql, type Sql } from './sql.ts';
import { appliedMigrations, createMigrationsTable, finishMigration, lockMigrations, startMigration, unlockMigrations } from './sql/migrations.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      // Prisma's checksum: hex SHA-256 of the file's bytes.
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/** Returns the names of the migrations this call applied (empty when the database was current). */
export async function migrate(databaseUrl: string, log: (msg: string) => void = () => {}): Promise<string[]> {
  const migrations = await readMigrations();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const sql = poolSql(client);
  try {
    await lockMigrations(sql);
    try {
      await createMigrationsTable(sql);
      const rows = await appliedMigrations(sql);
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      const known = new Set(migrations.map((m) => m.name));
      for (const row of rows) {
        if (row.finished_at === null) {
          throw new MigrationError(
            `migration ${row.migration_name} started but never finished; fix the database by hand, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${row.migration_name}')`,
          );
        }
        if (!known.has(row.migration_name)) {
          throw new MigrationError(
            `the database has migration ${row.migration_name}, which this version of Hookwire does not know: is an older version running against a newer database?`,
          );
        }
      }
      const done: string[] = [];
      for (const migration of migrations) {
        const row = applied.get(migration.name);
        if (row) {
          if (row.checksum !== migration.checksum) {
            throw new MigrationError(`migration ${migration.name} was changed after it was applied (checksum differs)`);
          }
          continue;
        }
        await applyOne(client, sql, migration);
        log(`applied migration ${migration.name}`);
        done.push(migration.name);
      }
      return done;
    } finally {
      await unlockMigrations(sql);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, sql: Sql, migration: Migration): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await startMigration(sql, { id, checksum: migration.checksum, name: migration.name });
    // The migration's own file: many statements in one simple query, as `prisma migrate deploy` runs it.
    await client.query(migration.sql);
    await finishMigration(sql, { id });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
  }
}
