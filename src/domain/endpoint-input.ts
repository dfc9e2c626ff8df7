// The createEndpoint/updateEndpoint input, declared once: each field's rules, its normalised type,
// its default on create and what absent or null means on update, with every bad field reported at
// once by its path. Pure: what depends on the database or the deployment comes in the options.

import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { toBrokerDestination, type BrokerDestination } from '../delivery/brokers/destination.ts';
import { DESTINATION_FIELDS as BROKER_FIELDS, destinationProblems } from './broker-target.ts';
import { DEFAULT_SIGNATURE_HEADER, type SignatureHeaderConfig } from '../delivery/sign.ts';
import { customHeaderNameProblem, headerValueProblem } from '../delivery/header-rules.ts';
import { ENDPOINT_LIMITS } from '../limits.ts';
import { isValidEventTypePattern } from './catalog.ts';
import { isEmptyFilter, validateFilter } from './filter.ts';
import { ownSecret, signatureHeader } from './signature-input.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { characters, fieldErrors, isPlainObject, noNul, stop } from './validation.ts';

export { ENDPOINT_LIMITS };

const L = ENDPOINT_LIMITS;

export interface EndpointInputOptions {
  mode: 'create' | 'update';
  /** HOOKWIRE_ALLOW_PRIVATE_NETWORKS: also allows plain http URLs (local development, tests). */
  allowPrivateNetworks: boolean;
  /** The account's own event types that endpoints may subscribe to (not archived). */
  customEventTypes?: readonly string[];
  /** On update, the stored destination and its URL in clear: the url's rules are its kind's. */
  current?: CurrentDestination;
}

export const DESTINATION_KINDS = ['HTTP', 'RABBITMQ', 'NATS', 'REDIS_STREAM'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** Where an endpoint's attempts go, as stored: an HTTP POST to its url, or a broker's place. */
export type EndpointDestination = { kind: 'HTTP' } | BrokerDestination;

export interface CurrentDestination {
  destination: EndpointDestination;
  /** The URL in clear (a broker URL opened from its seal). */
  url: string;
}

// ---------------------------------------------------------------------------------------------
// The rules of one value, the same on create and on update.

/** The URL rules that need the parsed URL; several may fail at once. */
function urlProblems(url: string, allowPrivateNetworks: boolean): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['must be an absolute URL, e.g. https://example.com/webhooks'];
  }
  const problems: string[] = [];
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    problems.push(allowPrivateNetworks ? 'must use http or https' : 'must use https');
  } else if (parsed.protocol === 'http:' && !allowPrivateNetworks) {
    problems.push('must use https (plain http is allowed only when HOOKWIRE_ALLOW_PRIVATE_NETWORKS=true)');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    problems.push('must not contain a username or password; send credentials in headers instead');
  }
  // Checked on the string: 'https://x/#' has an empty `hash` but still a fragment.
  if (url.includes('#')) problems.push('must not contain a fragment (#…): it is never sent to the server');
  return problems;
}

/** The rules of every URL; the rest are its destination kind's (destinationErrors below). */
const url = (string: z.ZodString) =>
  string
    .trim()
    .min(1, stop('must not be empty'))
    .max(L.urlMaxLength, stop(`must be at most ${L.urlMaxLength} characters long`))
    // WHATWG URL silently drops tabs and newlines inside a URL; what is stored must be what is sent.
    .regex(/^[^\s\u0000-\u001f\u007f]*$/, stop('must not contain spaces or control characters'));

/** A broker field: a string when given; its rules are its kind's (broker-target.ts). */
const brokerField = z.string({ error: 'must be a string' }).nullish();

/** DestinationInput, as stored; whether it fits the kind (and the url) is destinationErrors's to say. */
const destination = z
  .object(
    {
      kind: z.enum(DESTINATION_KINDS, { error: `must be one of ${DESTINATION_KINDS.join(', ')}` }),
      exchange: brokerField,
      routingKey: brokerField,
      subject: brokerField,
      stream: brokerField,
    },
    { error: 'must be an object with a kind' },
  )
  .transform((input): EndpointDestination => (input.kind === 'HTTP' ? { kind: 'HTTP' } : toBrokerDestination({ ...input, kind: input.kind })));

const description = (string: z.ZodString) =>
  string
    .trim()
    .min(1, stop('must not be empty'))
    .refine(...noNul)
    .refine((value) => characters(value) <= L.descriptionMaxLength, stop(`must be at most ${L.descriptionMaxLength} characters long`));

/** One item of a list of names: trimmed, not empty, storable. */
const listItem = z.string({ error: 'must be a string' }).trim().min(1, stop('must not be empty')).refine(...noNul);

/**
 * A list checked as a whole first (type, length counted as sent) and item by item after; past the
 * limit one error says enough, since checking every item of a huge list would flood.
 */
const list = <T extends z.ZodType>(
  item: T,
  rules: { notAList: z.core.$ZodErrorMap | string; tooMany: (count: number) => string; max: number; empty?: string },
) => {
  const whole = z.array(z.unknown(), { error: rules.notAList });
  return (rules.empty === undefined ? whole : whole.min(1, stop(rules.empty)))
    .max(rules.max, { error: (issue) => rules.tooMany((issue.input as unknown[]).length), abort: true })
    .pipe(z.array(item));
};

/** Duplicates removed, first occurrence kept. */
const unique = (items: string[]): string[] => [...new Set(items)];

const eventTypes = (notAList: z.core.$ZodErrorMap, customEventTypes: readonly string[] = []) =>
  list(
    listItem.refine((name) => isValidEventTypePattern(name, customEventTypes), {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a known event type; use a name from the eventTypes query, "*", or a prefix wildcard such as "message.*"`,
    }),
    {
      notAList,
      max: L.eventTypesMax,
      empty: 'must list at least one event type (use "*" for all)',
      tooMany: (count) => `must have at most ${L.eventTypesMax} items (got ${count})`,
    },
  ).transform(unique);

const sessionIds = list(
  listItem.refine((id) => characters(id) <= L.sessionIdMaxLength, `must be at most ${L.sessionIdMaxLength} characters long`),
  {
    notAList: 'must be a list of strings',
    max: L.sessionIdsMax,
    empty: 'must not be empty; use null for every session',
    tooMany: (count) => `must have at most ${L.sessionIdsMax} items (got ${count})`,
  },
).transform(unique);

/** A whole number from min to max; `say` words the message for the field. */
const integer = (min: number, max: number, say: (problem: string) => string = (problem) => problem) =>
  z
    .number({ error: say('must be an integer') })
    .int(stop(say('must be an integer')))
    .min(min, say(`must be between ${min} and ${max}`))
    .max(max, say(`must be between ${min} and ${max}`));

const retrySchedule = list(
  integer(L.retryDelayMinSeconds, L.retryDelayMaxSeconds, (problem) =>
    problem === 'must be an integer' ? 'must be an integer number of seconds' : `${problem} seconds`,
  ),
  {
    notAList: 'must be a list of delays in seconds',
    max: L.retryScheduleMax,
    tooMany: (count) => `must have at most ${L.retryScheduleMax} retries (got ${count})`,
  },
);

/**
 * The endpoint's own headers, each by its name: the header rules of every customer-set header,
 * none that Hookwire sets, no name twice in two letter cases. Not a z.record, which would drop a
 * `__proto__` key without a word instead of refusing it.
 */
const headers = z
  .custom<Record<string, unknown>>(isPlainObject, stop('must be an object of header names to string values, e.g. {"X-Api-Key": "…"}'))
  .refine((value) => Object.keys(value).length <= L.headersMax, {
    error: (issue) => `must have at most ${L.headersMax} headers (got ${Object.keys(issue.input as object).length})`,
    abort: true,
  })
  .superRefine((value, ctx) => {
    const seen = new Map<string, string>(); // lower-cased name → name as given
    for (const [name, headerValue] of Object.entries(value)) {
      const nameProblem = customHeaderNameProblem(name);
      const earlier = nameProblem === undefined ? seen.get(name.toLowerCase()) : undefined;
      if (nameProblem === undefined && earlier === undefined) seen.set(name.toLowerCase(), name);
      const problem =
        nameProblem ??
        (earlier === undefined ? headerValueProblem(headerValue) : `duplicates header ${JSON.stringify(earlier)}: header names are case-insensitive`);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: problem, input: headerValue });
    }
  })
  // Leading and trailing whitespace is not part of an HTTP field value (RFC 9110 OWS).
  .transform((value) => Object.fromEntries(Object.entries(value).map(([name, v]) => [name, (v as string).trim()])));

const concurrencyLimit = integer(
  L.concurrencyLimitMin,
  L.concurrencyLimitMax,
  (problem) => `${problem} (attempts in flight at once; null for the deployment's default)`,
);

/** The default spelled out is stored as the default, so the endpoint follows it if it changes. */
const isDefaultSignatureHeader = (config: SignatureHeaderConfig) =>
  config.name === DEFAULT_SIGNATURE_HEADER.name && config.format === DEFAULT_SIGNATURE_HEADER.format;

/** JavaScript source; tried in the sandbox by the caller, which has the event types' examples. */
const transformation = z
  .string({ error: 'must be a string of JavaScript' })
  .refine((code) => code.trim() !== '', stop('must not be empty (leave it out for none)'))
  .refine(...noNul)
  .refine((code) => Buffer.byteLength(code) <= L.transformationMaxBytes, stop(`must be at most ${L.transformationMaxBytes} bytes long`));

/** A JSON filter on the envelope (filter.ts states its rules); {} means none. */
const filter = z
  .unknown()
  .superRefine((value, ctx) => validateFilter(value, []).forEach(({ path, message }) => ctx.addIssue({ code: 'custom', path, message, input: value })))
  .transform((value) => (isEmptyFilter(value) ? null : (value as Record<string, unknown>)));

/** A one-shot handshake request, not a stored setting; taken exactly as given (it is a secret). */
const verifyToken = z
  .string({ error: 'must be a string' })
  .min(1, stop('must not be empty'))
  .refine((token) => characters(token) <= L.verifyTokenMaxLength, stop(`must be at most ${L.verifyTokenMaxLength} characters long`));

// ---------------------------------------------------------------------------------------------
// The input: which fields are required, what absent and null mean.

function endpointInputSchema({ mode, customEventTypes }: EndpointInputOptions) {
  const creating = mode === 'create';
  // Required on create, never nullable: null cannot mean "reset" for a field with no default.
  const missing = (expected: string): z.core.$ZodErrorMap => (issue) =>
    issue.input !== undefined && issue.input !== null ? expected : creating ? 'is required' : 'cannot be null; omit the field to leave it unchanged';
  const required = <T extends z.ZodType>(schema: T) =>
    schema.optional().transform((value, ctx) => {
      if (value === undefined && creating) ctx.addIssue('is required');
      return value;
    });
  /**
   * A stored setting. On update, absent leaves it unchanged and null resets it to `reset` (every
   * session, no limit, the deployment's schedule, none…); on create, both mean `reset`.
   */
  const setting = <T extends z.ZodType, R = null>(schema: T, reset: R = null as R) =>
    schema.nullish().transform((value): z.output<T> | R | undefined => value ?? (creating || value === null ? reset : undefined));
  /** Not stored as such: absent or null, it is not given. */
  const given = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

  return z.object(
    {
      url: required(url(z.string({ error: missing('must be a string') }))),
      description: required(description(z.string({ error: missing('must be a string') }))),
      eventTypes: required(eventTypes(missing('must be a list of strings'), customEventTypes)),
      sessionIds: setting(sessionIds),
      rateLimitPerSecond: setting(integer(L.rateLimitMin, L.rateLimitMax)),
      // Defaults rather than "none": null resets to the default.
      timeoutMs: setting(integer(L.timeoutMsMin, L.timeoutMsMax), L.timeoutMsDefault),
      retrySchedule: setting(retrySchedule),
      headers: setting(headers),
      concurrencyLimit: setting(concurrencyLimit),
      ordered: setting(z.boolean({ error: 'must be true or false' }), false),
      signingSecret: given(ownSecret),
      signatureHeader: setting(signatureHeader.transform((config) => (isDefaultSignatureHeader(config) ? null : config))),
      // On update an empty string removes the transformation (GraphQL clients cannot always send null).
      transformation: z.preprocess((value) => (!creating && value === '' ? null : value), setting(transformation)),
      filter: setting(filter),
      verifyToken: given(verifyToken),
      // HTTP when absent on create; absent or null on update: unchanged.
      destination: z
        .preprocess((value) => (value === null ? undefined : value), destination.optional())
        .transform((value) => value ?? (creating ? ({ kind: 'HTTP' } as EndpointDestination) : undefined)),
    },
    { error: 'must be an object' },
  );
}

// ---------------------------------------------------------------------------------------------
// Types, from the schema.

type Schema = ReturnType<typeof endpointInputSchema>;

/** What a caller may send: the contract's fields, each checked at run time (a CLI, tests and the JSON scalars promise nothing). */
export type EndpointInput = { readonly [K in keyof z.input<Schema>]?: unknown };

/**
 * The checked input. On update, a field that is absent (undefined) is left unchanged; null means
 * reset: sessionIds → every session, rateLimitPerSecond → no limit, retrySchedule → the
 * deployment's default schedule, headers → none. verifyToken is present only when a token was
 * given: the caller must run the hub.challenge handshake.
 */
export type NormalizedEndpointInput = { [K in keyof z.output<Schema>]?: Exclude<z.output<Schema>[K], undefined> };

/** On create every stored field is settled: required ones given, the rest defaulted. */
export type NormalizedCreateEndpointInput = Required<Omit<NormalizedEndpointInput, 'verifyToken' | 'signingSecret'>> &
  Pick<NormalizedEndpointInput, 'verifyToken' | 'signingSecret'>;

export interface EndpointInputResult<V extends NormalizedEndpointInput = NormalizedEndpointInput> {
  /** The checked input when `errors` is empty; empty otherwise. */
  value: V;
  errors: FieldError[];
}

/** Absent fields are left out, not set to undefined: "not given" is the key's absence. */
function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The schema for these options, built on first use and kept: building one costs some thirty
 * parses (about 1 ms and 100 KB). Accounts without event types of their own, most of them, share
 * the two of mode; each other set of types has its own while it is used.
 */
const schemas = new LRUCache<string, Schema>({ max: 32 });
function schemaFor(opts: EndpointInputOptions): Schema {
  const key = JSON.stringify([opts.mode, opts.customEventTypes ?? []]);
  let schema = schemas.get(key);
  if (!schema) schemas.set(key, (schema = endpointInputSchema(opts)));
  return schema;
}

export function validateEndpointInput(
  input: EndpointInput,
  opts: EndpointInputOptions & { mode: 'create' },
): EndpointInputResult<NormalizedCreateEndpointInput>;
export function validateEndpointInput(input: EndpointInput, opts: EndpointInputOptions): EndpointInputResult;
export function validateEndpointInput(input: EndpointInput, opts: EndpointInputOptions): EndpointInputResult {
  const result = schemaFor(opts).safeParse(input);
  const errors = result.success ? [] : fieldErrors(result.error, ['input']);
  // Whatever else is wrong, the url and destination are judged too, unless they are already at fault.
  if (!errors.some((e) => e.path[1] === 'url' || e.path[1] === 'destination')) errors.push(...destinationErrors(input, opts));
  // Reported in the input's order: the url first, then where it delivers, then the rest (a stable sort).
  const rank = (e: FieldError) => (e.path[1] === 'url' ? 0 : e.path[1] === 'destination' ? 1 : 2);
  errors.sort((a, b) => rank(a) - rank(b));
  if (!result.success || errors.length > 0) return { value: {}, errors };
  return { value: withoutAbsent(result.data) as NormalizedEndpointInput, errors: [] };
}

/**
 * The rules that depend on where the endpoint delivers: an HTTP url's (https, no credentials…) or a
 * broker's (the scheme of its kind, the fields it needs, broker-target.ts), on the url and the
 * destination as given, or as stored where the update leaves one unchanged. Broker hosts meet the
 * SSRF rule when a worker connects, as HTTP hosts do (brokers/address.ts).
 */
function destinationErrors(input: EndpointInput, opts: EndpointInputOptions): FieldError[] {
  const givenUrl = typeof input.url === 'string' ? input.url.trim() : undefined;
  const raw = (input.destination ?? undefined) as Partial<Record<'kind' | (typeof BROKER_FIELDS)[number], unknown>> | undefined;
  const current = opts.mode === 'update' ? opts.current : undefined;
  const kind = (raw?.kind as DestinationKind | undefined) ?? current?.destination.kind ?? 'HTTP';
  const url = givenUrl ?? current?.url;
  const errors: FieldError[] = [];
  if (opts.mode === 'create' && givenUrl === undefined) return errors; // "is required", said already
  // An update that changes neither the url nor the destination leaves what was stored be.
  if (url === undefined || (givenUrl === undefined && raw === undefined)) return errors;
  if (kind === 'HTTP' && givenUrl === undefined && current?.destination.kind === 'HTTP') return errors;
  const atUrl = (message: string) =>
    errors.push({ path: ['input', 'url'], message: givenUrl === undefined ? `${message} (the stored url does not fit the new destination: give its url)` : message });
  if (kind === 'HTTP') {
    urlProblems(url, opts.allowPrivateNetworks).forEach(atUrl);
    for (const field of BROKER_FIELDS) {
      if (raw?.[field] !== undefined && raw[field] !== null) errors.push({ path: ['input', 'destination', field], message: 'does not apply to an HTTP destination' });
    }
    return errors;
  }
  if (input.verifyToken !== undefined && input.verifyToken !== null) {
    errors.push({ path: ['input', 'verifyToken'], message: 'applies only to HTTP destinations (the hub.challenge handshake is an HTTP request)' });
  }
  // The fields as given replace the stored ones; a new url alone keeps them.
  const fields = raw ?? (current?.destination as Partial<Record<(typeof BROKER_FIELDS)[number], string | null>> | undefined) ?? {};
  const asString = (value: unknown) => (typeof value === 'string' ? value : value === null || value === undefined ? null : undefined);
  for (const problem of destinationProblems({
    kind,
    url,
    exchange: asString(fields.exchange),
    routingKey: asString(fields.routingKey),
    subject: asString(fields.subject),
    stream: asString(fields.stream),
  })) {
    if (problem.field === 'url') atUrl(problem.message);
    else errors.push({ path: ['input', 'destination', problem.field], message: problem.message });
  }
  return errors;
}

export function assertValidEndpointInput(
  input: EndpointInput,
  opts: EndpointInputOptions & { mode: 'create' },
): NormalizedCreateEndpointInput;
export function assertValidEndpointInput(input: EndpointInput, opts: EndpointInputOptions): NormalizedEndpointInput;
export function assertValidEndpointInput(input: EndpointInput, opts: EndpointInputOptions): NormalizedEndpointInput {
  const { value, errors } = validateEndpointInput(input, opts);
  if (errors.length > 0) throw new ValidationError(errors);
  return value;
}
