// The small statement families on their own: the locks (accounts, endpoints, event types), NOTIFY,
// the timeline, the retention batches, the operational ones (ping, graphile-worker's unlock), the
// sealing maintenance's rewrite, the migrations' bookkeeping, and the migration that removes the
// legacy "deliver" jobs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, readMigrations } from '../../src/db/migrate.ts';
import { prismaSql, type PrismaRunner } from '../../src/db/sql.ts';
import { lockAccount, lockDefaultAccountCreation } from '../../src/db/sql/accounts.ts';
import { endpointLastSuccess, lastAttemptsOwed, lockEndpoint } from '../../src/db/sql/endpoints.ts';
import { lockEventType } from '../../src/db/sql/event-types.ts';
import { appliedMigrations } from '../../src/db/sql/migrations.ts';
import { CHANNELS, notify } from '../../src/db/sql/notify.ts';
import { forceUnlockWorkers, ping } from '../../src/db/sql/ops.ts';
import { purgeEvents, purgeIdempotencyKeys } from '../../src/db/sql/retention.ts';
import { rewriteSecrets, secretsAfter } from '../../src/db/sql/sealing.ts';
import { endpointTimelineRows } from '../../src/db/sql/timeline.ts';
import { aDelivery, anAccount, anEndpoint, anEvent, id, listen, at, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

/** Runs `hold` in a Prisma transaction and, while it is open, `probe` on another connection. */
async function whileHeld<T>(hold: (tx: PrismaRunner) => Promise<unknown>, probe: () => Promise<T>): Promise<T> {
  let result!: T;
  await t.app.db.$transaction(async (tx) => {
    await hold(tx);
    result = await probe();
  });
  return result;
}

async function lockedElsewhere(text: string, values: unknown[]): Promise<boolean> {
  const client = await t.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(text, values);
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return true;
    throw error;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('locks', () => {
  it('lockAccount holds the account row until the transaction ends', async () => {
    const locked = await whileHeld(
      (tx) => lockAccount(prismaSql(tx), { accountId: t.accountId }),
      () => lockedElsewhere('SELECT 1 FROM account WHERE id = $1 FOR UPDATE NOWAIT', [t.accountId]),
    );
    expect(locked).toBe(true);
    expect(await lockedElsewhere('SELECT 1 FROM account WHERE id = $1 FOR UPDATE NOWAIT', [t.accountId])).toBe(false);
  });

  it('lockDefaultAccountCreation keeps every other process out until the transaction ends', async () => {
    const others = await whileHeld(
      (tx) => lockDefaultAccountCreation(prismaSql(tx)),
      async () => (await t.rows<{ got: boolean }>('SELECT pg_try_advisory_xact_lock(7234981234) AS got'))[0]!.got,
    );
    expect(others).toBe(false);
  });

  it('lockEndpoint finds the account’s endpoint only, and locks it', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    expect(await lockEndpoint(t.prisma, { accountId: 'acct_other', endpointId })).toBe(false);
    const locked = await whileHeld(
      async (tx) => expect(await lockEndpoint(prismaSql(tx), { accountId: t.accountId, endpointId })).toBe(true),
      () => lockedElsewhere('SELECT 1 FROM endpoint WHERE id = $1 FOR UPDATE NOWAIT', [endpointId]),
    );
    expect(locked).toBe(true);
  });

  it('lockEventType reads the account’s type under a lock, or null', async () => {
    await t.rows(`INSERT INTO event_type (account_id, name, description, schema, example) VALUES ($1, 'order.paid', 'd', '{"type":"object"}', '{"n":1}')`, [t.accountId]);
    expect(await lockEventType(t.prisma, { accountId: t.accountId, name: 'order.paid' })).toEqual({ schema: { type: 'object' }, example: { n: 1 } });
    expect(await lockEventType(t.prisma, { accountId: t.accountId, name: 'order.none' })).toBeNull();
  });
});

describe('endpointLastSuccess', () => {
  it('reads when the endpoint last succeeded', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    expect(await endpointLastSuccess(t.prisma, { endpointId })).toBeNull();
    await t.rows('UPDATE endpoint SET last_success_at = $2 WHERE id = $1', [endpointId, at(0)]);
    expect(await endpointLastSuccess(t.prisma, { endpointId })).toEqual(at(0));
  });
});

describe('lastAttemptsOwed', () => {
  it('finds a pending delivery of the endpoint due its last scheduled attempt by then, not a manual retry', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const other = await anEndpoint(t, t.accountId);
    const owed = (dueBy: Date) => lastAttemptsOwed(t.prisma, { endpointId, scheduledBefore: 2, dueBy });
    // Another endpoint's, one not on its last attempt, one finished: none owed.
    await aDelivery(t, t.accountId, other, { attemptCount: 2, nextAttemptAt: at(0) });
    await aDelivery(t, t.accountId, endpointId, { attemptCount: 1, nextAttemptAt: at(0) });
    await aDelivery(t, t.accountId, endpointId, { attemptCount: 3, status: 'FAILED', nextAttemptAt: null });
    expect(await owed(at(10))).toBe(false);
    // On its last attempt, due at 5 s: owed from then on.
    const last = await aDelivery(t, t.accountId, endpointId, { attemptCount: 2, nextAttemptAt: at(5) });
    expect(await owed(at(4))).toBe(false);
    expect(await owed(at(5))).toBe(true);
    // A manual retry's attempts do not count toward the schedule, and a pending manual retry is not the schedule's.
    await t.rows('UPDATE delivery SET manual_attempts = 1 WHERE id = $1', [last]);
    expect(await owed(at(5))).toBe(false);
    await t.rows('UPDATE delivery SET manual_attempts = 0, manual_retry = true WHERE id = $1', [last]);
    expect(await owed(at(5))).toBe(false);
  });
});

describe('notify', () => {
  it('sends the payload on the channel, through Prisma too', async () => {
    const heard = await listen(t, CHANNELS.endpointStatus);
    try {
      await notify(t.prisma, { channel: CHANNELS.endpointStatus, payload: '{"status":"PAUSED"}' });
      expect(await heard.next()).toEqual(['{"status":"PAUSED"}']);
    } finally {
      await heard.close();
    }
  });
});

describe('endpointTimelineRows', () => {
  it('counts attempts and successes per hour for the account’s endpoints, empty hours included', async () => {
    const endpointId = await anEndpoint(t, t.accountId);
    const foreign = await anEndpoint(t, await anAccount(t));
    const deliveryId = await aDelivery(t, t.accountId, endpointId);
    for (const [n, outcome, startedAt] of [[1, 'SUCCESS', at(60)], [2, 'HTTP_ERROR', at(120)], [3, 'SUCCESS', at(3600 + 60)]] as const) {
      await t.rows(
        `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, will_retry) VALUES ($1, $2, $3, $4, $5, 1, '{}', false)`,
        [id('att'), deliveryId, n, outcome, startedAt],
      );
    }
    const rows = await endpointTimelineRows(t.prisma, { accountId: t.accountId, endpointIds: [endpointId, foreign], from: at(0), to: at(3 * 3600) });
    expect(rows).toEqual([
      { endpoint_id: endpointId, hour: at(0), attempts: 2, succeeded: 1 },
      { endpoint_id: endpointId, hour: at(3600), attempts: 1, succeeded: 1 },
      { endpoint_id: endpointId, hour: at(2 * 3600), attempts: 0, succeeded: 0 },
      { endpoint_id: endpointId, hour: at(3 * 3600), attempts: 0, succeeded: 0 },
    ]);
  });
});

describe('retention batches', () => {
  it('delete events older than the cutoff with their deliveries, and expired keys, at most a batch each', async () => {
    const account = await anAccount(t);
    const endpointId = await anEndpoint(t, account);
    const old = [await aDelivery(t, account, endpointId, { createdAt: at(-100) }), await aDelivery(t, account, endpointId, { createdAt: at(-90) })];
    const kept = await anEvent(t, account, at(10));
    const before = (await t.rows<{ n: number }>('SELECT count(*)::int AS n FROM event WHERE created_at < $1', [at(0)]))[0]!.n;
    expect(await purgeEvents(t.prisma, { before: at(0), limit: 1 })).toBe(1);
    expect(await purgeEvents(t.prisma, { before: at(0), limit: 1000 })).toBe(before - 1);
    expect(await t.rows('SELECT id FROM delivery WHERE id = ANY($1)', [old])).toEqual([]);
    expect(await t.rows('SELECT id FROM event WHERE id = $1', [kept])).toHaveLength(1);

    await t.rows(`INSERT INTO idempotency_key (account_id, key, event_id, expires_at) VALUES ($1, 'gone', $2, $3), ($1, 'live', $2, $4)`, [account, kept, at(-1), at(100)]);
    expect(await purgeIdempotencyKeys(t.prisma, { before: at(0), limit: 10 })).toBe(1);
    expect((await t.rows('SELECT key FROM idempotency_key WHERE account_id = $1', [account])).map((r) => r.key)).toEqual(['live']);
  });
});

describe('operational statements', () => {
  it('ping answers while the database does', async () => {
    await expect(ping(t.prisma)).resolves.toBeUndefined();
  });

  it('forceUnlockWorkers frees the jobs a dead worker pool held', async () => {
    const [{ id: jobId }] = (await t.rows(`SELECT (graphile_worker.add_job('purge_expired', '{}', job_key => $1)).id`, [id('job')])) as [{ id: string }];
    await t.rows(`UPDATE graphile_worker._private_jobs SET locked_by = 'dead-pool', locked_at = now() WHERE id = $1`, [jobId]);
    await forceUnlockWorkers(t.app.sql, { workerIds: ['dead-pool'] });
    expect((await t.rows('SELECT locked_by FROM graphile_worker.jobs WHERE id = $1', [jobId]))[0]).toEqual({ locked_by: null });
    await t.rows('SELECT graphile_worker.complete_jobs(ARRAY[$1::bigint])', [jobId]);
  });
});

describe('sealing rewrite', () => {
  it('rewrites a row only if its signing secret is still the one read', async () => {
    const [kept, rotated] = [await anEndpoint(t, t.accountId), await anEndpoint(t, t.accountId)];
    const read = (await secretsAfter(t.app.sql, 'all', '')).filter((r) => r.id === kept || r.id === rotated);
    await t.rows(`UPDATE endpoint SET signing_secret = 'whsec_rotated' WHERE id = $1`, [rotated]);
    const changed = await rewriteSecrets(
      t.app.sql,
      read.map((r) => ({ id: r.id, signingSecret: 'hwsealed:x', retiredSecrets: [], headers: { 'x-key': 'hwsealed:y' }, brokerUrl: null, was: r.signing_secret })),
    );
    expect(changed).toBe(1);
    const rows = await t.rows('SELECT id, signing_secret, headers FROM endpoint WHERE id = ANY($1)', [[kept, rotated]]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.signing_secret]))).toEqual({ [kept]: 'hwsealed:x', [rotated]: 'whsec_rotated' });
    expect(rows.find((r) => r.id === kept)!.headers).toEqual({ 'x-key': 'hwsealed:y' });
  });
});

describe('sealing a broker URL', () => {
  it('reads a broker endpoint whose URL is in clear, and rewrites its broker_url', async () => {
    const broker = await anEndpoint(t, t.accountId);
    const sealed = `hwsealed:v1:k:${id('x')}`;
    await t.rows(`UPDATE endpoint SET signing_secret = $2, destination_kind = 'RABBITMQ', url = 'amqp://u:****@h', broker_url = 'amqp://u:p@h' WHERE id = $1`, [broker, sealed]);
    const inClear = (await secretsAfter(t.app.sql, 'in clear', '')).find((r) => r.id === broker);
    expect(inClear).toMatchObject({ broker_url: 'amqp://u:p@h', signing_secret: sealed });
    await rewriteSecrets(t.app.sql, [{ id: broker, signingSecret: sealed, retiredSecrets: [], headers: null, brokerUrl: 'hwsealed:z', was: sealed }]);
    expect(await t.rows('SELECT broker_url FROM endpoint WHERE id = $1', [broker])).toEqual([{ broker_url: 'hwsealed:z' }]);
    expect((await secretsAfter(t.app.sql, 'in clear', '')).some((r) => r.id === broker)).toBe(false);
  });
});

describe('migration bookkeeping', () => {
  it('appliedMigrations lists every migration of prisma/migrations, finished, with its checksum', async () => {
    const applied = await appliedMigrations(t.app.sql);
    const expected = (await readMigrations()).map((m) => ({ migration_name: m.name, checksum: m.checksum, rolled_back_at: null }));
    expect(applied.map(({ migration_name, checksum, rolled_back_at }) => ({ migration_name, checksum, rolled_back_at })).sort((a, b) => a.migration_name.localeCompare(b.migration_name))).toEqual(expected);
    expect(applied.every((m) => m.finished_at instanceof Date)).toBe(true);
  });
});

describe('migration 20261205000000_drop_legacy_deliver_jobs', () => {
  it('removes the queued jobs of the legacy "deliver" task and keeps every other job', async () => {
    const sql = await readFile(join(MIGRATIONS_DIR, '20261205000000_drop_legacy_deliver_jobs', 'migration.sql'), 'utf8');
    await t.rows(`SELECT graphile_worker.add_job('deliver', '{"deliveryId":"dlv_old"}')`);
    await t.rows(`SELECT graphile_worker.add_job('purge_expired', '{}', job_key => 'purge_kept')`);
    await t.rows(sql);
    const tasks = await t.rows<{ task_identifier: string }>('SELECT task_identifier FROM graphile_worker.jobs');
    expect(tasks.map((j) => j.task_identifier)).toEqual(['purge_expired']);
    await t.rows(`SELECT graphile_worker.remove_job('purge_kept')`);
  });
});
