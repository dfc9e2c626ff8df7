// Lanes given back in batches (issue 16, wide fan-out): the slices of a worker that end together
// share one hookwire_release_lanes statement (src/db/sql/lanes.ts) instead of one each.
import type { ReleaseLaneParams } from '../db/sql/lanes.ts';

export type LaneRelease = Omit<ReleaseLaneParams, 'worker' | 'now'>;

/**
 * Gives lanes back in batches: the slices that end while a release is under way (or in the same
 * turn of the event loop) share the next one, each endpoint at most once per batch. Each caller
 * learns its own lane's answer (when it is next due; null: when woken, or no longer this worker's),
 * or the batch's error.
 */
export class LaneReleases {
  private queue: Array<{ lane: LaneRelease; resolve: (at: Date | null) => void; reject: (error: unknown) => void }> = [];
  private flushing = false;
  private readonly release: (lanes: LaneRelease[]) => Promise<Map<string, Date | null>>;
  private readonly max: number;

  constructor(release: (lanes: LaneRelease[]) => Promise<Map<string, Date | null>>, max = 500) {
    this.release = release;
    this.max = max;
  }

  give(lane: LaneRelease): Promise<Date | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ lane, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: typeof this.queue = [];
      const rest: typeof this.queue = [];
      const ids = new Set<string>();
      for (const item of this.queue) {
        if (batch.length < this.max && !ids.has(item.lane.endpointId)) {
          ids.add(item.lane.endpointId);
          batch.push(item);
        } else rest.push(item);
      }
      this.queue = rest;
      try {
        const released = await this.release(batch.map((item) => item.lane));
        for (const item of batch) item.resolve(released.get(item.lane.endpointId) ?? null);
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.flushing = false;
  }
}
