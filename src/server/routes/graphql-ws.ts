// graphql-ws on /graphql: each socket authenticated once when it connects and held in the socket
// registry until it closes; each operation goes through Yoga's own envelop pipeline, so
// authentication, masking and plugins apply to it exactly as over HTTP.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Db } from '../../db/client.ts';
import type { ApiKeyAuthenticator } from '../../domain/accounts.ts';
import { portalSessionOf } from '../../domain/portal.ts';
import type { Caller } from '../../schema/context.ts';
import { accountRefOf, credentialOf } from '../authenticate.ts';
import { FORBIDDEN_CLOSE_CODE, type SocketRegistry } from '../sockets.ts';
import type { ApiYoga } from './graphql.ts';
import { MAX_BODY_BYTES, type Callers } from './route.ts';

interface Enveloped {
  execute: (args: ExecutionArgs) => ReturnType<NonNullable<Parameters<typeof useServer>[0]['execute']>>;
  subscribe: (args: ExecutionArgs) => ReturnType<NonNullable<Parameters<typeof useServer>[0]['subscribe']>>;
}

const socketOf = (extra: unknown) => (extra as { socket: WebSocket }).socket;

export function serveGraphqlWs(
  server: Server,
  yoga: ApiYoga,
  deps: { db: Db; keys: ApiKeyAuthenticator; sockets: SocketRegistry; callers: Callers },
): { webSockets: WebSocketServer; dispose(): Promise<void> } {
  const { db, keys, sockets, callers } = deps;
  const webSockets = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: MAX_BODY_BYTES });
  const cleanup = useServer<Record<string, unknown> | undefined, { request: IncomingMessage; caller?: Caller }>(
    {
      // A bad key is refused at connection time (graphql-ws closes with 4403 Forbidden); a good
      // one is held in the registry until its socket closes, or a revocation closes it.
      onConnect: async (ctx) => {
        try {
          const params = ctx.connectionParams;
          const credential = credentialOf(params?.authorization ?? params?.Authorization);
          const accountRef = accountRefOf(params?.['hookwire-account'] ?? params?.['Hookwire-Account']);
          if (callers.admit(ctx.extra.request, credential) > 0) return false;
          const caller = await callers.callerOf(ctx.extra.request, credential, accountRef);
          if (caller.kind === 'anonymous') return false;
          ctx.extra.caller = caller;
          const socket = socketOf(ctx.extra);
          sockets.add(socket, { caller, credential, accountRef });
          // A portal session's socket ends with the session: closed (4403) when it expires.
          const expiry =
            caller.kind === 'portal'
              ? setTimeout(() => {
                  if (sockets.get(socket)) sockets.close((held) => held === caller, 'The portal session expired');
                }, Math.max(0, caller.expiresAt.getTime() - Date.now()))
              : null;
          expiry?.unref();
          socket.once('close', () => {
            if (expiry) clearTimeout(expiry);
            sockets.remove(socket);
          });
          return true;
        } catch {
          return false;
        }
      },
      execute: (args: ExecutionArgs) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        // A key revoked since the socket connected starts nothing more: the key cache forgot it on
        // NOTIFY, so this finds it revoked even before the socket is closed.
        const socket = socketOf(ctx.extra);
        const held = sockets.get(socket);
        const ended =
          !held ||
          (held.caller.kind === 'apiKey' && !(await keys.authenticate(held.credential ?? ''))) ||
          (held.caller.kind === 'portal' && !(await portalSessionOf(db, held.credential ?? '', new Date())));
        if (ended) {
          sockets.remove(socket);
          socket.close(FORBIDDEN_CLOSE_CODE, 'The credential is no longer valid');
          return [new GraphQLError('The API key is not valid (unknown, revoked, or of a disabled account)', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        const enveloped = yoga.getEnveloped({
          req: ctx.extra.request,
          res: undefined as unknown as ServerResponse,
          caller: ctx.extra.caller,
          transport: 'ws',
          params,
          request: { headers: new Headers() },
        } as never);
        const document = enveloped.parse(params.query);
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        const errors = enveloped.validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    webSockets,
  );
  return { webSockets, dispose: async () => void (await cleanup.dispose()) };
}
