// The event type catalog: what can be published and subscribed to, with schemas and examples.
import { EVENT_TYPES, type EventTypeDefinition } from '../domain/catalog.ts';
import { builder } from './builder.ts';

const EventTypeRef = builder.objectRef<EventTypeDefinition>('EventType').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    schema: t.field({ type: 'JSON', description: "JSON Schema of the event's data.", resolve: (e) => e.schema }),
    example: t.field({ type: 'JSON', resolve: (e) => e.example }),
  }),
});

builder.queryField('eventTypes', (t) => t.field({ type: [EventTypeRef], resolve: () => [...EVENT_TYPES] }));
