// Delivery counts by status over a filter, from the counters Postgres keeps as deliveries finish
// (src/db/sql/delivery-counts.ts): the same cost at any size of history, never loading or counting
// finished rows.
import type { Db } from '../db/client.ts';
import { prismaSql } from '../db/sql.ts';
import { deliveryCounts } from '../db/sql/delivery-counts.ts';

export interface DeliveryStats {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  /** succeeded / (succeeded + failed); null when nothing has finished. */
  successRate: number | null;
}

export interface DeliveryFilter {
  accountId: string;
  endpointId?: string | null;
  status?: 'PENDING' | 'SUCCEEDED' | 'FAILED' | null;
  eventType?: string | null;
  /** Deliveries created at or after this. */
  since?: Date | null;
}

export async function deliveryStats(db: Db, filter: DeliveryFilter): Promise<DeliveryStats> {
  const counts = await deliveryCounts(prismaSql(db), {
    accountId: filter.accountId,
    endpointId: filter.endpointId ?? null,
    eventType: filter.eventType ?? null,
    since: filter.since ?? null,
  });
  const only = (status: DeliveryFilter['status'], n: number) => (filter.status && filter.status !== status ? 0 : n);
  const succeeded = only('SUCCEEDED', counts.succeeded);
  const failed = only('FAILED', counts.failed);
  const pending = only('PENDING', counts.pending);
  const finished = succeeded + failed;
  return { total: succeeded + failed + pending, succeeded, failed, pending, successRate: finished === 0 ? null : succeeded / finished };
}
