// Property-based tests (fast-check) of the API's edges: createEndpoint, updateEndpoint,
// publishEvent(s) and raw HTTP requests, with inputs from plausible to hostile (NUL, unicode,
// huge numbers, deep JSON, garbage). Every answer is a success or a typed error (a result type of
// the contract, or a GraphQL error with extensions.code and HTTP 4xx), never a 5xx or
// "Unexpected error."; and what is stored afterwards is consistent: an error changed nothing, a
// success stored what the API says it stored. A failure prints fast-check's seed and the
// smallest input that breaks it; rerun with that seed to reproduce.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateEndpointDocument, PublishEventsDocument, UpdateEndpointDocument } from '../packages/client/src/generated/graphql.ts';
import { EVENT_TYPES } from '../src/domain/catalog.ts';
import { ENDPOINT_LIMITS } from '../src/domain/endpoint-input.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { closeSql, createEndpoint, sql } from './support/api.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

let t: TestApp;
let key: string;
let accountId: string;

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, { __typename?: string } & Record<string, any>> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } | null;
}

async function raw(init: { method?: string; headers?: Record<string, string>; body?: string; path?: string }): Promise<Answer> {
  const response = await fetch(t.url + (init.path ?? ''), {
    method: init.method ?? 'POST',
    headers: { authorization: `Bearer ${key}`, ...init.headers },
    body: init.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, text, body };
}

const gql = (query: string, variables: unknown) =>
  raw({ headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify({ query, variables }) });

/** How often each outcome came up, per field: printed after the run, so a property that only ever hit errors shows. */
const outcomes = new Map<string, Map<string, number>>();

/** A success or a typed error; returns the result's __typename, or the error code. */
function typed(answer: Answer, field: string, successes: string[], errors: string[]): string {
  const outcome = typedOutcome(answer, field, successes, errors);
  const seen = outcomes.get(field) ?? new Map<string, number>();
  seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
  outcomes.set(field, seen);
  return outcome;
}

function typedOutcome(answer: Answer, field: string, successes: string[], errors: string[]): string {
  const context = `${answer.status} ${answer.text.slice(0, 400)}`;
  expect(answer.status, context).toBeLessThan(500);
  expect(answer.text, context).not.toMatch(/Unexpected error/);
  const result = answer.body?.data?.[field];
  if (result) {
    expect([...successes, ...errors], context).toContain(result.__typename);
    expect(answer.status, context).toBe(200);
    return result.__typename!;
  }
  const code = answer.body?.errors?.[0]?.extensions?.code;
  expect(code, context).toBeTypeOf('string');
  expect(answer.status, context).toBeGreaterThanOrEqual(400);
  return code!;
}

// Strings from tame to hostile.
const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\uD800', '😀', '\\u0000', "'; DROP TABLE endpoint; --", 'x'.repeat(5000)),
);
// Mostly integers GraphQL accepts (then it is the domain's rules that answer), sometimes not.
const anyInt = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -10, max: 200_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 53) },
  { weight: 1, arbitrary: fc.double() },
);
const eventTypeName = fc.oneof(fc.constantFrom(...EVENT_TYPES.map((e) => e.name), '*', 'message.*', 'message.', '.*', 'no.such.type'), nasty);
const url = fc.oneof(
  fc.constantFrom('http://127.0.0.1:9/hook', 'https://example.com/hook', 'http://[::1]:9/x', 'ftp://example.com/', 'http://', 'not a url', 'http://127.0.0.1:9/' + 'a'.repeat(3000)),
  fc.webUrl(),
  nasty,
);
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 60 }).map((depth) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
);
const endpointFields = {
  url,
  description: nasty,
  eventTypes: fc.array(eventTypeName, { maxLength: 60 }),
  sessionIds: fc.option(fc.array(nasty, { maxLength: 5 }), { nil: null }),
  rateLimitPerSecond: fc.option(anyInt, { nil: null }),
  timeoutMs: fc.option(anyInt, { nil: null }),
  retrySchedule: fc.option(fc.array(anyInt, { maxLength: 25 }), { nil: null }),
  headers: fc.option(fc.oneof(json, fc.dictionary(nasty, nasty, { maxKeys: 5 })), { nil: null }),
  concurrencyLimit: fc.option(anyInt, { nil: null }),
  ordered: fc.option(fc.boolean(), { nil: null }),
};
// Inputs within the rules (the hostile ones below probe the edges), so that successes, and the
// invariants after them, come up in every run.
const plausibleCreate = fc.record(
  {
    url: fc.constantFrom('http://127.0.0.1:9/hook', 'http://127.0.0.1:9/other?x=1'),
    description: fc.string({ maxLength: 40 }),
    eventTypes: fc.uniqueArray(fc.constantFrom(...EVENT_TYPES.map((e) => e.name), '*', 'message.*'), { minLength: 1, maxLength: 5 }),
    timeoutMs: fc.integer({ min: ENDPOINT_LIMITS.timeoutMsMin, max: ENDPOINT_LIMITS.timeoutMsMax }),
    rateLimitPerSecond: fc.option(fc.integer({ min: ENDPOINT_LIMITS.rateLimitMin, max: ENDPOINT_LIMITS.rateLimitMax }), { nil: null }),
    retrySchedule: fc.array(fc.integer({ min: 1, max: 86_400 }), { maxLength: 6 }),
    headers: fc.dictionary(fc.constantFrom('X-Token', 'X-Env'), fc.stringMatching(/^[a-z0-9]{1,20}$/), { maxKeys: 2 }),
  },
  { requiredKeys: ['url', 'description', 'eventTypes'] },
);
const createInput = fc.oneof(plausibleCreate, fc.record(endpointFields, { requiredKeys: ['url', 'description', 'eventTypes'] }));
const updateInput = fc.oneof(
  plausibleCreate.map((input) => Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'url'))),
  fc.record(endpointFields, { requiredKeys: [] }),
);

const CREATE = CreateEndpointDocument.toString();
const UPDATE = UpdateEndpointDocument.toString();
const ENDPOINT_ERRORS = ['ValidationError', 'NotFoundError', 'VerificationError'];

/** What any stored endpoint must satisfy, however it got there. */
async function endpointsAreWellFormed(): Promise<void> {
  const rows = await sql(t, 'SELECT url, description, event_types, timeout_ms, rate_limit_per_second, retry_schedule, concurrency_limit FROM endpoint WHERE account_id = $1', [accountId]);
  for (const row of rows) {
    expect(row.url).toMatch(/^https?:\/\/\S+$/);
    expect(row.url.length).toBeLessThanOrEqual(ENDPOINT_LIMITS.urlMaxLength);
    expect(row.description.length).toBeLessThanOrEqual(ENDPOINT_LIMITS.descriptionMaxLength);
    expect(row.event_types.length).toBeGreaterThan(0);
    expect(row.timeout_ms).toBeGreaterThanOrEqual(ENDPOINT_LIMITS.timeoutMsMin);
    expect(row.timeout_ms).toBeLessThanOrEqual(ENDPOINT_LIMITS.timeoutMsMax);
    if (row.rate_limit_per_second !== null) expect(row.rate_limit_per_second).toBeGreaterThanOrEqual(ENDPOINT_LIMITS.rateLimitMin);
    if (row.retry_schedule !== null) expect((row.retry_schedule as number[]).length).toBeLessThanOrEqual(ENDPOINT_LIMITS.retryScheduleMax);
    if (row.concurrency_limit !== null) expect(row.concurrency_limit).toBeLessThanOrEqual(ENDPOINT_LIMITS.concurrencyLimitMax);
    expect(JSON.stringify(row)).not.toContain('\\u0000');
  }
}

const endpointRow = async (id: string) => JSON.stringify(await sql(t, 'SELECT * FROM endpoint WHERE id = $1', [id]));
const count = async (table: 'endpoint' | 'event' | 'delivery') => (await sql<{ n: number }>(t, `SELECT count(*)::int AS n FROM ${table} WHERE account_id = $1`, [accountId]))[0]!.n;

beforeAll(async () => {
  // The properties make hundreds of requests with one key.
  t = await startTestApp({ env: { HOOKWIRE_API_RATE_LIMIT: '0' } });
  ({ apiKey: key, accountId } = await t.newAccount('properties'));
});
afterAll(async () => {
  for (const [field, seen] of outcomes) console.log(`${field}: ${[...seen].map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`);
  await closeSql(t);
  await t?.stop();
});

describe('createEndpoint', () => {
  it('answers every input with a success or a typed error; an error stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(createInput, async (input) => {
        const before = await count('endpoint');
        const answer = await gql(CREATE, { input });
        const outcome = typed(answer, 'createEndpoint', ['EndpointSuccess'], ENDPOINT_ERRORS);
        expect(await count('endpoint')).toBe(before + (outcome === 'EndpointSuccess' ? 1 : 0));
        if (outcome === 'EndpointSuccess') {
          const endpoint = answer.body!.data!.createEndpoint!.endpoint;
          expect(JSON.parse(await endpointRow(endpoint.id))[0].url).toBe(endpoint.url);
        }
      }),
      { numRuns: RUNS },
    );
    expect(outcomes.get('createEndpoint')?.get('EndpointSuccess') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('createEndpoint')?.get('ValidationError') ?? 0).toBeGreaterThan(0);
    await endpointsAreWellFormed();
  }, 120_000);
});

describe('updateEndpoint', () => {
  it('answers every input with a success or a typed error; an error changes nothing', async () => {
    const { id } = await createEndpoint(t, key, { url: 'http://127.0.0.1:9/stable', description: 'target', eventTypes: ['*'] });
    await fc.assert(
      fc.asyncProperty(updateInput, fc.constantFrom(id, id, id, 'ep_00000000000000000000000000', 'evt_x', '', 'ep_\u0000'), async (input, target) => {
        const before = await endpointRow(id);
        const answer = await gql(UPDATE, { id: target, input });
        const outcome = typed(answer, 'updateEndpoint', ['EndpointSuccess'], ENDPOINT_ERRORS);
        if (outcome !== 'EndpointSuccess') expect(await endpointRow(id)).toBe(before);
        else expect(answer.body!.data!.updateEndpoint!.endpoint.id).toBe(id);
      }),
      { numRuns: RUNS },
    );
    expect(outcomes.get('updateEndpoint')?.get('EndpointSuccess') ?? 0).toBeGreaterThan(0);
    await endpointsAreWellFormed();
  }, 120_000);
});

const publishInput = fc.oneof(
  fc.record({ type: fc.constant('webhook.test'), data: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), idempotencyKey: fc.option(fc.constantFrom('k1', 'k2'), { nil: null }) }),
  fc.record(
  {
    type: eventTypeName,
    data: fc.oneof(json, fc.constant({ messageId: 'm', from: '1', messageType: 'text', content: { text: 'hi' }, timestamp: '2026-12-02T00:00:00Z' })),
    sessionId: fc.option(nasty, { nil: null }),
    idempotencyKey: fc.option(fc.oneof(fc.constantFrom('k1', 'k2'), nasty), { nil: null }),
  },
  { requiredKeys: ['type', 'data'] },
  ),
);

describe('publishEvent and publishEvents', () => {
  // The test's own publish: it compares the stored envelope (payload), which the client does not read.
  const PUBLISH = 'mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id type data payload } } } }';
  const PUBLISH_MANY = PublishEventsDocument.toString();

  beforeAll(async () => {
    await createEndpoint(t, key, { url: 'http://127.0.0.1:9/all', description: 'every event', eventTypes: ['*'] });
  });

  it('answers every event with a success or a typed error; an error stores nothing; a success stores the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(publishInput, async (input) => {
        const before = await count('event');
        const answer = await gql(PUBLISH, { input });
        const outcome = typed(answer, 'publishEvent', ['PublishEventSuccess'], ['ValidationError']);
        const after = await count('event');
        if (outcome !== 'PublishEventSuccess') {
          expect(after).toBe(before);
        } else {
          // A repeated idempotency key answers the first event and stores nothing new.
          expect(after - before).toBeLessThanOrEqual(1);
          const event = answer.body!.data!.publishEvent!.event;
          expect(event.payload).toMatchObject({ id: event.id, type: event.type, data: event.data });
        }
      }),
      { numRuns: RUNS },
    );
    expect(outcomes.get('publishEvent')?.get('PublishEventSuccess') ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('stores a batch whole or not at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(publishInput, { maxLength: 6 }), async (inputs) => {
        const [events, deliveries] = [await count('event'), await count('delivery')];
        const answer = await gql(PUBLISH_MANY, { inputs });
        const outcome = typed(answer, 'publishEvents', ['PublishEventsSuccess'], ['ValidationError']);
        if (outcome !== 'PublishEventsSuccess') {
          expect(await count('event')).toBe(events);
          expect(await count('delivery')).toBe(deliveries);
        } else {
          expect(answer.body!.data!.publishEvents!.events).toHaveLength(inputs.length);
        }
      }),
      { numRuns: RUNS },
    );
    expect(outcomes.get('publishEvents')?.get('PublishEventsSuccess') ?? 0).toBeGreaterThan(0);
  }, 120_000);
});

describe('raw requests', () => {
  const vocabulary = fc.constantFrom('{', '}', '(', ')', '[', ']', ':', '$', '!', '...', '@include', 'query', 'mutation', 'subscription', 'fragment', 'on',
    'viewer', 'endpoints', 'edges', 'node', 'id', 'deliveries', 'first:', '100', '-1', '"x"', '"\\u0000"', 'publishEvent', 'input:', 'data:', '__schema', '__typename', 'a:', '#', '"""');
  const document = fc.oneof(fc.array(vocabulary, { maxLength: 40 }).map((words) => words.join(' ')), nasty);
  const body = fc.oneof(
    document.map((query) => JSON.stringify({ query })),
    fc.record({ query: document, variables: fc.oneof(json, nasty), operationName: fc.option(nasty, { nil: null }) }).map((b) => JSON.stringify(b)),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    nasty,
    fc.constantFrom('', '{', '[]', '[{"query":"{ viewer { id } }"}]', '{"query":null}', '{"query":"{ viewer { id } }","variables":"x"}', '{"a":'.repeat(3000)),
  );

  it('answers any body, content type and method with a 2xx or a 4xx, never a 5xx or a stall', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('application/json', 'application/graphql', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', ''),
        fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE'),
        fc.constantFrom('', '?query=%7Bviewer%7Bid%7D%7D', '?query=%7B', '?query=' + encodeURIComponent('{'.repeat(500))),
        async (payload, contentType, method, search) => {
          const answer = await raw({
            method,
            path: search,
            headers: { ...(contentType ? { 'content-type': contentType } : {}), 'content-length': String(Buffer.byteLength(payload)) },
            body: method === 'GET' ? undefined : payload,
          });
          expect(answer.status, `${method} ${contentType} ${payload.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
          expect(answer.text).not.toMatch(/Unexpected error/);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  }, 180_000);
});
