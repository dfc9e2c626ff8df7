// The statements that remove a deleted account's data (src/db/sql/accounts.ts), on their own: which
// accounts wait, batches of events (with their deliveries) and endpoints (with their lanes), and
// the account row last, only once it is marked.
import { describe, expect, it } from 'vitest';
import { poolSql } from '../../src/db/sql.ts';
import { deleteAccountRows, deletedAccounts, deleteMarkedAccount } from '../../src/db/sql/accounts.ts';
import { aDelivery, anAccount, anEndpoint, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

const count = async (table: string, accountId: string) =>
  (await t.rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE account_id = $1`, [accountId]))[0]!.n;

describe('deleting an account', () => {
  it('lists the accounts marked deleted, the longest waiting first', async () => {
    const [first, second, kept] = [await anAccount(t), await anAccount(t), await anAccount(t)];
    await t.rows(`UPDATE account SET deleted_at = now() - interval '1 minute' WHERE id = $1`, [second]);
    await t.rows(`UPDATE account SET deleted_at = now() WHERE id = $1`, [first]);
    const waiting = await deletedAccounts(t.prisma, { limit: 10 });
    expect(waiting.filter((id) => [first, second, kept].includes(id))).toEqual([second, first]);
    expect(await deletedAccounts(poolSql(t.pool), { limit: 1 })).toHaveLength(1);
  });

  it('removes events with their deliveries, then endpoints with their lanes, in batches of the given size', async () => {
    const accountId = await anAccount(t);
    const other = await anAccount(t);
    const endpointId = await anEndpoint(t, accountId);
    const otherEndpoint = await anEndpoint(t, other);
    for (let i = 0; i < 3; i++) await aDelivery(t, accountId, endpointId);
    await aDelivery(t, other, otherEndpoint);
    expect(await deleteAccountRows(t.prisma, 'event', { accountId, limit: 2 })).toBe(2);
    expect(await deleteAccountRows(t.prisma, 'event', { accountId, limit: 2 })).toBe(1);
    expect(await deleteAccountRows(t.prisma, 'event', { accountId, limit: 2 })).toBe(0);
    expect(await count('delivery', accountId)).toBe(0);
    expect(await deleteAccountRows(t.prisma, 'endpoint', { accountId, limit: 2 })).toBe(1);
    expect(await t.rows('SELECT 1 FROM endpoint_lane WHERE endpoint_id = $1', [endpointId])).toEqual([]);
    // Another account's rows are untouched.
    expect([await count('event', other), await count('delivery', other), await count('endpoint', other)]).toEqual([1, 1, 1]);
  });

  it('deletes the account row only once it is marked deleted, with its keys', async () => {
    const accountId = await anAccount(t);
    await t.rows(`INSERT INTO api_key (id, account_id, key_hash, key_prefix) VALUES ($1, $2, $3, 'hk_x')`, [`key_${accountId}`, accountId, `hash-${accountId}`]);
    expect(await deleteMarkedAccount(t.prisma, { accountId })).toBe(false);
    await t.rows('UPDATE account SET deleted_at = now() WHERE id = $1', [accountId]);
    expect(await deleteMarkedAccount(t.prisma, { accountId })).toBe(true);
    expect(await t.rows('SELECT 1 FROM account WHERE id = $1', [accountId])).toEqual([]);
    expect(await count('api_key', accountId)).toBe(0);
  });
});
