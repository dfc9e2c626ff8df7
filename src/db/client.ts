// The database of one process: one pg pool, shared by the Prisma client (through its pg driver
// adapter) and by the statements of the hot paths (db/sql.ts), so a process holds one set of
// connections. Closed on shutdown.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { poolSql, type Sql } from './sql.ts';

export type Db = PrismaClient;

export interface PrismaOptions {
  /** Called with each SQL statement Prisma sends and its parameters as JSON (tests count queries, and explain them). */
  onQuery?: (sql: string, params: string) => void;
  max?: number;
  /** An idle pooled connection was ended by the server. */
  onConnectionLost?: (error: Error) => void;
}

export interface Database {
  db: PrismaClient;
  pool: pg.Pool;
  sql: Sql;
  close(): Promise<void>;
}

export function createDatabase(databaseUrl: string, options: PrismaOptions = {}): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10 });
  // An idle connection that Postgres ends (a restart, a failover, the embedded server stopping)
  // emits 'error' on the pool, which would otherwise crash the process; the pool replaces it, and a
  // request meanwhile is answered 503 (server/errors.ts).
  pool.on('error', (error) => options.onConnectionLost?.(error));
  const adapter = new PrismaPg(pool);
  const db = options.onQuery
    ? new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] })
    : new PrismaClient({ adapter });
  if (options.onQuery) {
    const onQuery = options.onQuery;
    (db as PrismaClient<'query'>).$on('query', (event) => onQuery(event.query, event.params));
  }
  return {
    db,
    pool,
    sql: poolSql(pool),
    async close() {
      await db.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
