// Account: the viewer query, the account's API keys, and the account and key mutations.
import { createAccount, createApiKey, revokeApiKey } from '../domain/accounts.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { builder } from './builder.ts';
import { asResult, resultUnion } from './errors.ts';

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

const CreateAccountResult = resultUnion('CreateAccountResult', CreateAccountSuccess, [ValidationError]);
const CreateApiKeyResult = resultUnion('CreateApiKeyResult', CreateApiKeySuccess, [ValidationError]);
const RevokeApiKeyResult = resultUnion('RevokeApiKeyResult', RevokeApiKeySuccess, [ValidationError, NotFoundError]);

builder.mutationFields((t) => ({
  createAccount: t.withAuth({ admin: true }).field({
    type: CreateAccountResult,
    description: "Needs the deployment's admin key.",
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => asResult([ValidationError], () => createAccount(ctx.db, name)),
  }),
  createApiKey: t.withAuth({ writeAccount: true }).field({
    type: CreateApiKeyResult,
    description: 'Another key for the caller\'s account; an account holds at most HOOKWIRE_MAX_API_KEYS live keys (25 by default).',
    args: { name: t.arg.string() },
    resolve: (_root, { name }, ctx) =>
      asResult([ValidationError], async () => ({
        apiKey: await createApiKey(ctx.db, ctx.account.id, name, ctx.config.maxApiKeysPerAccount),
      })),
  }),
  revokeApiKey: t.withAuth({ writeAccount: true }).field({
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
