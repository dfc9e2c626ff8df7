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

export const DELETE_ACCOUNT_EVENTS = statement<{ accountId: string; limit: number }, { n: number }>(
  'hookwire_delete_account_events',
  ($) => `
    WITH gone AS (
      DELETE FROM event WHERE id IN (SELECT id FROM event WHERE account_id = ${$.accountId} LIMIT ${$.limit})
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM gone`,
);

/** Deletes up to `limit` events of a deleted account, with their deliveries and attempts (cascade); returns how many. */
export async function deleteAccountEvents(sql: Sql, params: { accountId: string; limit: number }): Promise<number> {
  const [row] = await sql.query(DELETE_ACCOUNT_EVENTS, params);
  return row?.n ?? 0;
}

export const DELETE_ACCOUNT_ENDPOINTS = statement<{ accountId: string; limit: number }, { n: number }>(
  'hookwire_delete_account_endpoints',
  ($) => `
    WITH gone AS (
      DELETE FROM endpoint WHERE id IN (SELECT id FROM endpoint WHERE account_id = ${$.accountId} LIMIT ${$.limit})
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM gone`,
);

/** Deletes up to `limit` endpoints of a deleted account (their lanes and any delivery left, by cascade). */
export async function deleteAccountEndpoints(sql: Sql, params: { accountId: string; limit: number }): Promise<number> {
  const [row] = await sql.query(DELETE_ACCOUNT_ENDPOINTS, params);
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
