// `hookwire events …`: publish one event or a batch, list the latest, show one with its deliveries.
import { Command } from 'commander';
import { unwrap } from '../client.ts';
import type { PublishEventInput } from '../generated/graphql.ts';
import { collect, run } from './context.ts';
import { printDeliveries } from './deliveries.ts';
import { CliError, EXIT, notFound } from './exit.ts';
import { integer } from './flags.ts';
import { parseJson, readData } from './input.ts';
import { pretty, time, type Io } from './output.ts';

export function eventsCommand(io: Io): Command {
  const events = new Command('events').description('publish events, and read what was published');
  for (const add of [publishEvent, listEvents, showEvent]) add(events, io);
  return events;
}

function publishEvent(events: Command, io: Io): void {
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
}

function listEvents(events: Command, io: Io): void {
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
}

function showEvent(events: Command, io: Io): void {
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
}
