// Account: the viewer query and the account and key mutations.
import { createAccount, createApiKey } from '../domain/accounts.ts';
import { ValidationError } from '../domain/errors.ts';
import { builder } from './builder.ts';
import { requireAccount, requireAdmin } from './auth.ts';
import { asResult, resultUnion } from './errors.ts';

export const AccountRef = builder.prismaNode('Account', {
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
  t.prismaField({
    type: 'Account',
    nullable: true,
    description: 'The account of the API key in use (null for the deployment admin key, which has none).',
    resolve: (query, _root, _args, ctx) => {
      if (ctx.isAdmin) return null;
      const account = requireAccount(ctx);
      return ctx.db.account.findUnique({ ...query, where: { id: account.id } });
    },
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

const CreateAccountResult = resultUnion('CreateAccountResult', CreateAccountSuccess, [ValidationError]);
const CreateApiKeyResult = resultUnion('CreateApiKeyResult', CreateApiKeySuccess, [ValidationError]);

builder.mutationFields((t) => ({
  createAccount: t.field({
    type: CreateAccountResult,
    description: "Needs the deployment's admin key.",
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => {
      requireAdmin(ctx);
      return asResult([ValidationError], () => createAccount(ctx.db, name));
    },
  }),
  createApiKey: t.field({
    type: CreateApiKeyResult,
    args: { name: t.arg.string() },
    resolve: (_root, { name }, ctx) => {
      const account = requireAccount(ctx);
      return asResult([ValidationError], async () => ({ apiKey: await createApiKey(ctx.db, account.id, name) }));
    },
  }),
}));
