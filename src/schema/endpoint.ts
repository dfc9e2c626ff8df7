// Endpoint: its type, the endpoint queries, and the endpoint mutations.
import {
  destinationOf,
  openHeaders,
  createEndpoint,
  deleteEndpoint,
  pauseEndpoint,
  resumeEndpoint,
  rotateEndpointSecret,
  updateEndpoint,
} from '../domain/endpoints.ts';
import { NotFoundError, ValidationError, VerificationError } from '../domain/errors.ts';
import { signatureHeaderOf, type SignatureHeaderConfig } from '../domain/signature-input.ts';
import type { EndpointDestination } from '../domain/endpoint-input.ts';
import { ENDPOINT_LIMITS, SECRET_LIMITS } from '../limits.ts';
import { assertFeatures, type Feature } from './auth.ts';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { asResult, resultUnion } from './errors.ts';

export const EndpointStatusEnum = builder.enumType('EndpointStatus', {
  values: {
    ACTIVE: { description: 'Deliveries are attempted.' },
    PAUSED: { description: 'Deliveries are recorded and held, not attempted, until resumeEndpoint.' },
    DISABLED: { description: 'The receiver asked to stop (HTTP 410) or an operator disabled it; held like PAUSED.' },
  } as const,
});

const SignatureFormatEnum = builder.enumType('SignatureFormat', {
  description: 'How the hex signature header (the one beside the Standard Webhooks headers) is written.',
  values: {
    SHA256_HEX: { description: 'sha256=<hex HMAC-SHA256(secret, raw body)>: the default.' },
    HEX: { description: '<hex HMAC-SHA256(secret, raw body)>, without a prefix.' },
    SHA256_HEX_TIMESTAMPED: { description: "sha256=<hex HMAC-SHA256(secret, '<unix seconds>.<raw body>')>; the seconds travel in timestampHeader." },
  } as const,
});

const SignatureHeaderRef = builder.objectRef<SignatureHeaderConfig>('SignatureHeader').implement({
  fields: (t) => ({
    name: t.exposeString('name', { description: "The header's name; x-webhook-signature by default." }),
    format: t.field({ type: SignatureFormatEnum, resolve: (h) => h.format }),
    timestampHeader: t.exposeString('timestampHeader', {
      nullable: true,
      description: 'The header that carries the signed unix seconds (SHA256_HEX_TIMESTAMPED only).',
    }),
  }),
});

export const SignatureHeaderInput = builder.inputType('SignatureHeaderInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    format: t.field({ type: SignatureFormatEnum, required: true }),
    timestampHeader: t.string(),
  }),
});

const DestinationKindEnum = builder.enumType('DestinationKind', {
  values: {
    HTTP: { description: 'An HTTP POST to the url: the default.' },
    RABBITMQ: { description: 'Published to a RabbitMQ exchange (publisher confirms, mandatory); url is amqp:// or amqps://.' },
    NATS: { description: 'Published to a NATS JetStream subject (the publish ack); url is nats:// or tls://.' },
    REDIS_STREAM: { description: 'Added to a Redis stream (XADD); url is redis:// or rediss://.' },
  } as const,
});

const DestinationRef = builder.objectRef<EndpointDestination>('Destination').implement({
  description: 'Where the endpoint delivers. Every kind gets the same body and signature headers, retries, history and limits.',
  fields: (t) => ({
    kind: t.field({ type: DestinationKindEnum, resolve: (d) => d.kind }),
    exchange: t.string({
      nullable: true,
      description: "RABBITMQ: the exchange published to ('' is the default exchange).",
      resolve: (d) => (d.kind === 'RABBITMQ' ? d.exchange : null),
    }),
    routingKey: t.string({
      nullable: true,
      description: 'RABBITMQ: the routing key; the event type when null.',
      resolve: (d) => (d.kind === 'RABBITMQ' ? d.routingKey : null),
    }),
    subject: t.string({
      nullable: true,
      description: 'NATS: the JetStream subject; may hold {type}, replaced by the event type.',
      resolve: (d) => (d.kind === 'NATS' ? d.subject : null),
    }),
    stream: t.string({ nullable: true, description: 'REDIS_STREAM: the stream key.', resolve: (d) => (d.kind === 'REDIS_STREAM' ? d.stream : null) }),
  }),
});

const DestinationInput = builder.inputType('DestinationInput', {
  description: "A broker kind's url (the endpoint's) must be that broker's; the fields of other kinds must be absent.",
  fields: (t) => ({
    kind: t.field({ type: DestinationKindEnum, required: true }),
    exchange: t.string({ description: "RABBITMQ: '' or absent for the default exchange." }),
    routingKey: t.string({ description: 'RABBITMQ: absent to route by the event type.' }),
    subject: t.string({ description: 'NATS: required; {type} becomes the event type.' }),
    stream: t.string({ description: 'REDIS_STREAM: required.' }),
  }),
});

export const EndpointRef = builder.prismaNode('Endpoint', {
  authScopes: { readAccount: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, accountId: ctx.account?.id ?? '' }),
  fields: (t) => ({
    url: t.exposeString('url', { description: "The receiver's URL, or a broker destination's URL with its password masked (stored sealed)." }),
    destination: t.field({
      type: DestinationRef,
      select: { destinationKind: true, exchange: true, routingKey: true, subject: true, stream: true },
      resolve: (endpoint) => destinationOf(endpoint),
    }),
    description: t.exposeString('description'),
    eventTypes: t.exposeStringList('eventTypes', {
      description: "Exact event type names, '*' for all, or a prefix wildcard such as 'message.*'.",
    }),
    sessionIds: t.stringList({
      nullable: true,
      description: 'Only events of these WhatsApp sessions; null means every session.',
      select: { sessionIds: true },
      resolve: (endpoint) => (endpoint.sessionIds.length > 0 ? endpoint.sessionIds : null),
    }),
    status: t.expose('status', { type: EndpointStatusEnum }),
    signingSecret: t.string({
      authScopes: { feature: 'secrets' },
      description: 'whsec_ followed by base64 of 32 random bytes, unless the endpoint was given its own. (Stored sealed.)',
      select: { signingSecret: true },
      resolve: (endpoint, _args, ctx) => ctx.services.sealer.open(endpoint.signingSecret),
    }),
    rateLimitPerSecond: t.exposeInt('rateLimitPerSecond', {
      nullable: true,
      description: 'At most this many attempts start per second; null means no limit.',
    }),
    timeoutMs: t.exposeInt('timeoutMs'),
    retrySchedule: t.intList({
      description: "Seconds to wait before each retry; its length is the number of retries.",
      select: { retrySchedule: true },
      resolve: (endpoint, _args, ctx) => (endpoint.retrySchedule as number[] | null) ?? [...ctx.config.retrySchedule],
    }),
    headers: t.field({
      type: 'JSON',
      nullable: true,
      authScopes: { feature: 'customHeaders' },
      description: 'Extra HTTP headers sent with every delivery. (Values stored sealed, and shown as [redacted] in stored attempts.)',
      select: { headers: true },
      resolve: (endpoint, _args, ctx) => openHeaders(ctx.services.sealer, endpoint.headers),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', nullable: true }),
    pauseReason: t.exposeString('pauseReason', { nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', {
      description: 'Scheduled attempts that failed in a row since the last success (a failed manual retry does not count).',
    }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'When that run of failures began; null when the last attempt succeeded.',
    }),
    failing: t.boolean({
      description: 'endpoint.failing was announced for the current run of failures (HOOKWIRE_FAILING_AFTER in a row); endpoint.recovered ends it.',
      select: { failingNotifiedAt: true },
      resolve: (endpoint) => endpoint.failingNotifiedAt !== null,
    }),
    recoveredAt: t.expose('recoveredAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The last time an attempt succeeded after the endpoint was failing.',
    }),
    concurrencyLimit: t.exposeInt('concurrencyLimit', {
      nullable: true,
      description:
        "At most this many attempts to this endpoint are in flight at once, across every worker process; null means the deployment's default (HOOKWIRE_ENDPOINT_CONCURRENCY).",
    }),
    ordered: t.exposeBoolean('ordered', {
      description: 'Deliveries to this endpoint are attempted one at a time, in publish order: each waits until the one before it has SUCCEEDED or FAILED.',
    }),
    filter: t.expose('filter', {
      type: 'JSON',
      nullable: true,
      authScopes: { feature: 'filters' },
      description:
        'Only events whose envelope matches this JSON filter get a delivery to this endpoint, decided when the event is published. Nested objects match nested fields; operators: $eq $neq $gt $gte $lt $lte $in $nin $exists $startsWith $endsWith $and $or $not. Example: {"data": {"status": {"$in": ["read", "failed"]}}}. Null: every event.',
    }),
    signatureHeader: t.field({
      type: SignatureHeaderRef,
      select: { signatureHeader: true },
      resolve: (endpoint) => signatureHeaderOf(endpoint.signatureHeader),
    }),
    transformation: t.exposeString('transformation', {
      nullable: true,
      authScopes: { feature: 'transformations' },
      description:
        'JavaScript run in a sandbox before a delivery is first signed: function handler(webhook) { ...; return webhook }, where webhook has eventType, eventId, payload (the envelope, parsed) and headers; the returned payload is the body POSTed.',
    }),
  }),
});

builder.queryFields((t) => ({
  endpoint: t.withAuth({ readAccount: true }).prismaField({
    type: 'Endpoint',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => ctx.db.endpoint.findFirst({ ...query, where: { id, accountId: ctx.account.id } }),
  }),
  endpoints: t.withAuth({ readAccount: true }).prismaConnection(
    {
      type: 'Endpoint',
      cursor: 'id',
      args: { status: t.arg({ type: EndpointStatusEnum }) },
      totalCount: (_root, { status }, ctx) => ctx.db.endpoint.count({ where: { accountId: ctx.account.id, ...(status ? { status } : {}) } }),
      resolve: (query, _root, { status }, ctx) =>
        ctx.db.endpoint.findMany({
          ...query,
          where: { accountId: ctx.account.id, ...(status ? { status } : {}) },
          orderBy: { id: 'desc' },
        }),
    },
    { name: 'EndpointConnection' },
    { name: 'EndpointEdge' },
  ),
}));

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

const L = ENDPOINT_LIMITS;

/**
 * Create and update take the same fields; on create the first three are required. Their rules are
 * the domain's (domain/endpoint-input.ts), which parses what arrives here; the descriptions read
 * the same limits so that the schema tells what the API enforces.
 */
const endpointInputFields = (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>, create: boolean) => ({
  url: t.string({
    required: create,
    description: `An absolute https URL, or the broker's URL for a broker destination (credentials stored sealed); at most ${L.urlMaxLength} characters.`,
  }),
  destination: t.field({ type: DestinationInput, description: create ? 'HTTP when absent.' : 'Replaces the destination; absent: unchanged.' }),
  description: t.string({ required: create, description: `At most ${L.descriptionMaxLength} characters.` }),
  eventTypes: t.stringList({
    required: create,
    description: `1 to ${L.eventTypesMax} event type names, '*' for all, or prefix wildcards such as 'message.*'.`,
  }),
  sessionIds: t.stringList({ description: `At most ${L.sessionIdsMax}, each at most ${L.sessionIdMaxLength} characters; null: every session.` }),
  rateLimitPerSecond: t.int({ description: `${L.rateLimitMin} to ${L.rateLimitMax}; null: no limit.` }),
  timeoutMs: t.int({ description: `${L.timeoutMsMin} to ${L.timeoutMsMax}; null: ${L.timeoutMsDefault}.` }),
  retrySchedule: t.intList({
    description: `At most ${L.retryScheduleMax} delays of ${L.retryDelayMinSeconds} to ${L.retryDelayMaxSeconds} seconds; null: the deployment's default.`,
  }),
  headers: t.field({
    type: 'JSON',
    description: `At most ${L.headersMax} header names to string values (values at most ${L.headerValueMaxLength} characters); not the ones Hookwire sets.`,
  }),
  verifyToken: t.string({
    description: create ? 'When given, the URL must pass the hub.challenge handshake before the endpoint is saved.' : undefined,
  }),
  concurrencyLimit: t.int({ description: `${L.concurrencyLimitMin} to ${L.concurrencyLimitMax}; null: the deployment's default.` }),
  ordered: t.boolean(),
  signingSecret: t.string({
    description: create
      ? `The endpoint's own signing secret (${SECRET_LIMITS.minLength} to ${SECRET_LIMITS.maxLength} printable ASCII characters), for receivers that already hold one; a whsec_ secret is generated when absent.`
      : 'Replaces the secret at once; rotateEndpointSecret keeps the old one signing for a grace period.',
  }),
  signatureHeader: t.field({ type: SignatureHeaderInput }),
  transformation: t.string({
    description: `At most ${L.transformationMaxBytes / 1024} KiB of JavaScript.${create ? '' : ' An empty string removes the transformation.'}`,
  }),
  filter: t.field({ type: 'JSON', description: create ? undefined : 'An empty object removes the filter.' }),
});

const CreateEndpointInput = builder.inputType('CreateEndpointInput', {
  fields: (t) => endpointInputFields(t, true),
});
const UpdateEndpointInput = builder.inputType('UpdateEndpointInput', {
  fields: (t) => endpointInputFields(t, false),
});

const EndpointSuccess = builder.simpleObject('EndpointSuccess', { fields: (t) => ({ endpoint: t.field({ type: EndpointRef }) }) });
const DeleteEndpointSuccess = builder.simpleObject('DeleteEndpointSuccess', { fields: (t) => ({ deletedId: t.id() }) });

const ENDPOINT_ERRORS = [ValidationError, NotFoundError, VerificationError] as const;
const EndpointResult = resultUnion('EndpointResult', EndpointSuccess, ENDPOINT_ERRORS);
const DeleteEndpointResult = resultUnion('DeleteEndpointResult', DeleteEndpointSuccess, [NotFoundError]);

/** The parts of the product an endpoint input sets (a portal session may have them turned off). */
function featuresUsed(input: { headers?: unknown; signingSecret?: unknown; transformation?: unknown; filter?: unknown }): Feature[] {
  const used: Feature[] = [];
  if (input.headers != null) used.push('customHeaders');
  if (input.signingSecret != null) used.push('secrets');
  if (input.transformation != null) used.push('transformations');
  if (input.filter != null) used.push('filters');
  return used;
}

function deps(ctx: Context) {
  const { dispatcher, transformer, sealer } = ctx.services;
  return { db: ctx.db, config: ctx.config, dispatcher, transformer, sealer };
}

builder.mutationFields((t) => ({
  createEndpoint: t.withAuth({ writeAccount: true }).field({
    type: EndpointResult,
    args: { input: t.arg({ type: CreateEndpointInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asResult(ENDPOINT_ERRORS, async () => {
        assertFeatures(ctx, featuresUsed(input));
        return { endpoint: await createEndpoint(deps(ctx), ctx.account.id, input) };
      }),
  }),
  updateEndpoint: t.withAuth({ writeAccount: true }).field({
    type: EndpointResult,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateEndpointInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      asResult(ENDPOINT_ERRORS, async () => {
        assertFeatures(ctx, featuresUsed(input));
        return { endpoint: await updateEndpoint(deps(ctx), ctx.account.id, id, input) };
      }),
  }),
  deleteEndpoint: t.withAuth({ writeAccount: true }).field({
    type: DeleteEndpointResult,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult([NotFoundError], async () => ({ deletedId: await deleteEndpoint(ctx.db, ctx.account.id, id) })),
  }),
  rotateEndpointSecret: t.withAuth({ $all: { writeAccount: true, feature: 'secrets' } }).field({
    type: EndpointResult,
    description: 'The old secret keeps signing beside the new one for the grace period (default 24 hours).',
    args: { id: t.arg.id({ required: true }), gracePeriodSeconds: t.arg.int() },
    resolve: (_root, { id, gracePeriodSeconds }, ctx) =>
      asResult(ENDPOINT_ERRORS, async () => ({ endpoint: await rotateEndpointSecret(ctx.services, ctx.account.id, id, gracePeriodSeconds) })),
  }),
  pauseEndpoint: t.withAuth({ writeAccount: true }).field({
    type: EndpointResult,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult(ENDPOINT_ERRORS, async () => ({ endpoint: await pauseEndpoint(ctx.services, ctx.account.id, id) })),
  }),
  resumeEndpoint: t.withAuth({ writeAccount: true }).field({
    type: EndpointResult,
    description: 'Held deliveries are scheduled again, oldest first.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult(ENDPOINT_ERRORS, async () => ({ endpoint: await resumeEndpoint(ctx.services, ctx.account.id, id) })),
  }),
}));
