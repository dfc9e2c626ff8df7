// One node:http server: GraphQL over HTTP (GraphiQL in a browser) and graphql-ws on /graphql,
// plus /healthz, /readyz and /metrics. WebSocket operations go through Yoga's own envelop
// pipeline, so authentication, masking and plugins apply to them exactly as over HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, type Plugin } from 'graphql-yoga';
import { GraphQLError, getOperationAST, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { schema } from '../schema/index.ts';
import { contextOf, type ApiServices, type Caller, type Context, type HookwirePubSub } from '../schema/context.ts';
import { accountRefOf, authenticate, credentialOf } from './authenticate.ts';
import { actsFor, FORBIDDEN_CLOSE_CODE, holdsKey, portalOf, SocketRegistry } from './sockets.ts';
import { servePortalExchange } from './portal.ts';
import { ApiKeyAuthenticator } from '../domain/accounts.ts';
import { portalSessionOf } from '../domain/portal.ts';
import type { Metrics } from '../metrics.ts';
import { send, serveOps } from './ops.ts';
import type { Services } from '../services.ts';
import { createWebApp, WEB_DIST } from './web.ts';
import type { Logger } from '../log.ts';
import type { PgListener } from '../db/listener.ts';
import { isConnectionError } from '../db/reconnect.ts';
import { CHANNELS } from '../domain/notify.ts';
import { createMaskError, RETRY_AFTER_SECONDS } from './errors.ts';
import { useRequestLimits, type TransportContext } from './limits.ts';
import { rateLimited, RequestRateLimiter } from './request-rate.ts';
import { AddressGate, clientAddress } from './address-gate.ts';
import { tracingEnabled, useOperationSpans } from '../tracing.ts';
import { IngestRoute } from './ingest.ts';

export interface ApiServer {
  server: Server;
  /** The graphql-ws sockets (tests count open clients on it). */
  webSockets: WebSocketServer;
  /** The authenticated graphql-ws sockets and their callers (a revocation closes the ones it ends). */
  sockets: SocketRegistry;
  url: string;
  /** The API-key limit's statements to its shared budget so far (tests count them). */
  limits: { statements(): number };
  /** Stops accepting, closes WebSockets, waits for in-flight HTTP requests (bounded). */
  close(timeoutMs?: number): Promise<void>;
}

interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

interface WsInitialContext extends TransportContext {
  /** A graphql-ws socket's caller, authenticated once when it connected. */
  caller?: Caller;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startApiServer(options: {
  services: Services;
  /** Subscriptions' per-account notices (server/pubsub.ts over the process's listener). */
  pubsub: HookwirePubSub;
  metrics: Metrics;
  logger: Logger;
  /** The process's LISTEN connection: revoked keys are announced on it. */
  listener: PgListener;
  host: string;
  port: number;
}): Promise<ApiServer> {
  const { services, metrics, logger, listener } = options;
  const { db, config } = services;
  const keys = new ApiKeyAuthenticator(db, { onError: (error) => logger.debug('could not record an API key\'s last use', error) });
  const sockets = new SocketRegistry();
  // A key revoked, or an account disabled or deleted, by any API process stops working here at
  // once: forgotten by the key cache, and the graphql-ws sockets holding it closed (4403). The
  // notification comes on the same LISTEN connection as the attempts, after the ones committed
  // before it, so a closed socket has been sent nothing that came after the revocation.
  listener.addEventListener(CHANNELS.apiKeyRevoked, (event) => {
    const keyHash = String((event as CustomEvent<string>).detail);
    keys.forget(keyHash);
    sockets.close(holdsKey(keyHash), 'The API key was revoked');
  });
  listener.addEventListener(CHANNELS.accountRevoked, (event) => {
    const accountId = String((event as CustomEvent<string>).detail);
    keys.forgetAccount(accountId);
    sockets.close(actsFor(accountId), 'The account was disabled or deleted');
  });
  // revokePortalSessions in any API process: the account's portal sockets here close (4403); their
  // HTTP requests are refused already (a session is looked up on each request).
  listener.addEventListener(CHANNELS.portalRevoked, (event) => {
    const accountId = String((event as CustomEvent<string>).detail);
    sockets.close(portalOf(accountId), 'The portal session was revoked');
  });
  // After a lost LISTEN connection (notifications missed) every remembered key is looked up again,
  // and every open socket authenticated again.
  listener.addEventListener('connected', () => {
    keys.forgetAll();
    for (const [socket, held] of sockets.entries()) {
      authenticate(keys, config, held.credential, held.accountRef, db).catch((error: unknown) => {
        if (isConnectionError(error)) return;
        sockets.remove(socket);
        socket.close(FORBIDDEN_CLOSE_CODE, 'The credential is no longer valid');
      });
    }
  });
  const rate = new RequestRateLimiter({
    sql: services.sql,
    perSecond: config.apiRateLimitPerSecond,
    burst: config.apiRateBurst,
    onError: (error) => logger.debug('the API rate limit could not reach the database; the request goes on', error),
  });
  const gate = new AddressGate({ perSecond: config.apiAddressRateLimitPerSecond, burst: config.apiAddressRateBurst, adminKey: config.adminKey });
  const addressOf = (req: IncomingMessage) => clientAddress(req, config.trustProxyHops);
  /** The caller of a credential; a live key is then exempt from its address's limit. */
  const callerOf = async (req: IncomingMessage, credential: string | null, accountRef: string | null): Promise<Caller> => {
    const caller = await authenticate(keys, config, credential, accountRef, db);
    if (caller.kind === 'apiKey') gate.authenticated(addressOf(req), credential!);
    return caller;
  };
  // HOOKWIRE_PUBLIC_URL, else this server's own address once it listens.
  let ownOrigin = '';
  const apiServices: ApiServices = { ...services, pubsub: options.pubsub, keys, publicUrl: () => config.publicUrl ?? ownOrigin };
  const ingest = new IngestRoute(services, logger);

  const yoga = createYoga<ServerContext & WsInitialContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL's assets are served from the package, not a CDN: a self-hosted deployment may have
    // no internet, and the page must still work.
    // Loaded the first time someone opens GraphiQL: its inlined assets are 40 MB of memory.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    graphiql: {
      title: 'Hookwire',
      subscriptionsProtocol: 'WS',
      defaultQuery: '# Put your API key in the Headers tab: {"Authorization": "Bearer hk_…"}\n{\n  viewer {\n    id\n    name\n  }\n}\n',
    },
    logging: {
      debug: (...args) => logger.debug(String(args[0]), ...args.slice(1)),
      info: (...args) => logger.info(String(args[0]), ...args.slice(1)),
      warn: (...args) => logger.warn(String(args[0]), ...args.slice(1)),
      error: (...args) => logger.error(String(args[0]), ...args.slice(1)),
    },
    // Production (anything but NODE_ENV=development): no stack, no SQL, only "Unexpected error.".
    maskedErrors: { maskError: createMaskError(logger, config.development), isDev: config.development },
    context: async ({ request, req, caller }): Promise<Context> => {
      const resolved =
        caller ?? (await callerOf(req, credentialOf(request.headers.get('authorization')), accountRefOf(request.headers.get('hookwire-account'))));
      // Over graphql-ws too: each operation on a socket is one request of its key.
      if (resolved.kind === 'apiKey') await rate.check(resolved.apiKeyId);
      return contextOf(resolved, apiServices);
    },
    plugins: [
      useRequestLimits(),
      ...(tracingEnabled() ? [useOperationSpans()] : []),
      {
        onExecute({ args }) {
          const operation = getOperationAST(args.document, args.operationName);
          metrics.graphqlRequests.inc({ operation: operation?.operation ?? 'unknown' });
        },
        onRequestParse({ request }) {
          const length = Number(request.headers.get('content-length') ?? 0);
          if (length > MAX_BODY_BYTES) {
            throw new GraphQLError(`Request body is too large (at most ${MAX_BODY_BYTES} bytes)`, {
              extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } },
            });
          }
        },
      } satisfies Plugin,
    ],
  });

  const web = createWebApp(WEB_DIST, { portalFrameAncestors: config.portalFrameAncestors });
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (await serveOps(req, res, db, metrics, config)) return;
      // Public: senders carry no API key; the route bounds itself per source (server/ingest.ts).
      if (await ingest.serve(req, res, path)) return;
      if (path === '/portal/exchange') {
        // Anonymous by nature: the address limit applies, as to any request without a valid key.
        const wait = gate.admit(addressOf(req), null);
        if (wait > 0) {
          res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(wait), 'cache-control': 'no-store' })
            .end(JSON.stringify({ error: 'rate_limited', message: `Too many requests from this address; retry after ${wait} s` }));
          return;
        }
        return await servePortalExchange(req, res, db, services.clock.now());
      }
      // Everything but /graphql is the dashboard (web/dist), with client routes falling back to index.html.
      if (path !== yoga.graphqlEndpoint && (await web.serve(req, res, path))) return;
      // An address out of requests without a valid key is refused before its body is even read.
      const wait = gate.admit(addressOf(req), credentialOf(req.headers.authorization));
      if (wait > 0) {
        const refusal = rateLimited(`Too many requests without a valid API key from this address; retry after ${wait} s`, wait);
        res
          .writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(wait), 'cache-control': 'no-store' })
          .end(JSON.stringify({ errors: [refusal.toJSON()] }));
        return;
      }
      // The body limit is enforced on Content-Length (onRequestParse), so a POST must state its
      // length: a chunked body of unknown size would slip past it.
      if (req.method === 'POST' && req.headers['content-length'] === undefined) {
        return send(res, 411, 'application/json', JSON.stringify({ errors: [{ message: `POST bodies must carry Content-Length (at most ${MAX_BODY_BYTES} bytes)` }] }));
      }
      return yoga(req, res, { req, res });
    } catch (error) {
      if (isConnectionError(error)) {
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': String(RETRY_AFTER_SECONDS) }).end('database unreachable\n');
        return;
      }
      logger.error('request failed', error);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
    }
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: MAX_BODY_BYTES });
  const wsCleanup = useServer<Record<string, unknown> | undefined, { request: IncomingMessage; caller?: Caller }>(
    {
      // A bad key is refused at connection time (graphql-ws closes with 4403 Forbidden); a good
      // one is held in the registry until its socket closes, or a revocation closes it.
      onConnect: async (ctx) => {
        try {
          const params = ctx.connectionParams;
          const credential = credentialOf(params?.authorization ?? params?.Authorization);
          const accountRef = accountRefOf(params?.['hookwire-account'] ?? params?.['Hookwire-Account']);
          if (gate.admit(addressOf(ctx.extra.request), credential) > 0) return false;
          const caller = await callerOf(ctx.extra.request, credential, accountRef);
          if (caller.kind === 'anonymous') return false;
          ctx.extra.caller = caller;
          const socket = (ctx.extra as unknown as { socket: import('ws').WebSocket }).socket;
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
        const socket = (ctx.extra as unknown as { socket: import('ws').WebSocket }).socket;
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
    wsServer,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ownOrigin = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${address.port}`;
  const url = `${ownOrigin}/graphql`;

  return {
    server,
    webSockets: wsServer,
    sockets,
    url,
    limits: { statements: () => rate.statements },
    async close(timeoutMs = 10_000) {
      await wsCleanup.dispose();
      wsServer.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

interface Enveloped {
  execute: (args: ExecutionArgs) => ReturnType<NonNullable<Parameters<typeof useServer>[0]['execute']>>;
  subscribe: (args: ExecutionArgs) => ReturnType<NonNullable<Parameters<typeof useServer>[0]['subscribe']>>;
}
