// prisma/schema.prisma and prisma/migrations/ must describe the same database: the client is
// generated from the one, the database is built from the other, and nothing else compares them
// here (Prisma's `migrate diff` needs a native engine). This reads the schema through Prisma's own
// parser (test/support/prisma-dmmf.ts), reads a freshly migrated clone's catalog, and lists every
// difference: tables, columns (type, NOT NULL, default), enums, primary keys, indexes, foreign keys,
// and the reverse — whatever the public schema holds that schema.prisma does not declare.
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { getDatamodel, SCHEMA_PATH, type DmmfDatamodel, type DmmfField, type DmmfModel } from './support/prisma-dmmf.ts';

/** Tables of the public schema that schema.prisma does not declare, by design. */
const IGNORED_TABLES = new Set(['_prisma_migrations']);

/** Postgres's NAMEDATALEN - 1: Prisma truncates its default constraint names to fit. */
const MAX_IDENTIFIER_LENGTH = 63;

// ---------------------------------------------------------------------------------------------
// The database as its catalog describes it (public schema only).

interface DbColumn {
  name: string;
  /** format_type(): 'text', 'timestamp(3) with time zone', 'text[]', … */
  type: string;
  /** The enum's name when the column (or its array's element) is an enum of the public schema. */
  enumName: string | null;
  isArray: boolean;
  notNull: boolean;
  /** pg_get_expr() of the default, e.g. CURRENT_TIMESTAMP, 5000, 'ACTIVE'::endpoint_status */
  default: string | null;
}

interface DbIndex {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  method: string;
  /** Key columns in order, "(expression)" for an expression, " DESC" appended when descending. */
  columns: string[];
  predicate: string | null;
}

interface DbForeignKey {
  table: string;
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

interface Catalog {
  tables: Map<string, Map<string, DbColumn>>;
  enums: Map<string, string[]>;
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}

/** pg_constraint.confdeltype / confupdtype → Prisma's referential action. */
const PG_ACTIONS: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

async function readCatalog(client: pg.Client): Promise<Catalog> {
  const columns = await client.query<{
    table: string;
    column: string | null;
    type: string | null;
    enum_name: string | null;
    is_array: boolean | null;
    not_null: boolean | null;
    default: string | null;
  }>(`
    SELECT c.relname::text AS table, a.attname::text AS column,
           format_type(a.atttypid, a.atttypmod) AS type,
           CASE WHEN et.typtype = 'e' AND etn.nspname = 'public' THEN et.typname::text END AS enum_name,
           t.typcategory = 'A' AS is_array,
           a.attnotnull AS not_null,
           pg_get_expr(d.adbin, d.adrelid) AS default
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
      LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     ORDER BY c.relname, a.attnum`);
  const tables = new Map<string, Map<string, DbColumn>>();
  for (const row of columns.rows) {
    if (!tables.has(row.table)) tables.set(row.table, new Map());
    if (row.column === null) continue; // a table without columns
    tables.get(row.table)!.set(row.column, {
      name: row.column,
      type: row.type!,
      enumName: row.enum_name,
      isArray: row.is_array!,
      notNull: row.not_null!,
      default: row.default,
    });
  }

  const enumRows = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
      FROM pg_type t
      JOIN pg_namespace n ON n.oid = t.typnamespace
      JOIN pg_enum e ON e.enumtypid = t.oid
     WHERE n.nspname = 'public'
     GROUP BY t.typname`);
  const enums = new Map(enumRows.rows.map((row) => [row.name, row.labels]));

  const indexRows = await client.query<DbIndex>(`
    SELECT t.relname::text AS table, i.relname::text AS name, x.indisunique AS unique, x.indisprimary AS primary,
           am.amname::text AS method, pg_get_expr(x.indpred, x.indrelid) AS predicate,
           ARRAY(
             SELECT COALESCE(a.attname::text, '(expression)')
                    || CASE WHEN (x.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END
               FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
              WHERE k.ord <= x.indnkeyatts
              ORDER BY k.ord
           ) AS columns
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_am am ON am.oid = i.relam
     WHERE n.nspname = 'public'
     ORDER BY t.relname, i.relname`);

  const foreignKeyRows = await client.query<DbForeignKey>(`
    SELECT t.relname::text AS table, c.conname::text AS name,
           rn.nspname::text AS "refSchema", rt.relname::text AS "refTable",
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "refColumns",
           c.confdeltype::text AS "onDelete", c.confupdtype::text AS "onUpdate"
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_class rt ON rt.oid = c.confrelid
      JOIN pg_namespace rn ON rn.oid = rt.relnamespace
     WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conparentid = 0 -- not a partitioned table's clones per partition
     ORDER BY t.relname, c.conname`);
  const foreignKeys = foreignKeyRows.rows.map((fk) => ({
    ...fk,
    onDelete: PG_ACTIONS[fk.onDelete] ?? fk.onDelete,
    onUpdate: PG_ACTIONS[fk.onUpdate] ?? fk.onUpdate,
  }));

  return { tables, enums, indexes: indexRows.rows, foreignKeys };
}

// ---------------------------------------------------------------------------------------------
// What schema.prisma says the database holds, by Prisma's rules for PostgreSQL.

/** Column types of Prisma's scalars without @db.*, as format_type() prints them. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** @db.* native types → format_type() spelling; args fill in as "(3)", "(10,2)". */
const NATIVE_TYPES: Record<string, (args: string) => string> = {
  Text: () => 'text',
  VarChar: (a) => `character varying${a}`,
  Char: (a) => `character${a}`,
  Uuid: () => 'uuid',
  Citext: () => 'citext',
  Xml: () => 'xml',
  Inet: () => 'inet',
  Bit: (a) => `bit${a}`,
  VarBit: (a) => `bit varying${a}`,
  SmallInt: () => 'smallint',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  Oid: () => 'oid',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  Decimal: (a) => `numeric${a}`,
  Money: () => 'money',
  Boolean: () => 'boolean',
  Date: () => 'date',
  Time: (a) => `time${a} without time zone`,
  Timetz: (a) => `time${a} with time zone`,
  Timestamp: (a) => `timestamp${a} without time zone`,
  Timestamptz: (a) => `timestamp${a} with time zone`,
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
};

/** Prisma Client fills these in itself: the database has no default for them. */
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

function tableOf(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function columnOf(field: DmmfField): string {
  return field.dbName ?? field.name;
}

/** Prisma's default names (psl's ConstraintNames): <table>_<columns>_<suffix>, cut to fit 63. */
function defaultConstraintName(table: string, columns: string[], suffix: '_pkey' | '_key' | '_idx' | '_fkey'): string {
  const base = suffix === '_pkey' ? table : `${table}_${columns.join('_')}`;
  return base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length) + suffix;
}

type ExpectedDefault =
  | { kind: 'none' }
  | { kind: 'any'; describe: string }
  | { kind: 'pattern'; pattern: RegExp; describe: string }
  | { kind: 'value'; value: unknown; describe: string };

// ---------------------------------------------------------------------------------------------
// The comparison.

/** Every difference between the datamodel and the database, one readable line each; [] when they agree. */
async function findDifferences(datamodel: DmmfDatamodel, client: pg.Client): Promise<string[]> {
  const catalog = await readCatalog(client);
  const differences: string[] = [];
  const report = (line: string) => differences.push(line);

  const modelsByName = new Map(datamodel.models.map((model) => [model.name, model]));
  const enumsByName = new Map(datamodel.enums.map((e) => [e.name, e]));
  const enumDbName = (name: string) => enumsByName.get(name)?.dbName ?? name;
  const fieldColumn = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field ? columnOf(field) : `<unknown field ${fieldName}>`;
  };

  // Enums: each with its values, in order.
  const declaredEnums = new Set<string>();
  for (const e of datamodel.enums) {
    const name = enumDbName(e.name);
    declaredEnums.add(name);
    const expected = e.values.map((v) => v.dbName ?? v.name);
    const actual = catalog.enums.get(name);
    if (!actual) report(`enum ${name} (enum ${e.name}) is missing from the database`);
    else if (!isDeepStrictEqual(actual, expected)) {
      report(`enum ${name} (enum ${e.name}): values are [${expected.join(', ')}] in schema.prisma, [${actual.join(', ')}] in the database`);
    }
  }
  for (const name of [...catalog.enums.keys()].sort()) {
    if (!declaredEnums.has(name)) report(`enum ${name} is in the database but not in schema.prisma`);
  }

  // Tables and their columns.
  const declaredTables = new Set<string>();
  const defaultChecks: { where: string; column: string; table: string; field: DmmfField; expected: ExpectedDefault & { kind: 'value' } }[] = [];
  for (const model of datamodel.models) {
    const table = tableOf(model);
    declaredTables.add(table);
    const columns = catalog.tables.get(table);
    if (!columns) {
      report(`table ${table} (model ${model.name}) is missing from the database`);
      continue;
    }
    const declaredColumns = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const column = columnOf(field);
      declaredColumns.add(column);
      const where = `${table}.${column} (${model.name}.${field.name})`;
      const actual = columns.get(column);
      if (!actual) {
        report(`${where}: column is missing from the database`);
        continue;
      }

      // Type.
      const expectedType = expectedColumnType(field, enumDbName);
      const actualType = actual.enumName !== null ? `enum ${actual.enumName}${actual.isArray ? '[]' : ''}` : actual.type;
      if (expectedType !== null && expectedType !== actualType) {
        report(`${where}: type is ${expectedType} in schema.prisma, ${actualType} in the database`);
      } else if (expectedType === null && field.kind !== 'unsupported') {
        report(`${where}: this test does not know the Postgres type of @db.${field.nativeType?.[0]}; add it to NATIVE_TYPES`);
      }

      // NOT NULL: Prisma creates scalar lists without it, required or not.
      const expectedNotNull = field.isList ? false : field.isRequired;
      if (expectedNotNull !== actual.notNull) {
        report(
          `${where}: ${expectedNotNull ? 'NOT NULL' : 'nullable'} in schema.prisma, ${actual.notNull ? 'NOT NULL' : 'nullable'} in the database`,
        );
      }

      // Default.
      const expected = expectedDefault(field, enumsByName);
      if (expected.kind === 'none') {
        if (actual.default !== null) report(`${where}: no database default in schema.prisma, DEFAULT ${actual.default} in the database`);
      } else if (actual.default === null) {
        report(`${where}: ${expected.describe} in schema.prisma, no default in the database`);
      } else if (expected.kind === 'pattern' && !expected.pattern.test(actual.default)) {
        report(`${where}: ${expected.describe} in schema.prisma, DEFAULT ${actual.default} in the database`);
      } else if (expected.kind === 'value') {
        defaultChecks.push({ where, table, column, field, expected });
      }
    }
    for (const column of columns.keys()) {
      if (!declaredColumns.has(column)) report(`${table}.${column}: column is in the database but not in model ${model.name}`);
    }
  }
  for (const table of [...catalog.tables.keys()].sort()) {
    if (!declaredTables.has(table) && !IGNORED_TABLES.has(table)) report(`table ${table} is in the database but not in schema.prisma`);
  }

  // Literal defaults: the database evaluates its own default expression, and the values are compared.
  for (const { where, table, column, field, expected } of defaultChecks) {
    const expression = catalog.tables.get(table)!.get(column)!.default!;
    let actual: unknown;
    try {
      const { rows } = await client.query<{ value: unknown }>(`SELECT to_jsonb(${expression}) AS value`);
      actual = normaliseDefault(field, rows[0].value, 'database');
    } catch (error) {
      report(`${where}: ${expected.describe} in schema.prisma; the database's DEFAULT ${expression} could not be evaluated (${(error as Error).message})`);
      continue;
    }
    if (!isDeepStrictEqual(actual, expected.value)) {
      report(`${where}: ${expected.describe} in schema.prisma, DEFAULT ${expression} in the database`);
    }
  }

  // Primary keys and indexes (the @id, @@id, @unique, @@unique and @@index of each model).
  const indexesOfDeclaredTables = catalog.indexes.filter((index) => declaredTables.has(index.table));
  const unmatched = new Set(indexesOfDeclaredTables);
  for (const index of datamodel.indexes) {
    if (index.type === 'fulltext') continue; // MySQL only
    const model = modelsByName.get(index.model)!;
    const table = tableOf(model);
    if (!catalog.tables.has(table)) continue; // reported above
    const columns = index.fields.map((f) => fieldColumn(model, f.name) + (f.sortOrder === 'desc' ? ' DESC' : ''));
    const bareColumns = index.fields.map((f) => fieldColumn(model, f.name));
    const primary = index.type === 'id';
    const unique = index.type !== 'normal';
    const suffix = primary ? '_pkey' : unique ? '_key' : '_idx';
    const name = index.dbName ?? defaultConstraintName(table, bareColumns, suffix);
    const method = (index.algorithm ?? 'BTree').toLowerCase();
    const kind = primary ? 'primary key' : unique ? 'unique index' : 'index';
    const attribute = primary ? (index.isDefinedOnField ? '@id' : '@@id') : unique ? (index.isDefinedOnField ? '@unique' : '@@unique') : '@@index';
    const what = `${kind} on ${table} (${columns.join(', ')}) [${model.name} ${attribute}]`;

    const candidates = [...unmatched].filter((i) => i.table === table && isDeepStrictEqual(i.columns, columns));
    // Several indexes on the same columns (partial ones of different statuses): the one of its name first.
    const actual =
      candidates.find((i) => i.name === name) ??
      candidates.find((i) => i.primary === primary && i.unique === unique) ??
      candidates.find((i) => i.unique === unique) ??
      candidates[0];
    if (!actual) {
      report(`${what} is missing from the database`);
      continue;
    }
    unmatched.delete(actual);
    if (actual.primary !== primary || actual.unique !== unique) {
      const actualKind = actual.primary ? 'a primary key' : actual.unique ? 'a unique index' : 'a non-unique index';
      report(`${what}: the database has ${actualKind} (${actual.name}) there instead`);
    }
    if (actual.name !== name) {
      report(`${what}: named ${name} by schema.prisma${index.dbName ? ' (map:)' : " (Prisma's default name)"}, ${actual.name} in the database`);
    }
    if (actual.method !== method) report(`${what}: type ${method} in schema.prisma, ${actual.method} in the database (${actual.name})`);
    const where = index.where ?? null;
    if (actual.predicate !== where) {
      const declared = where === null ? 'not partial in schema.prisma' : `WHERE ${where} in schema.prisma`;
      report(`${what}: ${declared}, ${actual.predicate === null ? 'not partial' : `WHERE ${actual.predicate}`} in the database (${actual.name})`);
    }
  }
  for (const index of unmatched) {
    const kind = index.primary ? 'primary key' : index.unique ? 'unique index' : 'index';
    const partial = index.predicate === null ? '' : ` WHERE ${index.predicate}`;
    report(`${kind} ${index.name} on ${index.table} (${index.columns.join(', ')})${partial} is in the database but not in schema.prisma`);
  }

  // Foreign keys: one per relation field that holds fields: [...] references: [...].
  const foreignKeysOfDeclaredTables = catalog.foreignKeys.filter((fk) => declaredTables.has(fk.table));
  const unmatchedForeignKeys = new Set(foreignKeysOfDeclaredTables);
  for (const model of datamodel.models) {
    const table = tableOf(model);
    if (!catalog.tables.has(table)) continue;
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = modelsByName.get(field.type)!;
      const columns = field.relationFromFields.map((name) => fieldColumn(model, name));
      const refTable = tableOf(target);
      const refColumns = (field.relationToFields ?? []).map((name) => fieldColumn(target, name));
      // Prisma's defaults: Restrict for a required relation, SetNull for an optional one; Cascade on update.
      const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
      const onUpdate = field.relationOnUpdate ?? 'Cascade';
      const what = `foreign key ${table} (${columns.join(', ')}) → ${refTable} (${refColumns.join(', ')}) [${model.name}.${field.name}]`;
      const candidates = [...unmatchedForeignKeys].filter((fk) => fk.table === table && isDeepStrictEqual(fk.columns, columns));
      const actual =
        candidates.find((fk) => fk.refSchema === 'public' && fk.refTable === refTable && isDeepStrictEqual(fk.refColumns, refColumns)) ??
        candidates[0];
      if (!actual) {
        report(`${what} is missing from the database`);
        continue;
      }
      unmatchedForeignKeys.delete(actual);
      const actualRef = `${actual.refSchema === 'public' ? '' : `${actual.refSchema}.`}${actual.refTable} (${actual.refColumns.join(', ')})`;
      if (actualRef !== `${refTable} (${refColumns.join(', ')})`) report(`${what}: references ${actualRef} in the database (${actual.name})`);
      if (actual.onDelete !== onDelete) report(`${what}: ON DELETE ${onDelete} in schema.prisma, ${actual.onDelete} in the database (${actual.name})`);
      if (actual.onUpdate !== onUpdate) report(`${what}: ON UPDATE ${onUpdate} in schema.prisma, ${actual.onUpdate} in the database (${actual.name})`);
    }
  }
  for (const fk of unmatchedForeignKeys) {
    report(
      `foreign key ${fk.name} ${fk.table} (${fk.columns.join(', ')}) → ${fk.refTable} (${fk.refColumns.join(', ')}) is in the database but not in schema.prisma`,
    );
  }

  return differences;
}

/** 'text', 'timestamp(3) with time zone', 'enum endpoint_status', 'text[]' …; null: unknown @db type. */
function expectedColumnType(field: DmmfField, enumDbName: (name: string) => string): string | null {
  const list = field.isList ? '[]' : '';
  if (field.kind === 'enum') return `enum ${enumDbName(field.type)}${list}`;
  if (field.kind === 'unsupported') return null;
  let base: string | undefined;
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    base = NATIVE_TYPES[name]?.(args.length ? `(${args.join(',')})` : '');
  } else {
    base = DEFAULT_TYPES[field.type];
  }
  return base === undefined ? null : base + list;
}

function expectedDefault(field: DmmfField, enums: Map<string, DmmfDatamodel['enums'][number]>): ExpectedDefault {
  if (!field.hasDefaultValue || field.default === undefined) return { kind: 'none' };
  const value = field.default;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fn = value as { name: string; args: unknown[] };
    const describe = `@default(${fn.name}(${fn.args.map((a) => JSON.stringify(a)).join(', ')}))`;
    if (CLIENT_SIDE_DEFAULTS.has(fn.name)) return { kind: 'none' };
    if (fn.name === 'now') return { kind: 'pattern', pattern: /^(CURRENT_TIMESTAMP|now\(\))$/i, describe };
    if (fn.name === 'autoincrement') return { kind: 'pattern', pattern: /^nextval\(/, describe };
    return { kind: 'any', describe }; // dbgenerated(…) and the like: Postgres rewrites the text; only its presence is checked
  }
  const enumDef = field.kind === 'enum' ? enums.get(field.type) : undefined;
  const toDb = (v: unknown) => (enumDef ? (enumDef.values.find((e) => e.name === v)?.dbName ?? v) : v);
  return {
    kind: 'value',
    value: normaliseDefault(field, Array.isArray(value) ? value.map(toDb) : toDb(value), 'schema'),
    describe: `@default(${JSON.stringify(value)})`,
  };
}

/** One comparable form for a default as DMMF gives it and as to_jsonb() of the database's returns it. */
function normaliseDefault(field: DmmfField, value: unknown, from: 'schema' | 'database'): unknown {
  const one = (v: unknown): unknown => {
    if (v === null) return null;
    switch (field.type) {
      case 'Int':
      case 'BigInt':
      case 'Float':
      case 'Decimal':
        return Number(v);
      case 'DateTime': {
        const text = String(v);
        return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`).toISOString();
      }
      case 'Bytes':
        return from === 'schema' ? Buffer.from(String(v), 'base64').toString('hex') : String(v).replace(/^\\x/, '');
      case 'Json':
        return from === 'schema' && typeof v === 'string' ? JSON.parse(v) : v;
      default:
        return v;
    }
  };
  return field.isList && Array.isArray(value) ? value.map(one) : one(value);
}

// ---------------------------------------------------------------------------------------------

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

let db: TestDatabase;
let datamodel: DmmfDatamodel;

beforeAll(async () => {
  datamodel = getDatamodel();
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

describe('schema.prisma and the migrations', () => {
  it('read a datamodel with models, enums and indexes', () => {
    expect(datamodel.models.length).toBeGreaterThan(0);
    expect(datamodel.models.map((m) => m.name)).toContain('Endpoint');
    expect(datamodel.indexes.length).toBeGreaterThan(datamodel.models.length);
  });

  it('describe the same database', async () => {
    const differences = await withClient(db.url, (client) => findDifferences(datamodel, client));
    expect(differences, 'prisma/schema.prisma and prisma/migrations/*/migration.sql disagree').toEqual([]);
  });
});

describe('the comparison', () => {
  let mutated: TestDatabase;
  beforeAll(async () => {
    mutated = await createTestDatabase();
  });
  afterAll(async () => mutated?.drop());

  it('reports a column and an index changed in the database only', async () => {
    await withClient(mutated.url, async (client) => {
      const before = await findDifferences(datamodel, client);
      await client.query('ALTER TABLE endpoint ADD COLUMN surprise int');
      await client.query('DROP INDEX event_account_id_type_id_idx');
      await client.query('ALTER TABLE endpoint ALTER COLUMN timeout_ms SET DEFAULT 10000');
      await client.query('ALTER TABLE api_key ALTER COLUMN name SET NOT NULL');
      const after = await findDifferences(datamodel, client);
      expect(after.filter((line) => !before.includes(line))).toEqual([
        'api_key.name (ApiKey.name): nullable in schema.prisma, NOT NULL in the database',
        'endpoint.surprise: column is in the database but not in model Endpoint',
        'endpoint.timeout_ms (Endpoint.timeoutMs): @default(5000) in schema.prisma, DEFAULT 10000 in the database',
        'index on event (account_id, type, id) [Event @@index] is missing from the database',
      ]);
    });
  });

  it('reports what schema.prisma gains without a migration', async () => {
    const schema = readFileSync(SCHEMA_PATH, 'utf8').replace(
      /^(model Account \{\n)/m,
      '$1  nickname String? @map("nick_name")\n  @@index([name(sort: Desc)])\n',
    ) + '\nmodel Widget {\n  id Int @id @default(autoincrement())\n\n  @@map("widget")\n}\n';
    const edited = getDatamodel(schema);
    const [before, after] = await withClient(db.url, async (client) => [
      await findDifferences(datamodel, client),
      await findDifferences(edited, client),
    ]);
    expect(after.filter((line) => !before.includes(line))).toEqual([
      'account.nick_name (Account.nickname): column is missing from the database',
      'table widget (model Widget) is missing from the database',
      'index on account (name DESC) [Account @@index] is missing from the database',
    ]);
  });
});
