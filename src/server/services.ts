// What the API process holds for its whole life and hands to every request: the database, the
// configuration and the long-lived helpers the schema's resolvers need.
import type { Config } from '../config.ts';
import type { Dispatcher } from 'undici';
import type { Db } from '../db/client.ts';
import type { HookwirePubSub } from './pubsub.ts';

export interface Services {
  db: Db;
  config: Readonly<Config>;
  /** The one pooled, SSRF-guarded HTTP client for deliveries and URL verification. */
  dispatcher: Dispatcher;
  /** Live notifications for subscriptions; present in API processes. */
  pubsub?: HookwirePubSub;
}
