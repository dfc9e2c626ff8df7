// The source runner's statements on their own: the broker sources listed (paused ones too, HTTP
// kinds never), and the state a worker writes, which moves the status with it unless paused.
import { describe, expect, it } from 'vitest';
import { brokerSources, writeSourceState } from '../../src/db/sql/broker-sources.ts';
import { at, id, useStatementDb } from './fixtures.ts';

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
