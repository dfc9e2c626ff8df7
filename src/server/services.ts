// What the API process holds for its whole life and hands to every request: the database, the
// configuration and the long-lived helpers the schema's resolvers need.
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';

export interface Services {
  db: Db;
  config: Readonly<Config>;
}
