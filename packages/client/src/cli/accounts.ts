// `hookwire accounts …`: a platform's customers, managed with the deployment's admin key: list
// (search, status), create (idempotent on --external-id), disable and enable.
import { Command } from 'commander';
import { unwrap, type PlatformAccount } from '../client.ts';
import type { AccountStatus } from '../generated/graphql.ts';
import { collect, run } from './context.ts';
import { integer, oneOf } from './flags.ts';
import { parseJson } from './input.ts';
import { time, type Io, type Output } from './output.ts';

const STATUSES = ['ACTIVE', 'DISABLED'] as const satisfies readonly AccountStatus[];

export function accountsCommand(io: Io): Command {
  const accounts = new Command('accounts').description("the platform's customer accounts (needs the admin key: --admin-key or $HOOKWIRE_ADMIN_KEY)");
  for (const add of [listAccounts, createAccount, disableAccount, enableAccount]) add(accounts, io);
  return accounts;
}

function printAccount(out: Output, account: PlatformAccount): void {
  out.record([
    ['id', account.id],
    ['name', account.name],
    ['externalId', account.externalId],
    ['status', account.status],
    ['metadata', account.metadata === null || account.metadata === undefined ? null : JSON.stringify(account.metadata)],
    ['created', time(account.createdAt)],
  ]);
}

function listAccounts(accounts: Command, io: Io): void {
  accounts
    .command('list')
    .description('accounts, newest first')
    .option('--search <text>', 'name or externalId contains this (case-insensitive)')
    .option('--status <status>', `only ${STATUSES.join(' or ')}`, oneOf(STATUSES))
    .option('--limit <n>', 'at most n accounts (default 50)', integer, 50)
    .action(
      run(io, async ({ client, out }, flags: { search?: string; status?: AccountStatus; limit: number }) => {
        const all = await collect(client().accounts.list({ search: flags.search, status: flags.status }, { limit: flags.limit }));
        out.result(all, () => {
          if (all.length === 0) return out.line('No accounts.');
          out.table(['ID', 'EXTERNAL ID', 'NAME', 'STATUS', 'CREATED'], all.map((a) => [a.id, a.externalId, a.name, a.status, time(a.createdAt)]));
        });
      }),
    );
}

function createAccount(accounts: Command, io: Io): void {
  accounts
    .command('create <name>')
    .description('a new account and its first API key (shown once); with --external-id, the existing one if it has it')
    .option('--external-id <id>', "the platform's own id for the customer")
    .option('--metadata <json>', 'any JSON kept with the account')
    .action(
      run(io, async ({ client, out }, name: string, flags: { externalId?: string; metadata?: string }) => {
        const metadata = flags.metadata === undefined ? undefined : parseJson(flags.metadata, '--metadata');
        const created = unwrap(await client().accounts.create({ name, externalId: flags.externalId, metadata }));
        out.result(created, () => {
          printAccount(out, created.account);
          out.line();
          out.line(`API key (shown once): ${created.apiKey}`);
        });
      }),
    );
}

function disableAccount(accounts: Command, io: Io): void {
  accounts
    .command('disable <id>')
    .description('its keys and portal sessions stop working at once and its deliveries are held; nothing is deleted (id or externalId)')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const { account } = unwrap(await client().accounts.disable(id));
        out.result(account, () => out.line(`Disabled ${account.id}${account.externalId ? ` (${account.externalId})` : ''}`));
      }),
    );
}

function enableAccount(accounts: Command, io: Io): void {
  accounts
    .command('enable <id>')
    .description('active again: its keys work and its held deliveries go (id or externalId)')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const { account } = unwrap(await client().accounts.enable(id));
        out.result(account, () => out.line(`Enabled ${account.id}${account.externalId ? ` (${account.externalId})` : ''}`));
      }),
    );
}
