// Publishing events: validation against the catalog, idempotency, and the fan-out that stores
// the event, one delivery per matching endpoint and the jobs of the deliveries to attempt now,
// all in one transaction: an accepted event is never lost, a rejected one leaves nothing behind.
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import type { Event, Prisma } from '../generated/prisma/client.ts';
import { enqueueAttempts } from '../worker/jobs.ts';
import { findEventType, validateEventData } from './catalog.ts';
import { hasNul, NotFoundError, NUL_MESSAGE, ValidationError, type FieldError } from './errors.ts';

type Tx = Prisma.TransactionClient;

/** Published by Hookwire itself; a client may not publish them. */
export const OPERATIONAL_EVENT_TYPES = ['endpoint.paused', 'endpoint.disabled', 'delivery.exhausted'] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const MAX_DATA_BYTES = 256 * 1024;

export interface PublishEventInput {
  type: string;
  sessionId?: string | null;
  /** Required; typed optional because the JSON scalar admits anything, undefined included. */
  data?: unknown;
  idempotencyKey?: string | null;
}

export interface PublishResult {
  event: Event;
  /** false when an idempotencyKey repeat returned the first event. */
  created: boolean;
  deliveryIds: string[];
}

/** The exact bytes POSTed on every attempt of every delivery of this event. */
export function envelope(id: string, type: string, timestamp: Date, sessionId: string | null, data: unknown): string {
  return JSON.stringify({ id, type, timestamp: timestamp.toISOString(), sessionId, data });
}

function validatePublishInput(input: PublishEventInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!findEventType(input.type)) {
    errors.push(...validateEventData(input.type, input.data));
    return errors;
  }
  if ((OPERATIONAL_EVENT_TYPES as readonly string[]).includes(input.type)) {
    errors.push({ path: ['input', 'type'], message: `${input.type} is published by Hookwire itself, not by clients` });
  }
  if (input.sessionId != null && (input.sessionId.trim() === '' || input.sessionId.length > 128)) {
    errors.push({ path: ['input', 'sessionId'], message: 'must be 1 to 128 characters' });
  } else if (input.sessionId != null && hasNul(input.sessionId)) {
    errors.push({ path: ['input', 'sessionId'], message: NUL_MESSAGE });
  }
  if (input.idempotencyKey != null && (input.idempotencyKey === '' || input.idempotencyKey.length > 255)) {
    errors.push({ path: ['input', 'idempotencyKey'], message: 'must be 1 to 255 characters' });
  } else if (input.idempotencyKey != null && hasNul(input.idempotencyKey)) {
    errors.push({ path: ['input', 'idempotencyKey'], message: NUL_MESSAGE });
  }
  const size = Buffer.byteLength(JSON.stringify(input.data ?? null));
  if (size > MAX_DATA_BYTES) {
    errors.push({ path: ['input', 'data'], message: `is ${size} bytes; at most ${MAX_DATA_BYTES} bytes are accepted` });
  } else if (containsNul(input.data)) {
    // jsonb cannot store a NUL in any string or key.
    errors.push({ path: ['input', 'data'], message: NUL_MESSAGE });
  } else {
    errors.push(...validateEventData(input.type, input.data));
  }
  return errors;
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return hasNul(value);
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => hasNul(key) || containsNul(item));
  }
  return false;
}

export async function publishEvent(db: Db, accountId: string, input: PublishEventInput): Promise<PublishResult> {
  const errors = validatePublishInput(input);
  if (errors.length > 0) throw new ValidationError(errors);
  return db.$transaction(async (tx) => {
    if (input.idempotencyKey != null) {
      // Serialise publishers of the same key, so two concurrent repeats cannot both create.
      // Account ids have a fixed length, so "<account>/<key>" cannot collide across accounts.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${accountId}/${input.idempotencyKey}`}, 0))`;
      const existing = await tx.event.findFirst({
        where: { accountId, idempotencyKey: input.idempotencyKey, createdAt: { gt: new Date(Date.now() - IDEMPOTENCY_WINDOW_MS) } },
        orderBy: { createdAt: 'desc' },
      });
      if (existing) return { event: existing, created: false, deliveryIds: [] };
    }
    return insertEventWithDeliveries(tx, {
      accountId,
      type: input.type,
      sessionId: input.sessionId ?? null,
      data: input.data,
      idempotencyKey: input.idempotencyKey ?? null,
      target: { kind: 'subscribers' },
    });
  });
}

export type FanOutTarget =
  | { kind: 'subscribers'; excludeEndpointId?: string }
  | { kind: 'endpoint'; endpointId: string };

/**
 * Stores the event, one delivery per targeted endpoint (ACTIVE, PAUSED or DISABLED: held ones
 * collect deliveries too) and the jobs of those on ACTIVE endpoints, with three statements
 * whatever the number of endpoints.
 */
export async function insertEventWithDeliveries(
  tx: Tx,
  input: {
    accountId: string;
    type: string;
    sessionId: string | null;
    data: unknown;
    idempotencyKey?: string | null;
    target: FanOutTarget;
  },
): Promise<PublishResult> {
  const id = newId('Event');
  const createdAt = new Date();
  const event = await tx.event.create({
    data: {
      id,
      accountId: input.accountId,
      type: input.type,
      sessionId: input.sessionId,
      data: input.data as Prisma.InputJsonValue,
      payload: envelope(id, input.type, createdAt, input.sessionId, input.data),
      idempotencyKey: input.idempotencyKey ?? null,
      createdAt,
    },
  });
  const endpoints =
    input.target.kind === 'endpoint'
      ? await tx.$queryRaw<Array<{ id: string; status: string }>>`
          SELECT id, status::text FROM endpoint WHERE id = ${input.target.endpointId} AND account_id = ${input.accountId}`
      : await tx.$queryRaw<Array<{ id: string; status: string }>>`
          SELECT id, status::text FROM endpoint
          WHERE account_id = ${input.accountId}
            AND id <> ${input.target.excludeEndpointId ?? ''}
            AND (cardinality(session_ids) = 0 OR ${input.sessionId}::text = ANY(session_ids))
            AND EXISTS (
              SELECT 1 FROM unnest(event_types) AS p
              WHERE p = '*' OR p = ${input.type}
                 OR (right(p, 2) = '.*' AND starts_with(${input.type}, left(p, -1))))
          ORDER BY id`;
  if (input.target.kind === 'endpoint' && endpoints.length === 0) {
    throw new NotFoundError('Endpoint', input.target.endpointId);
  }
  if (endpoints.length === 0) return { event, created: true, deliveryIds: [] };

  const deliveryIds = endpoints.map(() => newId('Delivery'));
  const endpointIds = endpoints.map((e) => e.id);
  const active = endpoints.map((e) => e.status === 'ACTIVE');
  await tx.$executeRaw`
    INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, next_attempt_at, created_at)
    SELECT d.id, ${input.accountId}, ${id}, d.endpoint_id, ${input.type}, 'PENDING',
           CASE WHEN d.active THEN ${createdAt}::timestamptz END, ${createdAt}::timestamptz
    FROM unnest(${deliveryIds}::text[], ${endpointIds}::text[], ${active}::boolean[]) AS d(id, endpoint_id, active)`;
  await enqueueAttempts(
    tx,
    deliveryIds.filter((_, i) => active[i]).map((deliveryId) => ({ deliveryId, runAt: createdAt })),
  );
  return { event, created: true, deliveryIds };
}

/** Hookwire's own events (endpoint.paused, …) to the account's other subscribed endpoints. */
export async function publishOperationalEvent(
  tx: Tx,
  accountId: string,
  type: OperationalEventType,
  data: Record<string, unknown>,
  aboutEndpointId: string,
): Promise<PublishResult> {
  return insertEventWithDeliveries(tx, {
    accountId,
    type,
    sessionId: null,
    data,
    target: { kind: 'subscribers', excludeEndpointId: aboutEndpointId },
  });
}

/** A webhook.test event (or the example of eventType) delivered to this endpoint alone. */
export async function sendTestEvent(db: Db, accountId: string, endpointId: string, eventType?: string | null) {
  const type = eventType ?? 'webhook.test';
  const definition = findEventType(type);
  if (!definition) {
    throw new ValidationError(validateEventData(type, {}, ['eventType']).map((e) => ({ ...e, path: ['eventType'] })));
  }
  return db.$transaction(async (tx) => {
    const result = await insertEventWithDeliveries(tx, {
      accountId,
      type,
      sessionId: null,
      data: definition.example,
      target: { kind: 'endpoint', endpointId },
    });
    return tx.delivery.findUniqueOrThrow({ where: { id: result.deliveryIds[0]! } });
  });
}
