// The request/response commands: endpoints, events, deliveries, event-types. Each reads flags,
// calls one client method, and prints a table or record (or JSON with --json).
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { unwrap, type Delivery, type EndpointWithSecret, type Endpoint, type EventType } from '../client.ts';
import type {
  CreateEndpointInput,
  DeliveryStatus,
  EndpointStatus,
  PublishEventInput,
  SignatureFormat,
  SignatureHeaderInput,
  UpdateEndpointInput,
  UpdateEventTypeInput,
} from '../generated/graphql.ts';
import { contextOf, type Context } from './context.ts';
import { CliError, EXIT } from './exit.ts';
import { list, pretty, time, type Io, type Output } from './output.ts';

type Action = (ctx: Context, ...args: any[]) => Promise<void>;

/** Wraps an action: its context first, then commander's positional arguments and options. */
export function run(io: Io, action: Action) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    await action(await contextOf(command, io), ...args.slice(0, -1));
  };
}

// ---------------------------------------------------------------------------------------------
// Flag parsers.

const csv = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('must be an integer');
  return Number(value);
}

function integers(value: string): number[] {
  return csv(value).map(integer);
}

function header(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf(':') >= 0 ? value.indexOf(':') : value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be name:value');
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
}

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    const upper = value.toUpperCase() as T;
    if (!values.includes(upper)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return upper;
  };
}

function instant(value: string): string {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(Date.now() - Number(relative[1]) * unit * 1000).toISOString();
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be an ISO 8601 time or a duration ago such as 30m, 2h, 7d');
  return date.toISOString();
}

const ENDPOINT_STATUSES = ['ACTIVE', 'PAUSED', 'DISABLED'] as const satisfies readonly EndpointStatus[];
const DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const satisfies readonly DeliveryStatus[];
const SIGNATURE_FORMATS = ['SHA256_HEX', 'HEX', 'SHA256_HEX_TIMESTAMPED'] as const satisfies readonly SignatureFormat[];
const DEFAULT_SIGNATURE_HEADER = 'x-webhook-signature';

/** The fields create and update share, as flags. */
function endpointFlags(command: Command): Command {
  return command
    .option('--events <types>', 'event types, comma-separated: exact names, * or a prefix such as message.*', csv)
    .option('--description <text>', 'what the endpoint is for')
    .option('--session-ids <ids>', 'only events of these WhatsApp sessions, comma-separated', csv)
    .option('--header <name:value>', 'an extra header on every delivery (repeatable)', header)
    .option('--timeout-ms <ms>', 'attempt timeout, at most 30000', integer)
    .option('--rate-limit <n>', 'at most n attempts per second', integer)
    .option('--retry-schedule <seconds>', 'seconds before each retry, comma-separated, e.g. 60,300,900', integers)
    .option('--concurrency-limit <n>', 'at most n attempts in flight at once', integer)
    .option('--ordered', 'deliver one at a time, in publish order')
    .option('--verify-token <token>', 'run the hub.challenge handshake with the URL before saving')
    .option('--signing-secret <secret>', "the endpoint's own secret (16 to 128 printable ASCII), for a receiver that holds one already")
    .option('--signature-header <name>', `the hex signature's header (default ${DEFAULT_SIGNATURE_HEADER})`)
    .option('--signature-format <format>', 'SHA256_HEX (sha256=<hex>, the default), HEX, or SHA256_HEX_TIMESTAMPED (with --timestamp-header)', oneOf(SIGNATURE_FORMATS))
    .option('--timestamp-header <name>', 'the header with the signed unix seconds (SHA256_HEX_TIMESTAMPED, which it implies)')
    .option('--transformation-file <path|->', 'JavaScript function handler(webhook) {…; return webhook} reshaping each delivery (- for stdin)')
    .option('--filter <json|@file>', 'deliver only the events whose envelope matches this JSON filter');
}

interface EndpointFlags {
  events?: string[];
  description?: string;
  sessionIds?: string[];
  header?: Record<string, string>;
  timeoutMs?: number;
  rateLimit?: number;
  retrySchedule?: number[];
  concurrencyLimit?: number;
  ordered?: boolean;
  verifyToken?: string;
  signingSecret?: string;
  signatureHeader?: string;
  signatureFormat?: SignatureFormat;
  timestampHeader?: string;
  transformationFile?: string;
  filter?: string;
}

/** An input without the fields whose flags were not given (so that update leaves them as they are). */
function given<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}

const hasSignatureFlags = (flags: EndpointFlags) =>
  flags.signatureHeader !== undefined || flags.signatureFormat !== undefined || flags.timestampHeader !== undefined;

/**
 * The whole signatureHeader the API takes, from the flags given and, on update, what the endpoint
 * has: a flag not given keeps its current value, and --timestamp-header alone means the format that
 * has one. Combinations the API refuses (a timestamp header with HEX…) are left for it to name.
 */
function signatureHeaderInput(flags: EndpointFlags, current: SignatureHeaderInput | null): SignatureHeaderInput {
  const format = flags.signatureFormat ?? (flags.timestampHeader !== undefined ? 'SHA256_HEX_TIMESTAMPED' : (current?.format ?? 'SHA256_HEX'));
  const currentTimestamp = current?.format === 'SHA256_HEX_TIMESTAMPED' && format === 'SHA256_HEX_TIMESTAMPED' ? current.timestampHeader : null;
  return {
    name: flags.signatureHeader ?? current?.name ?? DEFAULT_SIGNATURE_HEADER,
    format,
    timestampHeader: flags.timestampHeader ?? currentTimestamp ?? null,
  };
}

/** The input of create and update; `current` is the endpoint's signatureHeader on update. */
async function endpointInput(io: Io, flags: EndpointFlags, current: SignatureHeaderInput | null = null): Promise<UpdateEndpointInput> {
  const input: UpdateEndpointInput = {
    eventTypes: flags.events,
    description: flags.description,
    sessionIds: flags.sessionIds,
    headers: flags.header,
    timeoutMs: flags.timeoutMs,
    rateLimitPerSecond: flags.rateLimit,
    retrySchedule: flags.retrySchedule,
    concurrencyLimit: flags.concurrencyLimit,
    ordered: flags.ordered,
    verifyToken: flags.verifyToken,
    signingSecret: flags.signingSecret,
    signatureHeader: hasSignatureFlags(flags) ? signatureHeaderInput(flags, current) : undefined,
    transformation: flags.transformationFile === undefined ? undefined : await readText(io, flags.transformationFile),
    filter: flags.filter === undefined ? undefined : await readJson(io, flags.filter, '--filter'),
  };
  return given(input);
}

// ---------------------------------------------------------------------------------------------
// Printing.

function signatureOf({ name, format, timestampHeader }: Endpoint['signatureHeader']): string {
  return timestampHeader ? `${name} ${format} (seconds in ${timestampHeader})` : `${name} ${format}`;
}

function linesOf(text: string): string {
  const count = text.replace(/\n$/, '').split('\n').length;
  return `${count} ${count === 1 ? 'line' : 'lines'}`;
}

function printEndpoint(out: Output, endpoint: Endpoint | EndpointWithSecret): void {
  out.record([
    ['id', endpoint.id],
    ['url', endpoint.url],
    ['status', endpoint.pauseReason ? `${endpoint.status} (${endpoint.pauseReason})` : endpoint.status],
    ['events', list(endpoint.eventTypes)],
    ['sessions', list(endpoint.sessionIds)],
    ['description', endpoint.description],
    ['timeout', `${endpoint.timeoutMs} ms`],
    ['retries (s)', list(endpoint.retrySchedule.map(String), 'none')],
    ['rate limit', endpoint.rateLimitPerSecond === null ? 'none' : `${endpoint.rateLimitPerSecond}/s`],
    ['concurrency', endpoint.concurrencyLimit ?? 'default'],
    ['ordered', endpoint.ordered ? 'yes' : 'no'],
    ['headers', endpoint.headers ? JSON.stringify(endpoint.headers) : null],
    ['filter', endpoint.filter ? JSON.stringify(endpoint.filter) : null],
    ['transformation', endpoint.transformation ? linesOf(endpoint.transformation) : null],
    ['signature', signatureOf(endpoint.signatureHeader)],
    ...('signingSecret' in endpoint ? [['signing secret', endpoint.signingSecret] as [string, string]] : []),
    ['created', time(endpoint.createdAt)],
  ]);
}

function printEventType(out: Output, type: EventType): void {
  const kind = [type.custom ? "this account's own" : 'built in', type.archived ? 'archived: not publishable, no new subscriptions' : ''];
  out.line(`${type.name}: ${type.description}`);
  out.line(`(${kind.filter(Boolean).join('; ')})`);
  out.line();
  out.line('Schema:');
  out.line(pretty(type.schema));
  out.line();
  out.line('Example data:');
  out.line(pretty(type.example));
}

function printDeliveries(out: Output, deliveries: Delivery[]): void {
  out.table(
    ['ID', 'STATUS', 'ATTEMPTS', 'EVENT', 'TYPE', 'ENDPOINT', 'CREATED'],
    deliveries.map((d) => [d.id, d.status, d.attemptCount, d.event.id, d.event.type, d.endpoint.id, time(d.createdAt)]),
  );
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function notFound(what: string, id: string): never {
  throw new CliError(EXIT.NOT_FOUND, `No ${what} ${id} in this account`);
}

// ---------------------------------------------------------------------------------------------
// What flags name: a file, stdin (-), inline JSON, or the catalog's example.

async function readStdin(io: Io): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
  return chunks.join('');
}

/** A file's text, or stdin's for `-`. */
async function readText(io: Io, path: string): Promise<string> {
  if (path === '-') return readStdin(io);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.USAGE, `Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** JSON given inline (an object or array), as @file or a file's path, or - for stdin. */
async function readSource(io: Io, source: string): Promise<string> {
  if (/^\s*[[{]/.test(source)) return source;
  return readText(io, source.startsWith('@') ? source.slice(1) : source);
}

async function readJson(io: Io, source: string, what: string): Promise<unknown> {
  return parseJson(await readSource(io, source), source === '-' ? `${what} (stdin)` : what);
}

async function readData(io: Io, source: string | undefined): Promise<string> {
  if (source === undefined) {
    if (io.stdin.isTTY) throw new CliError(EXIT.USAGE, 'No data: pass --data <file>, --data - (stdin), --data <json> or --example');
    return readStdin(io);
  }
  return readSource(io, source);
}

function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') throw new CliError(EXIT.USAGE, `No data on ${what}: give a JSON value`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, `${what} is not JSON: ${(error as Error).message}`);
  }
}

/** Only one flag can read stdin. */
function oneStdin(flags: Record<string, string | undefined>): void {
  const named = Object.entries(flags).filter(([, value]) => value === '-' || value === '@-');
  if (named.length > 1) throw new CliError(EXIT.USAGE, `Only one of ${named.map(([flag]) => flag).join(', ')} can read stdin (-)`);
}

// ---------------------------------------------------------------------------------------------

export function endpointsCommand(io: Io): Command {
  const endpoints = new Command('endpoints').description('the URLs deliveries go to');

  endpoints
    .command('list')
    .description('every endpoint of the account')
    .option('--status <status>', 'ACTIVE, PAUSED or DISABLED', oneOf(ENDPOINT_STATUSES))
    .action(
      run(io, async ({ client, out }, flags: { status?: EndpointStatus }) => {
        const all = await collect(client().endpoints.list({ status: flags.status }));
        out.result(all, () => {
          if (all.length === 0) return out.line('No endpoints.');
          out.table(
            ['ID', 'STATUS', 'URL', 'EVENTS', 'DESCRIPTION'],
            all.map((e) => [e.id, e.status, e.url, list(e.eventTypes), e.description]),
          );
        });
      }),
    );

  endpoints
    .command('show <id>')
    .description('one endpoint, with its signing secret and delivery stats')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const [endpoint, stats] = await Promise.all([client().endpoints.get(id), client().endpoints.stats(id)]);
        if (!endpoint) notFound('endpoint', id);
        out.result({ ...endpoint, stats }, () => {
          printEndpoint(out, endpoint);
          if (stats) out.line(`${'deliveries'.padEnd(14)}  ${stats.total} total, ${stats.succeeded} succeeded, ${stats.failed} failed, ${stats.pending} pending`);
          if (endpoint.transformation) {
            out.line();
            out.line('Transformation:');
            out.line(endpoint.transformation);
          }
        });
      }),
    );

  endpointFlags(endpoints.command('create <url>').description('a new endpoint; prints its signing secret')).action(
    run(io, async ({ client, out, io }, url: string, flags: EndpointFlags) => {
      oneStdin({ '--transformation-file': flags.transformationFile, '--filter': flags.filter });
      const input: CreateEndpointInput = {
        ...(await endpointInput(io, flags)),
        url,
        eventTypes: flags.events ?? ['*'],
        description: flags.description ?? descriptionOf(url),
      };
      const { endpoint } = unwrap(await client().endpoints.create(input));
      out.result(endpoint, () => {
        out.line(`Created endpoint ${endpoint.id}`);
        printEndpoint(out, endpoint);
      });
    }),
  );

  endpointFlags(endpoints.command('update <id>').description('change an endpoint; flags not given stay as they are'))
    .option('--url <url>', 'a new URL')
    .addHelpText('after', '\nAn empty --transformation-file removes the transformation; --filter {} removes the filter.')
    .action(
      run(io, async ({ client, out, io }, id: string, flags: EndpointFlags & { url?: string }) => {
        oneStdin({ '--transformation-file': flags.transformationFile, '--filter': flags.filter });
        let current: SignatureHeaderInput | null = null;
        if (hasSignatureFlags(flags)) {
          const endpoint = await client().endpoints.get(id);
          if (!endpoint) notFound('endpoint', id);
          current = endpoint.signatureHeader;
        }
        const input = { ...(await endpointInput(io, flags, current)), ...(flags.url ? { url: flags.url } : {}) };
        if (Object.keys(input).length === 0) throw new CliError(EXIT.USAGE, 'Nothing to update: give at least one flag (see --help)');
        const { endpoint } = unwrap(await client().endpoints.update(id, input));
        out.result(endpoint, () => {
          out.line(`Updated endpoint ${endpoint.id}`);
          printEndpoint(out, endpoint);
        });
      }),
    );

  endpoints
    .command('delete <id>')
    .description('delete an endpoint with its deliveries and attempts')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const { deletedId } = unwrap(await client().endpoints.delete(id));
        out.result({ deletedId }, () => out.line(`Deleted endpoint ${deletedId}`));
      }),
    );

  for (const [name, verb, description] of [
    ['pause', 'Paused', 'hold deliveries (recorded, not attempted) until resume'],
    ['resume', 'Resumed', 'attempt held deliveries again, oldest first'],
  ] as const) {
    endpoints
      .command(`${name} <id>`)
      .description(description)
      .action(
        run(io, async ({ client, out }, id: string) => {
          const { endpoint } = unwrap(await client().endpoints[name](id));
          out.result(endpoint, () => out.line(`${verb} endpoint ${endpoint.id}: ${endpoint.status}`));
        }),
      );
  }

  endpoints
    .command('rotate <id>')
    .description('a new signing secret; the old one keeps signing beside it for the grace period')
    .option('--grace-period <seconds>', 'how long the old secret still signs (default 24 hours)', integer)
    .action(
      run(io, async ({ client, out }, id: string, flags: { gracePeriod?: number }) => {
        const { endpoint } = unwrap(await client().endpoints.rotateSecret(id, { gracePeriodSeconds: flags.gracePeriod }));
        out.result(endpoint, () => {
          out.line(`Rotated the signing secret of ${endpoint.id}`);
          out.line(`new secret  ${endpoint.signingSecret}`);
        });
      }),
    );

  endpoints
    .command('test <id>')
    .description('deliver a webhook.test event (or the example of --event-type) to this endpoint alone')
    .option('--event-type <type>', 'send the example of this event type instead')
    .action(
      run(io, async ({ client, out }, id: string, flags: { eventType?: string }) => {
        const { delivery } = unwrap(await client().endpoints.test(id, flags.eventType));
        out.result(delivery, () => out.line(`Sent ${delivery.event.type} ${delivery.event.id} to ${id}: delivery ${delivery.id} (${delivery.status})`));
      }),
    );

  endpoints
    .command('preview-transformation')
    .description('run a transformation on an event type\'s example (or --data), sending nothing: prints the exact body it would POST')
    .requiredOption('--file <path|->', 'the transformation: function handler(webhook) {…; return webhook} (- for stdin)')
    .requiredOption('--event-type <type>', 'the event type whose example it runs on')
    .option('--data <json|@file|->', 'run it on this event data instead of the example')
    .addHelpText('after', '\nThe body goes to stdout as it is (redirect it to a file to keep its exact bytes); the headers it adds, to stderr.')
    .action(
      run(io, async ({ client, out, io }, flags: { file: string; eventType: string; data?: string }) => {
        oneStdin({ '--file': flags.file, '--data': flags.data });
        const transformation = await readText(io, flags.file);
        const data = flags.data === undefined ? undefined : parseJson(await readData(io, flags.data), flags.data);
        const preview = unwrap(await client().previewTransformation(transformation, flags.eventType, data));
        out.result({ body: preview.body, headers: preview.headers ?? null }, () => {
          const added = Object.entries((preview.headers ?? {}) as Record<string, string>);
          if (added.length) out.note(`Headers it adds: ${added.map(([name, value]) => `${name}: ${value}`).join(', ')}`);
          out.raw(preview.body);
        });
      }),
    );

  return endpoints;
}

function descriptionOf(url: string): string {
  try {
    return `${new URL(url).host} (hookwire CLI)`;
  } catch {
    return 'created with the hookwire CLI';
  }
}

export function eventsCommand(io: Io): Command {
  const events = new Command('events').description('publish events, and read what was published');

  events
    .command('publish [type]')
    .description('publish one event (or, with --batch, a JSON array of {type, data, sessionId?, idempotencyKey?})')
    .option('--data <file|-|json>', 'the event data: a JSON file, - for stdin (the default when piped), or inline JSON')
    .option('--example', "use the event type's example from the catalog as data")
    .option('--session-id <id>', 'the WhatsApp session the event belongs to')
    .option('--idempotency-key <key>', 'a repeat within 24 hours returns the first event and delivers nothing new')
    .option('--batch', 'publish every event of the array in one transaction (all or none)')
    .action(
      run(io, async ({ client, out, io }, type: string | undefined, flags: { data?: string; example?: boolean; sessionId?: string; idempotencyKey?: string; batch?: boolean }) => {
        if (flags.batch) {
          if (type) throw new CliError(EXIT.USAGE, 'With --batch, each event names its own type: give no type argument');
          const inputs = parseJson(await readData(io, flags.data), flags.data ?? 'stdin');
          if (!Array.isArray(inputs)) throw new CliError(EXIT.USAGE, '--batch data must be a JSON array of {type, data, sessionId?, idempotencyKey?}');
          const { events: published } = unwrap(await client().events.publishBatch(inputs as PublishEventInput[]));
          out.result(published, () => {
            out.line(`Published ${published.length} events`);
            out.table(['ID', 'TYPE', 'DELIVERIES'], published.map((e) => [e.id, e.type, e.deliveries.length]));
          });
          return;
        }
        if (!type) throw new CliError(EXIT.USAGE, 'Give the event type, e.g. hookwire events publish message.received --example');
        let data: unknown;
        if (flags.example) {
          const eventType = await client().eventTypes.get(type);
          if (!eventType) notFound('event type', type);
          data = eventType.example;
        } else {
          data = parseJson(await readData(io, flags.data), flags.data ?? 'stdin');
        }
        const { event } = unwrap(await client().events.publish({ type, data, sessionId: flags.sessionId, idempotencyKey: flags.idempotencyKey }));
        out.result(event, () => {
          const count = event.deliveries.length;
          out.line(`Published ${event.id} (${event.type}): ${count} ${count === 1 ? 'delivery' : 'deliveries'}`);
          for (const d of event.deliveries) out.line(`  ${d.id} → ${d.endpoint.id} (${d.status})`);
        });
      }),
    );

  events
    .command('list')
    .description('the latest events, newest first')
    .option('--type <type>', 'only this event type')
    .option('--session-id <id>', 'only this WhatsApp session')
    .option('--limit <n>', 'at most n events (default 20)', integer, 20)
    .action(
      run(io, async ({ client, out }, flags: { type?: string; sessionId?: string; limit: number }) => {
        const all = await collect(client().events.list({ type: flags.type, sessionId: flags.sessionId }, { limit: flags.limit }));
        out.result(all, () => {
          if (all.length === 0) return out.line('No events.');
          out.table(['ID', 'TYPE', 'SESSION', 'CREATED'], all.map((e) => [e.id, e.type, e.sessionId, time(e.createdAt)]));
        });
      }),
    );

  events
    .command('show <id>')
    .description('one event: its exact payload and its deliveries')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const event = await client().events.get(id);
        if (!event) notFound('event', id);
        out.result(event, () => {
          out.record([
            ['id', event.id],
            ['type', event.type],
            ['session', event.sessionId],
            ['created', time(event.createdAt)],
          ]);
          out.line();
          out.line(pretty(event.payload));
          out.line();
          printDeliveries(out, event.deliveries);
        });
      }),
    );

  return events;
}

export function deliveriesCommand(io: Io): Command {
  const deliveries = new Command('deliveries').description('one per event and endpoint, with every attempt');

  deliveries
    .command('list')
    .description('the latest deliveries, newest first, with counts over all that match')
    .option('--endpoint <id>', 'only to this endpoint')
    .option('--status <status>', 'PENDING, SUCCEEDED or FAILED', oneOf(DELIVERY_STATUSES))
    .option('--event-type <type>', 'only of this event type')
    .option('--since <time>', 'created since: ISO 8601, or a duration ago (30m, 2h, 7d)', instant)
    .option('--limit <n>', 'at most n deliveries (default 20)', integer, 20)
    .action(
      run(io, async ({ client, out }, flags: { endpoint?: string; status?: DeliveryStatus; eventType?: string; since?: string; limit: number }) => {
        const filter = { endpointId: flags.endpoint, status: flags.status, eventType: flags.eventType, since: flags.since };
        let page = await client().deliveries.page({ ...filter, first: Math.min(flags.limit, 100) });
        const { totalCount, stats } = page;
        const rows = [...page.nodes];
        while (page.hasNextPage && rows.length < flags.limit) {
          page = await client().deliveries.page({ ...filter, first: Math.min(flags.limit - rows.length, 100), after: page.endCursor });
          rows.push(...page.nodes);
        }
        out.result({ deliveries: rows, totalCount, stats }, () => {
          if (rows.length === 0) return out.line('No deliveries.');
          printDeliveries(out, rows);
          const s = stats;
          out.line(`${rows.length} of ${totalCount} shown; ${s.succeeded} succeeded, ${s.failed} failed, ${s.pending} pending`);
        });
      }),
    );

  deliveries
    .command('show <id>')
    .description('one delivery with every attempt: request, response, timing')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const delivery = await client().deliveries.get(id);
        if (!delivery) notFound('delivery', id);
        out.result(delivery, () => {
          out.record([
            ['id', delivery.id],
            ['status', delivery.status],
            ['event', `${delivery.event.id} (${delivery.event.type})`],
            ['endpoint', `${delivery.endpoint.id} ${delivery.endpoint.url}`],
            ['created', time(delivery.createdAt)],
            ['next attempt', time(delivery.nextAttemptAt)],
            ['completed', time(delivery.completedAt)],
          ]);
          out.line();
          if (delivery.attempts.length === 0) return out.line('No attempts yet.');
          out.table(
            ['#', 'TRIGGER', 'OUTCOME', 'STATUS', 'DURATION', 'STARTED', 'ERROR'],
            delivery.attempts.map((a) => [a.attemptNumber, a.trigger, a.outcome, a.responseStatus, `${a.durationMs} ms`, time(a.startedAt), a.error]),
          );
        });
      }),
    );

  deliveries
    .command('retry <id>')
    .description('one more attempt now, whatever the delivery’s status')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const { delivery } = unwrap(await client().deliveries.retry(id));
        out.result(delivery, () => out.line(`Scheduled a retry of ${delivery.id} (${delivery.event.type} to ${delivery.endpoint.id})`));
      }),
    );

  deliveries
    .command('recover')
    .description('schedule again every FAILED delivery of an endpoint since a time')
    .requiredOption('--endpoint <id>', 'the endpoint')
    .requiredOption('--since <time>', 'ISO 8601, or a duration ago (30m, 2h, 7d)', instant)
    .action(
      run(io, async ({ client, out }, flags: { endpoint: string; since: string }) => {
        const { count } = unwrap(await client().deliveries.recover(flags.endpoint, flags.since));
        out.result({ count }, () => out.line(`Scheduled ${count} failed ${count === 1 ? 'delivery' : 'deliveries'} again`));
      }),
    );

  return deliveries;
}

interface EventTypeFlags {
  description?: string;
  schema?: string;
  example?: string;
}

async function eventTypeInput(io: Io, flags: EventTypeFlags): Promise<UpdateEventTypeInput> {
  oneStdin({ '--schema': flags.schema, '--example': flags.example });
  const input: UpdateEventTypeInput = {
    description: flags.description,
    schema: flags.schema === undefined ? undefined : await readJson(io, flags.schema, '--schema'),
    example: flags.example === undefined ? undefined : await readJson(io, flags.example, '--example'),
  };
  return given(input);
}

export function eventTypesCommand(io: Io): Command {
  const eventTypes = new Command('event-types').description("the catalog and the account's own types: each with its JSON Schema and an example");

  eventTypes
    .command('list')
    .description("every event type: the built-in catalog, then the account's own")
    .action(
      run(io, async ({ client, out }) => {
        const all = await client().eventTypes.list();
        const kind = (t: EventType) => [t.custom ? 'custom' : 'built-in', t.archived ? 'archived' : ''].filter(Boolean).join(', ');
        out.result(all, () => out.table(['NAME', 'KIND', 'DESCRIPTION'], all.map((t) => [t.name, kind(t), t.description])));
      }),
    );

  eventTypes
    .command('show <name>')
    .description('one event type: description, JSON Schema and example')
    .action(
      run(io, async ({ client, out }, name: string) => {
        const type = await client().eventTypes.get(name);
        if (!type) notFound('event type', name);
        out.result(type, () => printEventType(out, type));
      }),
    );

  eventTypes
    .command('create <name>')
    .description("a type of the account's own (lowercase, dot-separated: order.shipped); wildcards such as order.* match it")
    .requiredOption('--description <text>', 'what the event means')
    .requiredOption('--schema <json|@file|->', "the JSON Schema of the event's data: inline JSON, a file, or - for stdin")
    .requiredOption('--example <json|@file|->', 'example data, valid against the schema')
    .action(
      run(io, async ({ client, out, io }, name: string, flags: Required<EventTypeFlags>) => {
        const input = await eventTypeInput(io, flags);
        const { eventType } = unwrap(await client().eventTypes.create({ name, description: flags.description, schema: input.schema, example: input.example }));
        out.result(eventType, () => {
          out.line(`Created event type ${eventType.name}`);
          printEventType(out, eventType);
        });
      }),
    );

  eventTypes
    .command('update <name>')
    .description("change one of the account's own types; the example must still validate against the schema")
    .option('--description <text>', 'what the event means')
    .option('--schema <json|@file|->', "the JSON Schema of the event's data")
    .option('--example <json|@file|->', 'example data')
    .action(
      run(io, async ({ client, out, io }, name: string, flags: EventTypeFlags) => {
        const input = await eventTypeInput(io, flags);
        if (Object.keys(input).length === 0) throw new CliError(EXIT.USAGE, 'Nothing to update: give --description, --schema or --example');
        const { eventType } = unwrap(await client().eventTypes.update(name, input));
        out.result(eventType, () => {
          out.line(`Updated event type ${eventType.name}`);
          printEventType(out, eventType);
        });
      }),
    );

  for (const [command, verb, description] of [
    ['archive', 'Archived', 'no more publishing or new subscriptions; existing subscriptions and history stay'],
    ['unarchive', 'Unarchived', 'publishable and subscribable again'],
  ] as const) {
    eventTypes
      .command(`${command} <name>`)
      .description(description)
      .action(
        run(io, async ({ client, out }, name: string) => {
          const { eventType } = unwrap(await client().eventTypes[command](name));
          out.result(eventType, () => out.line(`${verb} event type ${eventType.name}`));
        }),
      );
  }

  return eventTypes;
}
