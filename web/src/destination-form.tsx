// Where an endpoint delivers, as the create dialog and the editor edit it: the destination kind
// (an HTTP POST, or RabbitMQ, NATS JetStream, a Redis stream) and the fields of that kind, as
// drafts of text, with the DestinationInput they make and the API's errors on them.
import { useId } from 'react';
import type { DestinationInput, DestinationKind } from './generated/graphql.ts';
import { Field, FieldError } from './ui.tsx';

export interface DestinationDraft {
  kind: DestinationKind;
  exchange: string;
  routingKey: string;
  subject: string;
  stream: string;
}

export const HTTP_DESTINATION: DestinationDraft = { kind: 'HTTP', exchange: '', routingKey: '', subject: '', stream: '' };

export const DESTINATION_KINDS: ReadonlyArray<{ kind: DestinationKind; label: string; placeholder: string }> = [
  { kind: 'HTTP', label: 'HTTP POST', placeholder: 'https://example.com/webhook' },
  { kind: 'RABBITMQ', label: 'RabbitMQ', placeholder: 'amqp://user:password@rabbitmq.example.com/' },
  { kind: 'NATS', label: 'NATS JetStream', placeholder: 'nats://nats.example.com:4222' },
  { kind: 'REDIS_STREAM', label: 'Redis stream', placeholder: 'redis://:password@redis.example.com:6379/0' },
];

export const kindLabel = (kind: DestinationKind): string => DESTINATION_KINDS.find((k) => k.kind === kind)?.label ?? kind;

export function destinationDraftOf(destination: {
  kind: DestinationKind;
  exchange?: string | null;
  routingKey?: string | null;
  subject?: string | null;
  stream?: string | null;
}): DestinationDraft {
  return {
    kind: destination.kind,
    exchange: destination.exchange ?? '',
    routingKey: destination.routingKey ?? '',
    subject: destination.subject ?? '',
    stream: destination.stream ?? '',
  };
}

/** The input for a draft: only its kind's fields; a blank routing key routes by the event type. */
export function destinationInputOf(draft: DestinationDraft): DestinationInput {
  switch (draft.kind) {
    case 'HTTP':
      return { kind: 'HTTP' };
    case 'RABBITMQ':
      return { kind: 'RABBITMQ', exchange: draft.exchange.trim(), ...(draft.routingKey.trim() ? { routingKey: draft.routingKey.trim() } : {}) };
    case 'NATS':
      return { kind: 'NATS', subject: draft.subject.trim() };
    case 'REDIS_STREAM':
      return { kind: 'REDIS_STREAM', stream: draft.stream.trim() };
  }
}

export const sameDestination = (a: DestinationDraft, b: DestinationDraft): boolean =>
  JSON.stringify(destinationInputOf(a)) === JSON.stringify(destinationInputOf(b));

/** The kind selector and the fields of the kind chosen. */
export function DestinationFields(props: { draft: DestinationDraft; errors?: string[]; onChange(draft: DestinationDraft): void }) {
  const { draft, onChange } = props;
  const id = useId();
  const set = (change: Partial<DestinationDraft>) => onChange({ ...draft, ...change });
  return (
    <div className="destination-fields">
      <Field
        label="Destination"
        help={draft.kind === 'HTTP' ? 'Each event is POSTed to the URL.' : "Each event is published to the broker at the URL, with the same body and signature headers an HTTP POST has. The URL's password is stored sealed and shown as ****."}
      >
        {(control) => (
          <select {...control} name="destinationKind" value={draft.kind} onChange={(e) => set({ kind: e.target.value as DestinationKind })}>
            {DESTINATION_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {draft.kind === 'RABBITMQ' && (
        <>
          <Field label="Exchange" help="Blank: the default exchange (the routing key is then a queue name).">
            {(control) => <input {...control} name="exchange" value={draft.exchange} onChange={(e) => set({ exchange: e.target.value })} />}
          </Field>
          <Field label="Routing key" help="Blank: the event type, such as message.received.">
            {(control) => <input {...control} name="routingKey" value={draft.routingKey} onChange={(e) => set({ routingKey: e.target.value })} />}
          </Field>
        </>
      )}
      {draft.kind === 'NATS' && (
        <Field label="Subject (required)" help="A subject a JetStream stream captures; {type} becomes the event type, e.g. hooks.{type}.">
          {(control) => <input {...control} name="subject" value={draft.subject} onChange={(e) => set({ subject: e.target.value })} />}
        </Field>
      )}
      {draft.kind === 'REDIS_STREAM' && (
        <Field label="Stream (required)" help="The stream key; each entry has a body field and one field per header.">
          {(control) => <input {...control} name="stream" value={draft.stream} onChange={(e) => set({ stream: e.target.value })} />}
        </Field>
      )}
      <FieldError id={`${id}-error`} messages={props.errors} />
    </div>
  );
}
