// Event types: the built-in catalog and the account's own, with schemas and examples; the
// mutations that manage the account's own; and previewTransformation, which runs a transformation
// on a type's example.
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import {
  createEventType,
  listEventTypes,
  setEventTypeArchived,
  updateEventType,
  type EventTypeView,
} from '../domain/event-types.ts';
import { EVENT_TYPES } from '../domain/catalog.ts';
import { previewTransformation } from '../domain/transformation-preview.ts';
import { builder } from './builder.ts';
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
  t.withAuth({ anyone: true }).field({
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
  createEventType: t.withAuth({ writeAccount: true }).field({
    type: EventTypeResult,
    args: { input: t.arg({ type: CreateEventTypeInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await createEventType(ctx.db, ctx.account.id, input) })),
  }),
  updateEventType: t.withAuth({ writeAccount: true }).field({
    type: EventTypeResult,
    args: { name: t.arg.string({ required: true }), input: t.arg({ type: UpdateEventTypeInput, required: true }) },
    resolve: (_root, { name, input }, ctx) =>
      asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await updateEventType(ctx.db, ctx.account.id, name, input) })),
  }),
  archiveEventType: t.withAuth({ writeAccount: true }).field({
    type: EventTypeResult,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) =>
      asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await setEventTypeArchived(ctx.db, ctx.account.id, name, true) })),
  }),
  unarchiveEventType: t.withAuth({ writeAccount: true }).field({
    type: EventTypeResult,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) =>
      asResult(EVENT_TYPE_ERRORS, async () => ({ eventType: await setEventTypeArchived(ctx.db, ctx.account.id, name, false) })),
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
  t.withAuth({ $all: { readAccount: true, feature: 'transformations' } }).field({
    type: PreviewTransformationResult,
    description: 'Runs a transformation on the example (or the given data) of an event type, without sending anything.',
    args: {
      transformation: t.arg.string({ required: true }),
      eventType: t.arg.string({ required: true }),
      data: t.arg({ type: 'JSON' }),
    },
    resolve: (_root, args, ctx) => asResult([ValidationError], () => previewTransformation(ctx.services, ctx.account.id, args)),
  }),
);
