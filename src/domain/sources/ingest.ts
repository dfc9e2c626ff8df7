// One request at a source's ingest URL, short of HTTP: the handshake (WHATSAPP_CLOUD's GET), the
// signature, the mapping, and the publishing of every event the body makes in ONE transaction, so
// that the sender is answered 200 only for events that are committed (anything else is a retry
// from the sender, never a loss, never half a batch). The server (server/ingest.ts) turns the
// outcome into an HTTP answer and records it.
import type { Db } from '../../db/client.ts';
import type { Sealer } from '../../db/sealer.ts';
import type { EndpointRoute } from '../../db/sql/publish.ts';
import { requestsOf, type IngestSourceRow, type SourceRequestRecord } from '../../db/sql/sources.ts';
import { prismaSql, type Sql } from '../../db/sql.ts';
import { withDeadlockRetry } from '../../db/reconnect.ts';
import type { SignatureHeaderConfig } from '../../delivery/sign.ts';
import type { Clock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import { MAX_BATCH_EVENTS, publishEvents, type PublishEventInput, type PublishOptions } from '../events.ts';
import type { IncomingHeaders } from './hmac.ts';
import { answerHubChallenge, HUB_SIGNATURE_HEADER, hubChallengeQuery } from './hub.ts';
import { receiveSignedHttpPost } from './signed-http.ts';
import { receiveWhatsAppPost } from './whatsapp-cloud.ts';

/** How many times a POST's events are tried after a deadlock before the sender is told 500. */
const DEADLOCK_TRIES = 3;

export interface IngestDeps {
  db: Db;
  /** The process's pool: one batch of events is one statement there, atomic on its own. */
  sql: Sql;
  clock: Clock;
  sealer: Sealer;
}

export interface IngestRequest {
  method: string;
  query: URLSearchParams;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHeaders;
  /** The raw body (empty for a GET). */
  body: Uint8Array;
  /**
   * The record of this request once its events are accepted: written by the fan-out statement
   * that commits them (the outcome says `recorded`), so an accepted POST costs no statement more.
   */
  acceptedRecord?: (events: number) => SourceRequestRecord;
}

/** The source, with its account's routes when they were read beside it (db/sql/sources.ts ingestSource). */
export type IngestSource = IngestSourceRow & { routes?: EndpointRoute[] };

export type IngestOutcome =
  /** 200, the challenge as text/plain. */
  | { kind: 'challenge'; challenge: string }
  /** 200: every event is committed (`created` of them new; the rest repeats of earlier ones). */
  | { kind: 'accepted'; events: number; created: number; recorded: boolean }
  /** 403: the handshake was refused. */
  | { kind: 'forbidden'; message: string }
  /** 401: the signature is missing or wrong; nothing was parsed or published. */
  | { kind: 'unauthorized'; message: string }
  /** 400: signed, but not what the source takes; nothing was published. */
  | { kind: 'malformed'; message: string }
  /** 503: the source is paused; the sender should try again later. */
  | { kind: 'paused' }
  /** 405 */
  | { kind: 'method'; allow: string[] };

export async function ingest(deps: IngestDeps, source: IngestSource, request: IngestRequest): Promise<IngestOutcome> {
  const whatsapp = source.kind === 'WHATSAPP_CLOUD';
  const allow = whatsapp ? ['GET', 'POST'] : ['POST'];
  if (!allow.includes(request.method)) return { kind: 'method', allow };
  if (source.status !== 'ACTIVE') return { kind: 'paused' };
  const open = (sealed: string | null) => (sealed === null ? '' : deps.sealer.open(sealed));

  if (request.method === 'GET') {
    const answer = answerHubChallenge(hubChallengeQuery(request.query), open(source.verify_token));
    return answer.kind === 'answer' ? { kind: 'challenge', challenge: answer.challenge } : { kind: 'forbidden', message: answer.message };
  }

  let events: PublishEventInput[];
  if (whatsapp) {
    const outcome = receiveWhatsAppPost({ appSecrets: [open(source.app_secret)], body: request.body, signature: request.headers[HUB_SIGNATURE_HEADER] });
    if (outcome.kind === 'unauthorized') return { kind: 'unauthorized', message: outcome.refusal.message };
    if (outcome.kind === 'malformed') return { kind: 'malformed', message: outcome.error.message };
    events = outcome.events;
  } else {
    const outcome = receiveSignedHttpPost(
      {
        secrets: [open(source.signing_secret)],
        signatureHeader: (source.signature_header as SignatureHeaderConfig | null) ?? null,
        headers: request.headers,
        body: request.body,
        now: deps.clock.now(),
      },
      { eventType: source.event_type },
    );
    if (outcome.kind === 'unauthorized') return { kind: 'unauthorized', message: outcome.refusal.message };
    if (outcome.kind === 'malformed') return { kind: 'malformed', message: outcome.error.message };
    events = [outcome.event];
  }
  // A webhook with no changes (Meta sends none, but a body may hold an empty entry list): nothing to commit.
  if (events.length === 0) return { kind: 'accepted', events: 0, created: 0, recorded: false };
  try {
    const accepted = request.acceptedRecord?.(events.length);
    const options = { routes: source.routes, record: accepted && requestsOf(accepted) };
    const created = await publishAll(deps, source.account_id, events, options);
    return { kind: 'accepted', events: events.length, created, recorded: options.record !== undefined };
  } catch (error) {
    // The catalog or the account's own type refused an event: the sender's mistake, nothing stored.
    if (error instanceof ValidationError) return { kind: 'malformed', message: error.message };
    throw error;
  }
}

/**
 * All the events or none. Up to MAX_BATCH_EVENTS, publishEvents' fan-out is one statement on the
 * pool (atomic, and the fewest round trips: Meta waits for the answer). A 3 MB POST of Meta's may
 * carry more: then the chunks are published in one Prisma transaction, committed together.
 */
async function publishAll(deps: IngestDeps, accountId: string, events: PublishEventInput[], options: PublishOptions): Promise<number> {
  const count = (results: Array<{ created: boolean }>) => results.filter((r) => r.created).length;
  if (events.length <= MAX_BATCH_EVENTS) {
    // A deadlock (the fan-out against the engine's lane updates, under load) rolled the statement
    // back whole: publishing again is safe, and spares Meta a retry hours later.
    return withDeadlockRetry(async () => count(await publishEvents(deps, accountId, events, options)), DEADLOCK_TRIES);
  }
  return deps.db.$transaction(
    async (tx) => {
      const inTx = { ...deps, sql: prismaSql(tx) };
      let created = 0;
      for (let i = 0; i < events.length; i += MAX_BATCH_EVENTS) {
        // The request is recorded with the last chunk, in the same transaction.
        const last = i + MAX_BATCH_EVENTS >= events.length;
        created += count(await publishEvents(inTx, accountId, events.slice(i, i + MAX_BATCH_EVENTS), last ? options : { routes: options.routes }));
      }
      return created;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
