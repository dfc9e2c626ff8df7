// Records attempts in batches: every attempt that finishes while a batch is being written joins the
// next one, so at low load an attempt is recorded at once (one statement) and under load one
// statement records hundreds. That statement commits on its own; a batch that causes
// endpoint.failing / endpoint.recovered is refused by it and recorded in a transaction with those
// announcements instead (they commit together or not at all). An attempt's delivery counts as in flight until its record commits;
// a worker that dies before that leaves it pending, and it is sent again (same webhook-id) once the
// lane's lease runs out: that is the at-least-once window, one or two batch round trips long.
import type pg from 'pg';
import { retryOnConnectionError, withDeadlockRetry } from '../db/reconnect.ts';
import { poolSql, poolTransaction } from '../db/sql.ts';
import { recordAndAnnounce, recordUnannounced, recordWithEffect, type AttemptRecord, type EffectDeps, type RecordedDelivery } from '../domain/attempts.ts';
import type { Logger } from '../log.ts';

const MAX_BATCH = 500;
const MAX_CONCURRENT_BATCHES = 2;

interface Pending {
  record: AttemptRecord;
  resolve: (delivery: RecordedDelivery | null) => void;
  reject: (error: unknown) => void;
}

export class AttemptRecorder {
  private readonly queue: Pending[] = [];
  private readonly outstanding = new Set<Promise<unknown>>();
  private writing = 0;
  private scheduled = false;
  /** The engine's pool: the batch statement is prepared on its connections. */
  private readonly pool: pg.Pool;
  private readonly effects: EffectDeps;
  private readonly logger: Logger;
  /**
   * Batches written and attempts in them, for the benchmark and /metrics; `announced`: the batches
   * that changed an endpoint's health, recorded again in a transaction with their announcements.
   */
  readonly stats = { batches: 0, attempts: 0, announced: 0 };

  constructor(pool: pg.Pool, effects: EffectDeps, logger: Logger) {
    this.pool = pool;
    this.effects = effects;
    this.logger = logger;
  }

  /** Resolves once the attempt is committed: with its delivery, or null when the delivery was gone. */
  record(record: AttemptRecord): Promise<RecordedDelivery | null> {
    const done = new Promise<RecordedDelivery | null>((resolve, reject) => this.queue.push({ record, resolve, reject }));
    this.track(done);
    this.schedule();
    return done;
  }

  /**
   * An attempt that disables its endpoint or exhausts its delivery: recorded alone, with those
   * consequences, after every attempt recorded before it (the pause rule reads the last success).
   */
  async recordWithEffect(
    record: AttemptRecord,
    endpoint: { id: string; accountId: string; url: string },
    now: () => Date,
  ): Promise<{ held: boolean } | null> {
    const earlier = [...this.outstanding];
    const done = (async () => {
      await Promise.allSettled(earlier);
      return retryOnConnectionError(() => withDeadlockRetry(() => recordWithEffect(this.effects, record, endpoint, now())), Infinity);
    })();
    this.track(done);
    return done;
  }

  /** Resolves when everything recorded so far is committed (or has failed). */
  async drain(): Promise<void> {
    while (this.outstanding.size > 0) await Promise.allSettled([...this.outstanding]);
  }

  private track(promise: Promise<unknown>): void {
    this.outstanding.add(promise);
    promise.then(
      () => this.outstanding.delete(promise),
      () => this.outstanding.delete(promise),
    );
  }

  /** Attempts that finish in the same turn of the event loop go into one batch. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.write();
    });
  }

  private write(): void {
    while (this.writing < MAX_CONCURRENT_BATCHES && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.writing++;
      void this.writeBatch(batch).finally(() => {
        this.writing--;
        this.write();
      });
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      // The receivers have these requests: a database outage, however long, must delay the records,
      // not lose them (the lane stays this worker's meanwhile: see src/db/sql/lanes.ts).
      // endpoint.failing / endpoint.recovered commit with the attempts that cause them, or neither does.
      // The usual batch changes no endpoint's health: one statement, committed on its own (no
      // BEGIN/COMMIT round trips). One that does is refused whole, and recorded in a transaction.
      const records = batch.map((p) => p.record);
      const { failingAfter } = this.effects;
      const deliveries = await retryOnConnectionError(
        () =>
          withDeadlockRetry(async () => {
            const alone = await recordUnannounced(poolSql(this.pool), records, failingAfter);
            if (alone !== null) return alone;
            this.stats.announced++;
            return poolTransaction(this.pool, (sql) => recordAndAnnounce(sql, records, failingAfter));
          }),
        Infinity,
      );
      const recorded = new Map(deliveries.map((d) => [d.id, d]));
      this.stats.batches++;
      this.stats.attempts += batch.length;
      for (const pending of batch) pending.resolve(recorded.get(pending.record.deliveryId) ?? null);
    } catch (error) {
      this.logger.error(`could not record ${batch.length} attempt(s); their deliveries stay pending and will be sent again`, error);
      for (const pending of batch) pending.reject(error);
    }
  }
}
