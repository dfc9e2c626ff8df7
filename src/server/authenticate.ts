// How a request's credentials become its caller (schema/context.ts): an API key, the admin key,
// or no one. What each caller may then do is the schema's to say (schema/auth.ts).
import type { Config } from '../config.ts';
import { isAdminKey, type ApiKeyAuthenticator } from '../domain/accounts.ts';
import { unauthenticated } from '../schema/auth.ts';
import type { Caller } from '../schema/context.ts';

/** "Bearer hk_…" or a bare key (graphql-ws connectionParams are often sent without the scheme). */
export function credentialOf(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const value = header.trim();
  if (value === '') return null;
  const match = /^bearer\s+(.+)$/i.exec(value);
  return (match ? match[1]! : value).trim();
}

/**
 * No credential: anonymous (the fields for anyone answer; the others say how to authenticate). A
 * credential that is neither a live API key nor the admin key: rejected with UNAUTHENTICATED, so
 * a typo is never mistaken for an anonymous call.
 */
export async function authenticate(keys: ApiKeyAuthenticator, config: Readonly<Config>, credential: string | null): Promise<Caller> {
  if (credential === null) return { kind: 'anonymous' };
  if (isAdminKey(config.adminKey, credential)) return { kind: 'admin' };
  const found = await keys.authenticate(credential);
  if (!found) throw unauthenticated('The API key is not valid (unknown or revoked)');
  return { kind: 'apiKey', account: found.account, apiKeyId: found.keyId };
}
