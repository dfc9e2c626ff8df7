// The counters behind stats, totalCount and the timeline (migration 20261211000000_history_reads,
// src/db/sql/delivery-counts.ts, timeline.ts, event-counts.ts): whatever writes deliveries and
// attempts (plain INSERTs, the retry and recovery statements, status changes, the retention purge),
// the counts they answer are the ones counting the rows gives.
import { describe, expect, it } from 'vitest';
import { markForRetry, recoverFailed } from '../../src/db/sql/deliveries.ts';
import { deliveryCounts } from '../../src/db/sql/delivery-counts.ts';
import { countEvents, EXACT_EVENT_COUNT } from '../../src/db/sql/event-counts.ts';
import { purgeAttemptCounts, purgeEvents } from '../../src/db/sql/retention.ts';
import { endpointTimelineRows } from '../../src/db/sql/timeline.ts';
import { aDelivery, anAccount, anEndpoint, at, id, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

/** The counts as rows give them. */
async function counted(where: string, values: unknown[]) {
  const [row] = await t.rows(
    `SELECT count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded, count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
            count(*) FILTER (WHERE status = 'PENDING')::int AS pending FROM delivery WHERE ${where}`,
    values,
  );
  return row!;
}

async function attempt(deliveryId: string, n: number, outcome: 'SUCCESS' | 'HTTP_ERROR', startedAt: Date) {
  await t.rows(
    `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
     VALUES ($1, $2, $3, $4, $5, 10, '{}', false)`,
    [id('att'), deliveryId, n, outcome, startedAt],
  );
}

describe('deliveryCounts', () => {
  it('counts finished deliveries from the counters and pending ones from the rows, through inserts, status changes and deletes', async () => {
    const accountId = await anAccount(t);
    const [a, b] = [await anEndpoint(t, accountId), await anEndpoint(t, accountId)];
    const made: string[] = [];
    // Three hours of a, one of b; finished as they were inserted, or pending.
    for (let i = 0; i < 12; i++) {
      const status = i % 3 === 0 ? 'FAILED' : i % 3 === 1 ? 'SUCCEEDED' : 'PENDING';
      made.push(await aDelivery(t, accountId, i < 9 ? a : b, { status, createdAt: at(i * 1200), nextAttemptAt: status === 'PENDING' ? at(0) : null }));
    }
    // Pending ones finish, in one statement (as the worker's recording does).
    await t.rows(`UPDATE delivery SET status = CASE WHEN id = $1 THEN 'FAILED' ELSE 'SUCCEEDED' END::delivery_status WHERE id = ANY($2)`, [made[2], [made[2], made[5]]]);
    // A failed one reopened by a retry, the others of a since 0 by recovery.
    await markForRetry(t.prisma, { accountId, deliveryId: made[0]!, now: at(0) });
    expect(await recoverFailed(t.prisma, { endpointId: a, since: at(3000), nextAttemptAt: at(4000) })).toBe(2);

    const cases: Array<[string, { endpointId: string | null; eventType: string | null; since: Date | null }, string, unknown[]]> = [
      ['the endpoint', { endpointId: a, eventType: null, since: null }, 'endpoint_id = $1', [a]],
      ['the account', { endpointId: null, eventType: null, since: null }, 'account_id = $1', [accountId]],
      ['an event type', { endpointId: a, eventType: 'message.received', since: null }, "endpoint_id = $1 AND event_type = 'message.received'", [a]],
      ['another event type', { endpointId: a, eventType: 'message.status', since: null }, "endpoint_id = $1 AND event_type = 'message.status'", [a]],
      ['since inside an hour', { endpointId: a, eventType: null, since: at(1500) }, 'endpoint_id = $1 AND created_at >= $2', [a, at(1500)]],
      ['since on an hour', { endpointId: null, eventType: null, since: at(3600) }, 'account_id = $1 AND created_at >= $2', [accountId, at(3600)]],
      ['since after everything', { endpointId: a, eventType: null, since: at(90_000) }, 'endpoint_id = $1 AND created_at >= $2', [a, at(90_000)]],
    ];
    const check = async () => {
      for (const [name, filter, where, values] of cases) {
        const expected = await counted(`account_id = '${accountId}' AND ${where}`, values);
        expect(await deliveryCounts(t.prisma, { accountId, ...filter }), name).toEqual(expected);
      }
    };
    await check();
    // Another account's ids count nothing.
    expect(await deliveryCounts(t.prisma, { accountId: 'acct_other', endpointId: a, eventType: null, since: null })).toEqual({ succeeded: 0, failed: 0, pending: 0 });

    // The purge of the oldest events takes their deliveries and their counts; rows left at zero go.
    expect(await purgeEvents(t.prisma, { before: at(2500), limit: 100 })).toBeGreaterThan(0);
    await check();
    const [{ zero }] = await t.rows(`SELECT count(*)::int AS zero FROM delivery_hour_count WHERE succeeded = 0 AND failed = 0`);
    expect(zero).toBe(0);
    // An endpoint deleted takes its counters with it.
    await t.rows('DELETE FROM endpoint WHERE id = $1', [b]);
    expect(await t.rows('SELECT 1 FROM delivery_hour_count WHERE endpoint_id = $1', [b])).toEqual([]);
    await check();
  });
});

describe('endpointTimelineRows', () => {
  it('counts the attempts recorded per hour, and the purge drops the hours before its cutoff', async () => {
    const accountId = await anAccount(t);
    const endpointId = await anEndpoint(t, accountId);
    const first = await aDelivery(t, accountId, endpointId, { createdAt: at(0) });
    const second = await aDelivery(t, accountId, endpointId, { createdAt: at(0) });
    await attempt(first, 1, 'HTTP_ERROR', at(10));
    // Two in one statement, as the worker records a batch.
    await t.rows(
      `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry)
       VALUES ($1, $2, 2, 'SUCCESS', $3, 10, '{}', false), ($4, $5, 1, 'SUCCESS', $6, 10, '{}', false)`,
      [id('att'), first, at(3700), id('att'), second, at(3800)],
    );
    const rows = await endpointTimelineRows(t.prisma, { accountId, endpointIds: [endpointId], from: at(0), to: at(7200) });
    expect(rows.map((r) => [r.hour, r.attempts, r.succeeded])).toEqual([
      [at(0), 1, 0],
      [at(3600), 2, 2],
      [at(7200), 0, 0],
    ]);
    expect(await endpointTimelineRows(t.prisma, { accountId: 'acct_other', endpointIds: [endpointId], from: at(0), to: at(0) })).toEqual([]);

    expect(await purgeAttemptCounts(t.prisma, { before: at(3650), limit: 10 })).toBeGreaterThanOrEqual(1);
    const after = await endpointTimelineRows(t.prisma, { accountId, endpointIds: [endpointId], from: at(0), to: at(3600) });
    expect(after.map((r) => r.attempts)).toEqual([0, 2]);
  });
});

describe('countEvents', () => {
  it(`is exact up to ${EXACT_EVENT_COUNT} events and an estimate of at least that beyond`, async () => {
    const accountId = await anAccount(t);
    const insert = (n: number, type: string) =>
      t.rows(
        `INSERT INTO event (id, account_id, type, session_id, data, payload, created_at)
         SELECT 'evt_' || md5(random()::text || g), $1, $2, 's1', '{}', '{}', now() FROM generate_series(1, $3) AS g`,
        [accountId, type, n],
      );
    await insert(3, 'message.status');
    expect(await countEvents(t.prisma, { accountId, type: null, sessionId: null })).toBe(3);
    expect(await countEvents(t.prisma, { accountId, type: 'message.received', sessionId: null })).toBe(0);
    await insert(EXACT_EVENT_COUNT - 3, 'message.received');
    expect(await countEvents(t.prisma, { accountId, type: null, sessionId: 's1' })).toBe(EXACT_EVENT_COUNT);
    await insert(500, 'message.received');
    await t.rows('ANALYZE event');
    const estimate = await countEvents(t.prisma, { accountId, type: null, sessionId: null });
    expect(estimate).toBeGreaterThan(EXACT_EVENT_COUNT);
    expect(estimate).toBeLessThan(3 * (EXACT_EVENT_COUNT + 500));
  });
});
