// Live subscriptions over graphql-ws: every finished attempt and every endpoint status change of
// the viewer's account, from whichever process made it (Postgres LISTEN/NOTIFY, see server/pubsub.ts).
import { filter, pipe } from '@graphql-yoga/subscription';
import { matchesEventType } from '../domain/catalog.ts';
import { builder } from './builder.ts';
import './delivery.ts';

builder.subscriptionType({
  fields: (t) => ({
    deliveryAttempted: t.withAuth({ readAccount: true }).prismaField({
      type: 'DeliveryAttempt',
      description: "Every finished attempt of the viewer's account, as it happens, from whichever process made it.",
      args: { endpointId: t.arg.id(), eventTypes: t.arg.stringList() },
      subscribe: (_root, { endpointId, eventTypes }, ctx) =>
        pipe(
          ctx.services.pubsub.subscribe('attempt', ctx.account.id),
          filter((notice) => (!endpointId || notice.endpointId === endpointId) && (!eventTypes || matchesEventType(eventTypes, notice.eventType))),
        ),
      // The account filter again, beside the per-account topic: a notice never shows another's data.
      resolve: async (query, notice, _args, ctx) =>
        // By its delivery too: attempts are partitioned by their delivery's week.
        ctx.db.deliveryAttempt.findFirstOrThrow({
          ...query,
          where: {
            deliveryId: (notice as { deliveryId: string }).deliveryId,
            id: (notice as { attemptId: string }).attemptId,
            delivery: { accountId: ctx.account.id },
          },
        }),
    }),
    endpointStatusChanged: t.withAuth({ readAccount: true }).prismaField({
      type: 'Endpoint',
      args: { endpointId: t.arg.id() },
      subscribe: (_root, { endpointId }, ctx) =>
        pipe(
          ctx.services.pubsub.subscribe('endpointStatus', ctx.account.id),
          filter((notice) => !endpointId || notice.endpointId === endpointId),
        ),
      // The status is the one the notice announced: a pause quickly followed by a resume then
      // reads PAUSED, ACTIVE rather than the current row twice.
      resolve: async (query, notice, _args, ctx) => {
        const { endpointId, status } = notice as { endpointId: string; status: 'ACTIVE' | 'PAUSED' | 'DISABLED' };
        const endpoint = await ctx.db.endpoint.findUniqueOrThrow({ ...query, where: { id: endpointId, accountId: ctx.account.id } });
        return { ...endpoint, status };
      },
    }),
  }),
});
