// Publishing's statements (src/db/sql/publish.ts) on their own: the routes and custom types read
// before a fan-out, the fan-out (events, one delivery per endpoint given, the ACTIVE ones' lanes
// woken, idempotency keys), and the events holding repeated keys.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { poolSql } from '../../src/db/sql.ts';
import { customTypes, endpointRoute, endpointRoutes, fanOut, firstEvents, type EventToStore } from '../../src/db/sql/publish.ts';
import { anAccount, anEndpoint, id, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

const now = new Date('2026-12-02T10:00:00Z');
const later = new Date(now.getTime() + 86_400_000);

function anInput(key: string | null = null): EventToStore {
  const eventId = id('evt');
  return { id: eventId, type: 'message.received', sessionId: 's1', data: { text: 'hi' }, payload: JSON.stringify({ id: eventId }), idempotencyKey: key };
}

describe('endpointRoutes, endpointRoute, customTypes', () => {
  it('reads the account’s endpoints but one, one endpoint of the account only, and its custom types', async () => {
    const accountId = await anAccount(t);
    const other = await anAccount(t);
    const [a, b] = [await anEndpoint(t, accountId, { eventTypes: ['message.*'] }), await anEndpoint(t, accountId)];
    const foreign = await anEndpoint(t, other);

    const routes = await endpointRoutes(t.app.sql, { accountId, excludeEndpointId: b });
    expect(routes).toEqual([{ id: a, event_types: ['message.*'], session_ids: [], filter: null, version: expect.any(Number) }]);
    expect((await endpointRoutes(t.prisma, { accountId, excludeEndpointId: '' })).map((r) => r.id).sort()).toEqual([a, b].sort());
    expect(await endpointRoute(t.app.sql, { accountId, endpointId: foreign })).toEqual([]);
    expect((await endpointRoute(t.app.sql, { accountId, endpointId: a }))[0]!.id).toBe(a);

    await t.rows(
      `INSERT INTO event_type (account_id, name, description, schema, example, archived_at) VALUES
       ($1, 'order.paid', 'd', '{"type":"object"}', '{}', NULL), ($1, 'order.old', 'd', '{}', '{}', now())`,
      [accountId],
    );
    const types = await customTypes(t.app.sql, { accountId, names: ['order.paid', 'order.old', 'order.none'] });
    expect(types.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'order.old', schema: {}, example: {}, archived: true, version: expect.any(Number) },
      { name: 'order.paid', schema: { type: 'object' }, example: {}, archived: false, version: expect.any(Number) },
    ]);
    expect(await customTypes(t.app.sql, { accountId: other, names: ['order.paid'] })).toEqual([]);
  });
});

describe('fanOut', () => {
  it('stores the events and a delivery per endpoint given: ACTIVE ones due now with their lanes woken, held ones unscheduled', async () => {
    const accountId = await anAccount(t);
    const active = await anEndpoint(t, accountId);
    const paused = await anEndpoint(t, accountId, { status: 'PAUSED' });
    const foreign = await anEndpoint(t, await anAccount(t));
    const event = anInput();
    const deliveries = [active, paused, foreign, 'ep_gone'].map((endpointId) => ({ id: id('dlv'), eventId: event.id, endpointId, eventType: event.type }));

    const { created, delivered } = await fanOut(t.app.sql, { accountId, now, keysExpireAt: later, events: [event], deliveries });
    expect([...created]).toEqual([event.id]);
    expect([...delivered].sort()).toEqual([deliveries[0]!.id, deliveries[1]!.id].sort());

    const [stored] = await t.rows('SELECT account_id, type, session_id, data, payload, created_at FROM event WHERE id = $1', [event.id]);
    expect(stored).toEqual({ account_id: accountId, type: 'message.received', session_id: 's1', data: { text: 'hi' }, payload: event.payload, created_at: now });
    const rows = await t.rows('SELECT endpoint_id, status, next_attempt_at FROM delivery WHERE event_id = $1', [event.id]);
    expect(Object.fromEntries(rows.map((r) => [r.endpoint_id, r.next_attempt_at]))).toEqual({ [active]: now, [paused]: null });
    const lanes = await t.rows('SELECT endpoint_id, ready_at FROM endpoint_lane WHERE endpoint_id = ANY($1)', [[active, paused]]);
    expect(Object.fromEntries(lanes.map((l) => [l.endpoint_id, l.ready_at]))).toEqual({ [active]: now, [paused]: null });
  });

  it('stores nothing for an event whose idempotency key is live, and takes over an expired one', async () => {
    const accountId = await anAccount(t);
    const first = anInput('k1');
    await fanOut(t.prisma, { accountId, now, keysExpireAt: later, events: [first], deliveries: [] });

    const repeat = anInput('k1');
    const within = await fanOut(t.prisma, { accountId, now: new Date(now.getTime() + 1000), keysExpireAt: later, events: [repeat], deliveries: [] });
    expect([...within.created]).toEqual([]);
    expect(await firstEvents(t.app.sql, { accountId, keys: ['k1'] })).toEqual(
      new Map([['k1', { id: first.id, accountId, type: 'message.received', sessionId: 's1', data: { text: 'hi' }, payload: first.payload, createdAt: now }]]),
    );

    const after = anInput('k1');
    const expired = await fanOut(t.prisma, { accountId, now: new Date(later.getTime() + 1), keysExpireAt: new Date(later.getTime() + 86_400_000), events: [after], deliveries: [] });
    expect([...expired.created]).toEqual([after.id]);
    expect((await firstEvents(t.app.sql, { accountId, keys: ['k1'] })).get('k1')!.id).toBe(after.id);
  });

  it('records the source request it publishes for in its own transaction: with the events, or not at all', async () => {
    const accountId = await anAccount(t);
    const endpoint = await anEndpoint(t, accountId);
    const sourceId = id('src');
    await t.rows(`INSERT INTO source (id, account_id, kind, name, app_secret, verify_token) VALUES ($1, $2, 'WHATSAPP_CLOUD', 'meta', 'a', 'v')`, [sourceId, accountId]);
    const requests = () => t.rows('SELECT status, error, events, received_at FROM source_request WHERE source_id = $1 ORDER BY id', [sourceId]);
    const record = { sourceId, receivedAt: now, answers: [{ status: 200, error: null, events: 1 }] };

    const event = anInput();
    const delivery = { id: id('dlv'), eventId: event.id, endpointId: endpoint, eventType: event.type };
    const stored = await fanOut(t.app.sql, { accountId, now, keysExpireAt: later, events: [event], deliveries: [delivery], record });
    expect([...stored.delivered]).toEqual([delivery.id]);
    expect(await requests()).toEqual([{ status: 200, error: null, events: 1, received_at: now }]);

    // The same event id again: the statement fails whole, and the request is not recorded accepted.
    await expect(fanOut(t.app.sql, { accountId, now, keysExpireAt: later, events: [event], deliveries: [], record })).rejects.toThrow(/duplicate key/);
    expect(await requests()).toHaveLength(1);
  });

  it('plans its foreign-key checks generic for its own transaction only: the connection is left as it was', async () => {
    const accountId = await anAccount(t);
    const endpoint = await anEndpoint(t, accountId);
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    try {
      const mode = async () => (await client.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]!.plan_cache_mode;
      const one = () => {
        const event = anInput();
        return { accountId, now, keysExpireAt: later, events: [event], deliveries: [{ id: id('dlv'), eventId: event.id, endpointId: endpoint, eventType: event.type }] };
      };
      expect(await mode()).toBe('auto');
      // Autocommit: the setting ends with the statement's own transaction.
      expect((await fanOut(poolSql(client), one())).created.size).toBe(1);
      expect(await mode()).toBe('auto');
      // In a caller's transaction: until it ends.
      await client.query('BEGIN');
      expect((await fanOut(poolSql(client), one())).created.size).toBe(1);
      expect(await mode()).toBe('force_generic_plan');
      await client.query('COMMIT');
      expect(await mode()).toBe('auto');
    } finally {
      await client.end();
    }
  });

  it('answers no keys without asking the database, and another account’s key with nothing', async () => {
    expect(await firstEvents(t.app.sql, { accountId: 'acct_none', keys: [] })).toEqual(new Map());
    expect(await firstEvents(t.app.sql, { accountId: 'acct_none', keys: ['k1'] })).toEqual(new Map());
  });
});
