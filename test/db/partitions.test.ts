// History in weekly partitions (migration 20261214000000_history_partitions, src/db/sql/partitions.ts,
// src/worker/retention.ts), against real Postgres: the bounds sort as the ids do; the maintenance
// makes the weeks ahead; an expired week is dropped whole while publishing and delivering go on,
// and what must outlive it (a pending delivery with its event and attempts, an event a later
// week's delivery refers to) survives with the counters still true; and migrating a database whose
// history sits in the old unpartitioned tables keeps every row.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { CreateEndpointDocument as CreateEndpoint, PublishEventDocument as PublishEvent } from '../../packages/client/src/generated/graphql.ts';
import { newId } from '../../src/db/ids.ts';
import { withDatabase } from '../../src/db/local.ts';
import { readMigrations } from '../../src/db/migrate.ts';
import { poolSql } from '../../src/db/sql.ts';
import { historyBound, historyBoundInSql, historyWeek, historyWeeks } from '../../src/db/sql/partitions.ts';
import { findEventType } from '../../src/domain/catalog.ts';
import { ensureHistoryWeeks, purgeExpired, WEEKS_AHEAD } from '../../src/worker/retention.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitUntil } from '../support/wait.ts';

const DAY = 86_400_000;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** An id of the given prefix made at `at` (ULID: its time, then 16 random characters). */
function idAt(prefix: string, at: Date): string {
  const random = [...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('');
  return historyBound(prefix, at) + random;
}

describe('history bounds', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    const t = await startTestApp({ role: 'api' });
    pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
    afterAll(async () => {
      await pool.end();
      await t.stop();
    });
  });

  it('are the id prefix of a millisecond: the same in SQL, sorting as ids do in the database collation', async () => {
    const sql = poolSql(pool);
    const moments = [0, 1, 31, 32, 1_764_720_000_000, Date.now(), Date.parse('2026-11-30T00:00:00Z'), Date.parse('2099-12-31T23:59:59.999Z')].map((ms) => new Date(ms));
    for (let i = 0; i < 40; i++) moments.push(new Date(Math.floor(Math.random() * 4_102_444_800_000)));
    for (const at of moments) expect(await historyBoundInSql(sql, 'dlv', at)).toBe(historyBound('dlv', at));

    // Ids made now: at or after the bound of the moment before, before the bound of the next millisecond.
    const before = new Date();
    const ids = Array.from({ length: 50 }, () => newId('Delivery'));
    const after = new Date(Date.now() + 1);
    const { rows } = await pool.query<{ ok: boolean }>(
      `SELECT bool_and($1 <= id AND id < $2) AS ok FROM unnest($3::text[]) AS id`,
      [historyBound('dlv', before), historyBound('dlv', after), ids],
    );
    expect(rows[0]!.ok).toBe(true);
    // Bounds sort in the database as in bytes (the order of time).
    const bounds = moments.map((at) => historyBound('evt', at));
    const sorted = (await pool.query<{ b: string }>(`SELECT b FROM unnest($1::text[]) AS b ORDER BY b`, [bounds])).rows.map((r) => r.b);
    expect(sorted).toEqual([...bounds].sort());
    expect(sorted).toEqual([...moments].sort((a, b) => a.getTime() - b.getTime()).map((at) => historyBound('evt', at)));
  });

  it('make weeks that start on Monday, UTC', () => {
    expect(historyWeek(new Date('2026-12-03T15:00:00Z'))).toBe('2026-11-30');
    expect(historyWeek(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(historyWeek(new Date('2026-11-29T23:59:59.999Z'))).toBe('2026-11-23');
    expect(historyWeek(new Date('2027-01-03T12:00:00Z'))).toBe('2026-12-28');
  });
});

describe('retention by whole weeks', () => {
  let t: TestApp;
  let pool: pg.Pool;
  let key: string;
  let accountId: string;
  let endpointId: string;
  let receiver: Receiver;
  const rows = async <R = Record<string, any>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];

  beforeAll(async () => {
    t = await startTestApp({ role: 'all' });
    pool = new pg.Pool({ connectionString: t.db.url, max: 3 });
    pool.on('error', () => {});
    ({ apiKey: key, accountId } = await t.newAccount('partitions'));
    receiver = await startReceiver(() => ({ status: 200, body: 'ok' }));
    const created = await t.gql(CreateEndpoint, { input: { description: 'partitions', url: receiver.url, eventTypes: ['message.*'] } }, key);
    expect(created.errors).toBeUndefined();
    if (created.data?.createEndpoint.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(created.data));
    endpointId = created.data.createEndpoint.endpoint.id;
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await receiver?.close();
    await t?.stop();
  });

  const partitionOf = async (table: string, column: string, id: string) =>
    (await rows<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM ${table} WHERE ${column} = $1`, [id]))[0]?.p ?? null;

  it('creates this week and the weeks ahead, and today’s rows land in this week’s partitions', async () => {
    const now = new Date();
    const weeks = await ensureHistoryWeeks(t.app.services.db, now);
    const expected = Array.from({ length: WEEKS_AHEAD + 1 }, (_, i) => historyWeek(new Date(now.getTime() + i * 7 * DAY)));
    expect(weeks).toEqual(expected);
    expect(await historyWeeks(poolSql(pool))).toEqual(expect.arrayContaining(expected));
    // Idempotent.
    expect(await ensureHistoryWeeks(t.app.services.db, now)).toEqual(expected);
    const suffix = expected[0]!.replaceAll('-', '');
    const type = 'message.received';
    const published = await t.gql(PublishEvent, { input: { type, data: findEventType(type)!.example } }, key);
    if (published.data?.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(published));
    const eventId = published.data.publishEvent.event.id;
    const [delivery] = await rows<{ id: string }>(`SELECT id FROM delivery WHERE event_id = $1`, [eventId]);
    await waitUntil('the delivery attempted', async () => (await rows(`SELECT 1 FROM delivery_attempt WHERE delivery_id = $1`, [delivery!.id])).length > 0);
    expect(await partitionOf('event', 'id', eventId)).toBe(`hookwire_history.event_${suffix}`);
    expect(await partitionOf('delivery', 'id', delivery!.id)).toBe(`hookwire_history.delivery_${suffix}`);
    expect(await partitionOf('delivery_attempt', 'delivery_id', delivery!.id)).toBe(`hookwire_history.delivery_attempt_${suffix}`);
  });

  it('drops an expired week whole while deliveries run; its pending delivery and a later week’s event survive; counters stay true', async () => {
    const db = t.app.services.db;
    // A week long past: 40+ days ago. purgeExpired runs at `purgeAt`, when only that week has expired.
    const week = historyWeek(new Date(Date.now() - 40 * DAY));
    const weekStart = new Date(`${week}T00:00:00Z`);
    const nextWeek = new Date(weekStart.getTime() + 7 * DAY);
    const purgeAt = new Date(nextWeek.getTime() + 30 * DAY + 3_600_000);
    await ensureHistoryWeeks(db, weekStart, 1);
    const suffix = week.replaceAll('-', '');
    const [other] = await rows<{ id: string }>(`SELECT id FROM endpoint WHERE id = $1`, [endpointId]);
    expect(other).toBeDefined();

    // 3,000 old deliveries (events of five deliveries each, to the one endpoint: that is the history
    // the week holds), finished with one attempt each; one more PENDING with two attempts (a long
    // retry schedule), its event and an idempotency key; and an event of the week's last
    // millisecond whose delivery was made in the next week's first (a publish across midnight).
    const at = new Date(weekStart.getTime() + 2 * DAY + 36_000_000);
    await rows(
      `INSERT INTO event (id, account_id, type, session_id, data, payload, created_at)
       SELECT $1 || lpad(g::text, 16, '0'), $2, 'message.status', NULL, '{}'::jsonb, '{}', $3 FROM generate_series(1, 600) AS g`,
      [historyBound('evt', at), accountId, at],
    );
    await rows(
      `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, created_at, completed_at)
       SELECT $1 || lpad((g * 5 + k)::text, 16, '0'), $2, $3 || lpad(g::text, 16, '0'), $4, 'message.status',
              CASE WHEN k = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END::delivery_status, 1, $5, $5
       FROM generate_series(1, 600) AS g, generate_series(0, 4) AS k`,
      [historyBound('dlv', at), accountId, historyBound('evt', at), endpointId, at],
    );
    await rows(
      `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
       SELECT 'att_' || substr(d.id, 5), d.id, 1, CASE WHEN d.status = 'FAILED' THEN 'HTTP_ERROR' ELSE 'SUCCESS' END::attempt_outcome, $2, 10, '{}', false
       FROM delivery d WHERE d.id LIKE $1 || '%'`,
      [historyBound('dlv', at), at],
    );
    const pendingEvent = idAt('evt', at);
    const pendingDelivery = idAt('dlv', at);
    await rows(`INSERT INTO event (id, account_id, type, data, payload, created_at) VALUES ($1, $2, 'message.status', '{}', '{"kept":true}', $3)`, [pendingEvent, accountId, at]);
    await rows(`INSERT INTO idempotency_key (account_id, key, event_id, expires_at) VALUES ($1, 'kept-key', $2, $3)`, [accountId, pendingEvent, new Date(Date.now() + DAY)]);
    await rows(
      `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, 'message.status', 'PENDING', 2, $5, $6)`,
      [pendingDelivery, accountId, pendingEvent, endpointId, new Date(Date.now() + 365 * DAY), at],
    );
    const pendingAttempts = [idAt('att', at), idAt('att', new Date(at.getTime() + 60_000))];
    for (const [i, attemptId] of pendingAttempts.entries()) {
      await rows(
        `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
         VALUES ($1, $2, $3, 'HTTP_ERROR', $4, 10, '{"n":1}', true)`,
        [attemptId, pendingDelivery, i + 1, new Date(at.getTime() + i * 60_000)],
      );
    }
    // A second pending delivery, which finishes (an attempt, SUCCEEDED) between the drop's prepared
    // sums and its locks; a failed one recovered to PENDING meanwhile (kept then); and a late
    // attempt recorded on a succeeded one meanwhile (a frozen worker's): the counters must follow.
    const finishing = idAt('dlv', at);
    await rows(
      `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, 'message.status', 'PENDING', 0, $5, $6)`,
      [finishing, accountId, pendingEvent, endpointId, new Date(Date.now() + 365 * DAY), at],
    );
    const [recovered] = await rows<{ id: string }>(`SELECT id FROM delivery WHERE id LIKE $1 || '%' AND status = 'FAILED' ORDER BY id LIMIT 1`, [historyBound('dlv', at)]);
    const [late] = await rows<{ id: string }>(`SELECT id FROM delivery WHERE id LIKE $1 || '%' AND status = 'SUCCEEDED' ORDER BY id LIMIT 1`, [historyBound('dlv', at)]);
    const changedMeanwhile: string[] = [];
    const beforeDrop = async (dropping: string) => {
      changedMeanwhile.push(dropping);
      await rows(`UPDATE delivery SET status = 'PENDING', next_attempt_at = $2, completed_at = NULL, manual_retry = true WHERE id = $1`, [recovered!.id, new Date(Date.now() + 365 * DAY)]);
      await rows(
        `WITH d AS (UPDATE delivery SET status = 'SUCCEEDED', attempt_count = 1, completed_at = now(), next_attempt_at = NULL WHERE id = $1 RETURNING id)
         INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
         SELECT $2, d.id, 1, 'SUCCESS', now(), 10, '{}', false FROM d`,
        [finishing, newId('DeliveryAttempt')],
      );
      await rows(
        `WITH d AS (UPDATE delivery SET attempt_count = attempt_count + 1 WHERE id = $1 RETURNING id, attempt_count)
         INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
         SELECT $2, d.id, d.attempt_count, 'TIMEOUT', now(), 10, '{}', false FROM d`,
        [late!.id, newId('DeliveryAttempt')],
      );
      const now = await counters();
      expect(now.deliveries).toEqual(now.countedDeliveries);
      expect(now.attempts).toEqual(now.countedAttempts);
    };
    const lastMs = new Date(nextWeek.getTime() - 1);
    const straddleEvent = idAt('evt', lastMs);
    const straddleDelivery = idAt('dlv', nextWeek);
    await rows(`INSERT INTO event (id, account_id, type, data, payload, created_at) VALUES ($1, $2, 'message.status', '{}', '{}', $3)`, [straddleEvent, accountId, lastMs]);
    await rows(
      `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, created_at, completed_at)
       VALUES ($1, $2, $3, $4, 'message.status', 'SUCCEEDED', 1, $5, $5)`,
      [straddleDelivery, accountId, straddleEvent, endpointId, nextWeek],
    );
    await rows(
      `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
       VALUES ($1, $2, 1, 'SUCCESS', $3, 10, '{}', false)`,
      [idAt('att', nextWeek), straddleDelivery, nextWeek],
    );
    expect(await partitionOf('delivery', 'id', pendingDelivery)).toBe(`hookwire_history.delivery_${suffix}`);
    expect(await partitionOf('event', 'id', straddleEvent)).toBe(`hookwire_history.event_${suffix}`);
    const beforeCounts = await counters();
    expect(beforeCounts.deliveries).toEqual(beforeCounts.countedDeliveries);
    const attemptsBefore = await rows(`SELECT * FROM delivery_attempt WHERE delivery_id = $1 ORDER BY id`, [pendingDelivery]);

    // The live loop: publish and wait for each delivery to succeed, before, during and after the drop.
    let purging = 'before' as 'before' | 'during' | 'after';
    const delivered: Record<string, number> = { before: 0, during: 0, after: 0 };
    const loop = (async () => {
      for (let i = 0; purging !== 'after' || delivered.after < 3; i++) {
        if (i > 500) throw new Error('the live loop ran 500 rounds');
        const phase = purging;
        const type = 'message.received';
        const published = await t.gql(PublishEvent, { input: { type, data: findEventType(type)!.example } }, key);
        if (published.data?.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(`publish failed: ${JSON.stringify(published)}`);
        const eventId = published.data.publishEvent.event.id;
        await waitUntil(`the delivery of ${eventId}`, async () => (await rows(`SELECT 1 FROM delivery WHERE event_id = $1 AND status = 'SUCCEEDED'`, [eventId])).length === 1, 15_000, 10);
        delivered[phase]!++;
      }
    })();
    await waitUntil('the live loop delivering', () => delivered.before >= 3);
    purging = 'during';
    const result = await purgeExpired(db, 30, purgeAt, { beforeDrop });
    purging = 'after';
    expect(changedMeanwhile).toEqual([week]);
    await loop;
    expect(delivered.during + delivered.after).toBeGreaterThanOrEqual(3);

    expect(result.weeks).toEqual([week]);
    // 3,000 finished, one recovered to PENDING, one more finished meanwhile.
    expect(result.dropped).toBe(3_000);
    expect(result.kept).toBe(2);
    // The week's partitions are gone: no DELETE, the tables dropped.
    expect(await rows(`SELECT relname FROM pg_class WHERE relname LIKE $1`, [`%_${suffix}`])).toEqual([]);
    expect(await rows(`SELECT count(*)::int AS n FROM delivery WHERE id >= $1 AND id < $2`, [historyBound('dlv', weekStart), historyBound('dlv', nextWeek)])).toEqual([{ n: 2 }]);
    expect(await partitionOf('delivery', 'id', recovered!.id)).toBe('hookwire_history.delivery_default');
    // Nothing of the drop's bookkeeping is left.
    expect(await rows(`SELECT (SELECT count(*) FROM hookwire_history.week_delivery_sum)::int AS d, (SELECT count(*) FROM hookwire_history.week_attempt_sum)::int AS a, (SELECT count(*) FROM hookwire_history.week_prepared)::int AS p`)).toEqual([{ d: 0, a: 0, p: 0 }]);

    // The pending delivery, its event (and key) and attempts: in the DEFAULT partitions, unchanged.
    expect(await partitionOf('delivery', 'id', pendingDelivery)).toBe('hookwire_history.delivery_default');
    expect(await partitionOf('event', 'id', pendingEvent)).toBe('hookwire_history.event_default');
    expect(await partitionOf('delivery_attempt', 'delivery_id', pendingDelivery)).toBe('hookwire_history.delivery_attempt_default');
    expect(await rows(`SELECT * FROM delivery_attempt WHERE delivery_id = $1 ORDER BY id`, [pendingDelivery])).toEqual(attemptsBefore);
    expect(await rows(`SELECT status, attempt_count FROM delivery WHERE id = $1`, [pendingDelivery])).toEqual([{ status: 'PENDING', attempt_count: 2 }]);
    expect(await rows(`SELECT payload FROM event WHERE id = $1`, [pendingEvent])).toEqual([{ payload: '{"kept":true}' }]);
    expect(await rows(`SELECT key FROM idempotency_key WHERE event_id = $1`, [pendingEvent])).toEqual([{ key: 'kept-key' }]);
    // The event of the later week's delivery is kept with it; the delivery stays in its week.
    expect(await partitionOf('event', 'id', straddleEvent)).toBe('hookwire_history.event_default');
    expect(await partitionOf('delivery', 'id', straddleDelivery)).toMatch(/^hookwire_history\.delivery_\d{8}$/);
    expect(await rows(`SELECT count(*)::int AS n FROM delivery_attempt WHERE delivery_id = $1`, [straddleDelivery])).toEqual([{ n: 1 }]);

    // The counters: what rows count, the dropped week's hours gone.
    const afterCounts = await counters();
    expect(afterCounts.deliveries).toEqual(afterCounts.countedDeliveries);
    expect(afterCounts.attempts).toEqual(afterCounts.countedAttempts);
    expect(await rows(`SELECT count(*)::int AS n FROM delivery_hour_count WHERE hour >= $1 AND hour < $2`, [weekStart, nextWeek])).toEqual([{ n: 0 }]);
    // The kept attempts' hour is counted still (they are there: the pending delivery's two, the recovered one's).
    expect(await rows(`SELECT attempts FROM attempt_hour_count WHERE endpoint_id = $1 AND hour = hookwire_hour($2)`, [endpointId, at])).toEqual([{ attempts: 3 }]);

    // Nothing left to drop: a second run is a no-op.
    expect((await purgeExpired(db, 30, purgeAt)).weeks).toEqual([]);
  }, 120_000);

  it('empties DEFAULT: a pending delivery kept through a drop, succeeded later, goes at the next purge past retention', async () => {
    const db = t.app.services.db;
    const week = historyWeek(new Date(Date.now() - 80 * DAY));
    const weekStart = new Date(`${week}T00:00:00Z`);
    const purgeAt = new Date(weekStart.getTime() + 37 * DAY + 3_600_000);
    await ensureHistoryWeeks(db, weekStart, 0);
    const at = new Date(weekStart.getTime() + DAY);
    const eventId = idAt('evt', at);
    const deliveryId = idAt('dlv', at);
    await rows(`INSERT INTO event (id, account_id, type, data, payload, created_at) VALUES ($1, $2, 'message.status', '{}', '{}', $3)`, [eventId, accountId, at]);
    await rows(`INSERT INTO idempotency_key (account_id, key, event_id, expires_at) VALUES ($1, 'default-key', $2, $3)`, [accountId, eventId, new Date(Date.now() + DAY)]);
    await rows(
      `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, 'message.status', 'PENDING', 1, $5, $6)`,
      [deliveryId, accountId, eventId, endpointId, new Date(Date.now() + 365 * DAY), at],
    );
    await rows(
      `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
       VALUES ($1, $2, 1, 'HTTP_ERROR', $3, 10, '{}', true)`,
      [idAt('att', at), deliveryId, at],
    );
    const first = await purgeExpired(db, 30, purgeAt);
    expect(first.weeks).toContain(week);
    expect(await partitionOf('delivery', 'id', deliveryId)).toBe('hookwire_history.delivery_default');
    expect(await partitionOf('event', 'id', eventId)).toBe('hookwire_history.event_default');
    // Still pending: past retention, but it stays (and so does its event).
    expect(first.defaultDeliveries).toBe(0);
    expect((await purgeExpired(db, 30, purgeAt)).defaultDeliveries).toBe(0);
    expect(await partitionOf('delivery', 'id', deliveryId)).toBe('hookwire_history.delivery_default');

    // It succeeds (as the recorder stores it: the delivery and its attempt), then the next purge.
    await rows(
      `WITH d AS (UPDATE delivery SET status = 'SUCCEEDED', attempt_count = 2, completed_at = now(), next_attempt_at = NULL WHERE id = $1 RETURNING id)
       INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
       SELECT $2, d.id, 2, 'SUCCESS', now(), 10, '{}', false FROM d`,
      [deliveryId, newId('DeliveryAttempt')],
    );
    const kept = await rows<{ id: string }>(`SELECT id FROM hookwire_history.delivery_default WHERE status = 'PENDING' ORDER BY id`);
    const purged = await purgeExpired(db, 30, purgeAt);
    expect(purged.defaultDeliveries).toBe(1);
    expect(purged.defaultEvents).toBe(1);
    expect(await rows(`SELECT id FROM delivery WHERE id = $1 UNION ALL SELECT delivery_id FROM delivery_attempt WHERE delivery_id = $1 UNION ALL SELECT id FROM event WHERE id = $2`, [deliveryId, eventId])).toEqual([]);
    expect(await rows(`SELECT key FROM idempotency_key WHERE event_id = $1`, [eventId])).toEqual([]);
    // The pending ones in DEFAULT (the earlier drop's) stay, with their events.
    expect(await rows<{ id: string }>(`SELECT id FROM hookwire_history.delivery_default WHERE status = 'PENDING' ORDER BY id`)).toEqual(kept);
    expect(await rows(`SELECT count(*)::int AS n FROM hookwire_history.delivery_default d WHERE NOT EXISTS (SELECT FROM event e WHERE e.id = d.event_id)`)).toEqual([{ n: 0 }]);
    const after = await counters();
    expect(after.deliveries).toEqual(after.countedDeliveries);
    expect(after.attempts).toEqual(after.countedAttempts);
  }, 60_000);

  it('moves the rows DEFAULT holds of a week without partitions (the worker down for weeks) into the week as it is made, every row kept', async () => {
    const db = t.app.services.db;
    // Five weeks ahead: past WEEKS_AHEAD, so no partition yet; its rows land in DEFAULT.
    const week = historyWeek(new Date(Date.now() + 5 * 7 * DAY));
    const weekStart = new Date(`${week}T00:00:00Z`);
    const nextWeek = new Date(weekStart.getTime() + 7 * DAY);
    const suffix = week.replaceAll('-', '');
    expect(await historyWeeks(poolSql(pool))).not.toContain(week);
    const at = new Date(weekStart.getTime() + 3 * DAY);
    const eventId = idAt('evt', at);
    const lastEvent = idAt('evt', new Date(nextWeek.getTime() - 1));
    const succeeded = idAt('dlv', at);
    const pending = idAt('dlv', at);
    const straddling = idAt('dlv', nextWeek); // the next week's, its event this week's
    await rows(`INSERT INTO event (id, account_id, type, data, payload, created_at) VALUES ($1, $2, 'message.status', '{}', '{"n":1}', $3), ($4, $2, 'message.status', '{}', '{"n":2}', $5)`, [eventId, accountId, at, lastEvent, new Date(nextWeek.getTime() - 1)]);
    await rows(`INSERT INTO idempotency_key (account_id, key, event_id, expires_at) VALUES ($1, 'future-key', $2, $3)`, [accountId, eventId, new Date(Date.now() + DAY)]);
    await rows(
      `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, created_at, completed_at)
       VALUES ($1, $4, $5, $6, 'message.status', 'SUCCEEDED', 1, NULL, $7, $7), ($2, $4, $5, $6, 'message.status', 'PENDING', 1, $7, $7, NULL),
              ($3, $4, $8, $6, 'message.status', 'FAILED', 1, NULL, $9, $9)`,
      [succeeded, pending, straddling, accountId, eventId, endpointId, at, lastEvent, nextWeek],
    );
    for (const [deliveryId, outcome, started] of [[succeeded, 'SUCCESS', at], [pending, 'HTTP_ERROR', at], [straddling, 'HTTP_ERROR', nextWeek]] as const) {
      await rows(
        `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
         VALUES ($1, $2, 1, $3, $4, 10, '{"k":"v"}', false)`,
        [idAt('att', started), deliveryId, outcome, started],
      );
    }
    for (const id of [succeeded, pending, straddling]) expect(await partitionOf('delivery', 'id', id)).toBe('hookwire_history.delivery_default');
    expect(await partitionOf('event', 'id', eventId)).toBe('hookwire_history.event_default');
    const snapshot = async () => ({
      events: await rows(`SELECT * FROM event WHERE id = ANY($1) ORDER BY id`, [[eventId, lastEvent]]),
      keys: await rows(`SELECT * FROM idempotency_key WHERE event_id = $1`, [eventId]),
      deliveries: await rows(`SELECT * FROM delivery WHERE id = ANY($1) ORDER BY id`, [[succeeded, pending, straddling]]),
      attempts: await rows(`SELECT * FROM delivery_attempt WHERE delivery_id = ANY($1) ORDER BY id`, [[succeeded, pending, straddling]]),
      counters: await counters(),
    });
    const before = await snapshot();
    expect(before.counters.deliveries).toEqual(before.counters.countedDeliveries);

    // The worker comes back a week after: the week is behind it, made because DEFAULT holds its rows.
    const weeks = await ensureHistoryWeeks(db, nextWeek, WEEKS_AHEAD, 30);
    expect(weeks[0]).toBe(historyWeek(nextWeek));
    expect(await historyWeeks(poolSql(pool))).toContain(week);
    expect(await snapshot()).toEqual(before);
    expect(await partitionOf('event', 'id', eventId)).toBe(`hookwire_history.event_${suffix}`);
    expect(await partitionOf('event', 'id', lastEvent)).toBe(`hookwire_history.event_${suffix}`);
    expect(await partitionOf('delivery', 'id', succeeded)).toBe(`hookwire_history.delivery_${suffix}`);
    expect(await partitionOf('delivery', 'id', pending)).toBe(`hookwire_history.delivery_${suffix}`);
    expect(await partitionOf('delivery_attempt', 'delivery_id', pending)).toBe(`hookwire_history.delivery_attempt_${suffix}`);
    // The straddling delivery went into its own week (made ahead of nextWeek), its event into this one.
    expect(await partitionOf('delivery', 'id', straddling)).toBe(`hookwire_history.delivery_${historyWeek(nextWeek).replaceAll('-', '')}`);
    expect(await rows(`SELECT count(*)::int AS n FROM hookwire_history.delivery_default WHERE id >= $1`, [historyBound('dlv', weekStart)])).toEqual([{ n: 0 }]);
  }, 60_000);

  /** The counters' totals and the rows' counts, per endpoint and hour. */
  /** The counters beside the rows they count, read in one snapshot: the live loop goes on recording meanwhile. */
  async function counters() {
    const client = await pool.connect();
    let done = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await countersIn(async (text, values) => (await client.query(text, values)).rows);
      await client.query('COMMIT');
      done = true;
      return result;
    } finally {
      // A failed read leaves the transaction open: that connection is closed, not handed back.
      client.release(!done);
    }
  }

  async function countersIn(rows: (text: string, values: unknown[]) => Promise<Record<string, any>[]>) {
    const deliveries = await rows(
      `SELECT endpoint_id, event_type, hour, succeeded, failed FROM delivery_hour_count WHERE account_id = $1 ORDER BY 1, 2, 3`,
      [accountId],
    );
    const countedDeliveries = await rows(
      `SELECT endpoint_id, event_type, hookwire_hour(created_at) AS hour, count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed
       FROM delivery WHERE account_id = $1 AND status <> 'PENDING' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [accountId],
    );
    const attempts = await rows(`SELECT endpoint_id, hour, attempts, succeeded FROM attempt_hour_count WHERE endpoint_id = $1 ORDER BY 2`, [endpointId]);
    const countedAttempts = await rows(
      `SELECT d.endpoint_id, hookwire_hour(a.started_at) AS hour, count(*)::int AS attempts, count(*) FILTER (WHERE a.outcome = 'SUCCESS')::int AS succeeded
       FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = $1 GROUP BY 1, 2 ORDER BY 2`,
      [endpointId],
    );
    return { deliveries, countedDeliveries, attempts, countedAttempts };
  }
});

describe('migrating a database whose history is in the old unpartitioned tables', () => {
  const serverUrl = inject('pgServerUrl');
  const name = `${inject('dbPrefix')}partitions_upgrade`;
  const url = withDatabase(serverUrl, name);
  let client: pg.Client;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('keeps every event, delivery, attempt and counter, attached as one partition; the triggers count on', async () => {
    const migrations = await readMigrations();
    const mine = migrations.findIndex((m) => m.name === '20261214000000_history_partitions');
    expect(mine).toBeGreaterThan(0);
    for (const migration of migrations.slice(0, mine)) await client.query(migration.sql);

    // A month of history in the old tables: 200 events, 1,000 deliveries, 1,200 attempts, some pending.
    const q = async (text: string, values: unknown[] = []) => (await client.query(text, values)).rows;
    await q(`INSERT INTO account (id, name) VALUES ('acct_upgrade', 'upgrade')`);
    await q(`INSERT INTO endpoint (id, account_id, url, description, event_types, signing_secret) VALUES ('ep_upgrade', 'acct_upgrade', 'https://r.invalid/h', 'u', '{*}', 'whsec_x')`);
    const events: string[] = [];
    const deliveries: string[] = [];
    for (let i = 0; i < 200; i++) {
      const at = new Date(Date.now() - 30 * DAY + i * 3 * 3_600_000);
      const eventId = idAt('evt', at);
      events.push(eventId);
      await q(`INSERT INTO event (id, account_id, type, data, payload, created_at) VALUES ($1, 'acct_upgrade', 'message.status', '{}', $2, $3)`, [eventId, `{"n":${i}}`, at]);
      for (let k = 0; k < 5; k++) {
        const deliveryId = idAt('dlv', at);
        deliveries.push(deliveryId);
        const status = i >= 195 ? 'PENDING' : k === 0 ? 'FAILED' : 'SUCCEEDED';
        await q(
          `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, attempt_count, created_at) VALUES ($1, 'acct_upgrade', $2, 'ep_upgrade', 'message.status', $3, 1, $4)`,
          [deliveryId, eventId, status, at],
        );
        for (let n = 1; n <= (k === 1 ? 2 : status === 'PENDING' && k > 1 ? 0 : 1); n++) {
          await q(
            `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry) VALUES ($1, $2, $3, 'SUCCESS', $4, 5, '{}', false)`,
            [idAt('att', at), deliveryId, n, at],
          );
        }
      }
    }
    const snapshot = async () => ({
      events: await q(`SELECT id, payload FROM event ORDER BY id`),
      deliveries: await q(`SELECT id, event_id, status FROM delivery ORDER BY id`),
      attempts: await q(`SELECT id, delivery_id, attempt_number FROM delivery_attempt ORDER BY id`),
      deliveryCounts: await q(`SELECT * FROM delivery_hour_count ORDER BY 1, 2, 3`),
      attemptCounts: await q(`SELECT * FROM attempt_hour_count ORDER BY 1, 2`),
    });
    const before = await snapshot();
    expect(before.events).toHaveLength(200);
    expect(before.deliveries).toHaveLength(1_000);
    expect(before.attempts.length).toBeGreaterThan(1_000);
    const pages = await q(`SELECT pg_relation_filenode('delivery') AS node`);

    await client.query('BEGIN');
    await client.query(migrations[mine]!.sql);
    await client.query('COMMIT');

    expect(await snapshot()).toEqual(before);
    // Not a copy: the old table's file is the partition's.
    const week = historyWeek(new Date()).replaceAll('-', '');
    expect(await q(`SELECT pg_relation_filenode($1::regclass) AS node`, [`hookwire_history.delivery_${week}`])).toEqual(pages);
    expect(await q(`SELECT DISTINCT tableoid::regclass::text AS p FROM delivery_attempt`)).toEqual([{ p: `hookwire_history.delivery_attempt_${week}` }]);
    expect(await q(`SELECT relkind FROM pg_class WHERE oid = 'delivery'::regclass`)).toEqual([{ relkind: 'p' }]);

    // New rows go on: into the old tables' partition until next week, the triggers count them, the
    // foreign keys hold.
    const eventId = newId('Event');
    const deliveryId = newId('Delivery');
    await q(`INSERT INTO event (id, account_id, type, data, payload) VALUES ($1, 'acct_upgrade', 'message.status', '{}', '{}')`, [eventId]);
    await q(`INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status) VALUES ($1, 'acct_upgrade', $2, 'ep_upgrade', 'message.status', 'SUCCEEDED')`, [deliveryId, eventId]);
    await q(`INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry) VALUES ($1, $2, 1, 'SUCCESS', now(), 5, '{}', false)`, [newId('DeliveryAttempt'), deliveryId]);
    expect(await q(`SELECT sum(succeeded)::int AS n FROM delivery_hour_count WHERE hour = hookwire_hour(now())`)).toEqual([{ n: 1 }]);
    expect(await q(`SELECT sum(attempts)::int AS n FROM attempt_hour_count WHERE hour = hookwire_hour(now())`)).toEqual([{ n: 1 }]);
    await expect(q(`INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type) VALUES ($1, 'acct_upgrade', 'evt_missing', 'ep_upgrade', 't')`, [newId('Delivery')])).rejects.toThrow(/foreign key/);
    // Deleting an event still takes its deliveries and attempts (ON DELETE CASCADE across partitions).
    await q(`DELETE FROM event WHERE id = $1`, [events[0]]);
    expect(await q(`SELECT count(*)::int AS n FROM delivery WHERE event_id = $1`, [events[0]])).toEqual([{ n: 0 }]);
  });
});
