// The history section of `npm run bench`: what a person looking at the dashboard waits for once a
// month of traffic lies behind the engine. Two databases are filled with the same synthetic month
// (set-based INSERT … SELECT generate_series, then VACUUM ANALYZE), one the 5,000,000 deliveries (--quick: 200,000) and the other 20,000; an API
// process (as `npm start api` starts it) answers the dashboard's own GraphQL reads for the busiest
// endpoint, and each read's median at both sizes is printed with the ratio large / small, beside the
// bytes stored per delivery (event + delivery + attempts + the counters kept for the reads, indexes
// included).
import pg from 'pg';
import { account, publishBatch } from './api.ts';
import { BUSY_SHARE, fill, type HistorySize } from './history-fill.ts';
import { GraphQLClient, startHookwire, type PgServer, type Receiver } from './processes.ts';
import { historyWeeks } from '../src/db/sql/partitions.ts';
import { poolSql, poolTransaction } from '../src/db/sql.ts';
import { dropWeek, expiredWeeks } from '../src/worker/retention.ts';

/** The purge's retention: the figure (HOOKWIRE_RETENTION_DAYS=20 on the month). */
const PURGE_RETENTION_DAYS = 20;

// The dashboard's reads (web/src/screens), with the page size of the measurements.
export const READS: Record<string, string> = {
  'endpoint { deliveries(first: 50) } + totalCount + stats (Message History)': `
    query($id: ID!) { endpoint(id: $id) { id deliveries(first: 50) { totalCount stats { total succeeded failed pending successRate }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id status attemptCount nextAttemptAt createdAt event { id type } attempts { id outcome responseStatus startedAt durationMs } } } } } }`,
  'the same, edges only': `
    query($id: ID!) { endpoint(id: $id) { id deliveries(first: 50) {
      edges { node { id status attemptCount nextAttemptAt createdAt event { id type } attempts { id outcome responseStatus startedAt durationMs } } } } } }`,
  'the same, page 2 (after the first page)': `
    query($id: ID!, $after: String) { endpoint(id: $id) { id deliveries(first: 50, after: $after) { totalCount stats { total succeeded failed pending successRate }
      edges { node { id status attemptCount createdAt event { id type } attempts { id outcome responseStatus startedAt durationMs } } } } } }`,
  'the same with status: FAILED': `
    query($id: ID!) { endpoint(id: $id) { id deliveries(first: 50, status: FAILED) { totalCount stats { total succeeded failed pending successRate }
      edges { node { id status attemptCount createdAt event { id type } attempts { id outcome responseStatus startedAt durationMs } } } } } }`,
  'the same with status: FAILED and eventType': `
    query($id: ID!) { endpoint(id: $id) { id deliveries(first: 50, status: FAILED, eventType: "message.received") { totalCount stats { total succeeded failed pending successRate }
      edges { node { id status attemptCount createdAt event { id type } attempts { id outcome responseStatus startedAt durationMs } } } } } }`,
  'the same with eventType': `
    query($id: ID!) { endpoint(id: $id) { id deliveries(first: 50, eventType: "message.status") { totalCount stats { total succeeded failed pending successRate }
      edges { node { id status createdAt } } } } }`,
  'deliveries(first: 50) of the account + totalCount + stats': `
    query { deliveries(first: 50) { totalCount stats { total succeeded failed pending successRate } edges { node { id status createdAt } } } }`,
  'deliveries(first: 50, eventType) of the account + totalCount + stats': `
    query { deliveries(first: 50, eventType: "message.received") { totalCount stats { total succeeded failed pending successRate } edges { node { id status createdAt } } } }`,
  'events(first: 50) + totalCount': `
    query { events(first: 50) { totalCount edges { node { id type createdAt } } } }`,
  'endpoint { stats }': `
    query($id: ID!) { endpoint(id: $id) { id stats { total succeeded failed pending successRate } } }`,
  'endpoint { timeline(hours: 24) }': `
    query($id: ID!) { endpoint(id: $id) { id timeline(hours: 24) { hour attempts succeeded failed successRate } } }`,
  'endpoints(first: 10) { timeline(hours: 24) } (Endpoints list)': `
    query { endpoints(first: 10) { totalCount edges { node { id status timeline(hours: 24) { hour attempts succeeded failed successRate } } } } }`,
  'delivery(id) with its attempts': `
    query($delivery: ID!) { delivery(id: $delivery) { id status attempts { id outcome responseStatus startedAt durationMs requestHeaders responseBody } } }`,
};

const RECOVER = `mutation($id: ID!, $since: DateTime!) { recoverFailedDeliveries(endpointId: $id, since: $since) {
  __typename ... on RecoverFailedDeliveriesSuccess { count } } }`;
export const RECOVER_READ = 'recoverFailedDeliveries since 7 days';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export interface HistoryFigures {
  deliveries: number;
  busyDeliveries: number;
  fillSeconds: number;
  /** p50 ms of each read. */
  readsMs: Record<string, number>;
  bytesPerDelivery: number;
  /** Per table (indexes included), bytes per delivery. */
  bytesByTable: Record<string, number>;
  deliveryIndexes: Record<string, number>;
  /** The retention purge on this history (only measured on the large one). */
  purge?: PurgeFigures;
}

export interface PurgeFigures {
  retentionDays: number;
  weeks: string[];
  droppedDeliveries: number;
  keptPending: number;
  /** Wall time of the drops, one transaction per week (lock waits and retries included). */
  seconds: number;
  /** Deliveries/s of the same 5-way backlog published and delivered without, and during, the purge. */
  deliveriesPerSecondWithout: number;
  deliveriesPerSecondDuring: number;
  /** The longest gap between two successful attempts while the purge ran (delivery paused). */
  longestPauseMs: number;
  /**
   * The longest a one-row read of delivery (by id, every 5 ms from a connection of its own) waited
   * while the purge ran: how long the drop's locks kept every reader and writer of the history out.
   */
  longestBlockedMs: number;
  bytesPerDeliveryBefore: number;
  bytesPerDeliveryAfter: number;
}

/** Bytes per delivery of the history tables (every partition, indexes included) and of the delivery table's indexes. */
async function bytesStored(server: PgServer, db: string) {
  // A partitioned table has no storage of its own: its partitions' are summed (pg_partition_tree,
  // which lists nothing for a plain table such as the counters: those are their own size).
  const tables = await server.query<{ name: string; bytes: string }>(
    db,
    `SELECT c.relname AS name, COALESCE((SELECT sum(pg_total_relation_size(t.relid)) FROM pg_partition_tree(c.oid) t), pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c
     WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
       AND c.relname IN ('event', 'delivery', 'delivery_attempt', 'delivery_hour_count', 'attempt_hour_count')`,
  );
  const [{ n: deliveries }] = (await server.query(db, `SELECT count(*)::int AS n FROM delivery`)) as [{ n: number }];
  const bytesByTable = Object.fromEntries(tables.map((t) => [t.name, Math.round(Number(t.bytes) / deliveries)]));
  const indexes = await server.query<{ name: string; bytes: string }>(
    db,
    `SELECT i.relname AS name, (SELECT sum(pg_relation_size(t.relid)) FROM pg_partition_tree(i.oid) t)::text AS bytes
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'delivery'::regclass ORDER BY 1`,
  );
  // Not rounded: a BRIN index is a fraction of a byte per delivery.
  const deliveryIndexes = Object.fromEntries(indexes.map((t) => [t.name, Number(t.bytes) / deliveries]));
  const [{ b: heap }] = (await server.query<{ b: string }>(
    db,
    `SELECT (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('delivery'))::text AS b`,
  )) as [{ b: string }];
  deliveryIndexes['(heap)'] = Math.round(Number(heap) / deliveries);
  const bytesPerDelivery = Object.values(bytesByTable).reduce((a, b) => a + b, 0);
  return { deliveries, bytesPerDelivery, bytesByTable, deliveryIndexes };
}

/**
 * The retention purge on the filled history (HOOKWIRE_RETENTION_DAYS=20, as the issue measured the
 * old DELETE): a worker delivers a backlog of 5-way events without the purge, then the same
 * backlog again while the expired weeks are dropped; the drops' time, both rates, the longest pause
 * between successful attempts meanwhile, and the bytes per delivery before and after.
 */
async function measurePurge(server: PgServer, db: string, api: GraphQLClient, key: string, bytesPerDeliveryBefore: number): Promise<PurgeFigures> {
  const worker = await startHookwire('worker', db);
  const pool = new pg.Pool({ connectionString: db, max: 2 });
  try {
    // The backlogs' own deliveries: made since this moment. (A window sliding with now() let the
    // fill's last deliveries leave the count while the bench waited: a backlog never "delivered".)
    const since = new Date();
    const succeeded = async () => Number((await pool.query(`SELECT count(*) AS n FROM delivery WHERE status = 'SUCCEEDED' AND created_at >= $1`, [since])).rows[0].n);
    const backlog = async () => {
      const start = await succeeded();
      const events = 2_000;
      const t0 = performance.now();
      for (let i = 0; i < events; i += 500) await publishBatch(api, key, 500);
      for (const deadline = Date.now() + 180_000; (await succeeded()) < start + events * 5; ) {
        if (Date.now() > deadline) {
          const { rows } = await pool.query(`SELECT status, count(*)::int AS n FROM delivery WHERE created_at >= $1 GROUP BY 1`, [since]);
          // The lanes of the endpoints still owed a delivery: whether one is held, woken or forgotten.
          const { rows: lanes } = await pool.query(
            `SELECT l.*, now() AS db_now, (SELECT min(next_attempt_at) FROM delivery d WHERE d.endpoint_id = l.endpoint_id AND d.status = 'PENDING' AND d.created_at >= $1) AS owed_at,
                    (SELECT count(*) FROM delivery d WHERE d.endpoint_id = l.endpoint_id AND d.status = 'PENDING' AND d.created_at >= $1)::int AS owed
               FROM endpoint_lane l WHERE l.endpoint_id IN (SELECT endpoint_id FROM delivery WHERE status = 'PENDING' AND created_at >= $1)`,
            [since],
          );
          throw new Error(`the purge bench backlog was not delivered within 180 s: ${JSON.stringify(rows)}; lanes: ${JSON.stringify(lanes)}; worker:\n${worker.output().slice(-3000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return (events * 5) / ((performance.now() - t0) / 1000);
    };
    await backlog(); // warm: the worker's lanes, plans and connections
    const deliveriesPerSecondWithout = await backlog();
    const sql = poolSql(pool);
    const weeks = expiredWeeks(await historyWeeks(sql), PURGE_RETENTION_DAYS);
    let seconds = 0;
    let droppedDeliveries = 0;
    let keptPending = 0;
    let purgeFrom = 0;
    let purgeTo = 0;
    const probe = new pg.Client({ connectionString: db });
    await probe.connect();
    let probing = true;
    let longestBlockedMs = 0;
    const probed = (async () => {
      while (probing) {
        const t0 = performance.now();
        await probe.query(`SELECT 1 FROM delivery WHERE id = 'dlv_probe'`);
        longestBlockedMs = Math.max(longestBlockedMs, performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const purge = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      purgeFrom = Date.now();
      const t0 = performance.now();
      for (const week of weeks) {
        const result = await dropWeek((fn) => poolTransaction(pool, fn), week);
        droppedDeliveries += result.dropped;
        keptPending += result.kept;
      }
      seconds = (performance.now() - t0) / 1000;
      purgeTo = Date.now();
      probing = false;
      await probed;
      await probe.end();
    })();
    const [deliveriesPerSecondDuring] = await Promise.all([backlog(), purge]);
    const { rows } = await pool.query<{ gap: number | null }>(
      `SELECT max(gap) AS gap FROM (
         SELECT extract(epoch FROM (f - lag(f) OVER (ORDER BY f))) * 1000 AS gap FROM (
           SELECT started_at + duration_ms * interval '1 millisecond' AS f FROM delivery_attempt
           WHERE outcome = 'SUCCESS' AND started_at BETWEEN $1 AND $2) a) g`,
      [new Date(purgeFrom - 200), new Date(purgeTo + 200)],
    );
    await pool.query(`VACUUM ANALYZE`);
    const after = await bytesStored(server, db);
    return {
      retentionDays: PURGE_RETENTION_DAYS,
      weeks,
      droppedDeliveries,
      keptPending,
      seconds,
      deliveriesPerSecondWithout,
      deliveriesPerSecondDuring: deliveriesPerSecondDuring as number,
      longestPauseMs: Number(rows[0]?.gap ?? 0),
      longestBlockedMs,
      bytesPerDeliveryBefore,
      bytesPerDeliveryAfter: after.bytesPerDelivery,
    };
  } finally {
    await pool.end();
    await worker.stop();
  }
}

async function measure(server: PgServer, receiver: Receiver, size: HistorySize, samples: number, withPurge = false): Promise<HistoryFigures> {
  const db = await server.database();
  const apiProcess = await startHookwire('api', db, { HOOKWIRE_API_RATE_LIMIT: '0' });
  const api = new GraphQLClient(apiProcess.url!);
  try {
    const acct = await account(api, 'history', Array.from({ length: 5 }, (_, i) => ({ url: `${receiver.origin}/ok?h=${i}` })));
    // The busy endpoint must sort first among the account's (its deliveries are k = 0).
    const endpointIds = acct.endpointIds;
    const started = performance.now();
    await fill((text, values) => server.query(db, text, values), size, acct.id, endpointIds);
    const fillSeconds = (performance.now() - started) / 1000;
    const busy = endpointIds[0]!;
    const [{ n: busyDeliveries }] = (await server.query(db, `SELECT count(*)::int AS n FROM delivery WHERE endpoint_id = $1`, [busy])) as [{ n: number }];
    const [{ id: delivery }] = (await server.query(db, `SELECT id FROM delivery WHERE endpoint_id = $1 AND attempt_count = 2 ORDER BY id DESC LIMIT 1`, [busy])) as [{ id: string }];
    const first = await api.request(READS['endpoint { deliveries(first: 50) } + totalCount + stats (Message History)']!, { id: busy }, acct.key);
    const after = first.endpoint.deliveries.pageInfo.endCursor as string;

    const readsMs: Record<string, number> = {};
    for (const [name, query] of Object.entries(READS)) {
      const variables = { id: busy, delivery, after };
      await api.request(query, variables, acct.key); // warm: prepared statements, plans, caches
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await api.request(query, variables, acct.key);
        times.push(performance.now() - t0);
      }
      readsMs[name] = median(times);
    }
    // Recovery writes: each sample's deliveries are made FAILED again (untimed) before the next.
    const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const failed = (await server.query(db, `SELECT id FROM delivery WHERE endpoint_id = $1 AND status = 'FAILED' AND created_at >= $2`, [busy, since])).map((r) => r.id as string);
    const times: number[] = [];
    for (let i = 0; i < Math.max(5, Math.round(samples / 3)); i++) {
      const t0 = performance.now();
      const { recoverFailedDeliveries } = await api.request(RECOVER, { id: busy, since }, acct.key);
      times.push(performance.now() - t0);
      if (recoverFailedDeliveries.count !== failed.length) throw new Error(`recovered ${recoverFailedDeliveries.count} of ${failed.length}`);
      await server.query(db, `UPDATE delivery SET status = 'FAILED', next_attempt_at = NULL, manual_retry = false, completed_at = created_at WHERE id = ANY($1)`, [failed]);
      await server.query(db, `UPDATE endpoint_lane SET ready_at = NULL WHERE endpoint_id = $1`, [busy]);
    }
    readsMs[`${RECOVER_READ} (${failed.length.toLocaleString('en-US')} rows)`] = median(times);
    await server.query(db, `VACUUM ANALYZE delivery`);

    const { deliveries, bytesPerDelivery, bytesByTable, deliveryIndexes } = await bytesStored(server, db);
    const purge = withPurge ? await measurePurge(server, db, api, acct.key, bytesPerDelivery) : undefined;
    return { deliveries, busyDeliveries, fillSeconds, readsMs, bytesPerDelivery, bytesByTable, deliveryIndexes, purge };
  } finally {
    await api.close();
    await apiProcess.stop();
  }
}

export async function historySection(server: PgServer, receiver: Receiver, quick: boolean) {
  // The sizes: reads at 5,000,000 stored deliveries within 2× of the same at 20,000.
  const small = 20_000;
  const large = quick ? 200_000 : 5_000_000;
  const samples = quick ? 15 : 31;
  const smallFigures = await measure(server, receiver, { deliveries: small }, samples);
  const largeFigures = await measure(server, receiver, { deliveries: large }, samples, true);
  return { busyShare: BUSY_SHARE, small: smallFigures, large: largeFigures };
}

export type HistoryResult = Awaited<ReturnType<typeof historySection>>;

/** The printed rows: each read's p50 at both sizes and the ratio large / small. */
export function historyRows(h: HistoryResult, fmt: (n: number, digits?: number) => string): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    [
      `8. history: ${fmt(h.small.deliveries)} vs ${fmt(h.large.deliveries)} stored deliveries`,
      `busy endpoint ${fmt(h.small.busyDeliveries)} vs ${fmt(h.large.busyDeliveries)} of them; filled in ${fmt(h.small.fillSeconds, 1)} s / ${fmt(h.large.fillSeconds, 1)} s`,
    ],
  ];
  const names = Object.keys(h.large.readsMs);
  const smallOf = (name: string) => h.small.readsMs[name] ?? h.small.readsMs[Object.keys(h.small.readsMs).find((k) => k.startsWith(name.split(' (')[0]!))!]!;
  for (const name of names) {
    const a = smallOf(name);
    const b = h.large.readsMs[name]!;
    rows.push([`   p50 ${name}`, `${fmt(a, 1)} ms → ${fmt(b, 1)} ms (×${fmt(b / a, 2)})`]);
  }
  rows.push([
    '   bytes per delivery (event + delivery + attempts + counters)',
    `${fmt(h.small.bytesPerDelivery)} / ${fmt(h.large.bytesPerDelivery)} ${JSON.stringify(h.large.bytesByTable)}`,
  ]);
  rows.push(['   delivery table, bytes per delivery by index', Object.entries(h.large.deliveryIndexes).map(([name, b]) => `${name} ${fmt(b, b < 10 ? 2 : 0)}`).join(', ')]);
  const p = h.large.purge;
  if (p) {
    rows.push([
      `   purge (retention ${p.retentionDays} days): ${p.weeks.length} week(s) dropped`,
      `${fmt(p.droppedDeliveries)} deliveries in ${fmt(p.seconds, 2)} s (${fmt(p.keptPending)} pending kept); delivery ${fmt(p.deliveriesPerSecondWithout)}/s without, ${fmt(p.deliveriesPerSecondDuring)}/s during (×${fmt(p.deliveriesPerSecondDuring / p.deliveriesPerSecondWithout, 2)}), longest pause ${fmt(p.longestPauseMs)} ms, history blocked ${fmt(p.longestBlockedMs)} ms at most; bytes per delivery ${fmt(p.bytesPerDeliveryBefore)} → ${fmt(p.bytesPerDeliveryAfter)}`,
    ]);
  }
  return rows;
}
