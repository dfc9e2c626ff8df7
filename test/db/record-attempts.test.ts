// The recording statement (src/db/sql/record-attempts.ts) on its own: a batch moves its deliveries
// and inserts its attempts (a late one under the next free number, a success never overridden), an orphaned attempt is skipped, the endpoint's health columns
// move with the batch's order, and subscriptions are told of each attempt recorded.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.ts';
import { createHistoryWeek } from '../../src/db/sql/partitions.ts';
import { CHANNELS } from '../../src/db/sql/notify.ts';
import { poolSql, poolTransaction, statement } from '../../src/db/sql.ts';
import { recordAttempts, recordAttemptsAlone, type AttemptToRecord } from '../../src/db/sql/record-attempts.ts';
import { aDelivery, anEndpoint, anEvent, id, listen, at, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

function attempt(deliveryId: string, ok: boolean, startedAt: Date, overrides: Partial<AttemptToRecord> = {}): AttemptToRecord {
  return {
    id: id('att'),
    deliveryId,
    attemptNumber: 1,
    trigger: 'SCHEDULED',
    outcome: ok ? 'SUCCESS' : 'HTTP_ERROR',
    startedAt,
    durationMs: 5,
    requestHeaders: { 'webhook-id': 'evt' },
    responseStatus: ok ? 200 : 503,
    responseHeaders: ok ? { 'content-type': 'text/plain' } : null,
    responseBody: ok ? 'ok' : null,
    error: null,
    willRetry: !ok,
    status: ok ? 'SUCCEEDED' : 'PENDING',
    nextAttemptAt: ok ? null : new Date(startedAt.getTime() + 60_000),
    ...overrides,
  };
}

async function endpointHealth(endpointId: string) {
  const [row] = await t.rows(
    'SELECT last_success_at, consecutive_failures, failing_since, failing_notified_at, recovered_at FROM endpoint WHERE id = $1',
    [endpointId],
  );
  return row!;
}

describe('recordAttempts', () => {
  it('stores each attempt and its delivery’s new state, and returns the deliveries recorded', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const [ok, failed] = [await aDelivery(t, t.accountId, endpointId), await aDelivery(t, t.accountId, endpointId)];
    const records = [attempt(ok, true, at(0)), attempt(failed, false, at(1))];
    const rows = await recordAttempts(t.app.sql, { attempts: records, failingAfter: 10 });

    expect(rows.map((r) => r.id).sort()).toEqual([ok, failed].sort());
    expect(rows.find((r) => r.id === ok)).toMatchObject({ account_id: t.accountId, endpoint_id: endpointId, attempt_count: 1, first_attempt_at: at(0) });
    const deliveries = await t.rows('SELECT id, status, attempt_count, next_attempt_at, completed_at FROM delivery WHERE id = ANY($1) ORDER BY id', [[ok, failed]]);
    expect(Object.fromEntries(deliveries.map((d) => [d.id, d]))).toEqual({
      [ok]: { id: ok, status: 'SUCCEEDED', attempt_count: 1, next_attempt_at: null, completed_at: new Date(at(0).getTime() + 5) },
      [failed]: { id: failed, status: 'PENDING', attempt_count: 1, next_attempt_at: new Date(at(1).getTime() + 60_000), completed_at: null },
    });
    const [stored] = await t.rows('SELECT * FROM delivery_attempt WHERE id = $1', [records[0]!.id]);
    expect(stored).toMatchObject({
      delivery_id: ok,
      attempt_number: 1,
      trigger: 'SCHEDULED',
      outcome: 'SUCCESS',
      started_at: at(0),
      duration_ms: 5,
      request_headers: { 'webhook-id': 'evt' },
      response_status: 200,
      response_headers: { 'content-type': 'text/plain' },
      response_body: 'ok',
      will_retry: false,
    });
  });

  it('stores a late attempt under the next free number without changing its delivery, and skips one whose delivery is gone', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    // Another worker recorded attempt 1 (a failure, retry due) after this one's lease ran out.
    const deliveryId = await aDelivery(t, t.accountId, endpointId, { attemptCount: 1 });
    const before = (await t.rows('SELECT status, next_attempt_at FROM delivery WHERE id = $1', [deliveryId]))[0]!;
    const late = attempt(deliveryId, false, at(0));
    const orphan = attempt('dlv_gone', true, at(0));
    const rows = await recordAttempts(t.prisma, { attempts: [late, orphan], failingAfter: 10 });
    expect(rows.map((r) => [r.id, r.attempt_count, r.settled])).toEqual([[deliveryId, 2, false]]);
    expect(await t.rows('SELECT id, attempt_number FROM delivery_attempt WHERE id = ANY($1)', [[late.id, orphan.id]])).toEqual([{ id: late.id, attempt_number: 2 }]);
    expect((await t.rows('SELECT status, attempt_count, next_attempt_at FROM delivery WHERE id = $1', [deliveryId]))[0]).toEqual({ ...before, attempt_count: 2 });
    // Old news of the receiver: the attempt recorded under its number spoke of its health.
    expect((await endpointHealth(endpointId)).consecutive_failures).toBe(0);
  });

  it('keeps a delivery SUCCEEDED once any attempt succeeded, whichever is recorded first', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const [first, second] = [await aDelivery(t, t.accountId, endpointId), await aDelivery(t, t.accountId, endpointId)];
    // The resend's failure first, then the frozen worker's success, late: the success wins.
    await recordAttempts(t.prisma, { attempts: [attempt(first, false, at(1), { status: 'FAILED', nextAttemptAt: null, willRetry: false })], failingAfter: 10 });
    const won = await recordAttempts(t.prisma, { attempts: [attempt(first, true, at(0))], failingAfter: 10 });
    expect(won[0]).toMatchObject({ attempt_count: 2, settled: true });
    // The success first, then a late failure: it stays SUCCEEDED. Two of the same number in one batch: both stored.
    await recordAttempts(t.prisma, { attempts: [attempt(second, true, at(0)), attempt(second, false, at(1))], failingAfter: 10 });
    const after = await recordAttempts(t.prisma, { attempts: [attempt(second, false, at(2), { attemptNumber: 2 })], failingAfter: 10 });
    expect(after[0]).toMatchObject({ attempt_count: 3, settled: false });
    const deliveries = await t.rows('SELECT id, status, attempt_count, next_attempt_at, completed_at FROM delivery WHERE id = ANY($1) ORDER BY id', [[first, second]]);
    expect(Object.fromEntries(deliveries.map((d) => [d.id, d]))).toEqual({
      [first]: { id: first, status: 'SUCCEEDED', attempt_count: 2, next_attempt_at: null, completed_at: new Date(at(0).getTime() + 5) },
      [second]: { id: second, status: 'SUCCEEDED', attempt_count: 3, next_attempt_at: null, completed_at: new Date(at(0).getTime() + 5) },
    });
    const numbers = await t.rows('SELECT delivery_id, attempt_number, outcome FROM delivery_attempt WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt_number', [[first, second]]);
    expect(numbers.filter((a) => a.delivery_id === first).map((a) => [a.attempt_number, a.outcome])).toEqual([[1, 'HTTP_ERROR'], [2, 'SUCCESS']]);
    expect(numbers.filter((a) => a.delivery_id === second).map((a) => [a.attempt_number, a.outcome])).toEqual([[1, 'SUCCESS'], [2, 'HTTP_ERROR'], [3, 'HTTP_ERROR']]);
  });

  it('counts a run of failures in the batch’s order, announces it once at failingAfter, and recovers on a success', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const d = await Promise.all(Array.from({ length: 5 }, () => aDelivery(t, t.accountId, endpointId)));
    const first = await recordAttempts(t.prisma, { attempts: [attempt(d[0]!, false, at(0)), attempt(d[1]!, false, at(1))], failingAfter: 3 });
    expect(first[0]!.transitions).toBeNull();
    expect(await endpointHealth(endpointId)).toMatchObject({ consecutive_failures: 2, failing_since: new Date(at(0).getTime() + 5), failing_notified_at: null });

    // A failed manual attempt says nothing new of the receiver; the third scheduled failure warns.
    const second = await recordAttempts(t.prisma, {
      attempts: [attempt(d[2]!, false, at(2), { trigger: 'MANUAL' }), attempt(d[3]!, false, at(3))],
      failingAfter: 3,
    });
    expect(second[0]!.transitions).toEqual([
      {
        kind: 'failing',
        endpointId,
        accountId: t.accountId,
        url: 'https://receiver.test/hook',
        at: expect.any(String),
        consecutiveFailures: 3,
        failingSince: expect.any(String),
        lastOutcome: 'HTTP_ERROR',
        lastResponseStatus: 503,
      },
    ]);
    expect(new Date(second[0]!.transitions![0]!.at)).toEqual(new Date(at(3).getTime() + 5));

    const third = await recordAttempts(t.prisma, { attempts: [attempt(d[4]!, true, at(4))], failingAfter: 3 });
    expect(third[0]!.transitions).toMatchObject([{ kind: 'recovered', endpointId, consecutiveFailures: 0, failingSince: null }]);
    expect(await endpointHealth(endpointId)).toMatchObject({
      last_success_at: new Date(at(4).getTime() + 5),
      consecutive_failures: 0,
      failing_since: null,
      failing_notified_at: null,
      recovered_at: new Date(at(4).getTime() + 5),
    });
  });

  it('alone (committed on its own), records a batch that changes no health, and refuses one that does, recording nothing of it', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const d = await Promise.all(Array.from({ length: 3 }, () => aDelivery(t, t.accountId, endpointId)));
    const sql = poolSql(t.pool);
    const two = [attempt(d[0]!, false, at(0)), attempt(d[1]!, false, at(1))];
    const rows = await recordAttemptsAlone(sql, { attempts: two, failingAfter: 3 });
    expect(rows?.map((r) => r.id).sort()).toEqual([d[0], d[1]].sort());
    expect(await endpointHealth(endpointId)).toMatchObject({ consecutive_failures: 2, failing_notified_at: null });

    // The third failure in a row would announce endpoint.failing: refused whole, for a transaction.
    const third = attempt(d[2]!, false, at(2));
    expect(await recordAttemptsAlone(sql, { attempts: [third], failingAfter: 3 })).toBeNull();
    expect(await t.rows('SELECT count(*)::int AS n FROM delivery_attempt WHERE delivery_id = $1', [d[2]])).toEqual([{ n: 0 }]);
    expect((await t.rows('SELECT status, attempt_count FROM delivery WHERE id = $1', [d[2]]))[0]).toEqual({ status: 'PENDING', attempt_count: 0 });
    expect(await endpointHealth(endpointId)).toMatchObject({ consecutive_failures: 2, failing_notified_at: null });
    // In a transaction (or not alone), the same batch records and reports its transition.
    const announced = await recordAttempts(sql, { attempts: [third], failingAfter: 3 });
    expect(announced[0]!.transitions).toMatchObject([{ kind: 'failing', endpointId, consecutiveFailures: 3 }]);
  });

  it('announces a run once even when the next batch’s failure ends in the same millisecond, and a recovery once', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const d = await Promise.all(Array.from({ length: 6 }, () => aDelivery(t, t.accountId, endpointId)));
    const warned = await recordAttempts(t.prisma, { attempts: [0, 1, 2].map((i) => attempt(d[i]!, false, at(2))), failingAfter: 3 });
    expect(warned[0]!.transitions).toMatchObject([{ kind: 'failing', consecutiveFailures: 3 }]);
    // Sent beside the others, answered as fast: it ends at the same instant as the run's announcement.
    const again = await recordAttempts(t.prisma, { attempts: [attempt(d[3]!, false, at(2))], failingAfter: 3 });
    expect(again[0]!.transitions).toBeNull();
    expect(await endpointHealth(endpointId)).toMatchObject({ consecutive_failures: 4, failing_notified_at: new Date(at(2).getTime() + 5) });

    const recovered = await recordAttempts(t.prisma, { attempts: [attempt(d[4]!, true, at(3))], failingAfter: 3 });
    expect(recovered[0]!.transitions).toMatchObject([{ kind: 'recovered', endpointId }]);
    const quiet = await recordAttempts(t.prisma, { attempts: [attempt(d[5]!, true, at(3))], failingAfter: 3 });
    expect(quiet[0]!.transitions).toBeNull();
  });

  it('tells subscriptions of every attempt it recorded, and of no other', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const deliveryId = await aDelivery(t, t.accountId, endpointId);
    const recorded = attempt(deliveryId, true, at(0));
    const heard = await listen(t, CHANNELS.attempt);
    try {
      await recordAttempts(t.prisma, { attempts: [recorded, attempt('dlv_gone', true, at(0))], failingAfter: 3 });
      const [payload] = await heard.next();
      expect(JSON.parse(payload!)).toEqual([{ accountId: t.accountId, attemptId: recorded.id, deliveryId, endpointId, eventType: 'message.received' }]);
    } finally {
      await heard.close();
    }
  });

  it('counts a batch’s attempts by their deliveries’ keys on a connection that began beside an empty partition', async () => {
    // One connection, as a worker's: its first batch meets a week's partition of a few rows, the
    // next one a partition of 20,000 that nothing has analyzed since (a new database's first
    // minute, or Monday's new partition). The counters must not read the partition whole.
    const pool = new pg.Pool({ connectionString: t.database.url, max: 1 });
    try {
      await createHistoryWeek(poolSql(pool), new Date().toISOString().slice(0, 10));
      const endpointId = await anEndpoint(t, t.accountId);
      const first = await Promise.all(Array.from({ length: 50 }, () => aDelivery(t, t.accountId, endpointId, { id: newId('Delivery') })));
      await recordAttempts(poolSql(pool), { attempts: first.map((d) => attempt(d, true, new Date())), failingAfter: 10 });

      const eventId = await anEvent(t, t.accountId);
      const many = Array.from({ length: 20_000 }, () => newId('Delivery'));
      await t.rows(
        `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, next_attempt_at)
         SELECT id, $2, $3, $4, 'message.received', 'SUCCEEDED', NULL FROM unnest($1::text[]) AS id`,
        [many, t.accountId, eventId, endpointId],
      );
      const pending = await Promise.all([0, 1, 2].map(() => aDelivery(t, t.accountId, endpointId, { id: newId('Delivery') })));
      const readWhole = statement<Record<string, never>, { rows: number }>(
        'test_delivery_rows_read_sequentially',
        () => `SELECT coalesce(sum(seq_tup_read), 0)::int AS rows FROM pg_stat_xact_user_tables
               WHERE schemaname = 'hookwire_history' AND relname LIKE 'delivery\\_2%'`,
      );
      const read = await poolTransaction(pool, async (sql) => {
        await recordAttempts(sql, { attempts: pending.map((d) => attempt(d, true, new Date())), failingAfter: 10 });
        return (await sql.query(readWhole, {}))[0]!.rows;
      });
      expect(read).toBeLessThan(1_000);
      const [counted] = await t.rows<{ attempts: number }>('SELECT sum(attempts)::int AS attempts FROM attempt_hour_count WHERE endpoint_id = $1', [endpointId]);
      expect(counted!.attempts).toBe(53);
    } finally {
      await pool.end();
    }
  });
});
