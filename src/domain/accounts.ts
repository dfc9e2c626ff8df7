// Accounts and API keys: keys are random, shown once, stored as SHA-256 hashes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { prismaSql } from '../db/sql.ts';
import {
  ACCOUNT_DATA_TABLES,
  deleteAccountRows,
  deletedAccounts,
  deleteMarkedAccount,
  lockAccount,
  lockDefaultAccountCreation,
} from '../db/sql/accounts.ts';
import { wakeLanes } from '../db/sql/lanes.ts';
import { CHANNELS, notify } from '../db/sql/notify.ts';
import { Prisma, type Account, type ApiKey } from '../generated/prisma/client.ts';
import { ACCOUNT_LIMITS } from '../limits.ts';
import { hasNul, NotFoundError, NUL_MESSAGE, ValidationError } from './errors.ts';

export const API_KEY_PREFIX = 'hk_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

function validateName(name: string | null | undefined, path: string[], required: boolean): string | null {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '') {
    if (required) throw ValidationError.field(path, 'must not be empty');
    return null;
  }
  if (trimmed.length > 100) throw ValidationError.field(path, 'must be at most 100 characters');
  if (hasNul(trimmed)) throw ValidationError.field(path, NUL_MESSAGE);
  return trimmed;
}

/**
 * A new key for the account, unless it holds `maxLiveKeys` live keys already (a leaked key must not
 * mint keys without end). The account row is locked so that concurrent calls cannot pass the cap.
 */
export async function createApiKey(db: Db, accountId: string, name?: string | null, maxLiveKeys = Infinity): Promise<string> {
  const keyName = validateName(name, ['name'], false);
  const key = newApiKeySecret();
  await db.$transaction(async (tx) => {
    await lockAccount(prismaSql(tx), { accountId });
    const live = await tx.apiKey.count({ where: { accountId, revokedAt: null } });
    if (live >= maxLiveKeys) {
      throw new ValidationError(
        [{ path: ['name'], message: `at most ${maxLiveKeys} live keys per account` }],
        `An account may hold at most ${maxLiveKeys} live API keys; revoke one first (revokeApiKey)`,
      );
    }
    await tx.apiKey.create({
      data: { id: newId('ApiKey'), accountId, name: keyName, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) },
    });
  });
  return key;
}

/**
 * Revokes one of the account's keys (the caller's own included) and tells every API process to
 * forget it (NOTIFY in the same transaction, so only a committed revocation is announced). The
 * account's last live key cannot be revoked: that would lock the account out for good (no key can
 * be made without one), so the caller creates another first. Revoking a revoked key is a no-op.
 */
export async function revokeApiKey(db: Db, accountId: string, keyId: string): Promise<ApiKey> {
  if (hasNul(keyId)) throw new NotFoundError('API key', keyId.replaceAll('\u0000', ''));
  return db.$transaction(async (tx) => {
    await lockAccount(prismaSql(tx), { accountId });
    const key = await tx.apiKey.findFirst({ where: { id: keyId, accountId } });
    if (!key) throw new NotFoundError('API key', keyId);
    if (key.revokedAt) return key;
    const live = await tx.apiKey.count({ where: { accountId, revokedAt: null } });
    if (live <= 1) {
      throw new ValidationError(
        [{ path: ['id'], message: 'the last live key of the account' }],
        "This is the account's last live API key: create another one first (createApiKey), then revoke this one",
      );
    }
    const revoked = await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    await notify(prismaSql(tx), { channel: CHANNELS.apiKeyRevoked, payload: key.keyHash });
    return revoked;
  });
}

export interface AccountInput {
  name?: string | null;
  externalId?: string | null;
  metadata?: unknown;
}

/** The platform's own id for a customer: printable ASCII without spaces (it travels in a header), 1–128 characters. */
export function validateExternalId(value: string | null | undefined, path: string[]): string | null {
  if (value === null || value === undefined) return null;
  if (value.length < 1 || value.length > ACCOUNT_LIMITS.externalIdMaxLength) {
    throw ValidationError.field(path, `must be 1 to ${ACCOUNT_LIMITS.externalIdMaxLength} characters`);
  }
  if (!/^[\x21-\x7e]+$/.test(value)) throw ValidationError.field(path, 'must be printable ASCII without spaces (it is sent in the Hookwire-Account header)');
  return value;
}

/** Metadata: any JSON value the platform keeps beside the account, at most ACCOUNT_LIMITS.metadataMaxBytes as text. */
function validateMetadata(value: unknown, path: string[]): Prisma.InputJsonValue | typeof Prisma.DbNull | undefined {
  if (value === undefined) return undefined;
  if (value === null) return Prisma.DbNull;
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > ACCOUNT_LIMITS.metadataMaxBytes) throw ValidationError.field(path, `must be at most ${ACCOUNT_LIMITS.metadataMaxBytes} bytes as JSON`);
  if (hasNul(text)) throw ValidationError.field(path, NUL_MESSAGE);
  return value as Prisma.InputJsonValue;
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * A new account and its first key. Idempotent on externalId: when an account has it already, that
 * account is returned with a new key (a platform retrying a timed-out call gets the same customer).
 */
export async function createAccount(
  db: Db,
  nameOrInput: string | AccountInput,
  maxLiveKeys = Infinity,
): Promise<{ account: Account; apiKey: string; created: boolean }> {
  const input = typeof nameOrInput === 'string' ? { name: nameOrInput } : nameOrInput;
  const accountName = validateName(input.name, ['name'], true)!;
  const externalId = validateExternalId(input.externalId, ['externalId']);
  const metadata = validateMetadata(input.metadata, ['metadata']);
  const existing = async () => {
    const account = externalId === null ? null : await db.account.findFirst({ where: { externalId, deletedAt: null } });
    return account ? { account, apiKey: await createApiKey(db, account.id, 'platform', maxLiveKeys), created: false } : null;
  };
  const found = await existing();
  if (found) return found;
  const key = newApiKeySecret();
  try {
    const account = await db.account.create({
      data: {
        id: newId('Account'),
        name: accountName,
        externalId,
        ...(metadata === undefined ? {} : { metadata }),
        apiKeys: { create: { id: newId('ApiKey'), name: 'initial', keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) } },
      },
    });
    return { account, apiKey: key, created: true };
  } catch (error) {
    // Two calls with one externalId at once: the other made it, so this one returns it.
    if (isUniqueViolation(error)) {
      const raced = await existing();
      if (raced) return raced;
      throw ValidationError.field(['externalId'], 'is being deleted with its account; try again shortly');
    }
    throw error;
  }
}

/** The live (not deleted) account an id or externalId names, or null; an id wins over an equal externalId. */
export async function findAccount(db: Db, ref: string): Promise<Account | null> {
  if (ref === '' || hasNul(ref) || ref.length > 200) return null;
  const found = await db.account.findMany({ where: { deletedAt: null, OR: [{ id: ref }, { externalId: ref }] }, take: 2 });
  return found.find((account) => account.id === ref) ?? found[0] ?? null;
}

async function accountOrNotFound(db: Db, ref: string): Promise<Account> {
  const account = await findAccount(db, ref);
  if (!account) throw new NotFoundError('Account', ref.replaceAll('\u0000', ''));
  return account;
}

export async function updateAccount(db: Db, ref: string, input: AccountInput): Promise<Account> {
  const name = input.name === undefined || input.name === null ? undefined : validateName(input.name, ['input', 'name'], true)!;
  const externalId = input.externalId === undefined ? undefined : validateExternalId(input.externalId, ['input', 'externalId']);
  const metadata = validateMetadata(input.metadata, ['input', 'metadata']);
  const account = await accountOrNotFound(db, ref);
  try {
    return await db.account.update({
      where: { id: account.id },
      data: { name, externalId, ...(metadata === undefined ? {} : { metadata }) },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw ValidationError.field(['input', 'externalId'], 'is the externalId of another account');
    throw error;
  }
}

/**
 * Disables an account: its keys and portal sessions are refused in every API process at once
 * (NOTIFY, in the same transaction: their open sockets are closed), and its deliveries are held
 * (the lanes' claims skip it). Nothing is deleted; enableAccount undoes it.
 */
export async function disableAccount(db: Db, ref: string): Promise<Account> {
  const account = await accountOrNotFound(db, ref);
  return db.$transaction(async (tx) => {
    const updated = await tx.account.update({ where: { id: account.id }, data: { status: 'DISABLED' } });
    await notify(prismaSql(tx), { channel: CHANNELS.accountRevoked, payload: account.id });
    return updated;
  });
}

/** Active again: its keys work, and the lanes of its endpoints are woken so held deliveries go now. */
export async function enableAccount(db: Db, ref: string, now: Date): Promise<Account> {
  const account = await accountOrNotFound(db, ref);
  return db.$transaction(async (tx) => {
    const updated = await tx.account.update({ where: { id: account.id }, data: { status: 'ACTIVE' } });
    const endpoints = await tx.endpoint.findMany({ where: { accountId: account.id, status: 'ACTIVE' }, select: { id: true } });
    await wakeLanes(prismaSql(tx), { endpointIds: endpoints.map((e) => e.id), at: now });
    return updated;
  });
}

/**
 * Deletes an account: at once it is gone from every query, its keys and sessions are refused
 * everywhere and its externalId is free again; its data is removed by a worker in the background
 * (deleteMarkedAccounts), announced on a channel the workers hear.
 */
export async function deleteAccount(db: Db, ref: string, now: Date): Promise<string> {
  const account = await accountOrNotFound(db, ref);
  await db.$transaction(async (tx) => {
    await tx.account.update({ where: { id: account.id }, data: { deletedAt: now, externalId: null } });
    await notify(prismaSql(tx), { channel: CHANNELS.accountRevoked, payload: account.id });
    await notify(prismaSql(tx), { channel: CHANNELS.accountDeleted, payload: account.id });
  });
  return account.id;
}

/** Rows removed per statement: small enough that no statement holds its locks for long. */
const DELETE_BATCH = 500;

/** Removes the data of every account marked deleted, batch by batch; returns how many accounts are gone. */
export async function deleteMarkedAccounts(db: Db, batch = DELETE_BATCH): Promise<number> {
  const sql = prismaSql(db);
  let removed = 0;
  for (;;) {
    const ids = await deletedAccounts(sql, { limit: 10 });
    if (ids.length === 0) return removed;
    for (const accountId of ids) {
      for (const table of ACCOUNT_DATA_TABLES) while ((await deleteAccountRows(sql, table, { accountId, limit: batch })) > 0);
      if (await deleteMarkedAccount(sql, { accountId })) removed++;
    }
  }
}

export interface AuthenticatedKey {
  account: Account;
  keyId: string;
  keyHash: string;
}

/** The account and id of a live API key, or null. */
export async function authenticateApiKey(db: Db, key: string): Promise<AuthenticatedKey | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const found = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, include: { account: true } });
  // A disabled or deleted account's keys are refused as revoked ones are.
  if (!found || found.revokedAt || found.account.status !== 'ACTIVE' || found.account.deletedAt) return null;
  return { account: found.account, keyId: found.id, keyHash: found.keyHash };
}

/** How often at most a key's last_used_at is written: often enough to tell a used key from a dead one. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * authenticateApiKey with a short memory: a key that every request carries is looked up once per
 * ttlMs, not once per request (the lookup cost as much as a whole publish). Only live keys are
 * remembered, at most `max` of them; forget() drops one at once (revocation, through NOTIFY).
 * Each key's last_used_at is written at most once a minute, after the request is let through and
 * without waiting for it.
 */
export class ApiKeyAuthenticator {
  private readonly db: Db;
  /** key hash → the live key it authenticates, each for ttlMs. */
  private readonly known: LRUCache<string, AuthenticatedKey>;
  /** key id → when its last_used_at was last written. */
  private readonly lastWritten: LRUCache<string, number>;
  private readonly onError: (error: unknown) => void;

  constructor(db: Db, options: { ttlMs?: number; max?: number; onError?: (error: unknown) => void } = {}) {
    this.db = db;
    const max = options.max ?? 10_000;
    this.known = new LRUCache({ max, ttl: options.ttlMs ?? 10_000 });
    this.lastWritten = new LRUCache({ max });
    this.onError = options.onError ?? (() => {});
  }

  async authenticate(key: string): Promise<AuthenticatedKey | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
    const hash = hashApiKey(key);
    const hit = this.known.get(hash);
    if (hit) {
      this.touch(hit.keyId);
      return hit;
    }
    const found = await authenticateApiKey(this.db, key);
    if (found) {
      this.known.set(hash, found);
      this.touch(found.keyId);
    }
    return found;
  }

  private touch(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastWritten.get(keyId) ?? -Infinity) < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastWritten.set(keyId, now);
    // Not awaited: the request goes on at once; a failed write only leaves the time older.
    this.db.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) }, select: { id: true } }).catch(this.onError);
  }

  /** Forgets a key (by its hash) so that its next use is looked up again. */
  forget(keyHash: string): void {
    this.known.delete(keyHash);
  }

  /** Forgets every key of an account (disabled or deleted, through NOTIFY). */
  forgetAccount(accountId: string): void {
    for (const [hash, found] of this.known.entries()) if (found.account.id === accountId) this.known.delete(hash);
  }

  /** Forgets every key: after missing notifications (the LISTEN connection was lost). */
  forgetAll(): void {
    this.known.clear();
  }
}

export function isAdminKey(adminKey: string | null, presented: string): boolean {
  if (!adminKey) return false;
  const a = createHash('sha256').update(adminKey).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/**
 * First start on an empty database with no admin key: create account `default` with one key and
 * return the key so it can be printed once. Returns null when any account exists already. The
 * advisory lock keeps two processes starting at once from both creating one.
 */
export async function ensureDefaultAccount(db: Db): Promise<{ account: Account; apiKey: string } | null> {
  return db.$transaction(async (tx) => {
    await lockDefaultAccountCreation(prismaSql(tx));
    if ((await tx.account.count()) > 0) return null;
    const { account, apiKey } = await createAccount(tx as unknown as Db, 'default');
    return { account, apiKey };
  });
}
