// The source runner's statements on their own: the broker sources listed (paused ones too, HTTP
// kinds never), and the state a worker writes, which moves the status with it unless paused.
import { describe, expect, it } from 'vitest';
import { brokerSources, writeSourceState } from '../../src/db/sql/broker-sources.ts';
import type { Sql } from '../../src/db/sql.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { commitBrokerMessages, type BrokerMessage } from '../../src/domain/sources/broker.ts';
import { anAccount, anEndpoint, at, id, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

async function aSource(kind: string, status = 'ACTIVE'): Promise<string> {
  const sourceId = id('src');
  await t.rows(
    `INSERT INTO source (id, account_id, kind, name, status, broker_url, queue) VALUES ($1, $2, $3::source_kind, 'b', $4::source_status, 'hwsealed:v1:k:u', 'q')`,
    [sourceId, t.accountId, kind, status],
  );
  return sourceId;
}

describe('hookwire_broker_sources', () => {
  it('lists every broker source with its sealed URL, paused ones included, and no HTTP source', async () => {
    const rabbit = await aSource('RABBITMQ');
    const paused = await aSource('NATS', 'PAUSED');
    const http = await aSource('SIGNED_HTTP');
    for (const runner of [t.pool, t.prisma]) {
      const rows = (await brokerSources(runner)).filter((r) => [rabbit, paused, http].includes(r.id));
      expect(rows).toEqual(
        expect.arrayContaining([
          { id: rabbit, account_id: t.accountId, kind: 'RABBITMQ', status: 'ACTIVE', broker_url: 'hwsealed:v1:k:u', queue: 'q', subject: null, stream: null },
          expect.objectContaining({ id: paused, kind: 'NATS', status: 'PAUSED' }),
        ]),
      );
      expect(rows).toHaveLength(2);
    }
  });
});

describe('hookwire_write_source_state', () => {
  const stateOf = async (sourceId: string) =>
    (await t.rows<Record<string, unknown>>('SELECT status::text, broker_state::text, lag::int, last_error, last_error_at, state_at FROM source WHERE id = $1', [sourceId]))[0];

  it('writes the state, DISCONNECTED while not connected and ACTIVE again once connected', async () => {
    const sourceId = await aSource('REDIS_STREAM');
    await writeSourceState(t.pool, { id: sourceId, state: 'RECONNECTING', lag: null, lastError: 'connection lost: ECONNRESET', lastErrorAt: at(1), at: at(2) });
    expect(await stateOf(sourceId)).toEqual({ status: 'DISCONNECTED', broker_state: 'RECONNECTING', lag: null, last_error: 'connection lost: ECONNRESET', last_error_at: at(1), state_at: at(2) });
    await writeSourceState(t.prisma, { id: sourceId, state: 'CONNECTED', lag: 7, lastError: 'connection lost: ECONNRESET', lastErrorAt: at(1), at: at(3) });
    expect(await stateOf(sourceId)).toMatchObject({ status: 'ACTIVE', broker_state: 'CONNECTED', lag: 7, state_at: at(3) });
  });

  it('leaves a paused source paused', async () => {
    const sourceId = await aSource('RABBITMQ', 'PAUSED');
    await writeSourceState(t.pool, { id: sourceId, state: 'ERROR', lag: null, lastError: 'x', lastErrorAt: at(1), at: at(1) });
    expect(await stateOf(sourceId)).toMatchObject({ status: 'PAUSED', broker_state: 'ERROR' });
  });
});

describe('commitBrokerMessages', () => {
  const valid = (n: number): BrokerMessage => ({
    body: Buffer.from(
      JSON.stringify({
        type: 'message.received',
        data: { messageId: `wamid.batch.${n}`, from: '15551234567', contactName: 'Batch', messageType: 'text', content: { text: 'hi' }, timestamp: at(n).toISOString() },
      }),
    ),
    messageId: `batch-${n}`,
  });
  const requests = (sourceId: string) => t.rows<{ status: number; error: string | null; events: number }>('SELECT status, error, events FROM source_request WHERE source_id = $1 ORDER BY id', [sourceId]);
  const events = (accountId: string) => t.rows<{ n: number }>('SELECT count(*)::int AS n FROM event WHERE account_id = $1', [accountId]);

  it("records a batch's request once, in the statement that commits its events, with its dead letters after it", async () => {
    const accountId = await anAccount(t);
    await anEndpoint(t, accountId);
    const sourceId = await aSource('RABBITMQ');
    // The statements the commit sends, by name (it runs them on the real pool).
    const sent: string[] = [];
    const sql: Sql = {
      query: (statement, params) => (sent.push(statement.name), t.app.sql.query(statement, params)),
      execute: (statement, params) => (sent.push(statement.name), t.app.sql.execute(statement, params)),
    };
    const deps = { db: t.app.db, sql, clock: systemClock };
    const batch = [valid(1), { body: Buffer.from('{not json'), messageId: 'batch-bad' }, valid(2), valid(3)];
    const verdicts = await commitBrokerMessages(deps, { id: sourceId, accountId }, batch);
    expect(verdicts.map((v) => ('ok' in v ? 'ok' : 'poison'))).toEqual(['ok', 'poison', 'ok', 'ok']);
    expect(await events(accountId)).toEqual([{ n: 3 }]);
    // The account's routes are read; the events, their deliveries and the batch's record are one statement.
    expect(sent.sort()).toEqual(['hookwire_publish_recorded', 'hookwire_publish_routes']);
    expect(await requests(sourceId)).toEqual([
      { status: 200, error: null, events: 3 },
      { status: 400, error: expect.stringMatching(/^dead-lettered: body is not JSON/), events: 0 },
    ]);
    // A batch of poison alone: its dead letters only.
    await commitBrokerMessages(deps, { id: sourceId, accountId }, [{ body: Buffer.from('[]'), messageId: 'batch-array' }]);
    expect((await requests(sourceId)).slice(2)).toEqual([{ status: 400, error: expect.stringMatching(/^dead-lettered: body must be a JSON object/), events: 0 }]);
  });

  it('records nothing when the events do not commit', async () => {
    const sourceId = await aSource('RABBITMQ');
    // An account that is not there: the fan-out statement fails on its foreign key, after validation.
    const missing = id('acct');
    await expect(
      commitBrokerMessages({ db: t.app.db, sql: t.app.sql, clock: systemClock }, { id: sourceId, accountId: missing }, [valid(4), { body: Buffer.from('nope'), messageId: 'batch-nope' }]),
    ).rejects.toThrow(/foreign key/);
    expect(await events(missing)).toEqual([{ n: 0 }]);
    expect(await requests(sourceId)).toEqual([]);
  });
});
