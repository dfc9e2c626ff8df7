// Account statements Prisma's models cannot say: the locks that keep concurrent key changes and
// concurrent first starts from passing their checks together.
import { statement, type NoParams, type Sql } from '../sql.ts';

export const LOCK_ACCOUNT = statement<{ accountId: string }, { locked: number }>(
  'hookwire_lock_account',
  ($) => `SELECT 1 AS locked FROM account WHERE id = ${$.accountId} FOR UPDATE`,
);

/** Locks the account row until the transaction ends (its keys are counted under this lock). */
export async function lockAccount(sql: Sql, params: { accountId: string }): Promise<void> {
  await sql.query(LOCK_ACCOUNT, params);
}

/** Arbitrary, fixed key of the transaction lock that serialises creating the default account. */
const DEFAULT_ACCOUNT_LOCK_KEY = 7234981234;

export const LOCK_DEFAULT_ACCOUNT_CREATION = statement<NoParams>(
  'hookwire_lock_default_account_creation',
  () => `SELECT pg_advisory_xact_lock(${DEFAULT_ACCOUNT_LOCK_KEY})`,
);

/** Until the transaction ends, no other process decides whether to create the default account. */
export async function lockDefaultAccountCreation(sql: Sql): Promise<void> {
  // execute, not query: pg_advisory_xact_lock returns void, a column type Prisma cannot read back.
  await sql.execute(LOCK_DEFAULT_ACCOUNT_CREATION, {});
}

// Deleting an account (issue 17): deleteAccount marks it (deleted_at), so it is gone from every
// query at once; a worker then removes its data in small batches, so no statement holds locks on
// a large account for long, and the account row (with its keys and types) goes last.

export const DELETED_ACCOUNTS = statement<{ limit: number }, { id: string }>(
  'hookwire_deleted_accounts',
  ($) => `SELECT id FROM account WHERE deleted_at IS NOT NULL ORDER BY deleted_at, id LIMIT ${$.limit}`,
);

/** Accounts marked deleted whose data is still to be removed, the longest waiting first. */
export async function deletedAccounts(sql: Sql, params: { limit: number }): Promise<string[]> {
  return (await sql.query(DELETED_ACCOUNTS, params)).map((row) => row.id);
}

/**
 * The tables a deleted account's data is removed from, batch by batch, in this order, each with what
 * goes with its rows by cascade: events take their deliveries and attempts, endpoints their lanes
 * and any delivery left. One statement text serves every table; each keeps its own prepared name.
 */
export const ACCOUNT_DATA_TABLES = ['event', 'endpoint'] as const;
export type AccountDataTable = (typeof ACCOUNT_DATA_TABLES)[number];

type BatchParams = { accountId: string; limit: number };

const deleteAccountRowsStatement = (table: AccountDataTable) =>
  statement<BatchParams, { n: number }>(
    `hookwire_delete_account_${table}s`,
    ($) => `
    WITH gone AS (
      DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE account_id = ${$.accountId} LIMIT ${$.limit})
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM gone`,
  );

export const DELETE_ACCOUNT_ROWS = Object.fromEntries(ACCOUNT_DATA_TABLES.map((table) => [table, deleteAccountRowsStatement(table)])) as {
  readonly [T in AccountDataTable]: ReturnType<typeof deleteAccountRowsStatement>;
};

/** Deletes up to `limit` rows of `table` of a deleted account (with what cascades from them); returns how many. */
export async function deleteAccountRows(sql: Sql, table: AccountDataTable, params: BatchParams): Promise<number> {
  const [row] = await sql.query(DELETE_ACCOUNT_ROWS[table], params);
  return row?.n ?? 0;
}

export const DELETE_MARKED_ACCOUNT = statement<{ accountId: string }, { id: string }>(
  'hookwire_delete_marked_account',
  ($) => `DELETE FROM account WHERE id = ${$.accountId} AND deleted_at IS NOT NULL RETURNING id`,
);

/** Deletes the row of an account marked deleted (its keys, event types and whatever is left go with it). */
export async function deleteMarkedAccount(sql: Sql, params: { accountId: string }): Promise<boolean> {
  return (await sql.query(DELETE_MARKED_ACCOUNT, params)).length > 0;
}
