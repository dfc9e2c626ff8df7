// The request/response commands: endpoints, events, deliveries, event-types. Each reads flags,
// calls one client method, and prints a table or record (or JSON with --json).
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { unwrap, type Delivery, type EndpointWithSecret, type Endpoint } from '../client.ts';
import type { CreateEndpointInput, DeliveryStatus, EndpointStatus, PublishEventInput, UpdateEndpointInput } from '../generated/graphql.ts';
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
    .option('--verify-token <token>', 'run the hub.challenge handshake with the URL before saving');
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
}

function endpointInput(flags: EndpointFlags): UpdateEndpointInput {
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
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as UpdateEndpointInput;
}

// ---------------------------------------------------------------------------------------------
// Printing.

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
    ...('signingSecret' in endpoint ? [['signing secret', endpoint.signingSecret] as [string, string]] : []),
    ['created', time(endpoint.createdAt)],
  ]);
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
// Event data: a file, stdin, inline JSON, or the catalog's example.

async function readData(io: Io, source: string | undefined): Promise<string> {
  if (source === undefined || source === '-') {
    if (source === undefined && io.stdin.isTTY) {
      throw new CliError(EXIT.USAGE, 'No data: pass --data <file>, --data - (stdin), --data <json> or --example');
    }
    const chunks: string[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    return chunks.join('');
  }
  if (/^\s*[[{]/.test(source)) return source;
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.USAGE, `Cannot read ${source}: ${(error as Error).message}`);
  }
}

function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') throw new CliError(EXIT.USAGE, `No data on ${what}: give a JSON value`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, `${what} is not JSON: ${(error as Error).message}`);
  }
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
        });
      }),
    );

  endpointFlags(endpoints.command('create <url>').description('a new endpoint; prints its signing secret')).action(
    run(io, async ({ client, out }, url: string, flags: EndpointFlags) => {
      const input: CreateEndpointInput = {
        ...endpointInput(flags),
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
    .action(
      run(io, async ({ client, out }, id: string, flags: EndpointFlags & { url?: string }) => {
        const input = { ...endpointInput(flags), ...(flags.url ? { url: flags.url } : {}) };
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

export function eventTypesCommand(io: Io): Command {
  const eventTypes = new Command('event-types').description('the catalog: each type with its JSON Schema and an example');

  eventTypes
    .command('list')
    .description('every event type')
    .action(
      run(io, async ({ client, out }) => {
        const all = await client().eventTypes.list();
        out.result(all, () => out.table(['NAME', 'DESCRIPTION'], all.map((t) => [t.name, t.description])));
      }),
    );

  eventTypes
    .command('show <name>')
    .description('one event type: description, JSON Schema and example')
    .action(
      run(io, async ({ client, out }, name: string) => {
        const type = await client().eventTypes.get(name);
        if (!type) notFound('event type', name);
        out.result(type, () => {
          out.line(`${type.name}: ${type.description}`);
          out.line();
          out.line('Schema:');
          out.line(pretty(type.schema));
          out.line();
          out.line('Example data:');
          out.line(pretty(type.example));
        });
      }),
    );

  return eventTypes;
}
