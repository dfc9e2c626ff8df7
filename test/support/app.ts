// Starts Hookwire in-process on a test database (real Postgres, real HTTP on 127.0.0.1) and
// gives tests a GraphQL client over HTTP and over graphql-ws.
import { print, type DocumentNode, type ExecutionResult } from 'graphql';
import type { DocumentTypeDecoration, TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { TypedDocumentString } from '../../packages/client/src/generated/graphql.ts';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, type Config, type Role } from '../../src/config.ts';
import { startApp, type App } from '../../src/app.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { createAccount } from '../../src/domain/accounts.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
/** The key that seals secrets at rest in tests (processes a test starts itself must be given it). */
export const TEST_ENCRYPTION_KEY = `test:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestApp {
  app: App;
  db: TestDatabase;
  url: string;
  /** POSTs an operation (a test's own document, or one of packages/client's); returns the parsed JSON body. */
  gql<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables> | TypedDocumentString<TResult, TVariables> | string,
    variables?: TVariables,
    key?: string | null,
  ): Promise<ExecutionResult<TResult> & { status: number }>;
  /** A fresh account and its API key. */
  newAccount(name?: string): Promise<{ accountId: string; apiKey: string }>;
  wsClient(connectionParams: Record<string, unknown>): Client;
  stop(): Promise<void>;
}

/** A document's text: packages/client's are strings already (a String subclass); a test's own parsed one is printed. */
export function queryOf(document: DocumentTypeDecoration<unknown, never> | string): string {
  return typeof document === 'string' || document instanceof String ? document.toString() : print(document as DocumentNode);
}

export async function startTestApp(
  options: {
    role?: Role;
    env?: Record<string, string>;
    database?: TestDatabase;
    onQuery?: (sql: string, params: string) => void;
    /** Every part of the app reads this clock (a ManualClock moves only when the test says). */
    clock?: Clock;
    /** The retry jitter's randomness; 0.5 makes every delay exactly the schedule's. */
    random?: () => number;
    /** Where the app logs (silent unless TEST_LOG_LEVEL says otherwise). */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const config: Readonly<Config> = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    HOOKWIRE_ADMIN_KEY: ADMIN_KEY,
    HOOKWIRE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKWIRE_SHUTDOWN_TIMEOUT_MS: '5000',
    // Test files run in parallel against one server: small pools keep the run far below its
    // max_connections.
    HOOKWIRE_WORKER_DB_POOL: '3',
    ...options.env,
  });
  const logger = options.logger ?? createLogger((process.env.TEST_LOG_LEVEL as 'info') ?? 'silent');
  const app = await startApp(config, options.role ?? 'api', logger, {
    prisma: options.onQuery ? { onQuery: options.onQuery } : undefined,
    clock: options.clock,
    random: options.random,
  });
  const url = app.api?.url ?? '';
  const clients: Client[] = [];
  return {
    app,
    db,
    url,
    async gql(document, variables, key) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
      };
      if (key) headers.authorization = `Bearer ${key}`;
      const query = queryOf(document);
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as ExecutionResult<never>;
      return { ...body, status: response.status };
    },
    async newAccount(name = 'test account') {
      const { account, apiKey } = await createAccount(app.services.db, name);
      return { accountId: account.id, apiKey };
    },
    wsClient(connectionParams) {
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.stop();
      // A database handed in belongs to the caller, who may share it between several apps.
      if (!options.database) await db.drop();
    },
  };
}
