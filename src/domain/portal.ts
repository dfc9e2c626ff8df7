// Portal sessions (issue 17): a link that opens one account's dashboard for its customer, read-only
// or with parts turned off. The link carries a random token in its fragment (never sent to a server,
// so never in a log); the page exchanges it once for a session credential. Only hashes are stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { prismaSql } from '../db/sql.ts';
import { CHANNELS, notify } from '../db/sql/notify.ts';
import {
  exchangePortalToken,
  insertPortalSession,
  livePortalSession,
  revokePortalSessions as revokeSessions,
  type ExchangeRefusal,
  type PortalSessionRow,
} from '../db/sql/portal.ts';
import { PORTAL_LIMITS } from '../limits.ts';
import { hasNul, NUL_MESSAGE, ValidationError } from './errors.ts';

/** A link's token: exchanged once, at /portal/exchange. */
export const PORTAL_TOKEN_PREFIX = 'hkpt_';
/** A session credential: sent as "Authorization: Bearer hkps_…" like an API key. */
export const PORTAL_SESSION_PREFIX = 'hkps_';

export const PORTAL_FEATURES = ['secrets', 'transformations', 'customHeaders', 'filters'] as const;
export type PortalFeature = (typeof PORTAL_FEATURES)[number];
export type PortalFeatures = Record<PortalFeature, boolean>;

export interface PortalTheme {
  productName?: string;
  logoUrl?: string;
  primaryColor?: string;
  dark?: boolean;
}

export interface PortalSessionInput {
  expiresInSeconds?: number | null;
  readOnly?: boolean | null;
  features?: Partial<Record<PortalFeature, boolean | null>> | null;
  theme?: { productName?: string | null; logoUrl?: string | null; primaryColor?: string | null; dark?: boolean | null } | null;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const secret = (prefix: string) => prefix + randomBytes(32).toString('base64url');

/** A CSS colour the page may put in a style: hex, or rgb()/hsl() of digits, or a plain colour name. */
const COLOUR = /^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([0-9.,%\s/]+\)|[a-z]{3,30})$/i;

function themeOf(input: PortalSessionInput['theme']): PortalTheme {
  const theme: PortalTheme = {};
  if (!input) return theme;
  const text = (value: string | null | undefined, field: string, max: number) => {
    const trimmed = value?.trim() ?? '';
    if (trimmed === '') return undefined;
    if (trimmed.length > max) throw ValidationError.field(['input', 'theme', field], `must be at most ${max} characters`);
    if (hasNul(trimmed)) throw ValidationError.field(['input', 'theme', field], NUL_MESSAGE);
    return trimmed;
  };
  const productName = text(input.productName, 'productName', PORTAL_LIMITS.productNameMax);
  if (productName) theme.productName = productName;
  const logoUrl = text(input.logoUrl, 'logoUrl', PORTAL_LIMITS.logoUrlMax);
  if (logoUrl) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(logoUrl);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw ValidationError.field(['input', 'theme', 'logoUrl'], 'must be an http:// or https:// URL');
    }
    theme.logoUrl = parsed.href;
  }
  const primaryColor = text(input.primaryColor, 'primaryColor', 64);
  if (primaryColor) {
    if (!COLOUR.test(primaryColor)) throw ValidationError.field(['input', 'theme', 'primaryColor'], 'must be a CSS colour, e.g. #3b5bdb');
    theme.primaryColor = primaryColor;
  }
  if (input.dark != null) theme.dark = input.dark;
  return theme;
}

/**
 * A new portal link for the account: its URL (the token in the fragment), when it expires, and
 * whether it is read-only. Bad input is refused with a ValidationError and nothing is stored.
 */
export async function createPortalSession(
  db: Db,
  accountId: string,
  input: PortalSessionInput,
  now: Date,
  publicUrl: string,
): Promise<{ url: string; expiresAt: Date; readOnly: boolean }> {
  const seconds = input.expiresInSeconds ?? PORTAL_LIMITS.expiresInSecondsDefault;
  if (!Number.isInteger(seconds) || seconds < PORTAL_LIMITS.expiresInSecondsMin || seconds > PORTAL_LIMITS.expiresInSecondsMax) {
    throw ValidationError.field(
      ['input', 'expiresInSeconds'],
      `must be from ${PORTAL_LIMITS.expiresInSecondsMin} (5 minutes) to ${PORTAL_LIMITS.expiresInSecondsMax} (7 days) seconds`,
    );
  }
  const features = Object.fromEntries(PORTAL_FEATURES.map((f) => [f, input.features?.[f] ?? true])) as PortalFeatures;
  const theme = themeOf(input.theme);
  const token = secret(PORTAL_TOKEN_PREFIX);
  const row = await insertPortalSession(prismaSql(db), {
    id: newId('PortalSession'),
    accountId,
    tokenHash: hash(token),
    expiresAt: new Date(now.getTime() + seconds * 1000),
    readOnly: input.readOnly ?? false,
    features,
    theme: theme as Record<string, unknown>,
  });
  return { url: `${publicUrl}/portal#token=${token}`, expiresAt: row.expiresAt, readOnly: row.readOnly };
}

export interface PortalSession {
  id: string;
  accountId: string;
  expiresAt: Date;
  readOnly: boolean;
  features: PortalFeatures;
  theme: PortalTheme;
}

const sessionOf = (row: PortalSessionRow): PortalSession => ({
  id: row.id,
  accountId: row.accountId,
  expiresAt: row.expiresAt,
  readOnly: row.readOnly,
  features: Object.fromEntries(PORTAL_FEATURES.map((f) => [f, row.features[f] !== false])) as PortalFeatures,
  theme: row.theme as PortalTheme,
});

export const EXCHANGE_REFUSALS: Record<ExchangeRefusal, string> = {
  unknown: 'This portal link is not valid.',
  used: 'This portal link was already used. Ask for a new link.',
  expired: 'This portal link has expired. Ask for a new link.',
  revoked: 'This portal link was revoked. Ask for a new link.',
};

/** Exchanges a link's token for a session credential, once; a second time, why not. */
export async function exchangePortalLink(
  db: Db,
  token: string,
  now: Date,
): Promise<{ credential: string; session: PortalSession } | { refused: ExchangeRefusal; message: string }> {
  if (!token.startsWith(PORTAL_TOKEN_PREFIX) || token.length > 200) return { refused: 'unknown', message: EXCHANGE_REFUSALS.unknown };
  const credential = secret(PORTAL_SESSION_PREFIX);
  const result = await exchangePortalToken(prismaSql(db), { tokenHash: hash(token), sessionHash: hash(credential), now });
  if ('refused' in result) return { refused: result.refused, message: EXCHANGE_REFUSALS[result.refused] };
  return { credential, session: sessionOf(result.session) };
}

export const isPortalCredential = (credential: string) => credential.startsWith(PORTAL_SESSION_PREFIX);

/** The live session of a credential, or null (unknown, expired, revoked, or its account disabled). */
export async function portalSessionOf(db: Db, credential: string, now: Date): Promise<PortalSession | null> {
  const row = await livePortalSession(prismaSql(db), { sessionHash: hash(credential), now });
  return row ? sessionOf(row) : null;
}

/** Ends every session and unused link of the account, in every API process (NOTIFY closes their sockets). */
export async function revokePortalSessions(db: Db, accountId: string, now: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    const revoked = await revokeSessions(prismaSql(tx), { accountId, now });
    await notify(prismaSql(tx), { channel: CHANNELS.portalRevoked, payload: accountId });
    return revoked;
  });
}
