// Authorization as declared (src/schema/auth.ts): every root field, found by introspection, says
// which callers may run it, and the API holds each caller to it: anonymous, an account's API key
// and the admin key each call every root field, and a caller the declaration leaves out gets the
// typed refusal (UNAUTHENTICATED 401 without an account to act for, FORBIDDEN 403 otherwise)
// before anything runs. A schema in which a root field or an account's type declares nothing does
// not build.
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDeclaredAuth, scopesOf, undeclaredAuth, type Scopes } from '../src/schema/auth.ts';
import type { Context } from '../src/schema/context.ts';
import { schema } from '../src/schema/index.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { document, rootFields, variables } from './support/schema-walk.ts';

type Caller = 'anonymous' | 'apiKey' | 'admin' | 'adminForAccount' | 'portal' | 'portalReadOnly';
type ScopeMap = Partial<Record<keyof Scopes | '$any' | '$all', unknown>>;

/**
 * What each caller holds (schema/auth.ts scopesOf). The admin key acting for an account (Hookwire-Account) is that account's key.
 * A portal session reads and writes its account but makes no keys or links (accountKey); a read-only one, here with every feature off, writes nothing.
 */
const HELD: Record<Caller, Record<keyof Scopes, boolean>> = {
  anonymous: { anyone: true, readAccount: false, writeAccount: false, admin: false, accountKey: false, feature: true },
  apiKey: { anyone: true, readAccount: true, writeAccount: true, admin: false, accountKey: true, feature: true },
  admin: { anyone: true, readAccount: false, writeAccount: false, admin: true, accountKey: false, feature: true },
  adminForAccount: { anyone: true, readAccount: true, writeAccount: true, admin: false, accountKey: true, feature: true },
  portal: { anyone: true, readAccount: true, writeAccount: true, admin: false, accountKey: false, feature: true },
  portalReadOnly: { anyone: true, readAccount: true, writeAccount: false, admin: false, accountKey: false, feature: false },
};
const CALLERS = Object.keys(HELD) as Caller[];

/** A scope map as scope-auth reads it: any of its entries (all of them under $all). */
function holds(map: ScopeMap, caller: Caller, all = false): boolean {
  const results = Object.entries(map).map(([scope, parameter]) => {
    if (scope === '$any') return holds(parameter as ScopeMap, caller);
    if (scope === '$all') return holds(parameter as ScopeMap, caller, true);
    return HELD[caller][scope as keyof Scopes];
  });
  return all ? results.every(Boolean) : results.some(Boolean);
}

function needsAccount(map: ScopeMap): boolean {
  return Object.entries(map).some(([scope, parameter]) =>
    scope === '$any' || scope === '$all' ? needsAccount(parameter as ScopeMap) : scope === 'readAccount' || scope === 'writeAccount' || scope === 'accountKey',
  );
}

const declared = (field: { extensions: Readonly<Record<string, unknown>> }) => (field.extensions.pothosOptions as { authScopes: ScopeMap }).authScopes;

/** The refusal a caller must get, or null when the declaration lets it run the field. */
function expectedRefusal(map: ScopeMap, caller: Caller): 'UNAUTHENTICATED' | 'FORBIDDEN' | null {
  if (holds(map, caller)) return null;
  // Anonymous callers are told to authenticate; the admin key without Hookwire-Account is forbidden, told to send it.
  return needsAccount(map) && caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

let t: TestApp;
let key: string;
const credentials: Record<Caller, string | null> = {
  anonymous: null,
  apiKey: null,
  admin: ADMIN_KEY,
  adminForAccount: ADMIN_KEY,
  portal: null,
  portalReadOnly: null,
};
/** The account the admin key acts for as adminForAccount. */
let accountId: string;

beforeAll(async () => {
  t = await startTestApp({ env: { HOOKWIRE_API_RATE_LIMIT: '0', HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0' } });
  ({ apiKey: key, accountId } = await t.newAccount('caller'));
  credentials.apiKey = key;
  // The portal sessions are of another account, so that the walk's revokePortalSessions (run by
  // the account's key) does not end them midway.
  const customer = await t.newAccount('portal customer');
  credentials.portal = await portalSession(customer.apiKey, {});
  credentials.portalReadOnly = await portalSession(customer.apiKey, {
    readOnly: true,
    features: { secrets: false, transformations: false, customHeaders: false, filters: false },
  });
});

/** A portal link made with the account's key, exchanged for its session credential. */
async function portalSession(apiKey: string, input: Record<string, unknown>): Promise<string> {
  const made = await t.gql(
    'mutation ($input: PortalSessionInput!) { createPortalSession(input: $input) { ... on PortalSessionSuccess { portalSession { url } } } }',
    { input },
    apiKey,
  );
  const url = (made.data as any).createPortalSession.portalSession.url as string;
  const token = new URL(url).hash.replace('#token=', '');
  const exchanged = await fetch(new URL('/portal/exchange', t.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  return ((await exchanged.json()) as { credential: string }).credential;
}
afterAll(async () => t?.stop());

describe('the declarations', () => {
  it('cover every root field and every type of an account', () => {
    expect(undeclaredAuth(schema)).toEqual([]);
  });

  it('say what the product promises for the fields that tell callers apart', () => {
    const query = schema.getQueryType()!.getFields();
    const mutation = schema.getMutationType()!.getFields();
    expect(declared(query.eventTypes!)).toEqual({ anyone: true });
    expect(declared(mutation.createAccount!)).toEqual({ admin: true });
    expect(declared(query.viewer!)).toEqual({ readAccount: true, admin: true });
    // The admin key's own: managing accounts.
    const ADMIN_ONLY = ['createAccount', 'updateAccount', 'disableAccount', 'enableAccount', 'deleteAccount'];
    for (const name of ADMIN_ONLY) expect(declared(mutation[name]!), name).toEqual({ admin: true });
    expect(declared(query.accounts!)).toEqual({ admin: true });
    expect(declared(query.account!)).toEqual({ admin: true });
    for (const field of Object.values(mutation)) {
      if (!ADMIN_ONLY.includes(field.name)) expect(needsAccount(declared(field)), field.name).toBe(true);
    }
  });

  it('refuse to build a schema with a root field or an account type that declares nothing', () => {
    // A builder of its own with the same plugin: a root field added without authScopes.
    // (The Prisma plugin, loaded with the app's schema, makes its options required of every
    // builder's type; this one does not use it.)
    const fresh = new SchemaBuilder<{ Context: Context; AuthScopes: Scopes }>({
      plugins: [ScopeAuthPlugin],
      scopeAuth: { authScopes: scopesOf },
    } as never);
    fresh.queryType({
      fields: (t) => ({
        declared: t.string({ authScopes: { readAccount: true }, resolve: () => 'yes' }),
        forgotten: t.string({ resolve: () => 'oops' }),
      }),
    });
    expect(() => assertDeclaredAuth(fresh.toSchema())).toThrow(/Query\.forgotten/);
    // A type on an account's rows (the Prisma plugin marks it with its model) without type scopes.
    const rows = new GraphQLObjectType({ name: 'Rows', extensions: { pothosPrismaModel: 'Endpoint' }, fields: { id: { type: GraphQLString } } });
    const query = new GraphQLObjectType({
      name: 'Query',
      fields: { rows: { type: rows, extensions: { pothosOptions: { authScopes: { readAccount: true } } } } },
    });
    expect(undeclaredAuth(new GraphQLSchema({ query }))).toEqual(['Rows']);
  });
});

async function post(query: string, vars: Record<string, unknown>, credential: string | null, account?: string) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      ...(account ? { 'hookwire-account': account } : {}),
    },
    body: JSON.stringify({ query, variables: vars }),
  });
  const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message ?? '' };
}

describe('every root field, walked by introspection', () => {
  it.each(['Query', 'Mutation'] as const)('%s: each caller runs what its declaration allows and is refused the rest, typed', async (root) => {
    const refusals: string[] = [];
    for (const field of rootFields(schema, root)) {
      const scopes = declared(field);
      const vars = variables(field, 'ep_00000000000000000000000000');
      const text = document(schema, root === 'Query' ? 'query' : 'mutation', field, vars);
      for (const caller of CALLERS) {
        const answer = await post(text, vars, credentials[caller], caller === 'adminForAccount' ? accountId : undefined);
        const expected = expectedRefusal(scopes, caller);
        const context = `${field.name} as ${caller}: ${answer.status} ${answer.code} ${answer.message}`;
        if (expected === null) {
          expect(['UNAUTHENTICATED', 'FORBIDDEN'], context).not.toContain(answer.code);
        } else {
          expect(answer.code, context).toBe(expected);
          expect(answer.status, context).toBe(expected === 'UNAUTHENTICATED' ? 401 : 403);
          refusals.push(`${field.name}/${caller}`);
        }
      }
    }
    // A walk that refused no one proved nothing.
    expect(refusals.length).toBeGreaterThan(10);
  }, 120_000);

  it('Subscription: an account key (or the admin key acting for one) may subscribe, the admin key alone is refused naming Hookwire-Account', async () => {
    for (const field of rootFields(schema, 'Subscription')) {
      expect(expectedRefusal(declared(field), 'admin'), field.name).toBe('FORBIDDEN');
      expect(expectedRefusal(declared(field), 'adminForAccount'), field.name).toBeNull();
      const vars = variables(field, 'ep_00000000000000000000000000');
      const text = document(schema, 'subscription', field, vars);
      const admin = t.wsClient({ authorization: `Bearer ${ADMIN_KEY}` });
      const refused = await new Promise<unknown>((resolve) => {
        admin.subscribe({ query: text, variables: vars }, { next: resolve, error: resolve, complete: () => resolve('completed') });
      });
      expect(JSON.stringify(refused), field.name).toMatch(/FORBIDDEN.*|Hookwire-Account/);
      expect(JSON.stringify(refused), field.name).toMatch(/Hookwire-Account/);
    }
  }, 60_000);
});
