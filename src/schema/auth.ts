// Who may call what: resolvers ask for the caller's account (or the admin key) through these.
import { GraphQLError } from 'graphql';
import { unauthenticated, type Context } from '../server/context.ts';

/** The caller's account, or a clear UNAUTHENTICATED error (never masked by Yoga). */
export function requireAccount(ctx: Context): NonNullable<Context['account']> {
  if (!ctx.account) {
    throw unauthenticated('Authentication required: send "Authorization: Bearer hk_…" with an API key');
  }
  return ctx.account;
}

export function requireAdmin(ctx: Context): void {
  if (!ctx.isAdmin) {
    throw new GraphQLError('Forbidden: this mutation needs the deployment admin key (HOOKWIRE_ADMIN_KEY)', {
      extensions: { code: 'FORBIDDEN', http: { status: 403 } },
    });
  }
}
