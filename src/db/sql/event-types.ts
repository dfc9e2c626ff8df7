// Event-type statements Prisma's models cannot say: reading an account's type under a row lock, so
// two updates at once cannot both check the example against a schema the other is replacing.
import type { Prisma } from '../../generated/prisma/client.ts';
import { statement, type Sql } from '../sql.ts';

export interface LockedEventType {
  schema: Prisma.JsonValue;
  example: Prisma.JsonValue;
}

export const LOCK_EVENT_TYPE = statement<{ accountId: string; name: string }, LockedEventType>(
  'hookwire_lock_event_type',
  ($) => `SELECT schema, example FROM event_type WHERE account_id = ${$.accountId} AND name = ${$.name} FOR UPDATE`,
);

/** The account's type of that name, locked until the transaction ends; null when it has none. */
export async function lockEventType(sql: Sql, params: { accountId: string; name: string }): Promise<LockedEventType | null> {
  const [row] = await sql.query(LOCK_EVENT_TYPE, params);
  return row ?? null;
}
