// Text that Postgres cannot store is refused before any resolver runs: a NUL (U+0000) in any ID,
// String or JSON argument of any field, at any depth of its input objects and lists. PostgreSQL's
// text and jsonb hold no NUL, so such a value could only fail in the database (SQLSTATE 22021,
// logged as an error), or mean nothing. The answer is the field's own: a ValidationError naming
// each bad field, a NotFoundError for an id (no id holds a NUL), or else BAD_USER_INPUT, HTTP 400.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import {
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLResolveInfo,
} from 'graphql';
import { NotFoundError, NUL_MESSAGE, ValidationError } from '../domain/errors.ts';
import { errorResult, errorsOfResult } from './result-errors.ts';

interface Nul {
  path: string[];
  /** The value is an ID: it names nothing. */
  id: string | null;
}

function jsonHasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  // The JSON scalar refuses values nested deeper than 32 levels before this runs.
  if (Array.isArray(value)) return value.some(jsonHasNul);
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || jsonHasNul(item));
}

/** The text of an ID or String value; the relay plugin hands node(id:) its id decoded as { typename, id }. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

function findNuls(value: unknown, type: GraphQLInputType, path: string[], found: Nul[]): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return findNuls(value, type.ofType, path, found);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((item, i) => findNuls(item, type.ofType, [...path, String(i)], found));
    else findNuls(value, type.ofType, path, found);
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      if (fields[name]) findNuls(item, fields[name].type, [...path, name], found);
    }
    return;
  }
  if (!isScalarType(type)) return;
  if (type.name === 'ID' || type.name === 'String') {
    const text = textOf(value);
    if (text?.includes('\u0000')) found.push({ path, id: type.name === 'ID' ? text : null });
  } else if (type.name === 'JSON' && jsonHasNul(value)) {
    found.push({ path, id: null });
  }
}

function nulsOf(args: Record<string, unknown>, info: GraphQLResolveInfo): Nul[] {
  const found: Nul[] = [];
  for (const arg of info.parentType.getFields()[info.fieldName]!.args) findNuls(args[arg.name], arg.type, [arg.name], found);
  return found;
}

/** The field's own answer to a NUL: its result union's typed error when it has one, else a 400. */
function refusal(nuls: Nul[], info: GraphQLResolveInfo) {
  const errors = errorsOfResult(getNamedType(info.returnType).name);
  const id = nuls.find((nul) => nul.id !== null);
  if (id && errors.includes(NotFoundError)) return errorResult(new NotFoundError('Object', id.id!));
  if (errors.includes(ValidationError)) return errorResult(new ValidationError(nuls.map(({ path }) => ({ path, message: NUL_MESSAGE }))));
  throw new GraphQLError(`${nuls[0]!.path.join('.')} ${NUL_MESSAGE}`, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: false } } });
}

export class TextGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (Object.keys(fieldConfig.args).length === 0) return resolver;
    return (parent, args, context, info) => {
      const nuls = nulsOf(args as Record<string, unknown>, info);
      return nuls.length > 0 ? refusal(nuls, info) : resolver(parent, args, context, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!subscribe || Object.keys(fieldConfig.args).length === 0) return subscribe;
    return (parent, args, context, info) => {
      const nuls = nulsOf(args as Record<string, unknown>, info);
      return nuls.length > 0 ? refusal(nuls, info) : subscribe(parent, args, context, info);
    };
  }
}

const pluginName = 'textGuard';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      textGuard: TextGuardPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, TextGuardPlugin);

export default pluginName;
