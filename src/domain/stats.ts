// Delivery counts by status over a filter, computed by Postgres (one grouped count), never by
// loading rows.
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

export interface DeliveryStats {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  /** succeeded / (succeeded + failed); null when nothing has finished. */
  successRate: number | null;
}

export async function deliveryStats(db: Db, where: Prisma.DeliveryWhereInput): Promise<DeliveryStats> {
  const groups = await db.delivery.groupBy({ by: ['status'], where, _count: { _all: true } });
  const count = (status: string) => groups.find((g) => g.status === status)?._count._all ?? 0;
  const succeeded = count('SUCCEEDED');
  const failed = count('FAILED');
  const pending = count('PENDING');
  const finished = succeeded + failed;
  return { total: succeeded + failed + pending, succeeded, failed, pending, successRate: finished === 0 ? null : succeeded / finished };
}
