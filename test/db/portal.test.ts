// The portal statements (src/db/sql/portal.ts) on their own: a link's token is exchanged once (of
// two concurrent exchanges exactly one wins), never when expired, revoked or of a disabled account;
// a session is live until it expires or is revoked; revoking counts the account's live sessions.
import { describe, expect, it } from 'vitest';
import { poolSql } from '../../src/db/sql.ts';
import { exchangePortalToken, insertPortalSession, livePortalSession, revokePortalSessions } from '../../src/db/sql/portal.ts';
import { anAccount, at, id, useStatementDb } from './fixtures.ts';

const t = useStatementDb();

async function aLink(accountId: string, expiresAt = at(3600)) {
  const tokenHash = id('token');
  const row = await insertPortalSession(t.prisma, {
    id: id('ps'),
    accountId,
    tokenHash,
    expiresAt,
    readOnly: true,
    features: { secrets: false, transformations: true, customHeaders: true, filters: true },
    theme: { productName: 'Acme' },
  });
  return { row, tokenHash };
}

describe('portal sessions', () => {
  it('stores a link with its switches and theme', async () => {
    const { row } = await aLink(t.accountId);
    expect(row).toMatchObject({ accountId: t.accountId, readOnly: true, expiresAt: at(3600), features: { secrets: false }, theme: { productName: 'Acme' } });
  });

  it('exchanges a token once: the second exchange, even a concurrent one, is refused as used', async () => {
    const { tokenHash } = await aLink(t.accountId);
    const tries = await Promise.all(
      [1, 2, 3].map((n) => exchangePortalToken(n === 2 ? poolSql(t.pool) : t.prisma, { tokenHash, sessionHash: id('session'), now: at(10) })),
    );
    expect(tries.filter((r) => 'session' in r)).toHaveLength(1);
    expect(tries.filter((r) => 'refused' in r).map((r) => ('refused' in r ? r.refused : null))).toEqual(['used', 'used']);
    expect(await exchangePortalToken(t.prisma, { tokenHash, sessionHash: id('session'), now: at(20) })).toEqual({ refused: 'used' });
  });

  it('refuses an unknown, expired or revoked token, and a disabled account\'s', async () => {
    expect(await exchangePortalToken(t.prisma, { tokenHash: 'nothing', sessionHash: id('s'), now: at(0) })).toEqual({ refused: 'unknown' });
    const expired = await aLink(t.accountId, at(60));
    expect(await exchangePortalToken(t.prisma, { tokenHash: expired.tokenHash, sessionHash: id('s'), now: at(60) })).toEqual({ refused: 'expired' });
    const other = await anAccount(t);
    const revoked = await aLink(other);
    expect(await revokePortalSessions(t.prisma, { accountId: other, now: at(0) })).toBe(1);
    expect(await exchangePortalToken(t.prisma, { tokenHash: revoked.tokenHash, sessionHash: id('s'), now: at(1) })).toEqual({ refused: 'revoked' });
    const disabled = await anAccount(t);
    const held = await aLink(disabled);
    await t.rows(`UPDATE account SET status = 'DISABLED' WHERE id = $1`, [disabled]);
    expect(await exchangePortalToken(t.prisma, { tokenHash: held.tokenHash, sessionHash: id('s'), now: at(1) })).toEqual({ refused: 'revoked' });
  });

  it('finds a session by its credential until it expires or is revoked', async () => {
    const accountId = await anAccount(t);
    const { tokenHash, row } = await aLink(accountId, at(600));
    const sessionHash = id('session');
    expect(await livePortalSession(t.prisma, { sessionHash, now: at(1) })).toBeNull();
    await exchangePortalToken(t.prisma, { tokenHash, sessionHash, now: at(1) });
    expect(await livePortalSession(poolSql(t.pool), { sessionHash, now: at(2) })).toMatchObject({ id: row.id, accountId });
    expect(await livePortalSession(t.prisma, { sessionHash, now: at(600) })).toBeNull();
    expect(await revokePortalSessions(t.prisma, { accountId, now: at(3) })).toBe(1);
    expect(await livePortalSession(t.prisma, { sessionHash, now: at(4) })).toBeNull();
    // Already revoked (or expired) sessions are not counted again.
    expect(await revokePortalSessions(t.prisma, { accountId, now: at(5) })).toBe(0);
  });
});
