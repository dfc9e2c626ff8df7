// Accounts and API keys: keys are random, shown once, stored as SHA-256 hashes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import type { Account } from '../generated/prisma/client.ts';
import { hasNul, NUL_MESSAGE, ValidationError } from './errors.ts';

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

export async function createApiKey(db: Db, accountId: string, name?: string | null): Promise<string> {
  const keyName = validateName(name, ['name'], false);
  const key = newApiKeySecret();
  await db.apiKey.create({
    data: { id: newId('ApiKey'), accountId, name: keyName, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) },
  });
  return key;
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

/** The account of a live API key, or null. */
export async function authenticateApiKey(db: Db, key: string): Promise<Account | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const found = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, include: { account: true } });
  if (!found || found.revokedAt) return null;
  return found.account;
}

/**
 * authenticateApiKey with a short memory: a key that every request carries is looked up once per
 * ttlMs, not once per request (the lookup cost as much as a whole publish). Only live keys are
 * remembered, at most `max` of them; forget() drops one at once (revocation).
 */
export class ApiKeyAuthenticator {
  private readonly db: Db;
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly known = new Map<string, { account: Account; until: number }>();

  constructor(db: Db, options: { ttlMs?: number; max?: number } = {}) {
    this.db = db;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.max = options.max ?? 10_000;
  }

  async authenticate(key: string): Promise<Account | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
    const hash = hashApiKey(key);
    const hit = this.known.get(hash);
    if (hit && hit.until > Date.now()) return hit.account;
    const account = await authenticateApiKey(this.db, key);
    this.known.delete(hash);
    if (account) {
      if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value!);
      this.known.set(hash, { account, until: Date.now() + this.ttlMs });
    }
    return account;
  }

  /** Forgets a key (by its hash) so that its next use is looked up again. */
  forget(keyHash: string): void {
    this.known.delete(keyHash);
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
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7234981234)`;
    if ((await tx.account.count()) > 0) return null;
    return createAccount(tx as unknown as Db, 'default');
  });
}
