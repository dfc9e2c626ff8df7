// The Pothos builder: plugins, scalars and context type only. Types live in one file per model.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import type PrismaTypes from '../generated/pothos-prisma-types.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import type { Context } from '../server/context.ts';
import { typeOfId } from '../db/ids.ts';
import { requireAccount } from './auth.ts';

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
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
  plugins: [PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
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
      // Anonymous callers get UNAUTHENTICATED; each type's findUnique adds the account filter.
      resolve: (_root, { id }, ctx, _info, resolveNode) => {
        requireAccount(ctx);
        return typeOfId(id.id) ? resolveNode(id) : null;
      },
    },
    // An object's id is its one identifier (ep_…, evt_…): the prefix names the type, so there is
    // no second, base64-encoded global id.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => ({ typename: typeOfId(globalID) ?? 'Unknown', id: globalID }),
  },
});

builder.scalarType('DateTime', {
  description: 'An ISO 8601 date and time in UTC, e.g. 2026-11-22T07:00:00.000Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (typeof value !== 'string' || Number.isNaN(date.getTime())) {
      throw new TypeError(`DateTime must be an ISO 8601 string, got ${JSON.stringify(value)}`);
    }
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.queryType({});
builder.mutationType({});

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    nullable: false,
    resolve: (parent) => (typeof parent.totalCount === 'function' ? parent.totalCount() : parent.totalCount),
  }),
);
