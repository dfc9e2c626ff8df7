// Portal sessions (issue 17): a link's token is exchanged once for a session credential, and the
// credential is looked up on every request (no cache: a revocation or expiry holds at once).
import { statement, type Sql } from '../sql.ts';

export interface PortalSessionRow {
  id: string;
  accountId: string;
  expiresAt: Date;
  readOnly: boolean;
  features: Record<string, boolean>;
  theme: Record<string, unknown>;
}

const COLUMNS = `id, account_id AS "accountId", expires_at AS "expiresAt", read_only AS "readOnly", features, theme`;

export const INSERT_PORTAL_SESSION = statement<
  { id: string; accountId: string; tokenHash: string; expiresAt: Date; readOnly: boolean; features: Record<string, boolean>; theme: Record<string, unknown> },
  PortalSessionRow,
  { id: string; accountId: string; tokenHash: string; expiresAt: Date; readOnly: boolean; features: string; theme: string }
>(
  'hookwire_insert_portal_session',
  ($) => `
    INSERT INTO portal_session (id, account_id, token_hash, expires_at, read_only, features, theme)
    VALUES (${$.id}, ${$.accountId}, ${$.tokenHash}, ${$.expiresAt}, ${$.readOnly}, ${$.features}::jsonb, ${$.theme}::jsonb)
    RETURNING ${COLUMNS}`,
  (p) => ({ ...p, features: JSON.stringify(p.features), theme: JSON.stringify(p.theme) }),
);

export async function insertPortalSession(sql: Sql, params: Parameters<typeof INSERT_PORTAL_SESSION.values>[0]): Promise<PortalSessionRow> {
  const [row] = await sql.query(INSERT_PORTAL_SESSION, params);
  return row!;
}

/** Why a token cannot be exchanged, or null when it was (the session is in `session`). */
export type ExchangeRefusal = 'unknown' | 'used' | 'expired' | 'revoked';

export const EXCHANGE_PORTAL_TOKEN = statement<
  { tokenHash: string; sessionHash: string; now: Date },
  PortalSessionRow & { exchanged: boolean; used: boolean; expired: boolean; revoked: boolean }
>(
  'hookwire_exchange_portal_token',
  // One statement: of two concurrent exchanges of one token, exactly one sets exchanged_at.
  ($) => `
    WITH won AS (
      UPDATE portal_session s SET exchanged_at = ${$.now}, session_hash = ${$.sessionHash}
      FROM account a
      WHERE s.token_hash = ${$.tokenHash} AND s.exchanged_at IS NULL AND s.revoked_at IS NULL
        AND s.expires_at > ${$.now} AND a.id = s.account_id AND a.status = 'ACTIVE' AND a.deleted_at IS NULL
      RETURNING s.id
    )
    SELECT s.id, s.account_id AS "accountId", s.expires_at AS "expiresAt", s.read_only AS "readOnly", s.features, s.theme,
           EXISTS (SELECT 1 FROM won) AS exchanged,
           s.exchanged_at IS NOT NULL AS used,
           s.expires_at <= ${$.now} AS expired,
           (s.revoked_at IS NOT NULL OR a.status <> 'ACTIVE' OR a.deleted_at IS NOT NULL) AS revoked
    FROM portal_session s JOIN account a ON a.id = s.account_id
    WHERE s.token_hash = ${$.tokenHash}`,
);

/** Exchanges a link's token once: the session, or why not. */
export async function exchangePortalToken(
  sql: Sql,
  params: { tokenHash: string; sessionHash: string; now: Date },
): Promise<{ session: PortalSessionRow } | { refused: ExchangeRefusal }> {
  const [row] = await sql.query(EXCHANGE_PORTAL_TOKEN, params);
  if (!row) return { refused: 'unknown' };
  const { exchanged, used, expired, revoked, ...session } = row;
  if (exchanged) return { session };
  // The snapshot the statement read is before its own update: a lost race reads as used too.
  if (revoked) return { refused: 'revoked' };
  if (used) return { refused: 'used' };
  if (expired) return { refused: 'expired' };
  return { refused: 'used' };
}

export const LIVE_PORTAL_SESSION = statement<{ sessionHash: string; now: Date }, PortalSessionRow>(
  'hookwire_live_portal_session',
  ($) => `
    SELECT s.id, s.account_id AS "accountId", s.expires_at AS "expiresAt", s.read_only AS "readOnly", s.features, s.theme
    FROM portal_session s JOIN account a ON a.id = s.account_id
    WHERE s.session_hash = ${$.sessionHash} AND s.revoked_at IS NULL AND s.expires_at > ${$.now}
      AND a.status = 'ACTIVE' AND a.deleted_at IS NULL`,
);

/** The live session of a credential (exchanged, not expired, not revoked, of an active account), or null. */
export async function livePortalSession(sql: Sql, params: { sessionHash: string; now: Date }): Promise<PortalSessionRow | null> {
  const [row] = await sql.query(LIVE_PORTAL_SESSION, params);
  return row ?? null;
}

export const REVOKE_PORTAL_SESSIONS = statement<{ accountId: string; now: Date }, { n: number }>(
  'hookwire_revoke_portal_sessions',
  ($) => `
    WITH gone AS (
      UPDATE portal_session SET revoked_at = ${$.now}
      WHERE account_id = ${$.accountId} AND revoked_at IS NULL AND expires_at > ${$.now}
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM gone`,
);

/** Revokes every live session (and unused link) of the account; returns how many. */
export async function revokePortalSessions(sql: Sql, params: { accountId: string; now: Date }): Promise<number> {
  const [row] = await sql.query(REVOKE_PORTAL_SESSIONS, params);
  return row?.n ?? 0;
}
