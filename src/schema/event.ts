// Event: its type, the event queries, and publishEvent.
import { MAX_BATCH_EVENTS, publishEvent, publishEvents } from '../domain/events.ts';
import { ValidationError } from '../domain/errors.ts';
import { builder } from './builder.ts';
import { asResult, resultUnion } from './errors.ts';
import { listSize, MAX_PAGE_SIZE } from './cost.ts';
import { keysetPage } from './keyset.ts';
import { prismaSql } from '../db/sql.ts';
import { countEvents, EXACT_EVENT_COUNT } from '../db/sql/event-counts.ts';

export const EventRef = builder.prismaNode('Event', {
  authScopes: { readAccount: true },
  id: { field: 'id', description: 'evt_ followed by a unique suffix; also the webhook-id header of every delivery.' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, accountId: ctx.account?.id ?? '' }),
  fields: (t) => ({
    type: t.exposeString('type'),
    sessionId: t.exposeString('sessionId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    data: t.expose('data', { type: 'JSON' }),
    payload: t.field({
      type: 'JSON',
      description: 'The exact JSON envelope POSTed to endpoints.',
      select: { payload: true },
      resolve: (event) => JSON.parse(event.payload),
    }),
    deliveries: t.relation('deliveries', {
      description: `One per endpoint the event went to, oldest first; at most \`first\` of them (at most ${MAX_PAGE_SIZE}, and ${MAX_PAGE_SIZE} when not given).`,
      args: { first: t.arg.int() },
      query: ({ first }) => ({ orderBy: { id: 'asc' }, take: listSize(first) }),
    }),
  }),
});

builder.queryFields((t) => ({
  event: t.withAuth({ readAccount: true }).prismaField({
    type: 'Event',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => ctx.db.event.findFirst({ ...query, where: { id, accountId: ctx.account.id } }),
  }),
  events: t.withAuth({ readAccount: true }).prismaConnection(
    {
      type: 'Event',
      cursor: 'id',
      args: { type: t.arg.string(), sessionId: t.arg.string() },
      totalCount: (_root, args, ctx) =>
        countEvents(prismaSql(ctx.db), { accountId: ctx.account.id, type: args.type ?? null, sessionId: args.sessionId ?? null }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.event.findMany({ ...keysetPage(query, eventWhere(ctx.account.id, args)), orderBy: { id: 'desc' } }),
    },
    {
      name: 'EventConnection',
      fields: (t) => ({
        totalCount: t.int({
          description: `The events the filters select: exact up to ${EXACT_EVENT_COUNT.toLocaleString('en-US')}; beyond that an estimate (Postgres's statistics of the table), so that counting never reads an account's whole history.`,
          resolve: (connection) => (connection as unknown as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
    { name: 'EventEdge' },
  ),
}));

function eventWhere(accountId: string, args: { type?: string | null; sessionId?: string | null }) {
  return { accountId, ...(args.type ? { type: args.type } : {}), ...(args.sessionId ? { sessionId: args.sessionId } : {}) };
}

const PublishEventInput = builder.inputType('PublishEventInput', {
  fields: (t) => ({
    type: t.string({ required: true }),
    sessionId: t.string(),
    data: t.field({ type: 'JSON', required: true }),
    idempotencyKey: t.string({ description: 'A repeat within 24 hours returns the first event and delivers nothing new.' }),
  }),
});

const PublishEventSuccess = builder.simpleObject('PublishEventSuccess', { fields: (t) => ({ event: t.field({ type: EventRef }) }) });
const PublishEventResult = resultUnion('PublishEventResult', PublishEventSuccess, [ValidationError]);

builder.mutationField('publishEvent', (t) =>
  t.withAuth({ writeAccount: true }).field({
    type: PublishEventResult,
    args: { input: t.arg({ type: PublishEventInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asResult([ValidationError], async () => ({ event: (await publishEvent(ctx.services, ctx.account.id, input)).event })),
  }),
);

const PublishEventsSuccess = builder.simpleObject('PublishEventsSuccess', {
  fields: (t) => ({
    events: t.field({ type: [EventRef], description: 'In the order of the inputs; a repeated idempotencyKey yields the first event.' }),
  }),
});
const PublishEventsResult = resultUnion('PublishEventsResult', PublishEventsSuccess, [ValidationError]);

builder.mutationField('publishEvents', (t) =>
  t.withAuth({ writeAccount: true }).field({
    type: PublishEventsResult,
    description: `Up to ${MAX_BATCH_EVENTS.toLocaleString('en-US')} events in one call and one transaction: all are accepted or none is. A ValidationError's field paths start with "inputs" and the index of the bad input.`,
    args: { inputs: t.arg({ type: [PublishEventInput], required: true }) },
    resolve: (_root, { inputs }, ctx) =>
      asResult([ValidationError], async () => ({
        events: (await publishEvents(ctx.services, ctx.account.id, inputs)).map((result) => result.event),
      })),
  }),
);
