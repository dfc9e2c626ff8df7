// The delivery queue as the domain sees it: a port. Writes that make deliveries due (publishing,
// resuming, retrying) wake their endpoints' lanes inside their own transaction, so a committed
// delivery is always seen by a worker and a rolled-back one never is. The engine behind it lives
// in src/db/lanes.ts (the SQL) and src/worker/ (the workers that drain lanes).
import type { Prisma } from '../generated/prisma/client.ts';

/** What a write needs of a transaction (a Prisma client or interactive transaction). */
export type Tx = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

export interface DeliveryQueue {
  /** The lanes of these endpoints are due at `at` at the latest; returns how many were woken. */
  wake(tx: Tx, endpointIds: readonly string[], at: Date): Promise<number>;
}
