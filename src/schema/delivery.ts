// Delivery and DeliveryAttempt: their types, history queries with stats, and the delivery mutations.
import { recoverFailedDeliveries, retryDelivery } from '../domain/deliveries.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { sendTestEvent } from '../domain/events.ts';
import { deliveryStats, type DeliveryFilter, type DeliveryStats } from '../domain/stats.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { typeOfId } from '../db/ids.ts';
import { prismaSql } from '../db/sql.ts';
import { eventTypePageIds, statusPageIds } from '../db/sql/deliveries.ts';
import { historyBound } from '../db/sql/partitions.ts';
import { builder } from './builder.ts';
import { keysetPage, type PageQuery } from './keyset.ts';
import type { Context } from './context.ts';
import './endpoint.ts';
import { asResult, resultUnion } from './errors.ts';
import { sentBody } from './sent-body.ts';
import { listSize, MAX_PAGE_SIZE } from './cost.ts';

export const DeliveryStatusEnum = builder.enumType('DeliveryStatus', {
  values: {
    PENDING: { description: 'Waiting for its first or next attempt (also while held by a paused endpoint).' },
    SUCCEEDED: {},
    FAILED: { description: "Given up: retries exhausted, or a response that must not be retried." },
  } as const,
});

export const AttemptOutcomeEnum = builder.enumType('AttemptOutcome', {
  values: {
    SUCCESS: { description: 'A 2xx response within the timeout.' },
    HTTP_ERROR: { description: 'A non-2xx response.' },
    TIMEOUT: {},
    NETWORK_ERROR: { description: 'Connection refused or reset, DNS failure, TLS failure.' },
    BLOCKED: { description: 'The destination resolved to an address this deployment may not reach.' },
    TRANSFORM_FAILED: { description: "The endpoint's transformation failed on this delivery (see error); nothing was sent." },
  } as const,
});

const DeliveryStatsRef = builder.objectRef<DeliveryStats>('DeliveryStats').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    pending: t.exposeInt('pending'),
    successRate: t.exposeFloat('successRate', { nullable: true, description: 'succeeded / (succeeded + failed); null when nothing has finished.' }),
  }),
});

export const DeliveryRef = builder.prismaNode('Delivery', {
  authScopes: { readAccount: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, accountId: ctx.account?.id ?? '' }),
  fields: (t) => ({
    event: t.relation('event'),
    endpoint: t.relation('endpoint'),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    attemptCount: t.exposeInt('attemptCount'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    attempts: t.relation('attempts', {
      description: `In the order they were made; at most \`first\` of them (at most ${MAX_PAGE_SIZE}, and ${MAX_PAGE_SIZE} when not given).`,
      args: { first: t.arg.int() },
      query: ({ first }) => ({ orderBy: { attemptNumber: 'asc' }, take: listSize(first) }),
    }),
  }),
});

export const AttemptTriggerEnum = builder.enumType('AttemptTrigger', {
  values: {
    SCHEDULED: { description: "The delivery's first attempt or a retry of its schedule." },
    MANUAL: {
      description: 'retryDelivery or recoverFailedDeliveries: never announces exhaustion, never pauses or disables the endpoint, never moves the schedule on.',
    },
  } as const,
});

export const DeliveryAttemptRef = builder.prismaNode('DeliveryAttempt', {
  authScopes: { readAccount: true },
  id: { resolve: (attempt) => attempt.id },
  nullable: true,
  // The key is (delivery_id, attempt_number) (attempts are partitioned by their delivery's week):
  // the attempt is found by its id first (the hash index on delivery_attempt.id).
  findUnique: async (id, ctx) => {
    const found = await ctx.db.deliveryAttempt.findFirst({ where: { id }, select: { deliveryId: true, attemptNumber: true } });
    return {
      deliveryId_attemptNumber: { deliveryId: found?.deliveryId ?? '', attemptNumber: found?.attemptNumber ?? -1 },
      id,
      delivery: { accountId: ctx.account?.id ?? '' },
    };
  },
  fields: (t) => ({
    delivery: t.relation('delivery'),
    attemptNumber: t.exposeInt('attemptNumber'),
    outcome: t.expose('outcome', { type: AttemptOutcomeEnum }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    trigger: t.expose('trigger', { type: AttemptTriggerEnum }),
    requestHeaders: t.expose('requestHeaders', { type: 'JSON' }),
    requestBody: t.string({
      description:
        "The exact bytes POSTed: the same on every attempt of the delivery, stored once (its event's payload, or what the endpoint's transformation made of it).",
      ...sentBody,
    }),
    responseStatus: t.exposeInt('responseStatus', { nullable: true }),
    responseHeaders: t.expose('responseHeaders', { type: 'JSON', nullable: true }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: 'At most the first 64 KiB of the response body.' }),
    error: t.exposeString('error', { nullable: true }),
    willRetry: t.exposeBoolean('willRetry'),
  }),
});

/** The deliveries query's filter arguments: the domain's filter without the account, which is the caller's. */
type DeliveryArgs = Omit<DeliveryFilter, 'accountId'>;

function deliveryWhere(accountId: string, filter: DeliveryArgs): Prisma.DeliveryWhereInput {
  return {
    accountId,
    ...(filter.endpointId ? { endpointId: filter.endpointId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.eventType ? { eventType: filter.eventType } : {}),
    // The id bound walks only the ids of since's moment on (and prunes older weeks' partitions); a
    // minute's margin for the clock that made the id (ids.ts, partitions.ts historyBound), created_at the exact filter.
    ...(filter.since ? { createdAt: { gte: filter.since }, id: { gte: historyBound('dlv', new Date(filter.since.getTime() - 60_000)) } } : {}),
  };
}

/**
 * A page of deliveries, newest first. FAILED and PENDING are rare: the page's ids come from their
 * partial indexes (statusPageIds), and an account's page of one event type from its endpoints'
 * (endpoint_id, event_type, id) (eventTypePageIds); then Prisma reads those rows with the
 * connection's select. The other filters walk (endpoint_id | account_id [, event_type], id) from the cursor.
 */
async function deliveriesPage<Q extends PageQuery>(ctx: Context, query: Q, accountId: string, args: DeliveryArgs) {
  const rare = args.status === 'FAILED' || args.status === 'PENDING' ? args.status : null;
  // An account's page of one event type walks its endpoints' (endpoint_id, event_type, id), not the account's every delivery.
  const ofType = rare === null && !args.endpointId ? args.eventType || null : null;
  if (rare === null && ofType === null) {
    return ctx.db.delivery.findMany({ ...keysetPage(query, deliveryWhere(accountId, args)), orderBy: { id: 'desc' } });
  }
  const { cursor, skip: _skip, ...rest } = query;
  // Pothos asks for one row more than the page (hasNextPage); a backward page (take < 0) is the
  // |take| oldest above the cursor, which Prisma reads as such and hands back newest first.
  const take = rest.take ?? MAX_PAGE_SIZE + 1;
  const page = { accountId, since: args.since ?? null, cursor: cursor?.id ?? null, limit: Math.abs(take) };
  const ids = rare
    ? await statusPageIds(prismaSql(ctx.db), rare, take > 0, { ...page, endpointId: args.endpointId ?? null, eventType: args.eventType ?? null })
    : await eventTypePageIds(ctx.db, take > 0, { ...page, eventType: ofType!, succeededOnly: args.status === 'SUCCEEDED' });
  return ctx.db.delivery.findMany({ ...rest, where: { id: { in: ids }, accountId }, orderBy: { id: 'desc' } });
}

// totalCount and stats of one connection ask for the same counts: one query per operation and filter.
const countsByOperation = new WeakMap<object, Map<string, Promise<DeliveryStats>>>();

function statsOf(ctx: Context, filter: DeliveryFilter): Promise<DeliveryStats> {
  const cache = countsByOperation.get(ctx) ?? new Map<string, Promise<DeliveryStats>>();
  countsByOperation.set(ctx, cache);
  const key = JSON.stringify([filter.accountId, filter.endpointId ?? null, filter.status ?? null, filter.eventType ?? null, filter.since?.toISOString() ?? null]);
  let stats = cache.get(key);
  if (!stats) cache.set(key, (stats = deliveryStats(ctx.db, filter)));
  return stats;
}

/** An Endpoint is read only for its own account (its type's readAccount scope). */
function accountOf(ctx: Context): string {
  if (!ctx.account) throw new Error('an endpoint is read for its account');
  return ctx.account.id;
}

/**
 * Shared by Query.deliveries and Endpoint.deliveries. Its stats count everything the filters
 * select: the connection carries its parent (an Endpoint, or the root) and its arguments.
 */
const DeliveryConnection = builder.connectionObject(
  {
    type: DeliveryRef,
    name: 'DeliveryConnection',
    fields: (t) => ({
      stats: t.withAuth({ readAccount: true }).field({
        type: DeliveryStatsRef,
        description: "Counts over every delivery that the connection's filters select, not just this page.",
        resolve: (connection, _args, ctx) => {
          const { parent, args } = connection as unknown as { parent?: { id?: string }; args: DeliveryArgs };
          const endpointId = parent?.id && typeOfId(parent.id) === 'Endpoint' ? parent.id : args.endpointId;
          return statsOf(ctx, { ...args, accountId: ctx.account.id, endpointId });
        },
      }),
    }),
  },
  { name: 'DeliveryEdge' },
);

builder.prismaObjectFields('Endpoint', (t) => ({
  stats: t.field({
    type: DeliveryStatsRef,
    args: { since: t.arg({ type: 'DateTime' }) },
    select: { id: true, accountId: true },
    resolve: (endpoint, { since }, ctx) => statsOf(ctx, { accountId: endpoint.accountId, endpointId: endpoint.id, since }),
  }),
  // A query of its own (not a nested relation, which Prisma reads whole and pages in memory): one
  // LIMITed keyset scan of the index that matches the filter: (endpoint_id [, event_type], id), or a
  // rare status's partial index (deliveriesPage).
  deliveries: t.prismaConnection(
    {
      type: 'Delivery',
      cursor: 'id',
      args: { status: t.arg({ type: DeliveryStatusEnum }), eventType: t.arg.string() },
      totalCount: (endpoint, args, ctx) =>
        statsOf(ctx, { accountId: accountOf(ctx), endpointId: endpoint.id, status: args.status, eventType: args.eventType }).then((s) => s.total),
      resolve: (query, endpoint, args, ctx) => deliveriesPage(ctx, query, accountOf(ctx), { ...args, endpointId: endpoint.id }),
    },
    DeliveryConnection as never,
  ),
}));

builder.queryFields((t) => ({
  delivery: t.withAuth({ readAccount: true }).prismaField({
    type: 'Delivery',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => ctx.db.delivery.findFirst({ ...query, where: { id, accountId: ctx.account.id } }),
  }),
  deliveries: t.withAuth({ readAccount: true }).prismaConnection(
    {
      type: 'Delivery',
      cursor: 'id',
      args: {
        endpointId: t.arg.id(),
        status: t.arg({ type: DeliveryStatusEnum }),
        eventType: t.arg.string(),
        since: t.arg({ type: 'DateTime' }),
      },
      totalCount: (_root, args, ctx) => statsOf(ctx, { ...args, accountId: ctx.account.id }).then((s) => s.total),
      resolve: (query, _root, args, ctx) => deliveriesPage(ctx, query, ctx.account.id, args),
    },
    // The connection type is shared with Endpoint.deliveries, so it was built with the base context
    // type; TypeScript cannot see that the narrowed context is the same object at run time.
    DeliveryConnection as never,
  ),
}));

const DeliverySuccess = builder.simpleObject('DeliverySuccess', { fields: (t) => ({ delivery: t.field({ type: DeliveryRef }) }) });
const RecoverFailedDeliveriesSuccess = builder.simpleObject('RecoverFailedDeliveriesSuccess', {
  fields: (t) => ({ count: t.int({ description: 'How many failed deliveries were scheduled again.' }) }),
});
const DELIVERY_ERRORS = [ValidationError, NotFoundError] as const;
const DeliveryResult = resultUnion('DeliveryResult', DeliverySuccess, DELIVERY_ERRORS);
const RecoverFailedDeliveriesResult = resultUnion('RecoverFailedDeliveriesResult', RecoverFailedDeliveriesSuccess, DELIVERY_ERRORS);

builder.mutationFields((t) => ({
  sendTestEvent: t.withAuth({ writeAccount: true }).field({
    type: DeliveryResult,
    description: 'Delivers a webhook.test event (or the example of eventType) to this endpoint alone.',
    args: { endpointId: t.arg.id({ required: true }), eventType: t.arg.string() },
    resolve: (_root, { endpointId, eventType }, ctx) =>
      asResult(DELIVERY_ERRORS, async () => ({ delivery: await sendTestEvent(ctx.services, ctx.account.id, endpointId, eventType) })),
  }),
  retryDelivery: t.withAuth({ writeAccount: true }).field({
    type: DeliveryResult,
    description: "Schedules one more attempt now, whatever the delivery's status. The attempt is MANUAL (see AttemptTrigger).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult(DELIVERY_ERRORS, async () => ({ delivery: await retryDelivery(ctx.services, ctx.account.id, id) })),
  }),
  recoverFailedDeliveries: t.withAuth({ writeAccount: true }).field({
    type: RecoverFailedDeliveriesResult,
    args: { endpointId: t.arg.id({ required: true }), since: t.arg({ type: 'DateTime', required: true }) },
    resolve: (_root, { endpointId, since }, ctx) =>
      asResult(DELIVERY_ERRORS, async () => ({ count: await recoverFailedDeliveries(ctx.services, ctx.account.id, endpointId, since) })),
  }),
}));
