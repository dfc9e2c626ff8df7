// One node:http server for the API: its routes in order (server/routes/*), graphql-ws on /graphql
// beside them, and the revocations heard on the process's LISTEN connection applied to both.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';
import type { ApiServices, HookwirePubSub } from '../schema/context.ts';
import { authenticate } from './authenticate.ts';
import { SocketRegistry } from './sockets.ts';
import { ApiKeyAuthenticator } from '../domain/accounts.ts';
import type { Metrics } from '../metrics.ts';
import { send, serveOps } from './ops.ts';
import type { Services } from '../services.ts';
import type { Logger } from '../log.ts';
import type { PgListener } from '../db/listener.ts';
import { isConnectionError } from '../db/reconnect.ts';
import { RETRY_AFTER_SECONDS } from './errors.ts';
import { RequestRateLimiter } from './request-rate.ts';
import { AddressGate, clientAddress } from './address-gate.ts';
import { IngestRoute } from './ingest.ts';
import type { Callers, Route } from './routes/route.ts';
import { createApiYoga, graphqlRoute } from './routes/graphql.ts';
import { serveGraphqlWs } from './routes/graphql-ws.ts';
import { portalExchangeRoute } from './routes/portal.ts';
import { dashboardRoute } from './routes/dashboard.ts';
import { applyRevocations } from './routes/revocations.ts';

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
  const { services, metrics, logger } = options;
  const { db, config } = services;
  const keys = new ApiKeyAuthenticator(db, { onError: (error) => logger.debug('could not record an API key\'s last use', error) });
  const sockets = new SocketRegistry();
  applyRevocations(options.listener, { keys, sockets, db, config });
  const rate = new RequestRateLimiter({
    sql: services.sql,
    perSecond: config.apiRateLimitPerSecond,
    burst: config.apiRateBurst,
    onError: (error) => logger.debug('the API rate limit could not reach the database; the request goes on', error),
  });
  const callers = callersOf(keys, services);
  // HOOKWIRE_PUBLIC_URL, else this server's own address once it listens.
  let ownOrigin = '';
  const apiServices: ApiServices = { ...services, pubsub: options.pubsub, keys, publicUrl: () => config.publicUrl ?? ownOrigin };
  const yoga = createApiYoga({ apiServices, callers, rate, metrics, logger });
  const ingest = new IngestRoute(services, logger);

  const routes: Route[] = [
    (req, res) => serveOps(req, res, db, metrics, config),
    // Public: senders carry no API key; the route bounds itself per source (server/ingest.ts).
    (req, res, path) => ingest.serve(req, res, path),
    portalExchangeRoute(db, services.clock, callers),
    dashboardRoute({ portalFrameAncestors: config.portalFrameAncestors, graphqlEndpoint: yoga.graphqlEndpoint }),
    graphqlRoute(yoga, callers),
  ];
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      for (const route of routes) if (await route(req, res, path)) return;
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
  const ws = serveGraphqlWs(server, yoga, { db, keys, sockets, callers });

  ownOrigin = await listen(server, options.host, options.port);

  return {
    server,
    webSockets: ws.webSockets,
    sockets,
    url: `${ownOrigin}/graphql`,
    limits: { statements: () => rate.statements },
    async close(timeoutMs = 10_000) {
      await ws.dispose();
      ws.webSockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** Listens, and says the origin its address is reached at (0.0.0.0 as 127.0.0.1). */
async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${address.port}`;
}

/** Who a request's caller is, and the per-address gate in front of requests without a valid key. */
function callersOf(keys: ApiKeyAuthenticator, { db, config }: Services): Callers {
  const gate = new AddressGate({ perSecond: config.apiAddressRateLimitPerSecond, burst: config.apiAddressRateBurst, adminKey: config.adminKey });
  const addressOf = (req: IncomingMessage) => clientAddress(req, config.trustProxyHops);
  return {
    async callerOf(req, credential, accountRef) {
      const caller = await authenticate(keys, config, credential, accountRef, db);
      if (caller.kind === 'apiKey') gate.authenticated(addressOf(req), credential!);
      return caller;
    },
    admit: (req, credential) => gate.admit(addressOf(req), credential),
  };
}
