// Prisma's DMMF (its parsed data model) of prisma/schema.prisma, read at test time by the very
// schema parser the installed Prisma CLI uses: the WebAssembly build of prisma-schema that ships
// as node_modules/prisma/build/prisma_schema_build_bg.wasm. The CLI bundles that module's
// JavaScript glue into its cli.js, where it cannot be imported, so the few lines of wasm-bindgen
// glue that the one call used here (get_datamodel) needs are below. (The npm package @prisma/prisma-schema-wasm
// would carry the glue, but the version the CLI bundles is not published there, and another
// version could parse the schema differently from the Prisma that generates the client.)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_PATH = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));

/** The part of Prisma's DMMF datamodel that test/schema-drift.test.ts reads. */
export interface DmmfDatamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

export interface DmmfModel {
  name: string;
  /** The @@map name; null when the table is named as the model. */
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DmmfField {
  name: string;
  /** The @map name; null when the column is named as the field. */
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  /** A literal (5000, 'ACTIVE', '[]', [] …) or a function: { name: 'now' | 'autoincrement' | 'uuid' | 'dbgenerated' …, args }. */
  default?: unknown;
  /** String, Int, DateTime, …; the enum's name for kind 'enum'; the related model's for 'object'. */
  type: string;
  /** [type, args], e.g. ['Timestamptz', ['3']] for @db.Timestamptz(3). */
  nativeType?: [string, string[]] | null;
  relationName?: string | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  /** Set only when the schema names one: Cascade, Restrict, NoAction, SetNull, SetDefault. */
  relationOnDelete?: string | null;
  relationOnUpdate?: string | null;
}

export interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'normal' | 'unique' | 'fulltext';
  isDefinedOnField: boolean;
  /** The Prisma-level name (@@unique(name: …)); not the database's. */
  name?: string | null;
  /** The map: name; absent when Prisma's default name applies. */
  dbName?: string | null;
  /** type: of an @@index (BTree, Hash, Gin, Gist, SpGist, Brin); absent: BTree. */
  algorithm?: string | null;
  fields: { name: string; sortOrder?: 'asc' | 'desc' | null }[];
  /**
   * The predicate of a partial index (`where: raw("…")`, preview feature partialIndexes). Prisma's
   * DMMF leaves it out, so it is read from the schema text (see withPartialIndexPredicates).
   */
  where?: string | null;
}

interface SchemaWasm {
  get_datamodel(params: string): string;
}

let loaded: SchemaWasm | null = null;

/** Where the installed Prisma CLI keeps its schema parser. */
function wasmPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('prisma/package.json')), 'build', 'prisma_schema_build_bg.wasm');
}

function loadSchemaWasm(): SchemaWasm {
  if (loaded) return loaded;
  const module = new WebAssembly.Module(readFileSync(wasmPath()));
  let exports: Record<string, any> = {};
  let memoryBytes = new Uint8Array(0);
  const bytes = () => {
    if (memoryBytes.byteLength === 0 || memoryBytes.buffer !== exports.memory.buffer) {
      memoryBytes = new Uint8Array(exports.memory.buffer);
    }
    return memoryBytes;
  };
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
  const readString = (ptr: number, len: number) => decoder.decode(bytes().subarray(ptr >>> 0, (ptr >>> 0) + len));
  let panicMessage: string | null = null;

  // wasm-bindgen names its imports <purpose>_<hash>; the hash changes with every build, the purpose does not.
  const byPurpose: [RegExp, (...args: any[]) => unknown][] = [
    [/^__wbg_Error_/, (ptr: number, len: number) => new Error(readString(ptr, len))],
    [/^__wbg___wbindgen_throw_/, (ptr: number, len: number) => {
      throw new Error(readString(ptr, len));
    }],
    [/^__wbg_set_message_/, (ptr: number, len: number) => {
      panicMessage = readString(ptr, len);
    }],
    [/^__wbindgen_init_externref_table$/, () => {
      const table: WebAssembly.Table = exports.__wbindgen_externrefs;
      const offset = table.grow(4);
      table.set(0, undefined);
      table.set(offset + 0, undefined);
      table.set(offset + 1, null);
      table.set(offset + 2, true);
      table.set(offset + 3, false);
    }],
  ];
  const imports: Record<string, Record<string, (...args: any[]) => unknown>> = {};
  const unknown: string[] = [];
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    const implementation = byPurpose.find(([pattern]) => pattern.test(name))?.[1];
    if (!implementation) unknown.push(`${from}.${name}`);
    else (imports[from] ??= {})[name] = implementation;
  }
  if (unknown.length > 0) {
    throw new Error(
      `${wasmPath()} (from the installed prisma package) needs imports that test/support/prisma-dmmf.ts does not provide: ${unknown.join(', ')}. ` +
        'Prisma changed its schema-wasm glue; update the glue in test/support/prisma-dmmf.ts to match the wasm-bindgen glue bundled in node_modules/prisma/build/cli.js.',
    );
  }
  exports = new WebAssembly.Instance(module, imports).exports as Record<string, any>;
  exports.__wbindgen_start();

  const encoder = new TextEncoder();
  const passString = (value: string): [number, number] => {
    const encoded = encoder.encode(value);
    const ptr = exports.__wbindgen_malloc(encoded.length, 1) >>> 0;
    bytes().set(encoded, ptr);
    return [ptr, encoded.length];
  };
  const takeExternref = (index: number): unknown => {
    const value = (exports.__wbindgen_externrefs as WebAssembly.Table).get(index);
    exports.__externref_table_dealloc(index);
    return value;
  };

  loaded = {
    // The glue of a Rust fn(String) -> Result<String, JsError>: returns [ptr, len, error, isError].
    get_datamodel(params) {
      let result: [number, number, number, number];
      try {
        result = exports.get_datamodel(...passString(params));
      } catch (error) {
        throw new Error(`prisma-schema wasm panicked: ${panicMessage ?? (error as Error).message}`);
      }
      const [ptr, len, error, isError] = result;
      if (isError) throw takeExternref(error);
      try {
        return readString(ptr, len);
      } finally {
        exports.__wbindgen_free(ptr, len, 1);
      }
    },
  };
  return loaded;
}

/** The DMMF datamodel of a schema, as the installed Prisma parses it; throws on an invalid schema. */
export function getDatamodel(schema: string = readFileSync(SCHEMA_PATH, 'utf8'), path = SCHEMA_PATH): DmmfDatamodel {
  const params = JSON.stringify({ prismaSchema: [[path, schema]], noColor: true });
  let json: string;
  try {
    json = loadSchemaWasm().get_datamodel(params);
  } catch (error) {
    // Schema errors come back as JSON: {"error_code":"P1012","message":"error: …"}.
    let message = (error as Error).message;
    try {
      message = (JSON.parse(message) as { message: string }).message;
    } catch {
      // not JSON: keep it as it is
    }
    throw new Error(`Prisma could not read ${path}:\n${message}`);
  }
  return withPartialIndexPredicates(JSON.parse(json) as DmmfDatamodel, schema);
}

/**
 * Adds `where` to the indexes declared `@@index([…], map: "name", where: raw("predicate"))`. A
 * partial index must be named (map:) so that its predicate can be found again here.
 */
function withPartialIndexPredicates(datamodel: DmmfDatamodel, text: string): DmmfDatamodel {
  const schema = text.replace(/^\s*\/\/.*$/gm, '');
  const predicates = new Map<string, string>();
  for (const match of schema.matchAll(/@@(?:index|unique)\(\[[^\]]*\],\s*map:\s*"([^"]+)",\s*where:\s*raw\("((?:[^"\\]|\\.)*)"\)\)/g)) {
    predicates.set(match[1]!, JSON.parse(`"${match[2]!}"`) as string);
  }
  const unnamed = /where:\s*raw\(/g;
  const declared = [...schema.matchAll(unnamed)].length;
  if (declared !== predicates.size) {
    throw new Error(`schema.prisma has ${declared} partial index(es) but only ${predicates.size} in the form @@index([…], map: "name", where: raw("…"))`);
  }
  for (const index of datamodel.indexes) {
    if (index.dbName && predicates.has(index.dbName)) index.where = predicates.get(index.dbName);
  }
  return datamodel;
}
