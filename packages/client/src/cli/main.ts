// `hookwire …`: the command tree, and how its outcome becomes an exit code. main() returns the
// code rather than exiting, so the bin decides when the process ends.
import { Command, CommanderError } from 'commander';
import { accountsCommand } from './accounts.ts';
import { deliveriesCommand } from './deliveries.ts';
import { endpointsCommand } from './endpoints.ts';
import { eventsCommand } from './events.ts';
import { eventTypesCommand } from './event-types.ts';
import { sourcesCommand } from './sources.ts';
import { EXIT, EXIT_CODES_HELP, report } from './exit.ts';
import { listenCommand } from './listen.ts';
import { tailCommand } from './tail.ts';
import type { Io } from './output.ts';

export const VERSION = '0.1.0';

export function program(io: Io): Command {
  const root = new Command('hookwire')
    .description('Hookwire from the command line: endpoints, events, deliveries, live attempts, and listen')
    .version(VERSION)
    .option('--url <url>', 'the GraphQL URL (default: $HOOKWIRE_URL, else http://127.0.0.1:4000/graphql)')
    .option('--api-key <key>', 'an API key (default: $HOOKWIRE_API_KEY)')
    .option('--admin-key <key>', "the deployment's admin key (default: $HOOKWIRE_ADMIN_KEY when no API key is given)")
    .option('--account <id>', 'with the admin key: the account (id or externalId) to act for (default: $HOOKWIRE_ACCOUNT)')
    .option('--json', 'print JSON (one value per line for tail and listen) instead of tables')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  const subcommands = [accountsCommand(io), endpointsCommand(io), eventsCommand(io), deliveriesCommand(io), eventTypesCommand(io), sourcesCommand(io), tailCommand(io), listenCommand(io)];
  for (const command of subcommands) root.addCommand(command);
  // Every level throws instead of exiting, and writes where main says.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
    command.commands.forEach(configure);
  };
  configure(root);
  return root;
}

/** Runs one command line (without node and the script) and returns its exit code. */
export async function main(args: string[], io: Io): Promise<number> {
  try {
    await program(io).parseAsync(args, { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const { exitCode, lines } = report(error);
    io.stderr.write(lines.map((line, i) => (i === 0 ? `hookwire: ${line}` : line)).join('\n') + '\n');
    return exitCode;
  }
}
