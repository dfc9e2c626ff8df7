// `hookwire event-types …`: the catalog and the account's own types (create, update, archive,
// unarchive), each printed with its JSON Schema and example.
import { Command } from 'commander';
import { unwrap, type EventType } from '../client.ts';
import type { UpdateEventTypeInput } from '../generated/graphql.ts';
import { run } from './context.ts';
import { CliError, EXIT, notFound } from './exit.ts';
import { given, oneStdin, readJson } from './input.ts';
import { pretty, type Io, type Output } from './output.ts';

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
  for (const add of [listEventTypes, showEventType, createEventType, updateEventType, archiveAndUnarchive]) add(eventTypes, io);
  return eventTypes;
}

function listEventTypes(eventTypes: Command, io: Io): void {
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
}

function showEventType(eventTypes: Command, io: Io): void {
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
}

function createEventType(eventTypes: Command, io: Io): void {
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
}

function updateEventType(eventTypes: Command, io: Io): void {
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
}

function archiveAndUnarchive(eventTypes: Command, io: Io): void {
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
}
