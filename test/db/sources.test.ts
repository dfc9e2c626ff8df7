// The ingest route's statements on their own: the source an id names (and none for another id),
// and the record of its requests, which keeps each source's newest 100 and drops the rest.
import { describe, expect, it } from 'vitest';
import { ingestSource, recordSourceRequest, recordSourceRequests, RECENT_REQUESTS_KEPT } from '../../src/db/sql/sources.ts';
import { anAccount, anEndpoint, at, id, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

async function aSource(kind: 'WHATSAPP_CLOUD' | 'SIGNED_HTTP' = 'WHATSAPP_CLOUD', accountId = t.accountId): Promise<string> {
  const sourceId = id('src');
  await t.rows(
    `INSERT INTO source (id, account_id, kind, name, app_secret, verify_token, signature_header) VALUES ($1, $2, $3, 'meta', 'hwsealed:v1:k:x', 'hwsealed:v1:k:y', $4)`,
    [sourceId, accountId, kind, kind === 'SIGNED_HTTP' ? JSON.stringify({ name: 'x-sig', format: 'HEX', timestampHeader: null }) : null],
  );
  return sourceId;
}

const requestsOf = async (sourceId: string) =>
  t.rows<{ status: number; error: string | null; events: number }>('SELECT status, error, events FROM source_request WHERE source_id = $1 ORDER BY id DESC', [sourceId]);

describe('hookwire_ingest_source', () => {
  it('reads the source an id names, secrets as stored, and nothing for any other id', async () => {
    const sourceId = await aSource('SIGNED_HTTP');
    for (const runner of [t.pool, t.prisma]) {
      const row = await ingestSource(runner, { id: sourceId });
      expect(row).toMatchObject({ id: sourceId, account_id: t.accountId, kind: 'SIGNED_HTTP', status: 'ACTIVE', app_secret: 'hwsealed:v1:k:x', event_type: null });
      expect(row!.signature_header).toEqual({ name: 'x-sig', format: 'HEX', timestampHeader: null });
      expect(await ingestSource(runner, { id: id('src') })).toBeNull();
    }
  });

  it('reads the routes of the source’s account beside it (its endpoints only), in the same statement', async () => {
    const accountId = await anAccount(t);
    const sourceId = await aSource('WHATSAPP_CLOUD', accountId);
    expect((await ingestSource(t.pool, { id: sourceId }))!.routes).toEqual([]);
    const endpoint = await anEndpoint(t, accountId, { eventTypes: ['message.*'] });
    await anEndpoint(t, await anAccount(t));
    const row = await ingestSource(t.pool, { id: sourceId });
    expect(row!.routes).toEqual([{ id: endpoint, event_types: ['message.*'], session_ids: [], filter: null, version: expect.any(Number) }]);
    // The same version as publishing's own read of it: the compiled filters' cache keys on it.
    const [own] = await t.rows<{ v: number }>(`SELECT (extract(epoch FROM updated_at) * 1000)::float8 AS v FROM endpoint WHERE id = $1`, [endpoint]);
    expect(row!.routes[0]!.version).toBe(own!.v);
  });

  it('reads nothing for a source whose account is deleted (its data goes in the background)', async () => {
    const accountId = await anAccount(t);
    const sourceId = await aSource('WHATSAPP_CLOUD', accountId);
    expect(await ingestSource(t.pool, { id: sourceId })).toMatchObject({ id: sourceId });
    await t.rows('UPDATE account SET deleted_at = now() WHERE id = $1', [accountId]);
    expect(await ingestSource(t.pool, { id: sourceId })).toBeNull();
  });
});

describe('hookwire_record_source_request', () => {
  it('records what each request was answered, newest first', async () => {
    const sourceId = await aSource();
    await recordSourceRequest(t.pool, { sourceId, receivedAt: at(0), status: 200, error: null, events: 3 });
    await recordSourceRequest(t.prisma, { sourceId, receivedAt: at(1), status: 401, error: 'x-hub-signature-256 is missing', events: 0 });
    expect(await requestsOf(sourceId)).toEqual([
      { status: 401, error: 'x-hub-signature-256 is missing', events: 0 },
      { status: 200, error: null, events: 3 },
    ]);
  });

  it(`keeps the newest ${RECENT_REQUESTS_KEPT} of a source and leaves other sources' alone`, async () => {
    const busy = await aSource();
    const quiet = await aSource();
    await recordSourceRequest(t.pool, { sourceId: quiet, receivedAt: at(0), status: 200, error: null, events: 1 });
    for (let i = 0; i < RECENT_REQUESTS_KEPT + 30; i++) {
      await recordSourceRequest(t.pool, { sourceId: busy, receivedAt: at(i), status: 200, error: null, events: i });
    }
    const kept = await requestsOf(busy);
    expect(kept).toHaveLength(RECENT_REQUESTS_KEPT);
    expect(kept[0]!.events).toBe(RECENT_REQUESTS_KEPT + 29);
    expect(kept.at(-1)!.events).toBe(30);
    expect(await requestsOf(quiet)).toHaveLength(1);
  });

  it('records several requests of one moment in their order (a broker batch and its dead letters), keeping the newest of them and of the older ones', async () => {
    const sourceId = await aSource();
    for (const runner of [t.pool, t.prisma]) {
      await recordSourceRequests(runner, {
        sourceId,
        receivedAt: at(0),
        answers: [
          { status: 200, error: null, events: 2 },
          { status: 400, error: 'dead-lettered: a', events: 0 },
        ],
      });
    }
    expect(await requestsOf(sourceId)).toEqual([
      { status: 400, error: 'dead-lettered: a', events: 0 },
      { status: 200, error: null, events: 2 },
      { status: 400, error: 'dead-lettered: a', events: 0 },
      { status: 200, error: null, events: 2 },
    ]);
    // n new rows keep RECENT_REQUESTS_KEPT - n of the older ones; more than the bound keep only the newest new ones.
    const answers = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ status: 400, error: null, events: from + i }));
    await recordSourceRequests(t.pool, { sourceId, receivedAt: at(1), answers: answers(100, RECENT_REQUESTS_KEPT - 3) });
    const kept = await requestsOf(sourceId);
    expect(kept).toHaveLength(RECENT_REQUESTS_KEPT);
    expect(kept.slice(-3).map((r) => r.events)).toEqual([0, 2, 0]);
    await recordSourceRequests(t.pool, { sourceId, receivedAt: at(2), answers: answers(1000, RECENT_REQUESTS_KEPT + 5) });
    const flooded = await requestsOf(sourceId);
    expect(flooded).toHaveLength(RECENT_REQUESTS_KEPT);
    expect(flooded[0]!.events).toBe(1000 + RECENT_REQUESTS_KEPT + 4);
    expect(flooded.at(-1)!.events).toBe(1005);
  });

  it('goes with its source', async () => {
    const sourceId = await aSource();
    await recordSourceRequest(t.pool, { sourceId, receivedAt: at(0), status: 200, error: null, events: 1 });
    await t.rows('DELETE FROM source WHERE id = $1', [sourceId]);
    expect(await requestsOf(sourceId)).toHaveLength(0);
  });
});
