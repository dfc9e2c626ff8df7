// The lane queue's write side, shared by every process that makes deliveries due: one call of
// hookwire_wake_lanes (prisma/migrations/…_engine_lanes), which takes the lanes' shared bucket
// locks before it looks at them, so a worker releasing a lane at that moment cannot miss the new
// deliveries (see the function's comment). Workers hear of woken lanes through NOTIFY hookwire_lanes.
import type { DeliveryQueue } from '../domain/queue.ts';

export const LANES_CHANNEL = 'hookwire_lanes';

export const laneQueue: DeliveryQueue = {
  async wake(tx, endpointIds, at) {
    if (endpointIds.length === 0) return 0;
    const [row] = await tx.$queryRaw<[{ woken: number }]>`
      SELECT hookwire_wake_lanes(${[...new Set(endpointIds)]}::text[], ${at}::timestamptz) AS woken`;
    return row.woken;
  },
};
