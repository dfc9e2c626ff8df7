// What a resolver gets with each request: who is calling (the caller the scopes of auth.ts read),
// the account it acts for, and what an API process holds. The server builds it (server/http.ts);
// the schema declares it, so the schema imports nothing of the server.
import type { Repeater } from '@graphql-yoga/subscription';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { AttemptNotice, EndpointStatusNotice } from '../domain/notify.ts';
import type { Account } from '../generated/prisma/client.ts';
import type { Services } from '../services.ts';
import type { Feature } from './auth.ts';

/**
 * Who sent the request, as the server authenticated it. The platform work (issue 17) adds the
 * admin key acting for one account (`Hookwire-Account`) and portal sessions, read-only or with
 * features off; each kind says what it may do through the scopes of auth.ts, never in a resolver.
 */
export type Caller =
  | { kind: 'anonymous' }
  /** The deployment's admin key (HOOKWIRE_ADMIN_KEY), acting for no account. */
  | { kind: 'admin' }
  /** The admin key acting for one account (`Hookwire-Account: <id or externalId>`), exactly as its key would. */
  | { kind: 'adminForAccount'; account: Account }
  | { kind: 'apiKey'; account: Account; apiKeyId: string; keyHash: string }
  /** A portal session (a link exchanged at /portal/exchange): the account's dashboard for its customer, until it expires or is revoked. */
  | { kind: 'portal'; account: Account; sessionId: string; expiresAt: Date; readOnly: boolean; features: Record<Feature, boolean> };

/** Live notices for subscriptions, one topic per account (server/pubsub.ts implements it). */
export type Topics = {
  attempt: [accountId: string, notice: AttemptNotice];
  endpointStatus: [accountId: string, notice: EndpointStatusNotice];
};

export interface HookwirePubSub {
  /** The notices of one topic for one account, until the returned iterator is closed. */
  subscribe<T extends keyof Topics>(topic: T, accountId: string): Repeater<Topics[T][1]>;
}

/** What an API process holds beside what every process holds: a worker process has none of it. */
export interface ApiServices extends Services {
  pubsub: HookwirePubSub;
  /** This process's key cache: a revocation forgets the key here at once (other processes hear NOTIFY). */
  keys: { forget(keyHash: string): void; forgetAccount(accountId: string): void };
  /** Where senders and customers reach this API (HOOKWIRE_PUBLIC_URL, else its own address): ingest URLs and portal links start with it. */
  publicUrl(): string;
}

export interface Context {
  caller: Caller;
  /**
   * The account the caller acts for; null for anonymous callers and the admin key without
   * Hookwire-Account. A resolver
   * reads it from a context its field's scope narrowed (AccountContext), never checks it itself.
   */
  account: Account | null;
  db: Db;
  config: Readonly<Config>;
  services: ApiServices;
}

/** The context of a field whose scope (readAccount, writeAccount) passed: it acts for one account. */
export interface AccountContext extends Context {
  account: Account;
}

/** The context of a request: the caller and the account it acts for. */
export function contextOf(caller: Caller, services: ApiServices): Context {
  const account = caller.kind === 'apiKey' || caller.kind === 'adminForAccount' || caller.kind === 'portal' ? caller.account : null;
  return { caller, account, db: services.db, config: services.config, services };
}
