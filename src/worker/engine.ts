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
import { drainLane, type LaneControl, type SliceEnd } from './drainer.ts';
import { claimLanes, LANES_CHANNEL, nextReadyAt, releaseLane, type ClaimedLane } from '../db/sql/lanes.ts';
import { AttemptRecorder } from './recorder.ts';
import { Semaphore } from './semaphore.ts';

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
  const { pool, clock, config, logger } = options;
  const workerId = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const recorder = new AttemptRecorder(pool, { db: options.db, failingAfter: config.failingAfter }, logger);
  const slots = new Semaphore(config.workerConcurrency);
  const running = new Map<string, LaneControl>();
  const drains = new Set<Promise<void>>();
  const drainDeps = {
    pool,
    dispatcher: options.dispatcher,
    clock,
    recorder,
    slots,
    logger,
    metrics: options.metrics,
    random: options.random,
    transformer: options.transformer,
    sealer: options.sealer,
    settings: {
      workerId,
      userAgent: `Hookwire/${config.version}`,
      retrySchedule: config.retrySchedule,
      endpointConcurrency: config.endpointConcurrency,
      sliceMs: config.laneSliceMs,
    },
  };

  let stopping = false;
  let claiming = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  const arm = (delayMs: number) => {
    if (stopping) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void round(), Math.max(0, Math.min(delayMs, config.workerPollMs)));
    timer.unref();
  };

  const drain = (lane: ClaimedLane) => {
    const id = lane.endpoint_id;
    // Claimed again while this worker still drains it: only when its lease ran out meanwhile (a
    // moved test clock, a frozen process). The slice under way gives it back.
    if (running.has(id)) return;
    const control: LaneControl = { halted: false, stopping: () => stopping };
    running.set(id, control);
    const done = (async () => {
      let end: SliceEnd | null = null;
      try {
        end = await drainLane(drainDeps, lane, control);
      } finally {
        // Before the lane is given back: once it is, a round of this worker may claim it again.
        running.delete(id);
      }
      const readyAt = await retryOnConnectionError(() =>
        withDeadlockRetry(() =>
          releaseLane(pool, { endpointId: id, worker: workerId, now: clock.now(), notBefore: end.notBefore, rateWindowStart: end.rateWindowStart, rateCount: end.rateCount }),
        ),
      );
      logger.debug(`lane ${id}: ${end.attempts} attempt(s), slice of ${end.ms} ms ended ${end.stopped}, next due ${readyAt?.toISOString() ?? 'when woken'}`);
      if (readyAt) arm(readyAt.getTime() - clock.now().getTime());
    })()
      .catch((error: unknown) => logger.error(`lane of ${id} could not be given back (its lease will run out)`, error))
      .finally(() => {
        drains.delete(done);
        void round();
      });
    drains.add(done);
  };

  const round = async (): Promise<void> => {
    if (claiming) {
      again = true;
      return;
    }
    claiming = true;
    try {
      do {
        again = false;
        const free = config.workerLanes - running.size;
        if (free <= 0 || stopping) break;
        const now = clock.now();
        const lanes = await claimLanes(pool, { worker: workerId, now, limit: free, leaseGraceMs: config.laneLeaseGraceMs });
        for (const lane of lanes) drain(lane);
        if (lanes.length < free) {
          const next = await nextReadyAt(pool, { now });
          arm(next ? next.getTime() - now.getTime() : config.workerPollMs);
        }
      } while (again && !stopping);
    } catch (error) {
      logger.warn(`engine: could not look for due lanes (${(error as Error).message}); trying again shortly`);
      arm(config.workerPollMs);
    } finally {
      claiming = false;
    }
  };

  const onLanes = () => void round();
  const onStatus = (event: Event) => {
    try {
      const notice = JSON.parse((event as CustomEvent<string>).detail) as EndpointStatusNotice;
      const control = running.get(notice.endpointId);
      if (control && notice.status !== 'ACTIVE') control.halted = true;
    } catch {
      // a malformed notice: the next claim sees the endpoint's status anyway
    }
  };
  options.listener.addEventListener(LANES_CHANNEL, onLanes);
  options.listener.addEventListener('connected', onLanes);
  options.listener.addEventListener(CHANNELS.endpointStatus, onStatus);
  void round();

  return {
    workerId,
    recorder,
    get activeLanes() {
      return running.size;
    },
    poke: () => void round(),
    async stop(timeoutMs) {
      stopping = true;
      if (timer) clearTimeout(timer);
      options.listener.removeEventListener(LANES_CHANNEL, onLanes);
      options.listener.removeEventListener('connected', onLanes);
      options.listener.removeEventListener(CHANNELS.endpointStatus, onStatus);
      let timeout: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => (timeout = setTimeout(() => resolve('expired'), timeoutMs)));
      const finished = (async () => {
        while (drains.size > 0) await Promise.allSettled([...drains]);
        await recorder.drain();
      })();
      const result = await Promise.race([finished, expired]);
      clearTimeout(timeout);
      if (result === 'expired') {
        logger.warn(`stopping after ${timeoutMs} ms with ${running.size} lane(s) still busy; their leases will run out and other workers will resend what was not recorded`);
      }
    },
  };
}
