// The recording statement (src/db/sql/record-attempts.ts) on its own: a batch moves its deliveries
// and inserts its attempts, a stale or orphaned attempt is skipped, the endpoint's health columns
// move with the batch's order, and subscriptions are told of each attempt recorded.
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/db/sql/notify.ts';
import { recordAttempts, type AttemptToRecord } from '../../src/db/sql/record-attempts.ts';
import { aDelivery, anEndpoint, id, listen, at, useStatementDb } from './fixtures.ts';

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

  it('skips an attempt its delivery no longer expects (recorded already) and one whose delivery is gone', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const deliveryId = await aDelivery(t, t.accountId, endpointId, { attemptCount: 1 });
    const stale = attempt(deliveryId, true, at(0));
    const orphan = attempt('dlv_gone', true, at(0));
    expect(await recordAttempts(t.prisma, { attempts: [stale, orphan], failingAfter: 10 })).toEqual([]);
    expect(await t.rows('SELECT id FROM delivery_attempt WHERE id = ANY($1)', [[stale.id, orphan.id]])).toEqual([]);
    expect((await t.rows('SELECT status, attempt_count FROM delivery WHERE id = $1', [deliveryId]))[0]).toEqual({ status: 'PENDING', attempt_count: 1 });
    expect((await endpointHealth(endpointId)).last_success_at).toBeNull();
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
});
