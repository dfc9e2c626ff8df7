// Sources as an account manages them: create, update, delete, with their input checked (every bad
// field reported at once, nothing stored) and their secrets sealed before they are written.
import type { Db } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import type { Sealer } from '../../db/sealer.ts';
import type { Source } from '../../generated/prisma/client.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { SOURCE_LIMITS } from '../../limits.ts';
import { NotFoundError, ValidationError, type FieldError, hasNul, NUL_MESSAGE } from '../errors.ts';
import { normalizeSignatureHeader, validateOwnSecret, validateSignatureHeader } from '../signature-input.ts';
import { characters } from '../validation.ts';
import { checkBrokerUrl, isBrokerKind, sourceTargetErrors } from '../broker-target.ts';
import { brokerAddress } from '../../delivery/brokers/address.ts';
import type { BrokerKind } from '../../delivery/brokers/url.ts';
import { BlockedAddressError, type Resolve } from '../../delivery/ssrf.ts';

export type SourceKind = 'WHATSAPP_CLOUD' | 'SIGNED_HTTP' | BrokerKind;

export { isBrokerKind };

export type SourceStatus = 'ACTIVE' | 'PAUSED' | 'DISCONNECTED';

export interface SourceInput {
  kind?: SourceKind | null;
  name?: string | null;
  status?: SourceStatus | null;
  appSecret?: string | null;
  verifyToken?: string | null;
  signingSecret?: string | null;
  signatureHeader?: unknown;
  eventType?: string | null;
  brokerUrl?: string | null;
  queue?: string | null;
  subject?: string | null;
  stream?: string | null;
}

export interface SourceDeps {
  db: Db;
  sealer: Sealer;
  /** HOOKWIRE_ALLOW_PRIVATE_NETWORKS: when false, a broker host must resolve to public addresses only. */
  config: { allowPrivateNetworks: boolean };
  /** How broker host names are resolved (tests); dns.lookup by default. */
  resolve?: Resolve;
}

const L = SOURCE_LIMITS;

/** Where a source's ingest URLs live on the API's address. */
export const INGEST_PREFIX = '/ingest/';

/** The public URL a sender posts to: <HOOKWIRE_PUBLIC_URL>/ingest/<id>. */
export function ingestUrl(publicUrl: string, sourceId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${INGEST_PREFIX}${sourceId}`;
}
// An event type name as publishEvent takes it (the catalog's or the account's own, checked at publish).
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

function textProblem(value: string, min: number, max: number): string | null {
  if (hasNul(value)) return NUL_MESSAGE;
  const n = characters(value);
  if (value.trim() === '' || n < min || n > max) return `must be ${min} to ${max} characters long`;
  return null;
}

/** Every problem of the input for a source of `kind` (create: the required secrets must be there). */
function problems(input: SourceInput, kind: SourceKind, mode: 'create' | 'update'): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ path: ['input', field], message });
  const given = (v: unknown) => v !== undefined && v !== null;
  if (mode === 'create' || given(input.name)) {
    const p = typeof input.name === 'string' ? textProblem(input.name, 1, L.nameMaxLength) : 'is required';
    if (p) fail('name', p);
  }
  if (mode === 'update' && input.status === 'DISCONNECTED') fail('status', 'is set by Hookwire for a broker source that cannot reach its broker; choose ACTIVE or PAUSED');
  errors.push(...sourceTargetErrors(input, kind, mode));
  const broker = isBrokerKind(kind);
  if (broker) {
    for (const field of ['appSecret', 'verifyToken', 'signingSecret', 'signatureHeader', 'eventType'] as const) {
      if (given(input[field])) fail(field, `is not for ${kind} sources`);
    }
    return errors;
  }
  const whatsapp = kind === 'WHATSAPP_CLOUD';
  for (const field of ['appSecret', 'verifyToken'] as const) {
    const value = input[field];
    if (!whatsapp) {
      if (given(value)) fail(field, 'is for WHATSAPP_CLOUD sources only');
    } else if (mode === 'create' && !given(value)) {
      fail(field, field === 'appSecret' ? "is required: the Meta app's secret that keys X-Hub-Signature-256" : 'is required: the token Meta sends back as hub.verify_token');
    } else if (given(value)) {
      const p = textProblem(value!, 1, L.secretMaxLength);
      if (p) fail(field, p);
    }
  }
  for (const field of ['signingSecret', 'signatureHeader', 'eventType'] as const) {
    if (whatsapp && given(input[field])) fail(field, 'is for SIGNED_HTTP sources only');
  }
  if (!whatsapp) {
    if (mode === 'create' && !given(input.signingSecret)) fail('signingSecret', 'is required: the secret the sender signs with');
    else if (given(input.signingSecret)) errors.push(...validateOwnSecret(input.signingSecret));
    if (given(input.signatureHeader)) errors.push(...validateSignatureHeader(input.signatureHeader));
    if (given(input.eventType) && (input.eventType!.length > 100 || !EVENT_TYPE.test(input.eventType!))) {
      fail('eventType', 'must be an event type name such as message.received (at most 100 characters)');
    }
  }
  return errors;
}

/** The columns an input sets: secrets sealed, absent fields left alone (null clears only what may be null). */
function columns(deps: SourceDeps, input: SourceInput) {
  const data: Prisma.SourceUncheckedUpdateInput = {};
  if (input.name != null) data.name = input.name.trim();
  if (input.status != null) data.status = input.status;
  if (input.appSecret != null) data.appSecret = deps.sealer.seal(input.appSecret);
  if (input.verifyToken != null) data.verifyToken = deps.sealer.seal(input.verifyToken);
  if (input.signingSecret != null) data.signingSecret = deps.sealer.seal(input.signingSecret);
  if (input.signatureHeader !== undefined) {
    data.signatureHeader = input.signatureHeader === null ? Prisma.DbNull : (normalizeSignatureHeader(input.signatureHeader) as unknown as Prisma.InputJsonValue);
  }
  if (input.eventType !== undefined) data.eventType = input.eventType;
  for (const field of ['queue', 'subject', 'stream'] as const) if (input[field] != null) data[field] = input[field]!;
  return data;
}

/**
 * The broker URL's columns, checked for `kind` (scheme, parts) and, unless private networks are
 * allowed, for where its host resolves: the worker checks again on every connect, this only says
 * so at once. Problems are field errors on brokerUrl; the URL itself never appears in them.
 */
async function brokerUrlColumns(deps: SourceDeps, kind: BrokerKind, raw: string): Promise<{ brokerUrl: string; brokerUrlDisplay: string }> {
  const { url, problems } = checkBrokerUrl(raw, kind, { nameWholeUrl: true });
  if (!url) throw new ValidationError(problems.map((message) => ({ path: ['input', 'brokerUrl'], message })));
  if (!deps.config.allowPrivateNetworks) {
    try {
      await brokerAddress(url, { allowPrivateNetworks: false, resolve: deps.resolve });
    } catch (error) {
      if (error instanceof BlockedAddressError) throw ValidationError.field(['input', 'brokerUrl'], error.message);
      throw ValidationError.field(['input', 'brokerUrl'], `host ${url.host} does not resolve (${(error as { code?: string }).code ?? 'lookup failed'})`);
    }
  }
  return { brokerUrl: deps.sealer.seal(raw.trim()), brokerUrlDisplay: url.display };
}

export async function createSource(deps: SourceDeps, accountId: string, input: SourceInput): Promise<Source> {
  const kind = input.kind;
  if (kind !== 'WHATSAPP_CLOUD' && kind !== 'SIGNED_HTTP' && !(typeof kind === 'string' && isBrokerKind(kind))) {
    throw ValidationError.field(['input', 'kind'], 'must be WHATSAPP_CLOUD, SIGNED_HTTP, RABBITMQ, NATS or REDIS_STREAM');
  }
  const errors = problems(input, kind, 'create');
  if (errors.length > 0) throw new ValidationError(errors);
  const broker = isBrokerKind(kind) ? await brokerUrlColumns(deps, kind, input.brokerUrl!) : {};
  const count = await deps.db.source.count({ where: { accountId } });
  if (count >= L.perAccountMax) throw ValidationError.field(['input'], `an account may have at most ${L.perAccountMax} sources; delete one first`);
  return deps.db.source.create({
    data: { ...(columns(deps, input) as Prisma.SourceUncheckedCreateInput), ...broker, id: newId('Source'), accountId, kind, name: input.name!.trim() },
  });
}

export async function updateSource(deps: SourceDeps, accountId: string, id: string, input: SourceInput): Promise<Source> {
  const source = await deps.db.source.findFirst({ where: { id, accountId }, select: { kind: true } });
  if (!source) throw new NotFoundError('Source', id);
  const errors = problems(input, source.kind, 'update');
  if (errors.length > 0) throw new ValidationError(errors);
  const broker = isBrokerKind(source.kind) && input.brokerUrl != null ? await brokerUrlColumns(deps, source.kind, input.brokerUrl) : {};
  const { count } = await deps.db.source.updateMany({ where: { id, accountId }, data: { ...columns(deps, input), ...broker } });
  if (count === 0) throw new NotFoundError('Source', id);
  return deps.db.source.findFirstOrThrow({ where: { id, accountId } });
}

/** Removes the source with its recorded requests; its ingest URL answers 404 from then on. */
export async function deleteSource(db: Db, accountId: string, id: string): Promise<string> {
  const { count } = await db.source.deleteMany({ where: { id, accountId } });
  if (count === 0) throw new NotFoundError('Source', id);
  return id;
}
