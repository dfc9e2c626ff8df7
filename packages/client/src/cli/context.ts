// What every command's action gets: the client built from flags and environment, and the output;
// run() hands it to an action.
import type { Command } from 'commander';
import { DEFAULT_URL, HookwireClient, type HookwireClientOptions } from '../client.ts';
import { CliError, EXIT } from './exit.ts';
import { Output, type Io } from './output.ts';

export interface GlobalOptions {
  url?: string;
  apiKey?: string;
  adminKey?: string;
  account?: string;
  json?: boolean;
}

export interface Context {
  io: Io;
  out: Output;
  /** The client, made on first use (so `--help` needs no key); the first call's socket options hold. */
  client(webSocket?: HookwireClientOptions['webSocket']): HookwireClient;
}

/** Where no global WebSocket exists (Node 20), graphql-ws gets the `ws` package's. */
async function webSocketImpl(): Promise<HookwireClientOptions['webSocket']> {
  if (typeof globalThis.WebSocket === 'function') return undefined;
  const { default: WebSocket } = await import('ws');
  return { webSocketImpl: WebSocket };
}

export async function contextOf(command: Command, io: Io): Promise<Context> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const out = new Output(io, Boolean(options.json));
  const impl = await webSocketImpl();
  let client: HookwireClient | null = null;
  return {
    io,
    out,
    client(webSocket) {
      if (client) return client;
      // A key given on the command line wins over the environment; an API key over the admin key.
      const apiKey = options.apiKey ?? (options.adminKey ? undefined : io.env.HOOKWIRE_API_KEY);
      const adminKey = apiKey ? undefined : (options.adminKey ?? io.env.HOOKWIRE_ADMIN_KEY);
      if (!apiKey && !adminKey) {
        throw new CliError(
          EXIT.USAGE,
          'No API key: set HOOKWIRE_API_KEY=hk_… or pass --api-key (npm start prints one on its first start); a platform passes --admin-key (or $HOOKWIRE_ADMIN_KEY) and --account',
        );
      }
      const account = options.account ?? io.env.HOOKWIRE_ACCOUNT;
      const url = options.url ?? io.env.HOOKWIRE_URL ?? DEFAULT_URL;
      if (!/^https?:\/\//.test(url)) throw new CliError(EXIT.USAGE, `HOOKWIRE_URL must be an http(s) URL of the GraphQL endpoint, got ${JSON.stringify(url)}`);
      client = new HookwireClient({ url, apiKey, adminKey, account: account || undefined, webSocket: { ...impl, ...webSocket } });
      return client;
    },
  };
}

type Action = (ctx: Context, ...args: any[]) => Promise<void>;

/** Wraps an action: its context first, then commander's positional arguments and options. */
export function run(io: Io, action: Action) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    await action(await contextOf(command, io), ...args.slice(0, -1));
  };
}

/** Every item of a listing the client pages through. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
