// The delivery engine of a worker process: claims due lanes (endpoints with deliveries to attempt)
// oldest-ready first, up to HOOKWIRE_WORKER_LANES at once, drains each for a slice
// (drainer.ts), and looks again whenever a lane is woken (NOTIFY hookwire_lanes), a slice ends, a
// retry falls due, or the listener reconnects. A lane that is still busy after its slice goes to
// the back of the line, so a backlog on one endpoint never holds another's events.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Dispatcher } from 'undici';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { PgListener } from '../db/listener.ts';
import type { Clock } from '../domain/clock.ts';
import { CHANNELS, type EndpointStatusNotice } from '../domain/notify.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Transformer } from '../delivery/transform.ts';
import type { Sealer } from '../db/sealer.ts';
import { retryOnConnectionError, withDeadlockRetry } from '../db/reconnect.ts';
import { drainLane, sliceBatch, type DrainDeps, type LaneControl, type SliceEnd } from './drainer.ts';
import {
  claimDueLanes,
  claimLanes,
  LANES_CHANNEL,
  nextReadyAt,
  releaseLanes,
  renewLeases,
  type ClaimedDelivery,
  type ClaimedLane,
} from '../db/sql/lanes.ts';
import { LaneReleases } from './drainer-releases.ts';
import { AttemptRecorder } from './recorder.ts';
import { Semaphore } from './semaphore.ts';
import { BrokerPool } from '../delivery/brokers/pool.ts';

export interface Engine {
  readonly workerId: string;
  readonly recorder: AttemptRecorder;
  /** Endpoints this worker is draining right now. */
  readonly activeLanes: number;
  /** Look for due lanes now (tests call it after moving a manual clock). */
  poke(): void;
  /** Starts nothing more, lets attempts in flight finish and be recorded (bounded), gives lanes back. */
  stop(timeoutMs: number): Promise<void>;
}

export interface EngineOptions {
  pool: pg.Pool;
  listener: PgListener;
  db: Db;
  dispatcher: Dispatcher;
  clock: Clock;
  config: Readonly<Config>;
  logger: Logger;
  metrics?: Metrics;
  random?: () => number;
  transformer: () => Promise<Transformer>;
  sealer: Sealer;
}

export function startEngine(options: EngineOptions): Engine {
  const engine = new LaneEngine(options);
  engine.start();
  return engine;
}

class LaneEngine implements Engine {
  readonly workerId = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  readonly recorder: AttemptRecorder;
  private readonly options: EngineOptions;
  private readonly drainDeps: DrainDeps;
  /** This worker's connections to broker destinations: opened on first use, closed when idle and at stop. */
  private readonly brokers: BrokerPool;
  /** The lanes being drained, by endpoint id, each with what tells its slice to halt. */
  private readonly running = new Map<string, LaneControl>();
  private readonly drains = new Set<Promise<void>>();
  private stopping = false;
  /** A round is looking for lanes; `again`: another was asked for meanwhile. */
  private claiming = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  /** Renews the leases of the lanes being drained (see renewLeases), a third of the grace apart. */
  private renewer: NodeJS.Timeout | null = null;
  private renewing = false;
  /** How far apart renewals are (ms): a third of the grace, within [100, 5,000]. */
  private readonly renewEveryMs: number;
  /** Lanes whose slices ended together are given back in one statement (see LaneReleases). */
  private readonly releases: LaneReleases;

  constructor(options: EngineOptions) {
    const { pool, config, logger } = options;
    this.options = options;
    this.recorder = new AttemptRecorder(pool, { db: options.db, failingAfter: config.failingAfter }, logger);
    this.renewEveryMs = Math.max(100, Math.min(5_000, Math.floor(config.laneLeaseGraceMs / 3)));
    this.releases = new LaneReleases((lanes) =>
      retryOnConnectionError(() => withDeadlockRetry(() => releaseLanes(pool, { worker: this.workerId, now: options.clock.now(), lanes }))),
    );
    this.brokers = new BrokerPool({ allowPrivateNetworks: config.allowPrivateNetworks, logger, connectionName: `hookwire-worker ${this.workerId}` });
    this.drainDeps = {
      pool,
      dispatcher: options.dispatcher,
      brokers: this.brokers,
      clock: options.clock,
      recorder: this.recorder,
      slots: new Semaphore(config.workerConcurrency),
      logger,
      metrics: options.metrics,
      random: options.random,
      transformer: options.transformer,
      sealer: options.sealer,
      settings: {
        workerId: this.workerId,
        userAgent: `Hookwire/${config.version}`,
        retrySchedule: config.retrySchedule,
        endpointConcurrency: config.endpointConcurrency,
        sliceMs: config.laneSliceMs,
      },
    };
  }

  get activeLanes(): number {
    return this.running.size;
  }

  start(): void {
    const { listener } = this.options;
    listener.addEventListener(LANES_CHANNEL, this.onLanes);
    listener.addEventListener('connected', this.onLanes);
    listener.addEventListener(CHANNELS.endpointStatus, this.onStatus);
    this.renewer = setInterval(() => void this.renew(), this.renewEveryMs);
    this.renewer.unref();
    void this.renew();
    void this.round();
  }

  /**
   * Stamps this worker's liveness and keeps the leases of the lanes it drains while it lives (see
   * src/db/sql/lanes.ts: only a worker that keeps renewing takes over a lane whose holder did
   * not). A lane missing from the answer was taken over (this worker missed its renewals while
   * others made theirs: frozen, or cut off from the database alone): its slice starts nothing
   * more, records what it sent (as history only: its token is stale), and gives nothing back.
   */
  private async renew(): Promise<void> {
    if (this.renewing) return;
    const { pool, clock, config, logger } = this.options;
    this.renewing = true;
    try {
      const lanes = [...this.running.entries()].map(([endpointId, control]) => ({ endpointId, token: control.token, control }));
      const held = await renewLeases(pool, {
        worker: this.workerId,
        lanes,
        now: clock.now(),
        leaseGraceMs: config.laneLeaseGraceMs,
        // Two intervals: one late renewal on a busy machine does not break the run, an outage does.
        breakAfterMs: 2 * this.renewEveryMs,
      });
      for (const { endpointId: id, token, control } of lanes) {
        // Given back meanwhile, or claimed again by this worker under a new token: not lost.
        if (this.running.get(id) !== control || control.token !== token) continue;
        const until = held.get(id);
        if (until) control.leaseUntil = until.getTime();
        else if (!control.halted) {
          control.halted = true;
          this.lost(id);
        }
      }
    } catch (error) {
      logger.warn(`engine: could not renew lane leases (${(error as Error).message}); trying again shortly`);
    } finally {
      this.renewing = false;
    }
  }

  private lost(endpointId: string): void {
    this.options.logger.warn(
      `lane of ${endpointId} was taken over by another worker (this one missed renewals that worker made); what was sent is recorded as history only, nothing more starts`,
    );
  }

  poke(): void {
    void this.round();
  }

  async stop(timeoutMs: number): Promise<void> {
    const { listener, logger } = this.options;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    listener.removeEventListener(LANES_CHANNEL, this.onLanes);
    listener.removeEventListener('connected', this.onLanes);
    listener.removeEventListener(CHANNELS.endpointStatus, this.onStatus);
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timeout = setTimeout(() => resolve('expired'), timeoutMs)));
    const finished = (async () => {
      while (this.drains.size > 0) await Promise.allSettled([...this.drains]);
      await this.recorder.drain();
    })();
    const result = await Promise.race([finished, expired]);
    clearTimeout(timeout);
    // Renewed until here: the lanes were this worker's while it finished their attempts.
    if (this.renewer) clearInterval(this.renewer);
    if (result === 'expired') {
      logger.warn(`stopping after ${timeoutMs} ms with ${this.running.size} lane(s) still busy; their leases will run out and other workers will resend what was not recorded`);
    }
    // After the attempts in flight (or the timeout): a publish still waiting ends as a failure.
    await this.brokers.close();
  }

  private readonly onLanes = () => void this.round();

  private readonly onStatus = (event: Event) => {
    try {
      const notice = JSON.parse((event as CustomEvent<string>).detail) as EndpointStatusNotice;
      const control = this.running.get(notice.endpointId);
      if (control && notice.status !== 'ACTIVE') control.halted = true;
    } catch {
      // a malformed notice: the next claim sees the endpoint's status anyway
    }
  };

  /** Looks again after `delayMs` (at most the poll interval), unless stopping. */
  private arm(delayMs: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.round(), Math.max(0, Math.min(delayMs, this.options.config.workerPollMs)));
    this.timer.unref();
  }

  /** Claims as many due lanes as there is room for, and drains each; one round at a time. */
  private async round(): Promise<void> {
    if (this.claiming) {
      this.again = true;
      return;
    }
    const { pool, clock, config, logger } = this.options;
    this.claiming = true;
    try {
      do {
        this.again = false;
        const free = config.workerLanes - this.running.size;
        if (free <= 0 || this.stopping) break;
        const now = clock.now();
        const lanes = await claimLanes(pool, { worker: this.workerId, now, limit: free, leaseGraceMs: config.laneLeaseGraceMs });
        const first = await this.firstClaims(lanes);
        for (const lane of lanes) this.drain(lane, now, first.get(lane.endpoint_id));
        if (lanes.length < free) {
          const next = await nextReadyAt(pool, { now });
          this.arm(next ? next.getTime() - now.getTime() : config.workerPollMs);
        }
      } while (this.again && !this.stopping);
    } catch (error) {
      logger.warn(`engine: could not look for due lanes (${(error as Error).message}); trying again shortly`);
      this.arm(config.workerPollMs);
    } finally {
      this.claiming = false;
    }
  }

  /**
   * The first claim of every lane just claimed, in one statement (an ordered lane, or a held one,
   * claims its own). When it fails, each slice claims for itself: the lanes are this worker's now.
   */
  private async firstClaims(lanes: readonly ClaimedLane[]): Promise<Map<string, ClaimedDelivery[]>> {
    const { pool, clock, config, logger } = this.options;
    const asked = lanes
      .filter((lane) => !lane.ordered && lane.status === 'ACTIVE' && !this.running.has(lane.endpoint_id))
      .map((lane) => ({ endpointId: lane.endpoint_id, limit: sliceBatch(lane, config.endpointConcurrency) }));
    try {
      return await claimDueLanes(pool, { lanes: asked, now: clock.now() });
    } catch (error) {
      logger.warn(`engine: could not claim the due deliveries of ${asked.length} lane(s) at once (${(error as Error).message}); each claims its own`);
      return new Map();
    }
  }

  /** `claimedAt`: the `now` the lane was claimed with, from which its lease runs (as the database has it). */
  private drain(lane: ClaimedLane, claimedAt: Date, first?: ClaimedDelivery[]): void {
    const id = lane.endpoint_id;
    const { config } = this.options;
    // Not the clock now: the first claims took a statement since, and the lease must not be thought longer than it is.
    const leaseUntil = claimedAt.getTime() + lane.timeout_ms + config.laneLeaseGraceMs;
    // Claimed again while this worker still drains it: only when it stopped renewing it (a frozen
    // process, a moved test clock). The slice under way holds it under the new token, and gives it back.
    const under = this.running.get(id);
    if (under) {
      under.token = lane.lease_token;
      under.leaseUntil = leaseUntil;
      return;
    }
    const control: LaneControl = {
      halted: false,
      stopping: () => this.stopping,
      leaseUntil,
      token: lane.lease_token,
    };
    this.running.set(id, control);
    const done = this.slice(lane, control, first)
      .catch((error: unknown) => this.options.logger.error(`lane of ${id} could not be given back (its lease will run out)`, error))
      .finally(() => {
        this.drains.delete(done);
        void this.round();
      });
    this.drains.add(done);
  }

  /** One slice of the lane, then the lane given back with what the slice learnt of it. */
  private async slice(lane: ClaimedLane, control: LaneControl, first?: ClaimedDelivery[]): Promise<void> {
    const { pool, clock, logger } = this.options;
    const id = lane.endpoint_id;
    let end: SliceEnd;
    try {
      end = await drainLane(this.drainDeps, lane, control, first);
    } finally {
      // Before the lane is given back: once it is, a round of this worker may claim it again.
      this.running.delete(id);
    }
    // Frozen, or the database was away, past the lease: still this worker's lane, or taken over?
    // Asked whatever ended the slice: one that decided to stop before a freeze (its slice over)
    // ends after it, its lease long lapsed.
    if (end.stopped === 'lease lapsed' || control.leaseUntil <= clock.now().getTime()) {
      const held = await retryOnConnectionError(() =>
        renewLeases(pool, {
          worker: this.workerId,
          lanes: [{ endpointId: id, token: control.token }],
          now: clock.now(),
          leaseGraceMs: this.options.config.laneLeaseGraceMs,
          breakAfterMs: 2 * this.renewEveryMs,
        }),
      );
      if (!held.has(id)) {
        this.lost(id);
        return;
      }
    }
    const readyAt = await this.releases.give({ endpointId: id, token: control.token, notBefore: end.notBefore, rateWindowStart: end.rateWindowStart, rateCount: end.rateCount });
    logger.debug(`lane ${id}: ${end.attempts} attempt(s), slice of ${end.ms} ms ended ${end.stopped}, next due ${readyAt?.toISOString() ?? 'when woken'}`);
    if (readyAt) this.arm(readyAt.getTime() - clock.now().getTime());
  }
}
