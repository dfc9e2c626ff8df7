// Where in a broker an endpoint's messages go (exchange and routing key, JetStream subject, stream
// key) as stored, and the address one event is sent to. The rules each field meets before it is
// stored are domain/broker-target.ts's.

import type { BrokerKind } from './url.ts';

export type BrokerDestination =
  | { kind: 'RABBITMQ'; exchange: string; routingKey: string | null }
  | { kind: 'NATS'; subject: string }
  | { kind: 'REDIS_STREAM'; stream: string };

/** What replaces `{type}` in a NATS subject. */
export const TYPE_PLACEHOLDER = '{type}';

/** The contract's DestinationInput for a broker kind: each kind's fields, the others absent. */
export interface BrokerDestinationFields {
  kind: BrokerKind;
  exchange?: string | null;
  routingKey?: string | null;
  subject?: string | null;
  stream?: string | null;
}

/** The destination as stored, once its rules (domain/broker-target.ts) found nothing. */
export function toBrokerDestination(input: BrokerDestinationFields): BrokerDestination {
  switch (input.kind) {
    case 'RABBITMQ':
      return { kind: 'RABBITMQ', exchange: input.exchange ?? '', routingKey: input.routingKey ?? null };
    case 'NATS':
      return { kind: 'NATS', subject: input.subject! };
    case 'REDIS_STREAM':
      return { kind: 'REDIS_STREAM', stream: input.stream! };
  }
}

/** RabbitMQ: the routing key of one event: the endpoint's own, else the event type. */
export function routingKeyFor(destination: { routingKey: string | null }, eventType: string): string {
  return destination.routingKey ?? eventType;
}

/** NATS: the subject of one event, `{type}` replaced by its type. */
export function subjectFor(destination: { subject: string }, eventType: string): string {
  return destination.subject.replaceAll(TYPE_PLACEHOLDER, eventType);
}
