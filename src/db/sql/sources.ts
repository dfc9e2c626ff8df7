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

/** What one source was answered at one moment: a request, or a broker batch (its events' 200, its dead letters' 400s). */
export interface SourceRequests {
  sourceId: string;
  receivedAt: Date;
  /** Recorded in this order (the newest last); only the last RECENT_REQUESTS_KEPT are kept. */
  answers: ReadonlyArray<{ status: number; error: string | null; events: number }>;
}

export const requestsOf = (record: SourceRequestRecord): SourceRequests => ({
  sourceId: record.sourceId,
  receivedAt: record.receivedAt,
  answers: [{ status: record.status, error: record.error, events: record.events }],
});

/** SourceRequests as the statements bind them: one column array per field. */
export interface SourceRequestColumns {
  sourceId: string;
  receivedAt: Date;
  statuses: number[];
  errors: Array<string | null>;
  eventCounts: number[];
}

export function requestColumns(requests: SourceRequests): SourceRequestColumns {
  const answers = requests.answers.slice(-RECENT_REQUESTS_KEPT);
  if (answers.length === 0) throw new Error('a record of source requests holds one request at least');
  return {
    sourceId: requests.sourceId,
    receivedAt: requests.receivedAt,
    statuses: answers.map((a) => a.status),
    errors: answers.map((a) => a.error),
    eventCounts: answers.map((a) => a.events),
  };
}

/**
 * Records a source's requests and trims its older ones in the same statement. The DELETE sees the
 * table as it was before this INSERT, so it keeps RECENT_REQUESTS_KEPT - n older rows beside the n
 * new ones. Two records at once may each keep rows the other trims: a source may hold a few rows
 * over the bound for a moment, never a growing number.
 */
export const RECORD_SOURCE_REQUESTS = statement<SourceRequests, Record<string, never>, SourceRequestColumns>(
  'hookwire_record_source_requests',
  ($) => `WITH ${recordRequestCtes($)} SELECT`,
  requestColumns,
);

/**
 * The record and the trim as two CTEs (source_request_recorded, source_request_trimmed), for a
 * statement that records its requests beside its own work: RECORD_SOURCE_REQUESTS, and the
 * fan-out (db/sql/publish.ts) of an ingest POST or a broker batch, whose requests are then
 * recorded in the transaction that commits its events.
 */
export function recordRequestCtes($: Placeholders<SourceRequestColumns>): string {
  return `
    source_request_recorded AS (
      INSERT INTO source_request (source_id, received_at, status, error, events)
      SELECT ${$.sourceId}, ${$.receivedAt}, r.status, r.error, r.events
      FROM ROWS FROM (unnest(${$.statuses}::integer[]), unnest(${$.errors}::text[]), unnest(${$.eventCounts}::integer[])) WITH ORDINALITY AS r(status, error, events, n)
      ORDER BY r.n
    ), source_request_trimmed AS (
      DELETE FROM source_request WHERE source_id = ${$.sourceId} AND id <= (
        SELECT id FROM source_request WHERE source_id = ${$.sourceId} ORDER BY id DESC
        OFFSET greatest(0, ${RECENT_REQUESTS_KEPT} - cardinality(${$.statuses}::integer[])) LIMIT 1
      )
    )`;
}

export async function recordSourceRequests(db: Runner, requests: SourceRequests): Promise<void> {
  await sqlOf(db).execute(RECORD_SOURCE_REQUESTS, requests);
}

export async function recordSourceRequest(db: Runner, record: SourceRequestRecord): Promise<void> {
  await recordSourceRequests(db, requestsOf(record));
}
