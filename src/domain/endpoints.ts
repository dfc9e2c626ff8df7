// Webhook endpoints: create, update, delete, rotate the signing secret, pause and resume.
// Every function is scoped to one account: another account's endpoint reads as not found.
import type { Dispatcher } from 'undici';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { generateSigningSecret, signatureHeaderNames, type SignatureHeaderConfig } from '../delivery/sign.ts';
import { sampleInput, type Transformer } from '../delivery/transform.ts';
import type { Sealer } from '../db/sealer.ts';
import { prismaSql } from '../db/sql.ts';
import { unscheduleDeliveries } from '../db/sql/deliveries.ts';
import { lockEndpoint } from '../db/sql/endpoints.ts';
import { matchesEventType } from './catalog.ts';
import { listEventTypes, subscribableCustomTypes } from './event-types.ts';
import { Prisma, type Endpoint } from '../generated/prisma/client.ts';
import type { Clock } from './clock.ts';
import { scheduleHeldDeliveries } from './deliveries.ts';
import { assertValidEndpointInput, type CurrentDestination, type EndpointDestination, type EndpointInput } from './endpoint-input.ts';
import { parseBrokerUrl } from '../delivery/brokers/url.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { notifyEndpointStatus } from './notify.ts';
import { verifyEndpointUrl } from './verify.ts';

export interface EndpointDeps {
  db: Db;
  config: Readonly<Pick<Config, 'allowPrivateNetworks'>>;
  dispatcher: Dispatcher;
  /** The process's sandbox, started on first use: a transformation is tried before it is saved. */
  transformer: () => Promise<Transformer>;
  /** Signing secrets and custom header values are stored sealed (db/sealer.ts). */
  sealer: Sealer;
}

/** An endpoint's custom headers with their values sealed (values may carry credentials). */
export function sealHeaders(sealer: Sealer, headers: Record<string, string> | null): Record<string, string> | null {
  return headers === null ? null : Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, sealer.seal(value)]));
}

/** The stored custom headers, in clear. */
export function openHeaders(sealer: Sealer, headers: unknown): Record<string, string> | null {
  if (headers === null || typeof headers !== 'object') return null;
  return Object.fromEntries(Object.entries(headers as Record<string, string>).map(([name, value]) => [name, sealer.open(value)]));
}

type DestinationColumns = Pick<Endpoint, 'destinationKind' | 'exchange' | 'routingKey' | 'subject' | 'stream'>;

/** The endpoint's destination, from its columns. */
export function destinationOf(endpoint: DestinationColumns): EndpointDestination {
  switch (endpoint.destinationKind) {
    case 'HTTP':
      return { kind: 'HTTP' };
    case 'RABBITMQ':
      return { kind: 'RABBITMQ', exchange: endpoint.exchange ?? '', routingKey: endpoint.routingKey };
    case 'NATS':
      return { kind: 'NATS', subject: endpoint.subject ?? '' };
    case 'REDIS_STREAM':
      return { kind: 'REDIS_STREAM', stream: endpoint.stream ?? '' };
  }
}

/** The stored destination with its URL in clear: what an update's url rules are checked against. */
export function currentDestination(sealer: Sealer, endpoint: DestinationColumns & Pick<Endpoint, 'url' | 'brokerUrl'>): CurrentDestination {
  return { destination: destinationOf(endpoint), url: endpoint.brokerUrl === null ? endpoint.url : sealer.open(endpoint.brokerUrl) };
}

/**
 * The columns of a checked destination and url. A broker URL may hold a password: `url` keeps it
 * masked (what the API shows and logs may print) and `broker_url` the whole URL sealed.
 */
export function destinationColumns(sealer: Sealer, destination: EndpointDestination, url: string) {
  if (destination.kind === 'HTTP') {
    return { destinationKind: 'HTTP' as const, url, brokerUrl: null, exchange: null, routingKey: null, subject: null, stream: null };
  }
  return {
    destinationKind: destination.kind,
    url: parseBrokerUrl(url, destination.kind).display,
    brokerUrl: sealer.seal(url),
    exchange: destination.kind === 'RABBITMQ' ? destination.exchange : null,
    routingKey: destination.kind === 'RABBITMQ' ? destination.routingKey : null,
    subject: destination.kind === 'NATS' ? destination.subject : null,
    stream: destination.kind === 'REDIS_STREAM' ? destination.stream : null,
  };
}

/** What pausing and resuming need: resuming makes the held deliveries due. */
export interface EndpointStatusDeps {
  db: Db;
  clock: Clock;
}

export interface RetiredSecret {
  secret: string;
  expiresAt: string;
}

export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;
const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;

/** Json columns take Prisma.DbNull for SQL NULL; a plain null would mean JSON null. */
function jsonOrNull<T>(value: T | null): T | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : value;
}

export async function findEndpoint(db: Db, accountId: string, id: string): Promise<Endpoint> {
  const endpoint = await db.endpoint.findFirst({ where: { id, accountId } });
  if (!endpoint) throw new NotFoundError('Endpoint', id);
  return endpoint;
}

/**
 * A transformation runs, before it is saved, on the example of every event type the endpoint
 * subscribes to (built in, or the account's own): any error is a ValidationError naming the line
 * and the event type. Header names it may not add: Hookwire's own and the endpoint's signature's.
 */
async function checkTransformation(
  deps: EndpointDeps,
  accountId: string,
  code: string,
  eventTypes: readonly string[],
  signatureHeader: SignatureHeaderConfig | null,
): Promise<void> {
  const types = (await listEventTypes(deps.db, accountId)).filter((t) => !t.archived && matchesEventType(eventTypes, t.name));
  const samples = types.map((t) => sampleInput(t.name, t.example));
  const transformer = await deps.transformer();
  const errors = await transformer.check(code, samples, ['input', 'transformation'], { reservedHeaders: signatureHeaderNames(signatureHeader) });
  if (errors.length > 0) throw new ValidationError(errors);
}

async function validOptions(deps: EndpointDeps, accountId: string, mode: 'create' | 'update') {
  return { mode, allowPrivateNetworks: deps.config.allowPrivateNetworks, customEventTypes: await subscribableCustomTypes(deps.db, accountId) };
}

export async function createEndpoint(deps: EndpointDeps, accountId: string, input: EndpointInput): Promise<Endpoint> {
  const value = assertValidEndpointInput(input, { ...(await validOptions(deps, accountId, 'create')), mode: 'create' });
  if (value.transformation !== null) {
    await checkTransformation(deps, accountId, value.transformation, value.eventTypes, value.signatureHeader);
  }
  if (value.verifyToken !== undefined) {
    await verifyEndpointUrl(deps.dispatcher, value.url, value.verifyToken, value.timeoutMs);
  }
  return deps.db.endpoint.create({
    data: {
      id: newId('Endpoint'),
      accountId,
      ...destinationColumns(deps.sealer, value.destination, value.url),
      description: value.description,
      eventTypes: value.eventTypes,
      sessionIds: value.sessionIds ?? [],
      signingSecret: deps.sealer.seal(value.signingSecret ?? generateSigningSecret()),
      signatureHeader: jsonOrNull(value.signatureHeader as Prisma.InputJsonValue | null),
      transformation: value.transformation,
      filter: jsonOrNull(value.filter as Prisma.InputJsonValue | null),
      rateLimitPerSecond: value.rateLimitPerSecond,
      timeoutMs: value.timeoutMs,
      retrySchedule: jsonOrNull(value.retrySchedule),
      headers: jsonOrNull(sealHeaders(deps.sealer, value.headers)),
      concurrencyLimit: value.concurrencyLimit,
      ordered: value.ordered,
      // Its lane (queue entry) is created with it, by a trigger (migration …_engine_lanes).
    },
  });
}

export async function updateEndpoint(
  deps: EndpointDeps,
  accountId: string,
  id: string,
  input: EndpointInput,
): Promise<Endpoint> {
  const current = await findEndpoint(deps.db, accountId, id);
  const stored = currentDestination(deps.sealer, current);
  const value = assertValidEndpointInput(input, { ...(await validOptions(deps, accountId, 'update')), current: stored });
  // A transformation is tried again when it, the types it runs on or the headers it may add change.
  const transformation = value.transformation === undefined ? current.transformation : value.transformation;
  const touchesTransformation = value.transformation !== undefined || value.eventTypes !== undefined || value.signatureHeader !== undefined;
  if (transformation !== null && touchesTransformation) {
    const signatureHeader = value.signatureHeader === undefined ? (current.signatureHeader as SignatureHeaderConfig | null) : value.signatureHeader;
    await checkTransformation(deps, accountId, transformation, value.eventTypes ?? current.eventTypes, signatureHeader);
  }
  const url = value.url ?? stored.url;
  // The handshake runs when a token comes with a new URL, or with the same URL on request.
  if (value.verifyToken !== undefined) {
    await verifyEndpointUrl(deps.dispatcher, url, value.verifyToken, value.timeoutMs ?? current.timeoutMs);
  }
  const data: Prisma.EndpointUpdateInput = {};
  // A new url or destination rewrites all the destination's columns (a broker URL is sealed again).
  if (value.url !== undefined || value.destination !== undefined) Object.assign(data, destinationColumns(deps.sealer, value.destination ?? stored.destination, url));
  if (value.description !== undefined) data.description = value.description;
  if (value.eventTypes !== undefined) data.eventTypes = value.eventTypes;
  if (value.sessionIds !== undefined) data.sessionIds = value.sessionIds ?? [];
  if (value.rateLimitPerSecond !== undefined) data.rateLimitPerSecond = value.rateLimitPerSecond;
  if (value.timeoutMs !== undefined) data.timeoutMs = value.timeoutMs;
  if (value.retrySchedule !== undefined) data.retrySchedule = jsonOrNull(value.retrySchedule);
  if (value.headers !== undefined) data.headers = jsonOrNull(sealHeaders(deps.sealer, value.headers));
  if (value.concurrencyLimit !== undefined) data.concurrencyLimit = value.concurrencyLimit;
  if (value.ordered !== undefined) data.ordered = value.ordered;
  // Replaced at once: rotateEndpointSecret is the way to keep the old one signing for a while.
  if (value.signingSecret !== undefined) data.signingSecret = deps.sealer.seal(value.signingSecret);
  if (value.signatureHeader !== undefined) data.signatureHeader = jsonOrNull(value.signatureHeader as Prisma.InputJsonValue | null);
  if (value.transformation !== undefined) data.transformation = value.transformation;
  if (value.filter !== undefined) data.filter = jsonOrNull(value.filter as Prisma.InputJsonValue | null);
  // updateMany with the account filter: an endpoint deleted meanwhile is not silently recreated.
  const { count } = await deps.db.endpoint.updateMany({ where: { id, accountId }, data: data as Prisma.EndpointUpdateManyMutationInput });
  if (count === 0) throw new NotFoundError('Endpoint', id);
  return findEndpoint(deps.db, accountId, id);
}

/**
 * Removes the endpoint with its deliveries, attempts and lane (ON DELETE CASCADE), so nothing of it
 * is attempted again; an attempt already in flight finds nothing to record against.
 */
export async function deleteEndpoint(db: Db, accountId: string, id: string): Promise<string> {
  const { count } = await db.endpoint.deleteMany({ where: { id, accountId } });
  if (count === 0) throw new NotFoundError('Endpoint', id);
  return id;
}

/** The secrets that sign now, in clear: the current one first, then retired ones still in their grace period. */
export function liveSecrets(endpoint: Pick<Endpoint, 'signingSecret' | 'retiredSecrets'>, sealer: Sealer, now = new Date()): string[] {
  return signingSecrets(endpoint, sealer)(now);
}

/**
 * liveSecrets for many attempts (the worker's slice): each secret is opened the first time it is
 * live and kept, since opening is what costs; which ones are live is decided at each `now`.
 */
export function signingSecrets(endpoint: Pick<Endpoint, 'signingSecret' | 'retiredSecrets'>, sealer: Sealer): (now: Date) => string[] {
  const retired = ((endpoint.retiredSecrets as unknown as RetiredSecret[] | null) ?? []).map((r) => ({ sealed: r.secret, expiresAt: Date.parse(r.expiresAt) }));
  const opened = new Map<string, string>();
  const open = (sealed: string) => {
    let secret = opened.get(sealed);
    if (secret === undefined) opened.set(sealed, (secret = sealer.open(sealed)));
    return secret;
  };
  return (now) => [endpoint.signingSecret, ...retired.filter((r) => r.expiresAt > now.getTime()).map((r) => r.sealed)].map(open);
}

export async function rotateEndpointSecret(
  { db, sealer }: { db: Db; sealer: Sealer },
  accountId: string,
  id: string,
  gracePeriodSeconds: number | null | undefined,
  now = new Date(),
): Promise<Endpoint> {
  const grace = gracePeriodSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_ROTATION_GRACE_SECONDS) {
    throw ValidationError.field(['gracePeriodSeconds'], `must be a whole number of seconds from 0 to ${MAX_ROTATION_GRACE_SECONDS} (7 days)`);
  }
  return db.$transaction(async (tx) => {
    // FOR UPDATE: two rotations at once must not both retire the same secret and lose one.
    if (!(await lockEndpoint(prismaSql(tx), { accountId, endpointId: id }))) throw new NotFoundError('Endpoint', id);
    const endpoint = await tx.endpoint.findUniqueOrThrow({ where: { id } });
    const stillLive = ((endpoint.retiredSecrets as unknown as RetiredSecret[] | null) ?? []).filter(
      (r) => new Date(r.expiresAt) > now,
    );
    const retired: RetiredSecret[] =
      grace > 0
        ? [{ secret: endpoint.signingSecret, expiresAt: new Date(now.getTime() + grace * 1000).toISOString() }, ...stillLive]
        : stillLive;
    return tx.endpoint.update({
      where: { id },
      // The retired secret keeps its seal; only the new one is sealed here.
      data: { signingSecret: sealer.seal(generateSigningSecret()), retiredSecrets: retired as unknown as Prisma.InputJsonValue },
    });
  });
}

/**
 * Moves an endpoint to PAUSED or DISABLED inside the caller's transaction (an operator's
 * pauseEndpoint, or the delivery side after exhaustion or a 410), unschedules its pending
 * deliveries and tells subscribers (and workers, which stop its lane at once). Returns null when
 * the endpoint was already in that status.
 */
export async function holdEndpoint(
  tx: Prisma.TransactionClient,
  endpoint: Pick<Endpoint, 'id' | 'accountId'>,
  status: 'PAUSED' | 'DISABLED',
  reason: string,
  now: Date,
): Promise<Endpoint | null> {
  const { count } = await tx.endpoint.updateMany({
    where: { id: endpoint.id, status: { not: status } },
    data: { status, pausedAt: now, pauseReason: reason },
  });
  if (count === 0) return null;
  // Held deliveries wait unscheduled until resume.
  await unscheduleDeliveries(prismaSql(tx), { endpointId: endpoint.id });
  await notifyEndpointStatus(tx, { accountId: endpoint.accountId, endpointId: endpoint.id, status });
  return tx.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
}

export async function pauseEndpoint(deps: EndpointStatusDeps, accountId: string, id: string): Promise<Endpoint> {
  return deps.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findFirst({ where: { id, accountId } });
    if (!endpoint) throw new NotFoundError('Endpoint', id);
    if (endpoint.status === 'PAUSED') return endpoint;
    return (await holdEndpoint(tx, endpoint, 'PAUSED', 'Paused by an operator', deps.clock.now())) ?? endpoint;
  });
}

/** Back to ACTIVE; the deliveries held while paused are scheduled again, oldest first. */
export async function resumeEndpoint(deps: EndpointStatusDeps, accountId: string, id: string): Promise<Endpoint> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.endpoint.updateMany({
      where: { id, accountId, status: { in: ['PAUSED', 'DISABLED'] } },
      data: { status: 'ACTIVE', pausedAt: null, pauseReason: null },
    });
    const endpoint = await tx.endpoint.findFirst({ where: { id, accountId } });
    if (!endpoint) throw new NotFoundError('Endpoint', id);
    if (count > 0) {
      await scheduleHeldDeliveries(tx, id, deps.clock.now());
      await notifyEndpointStatus(tx, { accountId, endpointId: id, status: 'ACTIVE' });
    }
    return endpoint;
  });
}
