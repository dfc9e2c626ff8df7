// What a broker source's messages become: each message's bytes are one event as publishEvents takes
// it, `{type, data, sessionId?, idempotencyKey?}`, and the message id is the idempotency key when
// it names none, so a message redelivered after a crash (or consumed by two workers) stays one
// event. A batch is published in one statement (all its valid messages or none); a message that
// can never be valid gets its reason back, for the broker's dead-letter place and the source's
// recent requests. Anything else (the database) rejects: nothing is acknowledged, all comes back.
import { createHash } from 'node:crypto';
import type { Sql } from '../../db/sql.ts';
import { recordSourceRequests } from '../../db/sql/sources.ts';
import type { Clock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import { MAX_BATCH_EVENTS, publishEvents, type PublishDeps, type PublishEventInput } from '../events.ts';

export interface BrokerMessage {
  body: Uint8Array;
  /** Stable across redeliveries (see worker/sources/types.ts); null when the producer set none. */
  messageId: string | null;
}

export type BrokerVerdict = { ok: true } | { poison: string };

export interface BrokerCommitDeps extends PublishDeps {
  sql: Sql;
  clock: Clock;
}

/** The longest idempotency key publishEvents takes; a longer message id is hashed to fit. */
const KEY_MAX = 255;

function keyOf(messageId: string): string {
  return messageId.length <= KEY_MAX ? messageId : `sha256:${createHash('sha256').update(messageId).digest('hex')}`;
}

/** The event a message's bytes describe, or why they never will. */
export function brokerMessageEvent(message: BrokerMessage): PublishEventInput | { poison: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(message.body).toString('utf8'));
  } catch (error) {
    return { poison: `body is not JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { poison: 'body must be a JSON object {type, data, sessionId?, idempotencyKey?}' };
  const body = value as Record<string, unknown>;
  if (typeof body.type !== 'string') return { poison: 'type: must be an event type name' };
  if (!('data' in body)) return { poison: 'data: is required' };
  for (const field of ['sessionId', 'idempotencyKey'] as const) {
    if (body[field] != null && typeof body[field] !== 'string') return { poison: `${field}: must be a string` };
  }
  const given = (body.idempotencyKey as string | null | undefined) ?? null;
  return {
    type: body.type,
    data: body.data,
    sessionId: (body.sessionId as string | null | undefined) ?? null,
    idempotencyKey: given ?? (message.messageId === null ? null : keyOf(message.messageId)),
  };
}

/**
 * Publishes a batch (at most MAX_BATCH_EVENTS) for the source's account, a verdict per message in
 * order, and records it in the source's recent requests: one 200 row for the batch's events, one
 * 400 row per message dead-lettered, with its reason. The rows are written by the publish's own
 * statement, so a batch is one statement, and its 200 is recorded once, only if its events commit
 * (a batch of poison alone is one statement that records them). Rejects (nothing committed,
 * nothing recorded) on any error that is not a message's own.
 */
export async function commitBrokerMessages(
  deps: BrokerCommitDeps,
  source: { id: string; accountId: string },
  messages: readonly BrokerMessage[],
): Promise<BrokerVerdict[]> {
  if (messages.length > MAX_BATCH_EVENTS) throw new Error(`a batch holds at most ${MAX_BATCH_EVENTS} messages, got ${messages.length}`);
  const verdicts: BrokerVerdict[] = new Array(messages.length);
  let pending: Array<{ index: number; input: PublishEventInput }> = [];
  messages.forEach((message, index) => {
    const event = brokerMessageEvent(message);
    if ('poison' in event) verdicts[index] = event;
    else pending.push({ index, input: event });
  });
  const receivedAt = deps.clock.now();
  // The dead letters' rows, in the batch's order, after the 200 (only the newest RECENT_REQUESTS_KEPT are kept).
  const deadRows = () =>
    verdicts
      .filter((v): v is { poison: string } => v !== undefined && 'poison' in v)
      .map(({ poison }) => ({ status: 400, error: `dead-lettered: ${poison}`, events: 0 }));
  // publishEvents reports every bad input at once: those are poison, the rest published again. The
  // second round can only fail for a type archived meanwhile; three rounds bound it.
  for (let round = 0; pending.length > 0; round++) {
    try {
      const record = { sourceId: source.id, receivedAt, answers: [{ status: 200, error: null, events: pending.length }, ...deadRows()] };
      await publishEvents(deps, source.accountId, pending.map((p) => p.input), { record });
      for (const p of pending) verdicts[p.index] = { ok: true };
      return verdicts;
    } catch (error) {
      if (!(error instanceof ValidationError) || round === 2) throw error;
      const reasons = new Map<number, string[]>();
      for (const problem of error.fieldErrors) {
        const at = problem.path[0] === 'inputs' ? Number(problem.path[1]) : NaN;
        if (!Number.isInteger(at) || at < 0 || at >= pending.length) throw error;
        const field = problem.path.slice(2).join('.');
        reasons.set(at, [...(reasons.get(at) ?? []), field ? `${field}: ${problem.message}` : problem.message]);
      }
      for (const [at, texts] of reasons) verdicts[pending[at]!.index] = { poison: texts.join('; ') };
      pending = pending.filter((_, at) => !reasons.has(at));
    }
  }
  // Nothing to publish: every message is poison.
  const dead = deadRows();
  if (dead.length > 0) await recordSourceRequests(deps.sql, { sourceId: source.id, receivedAt, answers: dead });
  return verdicts;
}
