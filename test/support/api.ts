// Small helpers that several test files share: endpoints, publishing (one or many), deliveries with
// their attempts, pause/resume/retry, and a pg pool per test database for looking where the API
// shows less (lanes). They send packages/client's typed operations; the two documents below are the
// selections no client operation has (an endpoint's deliveries with their attempts, a published
// batch with its payloads). Every helper throws with the whole response when the API answers
// something other than success, so a test fails where it went wrong.
import pg from 'pg';
import { graphql } from '../generated/index.ts';
import {
  CreateEndpointDocument as CreateEndpoint,
  type CreateEndpointInput,
  DeliveryDocument as GetDelivery,
  PauseEndpointDocument as Pause,
  PublishEventDocument as Publish,
  type PublishEventInput,
  ResumeEndpointDocument as Resume,
  RetryDeliveryDocument as Retry,
} from '../../packages/client/src/generated/graphql.ts';
import type { SupportDeliveryFragment, SupportEndpointDeliveriesQuery } from '../generated/graphql.ts';
import type { TestApp } from './app.ts';
import { waitUntil } from './wait.ts';

graphql(`
  fragment SupportDelivery on Delivery {
    id
    status
    attemptCount
    nextAttemptAt
    completedAt
    event {
      id
      type
    }
    endpoint {
      id
    }
    attempts {
      id
      attemptNumber
      trigger
      outcome
      startedAt
      responseStatus
      willRetry
      error
    }
  }
`);

export const PublishMany = graphql(`
  mutation SupportPublishMany($inputs: [PublishEventInput!]!) {
    publishEvents(inputs: $inputs) {
      __typename
      ... on PublishEventsSuccess {
        events {
          id
          type
          sessionId
          payload
          deliveries {
            id
            endpoint {
              id
            }
          }
        }
      }
      ... on ValidationError {
        message
        fieldErrors {
          path
          message
        }
      }
    }
  }
`);

const EndpointDeliveries = graphql(`
  query SupportEndpointDeliveries($id: ID!, $after: String) {
    endpoint(id: $id) {
      status
      deliveries(first: 100, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            ...SupportDelivery
          }
        }
      }
    }
  }
`);

export type Delivery = SupportDeliveryFragment;

export async function createEndpoint(app: TestApp, key: string, input: CreateEndpointInput) {
  const result = await app.gql(CreateEndpoint, { input }, key);
  const created = result.data?.createEndpoint;
  if (created?.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint failed: ${JSON.stringify(result)}`);
  return created.endpoint;
}

const example = {
  messageId: 'wamid.test',
  from: '15551234567',
  contactName: 'Test',
  messageType: 'text',
  content: { text: 'hello' },
  timestamp: '2026-12-02T00:00:00.000Z',
};

/** A valid message.received input; `n` makes its messageId unique. */
export function messageReceived(n: number, extra: Partial<PublishEventInput> = {}): PublishEventInput {
  return { type: 'message.received', data: { ...example, messageId: `wamid.test.${n}` }, ...extra };
}

export async function publish(app: TestApp, key: string, input: PublishEventInput): Promise<string> {
  const result = await app.gql(Publish, { input }, key);
  const published = result.data?.publishEvent;
  if (published?.__typename !== 'PublishEventSuccess') throw new Error(`publishEvent failed: ${JSON.stringify(result)}`);
  return published.event.id;
}

export async function publishMany(app: TestApp, key: string, inputs: PublishEventInput[]) {
  const result = await app.gql(PublishMany, { inputs }, key);
  const published = result.data?.publishEvents;
  if (published?.__typename !== 'PublishEventsSuccess') throw new Error(`publishEvents failed: ${JSON.stringify(result).slice(0, 2000)}`);
  return published.events;
}

export async function getDelivery(app: TestApp, key: string, id: string): Promise<Delivery> {
  const result = await app.gql(GetDelivery, { id }, key);
  if (!result.data?.delivery) throw new Error(`delivery ${id} not found: ${JSON.stringify(result)}`);
  return result.data.delivery;
}

/** Every delivery of an endpoint, newest first. */
export async function endpointDeliveries(app: TestApp, key: string, id: string): Promise<Delivery[]> {
  const all: Delivery[] = [];
  let after: string | null = null;
  for (;;) {
    const result: Awaited<ReturnType<typeof app.gql<SupportEndpointDeliveriesQuery, unknown>>> = await app.gql(EndpointDeliveries, { id, after }, key);
    const connection = result.data?.endpoint?.deliveries;
    if (!connection) throw new Error(`endpoint ${id}: ${JSON.stringify(result)}`);
    all.push(...connection.edges.map((e) => e.node));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor ?? null;
  }
  return all;
}

export async function waitForDelivery(app: TestApp, key: string, id: string, done: (d: Delivery) => boolean = (d) => d.status !== 'PENDING', timeoutMs = 20_000) {
  return waitUntil(`delivery ${id}`, async () => {
    const delivery = await getDelivery(app, key, id);
    return done(delivery) ? delivery : null;
  }, timeoutMs, 100);
}

export async function pauseEndpoint(app: TestApp, key: string, id: string): Promise<void> {
  const result = await app.gql(Pause, { id }, key);
  if (result.data?.pauseEndpoint.__typename !== 'EndpointSuccess') throw new Error(`pause failed: ${JSON.stringify(result)}`);
}

export async function resumeEndpoint(app: TestApp, key: string, id: string): Promise<void> {
  const result = await app.gql(Resume, { id }, key);
  if (result.data?.resumeEndpoint.__typename !== 'EndpointSuccess') throw new Error(`resume failed: ${JSON.stringify(result)}`);
}

export async function retryDelivery(app: TestApp, key: string, id: string): Promise<void> {
  const result = await app.gql(Retry, { id }, key);
  if (result.data?.retryDelivery.__typename !== 'DeliverySuccess') throw new Error(`retry failed: ${JSON.stringify(result)}`);
}

const pools = new Map<string, pg.Pool>();

/** SQL on the app's database, for what the API does not show (lanes, counts over many rows). */
export async function sql<R extends Record<string, unknown> = Record<string, any>>(app: TestApp, text: string, params: unknown[] = []): Promise<R[]> {
  let pool = pools.get(app.db.url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: app.db.url, max: 2 });
    pool.on('error', () => {}); // a database dropped under an idle client must not crash the run
    pools.set(app.db.url, pool);
  }
  return (await pool.query(text, params)).rows as R[];
}

/** Ends the SQL pool of the app's database (before the database is dropped). */
export async function closeSql(app: TestApp): Promise<void> {
  const pool = pools.get(app.db.url);
  pools.delete(app.db.url);
  await pool?.end();
}

/** Waits until the endpoint's lane is given back by every worker; returns when it is next due. */
export async function laneAtRest(app: TestApp, endpointId: string, timeoutMs = 20_000): Promise<{ ready_at: Date | null }> {
  return waitUntil(`the lane of ${endpointId} given back`, async () => {
    const [lane] = await sql<{ ready_at: Date | null; leased_by: string | null }>(app, 'SELECT ready_at, leased_by FROM endpoint_lane WHERE endpoint_id = $1', [endpointId]);
    return lane && lane.leased_by === null ? { ready_at: lane.ready_at } : undefined;
  }, timeoutMs);
}

/** A raw GraphQL answer over HTTP: its status beside the body, for tests of refusals and headers. */
export interface HttpAnswer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** One GraphQL request over HTTP with a credential (an API key, the admin key, a portal session) and, when given, Hookwire-Account. */
export async function gqlOverHttp(app: Pick<TestApp, 'url'>, query: string, variables: Record<string, unknown>, credential: string | null, account?: string): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credential) headers.authorization = `Bearer ${credential}`;
  if (account !== undefined) headers['hookwire-account'] = account;
  const response = await fetch(app.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, ...((await response.json()) as object) };
}
