// Event types: the built-in catalog for every account, plus each account's own (createEventType,
// updateEventType, archive, unarchive). An account's types are visible to it alone; an archived
// type refuses publishing and new subscriptions, and its history and existing subscriptions stay.
// Compiled validators are kept per (account, name, version), so publishing a custom type compiles
// its schema once, not per event.
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.ts';
import { prismaSql } from '../db/sql.ts';
import { lockEventType } from '../db/sql/event-types.ts';
import type { CustomTypeRow } from '../db/sql/publish.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { EVENT_TYPES, type EventTypeDefinition } from './catalog.ts';
import { compileEventTypeSchema, validateEventTypeName, type CompiledEventTypeSchema } from './custom-event-type.ts';
import { hasNul, NotFoundError, NUL_MESSAGE, ValidationError, type FieldError } from './errors.ts';

/** What the eventTypes query serves: the catalog's types and the account's own. */
export interface EventTypeView extends EventTypeDefinition {
  custom: boolean;
  archived: boolean;
}

export interface EventTypeInput {
  name?: unknown;
  description?: unknown;
  schema?: unknown;
  example?: unknown;
}

const DESCRIPTION_MAX = 500;

type Row = { accountId: string; name: string; description: string; schema: Prisma.JsonValue; example: Prisma.JsonValue; archivedAt: Date | null };

function view(row: Row): EventTypeView {
  return {
    name: row.name,
    description: row.description,
    schema: row.schema as EventTypeView['schema'],
    example: row.example as EventTypeView['example'],
    custom: true,
    archived: row.archivedAt !== null,
  };
}

const BUILT_IN: readonly EventTypeView[] = EVENT_TYPES.map((t) => ({ ...t, custom: false, archived: false }));

export async function listEventTypes(db: Db, accountId: string): Promise<EventTypeView[]> {
  const own = await db.eventType.findMany({ where: { accountId }, orderBy: { name: 'asc' } });
  return [...BUILT_IN, ...own.map(view)];
}

/** The names of the account's types that endpoints may subscribe to (not archived). */
export async function subscribableCustomTypes(db: Pick<Db, 'eventType'>, accountId: string): Promise<string[]> {
  const rows = await db.eventType.findMany({ where: { accountId, archivedAt: null }, select: { name: true } });
  return rows.map((r) => r.name);
}

function checkDescription(value: unknown, errors: FieldError[]): string | undefined {
  const path = ['input', 'description'];
  if (typeof value !== 'string') return void errors.push({ path, message: 'must be a string' });
  const trimmed = value.trim();
  if (trimmed === '') return void errors.push({ path, message: 'must not be empty' });
  if (hasNul(trimmed)) return void errors.push({ path, message: NUL_MESSAGE });
  if ([...trimmed].length > DESCRIPTION_MAX) return void errors.push({ path, message: `must be at most ${DESCRIPTION_MAX} characters long` });
  return trimmed;
}

export async function createEventType(db: Db, accountId: string, input: EventTypeInput): Promise<EventTypeView> {
  const errors: FieldError[] = [...validateEventTypeName(input.name)];
  const description = checkDescription(input.description, errors);
  const compiled = compileEventTypeSchema(input.schema, input.example);
  errors.push(...compiled.errors);
  if (errors.length > 0) throw new ValidationError(errors);
  const name = input.name as string;
  const created = await db.eventType.createMany({
    data: [{ accountId, name, description: description!, schema: compiled.compiled!.schema as Prisma.InputJsonValue, example: input.example as Prisma.InputJsonValue }],
    skipDuplicates: true,
  });
  if (created.count === 0) throw ValidationError.field(['input', 'name'], `${name} exists already; use updateEventType to change it`);
  return view(await db.eventType.findUniqueOrThrow({ where: { accountId_name: { accountId, name } } }));
}

/** Changes description, schema or example; the example (new or current) must validate against the schema (new or current). */
export async function updateEventType(db: Db, accountId: string, name: string, input: EventTypeInput): Promise<EventTypeView> {
  return db.$transaction(async (tx) => {
    const current = await lockEventType(prismaSql(tx), { accountId, name });
    if (!current) throw new NotFoundError('EventType', name);
    const errors: FieldError[] = [];
    const description = input.description === undefined || input.description === null ? undefined : checkDescription(input.description, errors);
    const schema = input.schema === undefined || input.schema === null ? current.schema : input.schema;
    const example = input.example === undefined || input.example === null ? current.example : input.example;
    const compiled = compileEventTypeSchema(schema, example, {
      schema: ['input', 'schema'],
      // An unchanged example that the new schema refuses is named as the example's fault.
      example: ['input', 'example'],
    });
    errors.push(...compiled.errors);
    if (errors.length > 0) throw new ValidationError(errors);
    const row = await tx.eventType.update({
      where: { accountId_name: { accountId, name } },
      data: {
        ...(description !== undefined ? { description } : {}),
        schema: compiled.compiled!.schema as Prisma.InputJsonValue,
        example: example as Prisma.InputJsonValue,
      },
    });
    return view(row);
  });
}

export async function setEventTypeArchived(db: Db, accountId: string, name: string, archived: boolean): Promise<EventTypeView> {
  const { count } = await db.eventType.updateMany({
    where: { accountId, name },
    data: { archivedAt: archived ? new Date() : null },
  });
  if (count === 0) throw new NotFoundError('EventType', name);
  return view(await db.eventType.findUniqueOrThrow({ where: { accountId_name: { accountId, name } } }));
}

// ---------------------------------------------------------------------------------------------
// Publishing a custom type.

const validators = new LRUCache<string, CompiledEventTypeSchema>({ max: 5_000 });

/** The compiled validator of one version of an account's type (compiled once, kept bounded). */
export function customValidator(accountId: string, row: CustomTypeRow): CompiledEventTypeSchema {
  const key = `${accountId}\u0000${row.name}\u0000${row.version}`;
  let compiled = validators.get(key);
  if (!compiled) {
    // Stored schema and example were checked together when saved.
    const result = compileEventTypeSchema(row.schema, row.example, { schema: ['schema'], example: ['example'] });
    if (!result.compiled) throw new Error(`the stored schema of event type ${row.name} no longer compiles: ${result.errors[0]?.message}`);
    compiled = result.compiled;
    validators.set(key, compiled);
  }
  return compiled;
}
