// Event types: the built-in catalog and the account's own, with schemas and examples; the
// mutations that manage the account's own; and previewTransformation, which runs a transformation
// on a type's example.
import { sampleInput } from '../delivery/transform.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import {
  createEventType,
  listEventTypes,
  setEventTypeArchived,
  updateEventType,
  type EventTypeView,
} from '../domain/event-types.ts';
import { EVENT_TYPES } from '../domain/catalog.ts';
import { builder } from './builder.ts';
import { requireAccount } from './auth.ts';
import { asResult, resultUnion } from './errors.ts';

const EventTypeRef = builder.objectRef<EventTypeView>('EventType').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    schema: t.field({ type: 'JSON', description: "JSON Schema of the event's data.", resolve: (e) => e.schema }),
    example: t.field({ type: 'JSON', resolve: (e) => e.example }),
    custom: t.exposeBoolean('custom', { description: 'Defined by the account with createEventType, not built in.' }),
    archived: t.exposeBoolean('archived', { description: 'An archived type cannot be published; subscriptions and history stay.' }),
  }),
});

builder.queryField('eventTypes', (t) =>
  t.field({
    type: [EventTypeRef],
    description: "The built-in catalog, then the viewer's account's own types (without a key: the catalog).",
    resolve: (_root, _args, ctx) =>
      ctx.account ? listEventTypes(ctx.db, ctx.account.id) : EVENT_TYPES.map((e) => ({ ...e, custom: false, archived: false })),
  }),
);

const CreateEventTypeInput = builder.inputType('CreateEventTypeInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Lowercase segments separated by dots, e.g. message.status.' }),
    description: t.string({ required: true }),
    schema: t.field({ type: 'JSON', required: true, description: "JSON Schema of the event's data." }),
    example: t.field({ type: 'JSON', required: true, description: 'Must validate against schema.' }),
  }),
});

const UpdateEventTypeInput = builder.inputType('UpdateEventTypeInput', {
  fields: (t) => ({
    description: t.string(),
    schema: t.field({ type: 'JSON' }),
    example: t.field({ type: 'JSON' }),
  }),
});

const EventTypeSuccess = builder.simpleObject('EventTypeSuccess', { fields: (t) => ({ eventType: t.field({ type: EventTypeRef }) }) });
const EVENT_TYPE_ERRORS = [ValidationError, NotFoundError] as const;
const EventTypeResult = resultUnion('EventTypeResult', EventTypeSuccess, EVENT_TYPE_ERRORS);

builder.mutationFields((t) => ({
  createEventType: t.field({
    type: EventTypeResult,
    args: { input: t.arg({ type: CreateEventTypeInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const account = requireAccount(ctx);
      return asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await createEventType(ctx.db, account.id, input) }));
    },
  }),
  updateEventType: t.field({
    type: EventTypeResult,
    args: { name: t.arg.string({ required: true }), input: t.arg({ type: UpdateEventTypeInput, required: true }) },
    resolve: (_root, { name, input }, ctx) => {
      const account = requireAccount(ctx);
      return asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await updateEventType(ctx.db, account.id, name, input) }));
    },
  }),
  archiveEventType: t.field({
    type: EventTypeResult,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => {
      const account = requireAccount(ctx);
      return asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await setEventTypeArchived(ctx.db, account.id, name, true) }));
    },
  }),
  unarchiveEventType: t.field({
    type: EventTypeResult,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => {
      const account = requireAccount(ctx);
      return asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await setEventTypeArchived(ctx.db, account.id, name, false) }));
    },
  }),
}));

const TransformationPreview = builder.simpleObject('TransformationPreview', {
  fields: (t) => ({
    body: t.string({ description: 'The exact body that would be POSTed.' }),
    headers: t.field({ type: 'JSON', nullable: true, description: 'Headers the transformation adds.' }),
  }),
});
const PreviewTransformationResult = resultUnion('PreviewTransformationResult', TransformationPreview, [ValidationError]);

builder.queryField('previewTransformation', (t) =>
  t.field({
    type: PreviewTransformationResult,
    description: 'Runs a transformation on the example (or the given data) of an event type, without sending anything.',
    args: {
      transformation: t.arg.string({ required: true }),
      eventType: t.arg.string({ required: true }),
      data: t.arg({ type: 'JSON' }),
    },
    resolve: (_root, args, ctx) => {
      const account = requireAccount(ctx);
      return asResult([ValidationError], async () => {
        const type = (await listEventTypes(ctx.db, account.id)).find((e) => e.name === args.eventType);
        if (!type) throw ValidationError.field(['eventType'], `Unknown event type ${JSON.stringify(args.eventType)}; the eventTypes query lists them`);
        const transformer = await ctx.services.transformer();
        const result = await transformer.run(args.transformation, sampleInput(type.name, args.data ?? type.example));
        if (result.kind === 'error') {
          throw ValidationError.field(['transformation'], result.line === null ? result.message : `line ${result.line}: ${result.message}`);
        }
        return { body: result.body, headers: Object.keys(result.headers).length > 0 ? result.headers : null };
      });
    },
  }),
);
