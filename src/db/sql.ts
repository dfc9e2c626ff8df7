// Statements the hot paths run, with one text each and two ways to run it: on a pg pool as a named
// prepared statement (parsed and planned once per connection), or inside a Prisma interactive
// transaction when it must commit with other writes. Rows come back as node-postgres parses them
// (timestamptz as Date, arrays as arrays, int4 as number) either way.
import type pg from 'pg';
import type { Prisma } from '../generated/prisma/client.ts';

export interface Statement {
  /** Unique per text: the prepared statement's name on every connection. */
  name: string;
  text: string;
}

export interface Sql {
  query<R extends object>(statement: Statement, values: readonly unknown[]): Promise<R[]>;
}

export function poolSql(pool: pg.Pool): Sql {
  return {
    async query<R extends object>(statement: Statement, values: readonly unknown[]) {
      const result = await pool.query<R & pg.QueryResultRow>({ name: statement.name, text: statement.text, values: [...values] });
      return result.rows;
    },
  };
}

export function transactionSql(tx: Pick<Prisma.TransactionClient, '$queryRawUnsafe'>): Sql {
  return {
    query<R extends object>(statement: Statement, values: readonly unknown[]) {
      return tx.$queryRawUnsafe<R[]>(statement.text, ...values);
    },
  };
}
