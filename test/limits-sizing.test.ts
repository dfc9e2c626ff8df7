// The request limits (src/server/limits.ts) are sized on the documents real clients send: every
// operation of the dashboard, of the tests and of the client package (when it is in the tree)
// passes them, with its pages at their largest (first/last = 100). Prints how close each comes.
import { existsSync, readFileSync } from 'node:fs';
import {
  Kind,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isScalarType,
  print,
  typeFromAST,
  validate,
  type DocumentNode,
  type GraphQLInputType,
  type OperationDefinitionNode,
} from 'graphql';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { parseWithinLimits, REQUEST_LIMITS, requestRules } from '../src/server/limits.ts';
import * as testDocuments from './generated/graphql.ts';
import * as webDocuments from '../web/src/generated/graphql.ts';

const sources: Array<{ from: string; source: string }> = [];
for (const value of Object.values(testDocuments)) {
  if (value && typeof value === 'object' && (value as DocumentNode).kind === Kind.DOCUMENT) sources.push({ from: 'test', source: print(value as DocumentNode) });
}
for (const value of Object.values(webDocuments)) {
  if (value instanceof String) sources.push({ from: 'web', source: value.toString() });
}
const clientOperations = new URL('../packages/client/src/operations.graphql', import.meta.url);
if (existsSync(clientOperations)) sources.push({ from: 'client', source: readFileSync(clientOperations, 'utf8') });

/** A value of the type that passes coercion: pages at their largest, the rest minimal. */
function sample(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sample(type.ofType, name);
  if ('ofType' in type) return [sample(type.ofType as GraphQLInputType, name)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type, f.name)]));
  }
  if (isScalarType(type)) {
    if (type.name === 'Int') return name === 'first' || name === 'last' ? 100 : 1;
    if (type.name === 'DateTime') return '2026-01-01T00:00:00.000Z';
    if (type.name === 'Boolean') return true;
    if (type.name === 'JSON') return {};
    return 'ep_00000000000000000000000000';
  }
  return null;
}

const rows: Array<Record<string, string | number>> = [];

describe('the request limits let real documents through', () => {
  it('has documents to check', () => {
    expect(sources.filter((s) => s.from === 'web').length).toBeGreaterThan(10);
    // What the tests send: their own documents, and packages/client's wherever the client has the operation.
    expect(operations.filter((o) => o.from === 'test' || o.from === 'client').length).toBeGreaterThan(50);
  });

  const operations = sources.flatMap(({ from, source }) => {
    const document = parseWithinLimits(source);
    return document.definitions
      .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => ({ from, source, document, operation }));
  });

  it.each(operations.map((o) => [`${o.from} ${o.operation.name?.value ?? '(anonymous)'}`, o] as const))('%s', (_name, { source, document, operation }) => {
    // Required variables get a value; of the optional ones only `first`, at its largest.
    const variables = Object.fromEntries(
      (operation.variableDefinitions ?? [])
        .filter((v) => v.type.kind === Kind.NON_NULL_TYPE || v.variable.name.value === 'first')
        .map((v) => [v.variable.name.value, sample(typeFromAST(schema, v.type as never) as GraphQLInputType, v.variable.name.value)]),
    );
    const operationName = operation.name?.value ?? null;
    const context = { transport: operation.operation === 'subscription' ? ('ws' as const) : undefined, params: { operationName, variables } };
    const errors = validate(schema, document, requestRules(context));
    expect(errors.map((e) => `${e.extensions.code}: ${e.message}`)).toEqual([]);
    const own = { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation) };
    const cost = complexityFromQuery(own, { schema, variables });
    rows.push({ operation: operationName ?? '?', tokens: source.length, ...cost });
  });

  it('prints the largest', () => {
    for (const key of ['complexity', 'depth', 'breadth'] as const) {
      const top = [...rows].sort((a, b) => Number(b[key]) - Number(a[key]))[0];
      console.log(`largest ${key}: ${top?.[key]} (limit ${REQUEST_LIMITS[key]}) in ${top?.operation}`);
    }
  });
});
