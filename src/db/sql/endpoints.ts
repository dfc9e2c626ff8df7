// Endpoint statements Prisma's models cannot say: a row lock for a read-modify-write, and the
// last success read inside the recording transaction.
import { statement, type Sql } from '../sql.ts';

export const LOCK_ENDPOINT = statement<{ accountId: string; endpointId: string }, { id: string }>(
  'hookwire_lock_endpoint',
  ($) => `SELECT id FROM endpoint WHERE id = ${$.endpointId} AND account_id = ${$.accountId} FOR UPDATE`,
);

/** Locks the account's endpoint until the transaction ends; false when it has none by that id. */
export async function lockEndpoint(sql: Sql, params: { accountId: string; endpointId: string }): Promise<boolean> {
  return (await sql.query(LOCK_ENDPOINT, params)).length > 0;
}

export const ENDPOINT_LAST_SUCCESS = statement<{ endpointId: string }, { last_success_at: Date | null }>(
  'hookwire_endpoint_last_success',
  ($) => `SELECT last_success_at FROM endpoint WHERE id = ${$.endpointId}`,
);

/** When the endpoint last answered an attempt with success (null: never, or no such endpoint). */
export async function endpointLastSuccess(sql: Sql, params: { endpointId: string }): Promise<Date | null> {
  const [row] = await sql.query(ENDPOINT_LAST_SUCCESS, params);
  return row?.last_success_at ?? null;
}
