// `hookwire endpoints …`: list, show, create, update, delete, pause and resume, rotate the secret,
// send a test event, and preview a transformation; the flags create and update share, and how an
// endpoint prints.
import { Command, InvalidArgumentError } from 'commander';
import { unwrap, type Endpoint, type EndpointWithSecret } from '../client.ts';
import type {
  CreateEndpointInput,
  DestinationInput,
  DestinationKind,
  EndpointStatus,
  SignatureFormat,
  SignatureHeaderInput,
  UpdateEndpointInput,
} from '../generated/graphql.ts';
import { collect, run } from './context.ts';
import { CliError, EXIT, notFound } from './exit.ts';
import { csv, header, integer, integers, oneOf } from './flags.ts';
import { given, oneStdin, parseJson, readData, readJson, readText } from './input.ts';
import { list, time, type Io, type Output } from './output.ts';

const ENDPOINT_STATUSES = ['ACTIVE', 'PAUSED', 'DISABLED'] as const satisfies readonly EndpointStatus[];
const SIGNATURE_FORMATS = ['SHA256_HEX', 'HEX', 'SHA256_HEX_TIMESTAMPED'] as const satisfies readonly SignatureFormat[];
const DEFAULT_SIGNATURE_HEADER = 'x-webhook-signature';
/** --destination's words for the API's kinds. */
const DESTINATIONS = { http: 'HTTP', rabbitmq: 'RABBITMQ', nats: 'NATS', redis: 'REDIS_STREAM' } as const satisfies Record<string, DestinationKind>;
type DestinationWord = keyof typeof DESTINATIONS;

function destinationWord(value: string): DestinationWord {
  const word = value.toLowerCase().replace(/[-_]stream$/, '');
  if (!(word in DESTINATIONS)) throw new InvalidArgumentError(`must be one of ${Object.keys(DESTINATIONS).join(', ')}`);
  return word as DestinationWord;
}

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
    .option('--filter <json|@file>', 'deliver only the events whose envelope matches this JSON filter')
    .option('--destination <kind>', 'http (the default), rabbitmq, nats or redis: the URL is then the broker\'s (amqp://, nats://, redis://)', destinationWord)
    .option('--exchange <name>', 'rabbitmq: the exchange (default: the default exchange)')
    .option('--routing-key <key>', 'rabbitmq: the routing key (default: the event type)')
    .option('--subject <subject>', 'nats: the JetStream subject; {type} becomes the event type')
    .option('--stream <key>', 'redis: the stream key');
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
  destination?: DestinationWord;
  exchange?: string;
  routingKey?: string;
  subject?: string;
  stream?: string;
}

const hasDestinationFlags = (flags: EndpointFlags) =>
  flags.destination !== undefined || flags.exchange !== undefined || flags.routingKey !== undefined || flags.subject !== undefined || flags.stream !== undefined;

/**
 * The whole destination the API takes, from the flags and, on update, the endpoint's: a field flag
 * alone changes that field of the current destination. Fields that do not fit the kind are left
 * for the API to name.
 */
function destinationInput(flags: EndpointFlags, current: Endpoint['destination'] | null): DestinationInput | undefined {
  if (!hasDestinationFlags(flags)) return undefined;
  const kind = flags.destination ? DESTINATIONS[flags.destination] : (current?.kind ?? 'HTTP');
  const keep = current?.kind === kind ? current : null;
  return given({
    kind,
    exchange: flags.exchange ?? keep?.exchange ?? undefined,
    routingKey: flags.routingKey ?? keep?.routingKey ?? undefined,
    subject: flags.subject ?? keep?.subject ?? undefined,
    stream: flags.stream ?? keep?.stream ?? undefined,
  });
}

function destinationOf(destination: Endpoint['destination']): string {
  switch (destination.kind) {
    case 'HTTP':
      return 'HTTP POST';
    case 'RABBITMQ':
      return `RabbitMQ exchange "${destination.exchange ?? ''}", routing key ${destination.routingKey === null || destination.routingKey === undefined ? 'the event type' : `"${destination.routingKey}"`}`;
    case 'NATS':
      return `NATS JetStream subject "${destination.subject}"`;
    case 'REDIS_STREAM':
      return `Redis stream "${destination.stream}"`;
  }
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

/** The input of create and update; `current` is the endpoint's signatureHeader and destination on update. */
async function endpointInput(
  io: Io,
  flags: EndpointFlags,
  current: { signatureHeader: SignatureHeaderInput | null; destination: Endpoint['destination'] | null } = { signatureHeader: null, destination: null },
): Promise<UpdateEndpointInput> {
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
    signatureHeader: hasSignatureFlags(flags) ? signatureHeaderInput(flags, current.signatureHeader) : undefined,
    destination: destinationInput(flags, current.destination),
    transformation: flags.transformationFile === undefined ? undefined : await readText(io, flags.transformationFile),
    filter: flags.filter === undefined ? undefined : await readJson(io, flags.filter, '--filter'),
  };
  return given(input);
}

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
    ['destination', destinationOf(endpoint.destination)],
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

function descriptionOf(url: string): string {
  try {
    return `${new URL(url).host} (hookwire CLI)`;
  } catch {
    return 'created with the hookwire CLI';
  }
}

export function endpointsCommand(io: Io): Command {
  const endpoints = new Command('endpoints').description('the URLs deliveries go to');
  for (const add of [listEndpoints, showEndpoint, createEndpoint, updateEndpoint, deleteEndpoint, pauseAndResume, rotateSecret, sendTest, previewTransformation]) add(endpoints, io);
  return endpoints;
}

function listEndpoints(endpoints: Command, io: Io): void {
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
            ['ID', 'STATUS', 'KIND', 'URL', 'EVENTS', 'DESCRIPTION'],
            all.map((e) => [e.id, e.status, e.destination.kind, e.url, list(e.eventTypes), e.description]),
          );
        });
      }),
    );
}

function showEndpoint(endpoints: Command, io: Io): void {
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
}

function createEndpoint(endpoints: Command, io: Io): void {
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
}

function updateEndpoint(endpoints: Command, io: Io): void {
  endpointFlags(endpoints.command('update <id>').description('change an endpoint; flags not given stay as they are'))
    .option('--url <url>', 'a new URL')
    .addHelpText('after', '\nAn empty --transformation-file removes the transformation; --filter {} removes the filter.')
    .action(
      run(io, async ({ client, out, io }, id: string, flags: EndpointFlags & { url?: string }) => {
        oneStdin({ '--transformation-file': flags.transformationFile, '--filter': flags.filter });
        let current: Parameters<typeof endpointInput>[2] = { signatureHeader: null, destination: null };
        if (hasSignatureFlags(flags) || hasDestinationFlags(flags)) {
          const endpoint = await client().endpoints.get(id);
          if (!endpoint) notFound('endpoint', id);
          current = { signatureHeader: endpoint.signatureHeader, destination: endpoint.destination };
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
}

function deleteEndpoint(endpoints: Command, io: Io): void {
  endpoints
    .command('delete <id>')
    .description('delete an endpoint with its deliveries and attempts')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const { deletedId } = unwrap(await client().endpoints.delete(id));
        out.result({ deletedId }, () => out.line(`Deleted endpoint ${deletedId}`));
      }),
    );
}

function pauseAndResume(endpoints: Command, io: Io): void {
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
}

function rotateSecret(endpoints: Command, io: Io): void {
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
}

function sendTest(endpoints: Command, io: Io): void {
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
}

function previewTransformation(endpoints: Command, io: Io): void {
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
}
