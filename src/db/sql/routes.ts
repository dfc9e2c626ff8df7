// What a fan-out reads of an endpoint to route events to it (domain/events.ts decides the match):
// read by the publish statements (db/sql/publish.ts) and, for the ingest, beside its source in the
// same round trip (db/sql/sources.ts).

/** An endpoint as routing reads it. */
export interface EndpointRoute {
  id: string;
  event_types: string[];
  session_ids: string[];
  filter: unknown;
  /** updated_at in ms: the version of its filter. */
  version: number;
}

export const ROUTE_COLUMNS = `id, event_types, session_ids, filter, (extract(epoch FROM updated_at) * 1000)::float8 AS version`;

/** The routes of every endpoint of one account (an SQL expression naming it). */
export const routesOfAccount = (account: string) => `SELECT ${ROUTE_COLUMNS} FROM endpoint WHERE account_id = ${account}`;
