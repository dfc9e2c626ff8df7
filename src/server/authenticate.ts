// How a request's credentials become its caller (schema/context.ts): an API key, the admin key
// (as itself, or acting for one account with Hookwire-Account), or no one. What each caller may
// then do is the schema's to say (schema/auth.ts).
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { findAccount, isAdminKey, type ApiKeyAuthenticator } from '../domain/accounts.ts';
import { isPortalCredential, portalSessionOf } from '../domain/portal.ts';
import { forbidden, unauthenticated } from '../schema/auth.ts';
import type { Caller } from '../schema/context.ts';

/** "Bearer hk_…" or a bare key (graphql-ws connectionParams are often sent without the scheme). */
export function credentialOf(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const value = header.trim();
  if (value === '') return null;
  const match = /^bearer\s+(.+)$/i.exec(value);
  return (match ? match[1]! : value).trim();
}

/** The Hookwire-Account header's value (an account id or externalId), or null when absent or blank. */
export function accountRefOf(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const value = header.trim();
  return value === '' ? null : value;
}

/**
 * No credential: anonymous (the fields for anyone answer; the others say how to authenticate). A
 * credential that is neither a live API key nor the admin key: rejected with UNAUTHENTICATED, so
 * a typo is never mistaken for an anonymous call. Hookwire-Account makes the admin key act for
 * that account; an account that does not exist, or is disabled, is refused as an unknown key is.
 * With an account's own key the header may only name that account. A portal session credential
 * (hkps_…) is the account's dashboard, read-only or with features off, until it expires or is revoked.
 */
export async function authenticate(
  keys: ApiKeyAuthenticator,
  config: Readonly<Config>,
  credential: string | null,
  accountRef: string | null = null,
  db?: Db,
): Promise<Caller> {
  if (credential === null) {
    if (accountRef !== null) throw unauthenticated('Hookwire-Account is for the admin key: send it with "Authorization: Bearer <HOOKWIRE_ADMIN_KEY>"');
    return { kind: 'anonymous' };
  }
  if (isAdminKey(config.adminKey, credential)) {
    if (accountRef === null) return { kind: 'admin' };
    const account = db ? await findAccount(db, accountRef) : null;
    if (!account) throw unauthenticated(`Hookwire-Account: no account has the id or externalId ${JSON.stringify(accountRef.slice(0, 200))}`);
    if (account.status !== 'ACTIVE') throw unauthenticated(`Hookwire-Account: the account ${account.id} is disabled (enableAccount makes it active again)`);
    return { kind: 'adminForAccount', account };
  }
  if (isPortalCredential(credential)) {
    // Looked up on every request (no cache): a revoked or expired session stops at once everywhere.
    const session = db ? await portalSessionOf(db, credential, new Date()) : null;
    const account = session && db ? await findAccount(db, session.accountId) : null;
    if (!session || !account || account.status !== 'ACTIVE') {
      throw unauthenticated('The portal session has ended (expired or revoked): open a new portal link');
    }
    if (accountRef !== null && accountRef !== account.id && accountRef !== account.externalId) {
      throw forbidden('Forbidden: a portal session acts for its own account only');
    }
    return { kind: 'portal', account, sessionId: session.id, expiresAt: session.expiresAt, readOnly: session.readOnly, features: session.features };
  }
  const found = await keys.authenticate(credential);
  if (!found) throw unauthenticated('The API key is not valid (unknown, revoked, or of a disabled account)');
  if (accountRef !== null && accountRef !== found.account.id && accountRef !== found.account.externalId) {
    throw forbidden("Forbidden: an account's API key acts for its own account only; Hookwire-Account with another account is for the admin key");
  }
  return { kind: 'apiKey', account: found.account, apiKeyId: found.keyId, keyHash: found.keyHash };
}
