// A broker target, declared once for both sides of Hookwire that name one: a broker source's URL and
// the queue, subject or stream it consumes, and a broker endpoint's URL and the exchange and routing
// key, subject or stream it publishes to. Each field's rules are a zod schema per kind; fields of
// another kind are refused, so a typo never silently means something else. Pure: where a URL's host
// resolves is the caller's to check.
import { z } from 'zod';
import { TYPE_PLACEHOLDER, type BrokerDestinationFields } from '../delivery/brokers/destination.ts';
import { BROKER_KINDS, BrokerUrlError, parseBrokerUrl, type BrokerKind, type BrokerUrl } from '../delivery/brokers/url.ts';
import { SOURCE_LIMITS } from '../limits.ts';
import type { FieldError } from './errors.ts';
import { characters, fieldErrors, noNul, stop } from './validation.ts';

export function isBrokerKind(kind: string): kind is BrokerKind {
  return (BROKER_KINDS as readonly string[]).includes(kind);
}

// ---------------------------------------------------------------------------------------------
// The URL: the same parser for both sides (delivery/brokers/url.ts), its problems said per part.

/**
 * A broker URL parsed for `kind`, or every problem of it, none repeating the URL or its credentials.
 * Each names the part at fault ("scheme: …"); `nameWholeUrl: false` leaves the name out where the
 * part is the whole URL (an endpoint's field is itself called url).
 */
export function checkBrokerUrl(
  raw: string,
  kind: BrokerKind,
  options: { nameWholeUrl: boolean },
): { url: BrokerUrl; problems: [] } | { url: null; problems: string[] } {
  try {
    return { url: parseBrokerUrl(raw, kind), problems: [] };
  } catch (error) {
    if (!(error instanceof BrokerUrlError)) throw error;
    return { url: null, problems: error.problems.map((p) => (p.part === 'url' && !options.nameWholeUrl ? p.message : `${p.part}: ${p.message}`)) };
  }
}

// ---------------------------------------------------------------------------------------------
// An endpoint's destination: where it publishes.

/** A broker destination with the endpoint's url beside it. */
export interface BrokerDestinationInput extends BrokerDestinationFields {
  url: string;
}

export const DESTINATION_FIELDS = ['exchange', 'routingKey', 'subject', 'stream'] as const;
type DestinationField = (typeof DESTINATION_FIELDS)[number];

export interface DestinationProblem {
  /** The input field at fault: the API puts it in a ValidationError's path. */
  field: 'url' | DestinationField;
  message: string;
}

// AMQP 0-9-1 short strings are at most 255 bytes; RabbitMQ allows these characters in exchange names.
const AMQP_SHORTSTR_BYTES = 255;
const EXCHANGE_NAME = /^[A-Za-z0-9_.:-]*$/;
// A NATS subject token: anything but separators, wildcards and whitespace.
const SUBJECT_TOKEN = /^[^\s.*>]+$/;
const MAX_SUBJECT_LENGTH = 255;
const MAX_STREAM_KEY_LENGTH = 1024;

const shortString = (string: z.ZodString) =>
  string.refine((value) => Buffer.byteLength(value) <= AMQP_SHORTSTR_BYTES, stop(`must be at most ${AMQP_SHORTSTR_BYTES} bytes`));

const requiredFor = (kind: BrokerKind) => {
  const message = `is required for a ${kind} destination`;
  return z.string({ error: message }).min(1, stop(message));
};

// Event types are dot-separated lowercase names, so any valid one keeps the subject valid.
const subjectTokens = (subject: string) => subject.replaceAll(TYPE_PLACEHOLDER, 'type').split('.');

/** Each kind's own fields; the others must be absent. */
const DESTINATION_SHAPES = {
  RABBITMQ: {
    // Absent: the default exchange.
    exchange: z
      .string()
      .nullish()
      .transform((exchange) => exchange ?? '')
      .pipe(
        shortString(z.string()).regex(EXCHANGE_NAME, 'may contain only letters, digits, "-", "_", "." and ":" (empty: the default exchange)'),
      ),
    routingKey: shortString(z.string().min(1, stop('must not be empty: leave it out to route by the event type'))).nullish(),
  },
  NATS: {
    subject: requiredFor('NATS')
      .max(MAX_SUBJECT_LENGTH, stop(`must be at most ${MAX_SUBJECT_LENGTH} characters long`))
      .refine((subject) => !subject.startsWith('$'), stop('subjects starting with $ are reserved for the NATS system'))
      .refine((subject) => !subjectTokens(subject).includes(''), stop('has an empty token: no leading, trailing or doubled "."'))
      .refine(
        (subject) => subjectTokens(subject).every((token) => SUBJECT_TOKEN.test(token)),
        'must not contain spaces or the wildcards * and > (a message is published to one subject)',
      ),
  },
  REDIS_STREAM: {
    stream: requiredFor('REDIS_STREAM')
      .max(MAX_STREAM_KEY_LENGTH, stop(`must be at most ${MAX_STREAM_KEY_LENGTH} characters long`))
      .regex(/^[^\0-\x1f\x7f]*$/, 'must not contain control characters'),
  },
} satisfies Record<BrokerKind, Partial<Record<DestinationField, z.ZodType>>>;

/**
 * A shape of `fields`: the kind's own rules, the others refused if given. `foreignFirst`: the
 * refused fields come first (an endpoint's order), else all in the order of `fields` (a source's).
 */
function withForeign<F extends string>(
  fields: readonly F[],
  own: Partial<Record<F, z.ZodType>>,
  foreignMessage: string,
  { foreignFirst }: { foreignFirst: boolean },
): Record<F, z.ZodType> {
  const foreign = z.null({ error: foreignMessage }).optional();
  const shape = {} as Record<F, z.ZodType>;
  for (const field of fields) if (!foreignFirst || !(field in own)) shape[field] = own[field] ?? foreign;
  return Object.assign(shape, own);
}

const destinationSchema = (kind: BrokerKind) =>
  z.object(withForeign(DESTINATION_FIELDS, DESTINATION_SHAPES[kind], `does not apply to a ${kind} destination`, { foreignFirst: true }));
const destinationSchemas: Record<BrokerKind, z.ZodType> = {
  RABBITMQ: destinationSchema('RABBITMQ'),
  NATS: destinationSchema('NATS'),
  REDIS_STREAM: destinationSchema('REDIS_STREAM'),
};

/** Every problem of a broker destination, each on its field; an empty list means it can be stored. */
export function destinationProblems(input: BrokerDestinationInput): DestinationProblem[] {
  const problems: DestinationProblem[] = checkBrokerUrl(input.url, input.kind, { nameWholeUrl: false }).problems.map((message) => ({ field: 'url', message }));
  const result = destinationSchemas[input.kind].safeParse(input);
  if (!result.success) {
    for (const { path, message } of fieldErrors(result.error, [])) problems.push({ field: path[0] as DestinationField, message });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// A source's target: where it consumes.

/** Which field names the broker's place for each broker kind. */
export const BROKER_TARGET_FIELD = { RABBITMQ: 'queue', NATS: 'subject', REDIS_STREAM: 'stream' } as const;
const SOURCE_FIELDS = ['brokerUrl', 'queue', 'subject', 'stream'] as const;
type SourceField = (typeof SOURCE_FIELDS)[number];

/** A queue, subject or stream name as a source consumes it (NATS wildcards are a consumer's to use). */
const targetName = z
  .string()
  .refine(...noNul)
  .refine(
    (name) => name.trim() !== '' && characters(name) <= SOURCE_LIMITS.brokerNameMaxLength,
    stop(`must be 1 to ${SOURCE_LIMITS.brokerNameMaxLength} characters long`),
  )
  .regex(/^[^\s\0-\x1f\x7f]*$/, 'must not contain spaces or control characters');

function sourceTargetSchema(kind: string, mode: 'create' | 'update') {
  if (!isBrokerKind(kind)) return z.object(withForeign(SOURCE_FIELDS, {}, 'is for broker sources (RABBITMQ, NATS, REDIS_STREAM) only', { foreignFirst: false }));
  const target = BROKER_TARGET_FIELD[kind];
  // Required on create; on update absent or null leaves it unchanged.
  const wanted = (schema: z.ZodString, required: string) => (mode === 'create' ? z.string({ error: required }).pipe(schema) : schema.nullish());
  return z.object(
    withForeign(
      SOURCE_FIELDS,
      {
        // Checked whole (scheme, parts, where its host resolves) once the rest is right.
        brokerUrl: wanted(z.string(), "is required: the broker's URL"),
        [target]: wanted(targetName, `is required: the ${target} a ${kind} source consumes`),
      },
      `is not for ${kind} sources (they take ${target})`,
      { foreignFirst: false },
    ),
  );
}

const sourceSchemas = new Map<string, z.ZodType>();

/** The problems of a source's brokerUrl and queue, subject or stream, for a source of `kind` (any kind). */
export function sourceTargetErrors(input: Partial<Record<SourceField, unknown>>, kind: string, mode: 'create' | 'update'): FieldError[] {
  const key = `${kind}:${mode}`;
  let schema = sourceSchemas.get(key);
  if (!schema) sourceSchemas.set(key, (schema = sourceTargetSchema(kind, mode)));
  const result = schema.safeParse(input);
  return result.success ? [] : fieldErrors(result.error, ['input']);
}
