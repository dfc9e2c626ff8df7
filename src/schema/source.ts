// Source: its type, the source queries and the source mutations (contract part "sources"). The
// writes are the domain's (domain/sources/manage.ts); the ingest route is the server's.
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { createSource, deleteSource, ingestUrl, isBrokerKind, updateSource } from '../domain/sources/manage.ts';
import { SOURCE_LIMITS } from '../limits.ts';
import { builder } from './builder.ts';
import { SignatureHeaderInput } from './endpoint.ts';
import { asResult, resultUnion } from './errors.ts';

const SourceKindEnum = builder.enumType('SourceKind', {
  values: {
    WHATSAPP_CLOUD: { description: "Meta's WhatsApp Business Platform webhooks: hub.challenge, X-Hub-Signature-256, entry[].changes[]." },
    SIGNED_HTTP: { description: 'Any sender that signs its POSTs with an HMAC header (the formats endpoints sign with).' },
    RABBITMQ: { description: 'Consumes a RabbitMQ queue.' },
    NATS: { description: 'A durable JetStream consumer.' },
    REDIS_STREAM: { description: 'A Redis stream read by a consumer group.' },
  } as const,
});

const SourceStatusEnum = builder.enumType('SourceStatus', {
  values: {
    ACTIVE: { description: 'Requests are taken.' },
    PAUSED: { description: 'Requests are answered 503 with Retry-After (the sender retries later); nothing is published.' },
    DISCONNECTED: { description: 'A broker source that cannot reach its broker now (see lastError).' },
  } as const,
});

const SourceBrokerStateEnum = builder.enumType('SourceBrokerState', {
  values: {
    CONNECTED: { description: 'A worker is connected to the broker and consuming.' },
    RECONNECTING: { description: 'The connection was lost or is being made; the worker retries with backoff.' },
    ERROR: { description: 'The broker refused the source (missing queue, wrong credentials, blocked address…); retried with backoff, see lastError.' },
  } as const,
});

interface SourceRequestShape {
  receivedAt: Date;
  status: number;
  error: string | null;
  events: number;
}

const SourceRequestRef = builder.objectRef<SourceRequestShape>('SourceRequest').implement({
  fields: (t) => ({
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    status: t.exposeInt('status', { description: 'HTTP status answered (or, for a broker source, 200 accepted / 400 dead-lettered).' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it was refused; null when accepted.' }),
    events: t.exposeInt('events', { description: 'How many events it made.' }),
  }),
});

const KEPT = SOURCE_LIMITS.recentRequestsMax;

export const SourceRef = builder.prismaNode('Source', {
  authScopes: { readAccount: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, accountId: ctx.account?.id ?? '' }),
  fields: (t) => ({
    kind: t.expose('kind', { type: SourceKindEnum }),
    name: t.exposeString('name'),
    status: t.expose('status', { type: SourceStatusEnum }),
    ingestUrl: t.string({
      nullable: true,
      description: 'Where the sender POSTs (HTTP kinds): <HOOKWIRE_PUBLIC_URL>/ingest/<id>. Null for broker kinds.',
      select: { id: true, kind: true },
      resolve: (source, _args, ctx) => (isBrokerKind(source.kind) ? null : ingestUrl(ctx.services.publicUrl(), source.id)),
    }),
    brokerUrl: t.string({ nullable: true, description: "The broker's URL, credentials masked.", select: { brokerUrlDisplay: true }, resolve: (s) => s.brokerUrlDisplay }),
    queue: t.exposeString('queue', { nullable: true, description: 'RABBITMQ: the queue consumed.' }),
    subject: t.exposeString('subject', { nullable: true, description: 'NATS: the subject filter of the durable consumer.' }),
    stream: t.exposeString('stream', { nullable: true, description: 'REDIS_STREAM: the stream key.' }),
    brokerState: t.expose('brokerState', {
      type: SourceBrokerStateEnum,
      nullable: true,
      description: 'Broker kinds: the consuming worker\'s connection as it last wrote it (every few seconds at most); null until a worker has started on it, and for HTTP kinds.',
    }),
    lag: t.int({
      nullable: true,
      description: 'Broker kinds: messages waiting in the broker, where it tells (RabbitMQ ready messages, JetStream num_pending, the Redis group lag).',
      select: { lag: true },
      resolve: (s) => (s.lag === null ? null : Number(s.lag)),
    }),
    lastErrorAt: t.expose('lastErrorAt', { type: 'DateTime', nullable: true }),
    eventType: t.exposeString('eventType', { nullable: true, description: 'SIGNED_HTTP: the type of the event each body becomes, unless the body names its own.' }),
    lastError: t.exposeString('lastError', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    recentRequests: t.field({
      type: [SourceRequestRef],
      description: `Newest first, at most ${KEPT}.`,
      args: { first: t.arg.int() },
      select: (args) => ({
        requests: { orderBy: { id: 'desc' }, take: Math.max(0, Math.min(args.first ?? KEPT, KEPT)), select: { receivedAt: true, status: true, error: true, events: true } },
      }),
      resolve: (source) => source.requests,
    }),
  }),
});

builder.queryFields((t) => ({
  source: t.withAuth({ readAccount: true }).prismaField({
    type: 'Source',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => ctx.db.source.findFirst({ ...query, where: { id, accountId: ctx.account.id } }),
  }),
  sources: t.withAuth({ readAccount: true }).prismaConnection(
    {
      type: 'Source',
      cursor: 'id',
      totalCount: (_root, _args, ctx) => ctx.db.source.count({ where: { accountId: ctx.account.id } }),
      resolve: (query, _root, _args, ctx) => ctx.db.source.findMany({ ...query, where: { accountId: ctx.account.id }, orderBy: { id: 'desc' } }),
    },
    { name: 'SourceConnection' },
    { name: 'SourceEdge' },
  ),
}));

const L = SOURCE_LIMITS;

const CreateSourceInput = builder.inputType('CreateSourceInput', {
  fields: (t) => ({
    kind: t.field({ type: SourceKindEnum, required: true }),
    name: t.string({ required: true, description: `1 to ${L.nameMaxLength} characters.` }),
    appSecret: t.string({ description: "WHATSAPP_CLOUD: the Meta app secret that keys X-Hub-Signature-256 (stored sealed)." }),
    verifyToken: t.string({ description: 'WHATSAPP_CLOUD: the token Meta sends back as hub.verify_token (stored sealed).' }),
    signingSecret: t.string({ description: 'SIGNED_HTTP: the secret the sender signs with (stored sealed).' }),
    signatureHeader: t.field({ type: SignatureHeaderInput, description: 'SIGNED_HTTP: the header and format the sender writes; Standard Webhooks when absent.' }),
    eventType: t.string(),
    brokerUrl: t.string({ description: "Broker kinds: the broker's URL (stored sealed)." }),
    queue: t.string({ description: 'RABBITMQ: the queue consumed.' }),
    subject: t.string({ description: 'NATS: the subject filter of the durable consumer.' }),
    stream: t.string({ description: 'REDIS_STREAM: the stream key.' }),
  }),
});

const UpdateSourceInput = builder.inputType('UpdateSourceInput', {
  fields: (t) => ({
    name: t.string(),
    status: t.field({ type: SourceStatusEnum }),
    appSecret: t.string(),
    verifyToken: t.string(),
    signingSecret: t.string(),
    signatureHeader: t.field({ type: SignatureHeaderInput }),
    eventType: t.string(),
    brokerUrl: t.string(),
    queue: t.string(),
    subject: t.string(),
    stream: t.string(),
  }),
});

const SourceSuccess = builder.simpleObject('SourceSuccess', { fields: (t) => ({ source: t.field({ type: SourceRef }) }) });
const DeleteSourceSuccess = builder.simpleObject('DeleteSourceSuccess', { fields: (t) => ({ id: t.id() }) });

const SOURCE_ERRORS = [ValidationError, NotFoundError] as const;
const SourceResult = resultUnion('SourceResult', SourceSuccess, SOURCE_ERRORS);
const DeleteSourceResult = resultUnion('DeleteSourceResult', DeleteSourceSuccess, [NotFoundError]);

builder.mutationFields((t) => ({
  createSource: t.withAuth({ writeAccount: true }).field({
    type: SourceResult,
    args: { input: t.arg({ type: CreateSourceInput, required: true }) },
    resolve: (_root, { input }, ctx) => asResult(SOURCE_ERRORS, async () => ({ source: await createSource(ctx.services, ctx.account.id, input) })),
  }),
  updateSource: t.withAuth({ writeAccount: true }).field({
    type: SourceResult,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateSourceInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => asResult(SOURCE_ERRORS, async () => ({ source: await updateSource(ctx.services, ctx.account.id, id, input) })),
  }),
  deleteSource: t.withAuth({ writeAccount: true }).field({
    type: DeleteSourceResult,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => asResult([NotFoundError], async () => ({ id: await deleteSource(ctx.db, ctx.account.id, id) })),
  }),
}));
