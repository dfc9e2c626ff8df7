// The per-request GraphQL context, and how a request's credentials become an account.
import { GraphQLError } from 'graphql';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { isAdminKey, type ApiKeyAuthenticator } from '../domain/accounts.ts';
import type { Account } from '../generated/prisma/client.ts';
import type { Services } from '../services.ts';

export interface Auth {
  account: Account | null;
  /** The API key in use (null for the admin key and anonymous calls). */
  apiKeyId: string | null;
  isAdmin: boolean;
}

export interface Context extends Auth {
  db: Db;
  config: Readonly<Config>;
  services: Services;
  /** This process's key cache: a revocation forgets the key here at once (other processes hear NOTIFY). */
  keys: ApiKeyAuthenticator;
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** "Bearer hk_…" or a bare key (graphql-ws connectionParams are often sent without the scheme). */
export function credentialOf(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const value = header.trim();
  if (value === '') return null;
  const match = /^bearer\s+(.+)$/i.exec(value);
  return (match ? match[1]! : value).trim();
}

/**
 * No credential: anonymous (only introspection and `viewer` answer). A credential that is neither
 * a live API key nor the admin key: rejected with UNAUTHENTICATED, so a typo is never mistaken
 * for an anonymous call.
 */
export async function authenticate(keys: ApiKeyAuthenticator, config: Readonly<Config>, header: unknown): Promise<Auth> {
  const credential = credentialOf(header);
  if (credential === null) return { account: null, apiKeyId: null, isAdmin: false };
  if (isAdminKey(config.adminKey, credential)) return { account: null, apiKeyId: null, isAdmin: true };
  const found = await keys.authenticate(credential);
  if (!found) throw unauthenticated('The API key is not valid (unknown or revoked)');
  return { account: found.account, apiKeyId: found.keyId, isAdmin: false };
}
