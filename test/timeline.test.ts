// The two Endpoint fields the dashboard added: timeline (attempts per hour, one grouped query for a
// whole list, scoped to the account) and retiredSecrets (the rotated-out secrets still signing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.ts';
import { CreateEndpointDocument as CreateEndpoint, SendTestEventDocument as SendTest } from '../packages/client/src/generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';
import { endpointTimelines, timelineWindow } from '../src/domain/timeline.ts';

const Timelines = graphql(`
  query TimelineOfEndpoints($hours: Int!) {
    endpoints(first: 10) {
      edges {
        node {
          id
          stats {
            total
            pending
          }
          timeline(hours: $hours) {
            hour
            attempts
            succeeded
            failed
            successRate
          }
        }
      }
    }
  }
`);

const Rotate = graphql(`
  mutation TimelineRotate($id: ID!, $grace: Int) {
    rotateEndpointSecret(id: $id, gracePeriodSeconds: $grace) {
      __typename
      ... on EndpointSuccess {
        endpoint {
          signingSecret
          retiredSecrets {
            secret
            expiresAt
          }
        }
      }
    }
  }
`);

let t: TestApp;
let receiver: Receiver;
let key: string;
let accountId: string;
const sqlSeen: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ role: 'all', onQuery: (sql) => sqlSeen.push(sql) });
  receiver = await startReceiver((request) => (request.url.includes('fail') ? { status: 500, body: 'down' } : { status: 200, body: 'ok' }));
  ({ apiKey: key, accountId } = await t.newAccount('timeline'));
});

afterAll(async () => {
  await receiver?.close();
  await t?.stop();
});

async function createEndpoint(url: string) {
  const result = await t.gql(CreateEndpoint, { input: { url, description: 'timeline', eventTypes: ['*'] } }, key);
  const created = result.data?.createEndpoint;
  if (created?.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(result));
  return created.endpoint;
}

describe('Endpoint.timeline', () => {
  it('counts attempts per hour for every endpoint of a page with one grouped query', async () => {
    const ok = await createEndpoint(receiver.url);
    const failing = await createEndpoint(`${receiver.url}?fail=1`);
    for (const id of [ok.id, ok.id, failing.id]) {
      expect((await t.gql(SendTest, { endpointId: id }, key)).data?.sendTestEvent.__typename).toBe('DeliverySuccess');
    }
    await receiver.waitFor(3);
    // Attempts are recorded after the reply: wait until no first attempt is outstanding.
    await waitUntil('three recorded attempts', async () => {
      const timelines = await endpointTimelines(t.app.services.db, accountId, [ok.id, failing.id], 24);
      return [...timelines.values()].flat().reduce((n, b) => n + b.attempts, 0) === 3;
    });

    sqlSeen.length = 0;
    const result = await t.gql(Timelines, { hours: 24 }, key);
    expect(result.errors).toBeUndefined();
    expect(sqlSeen.filter((sql) => sql.includes('attempt_hour_count'))).toHaveLength(1);

    const nodes = new Map(result.data!.endpoints.edges.map((e) => [e.node.id, e.node.timeline]));
    const { from, to } = timelineWindow(24, new Date());
    for (const timeline of nodes.values()) {
      expect(timeline).toHaveLength(24);
      expect(timeline[0]!.hour).toBe(from.toISOString());
      expect(timeline[23]!.hour).toBe(to.toISOString());
      expect(timeline.slice(0, 23).every((b) => b.attempts === 0 && b.successRate === null)).toBe(true);
    }
    expect(nodes.get(ok.id)![23]).toMatchObject({ attempts: 2, succeeded: 2, failed: 0, successRate: 1 });
    expect(nodes.get(failing.id)![23]).toMatchObject({ attempts: 1, succeeded: 0, failed: 1, successRate: 0 });

    // Another account's view of the same ids: nothing.
    const other = await t.newAccount('someone else');
    const theirs = await endpointTimelines(t.app.services.db, other.accountId, [ok.id], 24);
    expect(theirs.get(ok.id)!.every((b) => b.attempts === 0)).toBe(true);
  });

  it('is bounded: 1 to 168 hours', async () => {
    expect((await t.gql(Timelines, { hours: 3 }, key)).data!.endpoints.edges[0]!.node.timeline).toHaveLength(3);
    const tooMany = await t.gql(Timelines, { hours: 169 }, key);
    expect(tooMany.errors?.[0]?.message).toMatch(/hours must be from 1 to 168/);
  });
});

describe('Endpoint.retiredSecrets', () => {
  it('lists the rotated-out secrets while they still sign, and none rotated out without grace', async () => {
    const endpoint = await createEndpoint(receiver.url);
    const first = await t.gql(Rotate, { id: endpoint.id, grace: 3600 }, key);
    const rotated = first.data?.rotateEndpointSecret;
    if (rotated?.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(first));
    expect(rotated.endpoint.signingSecret).not.toBe(endpoint.signingSecret);
    expect(rotated.endpoint.retiredSecrets).toEqual([{ secret: endpoint.signingSecret, expiresAt: expect.any(String) }]);
    const expires = Date.parse(rotated.endpoint.retiredSecrets[0]!.expiresAt) - Date.now();
    expect(expires).toBeGreaterThan(3500_000);
    expect(expires).toBeLessThanOrEqual(3600_000);

    const second = await t.gql(Rotate, { id: endpoint.id, grace: 0 }, key);
    const again = second.data?.rotateEndpointSecret;
    if (again?.__typename !== 'EndpointSuccess') throw new Error(JSON.stringify(second));
    expect(again.endpoint.retiredSecrets.map((r) => r.secret)).toEqual([endpoint.signingSecret]);
  });
});
