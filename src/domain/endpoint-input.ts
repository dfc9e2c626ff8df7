// Validation and normalisation of createEndpoint/updateEndpoint input: pure rules, no database,
// every bad field reported at once with its path.

import { DEFAULT_SIGNATURE_HEADER, type SignatureHeaderConfig } from '../delivery/sign.ts';
import { isValidEventTypePattern } from './catalog.ts';
import { isEmptyFilter, validateFilter } from './filter.ts';
import { normalizeSignatureHeader, validateOwnSecret, validateSignatureHeader, type SignatureHeaderInput } from './signature-input.ts';
import { hasNul, NUL_MESSAGE, ValidationError, type FieldError } from './errors.ts';
import { isReservedHeader } from '../delivery/headers.ts';

/**
 * The fields of the contract's CreateEndpointInput / UpdateEndpointInput. GraphQL passes an
 * omitted field as undefined and an explicit null as null; the two mean different things on
 * update. Types are what GraphQL promises, but every value is checked at run time too, since
 * other callers (a CLI, tests, the JSON scalar of `headers`) promise nothing.
 */
export interface EndpointInput {
  url?: string | null;
  description?: string | null;
  eventTypes?: readonly string[] | null;
  sessionIds?: readonly string[] | null;
  rateLimitPerSecond?: number | null;
  timeoutMs?: number | null;
  retrySchedule?: readonly number[] | null;
  /** The JSON scalar: anything at all until checked. */
  headers?: unknown;
  verifyToken?: string | null;
  concurrencyLimit?: number | null;
  ordered?: boolean | null;
  /** The endpoint's own secret (receivers that hold one already); generated when absent on create. */
  signingSecret?: string | null;
  signatureHeader?: SignatureHeaderInput | null;
  /** JavaScript source; '' on update removes it. */
  transformation?: string | null;
  /** The JSON scalar; {} on update removes it. */
  filter?: unknown;
}

/**
 * The checked input. On update, a field that is absent (undefined) is left unchanged; null means
 * reset: sessionIds → every session, rateLimitPerSecond → no limit, retrySchedule → the
 * deployment's default schedule, headers → none.
 */
export interface NormalizedEndpointInput {
  url?: string;
  description?: string;
  eventTypes?: string[];
  sessionIds?: string[] | null;
  rateLimitPerSecond?: number | null;
  timeoutMs?: number;
  retrySchedule?: number[] | null;
  headers?: Record<string, string> | null;
  /** Present only when a token was given: the caller must run the hub.challenge handshake. */
  verifyToken?: string;
  /** null: the deployment's default (HOOKWIRE_ENDPOINT_CONCURRENCY). */
  concurrencyLimit?: number | null;
  ordered?: boolean;
  signingSecret?: string;
  /** null: the default (x-webhook-signature, SHA256_HEX). */
  signatureHeader?: SignatureHeaderConfig | null;
  /** null: none. Checked in the sandbox by the caller (it needs the event types' examples). */
  transformation?: string | null;
  /** null: every event. */
  filter?: Record<string, unknown> | null;
}

/** On create every stored field is settled: required ones given, the rest defaulted. */
export interface NormalizedCreateEndpointInput extends NormalizedEndpointInput {
  url: string;
  description: string;
  eventTypes: string[];
  sessionIds: string[] | null;
  rateLimitPerSecond: number | null;
  timeoutMs: number;
  retrySchedule: number[] | null;
  headers: Record<string, string> | null;
  concurrencyLimit: number | null;
  ordered: boolean;
  signatureHeader: SignatureHeaderConfig | null;
  transformation: string | null;
  filter: Record<string, unknown> | null;
}

export interface EndpointInputOptions {
  mode: 'create' | 'update';
  /** HOOKWIRE_ALLOW_PRIVATE_NETWORKS: also allows plain http URLs (local development, tests). */
  allowPrivateNetworks: boolean;
  /** The account's own event types that endpoints may subscribe to (not archived). */
  customEventTypes?: readonly string[];
}

export const ENDPOINT_LIMITS = Object.freeze({
  urlMaxLength: 2048,
  descriptionMaxLength: 200,
  eventTypesMax: 50,
  sessionIdsMax: 100,
  sessionIdMaxLength: 128,
  rateLimitMin: 1,
  rateLimitMax: 1000,
  timeoutMsMin: 100,
  timeoutMsMax: 30_000,
  timeoutMsDefault: 5000,
  retryScheduleMax: 20,
  retryDelayMinSeconds: 1,
  retryDelayMaxSeconds: 86_400,
  headersMax: 20,
  headerNameMaxLength: 256,
  headerValueMaxLength: 4096,
  verifyTokenMaxLength: 256,
  concurrencyLimitMin: 1,
  concurrencyLimitMax: 100,
  transformationMaxBytes: 64 * 1024,
});

export interface EndpointInputResult<V extends NormalizedEndpointInput = NormalizedEndpointInput> {
  /** Only the fields that passed; meaningful as a whole only when `errors` is empty. */
  value: V;
  errors: FieldError[];
}

export function validateEndpointInput(
  input: EndpointInput,
  opts: EndpointInputOptions & { mode: 'create' },
): EndpointInputResult<NormalizedCreateEndpointInput>;
export function validateEndpointInput(input: EndpointInput, opts: EndpointInputOptions): EndpointInputResult;
export function validateEndpointInput(input: EndpointInput, opts: EndpointInputOptions): EndpointInputResult {
  const errors: FieldError[] = [];
  const value: NormalizedEndpointInput = {};
  const fail = (path: string[], message: string): void => {
    errors.push({ path: ['input', ...path], message });
  };
  const creating = opts.mode === 'create';

  // Required on create, never nullable: null cannot mean "reset" for a field with no default.
  const required = <K extends 'url' | 'description' | 'eventTypes'>(field: K): NonNullable<EndpointInput[K]> | undefined => {
    const v = input[field];
    if (v === undefined) {
      if (creating) fail([field], 'is required');
      return undefined;
    }
    if (v === null) {
      fail([field], creating ? 'is required' : 'cannot be null; omit the field to leave it unchanged');
      return undefined;
    }
    return v as NonNullable<EndpointInput[K]>;
  };

  const url = required('url');
  if (url !== undefined) {
    const normalized = checkUrl(url, opts.allowPrivateNetworks, (m) => fail(['url'], m));
    if (normalized !== undefined) value.url = normalized;
  }

  const description = required('description');
  if (description !== undefined) {
    if (typeof description !== 'string') {
      fail(['description'], 'must be a string');
    } else {
      const trimmed = description.trim();
      const length = [...trimmed].length;
      if (length === 0) fail(['description'], 'must not be empty');
      else if (hasNul(trimmed)) fail(['description'], NUL_MESSAGE);
      else if (length > ENDPOINT_LIMITS.descriptionMaxLength) {
        fail(['description'], `must be at most ${ENDPOINT_LIMITS.descriptionMaxLength} characters long`);
      } else value.description = trimmed;
    }
  }

  const eventTypes = required('eventTypes');
  if (eventTypes !== undefined) {
    const checked = checkStringList(eventTypes, ['eventTypes'], fail, {
      max: ENDPOINT_LIMITS.eventTypesMax,
      empty: 'must list at least one event type (use "*" for all)',
      item: (s) =>
        isValidEventTypePattern(s, opts.customEventTypes)
          ? undefined
          : `${JSON.stringify(s)} is not a known event type; use a name from the eventTypes query, "*", or a prefix wildcard such as "message.*"`,
    });
    if (checked) value.eventTypes = checked;
  }

  if (input.sessionIds === null) value.sessionIds = null;
  else if (input.sessionIds !== undefined) {
    const checked = checkStringList(input.sessionIds, ['sessionIds'], fail, {
      max: ENDPOINT_LIMITS.sessionIdsMax,
      empty: 'must not be empty; use null for every session',
      item: (s) =>
        [...s].length > ENDPOINT_LIMITS.sessionIdMaxLength
          ? `must be at most ${ENDPOINT_LIMITS.sessionIdMaxLength} characters long`
          : undefined,
    });
    if (checked) value.sessionIds = checked;
  } else if (creating) value.sessionIds = null;

  if (input.rateLimitPerSecond === null) value.rateLimitPerSecond = null;
  else if (input.rateLimitPerSecond !== undefined) {
    const n = checkInteger(input.rateLimitPerSecond, ENDPOINT_LIMITS.rateLimitMin, ENDPOINT_LIMITS.rateLimitMax);
    if (typeof n === 'string') fail(['rateLimitPerSecond'], n);
    else value.rateLimitPerSecond = n;
  } else if (creating) value.rateLimitPerSecond = null;

  // timeoutMs has a default rather than a "none", so null resets it to that default.
  if (input.timeoutMs === null || (input.timeoutMs === undefined && creating)) {
    value.timeoutMs = ENDPOINT_LIMITS.timeoutMsDefault;
  } else if (input.timeoutMs !== undefined) {
    const n = checkInteger(input.timeoutMs, ENDPOINT_LIMITS.timeoutMsMin, ENDPOINT_LIMITS.timeoutMsMax);
    if (typeof n === 'string') fail(['timeoutMs'], n);
    else value.timeoutMs = n;
  }

  if (input.retrySchedule === null) value.retrySchedule = null;
  else if (input.retrySchedule !== undefined) {
    const checked = checkRetrySchedule(input.retrySchedule, fail);
    if (checked) value.retrySchedule = checked;
  } else if (creating) value.retrySchedule = null;

  if (input.headers === null) value.headers = null;
  else if (input.headers !== undefined) {
    const checked = checkHeaders(input.headers, fail);
    if (checked) value.headers = checked;
  } else if (creating) value.headers = null;

  if (input.concurrencyLimit === null) value.concurrencyLimit = null;
  else if (input.concurrencyLimit !== undefined) {
    const n = checkInteger(input.concurrencyLimit, ENDPOINT_LIMITS.concurrencyLimitMin, ENDPOINT_LIMITS.concurrencyLimitMax);
    if (typeof n === 'string') fail(['concurrencyLimit'], `${n} (attempts in flight at once; null for the deployment's default)`);
    else value.concurrencyLimit = n;
  } else if (creating) value.concurrencyLimit = null;

  // Not ordered is the default, so null resets to it.
  if (input.ordered === null || (input.ordered === undefined && creating)) value.ordered = false;
  else if (input.ordered !== undefined) {
    if (typeof input.ordered !== 'boolean') fail(['ordered'], 'must be true or false');
    else value.ordered = input.ordered;
  }

  if (input.signingSecret !== undefined && input.signingSecret !== null) {
    const problems = validateOwnSecret(input.signingSecret, ['input', 'signingSecret']);
    if (problems.length > 0) errors.push(...problems);
    else value.signingSecret = input.signingSecret;
  }

  if (input.signatureHeader === null) value.signatureHeader = null;
  else if (input.signatureHeader !== undefined) {
    const problems = validateSignatureHeader(input.signatureHeader, ['input', 'signatureHeader']);
    if (problems.length > 0) errors.push(...problems);
    else {
      const config = normalizeSignatureHeader(input.signatureHeader);
      // The default spelled out is stored as the default, so the endpoint follows it if it changes.
      const isDefault = config.name === DEFAULT_SIGNATURE_HEADER.name && config.format === DEFAULT_SIGNATURE_HEADER.format;
      value.signatureHeader = isDefault ? null : config;
    }
  } else if (creating) value.signatureHeader = null;

  if (input.transformation === null || (!creating && input.transformation === '')) value.transformation = null;
  else if (input.transformation !== undefined) {
    const code: unknown = input.transformation;
    if (typeof code !== 'string') fail(['transformation'], 'must be a string of JavaScript');
    else if (code.trim() === '') fail(['transformation'], 'must not be empty (leave it out for none)');
    else if (hasNul(code)) fail(['transformation'], NUL_MESSAGE);
    else if (Buffer.byteLength(code) > ENDPOINT_LIMITS.transformationMaxBytes) {
      fail(['transformation'], `must be at most ${ENDPOINT_LIMITS.transformationMaxBytes} bytes long`);
    } else value.transformation = code;
  } else if (creating) value.transformation = null;

  if (input.filter === null || (!creating && input.filter !== undefined && isEmptyFilter(input.filter))) value.filter = null;
  else if (input.filter !== undefined) {
    const problems = validateFilter(input.filter, ['input', 'filter']);
    if (problems.length > 0) errors.push(...problems);
    else value.filter = isEmptyFilter(input.filter) ? null : (input.filter as Record<string, unknown>);
  } else if (creating) value.filter = null;

  // A token is a one-shot handshake request, not a stored setting, so null simply means "none".
  if (input.verifyToken !== undefined && input.verifyToken !== null) {
    const token: unknown = input.verifyToken;
    if (typeof token !== 'string') fail(['verifyToken'], 'must be a string');
    else if (token.length === 0) fail(['verifyToken'], 'must not be empty');
    else if ([...token].length > ENDPOINT_LIMITS.verifyTokenMaxLength) {
      fail(['verifyToken'], `must be at most ${ENDPOINT_LIMITS.verifyTokenMaxLength} characters long`);
    } else value.verifyToken = token;
  }

  return { value, errors };
}

export function assertValidEndpointInput(
  input: EndpointInput,
  opts: EndpointInputOptions & { mode: 'create' },
): NormalizedCreateEndpointInput;
export function assertValidEndpointInput(input: EndpointInput, opts: EndpointInputOptions): NormalizedEndpointInput;
export function assertValidEndpointInput(input: EndpointInput, opts: EndpointInputOptions): NormalizedEndpointInput {
  const { value, errors } = validateEndpointInput(input, opts);
  if (errors.length > 0) throw new ValidationError(errors);
  return value;
}

// ---------------------------------------------------------------------------------------------

type Fail = (path: string[], message: string) => void;

function checkUrl(raw: unknown, allowPrivateNetworks: boolean, fail: (message: string) => void): string | undefined {
  if (typeof raw !== 'string') return void fail('must be a string');
  const url = raw.trim();
  if (url.length === 0) return void fail('must not be empty');
  if (url.length > ENDPOINT_LIMITS.urlMaxLength) {
    return void fail(`must be at most ${ENDPOINT_LIMITS.urlMaxLength} characters long`);
  }
  // WHATWG URL silently drops tabs and newlines inside a URL; what is stored must be what is sent.
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return void fail('must not contain spaces or control characters');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return void fail('must be an absolute URL, e.g. https://example.com/webhooks');
  }
  let ok = true;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    fail(allowPrivateNetworks ? 'must use http or https' : 'must use https');
    ok = false;
  } else if (parsed.protocol === 'http:' && !allowPrivateNetworks) {
    fail('must use https (plain http is allowed only when HOOKWIRE_ALLOW_PRIVATE_NETWORKS=true)');
    ok = false;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    fail('must not contain a username or password; send credentials in headers instead');
    ok = false;
  }
  // Checked on the string: 'https://x/#' has an empty `hash` but still a fragment.
  if (url.includes('#')) {
    fail('must not contain a fragment (#…): it is never sent to the server');
    ok = false;
  }
  return ok ? url : undefined;
}

interface StringListRules {
  max: number;
  /** Message when the list is empty. */
  empty: string;
  /** Checks one trimmed, non-empty item; returns a message when it is bad. */
  item: (value: string) => string | undefined;
}

/** A list of trimmed, non-empty strings with duplicates removed, first occurrence kept. */
function checkStringList(raw: unknown, path: string[], fail: Fail, rules: StringListRules): string[] | undefined {
  if (!Array.isArray(raw)) return void fail(path, 'must be a list of strings');
  if (raw.length === 0) return void fail(path, rules.empty);
  // Past the limit, one error says enough; checking every item of a huge list would flood.
  if (raw.length > rules.max) return void fail(path, `must have at most ${rules.max} items (got ${raw.length})`);
  const out: string[] = [];
  let ok = true;
  raw.forEach((item: unknown, i) => {
    const itemPath = [...path, String(i)];
    if (typeof item !== 'string') {
      ok = false;
      return fail(itemPath, 'must be a string');
    }
    const trimmed = item.trim();
    if (trimmed.length === 0) {
      ok = false;
      return fail(itemPath, 'must not be empty');
    }
    const problem = hasNul(trimmed) ? NUL_MESSAGE : rules.item(trimmed);
    if (problem) {
      ok = false;
      return fail(itemPath, problem);
    }
    if (!out.includes(trimmed)) out.push(trimmed);
  });
  return ok ? out : undefined;
}

/** The integer, or a message saying what is wrong with it. */
function checkInteger(raw: unknown, min: number, max: number): number | string {
  if (typeof raw !== 'number' || !Number.isInteger(raw)) return 'must be an integer';
  if (raw < min || raw > max) return `must be between ${min} and ${max}`;
  return raw;
}

function checkRetrySchedule(raw: unknown, fail: Fail): number[] | undefined {
  const path = ['retrySchedule'];
  if (!Array.isArray(raw)) return void fail(path, 'must be a list of delays in seconds');
  if (raw.length > ENDPOINT_LIMITS.retryScheduleMax) {
    return void fail(path, `must have at most ${ENDPOINT_LIMITS.retryScheduleMax} retries (got ${raw.length})`);
  }
  const out: number[] = [];
  raw.forEach((item: unknown, i) => {
    const n = checkInteger(item, ENDPOINT_LIMITS.retryDelayMinSeconds, ENDPOINT_LIMITS.retryDelayMaxSeconds);
    if (typeof n === 'string') {
      fail([...path, String(i)], n === 'must be an integer' ? 'must be an integer number of seconds' : `${n} seconds`);
    } else out.push(n);
  });
  return out.length === raw.length ? out : undefined;
}

// RFC 7230 tchar.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What undici accepts in a header value (tab, visible ASCII, and bytes 0x80–0xFF); anything else
// would make every delivery attempt throw, so it is refused here instead.
const HEADER_VALUE_BAD_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

function checkHeaders(raw: unknown, fail: Fail): Record<string, string> | undefined {
  const path = ['headers'];
  const proto = typeof raw === 'object' && raw !== null ? Object.getPrototypeOf(raw) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    return void fail(path, 'must be an object of header names to string values, e.g. {"X-Api-Key": "…"}');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > ENDPOINT_LIMITS.headersMax) {
    return void fail(path, `must have at most ${ENDPOINT_LIMITS.headersMax} headers (got ${entries.length})`);
  }
  const out: [string, string][] = [];
  const seen = new Map<string, string>(); // lower-cased name → name as given
  let ok = true;
  for (const [name, value] of entries) {
    const bad = (message: string): void => {
      ok = false;
      fail([...path, name], message);
    };
    if (name.length === 0) {
      bad('a header name must not be empty');
      continue;
    }
    if (name.length > ENDPOINT_LIMITS.headerNameMaxLength) {
      bad(`header name must be at most ${ENDPOINT_LIMITS.headerNameMaxLength} characters long`);
      continue;
    }
    if (!HEADER_NAME.test(name)) {
      bad('is not a valid HTTP header name (letters, digits and !#$%&\'*+-.^_`|~ only)');
      continue;
    }
    if (name === '__proto__') {
      // A legal HTTP token, but plain-object code downstream (JSON columns, header maps) would
      // silently drop it; refusing it beats losing it.
      bad('cannot be used as a header name');
      continue;
    }
    if (isReservedHeader(name)) {
      bad(`cannot be set: Hookwire sets the ${name.toLowerCase()} header itself`);
      continue;
    }
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) {
      bad(`duplicates header ${JSON.stringify(earlier)}: header names are case-insensitive`);
      continue;
    }
    seen.set(name.toLowerCase(), name);
    if (typeof value !== 'string') {
      bad('header value must be a string');
      continue;
    }
    if (/[\r\n\0]/.test(value)) {
      bad('header value must not contain CR, LF or NUL');
      continue;
    }
    if (HEADER_VALUE_BAD_CHAR.test(value)) {
      bad('header value may contain only printable ASCII, tab and Latin-1 characters');
      continue;
    }
    if (value.length > ENDPOINT_LIMITS.headerValueMaxLength) {
      bad(`header value must be at most ${ENDPOINT_LIMITS.headerValueMaxLength} characters long`);
      continue;
    }
    // Leading and trailing whitespace is not part of an HTTP field value (RFC 7230 OWS).
    out.push([name, value.trim()]);
  }
  return ok ? Object.fromEntries(out) : undefined;
}
