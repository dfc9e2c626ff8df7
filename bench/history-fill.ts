// The synthetic month of history behind the bench's history section (bench/history.ts) and the
// query-plan test (test/db/reads-plans.test.ts): set-based INSERT … SELECT generate_series, so a
// million deliveries take a minute, not an afternoon of API calls.
export interface HistorySize {
  /** Deliveries stored in all (events: a fifth of this, each to 5 endpoints; attempts: 1.2 per delivery). */
  deliveries: number;
}

/** The busy endpoint receives this share of every delivery (the 200,000 of 5,000,000). */
export const BUSY_SHARE = 0.04;
const DAYS = 30;

/** Runs plain SQL on the database being filled. */
export type Query = (text: string, values?: unknown[]) => Promise<Array<Record<string, any>>>;

/** The other accounts of the platform, each with this many endpoints (the 50 accounts, ~1,000 endpoints). */
const FILLER_ACCOUNTS = 49;
const FILLER_ENDPOINTS = 20;

/**
 * Fills the database with DAYS days of history ending now: the account's five endpoints (the first
 * is the busy one the reads ask about) get a fifth of it, 49 other accounts' twenty endpoints each
 * the rest. Also what test/db/reads-plans.test.ts seeds.
 */
export async function fill(q: Query, size: HistorySize, accountId: string, endpointIds: string[]): Promise<void> {
  const events = Math.round(size.deliveries / 5);
  // Crockford base32 as src/db/ids.ts writes it, so the ids sort by time as real ones do.
  await q(`CREATE OR REPLACE FUNCTION bench_b32(v bigint, len int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz', ((v >> (5 * (len - 1 - i))) & 31)::int + 1, 1), '' ORDER BY i)
    FROM generate_series(0, len - 1) AS i $$`);
  // 49 other accounts with 20 endpoints each take four events in five (the busy account's reads
  // then stand beside other accounts' history, as on a shared platform). bench_fill_endpoint numbers
  // every account's endpoints (the bench account's five, then each filler's twenty) for the fan-out below.
  const others = (
    await q(
      `INSERT INTO account (id, name) SELECT 'acct_' || bench_b32(a, 26), 'history filler ' || a FROM generate_series(1, $1::int) AS a RETURNING id`,
      [FILLER_ACCOUNTS],
    )
  ).map((r) => r.id as string);
  await q(
    `INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret)
     SELECT 'ep_' || bench_b32(a * 32 + g, 26), 'acct_' || bench_b32(a, 26), 'https://receiver.invalid/hook', 'filler ' || a || '.' || g, '{*}', 'whsec_filler'
     FROM generate_series(1, $1::int) AS a CROSS JOIN generate_series(1, $2::int) AS g`,
    [FILLER_ACCOUNTS, FILLER_ENDPOINTS],
  );
  await q(`CREATE UNLOGGED TABLE bench_fill_endpoint (account_id text, slot int, endpoint_id text, PRIMARY KEY (account_id, slot))`);
  await q(
    `INSERT INTO bench_fill_endpoint
     SELECT account_id, (row_number() OVER (PARTITION BY account_id ORDER BY id) - 1)::int, id FROM endpoint WHERE account_id = ANY($1::text[])
     UNION ALL SELECT $2, (k - 1)::int, e FROM unnest($3::text[]) WITH ORDINALITY AS x(e, k)`,
    [others, accountId, endpointIds],
  );
  await q(`ANALYZE bench_fill_endpoint`);
  const startMs = Date.now() - DAYS * 86_400_000;
  // The history partitions of those weeks (migration 20261214000000_history_partitions), as the
  // worker's maintenance makes them ahead: a week the old tables' partition holds already is skipped.
  await q(`SELECT hookwire_history_create_week((($1::timestamptz AT TIME ZONE 'UTC')::date + i)) FROM generate_series(0, $2::int, 7) AS i`, [new Date(startMs), DAYS + 7]);
  const spanMs = DAYS * 86_400_000 - 600_000; // the last ten minutes stay empty: nothing is "from the future"
  // Event g at startMs + g/events of the span; one in five is the bench account's.
  await q(
    `INSERT INTO event (id, account_id, type, session_id, data, payload, created_at)
     SELECT 'evt_' || bench_b32(ms, 10) || bench_b32(g, 16),
            CASE WHEN g % 5 = 0 THEN $1 ELSE ($2::text[])[g % array_length($2::text[], 1) + 1] END,
            CASE WHEN g % 3 = 0 THEN 'message.received' ELSE 'message.status' END, 'session-' || (g % 7),
            jsonb_build_object('messageId', 'wamid.' || g, 'from', '15551234567', 'status', 'delivered'),
            '{"id":"evt_x","type":"message.status","timestamp":"2026-12-01T00:00:00.000Z","sessionId":"session-1","data":{"messageId":"wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI' || g || '","from":"15551234567","status":"delivered","recipient":"15557654321"}}',
            to_timestamp(ms / 1000.0)
     FROM (SELECT g, ($3::bigint + (g::float8 / $4 * $5)::bigint) AS ms FROM generate_series(1, $4) AS g) s`,
    [accountId, others, startMs, events, spanMs],
  );
  // Five deliveries per event: the bench account's go to its five endpoints (the busy one first),
  // a filler's to five of its account's twenty. 5% failed, 1% pending (the newest), the rest succeeded.
  await q(
    `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, first_attempt_at, created_at, completed_at)
     SELECT 'dlv_' || substr(e.id, 5, 10) || bench_b32(n, 16), e.account_id, e.id, f.endpoint_id,
            e.type, s.status, CASE WHEN s.status = 'PENDING' THEN 0 WHEN s.status = 'FAILED' THEN 2 ELSE 1 + (n % 5 = 0)::int END,
            CASE WHEN s.status = 'PENDING' THEN e.created_at END, e.created_at, e.created_at,
            CASE WHEN s.status <> 'PENDING' THEN e.created_at + interval '1 second' END
     FROM (SELECT e.*, row_number() OVER (ORDER BY e.id) AS r FROM event e) e
     CROSS JOIN generate_series(0, 4) AS k
     CROSS JOIN LATERAL (SELECT e.r * 5 + k AS n) nn
     CROSS JOIN LATERAL (SELECT (CASE WHEN e.r > $2 * 0.99 THEN 'PENDING' WHEN (e.r / 5 + k) % 20 = 3 THEN 'FAILED' ELSE 'SUCCEEDED' END)::delivery_status AS status) s
     JOIN bench_fill_endpoint f ON f.account_id = e.account_id AND f.slot = CASE WHEN e.account_id = $1 THEN k ELSE (n * 7 + k) % $3::int END`,
    [accountId, events, FILLER_ENDPOINTS],
  );
  await q(`DROP TABLE bench_fill_endpoint`);
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

