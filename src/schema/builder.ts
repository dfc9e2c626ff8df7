// The Pothos builder: plugins, scalars and context type only. Types live in one file per model.
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import { GraphQLError } from 'graphql';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import type PrismaTypes from '../generated/pothos-prisma-types.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import { typeOfId } from '../db/ids.ts';
import { refusal, scopesOf, type ScopeContexts, type Scopes } from './auth.ts';
import type { Context } from './context.ts';
import { fieldComplexity } from './cost.ts';
import TextGuardPlugin from './text-guard.ts';

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  AuthScopes: Scopes;
  AuthContexts: ScopeContexts;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
  Connection: { totalCount: number | (() => Promise<number>) };
}>({
  defaultFieldNullability: false,
  // Scope auth first: it wraps every other plugin's resolver, so a refused caller runs nothing;
  // then the refusal of text Postgres cannot store (text-guard.ts), before any SQL.
  plugins: [ScopeAuthPlugin, TextGuardPlugin, ComplexityPlugin, PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
  scopeAuth: {
    // A subscription is refused when it starts, not on each event it would have carried.
    authorizeOnSubscribe: true,
    // A type's scopes are checked once per object, not once per field (a page of 100 deliveries
    // with their events and endpoints: 300 checks, not 1,400).
    runScopesOnType: true,
    authScopes: scopesOf,
    unauthorizedError: (_parent, ctx, info, result) => refusal(ctx, info, result.failure),
  },
  // Costs only: the limits are checked as a validation rule before execution (server/limits.ts),
  // so an expensive request is refused with a 400 before any resolver runs.
  complexity: { fieldComplexity },
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    cursorType: 'String',
    clientMutationId: 'omit',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodesQueryOptions: false,
    nodeQueryOptions: {
      // Each type's findUnique adds the account filter.
      authScopes: { readAccount: true },
      resolve: (_root, { id }, _ctx, _info, resolveNode) => (typeOfId(id.id) ? resolveNode(id) : null),
    },
    // An object's id is its one identifier (ep_…, evt_…): the prefix names the type, so there is
    // no second, base64-encoded global id.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => ({ typename: typeOfId(globalID) ?? 'Unknown', id: globalID }),
  },
});

/**
 * A bad scalar is the client's mistake: a GraphQLError with a code (a plain TypeError would be
 * masked as "Unexpected error."), and HTTP 400 wherever graphql-js reports it.
 */
function badScalar(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: false } } });
}

// Date and time, a UTC offset or Z: a four-digit year keeps every value inside what Postgres
// (4713 BC to 294276 AD) and JavaScript (±275760) can both hold.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

builder.scalarType('DateTime', {
  description: 'An ISO 8601 date and time with Z or an offset, years 0001 to 9999, e.g. 2026-11-22T07:00:00.000Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' && ISO_8601.test(value) ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) {
      const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
      throw badScalar(`DateTime must be an ISO 8601 date and time such as 2026-11-22T07:00:00Z (years 0001 to 9999), got ${shown}`);
    }
    return date;
  },
});

/** Deeper than any webhook payload needs; deep enough to refuse before recursion (ajv, Postgres) costs anything. */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a JSON value, counted without recursion and given up past `limit`. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const item of level) {
      if (item !== null && typeof item === 'object') next.push(...(Array.isArray(item) ? item : Object.values(item)));
    }
    if (next.length > 0 && depth + 1 > limit) return true;
    level = next;
  }
  return false;
}

builder.scalarType('JSON', {
  description: `Any JSON value, nested at most ${MAX_JSON_DEPTH} levels deep.`,
  serialize: (value) => value,
  parseValue: (value) => {
    if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) throw badScalar(`JSON values may be nested at most ${MAX_JSON_DEPTH} levels deep`);
    return value;
  },
});

builder.queryType({});
builder.mutationType({});

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    nullable: false,
    resolve: (parent) => (typeof parent.totalCount === 'function' ? parent.totalCount() : parent.totalCount),
  }),
);
