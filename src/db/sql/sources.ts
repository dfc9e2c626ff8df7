// The ingest route's statements (server/ingest.ts): the source a request names, read on every
// request, and the record of what it was answered, which keeps each source's newest requests only.
import { sqlOf, statement, type Placeholders, type Runner } from '../sql.ts';
import { routesOfAccount, type EndpointRoute } from './routes.ts';

/** At most this many requests a source are kept (the API shows them newest first). */
export const RECENT_REQUESTS_KEPT = 100;

export interface IngestSourceRow {
  id: string;
  account_id: string;
  kind: 'WHATSAPP_CLOUD' | 'SIGNED_HTTP';
  status: 'ACTIVE' | 'PAUSED' | 'DISCONNECTED';
  /** Sealed, as stored. */
  app_secret: string | null;
  verify_token: string | null;
  signing_secret: string | null;
  signature_header: unknown;
  event_type: string | null;
}

/**
 * The source, and the routes of its account's endpoints (what its events' fan-out may reach) read
 * in the same round trip: the ingest publishes with them (domain/events.ts), so a POST costs two
 * statements, this one and the fan-out that also records it.
 */
export const INGEST_SOURCE = statement<{ id: string }, IngestSourceRow & { routes: EndpointRoute[] }>(
  'hookwire_ingest_source',
  ($) => `
    SELECT s.id, s.account_id, s.kind::text AS kind, s.status::text AS status, s.app_secret, s.verify_token, s.signing_secret,
           s.signature_header, s.event_type,
           (SELECT coalesce(json_agg(r), '[]') FROM (${routesOfAccount('s.account_id')}) r) AS routes
    FROM source s JOIN account a ON a.id = s.account_id
    WHERE s.id = ${$.id} AND a.deleted_at IS NULL`,
);

/** The source by id with its account's routes, or null (also when its account is deleted): the id alone names it (the ingest URL is the whole address). */
export async function ingestSource(db: Runner, params: { id: string }): Promise<(IngestSourceRow & { routes: EndpointRoute[] }) | null> {
  const [row] = await sqlOf(db).query(INGEST_SOURCE, params);
  return row ?? null;
}

export interface SourceRequestRecord {
  sourceId: string;
  receivedAt: Date;
  status: number;
  error: string | null;
  events: number;
}

/**
 * Records one request and trims the source's older ones in the same statement. The DELETE sees the
 * table as it was before this INSERT, so it keeps RECENT_REQUESTS_KEPT - 1 older rows beside the new
 * one. Two requests recorded at once may each keep one row the other trims: a source may hold a few
 * rows over the bound for a moment, never a growing number.
 */
export const RECORD_SOURCE_REQUEST = statement<SourceRequestRecord, Record<string, never>>(
  'hookwire_record_source_request',
  ($) => `WITH ${recordRequestCtes($)} SELECT`,
);

/**
 * The record and the trim as two CTEs (source_request_recorded, source_request_trimmed), for a
 * statement that records its request beside its own work: RECORD_SOURCE_REQUEST, and the ingest's
 * fan-out (db/sql/publish.ts), whose request is then recorded in the transaction that commits its
 * events.
 */
export function recordRequestCtes($: Placeholders<SourceRequestRecord>): string {
  return `
    source_request_recorded AS (
      INSERT INTO source_request (source_id, received_at, status, error, events)
      VALUES (${$.sourceId}, ${$.receivedAt}, ${$.status}::integer, ${$.error}, ${$.events}::integer)
    ), source_request_trimmed AS (
      DELETE FROM source_request WHERE source_id = ${$.sourceId} AND id <= (
        SELECT id FROM source_request WHERE source_id = ${$.sourceId} ORDER BY id DESC OFFSET ${RECENT_REQUESTS_KEPT - 1} LIMIT 1
      )
    )`;
}

export async function recordSourceRequest(db: Runner, record: SourceRequestRecord): Promise<void> {
  await sqlOf(db).execute(RECORD_SOURCE_REQUEST, record);
}
