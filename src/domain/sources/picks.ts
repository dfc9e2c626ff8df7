// The small language the WhatsApp mapping files (./whatsapp/*.json) are written in: a JSON value
// that says how an event's data is built from Meta's payload. Compiled once, when the files load,
// into plain functions: a malformed file fails the start, and a webhook runs no parser.
//
//   "$item.text.body"              a path into a scope (entry, change, value, item, contact, it,
//                                  problem); "[item.type]" is a key named by another path; reading
//                                  anything absent gives absent
//   "$item.timestamp | isoTime"    a path through conversions (CONVERSIONS below)
//   "text", 3, true, null          a literal; { "$literal": "$not a path" } for a string with a $
//   { "a": pick, … }               an object of the fields that are present; absent when none is
//   { "$value": pick, "default": x }            x when pick is absent
//   { "$switch": pick, "cases": [{ "in": [...], "then": pick }], "default": pick }
//   { "$each": pick, "map": pick }              a list mapped element by element (scope `it`)
//   { "$first": pick, "map": pick }             its first element, mapped
//   { "$join": [pick, …] }                      strings and numbers joined; absent if one is absent
//   { "$hash": [pick, …] }                      SHA-256 (hex) of the values as canonical JSON

import { createHash } from 'node:crypto';

/** The values a pick reads, by scope name. */
export type Scope = Readonly<Record<string, unknown>>;
/** A compiled pick: `undefined` is "absent" (the field is left out), `null` is a value. */
export type Pick = (scope: Scope) => unknown;

const CONVERSIONS: Readonly<Record<string, (value: unknown) => unknown>> = {
  /** Meta's unix seconds ("1697043223" or 1697043223) as an ISO 8601 date-time. */
  isoTime: (v) => {
    const seconds = typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : v;
    return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds >= 0 ? new Date(seconds * 1000).toISOString() : undefined;
  },
  /** Ids Meta writes as numbers (message_template_id) as the strings the catalog's ids are. */
  string: (v) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined),
  lowercase: (v) => (typeof v === 'string' ? v.toLowerCase() : undefined),
  /** A display phone number ("+1 555-555-5555") as the catalog's digits ("+15555555555"). */
  phone: (v) => (typeof v === 'string' ? v.replace(/[\s\-().]/g, '') : undefined),
  /** Meta writes template languages both en_US and en-US; the catalog's language codes are en_US. */
  languageCode: (v) => (typeof v === 'string' ? v.replace('-', '_') : undefined),
  /** Meta's "NONE" where there is no reason. */
  noneAsNull: (v) => (v === 'NONE' ? null : v),
};

export const CONVERSION_NAMES: readonly string[] = Object.keys(CONVERSIONS);

/** Where the compiler is in a file, and what it may read there. */
export interface PickContext {
  /** e.g. "data.content": where a problem is reported. */
  where: string;
  /** Scope names a path may start with here. */
  scopes: ReadonlySet<string>;
  problems: string[];
}

const absent: Pick = () => undefined;

/** Compiles one node; every problem is pushed to `context.problems` with where it is. */
export function compilePick(node: unknown, context: PickContext): Pick {
  const fail = (message: string): Pick => {
    context.problems.push(`${context.where}: ${message}`);
    return absent;
  };
  if (typeof node === 'string') return node.startsWith('$') ? compilePipeline(node.slice(1), context) : () => node;
  if (node === null || typeof node === 'number' || typeof node === 'boolean') return () => node;
  if (Array.isArray(node)) return fail('a list is not a pick (an object of picks, or $join / $hash, take lists of them)');
  if (typeof node !== 'object') return fail(`${JSON.stringify(node)} is not a pick`);

  const record = node as Record<string, unknown>;
  const operator = Object.keys(record).find((key) => key.startsWith('$'));
  if (operator === undefined) return compileObject(record, context);
  const at = (where: string, scopes = context.scopes): PickContext => ({ ...context, where: `${context.where}.${where}`, scopes });
  const only = (...allowed: string[]): boolean => {
    const extra = Object.keys(record).filter((key) => key !== operator && !allowed.includes(key));
    if (extra.length > 0) fail(`${operator} takes ${allowed.length > 0 ? allowed.join(', ') : 'nothing else'}, not ${extra.join(', ')}`);
    return extra.length === 0;
  };

  switch (operator) {
    case '$literal': {
      only();
      const value = record.$literal;
      return () => value;
    }
    case '$value': {
      only('default');
      const pick = compilePick(record.$value, at('$value'));
      const fallback = record.default;
      return (scope) => {
        const value = pick(scope);
        return value === undefined ? fallback : value;
      };
    }
    case '$switch':
      only('cases', 'default');
      return compileSwitch(record, context, at);
    case '$each':
    case '$first': {
      only('map');
      const list = compilePick(record[operator], at(operator));
      const map = compilePick(record.map, at('map', new Set([...context.scopes, 'it'])));
      if (operator === '$first') {
        return (scope) => {
          const items = list(scope);
          return Array.isArray(items) && items.length > 0 ? map({ ...scope, it: items[0] }) : undefined;
        };
      }
      return (scope) => {
        const items = list(scope);
        if (!Array.isArray(items)) return undefined;
        return items.map((it) => map({ ...scope, it })).filter((v) => v !== undefined);
      };
    }
    case '$join':
    case '$hash': {
      only();
      const parts = record[operator];
      if (!Array.isArray(parts) || parts.length === 0) return fail(`${operator} takes a non-empty list of picks`);
      const picks = parts.map((part, i) => compilePick(part, at(`${operator}[${i}]`)));
      if (operator === '$hash') {
        return (scope) => createHash('sha256').update(canonicalJson(picks.map((p) => p(scope) ?? null))).digest('hex');
      }
      return (scope) => {
        let out = '';
        for (const pick of picks) {
          const value = pick(scope);
          if (typeof value === 'string') out += value;
          else if (typeof value === 'number' && Number.isFinite(value)) out += String(value);
          else return undefined;
        }
        return out;
      };
    }
    default:
      return fail(`unknown operator ${operator} (known: $literal, $value, $switch, $each, $first, $join, $hash)`);
  }
}

function compileObject(record: Record<string, unknown>, context: PickContext): Pick {
  const fields = Object.entries(record).map(([key, value]) => [key, compilePick(value, { ...context, where: `${context.where}.${key}` })] as const);
  return (scope) => {
    let out: Record<string, unknown> | undefined;
    for (const [key, pick] of fields) {
      const value = pick(scope);
      if (value !== undefined) (out ??= {})[key] = value;
    }
    return out;
  };
}

function compileSwitch(record: Record<string, unknown>, context: PickContext, at: (where: string) => PickContext): Pick {
  const subject = compilePick(record.$switch, at('$switch'));
  const cases: Array<{ values: readonly unknown[]; then: Pick }> = [];
  if (!Array.isArray(record.cases)) {
    context.problems.push(`${context.where}: $switch needs "cases", a list of { "in": [values], "then": pick }`);
  } else {
    record.cases.forEach((c, i) => {
      const where = `cases[${i}]`;
      const shape = c as { in?: unknown; then?: unknown } | null;
      if (typeof shape !== 'object' || shape === null || !Array.isArray(shape.in) || !('then' in shape) || Object.keys(shape).length !== 2) {
        context.problems.push(`${context.where}.${where}: must be { "in": [values], "then": pick }`);
        return;
      }
      cases.push({ values: shape.in, then: compilePick(shape.then, at(`${where}.then`)) });
    });
  }
  const fallback = 'default' in record ? compilePick(record.default, at('default')) : absent;
  return (scope) => {
    const value = subject(scope);
    for (const c of cases) if (c.values.includes(value)) return c.then(scope);
    return fallback(scope);
  };
}

/** `path | conversion | …` */
function compilePipeline(text: string, context: PickContext): Pick {
  const [pathText, ...names] = text.split('|').map((part) => part.trim());
  const path = compilePath(pathText!, context);
  const conversions: Array<(value: unknown) => unknown> = [];
  for (const name of names) {
    const conversion = Object.hasOwn(CONVERSIONS, name) ? CONVERSIONS[name] : undefined;
    if (conversion) conversions.push(conversion);
    else context.problems.push(`${context.where}: unknown conversion ${JSON.stringify(name)} (known: ${CONVERSION_NAMES.join(', ')})`);
  }
  if (conversions.length === 0) return path;
  return (scope) => {
    let value = path(scope);
    for (const conversion of conversions) {
      if (value === undefined) return undefined;
      value = conversion(value);
    }
    return value;
  };
}

/** `scope(.key | [path])*` */
function compilePath(text: string, context: PickContext): Pick {
  let i = 0;
  let failed = false;
  // One problem per path: after the first, the rest of the text says nothing more.
  const problem = (message: string): Pick => {
    if (!failed) context.problems.push(`${context.where}: ${JSON.stringify(`$${text}`)} ${message}`);
    failed = true;
    return absent;
  };
  const parse = (): Pick => {
    const head = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0];
    if (!head) return problem(`needs a scope name at character ${i + 1}`);
    i += head.length;
    if (!context.scopes.has(head)) return problem(`starts with ${head}, which is not one of ${[...context.scopes].join(', ')} here`);
    const steps: Array<string | Pick> = [];
    while (i < text.length && (text[i] === '.' || text[i] === '[')) {
      if (text[i] === '.') {
        const key = /^[A-Za-z0-9_]+/.exec(text.slice(i + 1))?.[0];
        if (!key) return problem(`needs a key after the dot at character ${i + 1}`);
        steps.push(key);
        i += 1 + key.length;
      } else {
        i += 1;
        const inner = parse();
        if (text[i] !== ']') return problem(`needs "]" at character ${i + 1}`);
        i += 1;
        steps.push(inner);
      }
    }
    return (scope) => {
      let value: unknown = scope[head];
      for (const step of steps) {
        value = child(value, typeof step === 'string' ? step : step(scope));
        if (value === undefined) return undefined;
      }
      return value;
    };
  };
  const pick = parse();
  if (i < text.length) return problem(text[i] === ']' ? 'has an unmatched "]"' : `has unexpected ${JSON.stringify(text.slice(i))}`);
  return pick;
}

/** An own property or a list index: a key such as "__proto__" or "constructor" from Meta's data reads nothing. */
function child(value: unknown, key: unknown): unknown {
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  if (Array.isArray(value)) return /^\d+$/.test(String(key)) ? value[Number(key)] : undefined;
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, key)) return (value as Record<string, unknown>)[key];
  return undefined;
}

/** JSON with object keys sorted, so equal values hash equally whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
