// Accounts and API keys: keys are random, shown once, stored as SHA-256 hashes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { prismaSql } from '../db/sql.ts';
import { lockAccount, lockDefaultAccountCreation } from '../db/sql/accounts.ts';
import { CHANNELS, notify } from '../db/sql/notify.ts';
import type { Account, ApiKey } from '../generated/prisma/client.ts';
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

export async function createAccount(db: Db, name: string): Promise<{ account: Account; apiKey: string }> {
  const accountName = validateName(name, ['name'], true)!;
  const key = newApiKeySecret();
  const account = await db.account.create({
    data: {
      id: newId('Account'),
      name: accountName,
      apiKeys: { create: { id: newId('ApiKey'), name: 'initial', keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) } },
    },
  });
  return { account, apiKey: key };
}

export interface AuthenticatedKey {
  account: Account;
  keyId: string;
}

/** The account and id of a live API key, or null. */
export async function authenticateApiKey(db: Db, key: string): Promise<AuthenticatedKey | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const found = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, include: { account: true } });
  if (!found || found.revokedAt) return null;
  return { account: found.account, keyId: found.id };
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
    return createAccount(tx as unknown as Db, 'default');
  });
}
