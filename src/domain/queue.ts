// The delivery queue as the domain sees it: a port. Writes that make deliveries due (publishing,
// resuming, retrying) wake their endpoints' lanes in their own transaction, so a committed delivery
// is always seen by a worker and a rolled-back one never is. Its implementation is the lane queue
// (src/db/lanes.ts, SQL), drained by the workers (src/worker/).
import type { Sql } from '../db/sql.ts';

export interface DeliveryQueue {
  /** The lanes of these endpoints are due at `at` at the latest (in the caller's transaction). */
  wake(sql: Sql, endpointIds: readonly string[], at: Date): Promise<number>;
  /**
   * The same as an SQL expression of another statement, for writes that must be one statement:
   * `endpointIds` and `at` are SQL expressions of a text[] and a timestamptz there.
   */
  wakeExpression(endpointIds: string, at: string): string;
}
