// A NUL (U+0000) in any text argument is refused before it reaches Postgres (which can store none):
// every ID, String and JSON argument of every root field, inside input objects and lists too,
// found by introspection, is sent holding one. Each answer is the field's typed refusal (a
// ValidationError naming the field, a NotFoundError for an id, or BAD_USER_INPUT with HTTP 400),
// never a success, and the service logs no error: the database never saw the value.
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { schema } from '../src/schema/index.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';
import { createEndpoint } from './support/api.ts';
import { document, rootFields, value, wanted } from './support/schema-walk.ts';

/** The same walk before this change (same probes): how many answered only after a logged database error. */
const BEFORE = 'before: 23 of the 69 query and mutation probes logged an ERROR (Prisma, SQLSTATE 22021) first';

let t: TestApp;
let key: string;
let endpointId: string;
const errors: string[] = [];

beforeAll(async () => {
  const logger = createLogger('warn', {
    format: 'json',
    write: (line) => {
      if ((JSON.parse(line) as { level: number }).level >= 50) errors.push(line);
    },
  });
  t = await startTestApp({ logger, env: { HOOKWIRE_API_RATE_LIMIT: '0', HOOKWIRE_API_ADDRESS_RATE_LIMIT: '0' } });
  ({ apiKey: key } = await t.newAccount('nul'));
  endpointId = (await createEndpoint(t, key, { url: 'http://127.0.0.1:9/nul', description: 'nul', eventTypes: ['*'] })).id;
});
afterAll(async () => t?.stop());

type Leaf = 'ID' | 'String' | 'JSON';

/** Every text leaf an argument can hold: its path by field names (lists add no name). */
function leaves(type: GraphQLInputType, path: string[], depth = 0): Array<{ path: string[]; leaf: Leaf }> {
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (depth > 3) return [];
    return Object.values(named.getFields()).flatMap((field) => leaves(field.type, [...path, field.name], depth + 1));
  }
  return isScalarType(named) && ['ID', 'String', 'JSON'].includes(named.name) ? [{ path, leaf: named.name as Leaf }] : [];
}

const NUL_TEXT: Record<Leaf, unknown> = { ID: 'ep_\u0000', String: 'a\u0000b', JSON: { text: 'a\u0000b' } };

/** A value of the argument's type with a NUL at `target` (relative to the argument) and plausible values elsewhere. */
function probe(type: GraphQLInputType, name: string, target: string[], leaf: Leaf): unknown {
  if (isNonNullType(type)) return probe(type.ofType, name, target, leaf);
  if (isListType(type)) return [probe(type.ofType, name, target, leaf)];
  if (target.length === 0) return NUL_TEXT[leaf];
  if (!isInputObjectType(type)) return undefined;
  const fields = Object.values(type.getFields()).filter((field) => wanted(field) || field.name === target[0]);
  return Object.fromEntries(
    fields.map((field) => [field.name, field.name === target[0] ? probe(field.type, field.name, target.slice(1), leaf) : value(field.type, endpointId, field.name)]),
  );
}

/** The account's key for its fields, the admin key for the admin's (as each field declares, schema/auth.ts). */
function credentialFor(field: GraphQLField<unknown, unknown>): string {
  const scopes = JSON.stringify((field.extensions.pothosOptions as { authScopes?: unknown }).authScopes);
  return /Account"/.test(scopes) ? key : ADMIN_KEY;
}

async function post(query: string, variables: Record<string, unknown>, credential: string) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { data?: Record<string, { __typename?: string } | null> | null; errors?: Array<{ extensions?: { code?: string } }> } };
}

function probesOf(field: GraphQLField<unknown, unknown>) {
  return field.args.flatMap((arg) =>
    leaves(arg.type, []).map(({ path, leaf }) => {
      const variables = Object.fromEntries(field.args.filter(wanted).map((a) => [a.name, value(a.type, endpointId, a.name)]));
      variables[arg.name] = probe(arg.type, arg.name, path, leaf);
      return { name: `${field.name}(${[arg.name, ...path].join('.')}: ${leaf})`, variables };
    }),
  );
}

describe('a NUL in any text argument', () => {
  it.each(['Query', 'Mutation'] as const)('of a %s root field is refused, typed, before the database', async (root) => {
    const answered: string[] = [];
    for (const field of rootFields(schema, root)) {
      for (const { name, variables } of probesOf(field)) {
        const before = errors.length;
        const answer = await post(document(schema, root === 'Query' ? 'query' : 'mutation', field, variables), variables, credentialFor(field));
        const context = `${name}: ${answer.status} ${answer.text.slice(0, 300)}`;
        const result = answer.body.data?.[field.name];
        if (result?.__typename) {
          expect(['ValidationError', 'NotFoundError'], context).toContain(result.__typename);
        } else {
          expect(answer.body.errors?.[0]?.extensions?.code, context).toBe('BAD_USER_INPUT');
          expect(answer.status, context).toBe(400);
        }
        expect(errors.slice(before), context).toEqual([]);
        answered.push(name);
      }
    }
    console.log(`${root}: ${answered.length} probes, none logged an error (${BEFORE})\n  ${answered.join('\n  ')}`);
    expect(answered.length).toBeGreaterThan(root === 'Query' ? 5 : 20);
  }, 120_000);

  it('of a subscription is refused when it starts', async () => {
    const client = t.wsClient({ authorization: `Bearer ${key}` });
    for (const field of rootFields(schema, 'Subscription')) {
      for (const { name, variables } of probesOf(field)) {
        const before = errors.length;
        const refused = await new Promise<unknown>((resolve) => {
          client.subscribe({ query: document(schema, 'subscription', field, variables), variables }, { next: resolve, error: resolve, complete: () => resolve('completed') });
        });
        expect(JSON.stringify(refused), name).toMatch(/BAD_USER_INPUT/);
        expect(errors.slice(before), name).toEqual([]);
      }
    }
  }, 60_000);
});
