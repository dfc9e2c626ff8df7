// Cross-process notifications through Postgres NOTIFY, sent inside the writing transaction so a
// listener hears of a change only once it is committed, from whichever process made it.
import type { Prisma } from '../generated/prisma/client.ts';

export const CHANNELS = {
  attempt: 'hookwire_attempt',
  endpointStatus: 'hookwire_endpoint_status',
  /** Payload: the revoked key's hash. Every API process forgets it from its key cache at once. */
  apiKeyRevoked: 'hookwire_api_key_revoked',
} as const;

/** Sent by the attempt's recording statement (worker/deliver.ts), built there in SQL. */
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

type Tx = Pick<Prisma.TransactionClient, '$executeRaw'>;

export async function notifyEndpointStatus(tx: Tx, notice: EndpointStatusNotice): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CHANNELS.endpointStatus}, ${JSON.stringify(notice)})`;
}
