// Walking the schema by introspection, for tests that must cover every root field the day it is
// added: a selection of a type's fields, a value for each argument, and one document per root field
// that the request limits let through. Used by the tenant-isolation, authorization and NUL walks.
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  validate,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { schema as serverSchema } from '../../src/schema/index.ts';
import { requestRules } from '../../src/server/limits.ts';

/** What a probe puts in text arguments: an event type name for those that name one, a plain word for the rest. */
export interface ProbeStrings {
  eventType: string;
  text: string;
}

const DEFAULT_STRINGS: ProbeStrings = { eventType: 'message.received', text: 'x' };

/**
 * A selection of every field without required arguments, `depth` levels down. Under an interface
 * or union the members' fragments share `seen`: a field name already selected with another type
 * (Account.name String!, ApiKey.name String) is left out, as GraphQL cannot merge the two.
 */
export function selection(schema: GraphQLSchema, type: GraphQLNamedType, depth: number, seen = new Map<string, string>()): string {
  if (isScalarType(type) || isEnumType(type)) return '';
  if (depth === 0) return '{ __typename }';
  const members = (abstract: readonly GraphQLNamedType[]) => {
    const shared = new Map<string, string>();
    return abstract.map((member) => `... on ${member.name} ${selection(schema, member, depth, shared)}`).join(' ');
  };
  if (isUnionType(type)) return `{ __typename ${members(type.getTypes())} }`;
  if (isInterfaceType(type)) return `{ __typename ${members(schema.getPossibleTypes(type))} }`;
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields() as Record<string, GraphQLField<unknown, unknown>>)
    .filter((field) => field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined))
    .filter((field) => {
      const known = seen.get(field.name);
      seen.set(field.name, known ?? field.type.toString());
      return known === undefined || known === field.type.toString();
    })
    .map((field) => `${field.name} ${selection(schema, getNamedType(field.type), depth - 1)}`);
  return `{ __typename ${fields.join(' ')} }`;
}

/** Required arguments, and every ID one (the ids are the probe); other optional ones keep their defaults. */
export function wanted(arg: { type: GraphQLInputType }): boolean {
  return isNonNullType(arg.type) || getNamedType(arg.type).name === 'ID';
}

/** A value of the type, every ID in it set to `id`. */
export function value(type: GraphQLInputType, id: string, name: string, strings: ProbeStrings = DEFAULT_STRINGS): unknown {
  if (isNonNullType(type)) return value(type.ofType, id, name, strings);
  if (isListType(type)) return [value(type.ofType, id, name, strings)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter(wanted).map((field) => [field.name, value(field.type, id, field.name, strings)]));
  }
  if (isScalarType(type)) {
    if (type.name === 'ID') return id;
    if (type.name === 'Int') return 1;
    if (type.name === 'Boolean') return true;
    if (type.name === 'DateTime') return '2020-01-01T00:00:00.000Z';
    if (type.name === 'JSON') return {};
    // Strings that name things: an event type and a URL a caller might try; the rest is a plain word.
    if (name === 'url') return 'http://127.0.0.1:9/bob';
    if (/type/i.test(name)) return strings.eventType;
    if (name === 'transformation') return 'function handler(webhook) { return webhook }';
    return strings.text;
  }
  return undefined;
}

export function variables(field: GraphQLField<unknown, unknown>, id: string, strings?: ProbeStrings): Record<string, unknown> {
  return Object.fromEntries(field.args.filter(wanted).map((arg) => [arg.name, value(arg.type, id, arg.name, strings)]));
}

/**
 * One document per root field, every argument a variable so that each probe only changes the
 * values: the deepest selection (4 levels at most) that the request limits let through.
 */
export function document(schema: GraphQLSchema, operation: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>, probeVariables: Record<string, unknown>): string {
  const defs = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  for (let depth = 4; ; depth--) {
    const text = `${operation} Probe${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection(schema, getNamedType(field.type), depth)} }`;
    const context = { transport: 'ws' as const, params: { operationName: 'Probe', variables: probeVariables } };
    if (depth === 1 || validate(serverSchema, parse(text), requestRules(context)).length === 0) return text;
  }
}

export const rootFields = (schema: GraphQLSchema, name: 'Query' | 'Mutation' | 'Subscription') =>
  Object.values((schema.getType(name) as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields());
