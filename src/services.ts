// What every process holds for its whole life and hands to the API's resolvers and to the worker:
// the database, the configuration, the clock and the long-lived helpers. What
// only an API process holds (subscriptions' notices, its key cache) is the API's: schema/context.ts.
import type { Dispatcher } from 'undici';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { Sealer } from './db/sealer.ts';
import type { Sql } from './db/sql.ts';
import type { Clock } from './domain/clock.ts';
import type { Transformer } from './delivery/transform.ts';

export interface Services {
  db: Db;
  /** Hot-path statements on the same pool as db (db/sql.ts). */
  sql: Sql;
  config: Readonly<Config>;
  clock: Clock;
  /** The one pooled, SSRF-guarded HTTP client for deliveries and URL verification. */
  dispatcher: Dispatcher;
  /** Seals and opens secrets at rest (db/sealer.ts). */
  sealer: Sealer;
  /** The transformations' sandbox (a worker thread), started on first use. */
  transformer: () => Promise<Transformer>;
}
