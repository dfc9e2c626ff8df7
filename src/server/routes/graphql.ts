// GraphQL over HTTP on /graphql (GraphiQL in a browser): the Yoga instance every transport runs
// through, so authentication, masking, limits and plugins are the same over graphql-ws, and the
// HTTP route in front of it (address gate, Content-Length).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga, type Plugin } from 'graphql-yoga';
import { GraphQLError, getOperationAST } from 'graphql';
import { schema } from '../../schema/index.ts';
import { contextOf, type ApiServices, type Caller, type Context } from '../../schema/context.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import { tracingEnabled, useOperationSpans } from '../../tracing.ts';
import { accountRefOf, credentialOf } from '../authenticate.ts';
import { createMaskError } from '../errors.ts';
import { useRequestLimits, type TransportContext } from '../limits.ts';
import { send } from '../ops.ts';
import { rateLimited, type RequestRateLimiter } from '../request-rate.ts';
import { MAX_BODY_BYTES, tooManyRequests, type Callers, type Route } from './route.ts';

interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface WsInitialContext extends TransportContext {
  /** A graphql-ws socket's caller, authenticated once when it connected. */
  caller?: Caller;
}

export function createApiYoga(options: {
  apiServices: ApiServices;
  callers: Callers;
  rate: RequestRateLimiter;
  metrics: Metrics;
  logger: Logger;
}) {
  const { apiServices, callers, rate, metrics, logger } = options;
  const { config } = apiServices;
  return createYoga<ServerContext & WsInitialContext, Context>({
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
        caller ?? (await callers.callerOf(req, credentialOf(request.headers.get('authorization')), accountRefOf(request.headers.get('hookwire-account'))));
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
}

export type ApiYoga = ReturnType<typeof createApiYoga>;

/** The last route: whatever no other route took goes to Yoga (which answers 404 off /graphql). */
export function graphqlRoute(yoga: ApiYoga, callers: Callers): Route {
  return async (req, res) => {
    // An address out of requests without a valid key is refused before its body is even read.
    const wait = callers.admit(req, credentialOf(req.headers.authorization));
    if (wait > 0) {
      const refusal = rateLimited(`Too many requests without a valid API key from this address; retry after ${wait} s`, wait);
      tooManyRequests(res, wait, { errors: [refusal.toJSON()] });
      return true;
    }
    // The body limit is enforced on Content-Length (onRequestParse), so a POST must state its
    // length: a chunked body of unknown size would slip past it.
    if (req.method === 'POST' && req.headers['content-length'] === undefined) {
      send(res, 411, 'application/json', JSON.stringify({ errors: [{ message: `POST bodies must carry Content-Length (at most ${MAX_BODY_BYTES} bytes)` }] }));
      return true;
    }
    await yoga(req, res, { req, res });
    return true;
  };
}
