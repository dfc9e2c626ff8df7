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
