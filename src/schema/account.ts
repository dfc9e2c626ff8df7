// Account: the viewer query, the account's API keys, and the account and key mutations; for the
// admin key (a platform, issue 17), the listing of accounts and their management.
import {
  createAccount,
  createApiKey,
  deleteAccount,
  disableAccount,
  enableAccount,
  findAccount,
  revokeApiKey,
  updateAccount,
} from '../domain/accounts.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { ACCOUNT_LIMITS } from '../limits.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { builder } from './builder.ts';
import { asResult, resultUnion } from './errors.ts';

export const AccountStatusEnum = builder.enumType('AccountStatus', {
  values: {
    ACTIVE: {},
    DISABLED: { description: 'Its API keys and portal sessions are refused and its deliveries are held; nothing is deleted.' },
  },
});

export const AccountRef = builder.prismaNode('Account', {
  // The account itself, or the admin key that made it (createAccount's result).
  authScopes: { readAccount: true, admin: true },
  id: { field: 'id' },
  // node(id:) answers only for the caller's own account; any other id reads as not found.
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [{ id: ctx.account?.id ?? '' }] }),
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    externalId: t.exposeString('externalId', { nullable: true, description: "The platform's own id for this customer: unique across the deployment." }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    status: t.expose('status', { type: AccountStatusEnum }),
    endpointCount: t.relationCount('endpoints', { description: 'How many endpoints the account has (the operator view).' }),
    failingEndpointCount: t.int({
      description: 'How many of its active endpoints are failing (endpoint.failing announced, not yet recovered).',
      select: { id: true },
      // One grouped count for every account of the page (a relation can be counted once per select).
      resolve: (account, _args, ctx) => failingCounts(ctx)(account.id),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.withAuth({ readAccount: true, admin: true }).prismaField({
    type: 'Account',
    nullable: true,
    description: 'The account of the API key in use (null for the deployment admin key, which has none).',
    resolve: (query, _root, _args, ctx) => (ctx.account ? ctx.db.account.findUnique({ ...query, where: { id: ctx.account.id } }) : null),
  }),
);

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  authScopes: { readAccount: true },
  id: { field: 'id' },
  description: 'An API key of the account. The secret itself is shown once, by createApiKey; only its hash is stored.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, accountId: ctx.account?.id ?? '' }),
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    prefix: t.exposeString('keyPrefix', { description: 'The first characters of the key (hk_…), to tell keys apart.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the key was last used, written at most once a minute per key (null: never used).',
    }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    current: t.boolean({
      description: 'True for the key that made this request.',
      select: { id: true },
      resolve: (key, _args, ctx) => ctx.caller.kind === 'apiKey' && key.id === ctx.caller.apiKeyId,
    }),
  }),
});

/** Revoked keys are listed too, newest first, at most this many in all. */
const MAX_LISTED_KEYS = 100;

builder.queryField('apiKeys', (t) =>
  t.withAuth({ readAccount: true }).prismaField({
    type: ['ApiKey'],
    description: `The account's API keys, newest first: the live ones, and revoked ones with includeRevoked (at most ${MAX_LISTED_KEYS} in all).`,
    args: { includeRevoked: t.arg.boolean({ defaultValue: false, required: true }) },
    resolve: (query, _root, { includeRevoked }, ctx) =>
      ctx.db.apiKey.findMany({
        ...query,
        where: { accountId: ctx.account.id, ...(includeRevoked ? {} : { revokedAt: null }) },
        orderBy: { id: 'desc' },
        take: MAX_LISTED_KEYS,
      }),
  }),
);

const CreateAccountSuccess = builder.simpleObject('CreateAccountSuccess', {
  fields: (t) => ({
    account: t.field({ type: AccountRef }),
    apiKey: t.string({ description: 'Shown once; only its hash is stored.' }),
  }),
});

const CreateApiKeySuccess = builder.simpleObject('CreateApiKeySuccess', {
  fields: (t) => ({
    apiKey: t.string({ description: 'Shown once; only its hash is stored.' }),
  }),
});

const RevokeApiKeySuccess = builder.simpleObject('RevokeApiKeySuccess', {
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef }) }),
});

const AccountSuccess = builder.simpleObject('AccountSuccess', {
  fields: (t) => ({ account: t.field({ type: AccountRef }) }),
});

const DeleteAccountSuccess = builder.simpleObject('DeleteAccountSuccess', {
  fields: (t) => ({ id: t.id({ description: 'Its data is deleted in the background; the account is gone from every query at once.' }) }),
});

const UpdateAccountInput = builder.inputType('UpdateAccountInput', {
  fields: (t) => ({
    name: t.string(),
    externalId: t.string({ description: `1–${ACCOUNT_LIMITS.externalIdMaxLength} printable ASCII characters without spaces; null removes it.` }),
    metadata: t.field({ type: 'JSON', description: `At most ${ACCOUNT_LIMITS.metadataMaxBytes} bytes as JSON; null removes it.` }),
  }),
});

const CreateAccountResult = resultUnion('CreateAccountResult', CreateAccountSuccess, [ValidationError]);
const AccountResult = resultUnion('AccountResult', AccountSuccess, [ValidationError, NotFoundError]);
const DeleteAccountResult = resultUnion('DeleteAccountResult', DeleteAccountSuccess, [NotFoundError]);
const CreateApiKeyResult = resultUnion('CreateApiKeyResult', CreateApiKeySuccess, [ValidationError]);
const RevokeApiKeyResult = resultUnion('RevokeApiKeyResult', RevokeApiKeySuccess, [ValidationError, NotFoundError]);

builder.mutationFields((t) => ({
  createAccount: t.withAuth({ admin: true }).field({
    type: CreateAccountResult,
    description: 'Admin key. Idempotent on externalId: an existing account with it is returned (with a new key).',
    args: { name: t.arg.string({ required: true }), externalId: t.arg.string(), metadata: t.arg({ type: 'JSON' }) },
    resolve: (_root, { name, externalId, metadata }, ctx) =>
      asResult([ValidationError], () => createAccount(ctx.db, { name, externalId, metadata }, ctx.config.maxApiKeysPerAccount)),
  }),
  // Not a portal session: a link's holder may not mint keys that outlive it.
  createApiKey: t.withAuth({ $any: { accountKey: true, admin: true } }).field({
    type: CreateApiKeyResult,
    description:
      "Another key for the caller's account; an account holds at most HOOKWIRE_MAX_API_KEYS live keys (25 by default). With the admin key, `account` (an id or externalId) names the account the key is for.",
    args: { name: t.arg.string(), account: t.arg.string() },
    resolve: (_root, { name, account }, ctx) =>
      asResult([ValidationError], async () => {
        const target = await keyAccount(ctx, account ?? null);
        return { apiKey: await createApiKey(ctx.db, target, name, ctx.config.maxApiKeysPerAccount) };
      }),
  }),
  updateAccount: t.withAuth({ admin: true }).field({
    type: AccountResult,
    description: 'Admin key. `id` is an account id or externalId; a field left out is kept, null removes externalId or metadata.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateAccountInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      asResult([ValidationError, NotFoundError], async () => ({
        account: await updateAccount(ctx.db, id, {
          name: input.name,
          externalId: 'externalId' in input ? input.externalId : undefined,
          metadata: 'metadata' in input ? input.metadata : undefined,
        }),
      })),
  }),
  disableAccount: t.withAuth({ admin: true }).field({
    type: AccountResult,
    description: "Admin key. Its API keys and portal sessions stop working in every API process at once (open sockets are closed), its deliveries are held; nothing is deleted.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult([ValidationError, NotFoundError], async () => {
        const account = await disableAccount(ctx.db, id);
        // This process forgets its keys before answering; the others hear NOTIFY.
        ctx.services.keys.forgetAccount(account.id);
        return { account };
      }),
  }),
  enableAccount: t.withAuth({ admin: true }).field({
    type: AccountResult,
    description: 'Admin key. Active again: its keys work and its held deliveries go.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult([ValidationError, NotFoundError], async () => ({ account: await enableAccount(ctx.db, id, ctx.services.clock.now()) })),
  }),
  deleteAccount: t.withAuth({ admin: true }).field({
    type: DeleteAccountResult,
    description: 'Admin key. The account is gone from every query at once; a worker deletes all of its data in the background.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult([NotFoundError], async () => {
        const deleted = await deleteAccount(ctx.db, id, ctx.services.clock.now());
        ctx.services.keys.forgetAccount(deleted);
        return { id: deleted };
      }),
  }),
  revokeApiKey: t.withAuth({ $all: { writeAccount: true, accountKey: true } }).field({
    type: RevokeApiKeyResult,
    description:
      "Revokes one of the account's keys, the caller's own included; it stops working at once in every API process. The account's last live key cannot be revoked (a ValidationError): create another first.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) =>
      asResult([ValidationError, NotFoundError], async () => {
        const apiKey = await revokeApiKey(ctx.db, ctx.account.id, id);
        ctx.services.keys.forget(apiKey.keyHash);
        return { apiKey };
      }),
  }),
}));

const failingLoaders = new WeakMap<object, (accountId: string) => Promise<number>>();

/**
 * Failing endpoints per account, batched per request: the accounts a page asks for in one tick are
 * counted by one grouped query.
 */
function failingCounts(ctx: import('./context.ts').Context): (accountId: string) => Promise<number> {
  const known = failingLoaders.get(ctx);
  if (known) return known;
  type Waiter = { resolve(count: number): void; reject(error: unknown): void };
  let batch: Map<string, Waiter[]> | null = null;
  const run = async (current: Map<string, Waiter[]>) => {
    const waiters = [...current.values()].flat();
    try {
      const rows = await ctx.db.endpoint.groupBy({
        by: ['accountId'],
        where: { accountId: { in: [...current.keys()] }, status: 'ACTIVE', failingNotifiedAt: { not: null } },
        _count: { _all: true },
      });
      const counts = new Map(rows.map((row) => [row.accountId, row._count._all]));
      for (const [id, list] of current) for (const waiter of list) waiter.resolve(counts.get(id) ?? 0);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  };
  const loader = (accountId: string) =>
    new Promise<number>((resolve, reject) => {
      if (!batch) {
        const current = (batch = new Map());
        setImmediate(() => {
          batch = null;
          void run(current);
        });
      }
      const list = batch.get(accountId) ?? [];
      list.push({ resolve, reject });
      batch.set(accountId, list);
    });
  failingLoaders.set(ctx, loader);
  return loader;
}

/**
 * The account a new key is for: the caller's own (an account key, or the admin key acting for one)
 * unless `account` names another, which only the admin key may; the admin key as itself must name one.
 */
async function keyAccount(ctx: import('./context.ts').Context, account: string | null): Promise<string> {
  // Acting for an account (Hookwire-Account), the admin key is that account's key here too.
  const admin = ctx.caller.kind === 'admin';
  if (account === null) {
    if (ctx.account) return ctx.account.id;
    throw ValidationError.field(['account'], 'is required with the admin key: the id or externalId of the account the key is for');
  }
  if (!admin) {
    if (account === ctx.account?.id || account === ctx.account?.externalId) return ctx.account.id;
    throw ValidationError.field(['account'], 'names another account: an account key makes keys for its own account only');
  }
  const found = await findAccount(ctx.db, account);
  if (!found) throw ValidationError.field(['account'], `no account has the id or externalId ${JSON.stringify(account.slice(0, 200))}`);
  return found.id;
}

/** Accounts matching the admin's search (name or externalId, case-insensitive) and status; deleted ones never. */
function accountsWhere(search: string | null | undefined, status: 'ACTIVE' | 'DISABLED' | null | undefined): Prisma.AccountWhereInput {
  const text = search?.trim().replaceAll('\u0000', '') ?? '';
  return {
    deletedAt: null,
    ...(status ? { status } : {}),
    ...(text ? { OR: [{ name: { contains: text, mode: 'insensitive' } }, { externalId: { contains: text, mode: 'insensitive' } }] } : {}),
  };
}

builder.queryFields((t) => ({
  accounts: t.withAuth({ admin: true }).prismaConnection(
    {
      type: 'Account',
      cursor: 'id',
      description: 'Admin key: every account, newest first; search matches name or externalId.',
      maxSize: ACCOUNT_LIMITS.pageMax,
      args: { search: t.arg.string(), status: t.arg({ type: AccountStatusEnum }) },
      totalCount: (_root, { search, status }, ctx) => ctx.db.account.count({ where: accountsWhere(search, status) }),
      resolve: (query, _root, { search, status }, ctx) =>
        ctx.db.account.findMany({ ...query, where: accountsWhere(search, status), orderBy: { id: 'desc' } }),
    },
    { name: 'AccountConnection' },
    { name: 'AccountEdge' },
  ),
  account: t.withAuth({ admin: true }).prismaField({
    type: 'Account',
    nullable: true,
    description: 'Admin key: one account by id or externalId.',
    args: { id: t.arg.id(), externalId: t.arg.string() },
    resolve: async (query, _root, { id, externalId }, ctx) => {
      if (!id && !externalId) return null;
      return ctx.db.account.findFirst({
        ...query,
        where: { deletedAt: null, ...(id ? { id } : {}), ...(externalId ? { externalId } : {}) },
      });
    },
  }),
}));
