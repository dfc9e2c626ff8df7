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

export interface LastAttemptsOwedParams {
  endpointId: string;
  /** Attempts the schedule makes before the last one: a delivery with this many is on its last. */
  scheduledBefore: number;
  /** Due at or before this moment. */
  dueBy: Date;
}

export const LAST_ATTEMPTS_OWED = statement<LastAttemptsOwedParams, { owed: boolean }>(
  'hookwire_last_attempts_owed',
  ($) => `
    SELECT EXISTS (
      SELECT 1 FROM delivery
      WHERE endpoint_id = ${$.endpointId} AND status = 'PENDING' AND NOT manual_retry
        AND next_attempt_at <= ${$.dueBy}::timestamptz AND attempt_count - manual_attempts >= ${$.scheduledBefore}::int
    ) AS owed`,
);

/**
 * Whether a pending delivery of the endpoint is due, by `dueBy`, the last attempt of its schedule
 * (not a manual retry). Pausing the endpoint now would hold it without that attempt.
 */
export async function lastAttemptsOwed(sql: Sql, params: LastAttemptsOwedParams): Promise<boolean> {
  const [row] = await sql.query(LAST_ATTEMPTS_OWED, params);
  return row?.owed ?? false;
}
