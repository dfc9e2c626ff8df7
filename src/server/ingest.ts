// The public ingest route, /ingest/<source id>: Meta's (or any signed sender's) requests, answered
// after domain/sources/ingest.ts has committed their events. Public, so bounded: a body limit (413),
// a per-source budget across API processes (429 + Retry-After), and one 404 for every id that names
// no source, so an answer says nothing about other sources or accounts. Every request to a source
// is recorded in its recent requests (db/sql/sources.ts), accepted or refused and why.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ingestSource, recordSourceRequest } from '../db/sql/sources.ts';
import { isConnectionError } from '../db/reconnect.ts';
import { ingest, type IngestOutcome, type IngestSource } from '../domain/sources/ingest.ts';
import { INGEST_PREFIX } from '../domain/sources/manage.ts';
import { SOURCE_LIMITS } from '../limits.ts';
import type { Logger } from '../log.ts';
import type { Services } from '../services.ts';
import { RETRY_AFTER_SECONDS } from './errors.ts';
import { RequestRateLimiter } from './request-rate.ts';

const SOURCE_ID = /^src_[0-9a-z]{26}$/;
const MAX_BODY = SOURCE_LIMITS.ingestBodyMaxBytes;

interface Answer {
  status: number;
  type: 'text/plain; charset=utf-8' | 'application/json; charset=utf-8';
  body: string;
  headers?: Record<string, string>;
  /** What recent requests show: null for an accepted one. */
  error: string | null;
  events: number;
  /** Recorded already, by the statement that committed its events. */
  recorded?: boolean;
}

const json = (status: number, body: object, error: string | null, events = 0, headers?: Record<string, string>): Answer => ({
  status,
  type: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
  headers,
  error,
  events,
});

const refusal = (status: number, message: string, headers?: Record<string, string>) => json(status, { error: message }, message, 0, headers);

function answerOf(outcome: IngestOutcome): Answer {
  switch (outcome.kind) {
    case 'challenge':
      return { status: 200, type: 'text/plain; charset=utf-8', body: outcome.challenge, error: null, events: 0 };
    case 'accepted':
      return { ...json(200, { events: outcome.events }, null, outcome.events), recorded: outcome.recorded };
    case 'forbidden':
      return refusal(403, outcome.message);
    case 'unauthorized':
      return refusal(401, outcome.message);
    case 'malformed':
      return refusal(400, outcome.message);
    case 'paused':
      return refusal(503, 'the source is paused; retry later', { 'retry-after': '60' });
    case 'method':
      return refusal(405, `method not allowed here; use ${outcome.allow.join(' or ')}`, { allow: outcome.allow.join(', ') });
  }
}

const NOT_FOUND = JSON.stringify({ error: 'not found' });

/** The body, or null once it exceeds `limit` (the rest is not read). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * A request without a body (a GET) keeps its connection; one whose body was left unread (404, 413,
 * 429: a stranger's, perhaps endless) has its connection closed once answered, rather than read.
 */
function dropUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  const declared = req.headers['content-length'];
  if (req.method === 'GET' || req.method === 'HEAD' || (declared === '0' && req.headers['transfer-encoding'] === undefined)) {
    req.resume();
    return;
  }
  res.once('finish', () => req.destroy());
}

export class IngestRoute {
  private readonly services: Services;
  private readonly logger: Logger;
  private readonly rate: RequestRateLimiter;

  constructor(services: Services, logger: Logger) {
    this.services = services;
    this.logger = logger;
    this.rate = new RequestRateLimiter({
      sql: services.sql,
      perSecond: services.config.sourceRateLimitPerSecond,
      burst: services.config.sourceRateBurst,
      onError: (error) => logger.debug('the source rate limit could not reach the database; the request goes on', error),
    });
  }

  /** Answers the request when its path is an ingest URL; false otherwise. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith(INGEST_PREFIX)) return false;
    const id = path.slice(INGEST_PREFIX.length);
    const source = SOURCE_ID.test(id) ? await ingestSource(this.services.sql, { id }) : null;
    if (!source) {
      // The same answer for a malformed id, a deleted source and another account's: nothing to learn.
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(NOT_FOUND);
      dropUnreadBody(req, res);
      return true;
    }
    const receivedAt = this.services.clock.now();
    const answer = await this.answer(req, source, receivedAt);
    if (!answer.recorded) await this.record(source, receivedAt, answer);
    res.writeHead(answer.status, { 'content-type': answer.type, 'cache-control': 'no-store', ...answer.headers }).end(answer.body);
    dropUnreadBody(req, res);
    return true;
  }

  private async answer(req: IncomingMessage, source: IngestSource, receivedAt: Date): Promise<Answer> {
    const wait = await this.rate.take(`source:${source.id}`);
    if (wait > 0) {
      return refusal(429, `too many requests to this source (at most ${this.services.config.sourceRateLimitPerSecond} a second); retry after ${wait} s`, {
        'retry-after': String(wait),
      });
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY) return refusal(413, `the body is ${length} bytes; at most ${MAX_BODY} are accepted`);
    const body = req.method === 'POST' ? await readBody(req, MAX_BODY) : Buffer.alloc(0);
    if (body === null) return refusal(413, `the body is over ${MAX_BODY} bytes; at most ${MAX_BODY} are accepted`);
    const url = new URL(req.url ?? '/', 'http://ingest.invalid');
    try {
      const outcome = await ingest(this.services, source, {
        method: req.method ?? 'GET',
        query: url.searchParams,
        headers: req.headers,
        body,
        // What record() would write for the 200, written by the fan-out itself instead.
        acceptedRecord: (events) => ({ sourceId: source.id, receivedAt, status: 200, error: null, events }),
      });
      return answerOf(outcome);
    } catch (error) {
      // Nothing was committed (the events are one statement, or one transaction): the sender retries.
      if (isConnectionError(error)) {
        return refusal(503, 'the database is unreachable; nothing was stored, retry later', { 'retry-after': String(RETRY_AFTER_SECONDS) });
      }
      this.logger.error(`ingest of source ${source.id} failed`, error);
      return refusal(500, 'the events could not be stored; nothing was stored, retry later');
    }
  }

  /** Best effort: a request the database cannot record is still answered. */
  private async record(source: IngestSource, receivedAt: Date, answer: Answer): Promise<void> {
    try {
      await recordSourceRequest(this.services.sql, { sourceId: source.id, receivedAt, status: answer.status, error: answer.error, events: answer.events });
    } catch (error) {
      this.logger.debug(`could not record a request of source ${source.id}`, error);
    }
  }
}
