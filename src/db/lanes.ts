// The lane queue's write side, shared by every process that makes deliveries due: one call of
// hookwire_wake_lanes (prisma/migrations/…_engine_lanes), which takes the lanes' shared bucket
// locks before it looks at them, so a worker releasing a lane at that moment cannot miss the new
// deliveries (see the function's comment). Workers hear of woken lanes through NOTIFY hookwire_lanes.
import type { DeliveryQueue } from '../domain/queue.ts';

export const LANES_CHANNEL = 'hookwire_lanes';

const WAKE = { name: 'hookwire_wake_lanes', text: 'SELECT hookwire_wake_lanes($1::text[], $2::timestamptz) AS woken' };

export const laneQueue: DeliveryQueue = {
  async wake(sql, endpointIds, at) {
    if (endpointIds.length === 0) return 0;
    const [row] = await sql.query<{ woken: number }>(WAKE, [[...new Set(endpointIds)], at]);
    return row?.woken ?? 0;
  },
  wakeExpression: (endpointIds, at) => `hookwire_wake_lanes(${endpointIds}, ${at})`,
};
