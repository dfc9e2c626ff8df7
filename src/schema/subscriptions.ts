// Live subscriptions over graphql-ws: every finished attempt and every endpoint status change of
// the viewer's account, from whichever process made it (Postgres LISTEN/NOTIFY, see server/pubsub.ts).
import { filter, pipe } from '@graphql-yoga/subscription';
import { GraphQLError } from 'graphql';
import { matchesEventType } from '../domain/catalog.ts';
import { builder } from './builder.ts';
import { requireAccount } from './auth.ts';
import type { Context } from '../server/context.ts';
import './delivery.ts';

function pubsubOf(ctx: Context) {
  if (!ctx.services.pubsub) throw new GraphQLError('Subscriptions are served by API processes only');
  return ctx.services.pubsub;
}

builder.subscriptionType({
  fields: (t) => ({
    deliveryAttempted: t.prismaField({
      type: 'DeliveryAttempt',
      description: "Every finished attempt of the viewer's account, as it happens, from whichever process made it.",
      args: { endpointId: t.arg.id(), eventTypes: t.arg.stringList() },
      subscribe: (_root, { endpointId, eventTypes }, ctx) => {
        const account = requireAccount(ctx);
        return pipe(
          pubsubOf(ctx).subscribe('attempt', account.id),
          filter((notice) => (!endpointId || notice.endpointId === endpointId) && (!eventTypes || matchesEventType(eventTypes, notice.eventType))),
        );
      },
      // The account filter again, beside the per-account topic: a notice never shows another's data.
      resolve: async (query, notice, _args, ctx) =>
        ctx.db.deliveryAttempt.findUniqueOrThrow({
          ...query,
          where: { id: (notice as { attemptId: string }).attemptId, delivery: { accountId: requireAccount(ctx).id } },
        }),
    }),
    endpointStatusChanged: t.prismaField({
      type: 'Endpoint',
      args: { endpointId: t.arg.id() },
      subscribe: (_root, { endpointId }, ctx) => {
        const account = requireAccount(ctx);
        return pipe(
          pubsubOf(ctx).subscribe('endpointStatus', account.id),
          filter((notice) => !endpointId || notice.endpointId === endpointId),
        );
      },
      // The status is the one the notice announced: a pause quickly followed by a resume then
      // reads PAUSED, ACTIVE rather than the current row twice.
      resolve: async (query, notice, _args, ctx) => {
        const { endpointId, status } = notice as { endpointId: string; status: 'ACTIVE' | 'PAUSED' | 'DISABLED' };
        const endpoint = await ctx.db.endpoint.findUniqueOrThrow({ ...query, where: { id: endpointId, accountId: requireAccount(ctx).id } });
        return { ...endpoint, status };
      },
    }),
  }),
});
