// Cross-process notifications: the channels and their payloads, and the one statement that sends
// one. Sent inside the writing transaction, so a listener hears of a change only once it is
// committed, from whichever process made it. Attempts are announced by the recording statement
// itself (record-attempts.ts), lanes by hookwire_wake_lanes (lanes.ts).
import { statement, type Sql } from '../sql.ts';

export const CHANNELS = {
  /** Payload: a JSON array of AttemptNotice. */
  attempt: 'hookwire_attempt',
  /** Payload: one EndpointStatusNotice. */
  endpointStatus: 'hookwire_endpoint_status',
  /** Payload: the revoked key's hash. Every API process forgets it from its key cache at once. */
  apiKeyRevoked: 'hookwire_api_key_revoked',
  /** Payload: an account id. Its keys and portal sessions stop working in every API process (disabled or deleted). */
  accountRevoked: 'hookwire_account_revoked',
  /** Payload: an account id. A worker removes the deleted account's data. */
  accountDeleted: 'hookwire_account_deleted',
  /**
   * Payload: a source's id. Sent by the source table's triggers (migration 20261212000000) when a
   * source is added or removed, paused or resumed, or its broker settings change; the source
   * runners of worker processes (worker/sources/runner.ts) listen.
   */
  sources: 'hookwire_sources',
  /** Payload: an account id. Its portal sessions were revoked: every API process closes their sockets. */
  portalRevoked: 'hookwire_portal_revoked',
} as const;

/** Built in SQL by the attempts' recording statement (record-attempts.ts). */
export interface AttemptNotice {
  accountId: string;
  attemptId: string;
  deliveryId: string;
  endpointId: string;
  eventType: string;
}

export interface EndpointStatusNotice {
  accountId: string;
  endpointId: string;
  status: string;
}

export const NOTIFY = statement<{ channel: string; payload: string }>(
  'hookwire_notify',
  ($) => `SELECT pg_notify(${$.channel}, ${$.payload})`,
);

export async function notify(sql: Sql, params: { channel: string; payload: string }): Promise<void> {
  // execute, not query: pg_notify returns void, a column type Prisma cannot read back.
  await sql.execute(NOTIFY, params);
}
