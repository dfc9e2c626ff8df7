// How a hand-written statement is declared and run; the statements themselves live in src/db/sql/,
// one module per statement or small family. A statement names its parameters (the text refers to
// them by name, the numbered placeholders are made here), has one prepared-statement name, and runs
// two ways: on a pg pool as a named prepared statement (parsed and planned once per connection), or
// through Prisma (inside an interactive transaction, when it must commit with other writes, or on
// the client). Rows come back as node-postgres parses them (timestamptz as Date, arrays as arrays,
// int4 as number) either way: statements cast counts to int or float8, never leave them int8.
import pg from 'pg';
import type { Prisma } from '../generated/prisma/client.ts';

/** A statement with named parameters P and rows R. */
export interface Statement<P, R> {
  /** Unique per text: the prepared statement's name on every connection. */
  readonly name: string;
  readonly text: string;
  /** The parameters' names in placeholder order ($1, $2, …). */
  readonly params: readonly string[];
  /** The named parameters as the values array the text's placeholders take. */
  values(params: P): unknown[];
  /** Type only: the row this statement returns. */
  readonly row?: R;
}

/** The placeholder text of each named parameter (`$.endpointId` is "$1", say). */
export type Placeholders<B> = { readonly [K in keyof B]-?: string };

/** No parameters. */
export type NoParams = Record<string, never>;

const declared = new Map<string, string>();

/**
 * Declares a statement. `text` receives the placeholders by name; a parameter used twice gets one
 * number. Without `bind` the named object is bound as it is; with it, `bind` turns the caller's
 * object into the bound one (columns of a batch, JSON text, …), so the conversion lives beside the
 * text that reads it.
 */
export function statement<P extends object, R extends object = Record<string, unknown>>(
  name: string,
  text: ($: Placeholders<P>) => string,
): Statement<P, R>;
export function statement<P, R extends object, B extends object>(
  name: string,
  text: ($: Placeholders<B>) => string,
  bind: (params: P) => B,
): Statement<P, R>;
export function statement<P, R extends object, B extends object>(
  name: string,
  text: ($: Placeholders<B>) => string,
  bind?: (params: P) => B,
): Statement<P, R> {
  const order: string[] = [];
  const placeholders = new Proxy({} as Placeholders<B>, {
    get(_target, key) {
      if (typeof key !== 'string') throw new TypeError(`statement ${name}: a parameter is named by a string`);
      const index = order.indexOf(key);
      return `$${(index === -1 ? order.push(key) : index + 1).toString()}`;
    },
  });
  const sqlText = text(placeholders).trim();
  // Two texts under one name fail on a connection that prepared the other (node-postgres:
  // "Prepared statements must be unique"), and only once both ran there: refuse it at declaration.
  const known = declared.get(name);
  if (known !== undefined && known !== sqlText) throw new Error(`two statements are named ${name}`);
  declared.set(name, sqlText);
  return {
    name,
    text: sqlText,
    params: order,
    values(params: P): unknown[] {
      const bound = (bind ? bind(params) : params) as Record<string, unknown>;
      return order.map((key) => {
        if (!(key in bound)) throw new TypeError(`statement ${name}: parameter ${key} is missing`);
        return bound[key] ?? null;
      });
    },
  };
}

export interface Sql {
  /** The rows the statement returns. */
  query<P, R>(statement: Statement<P, R>, params: P): Promise<R[]>;
  /** The number of rows the statement wrote (an UPDATE or DELETE without RETURNING). */
  execute<P, R>(statement: Statement<P, R>, params: P): Promise<number>;
}

type Queryable = Pick<pg.Pool, 'query'>;

export function poolSql(pool: Queryable): Sql {
  return {
    async query<P, R>(statement: Statement<P, R>, params: P) {
      const result = await pool.query<R & pg.QueryResultRow>({ name: statement.name, text: statement.text, values: statement.values(params) });
      return result.rows;
    },
    async execute<P, R>(statement: Statement<P, R>, params: P) {
      const result = await pool.query({ name: statement.name, text: statement.text, values: statement.values(params) });
      return result.rowCount ?? 0;
    },
  };
}

/** What prismaSql runs on: an interactive transaction's client, or the client itself. */
export type PrismaRunner = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** Through Prisma: in an interactive transaction (to commit with its other writes) or on the client. */
export function prismaSql(client: PrismaRunner): Sql {
  return {
    query<P, R>(statement: Statement<P, R>, params: P) {
      return client.$queryRawUnsafe<R[]>(statement.text, ...statement.values(params));
    },
    execute<P, R>(statement: Statement<P, R>, params: P) {
      return client.$executeRawUnsafe(statement.text, ...statement.values(params));
    },
  };
}

/**
 * Runs `fn` in one transaction on one of the pool's connections (its statements prepared there):
 * committed when `fn` resolves, rolled back when it throws. A connection that failed is destroyed,
 * not returned to the pool.
 */
export async function poolTransaction<T>(pool: Pick<pg.Pool, 'connect'>, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(poolSql(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackError: unknown) => rollbackError,
    );
    throw error;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}

const pools = new WeakMap<Queryable, Sql>();

/** A pool (its statements prepared) or an Sql already made: what the statement modules take. */
export type Runner = Sql | pg.Pool;

export function sqlOf(runner: Runner): Sql {
  if (!(runner instanceof pg.Pool)) return runner;
  let sql = pools.get(runner);
  if (!sql) pools.set(runner, (sql = poolSql(runner)));
  return sql;
}
