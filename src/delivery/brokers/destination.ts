// Where in a broker an endpoint's messages go (exchange and routing key, JetStream subject, stream
// key), the rules each field must meet before it is stored, and the address one event is sent to.

import { type BrokerKind, BrokerUrlError, parseBrokerUrl } from './url.ts';

export type BrokerDestination =
  | { kind: 'RABBITMQ'; exchange: string; routingKey: string | null }
  | { kind: 'NATS'; subject: string }
  | { kind: 'REDIS_STREAM'; stream: string };

/** The contract's DestinationInput for a broker kind, with the endpoint's url beside it. */
export interface BrokerDestinationInput {
  kind: BrokerKind;
  url: string;
  exchange?: string | null;
  routingKey?: string | null;
  subject?: string | null;
  stream?: string | null;
}

export interface DestinationProblem {
  /** The input field at fault: the API puts it in a ValidationError's path. */
  field: 'url' | 'exchange' | 'routingKey' | 'subject' | 'stream';
  message: string;
}

/** What replaces `{type}` in a NATS subject. */
export const TYPE_PLACEHOLDER = '{type}';

// AMQP 0-9-1 short strings are at most 255 bytes; RabbitMQ allows these characters in exchange names.
const AMQP_SHORTSTR_BYTES = 255;
const EXCHANGE_NAME = /^[A-Za-z0-9_.:-]*$/;
// A NATS subject token: anything but separators, wildcards and whitespace.
const SUBJECT_TOKEN = /^[^\s.*>]+$/;
const MAX_SUBJECT_LENGTH = 255;
const MAX_STREAM_KEY_LENGTH = 1024;

/**
 * Every problem of a broker destination, each on its field; an empty list means it can be stored.
 * Fields of another kind must be absent, so a typo does not silently mean something else.
 */
export function destinationProblems(input: BrokerDestinationInput): DestinationProblem[] {
  const problems: DestinationProblem[] = [];
  try {
    parseBrokerUrl(input.url, input.kind);
  } catch (error) {
    if (!(error instanceof BrokerUrlError)) throw error;
    for (const p of error.problems) problems.push({ field: 'url', message: p.part === 'url' ? p.message : `${p.part}: ${p.message}` });
  }
  const present = (v: string | null | undefined): v is string => v !== undefined && v !== null;
  const foreign = (fields: Array<'exchange' | 'routingKey' | 'subject' | 'stream'>) => {
    for (const field of fields) {
      if (present(input[field])) problems.push({ field, message: `does not apply to a ${input.kind} destination` });
    }
  };
  switch (input.kind) {
    case 'RABBITMQ': {
      foreign(['subject', 'stream']);
      const exchange = input.exchange ?? '';
      if (Buffer.byteLength(exchange) > AMQP_SHORTSTR_BYTES) problems.push({ field: 'exchange', message: `must be at most ${AMQP_SHORTSTR_BYTES} bytes` });
      else if (!EXCHANGE_NAME.test(exchange)) {
        problems.push({ field: 'exchange', message: 'may contain only letters, digits, "-", "_", "." and ":" (empty: the default exchange)' });
      }
      if (present(input.routingKey)) {
        if (input.routingKey === '') problems.push({ field: 'routingKey', message: 'must not be empty: leave it out to route by the event type' });
        else if (Buffer.byteLength(input.routingKey) > AMQP_SHORTSTR_BYTES) problems.push({ field: 'routingKey', message: `must be at most ${AMQP_SHORTSTR_BYTES} bytes` });
      }
      break;
    }
    case 'NATS': {
      foreign(['exchange', 'routingKey', 'stream']);
      const problem = present(input.subject) ? subjectProblem(input.subject) : 'is required for a NATS destination';
      if (problem) problems.push({ field: 'subject', message: problem });
      break;
    }
    case 'REDIS_STREAM': {
      foreign(['exchange', 'routingKey', 'subject']);
      const stream = input.stream;
      if (!present(stream) || stream === '') problems.push({ field: 'stream', message: 'is required for a REDIS_STREAM destination' });
      else if (stream.length > MAX_STREAM_KEY_LENGTH) problems.push({ field: 'stream', message: `must be at most ${MAX_STREAM_KEY_LENGTH} characters long` });
      else if (/[\0-\x1f\x7f]/.test(stream)) problems.push({ field: 'stream', message: 'must not contain control characters' });
      break;
    }
  }
  return problems;
}

function subjectProblem(subject: string): string | undefined {
  if (subject === '') return 'is required for a NATS destination';
  if (subject.length > MAX_SUBJECT_LENGTH) return `must be at most ${MAX_SUBJECT_LENGTH} characters long`;
  if (subject.startsWith('$')) return 'subjects starting with $ are reserved for the NATS system';
  // Event types are dot-separated lowercase names, so any valid one keeps the subject valid.
  const tokens = subject.replaceAll(TYPE_PLACEHOLDER, 'type').split('.');
  if (tokens.some((t) => t === '')) return 'has an empty token: no leading, trailing or doubled "."';
  if (tokens.some((t) => !SUBJECT_TOKEN.test(t))) return 'must not contain spaces or the wildcards * and > (a message is published to one subject)';
  return undefined;
}

/** The destination as stored, once destinationProblems found nothing. */
export function toBrokerDestination(input: Omit<BrokerDestinationInput, 'url'>): BrokerDestination {
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
