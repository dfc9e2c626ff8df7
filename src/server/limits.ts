// What one GraphQL request may ask for, checked while it is parsed and validated, before any
// resolver or SQL runs: tokens, aliases, directives, depth, breadth and cost (schema/cost.ts),
// mutations per request, and subscriptions only over graphql-ws. Each refusal is a GraphQLError
// with an extensions.code and HTTP 400, cheap to produce whatever the request's size.
//
// Why not graphql-armor: its packages depend on graphql 16 and would bring a second graphql into
// a graphql 17 project (schema objects "from another realm"); the Pothos complexity plugin knows
// the schema's connections and speaks graphql 17, and the few document-shape rules are short.
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  GraphQLError,
  Kind,
  parse,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const REQUEST_LIMITS = Object.freeze({
  /** Lexical tokens of the whole document; the client package's whole operations file is ~1,000. */
  tokens: 3_000,
  aliases: 30,
  directives: 20,
  /** Nested selections, fragments expanded (introspection is bounded by graphql-js's own rule). */
  depth: 12,
  /** Selections in the operation, fragments expanded. */
  breadth: 200,
  /**
   * schema/cost.ts: a page of 100 events with their deliveries and attempts costs about 27,000, a
   * page of 100 deliveries with every attempt's response body about 13,000.
   */
  complexity: 50_000,
  /** Root fields of one mutation operation (aliases count): each may send, enqueue or write. */
  mutations: 5,
  /** Brackets open at once ({ [ ( ): selections (12) and a literal's JSON (32) fit well inside. */
  nesting: 64,
});

/** How a request reached Yoga: graphql-ws marks its own (http.ts), everything else is HTTP. */
export interface TransportContext {
  transport?: 'ws';
  params?: { operationName?: string | null; variables?: Record<string, unknown> | null };
}

/**
 * A refusal is HTTP 400 whatever the Accept header: `spec: false` keeps Yoga from answering 200, as
 * the GraphQL-over-HTTP spec has it for validation errors under application/json, so a client
 * (or a proxy's metrics) that reads only the status still sees the refusal.
 */
function refused(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400, spec: false } } });
}

/** Counts nodes of one kind in the document; reports once when past `max`. */
function countRule(kind: Kind.FIELD | Kind.DIRECTIVE, max: number, test: (node: never) => boolean, error: () => GraphQLError): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let count = 0;
    return {
      [kind]: (node: never) => {
        if (!test(node) || ++count !== max + 1) return;
        context.reportError(error());
      },
    } as ASTVisitor;
  };
}

const aliasesRule = countRule(
  Kind.FIELD,
  REQUEST_LIMITS.aliases,
  (node: { alias?: unknown }) => node.alias !== undefined,
  () => refused('TOO_MANY_ALIASES', `A request may use at most ${REQUEST_LIMITS.aliases} aliases`),
);

const directivesRule = countRule(
  Kind.DIRECTIVE,
  REQUEST_LIMITS.directives,
  () => true,
  () => refused('TOO_MANY_DIRECTIVES', `A request may use at most ${REQUEST_LIMITS.directives} directives`),
);

/** Root fields of a selection set, through fragments and inline fragments; __typename is free. */
function rootFieldCount(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value === '__typename' ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += rootFieldCount(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

function selectedOperations(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode[] {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.filter((o) => o.name?.value === operationName) : operations;
}

function operationRule(context: TransportContext): ValidationRule {
  return (validation: ValidationContext): ASTVisitor => {
    const document = validation.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    for (const operation of selectedOperations(document, context.params?.operationName)) {
      if (operation.operation === 'subscription' && context.transport !== 'ws') {
        validation.reportError(
          refused('SUBSCRIPTION_OVER_HTTP', 'Subscriptions are served over graphql-ws only: open a WebSocket to this same /graphql URL (protocol graphql-transport-ws)'),
        );
      }
      if (operation.operation === 'mutation') {
        const count = rootFieldCount(operation.selectionSet, fragments);
        if (count > REQUEST_LIMITS.mutations) {
          validation.reportError(
            refused('TOO_MANY_MUTATIONS', `A request may run at most ${REQUEST_LIMITS.mutations} mutations (aliases count), got ${count}: send the rest in further requests, or use publishEvents for many events`),
          );
        }
      }
    }
    return {};
  };
}

function costRule(context: TransportContext): ValidationRule {
  const rule = createComplexityRule({
    variableValues: context.params?.variables ?? {},
    operationName: context.params?.operationName ?? undefined,
    context,
    validate: ({ complexity, depth, breadth }, report) => {
      if (depth > REQUEST_LIMITS.depth) {
        report(refused('QUERY_TOO_DEEP', `The query nests ${depth} levels deep, at most ${REQUEST_LIMITS.depth}: ask for nested objects in a second query by id`));
      } else if (breadth > REQUEST_LIMITS.breadth) {
        report(refused('QUERY_TOO_BROAD', `The query selects ${breadth} fields, at most ${REQUEST_LIMITS.breadth}`));
      } else if (complexity > REQUEST_LIMITS.complexity) {
        report(
          refused('QUERY_TOO_COMPLEX', `The query would cost ${complexity}, at most ${REQUEST_LIMITS.complexity}: ask for smaller pages (first), fewer nested lists, or split it`),
        );
      }
    },
  });
  // The rule coerces the variables to price pages; variables that do not coerce are execution's
  // to report, as BAD_USER_INPUT (withCode), and nothing runs with them.
  return (validation) =>
    rule(
      new Proxy(validation, {
        get(target, property) {
          if (property === 'reportError') {
            return (error: GraphQLError) => {
              if (!/^Variable "\$/.test(error.message)) target.reportError(error);
            };
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    );
}

/** The validation rules of one request (exported so tests can size the limits on real documents). */
export function requestRules(context: TransportContext): ValidationRule[] {
  return [aliasesRule, directivesRule, operationRule(context), costRule(context)];
}

/**
 * The deepest bracket nesting of a GraphQL source, strings and comments skipped, in one pass and
 * without recursion. graphql-js parses recursively: a literal nested a few thousand deep overflows
 * its stack before the token limit is reached, so depth is checked before parsing.
 */
export function nestingDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        i = end < 0 ? source.length : end + 2;
      } else {
        for (i++; i < source.length && source[i] !== '"' && source[i] !== '\n'; i++) if (source[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return deepest;
}

export function parseWithinLimits(source: string): DocumentNode {
  if (nestingDepth(source) > REQUEST_LIMITS.nesting) {
    throw refused('QUERY_TOO_DEEP', `A request may nest brackets at most ${REQUEST_LIMITS.nesting} deep: pass deep values as variables (JSON at most 32 deep)`);
  }
  try {
    return parse(source, { maxTokens: REQUEST_LIMITS.tokens });
  } catch (error) {
    // graphql-js says "Syntax Error: Document contains more than 3000 tokens. Parsing aborted."
    if (error instanceof GraphQLError && /more than \d+ tokens/.test(error.message)) {
      throw refused('QUERY_TOO_LARGE', `A request may hold at most ${REQUEST_LIMITS.tokens} tokens: pass large values as variables`);
    }
    throw error;
  }
}

export function useRequestLimits(): Plugin<TransportContext> {
  return {
    onParse({ setParseFn }) {
      setParseFn((source) => parseWithinLimits(typeof source === 'string' ? source : source.body));
    },
    onValidate({ addValidationRule, context }) {
      for (const rule of requestRules(context)) addValidationRule(rule);
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.some((error) => error.extensions?.code === undefined)) return;
          setResult({ ...result, errors: result.errors.map(withCode) });
        },
      };
    },
  };
}

/**
 * graphql-js's own request errors (a variable of the wrong type: "Variable "$input" got invalid
 * value …") carry no code; they are the client's mistake: BAD_USER_INPUT, HTTP 400. An error at a
 * path (a resolver's) is left as it is.
 */
function withCode(error: GraphQLError): GraphQLError {
  if (error.extensions?.code !== undefined || error.path !== undefined) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}
