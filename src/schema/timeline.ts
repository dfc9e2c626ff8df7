// Endpoint.timeline: attempts per hour for the dashboard's 24-hour chart. The endpoints asked for in
// one operation (a list page) are gathered and answered by one grouped query, not one each.
import { GraphQLError } from 'graphql';
import { endpointTimelines, isTimelineHours, TIMELINE_DEFAULT_HOURS, TIMELINE_MAX_HOURS, type TimelineBucket } from '../domain/timeline.ts';
import { builder } from './builder.ts';
import type { AccountContext } from './context.ts';
import './endpoint.ts';

const TimelineBucketRef = builder.objectRef<TimelineBucket>('TimelineBucket').implement({
  description: "One hour of an endpoint's delivery attempts.",
  fields: (t) => ({
    hour: t.expose('hour', { type: 'DateTime', description: 'Start of the hour (UTC).' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts that started in this hour, whatever their outcome.' }),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed', { description: 'Attempts that did not succeed (some of them will be retried).' }),
    successRate: t.exposeFloat('successRate', { nullable: true, description: 'succeeded / attempts; null for an hour without attempts.' }),
  }),
});

interface Batch {
  ids: Set<string>;
  result: Promise<Map<string, TimelineBucket[]>>;
}

// Per operation (its context) and per `hours`: the endpoints resolved in the same turn share a batch.
const batches = new WeakMap<AccountContext, Map<number, Batch>>();

function timelineOf(ctx: AccountContext, endpointId: string, hours: number): Promise<TimelineBucket[]> {
  const accountId = ctx.account.id;
  const byHours = batches.get(ctx) ?? new Map<number, Batch>();
  batches.set(ctx, byHours);
  let batch = byHours.get(hours);
  if (!batch) {
    const ids = new Set<string>();
    const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      byHours.delete(hours);
      return endpointTimelines(ctx.db, accountId, [...ids], hours);
    });
    batch = { ids, result };
    byHours.set(hours, batch);
  }
  batch.ids.add(endpointId);
  return batch.result.then((timelines) => timelines.get(endpointId)!);
}

builder.prismaObjectFields('Endpoint', (t) => ({
  timeline: t.withAuth({ readAccount: true }).field({
    type: [TimelineBucketRef],
    description: `Attempts per hour over the last \`hours\` hours (at most ${TIMELINE_MAX_HOURS}), the current hour last, empty hours included.`,
    args: { hours: t.arg.int({ defaultValue: TIMELINE_DEFAULT_HOURS, required: true }) },
    select: { id: true },
    resolve: (endpoint, { hours }, ctx) => {
      if (!isTimelineHours(hours)) {
        throw new GraphQLError(`hours must be from 1 to ${TIMELINE_MAX_HOURS}`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      return timelineOf(ctx, endpoint.id, hours);
    },
  }),
}));
