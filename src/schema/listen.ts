// Subscription.signedRequestSent: the exact signed request of every attempt to one endpoint of the
// viewer's account, as it is recorded, for `hookwire listen` to re-send to a developer's laptop
// (a URL the service cannot reach). Built on the attempt notices of server/pubsub.ts.
import { filter, pipe } from '@graphql-yoga/subscription';
import { GraphQLError } from 'graphql';
import { builder } from './builder.ts';
import { AttemptTriggerEnum } from './delivery.ts';
import { sentBody } from './sent-body.ts';

const SignedRequestHeader = builder.simpleObject('SignedRequestHeader', {
  fields: (t) => ({ name: t.string(), value: t.string() }),
});

// A second shape of a DeliveryAttempt row (a Pothos variant), so its fields select from Prisma
// like the others and the attempt itself stays one `attempt` field away.
const SignedRequest = builder.prismaObject('DeliveryAttempt', {
  variant: 'SignedRequest',
  authScopes: { readAccount: true },
  description:
    'One request Hookwire sent to an endpoint, exactly as sent. POSTing `body` with `headers` elsewhere reproduces it: a receiver verifies its signatures as if it came from Hookwire (within their timestamp tolerance).',
  fields: (t) => ({
    attempt: t.variant('DeliveryAttempt', { description: 'The attempt as recorded: its outcome, response and timing at the real URL.' }),
    attemptNumber: t.exposeInt('attemptNumber'),
    trigger: t.expose('trigger', { type: AttemptTriggerEnum }),
    deliveryId: t.exposeID('deliveryId'),
    eventId: t.id({ select: { delivery: { select: { eventId: true } } }, resolve: (attempt) => attempt.delivery.eventId }),
    eventType: t.string({ select: { delivery: { select: { eventType: true } } }, resolve: (attempt) => attempt.delivery.eventType }),
    signedAt: t.expose('startedAt', { type: 'DateTime', description: 'When the request was signed and sent: its webhook-timestamp.' }),
    method: t.string({ description: 'Always POST.', resolve: () => 'POST' }),
    headers: t.field({
      type: [SignedRequestHeader],
      description: 'Every header Hookwire set, signatures included (not the transport ones: Host, Content-Length).',
      select: { requestHeaders: true },
      resolve: (attempt) => Object.entries(attempt.requestHeaders as Record<string, string>).map(([name, value]) => ({ name, value: String(value) })),
    }),
    body: t.string({
      description: "The exact bytes POSTed (UTF-8), the same on every attempt of the delivery: what the endpoint's transformation made of the event, or its payload.",
      ...sentBody,
    }),
  }),
});

builder.subscriptionField('signedRequestSent', (t) =>
  t.withAuth({ readAccount: true }).prismaField({
    type: SignedRequest,
    description:
      "The signed request of every attempt to one endpoint of the viewer's account, as each attempt is recorded, from whichever worker made it: what `hookwire listen` forwards to a local URL. An endpoint of another account, or none, is a NOT_FOUND error.",
    args: { endpointId: t.arg.id({ required: true }) },
    subscribe: async (_root, { endpointId }, ctx) => {
      const owned = await ctx.db.endpoint.findFirst({ where: { id: endpointId, accountId: ctx.account.id }, select: { id: true } });
      if (!owned) throw new GraphQLError(`No endpoint ${endpointId} in this account`, { extensions: { code: 'NOT_FOUND' } });
      return pipe(
        ctx.services.pubsub.subscribe('attempt', ctx.account.id),
        filter((notice) => notice.endpointId === endpointId),
      );
    },
    // The account and endpoint again, on every notice: what is sent is read only through them.
    resolve: (query, notice, { endpointId }, ctx) =>
      ctx.db.deliveryAttempt.findFirstOrThrow({
        ...query,
        where: { id: (notice as { attemptId: string }).attemptId, delivery: { accountId: ctx.account.id, endpointId } },
      }),
  }),
);
