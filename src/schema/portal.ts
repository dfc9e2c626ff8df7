// Portal sessions (issue 17): links that open one account's dashboard for its customer, made by the
// admin key (for any account) or by an account's own key (for itself), and revoked all at once.
import { findAccount } from '../domain/accounts.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { createPortalSession, revokePortalSessions } from '../domain/portal.ts';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { asResult, resultUnion } from './errors.ts';

const PortalFeaturesInput = builder.inputType('PortalFeaturesInput', {
  fields: (t) => ({
    secrets: t.boolean({ description: 'Signing secrets shown and rotatable in the portal (default true).' }),
    transformations: t.boolean(),
    customHeaders: t.boolean(),
    filters: t.boolean(),
  }),
});

const PortalThemeInput = builder.inputType('PortalThemeInput', {
  fields: (t) => ({
    productName: t.string(),
    logoUrl: t.string(),
    primaryColor: t.string({ description: 'A CSS colour, e.g. #3b5bdb.' }),
    dark: t.boolean(),
  }),
});

const PortalSessionInput = builder.inputType('PortalSessionInput', {
  fields: (t) => ({
    account: t.string({ description: "An account id or externalId; omitted with an account's own key (that account)." }),
    expiresInSeconds: t.int({ description: 'From 300 (5 minutes) to 604800 (7 days); default 3600.' }),
    readOnly: t.boolean({ description: 'No editing controls, and every mutation of the session is refused.' }),
    features: t.field({ type: PortalFeaturesInput }),
    theme: t.field({ type: PortalThemeInput }),
  }),
});

interface PortalSessionShape {
  url: string;
  expiresAt: Date;
  readOnly: boolean;
}

const PortalSessionRef = builder.objectRef<PortalSessionShape>('PortalSession').implement({
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Opens the dashboard scoped to the account; its token can be exchanged once.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    readOnly: t.exposeBoolean('readOnly'),
  }),
});

const PortalSessionSuccess = builder.simpleObject('PortalSessionSuccess', {
  fields: (t) => ({ portalSession: t.field({ type: PortalSessionRef }) }),
});
const PortalSessionResult = resultUnion('PortalSessionResult', PortalSessionSuccess, [ValidationError, NotFoundError]);

const RevokePortalSessionsSuccess = builder.simpleObject('RevokePortalSessionsSuccess', {
  fields: (t) => ({ revoked: t.int() }),
});
const RevokePortalSessionsResult = resultUnion('RevokePortalSessionsResult', RevokePortalSessionsSuccess, [NotFoundError]);

/** The account a link is for: the caller's own, or (admin key) the one named; another is not found. */
async function targetAccount(ctx: Context, ref: string | null | undefined, path: string[]): Promise<string> {
  if (ref == null || ref === '') {
    if (ctx.account) return ctx.account.id;
    throw ValidationError.field(path, 'is required with the admin key: the id or externalId of the account');
  }
  if (ctx.caller.kind !== 'admin') {
    if (ref === ctx.account?.id || ref === ctx.account?.externalId) return ctx.account.id;
    throw new NotFoundError('Account', ref.replaceAll('\u0000', '').slice(0, 200));
  }
  const found = await findAccount(ctx.db, ref);
  if (!found) throw new NotFoundError('Account', ref.replaceAll('\u0000', '').slice(0, 200));
  return found.id;
}

builder.mutationFields((t) => ({
  // An account's key (or the admin key, for any account); never a portal session, which may not
  // make the links that would outlive it.
  createPortalSession: t.withAuth({ $any: { accountKey: true, admin: true } }).field({
    type: PortalSessionResult,
    args: { input: t.arg({ type: PortalSessionInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asResult([ValidationError, NotFoundError], async () => {
        const accountId = await targetAccount(ctx, input.account, ['input', 'account']);
        return { portalSession: await createPortalSession(ctx.db, accountId, input, ctx.services.clock.now(), ctx.services.publicUrl()) };
      }),
  }),
  revokePortalSessions: t.withAuth({ $any: { accountKey: true, admin: true } }).field({
    type: RevokePortalSessionsResult,
    description: "Ends every portal session of the account (the caller's own with an account key).",
    args: { account: t.arg.string() },
    resolve: (_root, { account }, ctx) =>
      asResult([NotFoundError], async () => {
        if ((account == null || account === '') && !ctx.account) throw new NotFoundError('Account', '');
        const accountId = await targetAccount(ctx, account, ['account']);
        return { revoked: await revokePortalSessions(ctx.db, accountId, ctx.services.clock.now()) };
      }),
  }),
}));
