// The hardened API: each abuse case found before production gets a clear, typed, cheap answer (a
// ValidationError or a GraphQL error with extensions.code, HTTP 4xx), never a 500, never a stall.
// Each case prints its time, status and memory growth, so a rerun shows the numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/db/ids.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { closeSql, createEndpoint, messageReceived, publishMany, sql } from './support/api.ts';

let t: TestApp;
let key: string;
let endpointIds: string[] = [];

interface Probe {
  status: number;
  ms: number;
  rssMb: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } & Record<string, unknown>;
  text: string;
}

const measured: Array<{ name: string } & Omit<Probe, 'body' | 'text'> & { code: string }> = [];

/**
 * The same probes against the API before this hardening (commit 87372bb, this machine, same data):
 * printed beside today's numbers. RSS is the growth of this process (the app runs in it).
 */
const BEFORE: Record<string, string> = {
  'connections nested three deep': '200 in 6,158 ms, +1,290 MB RSS',
  '1,000 aliases of deliveries{attempts}': '200 in 4,190 ms, +306 MB RSS',
  'deliveries(first: 1000)': '200, silently cut to 100',
  '500 aliases of sendTestEvent': '200 in 987 ms: 500 test deliveries made',
  'subscription over POST, Accept application/graphql-response+json': '406 (other Accept headers: hung, per the issue)',
  'literal list 5,000 deep': '500 INTERNAL_SERVER_ERROR (stack overflow in the parser)',
  'a cursor that is not one': '200, cursor ignored',
  'a crafted JSON cursor': '200, "Unexpected error."',
  'a cursor of a number': '200, "Unexpected error."',
  'a NUL in an id': '200, "Unexpected error."',
  'a NUL in a delivery id': '200, "Unexpected error."',
  'a NUL in a filter': '200, "Unexpected error."',
  'a date past Postgres': '200, accepted',
  'a date before Postgres': '200, "Unexpected error."',
  'a DateTime of digits only': '200, read as the year 2026',
};

async function probe(name: string, body: unknown, options: { key?: string | null; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Probe> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...options.headers };
  const apiKey = options.key === undefined ? key : options.key;
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const response = await fetch(t.url, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    peak = Math.max(peak, process.memoryUsage().rss);
    let parsed: Probe['body'] = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    const result = { status: response.status, ms, rssMb: Math.round((peak - rssBefore) / 1e6), body: parsed, text };
    const first = Object.values(parsed.data ?? {})[0] as { __typename?: string } | null | undefined;
    const code = String(parsed.errors?.[0]?.extensions?.code ?? first?.__typename ?? '');
    measured.push({ name, status: result.status, ms, rssMb: result.rssMb, code });
    return result;
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    measured.push({ name, status: 0, ms, rssMb: Math.round((peak - rssBefore) / 1e6), code: String((error as Error).name) });
    throw error;
  } finally {
    clearInterval(sampler);
  }
}

/** A clear typed refusal: HTTP 4xx, an extensions.code, and no "Unexpected error". */
function expectRefused(result: Probe, code?: string | RegExp) {
  expect(result.status, result.text.slice(0, 500)).toBeGreaterThanOrEqual(400);
  expect(result.status, result.text.slice(0, 500)).toBeLessThan(500);
  expect(result.text).not.toMatch(/Unexpected error/);
  const actual = result.body.errors?.[0]?.extensions?.code;
  expect(actual, result.text.slice(0, 500)).toBeTypeOf('string');
  if (code) expect(actual).toMatch(code);
}

beforeAll(async () => {
  t = await startTestApp();
  ({ apiKey: key } = await t.newAccount('abuser'));
  // 10 endpoints, 100 events each delivered to all of them (1,000 deliveries), 3 attempts each on
  // 300 of them with a 2 KB response body: enough for a nested query to multiply into seconds.
  for (let i = 0; i < 10; i++) {
    endpointIds.push((await createEndpoint(t, key, { url: `http://127.0.0.1:9/hook${i}`, description: `e${i}`, eventTypes: ['*'] })).id);
  }
  await publishMany(t, key, Array.from({ length: 100 }, (_, n) => messageReceived(n)));
  const deliveries = await sql<{ id: string }>(t, 'SELECT id FROM delivery ORDER BY id LIMIT 300');
  const values: string[] = [];
  const params: unknown[] = [];
  for (const { id } of deliveries) {
    for (let n = 1; n <= 3; n++) {
      params.push(newId('DeliveryAttempt'), id, n);
      values.push(`($${params.length - 2}, $${params.length - 1}, $${params.length}, 'HTTP_ERROR', now(), 12, '{}', 500, '{}', repeat('x', 2048), false)`);
    }
  }
  await sql(t, `INSERT INTO delivery_attempt (id, delivery_id, attempt_number, outcome, started_at, duration_ms, request_headers, response_status, response_headers, response_body, will_retry) VALUES ${values.join(',')}`, params);
}, 120_000);

afterAll(async () => {
  console.table(measured.map((m) => ({ ...m, before: BEFORE[m.name] ?? '' })));
  await closeSql(t);
  await t?.stop();
});

describe('query cost', () => {
  it('refuses connections nested three deep at once', async () => {
    const query = `{ endpoints(first: 100) { edges { node { id deliveries(first: 50) { edges { node { id event { id deliveries { id attempts { id responseBody } endpoint { deliveries(first: 50) { edges { node { id attempts { id responseBody } } } } } } } } } } } } } }`;
    const result = await probe('connections nested three deep', { query });
    expectRefused(result, /QUERY_TOO_(COMPLEX|DEEP)/);
    expect(result.ms).toBeLessThan(500);
  });

  it('refuses the same three connections within the depth limit by their cost', async () => {
    const query = `{ endpoints(first: 100) { edges { node { deliveries(first: 50) { edges { node { event { deliveries { attempts { responseBody } } } } } } } } } }`;
    const result = await probe('three lists within the depth limit', { query });
    expectRefused(result, 'QUERY_TOO_COMPLEX');
    expect(result.ms).toBeLessThan(500);
  });

  it('refuses 1,000 aliases of deliveries(first: 100) { attempts }', async () => {
    const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: deliveries(first: 100) { edges { node { attempts { id responseBody } } } }`).join(' ')} }`;
    const result = await probe('1,000 aliases of deliveries{attempts}', { query });
    expectRefused(result);
    expect(result.ms).toBeLessThan(500);
  });

  it('refuses a connection page larger than 100', async () => {
    const result = await probe('deliveries(first: 1000)', { query: '{ deliveries(first: 1000) { edges { node { id } } } }' });
    expectRefused(result);
  });
});

describe('mutations with side effects', () => {
  const sendTests = (n: number) => `mutation { ${Array.from({ length: n }, (_, i) => `s${i}: sendTestEvent(endpointId: "${endpointIds[0]}") { __typename }`).join(' ')} }`;
  const deliveryCount = async () => (await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM delivery'))[0]!.n;

  it('refuses 500 aliases of sendTestEvent without sending any', async () => {
    const before = await deliveryCount();
    const result = await probe('500 aliases of sendTestEvent', { query: sendTests(500) });
    expectRefused(result, /TOO_MANY_MUTATIONS|QUERY_TOO_LARGE/);
    expect(await deliveryCount()).toBe(before);
  });

  it('refuses six sendTestEvent aliases, runs five', async () => {
    const before = await deliveryCount();
    const six = await probe('6 aliases of sendTestEvent', { query: sendTests(6) });
    expectRefused(six, 'TOO_MANY_MUTATIONS');
    expect(await deliveryCount()).toBe(before);
    const five = await probe('5 aliases of sendTestEvent', { query: sendTests(5) });
    expect(five.status).toBe(200);
    expect(Object.values(five.body.data ?? {}).map((r: any) => r.__typename)).toEqual(Array(5).fill('DeliverySuccess'));
    expect(await deliveryCount()).toBe(before + 5);
  });
});

describe('transport', () => {
  it.each(['application/graphql-response+json', 'application/json', '*/*', 'text/event-stream'])(
    'answers a subscription sent as a POST (Accept: %s) at once',
    async (accept) => {
      const result = await probe(`subscription over POST, Accept ${accept}`, { query: 'subscription { deliveryAttempted { id } }' }, { timeoutMs: 5_000, headers: { accept } });
      expect(result.status).toBe(400);
      expect(result.text).toMatch(/SUBSCRIPTION_OVER_HTTP/);
      expect(result.text).not.toMatch(/Unexpected error/);
      expect(result.text).toMatch(/graphql-ws|WebSocket/);
      expect(result.ms).toBeLessThan(1_000);
    },
  );

  it('applies the same limits to operations over graphql-ws', async () => {
    const client = t.wsClient({ authorization: `Bearer ${key}` });
    const deep = `{ endpoints(first: 100) { edges { node { deliveries(first: 50) { edges { node { event { deliveries { attempts { responseBody } } } } } } } } } }`;
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: deep }, { next: resolve, error: resolve, complete: () => resolve(null) });
    });
    expect(JSON.stringify(error)).toMatch(/QUERY_TOO_COMPLEX/);
    const six = `mutation { ${Array.from({ length: 6 }, (_, i) => `s${i}: sendTestEvent(endpointId: "${endpointIds[0]}") { __typename }`).join(' ')} }`;
    const refused = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: six }, { next: resolve, error: resolve, complete: () => resolve(null) });
    });
    expect(JSON.stringify(refused)).toMatch(/TOO_MANY_MUTATIONS/);
  });
});

describe('deep and malformed literals', () => {
  it('refuses a list 5,000 deep inside data with a 400', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const query = `mutation { publishEvent(input: { type: "message.received", data: ${deep} }) { __typename } }`;
    const result = await probe('literal list 5,000 deep', { query });
    expectRefused(result);
  });

  it('refuses a list 1,400 deep inside data (within the token limit) with a 400', async () => {
    const deep = '['.repeat(1400) + ']'.repeat(1400);
    const query = `mutation { publishEvent(input: { type: "message.received", data: ${deep} }) { __typename } }`;
    const result = await probe('literal list 1,400 deep', { query });
    expectRefused(result, 'QUERY_TOO_DEEP');
  });

  it('answers data 40 deep in a literal with a typed 400', async () => {
    const deep = '{ a: '.repeat(40) + '1' + ' }'.repeat(40);
    const query = `mutation { publishEvent(input: { type: "message.received", data: ${deep} }) { __typename } }`;
    const result = await probe('literal object 40 deep', { query });
    expectRefused(result, 'BAD_USER_INPUT');
  });

  it('answers data nested 10,000 deep in variables with a typed error', async () => {
    const data = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const query = 'mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }';
    const body = `{"query":${JSON.stringify(query)},"variables":{"input":{"type":"message.received","data":${data}}}}`;
    const result = await probe('variables nested 10,000 deep', body);
    expectRefused(result, 'BAD_USER_INPUT');
  });

  it.each([
    ['a cursor that is not one', '{ deliveries(first: 5, after: "garbage") { edges { node { id } } } }'],
    ['a crafted JSON cursor', `{ deliveries(first: 5, after: "${Buffer.from('GPC:J:{"id":{"gt":1}}').toString('base64')}") { edges { node { id } } } }`],
    ['a cursor of a number', `{ events(first: 5, after: "${Buffer.from('GPC:N:12').toString('base64')}") { edges { node { id } } } }`],
    ['a NUL in an id', '{ endpoint(id: "ep_\\u0000") { id } }'],
    ['a NUL in a delivery id', '{ delivery(id: "dlv_\\u0000x") { id } }'],
    ['a NUL in a filter', '{ deliveries(first: 5, eventType: "a\\u0000") { edges { node { id } } } }'],
    ['a date past Postgres', '{ deliveries(first: 5, since: "+275760-09-13T00:00:00.000Z") { edges { node { id } } } }'],
    ['a date before Postgres', '{ deliveries(first: 5, since: "-271821-04-20T00:00:00.000Z") { edges { node { id } } } }'],
    ['a DateTime literal of a number', '{ deliveries(first: 5, since: 5) { edges { node { id } } } }'],
    ['a DateTime literal that is no date', '{ deliveries(first: 5, since: "yesterday") { edges { node { id } } } }'],
    ['a DateTime of digits only', '{ deliveries(first: 5, since: "2026") { totalCount } }'],
  ])('answers %s with a typed 400', async (name, query) => {
    const result = await probe(name, { query });
    expectRefused(result, /BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  it('answers a date out of range in a mutation with a typed error', async () => {
    const query = `mutation { recoverFailedDeliveries(endpointId: "${endpointIds[0]}", since: "+200000-01-01T00:00:00.000Z") { __typename } }`;
    const result = await probe('recoverFailedDeliveries since year 200000', { query });
    expectRefused(result, 'BAD_USER_INPUT');
  });
});
