// Who may run what, declared once per field with @pothos/plugin-scope-auth: the scopes a caller
// holds, the typed error a refusal becomes, and the check that no root field and no type of an
// account's rows goes without a declaration (so a new field cannot forget it).
import { GraphQLError, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import type { AccountContext, Context } from './context.ts';

/** Parts of the product a caller may have turned off (portal sessions, issue 17); every key has all of them. */
export type Feature = 'secrets' | 'transformations' | 'customHeaders' | 'filters';

/** The scopes a field may ask for (Pothos's AuthScopes: the value is the scope's parameter). */
export interface Scopes {
  /** Anyone, without a key too: the field holds nothing of any account. */
  anyone: boolean;
  /** The caller acts for one account and may read its data: the field's context holds it (AccountContext). */
  readAccount: boolean;
  /** The caller may change that account's data (issue 17: not a read-only portal session). */
  writeAccount: boolean;
  /** The deployment's admin key, as itself: accounts are its to manage. */
  admin: boolean;
  /**
   * An account's API key, or the admin key acting for it: not a portal session, which may not make
   * keys or portal links (a link's holder must not outlive the link by minting more).
   */
  accountKey: boolean;
  /** The caller may use this part of the product. */
  feature: Feature;
}

/** The context each scope guarantees to a field that asks for it (Pothos's AuthContexts). */
export interface ScopeContexts {
  readAccount: AccountContext;
  writeAccount: AccountContext;
}

/**
 * The scopes of one request, from its caller alone (the plugin caches them per request): the admin
 * key acting for an account holds readAccount and writeAccount and not admin (it is that account's
 * key); a portal session writeAccount unless read-only, and `feature` as its switches say.
 */
export function scopesOf(ctx: Context) {
  const actsForAccount = ctx.account !== null;
  return {
    anyone: true,
    readAccount: actsForAccount,
    // A read-only portal session reads the account's data and changes none of it.
    writeAccount: actsForAccount && !(ctx.caller.kind === 'portal' && ctx.caller.readOnly),
    // Acting for an account, the admin key is exactly that account's key: the account management
    // fields (which see every account) are the admin key's as itself only.
    admin: ctx.caller.kind === 'admin',
    accountKey: ctx.caller.kind === 'apiKey' || ctx.caller.kind === 'adminForAccount',
    feature: (feature: Feature) => (ctx.caller.kind === 'portal' ? ctx.caller.features[feature] : true),
  };
}

/**
 * Input that uses a part of the product (an endpoint's headers, secret, transformation, filter)
 * is refused, as its field would be, when the caller has that part turned off; the field's own
 * scopes (writeAccount) were checked by the plugin before.
 */
export function assertFeatures(ctx: Context, used: Feature[]): void {
  if (ctx.caller.kind !== 'portal') return;
  const { features } = ctx.caller;
  const off = [...new Set(used)].filter((feature) => !features[feature]);
  if (off.length > 0) throw forbidden(`Forbidden: ${off.join(', ')} ${off.length > 1 ? 'are' : 'is'} turned off for this session`);
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

export const AUTHENTICATION_REQUIRED = 'Authentication required: send "Authorization: Bearer hk_…" with an API key';

/** The header (and graphql-ws connectionParams key) with which the admin key acts for one account. */
export const ACCOUNT_HEADER = 'Hookwire-Account';

export const ACCOUNT_REQUIRED =
  'The admin key acts for no account here: send "Hookwire-Account: <account id or externalId>" (over graphql-ws, connectionParams "hookwire-account") to act for one';

/** The names of the scopes a refusal found missing, and the features among them. */
function missing(failure: AuthFailure, into = { scopes: new Set<string>(), features: new Set<unknown>() }) {
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    for (const child of failure.failures) missing(child, into);
  } else if (failure.kind === AuthScopeFailureType.AuthScope) {
    into.scopes.add(failure.scope);
    if (failure.scope === 'feature') into.features.add(failure.parameter);
  }
  return into;
}

/**
 * What the client is told when a field's scopes refuse it: with no account to act for,
 * UNAUTHENTICATED (HTTP 401) and how to send a key, or for the admin key FORBIDDEN (403) naming the
 * Hookwire-Account header; a field for the admin key, FORBIDDEN (403);
 * then what issue 17's callers may lack (a read-only session, a feature turned off).
 */
export function refusal(ctx: Context, info: GraphQLResolveInfo, failure: AuthFailure): GraphQLError {
  const { scopes, features } = missing(failure);
  if ((scopes.has('readAccount') || scopes.has('writeAccount') || scopes.has('accountKey')) && ctx.account === null) {
    return ctx.caller.kind === 'admin' ? forbidden(ACCOUNT_REQUIRED) : unauthenticated(AUTHENTICATION_REQUIRED);
  }
  const what = info.parentType.name === 'Mutation' ? 'this mutation' : 'this field';
  if (scopes.has('admin') && ctx.caller.kind === 'adminForAccount') {
    return forbidden(`Forbidden: acting for an account (Hookwire-Account), the admin key may do only what that account's key may; send ${what} without the header`);
  }
  if (scopes.has('accountKey') && ctx.caller.kind === 'portal') return forbidden(`Forbidden: a portal session may not run ${what}; it needs the account's API key`);
  if (scopes.has('admin')) return forbidden(`Forbidden: ${what} needs the deployment admin key (HOOKWIRE_ADMIN_KEY)`);
  if (scopes.has('writeAccount')) return forbidden(`Forbidden: this session is read-only, and ${what} changes data`);
  if (features.size > 0) return forbidden(`Forbidden: ${[...features].join(', ')} ${features.size > 1 ? 'are' : 'is'} turned off for this session`);
  return forbidden(`Forbidden: ${what} is not for this caller`);
}

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/**
 * Every root field, and every type built on an account's rows (a Prisma model), that declares no
 * authScopes: the schema refuses to build with any (schema/index.ts), so a field added tomorrow
 * says who may run it or the service does not start.
 */
export function undeclaredAuth(schema: GraphQLSchema): string[] {
  const undeclared: string[] = [];
  const declares = (extensions: Readonly<Record<string, unknown>> | null | undefined) =>
    (extensions?.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes !== undefined;
  for (const name of ROOT_TYPES) {
    const type = schema.getType(name);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) if (!declares(field.extensions)) undeclared.push(`${name}.${field.name}`);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && type.extensions.pothosPrismaModel !== undefined && !declares(type.extensions)) undeclared.push(type.name);
  }
  return undeclared;
}

export function assertDeclaredAuth(schema: GraphQLSchema): GraphQLSchema {
  const undeclared = undeclaredAuth(schema);
  if (undeclared.length > 0) {
    throw new Error(`These declare no authScopes (schema/auth.ts says which caller may run what): ${undeclared.join(', ')}`);
  }
  return schema;
}
