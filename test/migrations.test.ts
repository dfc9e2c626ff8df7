// Migrations at start: recorded as Prisma records them, idempotent, and safe when processes race.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate, readMigrations } from '../src/db/migrate.ts';
import { withDatabase } from '../src/db/local.ts';

const serverUrl = inject('pgServerUrl');
const name = `${inject('dbPrefix')}fresh_migrations`;
const url = withDatabase(serverUrl, name);

async function sql<T extends pg.QueryResultRow>(connection: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: connection });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await sql(withDatabase(serverUrl, 'postgres'), `CREATE DATABASE "${name}"`);
});
afterAll(async () => {
  await sql(withDatabase(serverUrl, 'postgres'), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe('migrate()', () => {
  it('applies every migration once when three processes start at the same moment', async () => {
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const migrations = await readMigrations();
    // Exactly one of the racers applied them; the others found the database current.
    expect(results.flat().sort()).toEqual(migrations.map((m) => m.name).sort());
    const rows = await sql<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('is a no-op on a current database and keeps its data', async () => {
    await sql(url, `INSERT INTO account (id, name) VALUES ('acct_keepme', 'kept')`);
    expect(await migrate(url)).toEqual([]);
    expect(await sql(url, `SELECT name FROM account WHERE id = 'acct_keepme'`)).toEqual([{ name: 'kept' }]);
  });

  it('refuses to run over a migration whose file changed after it was applied', async () => {
    const [first] = await readMigrations();
    await sql(url, `UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, ['0'.repeat(64), first!.name]);
    await expect(migrate(url)).rejects.toThrow(/was changed after it was applied/);
    await sql(url, `UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [first!.checksum, first!.name]);
  });

  it('refuses a database migrated by a newer version', async () => {
    await sql(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', $1, '29990101000000_future', now(), 1)`,
      ['f'.repeat(64)],
    );
    await expect(migrate(url)).rejects.toThrow(/does not know/);
    await sql(url, `DELETE FROM "_prisma_migrations" WHERE id = 'x'`);
  });
});
