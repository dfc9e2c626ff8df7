// The endpoint API as a client sees it: create, configure, verify (hub.challenge), rotate the
// signing secret, pause and resume, delete, list and page, every rule of the input and every
// operation scoped to the caller's account. Runs against the real service over HTTP, with a real
// local receiver for the handshake and a direct look at the database where the API shows less.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { graphql } from './generated/index.ts';
import {
  CreateEndpointDocument as CreateEndpoint,
  type CreateEndpointInput,
  DeleteEndpointDocument as DeleteEndpoint,
  EndpointDocument as GetEndpoint,
  type EndpointWithSecretFieldsFragment,
  EventTypesDocument as EventTypes,
  PauseEndpointDocument as PauseEndpoint,
  ResumeEndpointDocument as ResumeEndpoint,
  RotateEndpointSecretDocument as RotateSecret,
  UpdateEndpointDocument as UpdateEndpoint,
  type UpdateEndpointInput,
} from '../packages/client/src/generated/graphql.ts';
import { startTestApp, type TestApp, TEST_ENCRYPTION_KEY } from './support/app.ts';
import { parseEncryptionKeys, Sealer } from '../src/db/sealer.ts';

// ---------------------------------------------------------------------------------------------
// Operations: packages/client's, but for two exact selections the tests assert on: node(id) with
// the endpoint fields it answers, and the whole connection of endpoints (cursors and pageInfo).

const NodeEndpoint = graphql(`
  query EpTestNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Endpoint {
        url
        description
        signingSecret
      }
    }
  }
`);

const ListEndpoints = graphql(`
  query EpTestList($first: Int, $after: String, $status: EndpointStatus) {
    endpoints(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        cursor
        node {
          id
          status
          createdAt
        }
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// A real receiver for the hub.challenge handshake, on 127.0.0.1. Routes by the first path segment;
// the rest of the path is a per-test tag so each test finds its own requests in `hubRequests`.
//   /ok/…         200 with the challenge, if hub.mode=subscribe and hub.verify_token=HUB_TOKEN (else 403)
//   /wrong/…      200 with a body that is not the challenge
//   /padded/…     200 with the challenge followed by a newline
//   /redirect/…   302 to /ok/… (redirects must not be followed)
//   /forbidden/…  403
//   /hang/…       never answers

const HUB_TOKEN = 'hub-verify-token-7f3a';

interface HubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

const hubRequests: HubRequest[] = [];
let hub: Server;
let hubBase: string;
let hubPort: number;

function handleHub(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://receiver.invalid');
  hubRequests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
  const route = url.pathname.split('/')[1];
  if (route === 'hang') return; // never answers; closed in afterAll
  if (req.method !== 'GET') {
    res.writeHead(405).end();
    return;
  }
  switch (route) {
    case 'ok': {
      const q = url.searchParams;
      if (q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === HUB_TOKEN) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(q.get('hub.challenge') ?? '');
      } else {
        res.writeHead(403).end('wrong token');
      }
      return;
    }
    case 'wrong':
      res.writeHead(200, { 'content-type': 'text/plain' }).end('this-is-not-the-challenge');
      return;
    case 'padded':
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${url.searchParams.get('hub.challenge')}\n`);
      return;
    case 'redirect':
      res.writeHead(302, { location: `/ok${url.pathname.slice('/redirect'.length)}${url.search}` }).end();
      return;
    case 'forbidden':
      res.writeHead(403, { 'content-type': 'text/plain' }).end('go away');
      return;
    default:
      res.writeHead(404).end();
  }
}

/** A fresh URL path on the receiver, unique to the caller. */
function hubUrl(route: 'ok' | 'wrong' | 'padded' | 'redirect' | 'forbidden' | 'hang', query = ''): { url: string; path: string } {
  const path = `/${route}/${randomBytes(6).toString('hex')}`;
  return { url: `${hubBase}${path}${query}`, path };
}

function requestsTo(path: string): HubRequest[] {
  return hubRequests.filter((r) => r.path === path);
}

// ---------------------------------------------------------------------------------------------
// The app, the database, helpers

let t: TestApp;
let db: pg.Client;

beforeAll(async () => {
  hub = createServer(handleHub);
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubPort = (hub.address() as AddressInfo).port;
  hubBase = `http://127.0.0.1:${hubPort}`;
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.db.url });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await t?.stop();
  if (hub) {
    hub.closeAllConnections();
    await new Promise<void>((resolve) => hub.close(() => resolve()));
  }
});

type Endpoint = EndpointWithSecretFieldsFragment;
type Account = { accountId: string; apiKey: string };

/** What any EndpointResult can be, as these operations select it. */
type Result =
  | { __typename: 'EndpointSuccess'; endpoint: Endpoint }
  | { __typename: 'ValidationError'; message: string; fieldErrors: { path: string[]; message: string }[] }
  | { __typename: 'NotFoundError'; message: string }
  | { __typename: 'VerificationError'; message: string };

const DEFAULT_RETRY_SCHEDULE = [60, 300, 900, 3600, 21600, 86400];

const EVERY_TYPE_IN_DESIGN = [
  'message.received',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'message.reaction',
  'media.uploaded',
  'session.connected',
  'session.disconnected',
  'presence.update',
  'template.status',
  'form.submitted',
  'automation.triggered',
  'webhook.test',
  'endpoint.paused',
  'endpoint.disabled',
  'delivery.exhausted',
];

function input(overrides: Partial<Record<keyof CreateEndpointInput, unknown>> = {}): CreateEndpointInput {
  return {
    url: `${hubBase}/plain/${randomBytes(4).toString('hex')}`,
    description: 'CRM sync',
    eventTypes: ['message.received'],
    ...overrides,
  } as CreateEndpointInput;
}

function success(result: Result | null | undefined): Endpoint {
  expect(result?.__typename, JSON.stringify(result)).toBe('EndpointSuccess');
  if (result?.__typename !== 'EndpointSuccess') throw new Error('unreachable');
  return result.endpoint;
}

/** The field paths of a ValidationError (joined with '.'), after checking every error has a message. */
function invalidPaths(result: Result | null | undefined): string[] {
  expect(result?.__typename, JSON.stringify(result)).toBe('ValidationError');
  if (result?.__typename !== 'ValidationError') throw new Error('unreachable');
  expect(result.message).toMatch(/\S/);
  for (const error of result.fieldErrors) expect(error.message).toMatch(/\S/);
  return result.fieldErrors.map((e) => e.path.join('.'));
}

function errorOf(result: Result | null | undefined, typename: 'NotFoundError' | 'VerificationError'): string {
  expect(result?.__typename, JSON.stringify(result)).toBe(typename);
  if (result?.__typename !== typename) throw new Error('unreachable');
  expect(result.message).toMatch(/\S/);
  return result.message;
}

async function create(app: TestApp, key: string, overrides: Parameters<typeof input>[0] = {}): Promise<Result> {
  const response = await app.gql(CreateEndpoint, { input: input(overrides) }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.createEndpoint as Result;
}

async function createOk(key: string, overrides: Parameters<typeof input>[0] = {}): Promise<Endpoint> {
  return success(await create(t, key, overrides));
}

async function update(key: string, id: string, changes: Partial<Record<keyof UpdateEndpointInput, unknown>>, app = t): Promise<Result> {
  const response = await app.gql(UpdateEndpoint, { id, input: changes as UpdateEndpointInput }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.updateEndpoint as Result;
}

async function rotate(key: string, id: string, gracePeriodSeconds?: number | null): Promise<Result> {
  const response = await t.gql(RotateSecret, { id, gracePeriodSeconds }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.rotateEndpointSecret as Result;
}

async function pause(key: string, id: string): Promise<Result> {
  const response = await t.gql(PauseEndpoint, { id }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.pauseEndpoint as Result;
}

async function resume(key: string, id: string): Promise<Result> {
  const response = await t.gql(ResumeEndpoint, { id }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.resumeEndpoint as Result;
}

async function remove(key: string, id: string) {
  const response = await t.gql(DeleteEndpoint, { id }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.deleteEndpoint;
}

async function get(key: string, id: string, app = t): Promise<Endpoint | null> {
  const response = await app.gql(GetEndpoint, { id }, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.endpoint ?? null;
}

async function list(key: string, args: { first?: number; after?: string | null; status?: 'ACTIVE' | 'PAUSED' | 'DISABLED' } = {}, app = t) {
  const response = await app.gql(ListEndpoints, args, key);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.endpoints;
}

async function countOf(key: string, app = t): Promise<number> {
  return (await list(key, { first: 1 }, app)).totalCount;
}

/** The endpoint's row exactly as stored. */
async function row(id: string, client = db): Promise<Record<string, unknown> | undefined> {
  const { rows } = await client.query('SELECT * FROM endpoint WHERE id = $1', [id]);
  return rows[0];
}

interface RetiredSecret {
  secret: string;
  expiresAt: string;
}

/** Secrets are stored sealed (db/sealer.ts): opened with the tests' key. */
const sealer = new Sealer(parseEncryptionKeys(TEST_ENCRYPTION_KEY));

async function retiredSecrets(id: string): Promise<RetiredSecret[]> {
  const stored = await row(id);
  return ((stored?.retired_secrets as RetiredSecret[] | null) ?? []).map((r) => ({ ...r, secret: sealer.open(r.secret) }));
}

/** A syntactically valid endpoint id that was never issued. */
function unknownEndpointId(): string {
  return `ep_01${'0'.repeat(24)}`;
}

// ---------------------------------------------------------------------------------------------

describe('createEndpoint', () => {
  it('creates an ACTIVE endpoint with every default filled in, readable through endpoint(id) and node(id)', async () => {
    const alice = await t.newAccount('alice');
    const before = Date.now();
    const created = await createOk(alice.apiKey, { url: `${hubBase}/plain/defaults`, description: '  CRM sync  ' });

    expect(created.id).toMatch(/^ep_[0-9a-z]{26}$/);
    expect(created).toMatchObject({
      url: `${hubBase}/plain/defaults`,
      description: 'CRM sync',
      eventTypes: ['message.received'],
      sessionIds: null,
      status: 'ACTIVE',
      rateLimitPerSecond: null,
      timeoutMs: 5000,
      retrySchedule: DEFAULT_RETRY_SCHEDULE,
      headers: null,
      pausedAt: null,
      pauseReason: null,
    });
    expect(Date.parse(created.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(created.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);

    expect(await get(alice.apiKey, created.id)).toEqual(created);
    const node = await t.gql(NodeEndpoint, { id: created.id }, alice.apiKey);
    expect(node.errors).toBeUndefined();
    expect(node.data?.node).toEqual({
      __typename: 'Endpoint',
      id: created.id,
      url: created.url,
      description: 'CRM sync',
      signingSecret: created.signingSecret,
    });
    const page = await list(alice.apiKey);
    expect(page.totalCount).toBe(1);
    expect(page.edges.map((e) => e.node.id)).toEqual([created.id]);
  });

  it('stores every setting given, and reads it back the same', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey, {
      eventTypes: ['message.*', 'session.connected', 'delivery.exhausted'],
      sessionIds: ['sess_main', 'sess_support'],
      rateLimitPerSecond: 25,
      timeoutMs: 12_000,
      retrySchedule: [5, 30, 600],
      headers: { 'X-Api-Key': 'k-123', Authorization: 'Bearer abc' },
    });
    const expected = {
      eventTypes: ['message.*', 'session.connected', 'delivery.exhausted'],
      sessionIds: ['sess_main', 'sess_support'],
      rateLimitPerSecond: 25,
      timeoutMs: 12_000,
      retrySchedule: [5, 30, 600],
      headers: { 'X-Api-Key': 'k-123', Authorization: 'Bearer abc' },
    };
    expect(created).toMatchObject(expected);
    expect(await get(alice.apiKey, created.id)).toMatchObject(expected);
  });

  it("accepts '*' and a prefix wildcard such as 'message.*' as event types", async () => {
    const alice = await t.newAccount('alice');
    expect((await createOk(alice.apiKey, { eventTypes: ['*'] })).eventTypes).toEqual(['*']);
    expect((await createOk(alice.apiKey, { eventTypes: ['message.*'] })).eventTypes).toEqual(['message.*']);
    expect((await createOk(alice.apiKey, { eventTypes: ['session.*', 'template.status'] })).eventTypes).toEqual([
      'session.*',
      'template.status',
    ]);
  });

  it('gives each endpoint its own signing secret: whsec_ + base64 of 32 random bytes', async () => {
    const alice = await t.newAccount('alice');
    const a = await createOk(alice.apiKey);
    const b = await createOk(alice.apiKey);
    for (const secret of [a.signingSecret, b.signingSecret]) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      expect(key.length).toBe(32);
      // Round-trips: the text is exactly the base64 of those bytes.
      expect(key.toString('base64')).toBe(secret.slice('whsec_'.length));
    }
    expect(a.signingSecret).not.toBe(b.signingSecret);
  });
});

// ---------------------------------------------------------------------------------------------

describe('input validation', () => {
  let victim: Account; // every create here must fail, so this account must stay empty

  beforeAll(async () => {
    victim = await t.newAccount('validation');
  });

  const tooLongUrl = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length + 1)}`;

  const badCreates: [string, Parameters<typeof input>[0], string[]][] = [
    // URL
    ['an empty url', { url: '' }, ['input.url']],
    ['a blank url', { url: '   ' }, ['input.url']],
    ['a relative url', { url: '/webhooks/whatsapp' }, ['input.url']],
    ['text that is not a url', { url: 'not a url' }, ['input.url']],
    ['an ftp url', { url: 'ftp://example.com/hook' }, ['input.url']],
    ['a javascript: url', { url: 'javascript:alert(1)' }, ['input.url']],
    ['a url with user and password', { url: 'https://user:pass@example.com/hook' }, ['input.url']],
    ['a url with a user only', { url: 'https://user@example.com/hook' }, ['input.url']],
    ['a url over 2048 characters', { url: tooLongUrl }, ['input.url']],
    ['a url with a newline inside', { url: 'https://example.com/ho\nok' }, ['input.url']],
    // description
    ['an empty description', { description: '' }, ['input.description']],
    ['a blank description', { description: '    ' }, ['input.description']],
    ['a description over 200 characters', { description: 'd'.repeat(201) }, ['input.description']],
    ['a description holding a NUL character', { description: 'crm\u0000sync' }, ['input.description']],
    // eventTypes
    ['no event types', { eventTypes: [] }, ['input.eventTypes']],
    ['an unknown event type', { eventTypes: ['message.received', 'message.exploded'] }, ['input.eventTypes.1']],
    ['a blank event type', { eventTypes: [' '] }, ['input.eventTypes.0']],
    ['a wildcard that matches nothing', { eventTypes: ['mesage.*'] }, ['input.eventTypes.0']],
    ['a wildcard in the middle', { eventTypes: ['message.*.x'] }, ['input.eventTypes.0']],
    ['a bare suffix wildcard', { eventTypes: ['*.received'] }, ['input.eventTypes.0']],
    ['more than 50 event types', { eventTypes: Array(51).fill('message.received') }, ['input.eventTypes']],
    // rateLimitPerSecond
    ['rateLimitPerSecond 0', { rateLimitPerSecond: 0 }, ['input.rateLimitPerSecond']],
    ['rateLimitPerSecond -1', { rateLimitPerSecond: -1 }, ['input.rateLimitPerSecond']],
    ['rateLimitPerSecond 1001', { rateLimitPerSecond: 1001 }, ['input.rateLimitPerSecond']],
    // timeoutMs
    ['timeoutMs 99', { timeoutMs: 99 }, ['input.timeoutMs']],
    ['timeoutMs 0', { timeoutMs: 0 }, ['input.timeoutMs']],
    ['timeoutMs 30001', { timeoutMs: 30_001 }, ['input.timeoutMs']],
    // retrySchedule
    ['21 retries', { retrySchedule: Array(21).fill(60) }, ['input.retrySchedule']],
    ['a retry delay of 0 s', { retrySchedule: [60, 0] }, ['input.retrySchedule.1']],
    ['a negative retry delay', { retrySchedule: [-5] }, ['input.retrySchedule.0']],
    ['a retry delay over 86400 s', { retrySchedule: [86_401, 60] }, ['input.retrySchedule.0']],
    // headers
    ['headers that are a list', { headers: ['X-A: b'] }, ['input.headers']],
    ['headers that are a string', { headers: 'X-A: b' }, ['input.headers']],
    ['a header with a number value', { headers: { 'X-Num': 1 } }, ['input.headers.X-Num']],
    ['a header with an object value', { headers: { 'X-Obj': { nested: 'x' } } }, ['input.headers.X-Obj']],
    ['a header with a null value', { headers: { 'X-Null': null } }, ['input.headers.X-Null']],
    ['a header value with CR LF', { headers: { 'X-Evil': 'a\r\nX-Injected: 1' } }, ['input.headers.X-Evil']],
    ['a header name with a space', { headers: { 'X Bad': 'v' } }, ['input.headers.X Bad']],
    ['more than 20 headers', { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) }, ['input.headers']],
    // sessionIds
    ['an empty sessionIds list', { sessionIds: [] }, ['input.sessionIds']],
    ['more than 100 sessionIds', { sessionIds: Array.from({ length: 101 }, (_, i) => `s${i}`) }, ['input.sessionIds']],
    ['a sessionId over 128 characters', { sessionIds: ['ok', 's'.repeat(129)] }, ['input.sessionIds.1']],
    ['a blank sessionId', { sessionIds: ['  '] }, ['input.sessionIds.0']],
    ['a sessionId holding a NUL character', { sessionIds: ['ok', 'a\u0000b'] }, ['input.sessionIds.1']],
    // verifyToken
    ['an empty verifyToken', { verifyToken: '' }, ['input.verifyToken']],
  ];

  it.each(badCreates)('refuses %s with a ValidationError at that path', async (_label, overrides, paths) => {
    const result = await create(t, victim.apiKey, overrides);
    expect(invalidPaths(result)).toEqual(paths);
  });

  // Every header Hookwire sets on a delivery is its own, in any letter case.
  const ownedHeaders = [
    'Content-Type',
    'user-agent',
    'webhook-id',
    'Webhook-Timestamp',
    'WEBHOOK-SIGNATURE',
    'X-Webhook-Signature',
    'x-webhook-event',
    'X-Webhook-Id',
    'x-webhook-timestamp',
    'X-Webhook-Delivery-Attempt',
  ];

  it.each(ownedHeaders)('refuses a custom header that sets the delivery header %s', async (name) => {
    const result = await create(t, victim.apiKey, { headers: { 'X-Fine': 'ok', [name]: 'spoofed' } });
    expect(invalidPaths(result)).toEqual([`input.headers.${name}`]);
  });

  it('reports every bad field at once, each with its own path', async () => {
    const result = await create(t, victim.apiKey, {
      url: 'ftp://example.com',
      description: '',
      eventTypes: ['nope'],
      rateLimitPerSecond: 0,
      timeoutMs: 50,
      retrySchedule: [0],
      headers: { 'webhook-id': 'x' },
      sessionIds: [],
    });
    expect(invalidPaths(result).sort()).toEqual(
      [
        'input.url',
        'input.description',
        'input.eventTypes.0',
        'input.rateLimitPerSecond',
        'input.timeoutMs',
        'input.retrySchedule.0',
        'input.headers.webhook-id',
        'input.sessionIds',
      ].sort(),
    );
  });

  it('stored nothing for any of the inputs refused above', async () => {
    expect(await countOf(victim.apiKey)).toBe(0);
  });

  it('accepts every value on the limits', async () => {
    const alice = await t.newAccount('limits');
    const longUrl = `${hubBase}/${'u'.repeat(2048 - hubBase.length - 1)}`;
    expect(longUrl.length).toBe(2048);
    const cases: [Parameters<typeof input>[0], Partial<Endpoint>][] = [
      [{ url: longUrl }, { url: longUrl }],
      [{ description: 'd'.repeat(200) }, { description: 'd'.repeat(200) }],
      [{ rateLimitPerSecond: 1 }, { rateLimitPerSecond: 1 }],
      [{ rateLimitPerSecond: 1000 }, { rateLimitPerSecond: 1000 }],
      [{ timeoutMs: 100 }, { timeoutMs: 100 }],
      [{ timeoutMs: 30_000 }, { timeoutMs: 30_000 }],
      [{ retrySchedule: [] }, { retrySchedule: [] }],
      [{ retrySchedule: [1] }, { retrySchedule: [1] }],
      [{ retrySchedule: Array(20).fill(86_400) }, { retrySchedule: Array(20).fill(86_400) }],
      [{ sessionIds: Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(128, 's')) }, {}],
      [{ headers: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, 'v'])) }, {}],
      [{ eventTypes: EVERY_TYPE_IN_DESIGN }, { eventTypes: EVERY_TYPE_IN_DESIGN }],
    ];
    for (const [overrides, expected] of cases) {
      const created = success(await create(t, alice.apiKey, overrides));
      expect(created).toMatchObject(expected);
    }
    expect(await countOf(alice.apiKey)).toBe(cases.length);
  });

  it('accepts plain http when HOOKWIRE_ALLOW_PRIVATE_NETWORKS=true (the https rule is tested on a strict app below)', async () => {
    const alice = await t.newAccount('http ok');
    expect(success(await create(t, alice.apiKey, { url: 'http://127.0.0.1:9/hook' })).url).toBe('http://127.0.0.1:9/hook');
  });
});

// ---------------------------------------------------------------------------------------------

describe('with HOOKWIRE_ALLOW_PRIVATE_NETWORKS=false', () => {
  let strict: TestApp;
  let alice: Account;

  beforeAll(async () => {
    strict = await startTestApp({ env: { HOOKWIRE_ALLOW_PRIVATE_NETWORKS: 'false' } });
    alice = await strict.newAccount('strict');
  });

  afterAll(async () => strict?.stop());

  it('refuses a plain http URL with a ValidationError saying https is required', async () => {
    const result = await create(strict, alice.apiKey, { url: 'http://hooks.example.com/whatsapp' });
    expect(invalidPaths(result)).toEqual(['input.url']);
    const fieldErrors = (result as Extract<Result, { __typename: 'ValidationError' }>).fieldErrors;
    expect(fieldErrors[0]!.message).toMatch(/https/);
    expect(await countOf(alice.apiKey, strict)).toBe(0);
  });

  it('accepts an https URL, and refuses to change it to http afterwards', async () => {
    const created = success(await create(strict, alice.apiKey, { url: 'https://hooks.example.com/whatsapp' }));
    expect(created.url).toBe('https://hooks.example.com/whatsapp');
    const result = await update(alice.apiKey, created.id, { url: 'http://hooks.example.com/whatsapp' }, strict);
    expect(invalidPaths(result)).toEqual(['input.url']);
    expect(await get(alice.apiKey, created.id, strict)).toEqual(created);
  });

  it.each([
    ['loopback', () => `https://127.0.0.1:${hubPort}/ok/strict-loopback`],
    ['cloud metadata', () => 'https://169.254.169.254/latest/meta-data'],
    ['RFC 1918', () => 'https://10.1.2.3/hook'],
  ])('blocks the hub.challenge handshake to a %s address: VerificationError, nothing saved', async (_label, url) => {
    const before = await countOf(alice.apiKey, strict);
    const seenBefore = hubRequests.length;
    const result = await create(strict, alice.apiKey, { url: url(), verifyToken: HUB_TOKEN });
    expect(errorOf(result, 'VerificationError')).toMatch(/blocked/i);
    expect(hubRequests.length).toBe(seenBefore); // not a single byte reached the receiver
    expect(await countOf(alice.apiKey, strict)).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------

describe('updateEndpoint', () => {
  it('changes only the fields given, and moves updatedAt forward', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey, {
      eventTypes: ['message.*'],
      sessionIds: ['sess_a'],
      rateLimitPerSecond: 5,
      retrySchedule: [10, 20],
      headers: { 'X-Api-Key': 'one' },
    });
    const newUrl = `${hubBase}/plain/moved`;
    const updated = success(
      await update(alice.apiKey, created.id, {
        url: newUrl,
        description: '  Billing  ',
        eventTypes: ['session.*', 'message.read'],
        timeoutMs: 2500,
      }),
    );
    expect(updated).toEqual({
      ...created,
      url: newUrl,
      description: 'Billing',
      eventTypes: ['session.*', 'message.read'],
      timeoutMs: 2500,
      updatedAt: updated.updatedAt,
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    expect(await get(alice.apiKey, created.id)).toEqual(updated);
  });

  it('resets optional settings to their defaults with null', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey, {
      sessionIds: ['sess_a'],
      rateLimitPerSecond: 5,
      timeoutMs: 1000,
      retrySchedule: [10, 20],
      headers: { 'X-Api-Key': 'one' },
    });
    const updated = success(
      await update(alice.apiKey, created.id, {
        sessionIds: null,
        rateLimitPerSecond: null,
        timeoutMs: null,
        retrySchedule: null,
        headers: null,
      }),
    );
    expect(updated).toMatchObject({
      sessionIds: null,
      rateLimitPerSecond: null,
      timeoutMs: 5000,
      retrySchedule: DEFAULT_RETRY_SCHEDULE,
      headers: null,
      url: created.url,
      description: created.description,
      eventTypes: created.eventTypes,
      signingSecret: created.signingSecret,
    });
  });

  it('changes nothing when one field is bad, even though the others are good', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey, { timeoutMs: 4000, headers: { 'X-Api-Key': 'one' } });
    const storedBefore = await row(created.id);

    const result = await update(alice.apiKey, created.id, {
      url: `${hubBase}/plain/elsewhere`,
      description: 'Changed',
      eventTypes: ['*'],
      timeoutMs: 30_001, // the one bad field
      headers: { 'X-Api-Key': 'two' },
    });
    expect(invalidPaths(result)).toEqual(['input.timeoutMs']);

    expect(await get(alice.apiKey, created.id)).toEqual(created);
    expect(await row(created.id)).toEqual(storedBefore);
  });

  it('refuses null for a required field (url, description, eventTypes) and changes nothing', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    const result = await update(alice.apiKey, created.id, { url: null, description: null, eventTypes: null });
    expect(invalidPaths(result).sort()).toEqual(['input.description', 'input.eventTypes', 'input.url']);
    expect(await get(alice.apiKey, created.id)).toEqual(created);
  });

  it('refuses a delivery header Hookwire owns, and keeps the old headers', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey, { headers: { 'X-Api-Key': 'one' } });
    const result = await update(alice.apiKey, created.id, { headers: { 'X-Api-Key': 'two', 'Webhook-Signature': 'v1,forged' } });
    expect(invalidPaths(result)).toEqual(['input.headers.Webhook-Signature']);
    expect((await get(alice.apiKey, created.id))?.headers).toEqual({ 'X-Api-Key': 'one' });
  });

  it('answers an unknown id with NotFoundError', async () => {
    const alice = await t.newAccount('alice');
    expect(errorOf(await update(alice.apiKey, unknownEndpointId(), { description: 'x' }), 'NotFoundError')).toContain(
      unknownEndpointId(),
    );
    errorOf(await update(alice.apiKey, 'not-an-id', { description: 'x' }), 'NotFoundError');
  });
});

// ---------------------------------------------------------------------------------------------

describe('eventTypes query', () => {
  it('lists every type of DESIGN.md once, each with a description, a JSON Schema and an example valid against it', async () => {
    const alice = await t.newAccount('alice');
    const result = await t.gql(EventTypes, {}, alice.apiKey);
    expect(result.errors).toBeUndefined();
    const types = result.data!.eventTypes;
    const names = types.map((type) => type.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of EVERY_TYPE_IN_DESIGN) expect(names).toContain(name);

    const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
    ajvFormats.default(ajv);
    for (const type of types) {
      expect(type.description, type.name).toMatch(/\S/);
      expect(type.schema, type.name).toBeTypeOf('object');
      expect(type.example, type.name).toBeTypeOf('object');
      expect(type.example, type.name).not.toBeNull();
      const validate = ajv.compile(type.schema as object);
      expect(validate(type.example), `${type.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('every listed type is accepted as an endpoint event type', async () => {
    const alice = await t.newAccount('alice');
    const result = await t.gql(EventTypes, {}, alice.apiKey);
    const names = result.data!.eventTypes.map((type) => type.name);
    const created = await createOk(alice.apiKey, { eventTypes: names });
    expect(created.eventTypes).toEqual(names);
  });
});

// ---------------------------------------------------------------------------------------------

describe('rotateEndpointSecret', () => {
  it('issues a new secret and keeps the old one live for the grace period', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    expect(await retiredSecrets(created.id)).toEqual([]);

    const before = Date.now();
    const rotated = success(await rotate(alice.apiKey, created.id, 3600));
    const after = Date.now();

    expect(rotated.id).toBe(created.id);
    expect(rotated.signingSecret).toMatch(/^whsec_/);
    expect(Buffer.from(rotated.signingSecret.slice(6), 'base64').length).toBe(32);
    expect(rotated.signingSecret).not.toBe(created.signingSecret);
    expect((await get(alice.apiKey, created.id))?.signingSecret).toBe(rotated.signingSecret);

    const stored = await row(created.id);
    expect(sealer.open(stored?.signing_secret as string)).toBe(rotated.signingSecret);
    const retired = await retiredSecrets(created.id);
    expect(retired).toHaveLength(1);
    expect(retired[0]!.secret).toBe(created.signingSecret);
    const expiresAt = Date.parse(retired[0]!.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 3600_000 + 1000);
  });

  it('keeps the old secret for 24 hours when no grace period is given', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    const before = Date.now();
    success(await rotate(alice.apiKey, created.id));
    const after = Date.now();
    const retired = await retiredSecrets(created.id);
    expect(retired.map((r) => r.secret)).toEqual([created.signingSecret]);
    const expiresAt = Date.parse(retired[0]!.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 86_400_000 + 1000);
  });

  it('keeps every secret still in its grace period when rotating twice', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    const first = success(await rotate(alice.apiKey, created.id, 600));
    const second = success(await rotate(alice.apiKey, created.id, 600));
    expect(new Set([created.signingSecret, first.signingSecret, second.signingSecret]).size).toBe(3);
    const now = Date.now();
    const live = (await retiredSecrets(created.id)).filter((r) => Date.parse(r.expiresAt) > now).map((r) => r.secret);
    expect(live.sort()).toEqual([created.signingSecret, first.signingSecret].sort());
  });

  it('retires the old secret at once with gracePeriodSeconds: 0', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    const rotated = success(await rotate(alice.apiKey, created.id, 0));
    expect(rotated.signingSecret).not.toBe(created.signingSecret);
    const now = Date.now();
    const stillLive = (await retiredSecrets(created.id)).filter((r) => Date.parse(r.expiresAt) > now);
    expect(stillLive).toEqual([]);
  });

  it('accepts the longest grace period, 7 days', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    success(await rotate(alice.apiKey, created.id, 7 * 86_400));
    const [retired] = await retiredSecrets(created.id);
    expect(Date.parse(retired!.expiresAt)).toBeGreaterThan(Date.now() + 7 * 86_400_000 - 60_000);
  });

  it.each([-1, 7 * 86_400 + 1, 2_000_000_000])(
    'refuses gracePeriodSeconds %d with a ValidationError at gracePeriodSeconds, and keeps the secret',
    async (grace) => {
      const alice = await t.newAccount('alice');
      const created = await createOk(alice.apiKey);
      const storedBefore = await row(created.id);
      expect(invalidPaths(await rotate(alice.apiKey, created.id, grace))).toEqual(['gracePeriodSeconds']);
      expect(await row(created.id)).toEqual(storedBefore);
      expect((await get(alice.apiKey, created.id))?.signingSecret).toBe(created.signingSecret);
    },
  );

  it('answers an unknown id with NotFoundError', async () => {
    const alice = await t.newAccount('alice');
    errorOf(await rotate(alice.apiKey, unknownEndpointId(), 60), 'NotFoundError');
  });
});

// ---------------------------------------------------------------------------------------------

describe('hub.challenge handshake', () => {
  it('saves the endpoint when the URL echoes the challenge, after one GET with mode, challenge and token', async () => {
    const alice = await t.newAccount('alice');
    const { url, path } = hubUrl('ok', '?tenant=42');
    const created = success(await create(t, alice.apiKey, { url, verifyToken: HUB_TOKEN }));
    expect(created.url).toBe(url);

    const seen = requestsTo(path);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.query.get('hub.mode')).toBe('subscribe');
    expect(seen[0]!.query.get('hub.verify_token')).toBe(HUB_TOKEN);
    expect(seen[0]!.query.get('hub.challenge')).toMatch(/^\S{8,}$/);
    expect(seen[0]!.query.get('tenant')).toBe('42'); // the URL's own query survives
    expect(await countOf(alice.apiKey)).toBe(1);
  });

  it('sends a different challenge each time', async () => {
    const alice = await t.newAccount('alice');
    const { url, path } = hubUrl('ok');
    success(await create(t, alice.apiKey, { url, verifyToken: HUB_TOKEN }));
    success(await create(t, alice.apiKey, { url, verifyToken: HUB_TOKEN }));
    const challenges = requestsTo(path).map((r) => r.query.get('hub.challenge'));
    expect(challenges).toHaveLength(2);
    expect(challenges[0]).not.toBe(challenges[1]);
  });

  it('makes no request at all without a verifyToken', async () => {
    const alice = await t.newAccount('alice');
    const { url, path } = hubUrl('ok');
    success(await create(t, alice.apiKey, { url }));
    expect(requestsTo(path)).toHaveLength(0);
  });

  it('refuses a reply whose body is not the challenge: VerificationError, nothing saved', async () => {
    const alice = await t.newAccount('alice');
    await createOk(alice.apiKey); // something already stored, which must stay
    const { url, path } = hubUrl('wrong');
    const message = errorOf(await create(t, alice.apiKey, { url, verifyToken: HUB_TOKEN }), 'VerificationError');
    expect(message).toMatch(/challenge/);
    expect(requestsTo(path)).toHaveLength(1);
    expect(await countOf(alice.apiKey)).toBe(1);
  });

  it('wants exactly the challenge: the challenge plus a newline is refused', async () => {
    const alice = await t.newAccount('alice');
    const { url, path } = hubUrl('padded');
    errorOf(await create(t, alice.apiKey, { url, verifyToken: HUB_TOKEN }), 'VerificationError');
    expect(requestsTo(path)).toHaveLength(1);
    expect(await countOf(alice.apiKey)).toBe(0);
  });

  it('does not follow a redirect: a 302 is a VerificationError naming the status', async () => {
    const alice = await t.newAccount('alice');
    const { url, path } = hubUrl('redirect');
    expect(errorOf(await create(t, alice.apiKey, { url, verifyToken: HUB_TOKEN }), 'VerificationError')).toMatch(/302/);
    expect(requestsTo(path)).toHaveLength(1);
    expect(requestsTo(path.replace('/redirect/', '/ok/'))).toHaveLength(0);
    expect(await countOf(alice.apiKey)).toBe(0);
  });

  it('refuses a 403 (e.g. a wrong token) with a VerificationError naming the status, nothing saved', async () => {
    const alice = await t.newAccount('alice');
    const forbidden = hubUrl('forbidden');
    expect(errorOf(await create(t, alice.apiKey, { url: forbidden.url, verifyToken: HUB_TOKEN }), 'VerificationError')).toMatch(/403/);
    // The receiver itself answers 403 when the token does not match.
    const ok = hubUrl('ok');
    expect(errorOf(await create(t, alice.apiKey, { url: ok.url, verifyToken: 'not-the-token' }), 'VerificationError')).toMatch(/403/);
    expect(requestsTo(ok.path)[0]!.query.get('hub.verify_token')).toBe('not-the-token');
    expect(await countOf(alice.apiKey)).toBe(0);
  });

  it('gives up on a receiver that never answers after timeoutMs, with a VerificationError saying it timed out', async () => {
    const alice = await t.newAccount('alice');
    const { url, path } = hubUrl('hang');
    const started = Date.now();
    const result = await create(t, alice.apiKey, { url, verifyToken: HUB_TOKEN, timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(errorOf(result, 'VerificationError')).toMatch(/timed out/);
    expect(elapsed).toBeLessThan(2000);
    expect(requestsTo(path)).toHaveLength(1);
    expect(await countOf(alice.apiKey)).toBe(0);
  });

  it('refuses a URL nobody listens on with a VerificationError, nothing saved', async () => {
    const alice = await t.newAccount('alice');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await create(t, alice.apiKey, { url: `http://127.0.0.1:${port}/hook`, verifyToken: HUB_TOKEN, timeoutMs: 2000 });
    errorOf(result, 'VerificationError');
    expect(await countOf(alice.apiKey)).toBe(0);
  });

  it('runs on updateEndpoint too: a failed handshake keeps the old URL, a good one saves the new URL', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);

    const wrong = hubUrl('wrong');
    const failed = await update(alice.apiKey, created.id, { url: wrong.url, description: 'moved', verifyToken: HUB_TOKEN });
    errorOf(failed, 'VerificationError');
    expect(requestsTo(wrong.path)).toHaveLength(1);
    expect(await get(alice.apiKey, created.id)).toEqual(created);

    const ok = hubUrl('ok');
    const updated = success(await update(alice.apiKey, created.id, { url: ok.url, verifyToken: HUB_TOKEN }));
    expect(updated.url).toBe(ok.url);
    const seen = requestsTo(ok.path);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.query.get('hub.mode')).toBe('subscribe');
    expect(seen[0]!.query.get('hub.verify_token')).toBe(HUB_TOKEN);
  });

  it('on update with a token but no new URL, verifies the current URL', async () => {
    const alice = await t.newAccount('alice');
    const ok = hubUrl('ok');
    const created = await createOk(alice.apiKey, { url: ok.url });
    expect(requestsTo(ok.path)).toHaveLength(0);
    success(await update(alice.apiKey, created.id, { description: 'verified', verifyToken: HUB_TOKEN }));
    expect(requestsTo(ok.path)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('pauseEndpoint and resumeEndpoint', () => {
  it('pauses with pausedAt and pauseReason, filters by status, and resumes to ACTIVE with both cleared', async () => {
    const alice = await t.newAccount('alice');
    const keep = await createOk(alice.apiKey, { description: 'stays active' });
    const target = await createOk(alice.apiKey, { description: 'to pause' });

    const before = Date.now();
    const paused = success(await pause(alice.apiKey, target.id));
    expect(paused.status).toBe('PAUSED');
    expect(paused.pauseReason).toMatch(/\S/);
    expect(Date.parse(paused.pausedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(paused.pausedAt!)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await get(alice.apiKey, target.id)).toEqual(paused);

    const pausedList = await list(alice.apiKey, { status: 'PAUSED' });
    expect(pausedList.totalCount).toBe(1);
    expect(pausedList.edges.map((e) => e.node.id)).toEqual([target.id]);
    const activeList = await list(alice.apiKey, { status: 'ACTIVE' });
    expect(activeList.totalCount).toBe(1);
    expect(activeList.edges.map((e) => e.node.id)).toEqual([keep.id]);
    expect((await list(alice.apiKey, { status: 'DISABLED' })).totalCount).toBe(0);
    expect((await list(alice.apiKey)).totalCount).toBe(2);

    const resumed = success(await resume(alice.apiKey, target.id));
    expect(resumed).toMatchObject({ id: target.id, status: 'ACTIVE', pausedAt: null, pauseReason: null });
    expect(await get(alice.apiKey, target.id)).toEqual(resumed);
    expect((await list(alice.apiKey, { status: 'PAUSED' })).totalCount).toBe(0);
    expect((await list(alice.apiKey, { status: 'ACTIVE' })).totalCount).toBe(2);

    // Nothing else about the endpoint changed on the way.
    const { status: _s, pausedAt: _p, pauseReason: _r, updatedAt: _u, ...settings } = target;
    expect(resumed).toMatchObject(settings);
  });

  it('pausing a paused endpoint keeps its first pausedAt; resuming an active one leaves it ACTIVE', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    const first = success(await pause(alice.apiKey, created.id));
    const again = success(await pause(alice.apiKey, created.id));
    expect(again.status).toBe('PAUSED');
    expect(again.pausedAt).toBe(first.pausedAt);
    success(await resume(alice.apiKey, created.id));
    const stillActive = success(await resume(alice.apiKey, created.id));
    expect(stillActive).toMatchObject({ status: 'ACTIVE', pausedAt: null, pauseReason: null });
  });

  it('answers an unknown id with NotFoundError', async () => {
    const alice = await t.newAccount('alice');
    errorOf(await pause(alice.apiKey, unknownEndpointId()), 'NotFoundError');
    errorOf(await resume(alice.apiKey, unknownEndpointId()), 'NotFoundError');
  });
});

// ---------------------------------------------------------------------------------------------

describe('deleteEndpoint', () => {
  it('removes the endpoint, and a second delete is NotFoundError', async () => {
    const alice = await t.newAccount('alice');
    const other = await createOk(alice.apiKey, { description: 'other' });
    const doomed = await createOk(alice.apiKey, { description: 'doomed' });

    expect(await remove(alice.apiKey, doomed.id)).toEqual({ __typename: 'DeleteEndpointSuccess', deletedId: doomed.id });
    expect(await get(alice.apiKey, doomed.id)).toBeNull();
    const node = await t.gql(NodeEndpoint, { id: doomed.id }, alice.apiKey);
    expect(node.errors).toBeUndefined();
    expect(node.data?.node).toBeNull();
    const page = await list(alice.apiKey);
    expect(page.totalCount).toBe(1);
    expect(page.edges.map((e) => e.node.id)).toEqual([other.id]);
    expect(await row(doomed.id)).toBeUndefined();

    const again = await remove(alice.apiKey, doomed.id);
    expect(again.__typename).toBe('NotFoundError');
    // The other endpoint is untouched.
    expect(await get(alice.apiKey, other.id)).toEqual(other);
  });

  it('also removes a paused endpoint', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    success(await pause(alice.apiKey, created.id));
    expect((await remove(alice.apiKey, created.id)).__typename).toBe('DeleteEndpointSuccess');
    expect(await get(alice.apiKey, created.id)).toBeNull();
  });

  it('answers an unknown or malformed id with NotFoundError', async () => {
    const alice = await t.newAccount('alice');
    expect((await remove(alice.apiKey, unknownEndpointId())).__typename).toBe('NotFoundError');
    expect((await remove(alice.apiKey, 'garbage')).__typename).toBe('NotFoundError');
  });
});

// ---------------------------------------------------------------------------------------------

describe('tenant isolation', () => {
  let alice: Account;
  let bob: Account;
  let alices: Endpoint;

  beforeAll(async () => {
    alice = await t.newAccount('alice');
    bob = await t.newAccount('bob');
    alices = await createOk(alice.apiKey, { description: "alice's", headers: { 'X-Api-Key': 'alice-secret' } });
  });

  /** Alice's endpoint exactly as it was created: nothing Bob did reached it. */
  async function expectAlicesUnchanged(): Promise<void> {
    expect(await get(alice.apiKey, alices.id)).toEqual(alices);
    expect(await retiredSecrets(alices.id)).toEqual([]);
  }

  it("bob cannot read alice's endpoint through endpoint(id), node(id) or endpoints", async () => {
    expect(await get(bob.apiKey, alices.id)).toBeNull();
    const node = await t.gql(NodeEndpoint, { id: alices.id }, bob.apiKey);
    expect(node.errors).toBeUndefined();
    expect(node.data?.node).toBeNull();
    const page = await list(bob.apiKey);
    expect(page.totalCount).toBe(0);
    expect(page.edges).toEqual([]);
    for (const status of ['ACTIVE', 'PAUSED', 'DISABLED'] as const) {
      expect((await list(bob.apiKey, { status })).totalCount).toBe(0);
    }
    // Bob's own endpoints do not make alice's visible either.
    const bobs = await createOk(bob.apiKey);
    expect((await list(bob.apiKey)).edges.map((e) => e.node.id)).toEqual([bobs.id]);
  });

  it("bob's updateEndpoint on alice's endpoint is NotFoundError and changes nothing", async () => {
    errorOf(await update(bob.apiKey, alices.id, { description: 'pwned', url: `${hubBase}/plain/bob` }), 'NotFoundError');
    // Even with bad input, bob learns nothing beyond "not found".
    errorOf(await update(bob.apiKey, alices.id, { timeoutMs: 1 }), 'NotFoundError');
    await expectAlicesUnchanged();
  });

  it("bob's updateEndpoint with a verifyToken on alice's endpoint makes no request", async () => {
    const ok = hubUrl('ok');
    errorOf(await update(bob.apiKey, alices.id, { url: ok.url, verifyToken: HUB_TOKEN }), 'NotFoundError');
    expect(requestsTo(ok.path)).toHaveLength(0);
    await expectAlicesUnchanged();
  });

  it("bob's rotateEndpointSecret on alice's endpoint is NotFoundError and keeps her secret", async () => {
    errorOf(await rotate(bob.apiKey, alices.id, 60), 'NotFoundError');
    errorOf(await rotate(bob.apiKey, alices.id), 'NotFoundError');
    await expectAlicesUnchanged();
  });

  it("bob's pauseEndpoint on alice's endpoint is NotFoundError and it stays ACTIVE", async () => {
    errorOf(await pause(bob.apiKey, alices.id), 'NotFoundError');
    await expectAlicesUnchanged();
  });

  it("bob's resumeEndpoint on alice's paused endpoint is NotFoundError and it stays PAUSED", async () => {
    const pausedOne = await createOk(alice.apiKey, { description: "alice's paused one" });
    const paused = success(await pause(alice.apiKey, pausedOne.id));
    errorOf(await resume(bob.apiKey, pausedOne.id), 'NotFoundError');
    expect(await get(alice.apiKey, pausedOne.id)).toEqual(paused);
  });

  it("bob's deleteEndpoint on alice's endpoint is NotFoundError and it still exists", async () => {
    expect((await remove(bob.apiKey, alices.id)).__typename).toBe('NotFoundError');
    await expectAlicesUnchanged();
    expect((await list(alice.apiKey)).edges.map((e) => e.node.id)).toContain(alices.id);
  });
});

// ---------------------------------------------------------------------------------------------

describe('endpoints connection', () => {
  it('pages through 25 endpoints 10 at a time, newest first, each exactly once', async () => {
    const alice = await t.newAccount('pager');
    const createdIds: string[] = [];
    for (let i = 0; i < 25; i++) createdIds.push((await createOk(alice.apiKey, { description: `endpoint ${i}` })).id);
    const newestFirst = [...createdIds].reverse();

    const seen: string[] = [];
    const pageSizes: number[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const connection: Awaited<ReturnType<typeof list>> = await list(alice.apiKey, { first: 10, after });
      expect(connection.totalCount).toBe(25);
      if (page === 0) expect(connection.pageInfo.hasPreviousPage).toBe(false);
      pageSizes.push(connection.edges.length);
      hasNext.push(connection.pageInfo.hasNextPage);
      seen.push(...connection.edges.map((e) => e.node.id));
      if (connection.edges.length > 0) {
        expect(connection.pageInfo.startCursor).toBe(connection.edges[0]!.cursor);
        expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)!.cursor);
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor ?? null;
      expect(after).toBeTruthy();
    }

    expect(pageSizes).toEqual([10, 10, 5]);
    expect(hasNext).toEqual([true, true, false]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(newestFirst);
  });

  it('pages a status filter with its own totalCount', async () => {
    const alice = await t.newAccount('pager');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createOk(alice.apiKey)).id);
    for (const id of [ids[0]!, ids[2]!, ids[4]!]) success(await pause(alice.apiKey, id));

    const first = await list(alice.apiKey, { status: 'PAUSED', first: 2 });
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list(alice.apiKey, { status: 'PAUSED', first: 2, after: first.pageInfo.endCursor });
    expect(second.totalCount).toBe(3);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...second.edges].map((e) => e.node.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect([...first.edges, ...second.edges].every((e) => e.node.status === 'PAUSED')).toBe(true);

    const active = await list(alice.apiKey, { status: 'ACTIVE' });
    expect(active.totalCount).toBe(2);
    expect(active.edges.map((e) => e.node.id)).toEqual([ids[3], ids[1]]);
  });

  it('answers an account with no endpoints with an empty connection', async () => {
    const alice = await t.newAccount('empty');
    const connection = await list(alice.apiKey, { first: 10 });
    expect(connection).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      edges: [],
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('without an API key', () => {
  it('answers every endpoint query and mutation with UNAUTHENTICATED and changes nothing', async () => {
    const alice = await t.newAccount('alice');
    const created = await createOk(alice.apiKey);
    const id = created.id;
    const operations: [string, () => Promise<{ errors?: readonly { extensions?: Record<string, unknown> }[]; status: number }>][] = [
      ['endpoints', () => t.gql(ListEndpoints, { first: 10 }, null)],
      ['endpoint', () => t.gql(GetEndpoint, { id }, null)],
      ['node', () => t.gql(NodeEndpoint, { id }, null)],
      ['createEndpoint', () => t.gql(CreateEndpoint, { input: input() }, null)],
      ['updateEndpoint', () => t.gql(UpdateEndpoint, { id, input: { description: 'anonymous' } }, null)],
      ['rotateEndpointSecret', () => t.gql(RotateSecret, { id, gracePeriodSeconds: 0 }, null)],
      ['pauseEndpoint', () => t.gql(PauseEndpoint, { id }, null)],
      ['resumeEndpoint', () => t.gql(ResumeEndpoint, { id }, null)],
      ['deleteEndpoint', () => t.gql(DeleteEndpoint, { id }, null)],
    ];
    for (const [name, run] of operations) {
      const result = await run();
      expect(result.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
      expect(result.status, name).toBe(401);
    }
    expect(await get(alice.apiKey, id)).toEqual(created);
    expect(await countOf(alice.apiKey)).toBe(1);
    expect(await retiredSecrets(id)).toEqual([]);
  });
});
