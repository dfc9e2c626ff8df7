// `hookwire sources …`: where events come from besides publishing (Meta's WhatsApp webhooks, a
// signed sender, a RabbitMQ queue, a JetStream subject, a Redis stream): list (with a broker
// source's state and lag), create (prints the ingest URL to give the sender), show with recent requests.
import { Command } from 'commander';
import { unwrap, type Source, type SourceRequest } from '../client.ts';
import type { CreateSourceInput, SignatureFormat, SourceKind } from '../generated/graphql.ts';
import { collect, run } from './context.ts';
import { CliError, EXIT, notFound } from './exit.ts';
import { oneOf } from './flags.ts';
import { time, type Io, type Output } from './output.ts';

const KINDS = ['WHATSAPP_CLOUD', 'SIGNED_HTTP', 'RABBITMQ', 'NATS', 'REDIS_STREAM'] as const satisfies readonly SourceKind[];
const SIGNATURE_FORMATS = ['SHA256_HEX', 'HEX', 'SHA256_HEX_TIMESTAMPED'] as const satisfies readonly SignatureFormat[];

function printSource(out: Output, source: Source): void {
  out.record([
    ['id', source.id],
    ['kind', source.kind],
    ['name', source.name],
    ['status', source.status],
    ['ingest URL', source.ingestUrl],
    ['broker URL', source.brokerUrl],
    ['queue', source.queue],
    ['subject', source.subject],
    ['stream', source.stream],
    ['broker state', source.brokerState],
    ['lag', source.lag === null || source.lag === undefined ? null : String(source.lag)],
    ['event type', source.eventType],
    ['last error', source.lastError],
    ['last error at', time(source.lastErrorAt)],
    ['created', time(source.createdAt)],
  ]);
}

function printRequests(out: Output, requests: readonly SourceRequest[]): void {
  out.line();
  if (requests.length === 0) return out.line('No requests yet.');
  out.line('Recent requests (newest first):');
  out.table(['RECEIVED', 'STATUS', 'EVENTS', 'ERROR'], requests.map((r) => [time(r.receivedAt) ?? '', String(r.status), String(r.events), r.error ?? '']));
}

export function sourcesCommand(io: Io): Command {
  const sources = new Command('sources').description("where events come from besides publishing: Meta's WhatsApp webhooks, signed senders");
  for (const add of [listSources, createSource, showSource]) add(sources, io);
  return sources;
}

function listSources(sources: Command, io: Io): void {
  sources
    .command('list')
    .description('every source of the account, with its ingest URL (or broker URL, state and lag)')
    .action(
      run(io, async ({ client, out }) => {
        const all = await collect(client().sources.list());
        out.result(all, () => {
          if (all.length === 0) return out.line('No sources.');
          out.table(
            ['ID', 'KIND', 'STATUS', 'NAME', 'INGEST URL', 'BROKER URL', 'STATE', 'LAG'],
            all.map((s) => [s.id, s.kind, s.status, s.name, s.ingestUrl ?? '', s.brokerUrl ?? '', s.brokerState ?? '', s.lag === null || s.lag === undefined ? '' : String(s.lag)]),
          );
        });
      }),
    );
}

interface CreateFlags {
  kind: SourceKind;
  appSecret?: string;
  verifyToken?: string;
  signingSecret?: string;
  signatureHeader?: string;
  signatureFormat?: SignatureFormat;
  timestampHeader?: string;
  eventType?: string;
  brokerUrl?: string;
  queue?: string;
  subject?: string;
  stream?: string;
}

function createSource(sources: Command, io: Io): void {
  sources
    .command('create <name>')
    .description('a new source; prints the ingest URL to give the sender (Meta: the callback URL of your app\'s webhook)')
    .requiredOption('--kind <kind>', 'WHATSAPP_CLOUD, SIGNED_HTTP, RABBITMQ, NATS or REDIS_STREAM', oneOf(KINDS))
    .option('--app-secret <secret>', 'WHATSAPP_CLOUD: the Meta app secret that keys X-Hub-Signature-256')
    .option('--verify-token <token>', 'WHATSAPP_CLOUD: the verify token you type into Meta\'s dashboard')
    .option('--signing-secret <secret>', 'SIGNED_HTTP: the secret the sender signs with')
    .option('--signature-header <name>', 'SIGNED_HTTP: the hex signature header the sender writes (Standard Webhooks when absent)')
    .option('--signature-format <format>', 'SIGNED_HTTP: SHA256_HEX (default with --signature-header), HEX or SHA256_HEX_TIMESTAMPED', oneOf(SIGNATURE_FORMATS))
    .option('--timestamp-header <name>', 'SIGNED_HTTP: the header with the signed unix seconds (SHA256_HEX_TIMESTAMPED)')
    .option('--event-type <type>', 'SIGNED_HTTP: the type of each body that names none')
    .option('--broker-url <url>', "broker kinds: the broker's URL (amqp://, nats://, redis:// or their TLS forms; stored sealed)")
    .option('--queue <name>', 'RABBITMQ: the queue consumed (it must exist)')
    .option('--subject <subject>', 'NATS: the subject filter of the durable consumer (a stream must capture it)')
    .option('--stream <key>', 'REDIS_STREAM: the stream key')
    .action(
      run(io, async ({ client, out }, name: string, flags: CreateFlags) => {
        if ((flags.signatureFormat !== undefined || flags.timestampHeader !== undefined) && flags.signatureHeader === undefined) {
          throw new CliError(EXIT.USAGE, '--signature-format and --timestamp-header need --signature-header');
        }
        const input: CreateSourceInput = {
          kind: flags.kind,
          name,
          appSecret: flags.appSecret,
          verifyToken: flags.verifyToken,
          signingSecret: flags.signingSecret,
          eventType: flags.eventType,
          brokerUrl: flags.brokerUrl,
          queue: flags.queue,
          subject: flags.subject,
          stream: flags.stream,
          signatureHeader:
            flags.signatureHeader === undefined
              ? undefined
              : {
                  name: flags.signatureHeader,
                  format: flags.signatureFormat ?? (flags.timestampHeader ? 'SHA256_HEX_TIMESTAMPED' : 'SHA256_HEX'),
                  timestampHeader: flags.timestampHeader,
                },
        };
        const { source } = unwrap(await client().sources.create(input));
        out.result(source, () => {
          if (source.ingestUrl) {
            out.line(`Created source ${source.id}. Give the sender this URL:`);
            out.line(`  ${source.ingestUrl}`);
          } else {
            out.line(`Created source ${source.id}: a worker consumes ${source.brokerUrl} from now on.`);
          }
          out.line();
          printSource(out, source);
        });
      }),
    );
}

function showSource(sources: Command, io: Io): void {
  sources
    .command('show <id>')
    .description('one source, its ingest URL and its recent requests (accepted, or refused and why)')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const source = await client().sources.get(id);
        if (!source) notFound('source', id);
        out.result(source, () => {
          printSource(out, source);
          printRequests(out, source.recentRequests);
        });
      }),
    );
}
