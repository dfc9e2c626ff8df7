// The history section of `npm run bench`: what a person looking at the dashboard waits for once a
// month of traffic lies behind the engine. Two databases are filled with the same synthetic month
// (set-based INSERT … SELECT generate_series, then VACUUM ANALYZE), one ten times the other; an API
// process (as `npm start api` starts it) answers the dashboard's own GraphQL reads for the busiest
// endpoint, and each read's median at both sizes is printed with the ratio large / small, beside the
// bytes stored per delivery (event + delivery + attempts + the counters kept for the reads, indexes
// included).
import { account } from './api.ts';
import { GraphQLClient, startHookwire, type PgServer, type Receiver } from './processes.ts';

export interface HistorySize {
  /** Deliveries stored in all (events: a fifth of this, each to 5 endpoints; attempts: 1.2 per delivery). */
  deliveries: number;
}

/** The busy endpoint receives this share of every delivery (the 200,000 of 5,000,000). */
const BUSY_SHARE = 0.04;
const DAYS = 30;

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
  'the same with eventType': `
    query($id: ID!) { endpoint(id: $id) { id deliveries(first: 50, eventType: "message.status") { totalCount stats { total succeeded failed pending successRate }
      edges { node { id status createdAt } } } } }`,
  'deliveries(first: 50) of the account + totalCount + stats': `
    query { deliveries(first: 50) { totalCount stats { total succeeded failed pending successRate } edges { node { id status createdAt } } } }`,
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

/** Fills the database with DAYS days of history ending now; the busy endpoint is `busy`. */
async function fill(server: PgServer, db: string, size: HistorySize, accountId: string, endpointIds: string[]): Promise<void> {
  const q = (text: string, values?: unknown[]) => server.query(db, text, values);
  const events = Math.round(size.deliveries / 5);
  // Crockford base32 as src/db/ids.ts writes it, so the ids sort by time as real ones do.
  await q(`CREATE OR REPLACE FUNCTION bench_b32(v bigint, len int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz', ((v >> (5 * (len - 1 - i))) & 31)::int + 1, 1), '' ORDER BY i)
    FROM generate_series(0, len - 1) AS i $$`);
  // A second account with 20 endpoints takes four events in five (the busy account's other reads
  // then stand beside other accounts' history, as on a shared platform).
  const [other] = await q(`INSERT INTO account (id, name) VALUES ('acct_' || bench_b32(1, 26), 'history filler') RETURNING id`);
  await q(
    `INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret)
     SELECT 'ep_' || bench_b32(g, 26), $1, 'https://receiver.invalid/hook', 'filler ' || g, '{*}', 'whsec_filler'
     FROM generate_series(1, 20) AS g`,
    [other!.id],
  );
  const fillers = (await q(`SELECT id FROM endpoint WHERE account_id = $1 ORDER BY id`, [other!.id])).map((r) => r.id as string);
  const startMs = Date.now() - DAYS * 86_400_000;
  const spanMs = DAYS * 86_400_000 - 600_000; // the last ten minutes stay empty: nothing is "from the future"
  // Event g at startMs + g/events of the span; one in five is the bench account's.
  await q(
    `INSERT INTO event (id, account_id, type, session_id, data, payload, created_at)
     SELECT 'evt_' || bench_b32(ms, 10) || bench_b32(g, 16),
            CASE WHEN g % 5 = 0 THEN $1 ELSE $2 END,
            CASE WHEN g % 3 = 0 THEN 'message.received' ELSE 'message.status' END, 'session-' || (g % 7),
            jsonb_build_object('messageId', 'wamid.' || g, 'from', '15551234567', 'status', 'delivered'),
            '{"id":"evt_x","type":"message.status","timestamp":"2026-12-01T00:00:00.000Z","sessionId":"session-1","data":{"messageId":"wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI' || g || '","from":"15551234567","status":"delivered","recipient":"15557654321"}}',
            to_timestamp(ms / 1000.0)
     FROM (SELECT g, ($3::bigint + (g::float8 / $4 * $5)::bigint) AS ms FROM generate_series(1, $4) AS g) s`,
    [accountId, other!.id, startMs, events, spanMs],
  );
  // Five deliveries per event: the bench account's go to its five endpoints (the busy one first),
  // the filler's to five of its twenty. 5% failed, 1% pending (the newest), the rest succeeded.
  await q(
    `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, first_attempt_at, created_at, completed_at)
     SELECT 'dlv_' || substr(e.id, 5, 10) || bench_b32(n, 16), e.account_id, e.id,
            CASE WHEN e.account_id = $1 THEN ($2::text[])[k + 1] ELSE ($3::text[])[((n * 7 + k) % 20) + 1] END,
            e.type, s.status, CASE WHEN s.status = 'PENDING' THEN 0 WHEN s.status = 'FAILED' THEN 2 ELSE 1 + (n % 5 = 0)::int END,
            CASE WHEN s.status = 'PENDING' THEN e.created_at END, e.created_at, e.created_at,
            CASE WHEN s.status <> 'PENDING' THEN e.created_at + interval '1 second' END
     FROM (SELECT e.*, row_number() OVER (ORDER BY e.id) AS r FROM event e) e
     CROSS JOIN generate_series(0, 4) AS k
     CROSS JOIN LATERAL (SELECT e.r * 5 + k AS n) nn
     CROSS JOIN LATERAL (SELECT (CASE WHEN e.r > $4 * 0.99 THEN 'PENDING' WHEN (e.r + k) % 20 = 3 THEN 'FAILED' ELSE 'SUCCEEDED' END)::delivery_status AS status) s`,
    [accountId, endpointIds, fillers, events],
  );
  // Attempts: one per delivery that had one, a second for a fifth of them (failed ones: both failed).
  const headers = `{"content-type":"application/json","user-agent":"Hookwire/0.1","webhook-id":"evt_01jb2x9k3m4n5p6q7r8s9t0v1w","webhook-timestamp":"1764720000","webhook-signature":"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=","x-webhook-signature":"sha256=0f9a3c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a"}`;
  await q(
    `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, trigger, started_at, duration_ms, request_headers,
                                   response_status, response_headers, response_body, error, will_retry)
     SELECT 'att_' || substr(d.id, 5, 10) || bench_b32(i, 6) || substr(d.id, 21, 10), d.id, i,
            CASE WHEN d.status = 'FAILED' OR i < d.attempt_count THEN 'HTTP_ERROR' ELSE 'SUCCESS' END::attempt_outcome, 'SCHEDULED',
            d.created_at + (i - 1) * interval '30 seconds', 120, $1::jsonb,
            CASE WHEN d.status = 'FAILED' OR i < d.attempt_count THEN 500 ELSE 200 END,
            '{"content-type":"text/plain","date":"Wed, 02 Dec 2026 10:00:00 GMT","content-length":"2"}'::jsonb,
            CASE WHEN d.status = 'FAILED' OR i < d.attempt_count THEN 'internal error' ELSE 'ok' END, NULL,
            i < d.attempt_count OR false
     FROM delivery d CROSS JOIN LATERAL generate_series(1, d.attempt_count) AS i`,
    [headers],
  );
  await q(`DROP FUNCTION bench_b32(bigint, int)`);
  await q(`VACUUM ANALYZE`);
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
}

async function measure(server: PgServer, receiver: Receiver, size: HistorySize, samples: number): Promise<HistoryFigures> {
  const db = await server.database();
  const apiProcess = await startHookwire('api', db, { HOOKWIRE_API_RATE_LIMIT: '0' });
  const api = new GraphQLClient(apiProcess.url!);
  try {
    const acct = await account(api, 'history', Array.from({ length: 5 }, (_, i) => ({ url: `${receiver.origin}/ok?h=${i}` })));
    // The busy endpoint must sort first among the account's (its deliveries are k = 0).
    const endpointIds = acct.endpointIds;
    const started = performance.now();
    await fill(server, db, size, acct.id, endpointIds);
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

    const tables = await server.query<{ name: string; bytes: string }>(
      db,
      `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class c
       WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
         AND c.relname IN ('event', 'delivery', 'delivery_attempt', 'endpoint_hour_count', 'delivery_count', 'event_count')`,
    );
    const [{ n: deliveries }] = (await server.query(db, `SELECT count(*)::int AS n FROM delivery`)) as [{ n: number }];
    const bytesByTable = Object.fromEntries(tables.map((t) => [t.name, Math.round(Number(t.bytes) / deliveries)]));
    const indexes = await server.query<{ name: string; bytes: string }>(
      db,
      `SELECT i.relname AS name, pg_relation_size(i.oid)::text AS bytes FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'delivery'::regclass ORDER BY 1`,
    );
    const deliveryIndexes = Object.fromEntries(indexes.map((t) => [t.name, Math.round(Number(t.bytes) / deliveries)]));
    deliveryIndexes['(heap)'] = Math.round(Number((await server.query<{ b: string }>(db, `SELECT pg_relation_size('delivery')::text AS b`))[0]!.b) / deliveries);
    const bytesPerDelivery = Object.values(bytesByTable).reduce((a, b) => a + b, 0);
    return { deliveries, busyDeliveries, fillSeconds, readsMs, bytesPerDelivery, bytesByTable, deliveryIndexes };
  } finally {
    await api.close();
    await apiProcess.stop();
  }
}

export async function historySection(server: PgServer, receiver: Receiver, quick: boolean) {
  const small = quick ? 20_000 : 100_000;
  const large = quick ? 200_000 : 1_000_000;
  const samples = quick ? 15 : 31;
  const smallFigures = await measure(server, receiver, { deliveries: small }, samples);
  const largeFigures = await measure(server, receiver, { deliveries: large }, samples);
  return { busyShare: BUSY_SHARE, small: smallFigures, large: largeFigures };
}

export type HistoryResult = Awaited<ReturnType<typeof historySection>>;

/** The printed rows: each read's p50 at both sizes and the ratio large / small. */
export function historyRows(h: HistoryResult, fmt: (n: number, digits?: number) => string): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    [
      `7. history: ${fmt(h.small.deliveries)} vs ${fmt(h.large.deliveries)} stored deliveries`,
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
  rows.push(['   delivery table, bytes per delivery by index', JSON.stringify(h.large.deliveryIndexes)]);
  return rows;
}
