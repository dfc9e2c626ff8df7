// `npm run soak -- --minutes N` (or `--seconds N`): Hookwire under faults for N minutes, then every
// delivery counted. Real processes as in production (an API and worker processes started as
// `npm start` starts them, an embedded Postgres the soak owns in a temp dir, receivers in a process
// of their own that fail at random: 500s, hangs past the endpoint's timeout, resets). A publisher
// publishes steadily with idempotency keys and retries a publish whose answer was lost; one
// worker is SIGKILLed at a quarter of the run, Postgres hung (SIGSTOP of the server, --pg-hang-ms)
// at half and restarted in place (--pg-down-ms) at three quarters. Then it
// waits (bounded) for the retries to settle and counts, from the database and the receiver's own
// records: accepted, succeeded, failed by reason, stuck, lost and duplicates. Prints a table and,
// last, the same figures as one JSON line; exits 1 when anything is lost or stuck, or duplicates
// exceed what the SIGKILL can explain (a database outage, hung or refusing, of any length, may
// cause none: see src/db/sql/lanes.ts).
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { account, event, publishEvents, PublishRefusedError } from './api.ts';
import { GraphQLClient, GraphQLRequestError, startHookwire, startPgServer, startReceiver, type HookwireProcess, type Receipt } from './processes.ts';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string' },
    seconds: { type: 'string' },
    /** Events per second (each goes to every endpoint). */
    rate: { type: 'string', default: '10' },
    endpoints: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
    /**
     * A killed worker's lanes wait this long beyond the timeout. Kept well above the Postgres
     * outage plus the reconnect backoff (up to 2 s): a lease that runs out while its worker waits
     * to record answers it already has lets another worker send them again (see README).
     */
    'lease-grace-ms': { type: 'string', default: '8000' },
    'pg-down-ms': { type: 'string', default: '3000' },
    /** How long the database server is hung (SIGSTOP, then SIGCONT); 0: not hung. */
    'pg-hang-ms': { type: 'string', default: '3000' },
    /** The embedded Postgres's port (default: one free at start); it is restarted on the same one. */
    'pg-port': { type: 'string' },
  },
});

const RUN_MS = flags.seconds !== undefined ? Number(flags.seconds) * 1000 : Number(flags.minutes ?? '1') * 60_000;
const RATE = Number(flags.rate);
const ENDPOINTS = Number(flags.endpoints);
const WORKERS = Number(flags.workers);
const LEASE_GRACE_MS = Number(flags['lease-grace-ms']);
const PG_DOWN_MS = Number(flags['pg-down-ms']);
const PG_HANG_MS = Number(flags['pg-hang-ms']);
for (const [name, value, min] of [['run time', RUN_MS, 1000], ['--rate', RATE, 0.1], ['--endpoints', ENDPOINTS, 1], ['--workers', WORKERS, 2], ['--lease-grace-ms', LEASE_GRACE_MS, 100], ['--pg-down-ms', PG_DOWN_MS, 0], ['--pg-hang-ms', PG_HANG_MS, 0]] as const) {
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number of at least ${min}, got ${value}`);
}

/** Short, so every retry falls due within the run: 5 attempts over ~15 s (±20% jitter). */
const SCHEDULE = [1, 2, 4, 8];
const TIMEOUT_MS = 1_000;
/** HOOKWIRE_LANE_SLICE_MS's default: a lane is held this long beyond its last attempt's start. */
const SLICE_MS = 250;
const LEASE_MS = TIMEOUT_MS + LEASE_GRACE_MS;
/** A pending delivery this far past its next attempt, after the settling, is stuck. */
const STUCK_AFTER_MS = 30_000;
/** How long a publish is retried before it counts as abandoned. */
const PUBLISH_GIVE_UP_MS = 120_000;
const TICK_MS = 200;
/**
 * A receiver's record belongs to the attempt row of the same endpoint, webhook-id and attempt
 * number whose span it falls in, give or take this: far less than a re-send of an unrecorded
 * attempt can follow it (a lease later), far more than two processes' event loops lag.
 */
const MATCH_SLACK_MS = 2_000;

/**
 * Endpoint i fails from 10% to 50% of its requests, a third each 500, hang, reset: with 5 attempts
 * a delivery exhausts from 1 in 100,000 (10%) to 1 in 32 (50%) times, and every endpoint still
 * succeeds often enough that none is paused (paused: no success since an exhausted delivery began).
 */
function failureChance(i: number): number {
  return ENDPOINTS === 1 ? 0.3 : 0.1 + (0.4 * i) / (ENDPOINTS - 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const count = <K extends string>(into: Record<K, number>, key: K, n = 1) => (into[key] = (into[key] ?? 0) + n);

// ---------------------------------------------------------------------------------------------
// The moving parts

const t0 = Date.now();
const runId = t0.toString(36);
const pg = await startPgServer({ embedded: true, port: flags['pg-port'] ? Number(flags['pg-port']) : undefined });
const receiver = await startReceiver();
const processes: HookwireProcess[] = [];
let cleaning: Promise<void> | null = null;
/** Once, on every way out: a run that fails half way, or is interrupted, leaves no process behind. */
const cleanup = () =>
  (cleaning ??= (async () => {
    await Promise.allSettled(processes.map((p) => p.stop()));
    await receiver.stop();
    await pg.stop();
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}
let exitCode = 1;
try {
  const db = await pg.database();
  const env = {
    HOOKWIRE_RETRY_SCHEDULE: SCHEDULE.join(','),
    HOOKWIRE_LANE_LEASE_GRACE_MS: String(LEASE_GRACE_MS),
    HOOKWIRE_SHUTDOWN_TIMEOUT_MS: '5000',
  };
  const sql = <T extends Record<string, any>>(text: string, values?: unknown[]) => pg.query<T>(db, text, values);
  const apiProcess = await startHookwire('api', db, env);
  processes.push(apiProcess);
  // Started after the API has migrated the database, side by side: they share the endpoints.
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startHookwire('worker', db, env)));
  processes.push(...workers);
  const api = new GraphQLClient(apiProcess.url!, 16, 10_000);
  const chaos = (i: number) => {
    const third = (failureChance(i) / 3).toFixed(4);
    return `${receiver.origin}/chaos/${i}?500=${third}&hang=${third}&reset=${third}`;
  };
  const acct = await account(
    api,
    'soak',
    Array.from({ length: ENDPOINTS }, (_, i) => ({ url: chaos(i), timeoutMs: TIMEOUT_MS, eventTypes: ['message.received'] })),
  );
  const endpointOfPath = (path: string) => acct.endpointIds[Number(/^\/chaos\/(\d+)/.exec(path)?.[1] ?? NaN)];
  const setupMs = Date.now() - t0;
  console.error(`soak: ${seconds(RUN_MS)} s at ${RATE} events/s to ${ENDPOINTS} endpoints, API + ${WORKERS} workers (set up in ${seconds(setupMs)} s)`);

  // -------------------------------------------------------------------------------------------
  // The publisher: steady ticks, each batch retried with its idempotency keys until the API
  // answers it, so an accepted event is one the API said it took.

  const publish = {
    batches: 0,
    accepted: new Map<string, number>(),
    /** Publish requests that got no answer or an error answer, each retried. */
    failedRequests: 0,
    failedBy: {} as Record<string, number>,
    retriedBatches: 0,
    abandoned: 0,
    refused: 0,
    acceptedAt: [] as number[],
  };
  const failureReason = (error: unknown): string => {
    if (error instanceof GraphQLRequestError) return error.status === 200 ? 'GraphQL error' : `HTTP ${error.status}`;
    const code = (error as { code?: string }).code;
    return code ?? (error as Error).name ?? 'error';
  };
  const publishBatch = async (inputs: Array<Record<string, unknown>>) => {
    const giveUp = Date.now() + PUBLISH_GIVE_UP_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const ids = await publishEvents(api, acct.key, inputs);
        for (const id of ids) publish.accepted.set(id, Date.now());
        publish.acceptedAt.push(Date.now());
        if (attempt > 1) publish.retriedBatches++;
        return;
      } catch (error) {
        if (error instanceof PublishRefusedError) {
          publish.refused += inputs.length;
          console.error(`soak: a publish was refused: ${error.message}`);
          return;
        }
        publish.failedRequests++;
        count(publish.failedBy, failureReason(error));
        if (Date.now() > giveUp) {
          publish.abandoned += inputs.length;
          return;
        }
        await sleep(250);
      }
    }
  };
  const publisher = async () => {
    const inFlight = new Set<Promise<void>>();
    let owed = 0;
    let sequence = 0;
    for (let tick = 0; tick * TICK_MS < RUN_MS; tick++) {
      await sleep(t0 + setupMs + tick * TICK_MS - Date.now());
      owed += (RATE * TICK_MS) / 1000;
      const n = Math.floor(owed);
      owed -= n;
      if (n === 0) continue;
      const inputs = Array.from({ length: n }, () => ({ ...event('soak'), idempotencyKey: `soak-${runId}-${sequence++}` }));
      publish.batches++;
      // Not awaited: a batch waiting out the Postgres restart must not hold the ticks after it.
      const done = publishBatch(inputs).finally(() => inFlight.delete(done));
      inFlight.add(done);
    }
    await Promise.all(inFlight);
  };

  // -------------------------------------------------------------------------------------------
  // The faults, once each

  const faults = {
    kill: { at: 0, pid: 0, lanesHeld: 0, replacementReadyMs: 0 },
    restart: { stoppingAt: 0, restartedAt: 0, stopMs: 0, startMs: 0 },
    hang: { at: 0, wokenAt: 0 },
  };
  const killWorker = async () => {
    const victim = workers[0]!;
    // Killed while it holds lanes, so attempts are in flight (bounded: it may be idle a moment).
    const until = Date.now() + 5_000;
    for (;;) {
      const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM endpoint_lane WHERE leased_by LIKE $1 AND lease_until > now()`, [`%/${victim.pid}/%`]);
      faults.kill.lanesHeld = row!.n;
      if (faults.kill.lanesHeld > 0 || Date.now() > until) break;
      await sleep(20);
    }
    faults.kill.at = Date.now();
    faults.kill.pid = victim.pid;
    await victim.kill('SIGKILL');
    // A supervisor (systemd, Kubernetes) starts a new one; the dead one's lanes go to whichever
    // worker claims them first once their leases run out.
    const replacement = await startHookwire('worker', db, env);
    processes.push(replacement);
    faults.kill.replacementReadyMs = Date.now() - faults.kill.at;
  };
  const restartPostgres = async () => {
    faults.restart.stoppingAt = Date.now();
    const { stopMs, startMs } = await pg.restart(PG_DOWN_MS);
    faults.restart.restartedAt = Date.now();
    Object.assign(faults.restart, { stopMs, startMs });
  };
  const hangPostgres = async () => {
    if (PG_HANG_MS === 0) return;
    faults.hang.at = Date.now();
    await pg.hang(PG_HANG_MS);
    faults.hang.wokenAt = Date.now();
  };
  const publishStart = t0 + setupMs;
  const faulting = (async () => {
    await sleep(publishStart + RUN_MS / 4 - Date.now());
    await killWorker();
    await sleep(publishStart + RUN_MS / 2 - Date.now());
    await hangPostgres();
    await sleep(publishStart + (3 * RUN_MS) / 4 - Date.now());
    await restartPostgres();
  })();
  await Promise.all([publisher(), faulting]);
  const publishEnd = Date.now();

  // -------------------------------------------------------------------------------------------
  // Settling: every delivery on an active endpoint done, or the bound (the whole schedule, each
  // attempt timing out, a lease, and slack for a loaded machine).

  const settleBoundMs = SCHEDULE.reduce((a, b) => a + b, 0) * 1200 + (SCHEDULE.length + 1) * TIMEOUT_MS + LEASE_MS + 30_000;
  let unsettled = -1;
  while (Date.now() - publishEnd < settleBoundMs) {
    const [row] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery d JOIN endpoint e ON e.id = d.endpoint_id WHERE d.status = 'PENDING' AND e.status = 'ACTIVE'`,
    );
    unsettled = row!.n;
    if (unsettled === 0) break;
    await sleep(1_000);
  }
  const settleMs = Date.now() - publishEnd;
  // Stopped before counting, so nothing changes under the count.
  const live = processes.filter((p) => p.pid !== faults.kill.pid);
  await Promise.all(live.map((p) => p.stop()));
  await api.close();

  // -------------------------------------------------------------------------------------------
  // Counting

  // Hookwire publishes its own operational events (endpoint.failing, endpoint.recovered) into the
  // account too; none of the endpoints subscribes to them, so they are counted apart.
  const events = await sql<{ id: string }>(`SELECT id FROM event WHERE type = 'message.received'`);
  const operational = Object.fromEntries(
    (await sql<{ type: string; n: number }>(`SELECT type, count(*)::int AS n FROM event WHERE type <> 'message.received' GROUP BY type ORDER BY type`)).map((r) => [r.type, r.n]),
  );
  const deliveries = await sql<{
    event_id: string; endpoint_id: string; status: string; attempt_count: number; late_ms: number | null; endpoint_status: string;
    last_outcome: string | null; last_status: number | null;
  }>(`
    SELECT d.event_id, d.endpoint_id, d.status::text, d.attempt_count, e.status::text AS endpoint_status,
           (extract(epoch FROM now() - d.next_attempt_at) * 1000)::float8 AS late_ms,
           a.outcome::text AS last_outcome, a.response_status AS last_status
    FROM delivery d JOIN endpoint e ON e.id = d.endpoint_id
    LEFT JOIN LATERAL (SELECT outcome, response_status FROM delivery_attempt WHERE delivery_id = d.id ORDER BY attempt_number DESC LIMIT 1) a ON true`);
  const attempts = await sql<{ key: string; outcome: string; started_ms: number; duration_ms: number }>(`
    SELECT d.endpoint_id || ' ' || d.event_id || ' ' || a.attempt_number AS key, a.outcome::text,
           (extract(epoch FROM a.started_at) * 1000)::float8 AS started_ms, a.duration_ms
    FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id`);
  const endpoints = await sql<{ id: string; status: string; pause_reason: string | null }>(`SELECT id, status::text, pause_reason FROM endpoint`);
  const receipts: Receipt[] = await receiver.receipts();

  const eventIds = new Set(events.map((e) => e.id));
  const lostEvents = [...publish.accepted.keys()].filter((id) => !eventIds.has(id)).length;
  const unaskedEvents = events.filter((e) => !publish.accepted.has(e.id)).length;
  const expectedDeliveries = publish.accepted.size * ENDPOINTS;
  const deliveryKeys = new Set(deliveries.map((d) => `${d.endpoint_id} ${d.event_id}`));
  const neverCreated = [...publish.accepted.keys()].flatMap((id) => acct.endpointIds.filter((ep) => !deliveryKeys.has(`${ep} ${id}`))).length;

  const byStatus: Record<string, number> = { SUCCEEDED: 0, FAILED: 0, PENDING: 0 };
  const failedBy: Record<string, number> = {};
  const pending = { withinSchedule: 0, overdue: 0, stuck: 0, heldOnPausedEndpoints: 0 };
  for (const d of deliveries) {
    count(byStatus, d.status);
    if (d.status === 'FAILED') {
      const exhausted = d.attempt_count === SCHEDULE.length + 1 ? 'exhausted' : `after ${d.attempt_count} attempt(s)`;
      count(failedBy, `${d.last_outcome}${d.last_status ? ` ${d.last_status}` : ''}, ${exhausted}`);
    } else if (d.status === 'PENDING') {
      if (d.endpoint_status !== 'ACTIVE') pending.heldOnPausedEndpoints++;
      else if (d.late_ms === null || d.late_ms > STUCK_AFTER_MS) pending.stuck++;
      else if (d.late_ms > 0) pending.overdue++;
      else pending.withinSchedule++;
    }
  }
  const attemptsByOutcome: Record<string, number> = {};
  const attemptRows = new Map<string, typeof attempts>();
  for (const a of attempts) {
    count(attemptsByOutcome, a.outcome);
    const rows = attemptRows.get(a.key) ?? [];
    rows.push(a);
    attemptRows.set(a.key, rows);
  }

  // Each request at the receiver, beside the attempt Hookwire recorded for it (if any).
  const answered: Record<string, number> = { '200': 0, '500': 0, hang: 0, reset: 0 };
  const answered200 = new Map<string, number>();
  const unrecorded = { atKill: 0, atKill200: 0, atHang: 0, atRestart: 0, elsewhere: 0 };
  /** Unrecorded at the kill: when the same attempt came again (ms after the kill). */
  const resentAfter: number[] = [];
  let late200 = 0;
  const sameAttempt = new Map<string, number[]>();
  for (const [id, at, path, attempt] of receipts) {
    const key = `${endpointOfPath(path)} ${id} ${attempt}`;
    const times = sameAttempt.get(key) ?? [];
    times.push(at);
    sameAttempt.set(key, times);
  }
  // Each receipt's attempt row: first under the number it was sent as, then (a late record, stored
  // under its delivery's next free number) any attempt of the delivery whose span it falls in.
  const byDelivery = new Map<string, typeof attempts>();
  for (const a of attempts) {
    const delivery = a.key.slice(0, a.key.lastIndexOf(' '));
    byDelivery.set(delivery, [...(byDelivery.get(delivery) ?? []), a]);
  }
  // A request the killed worker had already written can reach its receiver a moment after the
  // SIGKILL, inside the window of the next fault, whose lease-long lookback
  // reaches back over the kill when faults are close: it is still the kill's.
  const KILL_ARRIVAL_MS = 1_000;
  const matched = new Set<(typeof attempts)[number]>();
  const rowOf = new Map<number, (typeof attempts)[number]>();
  const spans = (at: number) => (a: (typeof attempts)[number]) => !matched.has(a) && at >= a.started_ms - MATCH_SLACK_MS && at <= a.started_ms + a.duration_ms + MATCH_SLACK_MS;
  for (const exact of [true, false]) {
    for (const [i, [id, at, path, attempt]] of receipts.entries()) {
      if (rowOf.has(i)) continue;
      const endpointId = endpointOfPath(path);
      const rows = exact ? attemptRows.get(`${endpointId} ${id} ${attempt}`) : byDelivery.get(`${endpointId} ${id}`);
      const row = rows?.find(spans(at));
      if (row) {
        matched.add(row);
        rowOf.set(i, row);
      }
    }
  }
  for (const [i, [id, at, path, attempt, answer]] of receipts.entries()) {
    count(answered, answer);
    const endpointId = endpointOfPath(path);
    if (answer === '200') answered200.set(`${endpointId} ${id}`, (answered200.get(`${endpointId} ${id}`) ?? 0) + 1);
    const key = `${endpointId} ${id} ${attempt}`;
    const row = rowOf.get(i);
    if (row) {
      // The receiver said 200 and Hookwire recorded a failure: the answer came after its timeout.
      if (answer === '200' && row.outcome !== 'SUCCESS') late200++;
    } else if (at >= faults.kill.at - LEASE_MS - SLICE_MS && at <= faults.kill.at + KILL_ARRIVAL_MS) {
      unrecorded.atKill++;
      if (answer === '200') unrecorded.atKill200++;
      const again = sameAttempt.get(key)!.find((later) => later > faults.kill.at);
      if (again !== undefined) resentAfter.push(again - faults.kill.at);
    } else if (faults.hang.at > 0 && at >= faults.hang.at - LEASE_MS && at <= faults.hang.wokenAt + 60_000) {
      unrecorded.atHang++;
    } else if (at >= faults.restart.stoppingAt - LEASE_MS && at <= faults.restart.restartedAt + 60_000) {
      unrecorded.atRestart++;
    } else {
      unrecorded.elsewhere++;
    }
  }
  const duplicated = [...answered200].filter(([, n]) => n > 1);
  const duplicates = duplicated.reduce((sum, [, n]) => sum + n - 1, 0);
  /** Extra requests (any answer) for the same attempt's delivery, by the fault whose window the resend fell in. */
  const resentBy = { kill: 0, hang: 0, restart: 0, elsewhere: 0 };
  {
    const first = new Map<string, number>();
    for (const [id, at, path, attempt] of [...receipts].sort((a, b) => a[1] - b[1])) {
      const key = `${endpointOfPath(path)} ${id} ${attempt}`;
      if (!first.has(key)) {
        first.set(key, at);
        continue;
      }
      const sentAt = first.get(key)!;
      if (sentAt >= faults.kill.at - LEASE_MS - SLICE_MS && sentAt <= faults.kill.at + KILL_ARRIVAL_MS) resentBy.kill++;
      else if (faults.hang.at > 0 && sentAt >= faults.hang.at - LEASE_MS && sentAt <= faults.hang.wokenAt) resentBy.hang++;
      else if (sentAt >= faults.restart.stoppingAt - LEASE_MS && sentAt <= faults.restart.restartedAt) resentBy.restart++;
      else resentBy.elsewhere++;
    }
  }
  const duplicatedDeliveries = duplicated.length;
  const neverSeenKeys = deliveries.filter((d) => d.status === 'SUCCEEDED' && !answered200.has(`${d.endpoint_id} ${d.event_id}`)).map((d) => `${d.endpoint_id} ${d.event_id}`);
  const seenButFailedKeys = deliveries.filter((d) => d.status === 'FAILED' && answered200.has(`${d.endpoint_id} ${d.event_id}`)).map((d) => `${d.endpoint_id} ${d.event_id}`);
  const neverSeen = neverSeenKeys.length;
  const seenButFailed = seenButFailedKeys.length;
  /** What the receiver got and what Hookwire recorded for one delivery, in seconds of the run: for a reader chasing an anomaly. */
  const timeline = (deliveryKey: string) => {
    const at = (ms: number) => `${seconds(ms - publishStart)} s`;
    const [endpointId, eventId] = deliveryKey.split(' ');
    const got = receipts.filter(([id, , path]) => id === eventId && endpointOfPath(path) === endpointId).map(([, t, , attempt, answer]) => `#${attempt} ${answer} at ${at(t)}`);
    const recorded = attempts.filter((a) => a.key.startsWith(`${deliveryKey} `)).map((a) => `#${a.key.split(' ')[2]} ${a.outcome} at ${at(a.started_ms)}`);
    return `${deliveryKey}: receiver ${got.join(', ') || 'nothing'}; recorded ${recorded.join(', ') || 'nothing'}`;
  };
  for (const [what, keys] of [['duplicated', duplicated.map(([key]) => key)], ['SUCCEEDED, never seen by the receiver', neverSeenKeys], ['FAILED, answered 200 by the receiver', seenButFailedKeys]] as const) {
    for (const key of keys.slice(0, 3)) console.error(`soak: ${what}: ${timeline(key)}`);
  }
  // What at-least-once allows: every attempt in flight at the SIGKILL is sent again, and a 200
  // that arrives after the endpoint's timeout is a failure to Hookwire, so it is sent again too.
  const duplicateBound = unrecorded.atKill + late200;
  const lost = { events: lostEvents, deliveriesNeverCreated: neverCreated, successesTheReceiverNeverSaw: neverSeen };
  const lostTotal = lost.events + lost.deliveriesNeverCreated + lost.successesTheReceiverNeverSaw;
  const errorsLogged = processes.flatMap((p) => p.output().split('\n').filter((line) => / ERROR /.test(line)).map((line) => `${p.role} ${p.pid}: ${line.slice(25, 200)}`));
  const firstAcceptedAfterRestart = publish.acceptedAt.find((at) => at > faults.restart.restartedAt);

  const report = {
    run: {
      date: new Date(t0).toISOString(),
      publishSeconds: seconds(RUN_MS),
      rate: RATE,
      endpoints: ENDPOINTS,
      workers: WORKERS,
      schedule: SCHEDULE,
      timeoutMs: TIMEOUT_MS,
      leaseGraceMs: LEASE_GRACE_MS,
      machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
      node: process.version,
      wallSeconds: 0,
      settleSeconds: seconds(settleMs),
      unsettledAtBound: unsettled,
    },
    faults: {
      sigkill: {
        atSecond: seconds(faults.kill.at - publishStart),
        lanesHeld: faults.kill.lanesHeld,
        attemptsInFlight: unrecorded.atKill,
        resentAfterSeconds: resentAfter.length ? [seconds(Math.min(...resentAfter)), seconds(Math.max(...resentAfter))] : [],
        replacementReadySeconds: seconds(faults.kill.replacementReadyMs),
      },
      postgresHang: {
        atSecond: PG_HANG_MS === 0 ? null : seconds(faults.hang.at - publishStart),
        hungSeconds: seconds(faults.hang.wokenAt - faults.hang.at),
      },
      postgresRestart: {
        atSecond: seconds(faults.restart.stoppingAt - publishStart),
        downSeconds: seconds(faults.restart.restartedAt - faults.restart.stoppingAt),
        publishAcceptedAgainAfterSeconds: firstAcceptedAfterRestart === undefined ? null : seconds(firstAcceptedAfterRestart - faults.restart.restartedAt),
      },
    },
    publish: {
      batches: publish.batches,
      accepted: publish.accepted.size,
      failedRequests: publish.failedRequests,
      failedBy: publish.failedBy,
      retriedBatches: publish.retriedBatches,
      abandoned: publish.abandoned,
      refused: publish.refused,
    },
    events: { rows: events.length, notAccepted: unaskedEvents, operational },
    deliveries: { created: deliveries.length, expected: expectedDeliveries, ...byStatus, failedBy, pending },
    pausedEndpoints: endpoints.filter((e) => e.status !== 'ACTIVE').map((e) => `${e.id} ${e.status}: ${e.pause_reason ?? ''}`),
    attempts: { recorded: attempts.length, byOutcome: attemptsByOutcome },
    receiver: { requests: receipts.length, answered, late200, seenButFailed },
    unrecorded,
    lost: { total: lostTotal, ...lost },
    stuck: pending.stuck,
    duplicates: { count: duplicates, deliveries: duplicatedDeliveries, bound: duplicateBound, resentBy },
    errorsLogged: errorsLogged.length,
    ok: false,
  };
  report.ok =
    lostTotal === 0 && pending.stuck === 0 && duplicates <= duplicateBound && resentBy.hang === 0 && resentBy.restart === 0 && publish.abandoned === 0 && publish.refused === 0 &&
    unaskedEvents === 0 && publish.accepted.size > 0;
  report.run.wallSeconds = seconds(Date.now() - t0);

  const fmt = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const rows: Array<[string, string]> = [
    ['run', `${report.run.publishSeconds} s publishing at ${RATE} events/s to ${ENDPOINTS} endpoints; API + ${WORKERS} workers; schedule ${SCHEDULE.join(',')} s; timeout ${TIMEOUT_MS} ms; lease grace ${LEASE_GRACE_MS} ms`],
    ['machine', `${report.run.machine}, Node ${process.version}, embedded Postgres; wall ${report.run.wallSeconds} s, settled ${report.run.settleSeconds} s after publishing`],
    ['SIGKILL of a worker', `at ${report.faults.sigkill.atSecond} s holding ${faults.kill.lanesHeld} lane(s): ${unrecorded.atKill} attempt(s) in flight (${unrecorded.atKill200} answered 200), sent again ${report.faults.sigkill.resentAfterSeconds.join('–') || '–'} s after; replacement ready in ${report.faults.sigkill.replacementReadySeconds} s`],
    ['Postgres hung (SIGSTOP)', PG_HANG_MS === 0 ? 'not hung (--pg-hang-ms 0)' : `at ${report.faults.postgresHang.atSecond} s, for ${report.faults.postgresHang.hungSeconds} s`],
    ['Postgres restart', `at ${report.faults.postgresRestart.atSecond} s, down ${report.faults.postgresRestart.downSeconds} s (stop ${seconds(faults.restart.stopMs)} s, start ${seconds(faults.restart.startMs)} s); publishing accepted again ${report.faults.postgresRestart.publishAcceptedAgainAfterSeconds ?? '–'} s after`],
    ['events accepted', `${publish.accepted.size} in ${publish.batches} batches; ${publish.failedRequests} publish requests failed and were retried (${fmt(publish.failedBy)}), ${publish.retriedBatches} batches accepted on a retry; abandoned ${publish.abandoned}, refused ${publish.refused}`],
    ['event rows', `${events.length} (not accepted by the API: ${unaskedEvents}); Hookwire's own: ${fmt(operational)}`],
    ['deliveries', `${deliveries.length} (expected ${expectedDeliveries}): SUCCEEDED ${byStatus.SUCCEEDED}, FAILED ${byStatus.FAILED}, PENDING ${byStatus.PENDING}`],
    ['FAILED by last attempt', fmt(failedBy)],
    ['PENDING', `within schedule ${pending.withinSchedule}, overdue ≤ ${STUCK_AFTER_MS / 1000} s ${pending.overdue}, held on paused endpoints ${pending.heldOnPausedEndpoints} (${report.pausedEndpoints.length} paused)`],
    ['attempts recorded', `${attempts.length}: ${fmt(attemptsByOutcome)}`],
    ['receiver requests', `${receipts.length}: answered ${fmt(answered)}; 200s Hookwire saw as failures (after its timeout) ${late200}; FAILED deliveries the receiver answered 200 ${seenButFailed}`],
    ['requests never recorded', `${unrecorded.atKill} at the SIGKILL, ${unrecorded.atHang} at the Postgres hang, ${unrecorded.atRestart} at the Postgres restart, ${unrecorded.elsewhere} elsewhere`],
    ['stuck past schedule', `${pending.stuck} (PENDING on an active endpoint > ${STUCK_AFTER_MS / 1000} s past its next attempt, or with none)`],
    ['lost', `${lostTotal}: accepted events with no row ${lost.events}, deliveries never created ${lost.deliveriesNeverCreated}, SUCCEEDED but no 200 at the receiver ${lost.successesTheReceiverNeverSaw}`],
    ['duplicates at the receiver', `${duplicates} extra 200-answered requests over ${duplicatedDeliveries} deliveries (bound ${duplicateBound}: ${unrecorded.atKill} in flight at the SIGKILL + ${late200} late 200s); attempts sent again (any answer): ${fmt(resentBy)}`],
    ['errors logged by Hookwire', `${errorsLogged.length}${errorsLogged.length ? `: ${[...new Set(errorsLogged.map((l) => l.replace(/^\S+ \d+: /, '').slice(0, 120)))].slice(0, 3).join(' | ')}` : ''}`],
    ['verdict', report.ok ? 'OK' : 'FAILED'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log(JSON.stringify(report));
  exitCode = report.ok ? 0 : 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
