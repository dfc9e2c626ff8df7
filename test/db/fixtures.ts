// What the statement tests (test/db/*.test.ts) stand on: a database of the file's own, cloned from
// the migrated template, reached both ways a statement runs (a pg pool and Prisma on it), and rows
// written with plain SQL so each test says exactly what the table holds before the statement runs.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.ts';
import { prismaSql, type Sql } from '../../src/db/sql.ts';
import { historyBound } from '../../src/db/sql/partitions.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { waitUntil } from '../support/wait.ts';

export interface StatementDb {
  database: TestDatabase;
  /** The process's pool and Prisma client, as src/db/client.ts makes them. */
  app: Database;
  pool: pg.Pool;
  /** The same statements through Prisma (not in a transaction). */
  prisma: Sql;
  /** Runs plain SQL (arrange and assert). */
  rows<R = Record<string, any>>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function openStatementDb(): Promise<StatementDb> {
  const database = await createTestDatabase();
  const app = createDatabase(database.url, { max: 4 });
  return {
    database,
    app,
    pool: app.pool,
    prisma: prismaSql(app.db),
    async rows<R>(text: string, values: unknown[] = []) {
      return (await app.pool.query(text, values)).rows as R[];
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * The file's database, opened before its tests and dropped after them, with one account made for
 * them (`accountId`). Its properties are there once the tests run.
 */
export function useStatementDb(): StatementDb & { accountId: string } {
  const t = {} as StatementDb & { accountId: string };
  beforeAll(async () => {
    Object.assign(t, await openStatementDb());
    t.accountId = await anAccount(t);
  });
  afterAll(() => t.close());
  return t;
}

/** A moment `s` seconds from a fixed one in the past (2026-12-02T10:00:00Z). */
export const at = (s: number) => new Date(Date.parse('2026-12-02T10:00:00Z') + s * 1000);

export const id = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '')}`;

export async function anAccount(t: StatementDb): Promise<string> {
  const accountId = id('acct');
  await t.rows('INSERT INTO account (id, name) VALUES ($1, $2)', [accountId, 'statement test']);
  return accountId;
}

export interface EndpointFixture {
  status?: 'ACTIVE' | 'PAUSED' | 'DISABLED';
  ordered?: boolean;
  timeoutMs?: number;
  eventTypes?: string[];
}

export async function anEndpoint(t: StatementDb, accountId: string, options: EndpointFixture = {}): Promise<string> {
  const endpointId = id('ep');
  await t.rows(
    `INSERT INTO endpoint (id, account_id, url, description, event_types, status, signing_secret, ordered, timeout_ms)
     VALUES ($1, $2, 'https://receiver.test/hook', '', $3, $4, 'whsec_test', $5, $6)`,
    [endpointId, accountId, options.eventTypes ?? ['*'], options.status ?? 'ACTIVE', options.ordered ?? false, options.timeoutMs ?? 5000],
  );
  return endpointId;
}

export async function anEvent(t: StatementDb, accountId: string, createdAt = new Date()): Promise<string> {
  const eventId = id('evt');
  await t.rows(
    `INSERT INTO event (id, account_id, type, data, payload, created_at) VALUES ($1, $2, 'message.received', '{}', $3, $4)`,
    [eventId, accountId, JSON.stringify({ id: eventId }), createdAt],
  );
  return eventId;
}

export interface DeliveryFixture {
  status?: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  nextAttemptAt?: Date | null;
  attemptCount?: number;
  createdAt?: Date;
  /** Ids sort by creation: give one to fix the order. */
  id?: string;
}

export async function aDelivery(t: StatementDb, accountId: string, endpointId: string, options: DeliveryFixture = {}): Promise<string> {
  const eventId = await anEvent(t, accountId, options.createdAt);
  // Time-ordered, as newId makes them: statements bound a `since` by the ids of its moment.
  const deliveryId = options.id ?? `${historyBound('dlv', options.createdAt ?? new Date())}${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await t.rows(
    `INSERT INTO delivery (id, account_id, event_id, endpoint_id, event_type, status, next_attempt_at, attempt_count, created_at)
     VALUES ($1, $2, $3, $4, 'message.received', $5, $6, $7, $8)`,
    [
      deliveryId,
      accountId,
      eventId,
      endpointId,
      options.status ?? 'PENDING',
      options.nextAttemptAt === undefined ? new Date() : options.nextAttemptAt,
      options.attemptCount ?? 0,
      options.createdAt ?? new Date(),
    ],
  );
  return deliveryId;
}

/** Resolves with the payloads heard on a channel once `count` arrived (a LISTEN connection of its own). */
export async function listen(t: StatementDb, channel: string): Promise<{ next(count?: number): Promise<string[]>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  const heard: string[] = [];
  const waiting: Array<{ count: number; resolve: (payloads: string[]) => void }> = [];
  client.on('notification', (message) => {
    if (message.channel !== channel) return;
    heard.push(message.payload ?? '');
    for (const w of waiting.splice(0)) {
      if (heard.length >= w.count) w.resolve(heard.slice());
      else waiting.push(w);
    }
  });
  await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  return {
    next(count = 1) {
      if (heard.length >= count) return Promise.resolve(heard.slice());
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    close: () => client.end(),
  };
}

/** Waits until some backend of this database waits for a lock (the statement under test is blocked). */
export async function someoneWaitsForALock(t: StatementDb): Promise<void> {
  await waitUntil('a backend waiting for a lock', async () => {
    const [row] = await t.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return row!.n > 0;
  }, 20_000, 10);
}
