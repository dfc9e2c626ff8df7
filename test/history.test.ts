// The read side as a client sees it: delivery history after real attempts (stats, filters,
// attempts in full), cursor pagination that stays stable while events keep arriving, a bounded
// number of SQL statements per history query, and tenant isolation of every history read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { graphql } from './generated/index.ts';
import {
  CreateEndpointDocument as CreateEndpoint,
  DeliveriesDocument as Deliveries,
  NodeDocument as NodeById,
  PublishEventDocument as PublishEvent,
} from '../packages/client/src/generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { findEventType } from '../src/domain/catalog.ts';
import { sleep, waitUntil } from './support/wait.ts';

// ---------------------------------------------------------------------------------------------
// Operations: packages/client's, and the selections it has none of: an endpoint's stats and
// deliveries, events with their cursors, an event's or a delivery's attempts in full, and the
// deep selections whose SQL statements the N+1 tests count.

const EndpointStats = graphql(`
  query HistEndpointStats($id: ID!, $since: DateTime, $first: Int, $status: DeliveryStatus, $eventType: String) {
    endpoint(id: $id) {
      id
      status
      stats(since: $since) {
        total
        succeeded
        failed
        pending
        successRate
      }
      deliveries(first: $first, status: $status, eventType: $eventType) {
        totalCount
        stats {
          total
          succeeded
          failed
          pending
          successRate
        }
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            id
            status
            event {
              type
            }
            endpoint {
              id
            }
          }
        }
      }
    }
  }
`);

const Events = graphql(`
  query HistEvents($first: Int, $after: String, $type: String, $sessionId: String) {
    events(first: $first, after: $after, type: $type, sessionId: $sessionId) {
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
          type
          sessionId
        }
      }
    }
  }
`);

const EventDetail = graphql(`
  query HistEventDetail($id: ID!) {
    event(id: $id) {
      id
      type
      sessionId
      createdAt
      data
      payload
      deliveries {
        id
        status
        attemptCount
        completedAt
        endpoint {
          id
        }
        attempts {
          id
          attemptNumber
          outcome
          responseStatus
          requestHeaders
          requestBody
          responseBody
          durationMs
          willRetry
          startedAt
          error
        }
      }
    }
  }
`);

const DeliveryDetail = graphql(`
  query HistDeliveryDetail($id: ID!) {
    delivery(id: $id) {
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
        outcome
        responseStatus
        willRetry
        delivery {
          id
        }
      }
    }
  }
`);

const NPlusOne = graphql(`
  query HistNPlusOne($first: Int) {
    deliveries(first: $first) {
      totalCount
      stats {
        total
      }
      edges {
        node {
          id
          status
          event {
            id
            type
            payload
          }
          endpoint {
            id
            url
          }
          attempts {
            id
            outcome
          }
        }
      }
    }
  }
`);

const NPlusOneEvents = graphql(`
  query HistNPlusOneEvents($first: Int) {
    events(first: $first) {
      totalCount
      edges {
        node {
          id
          payload
          deliveries {
            id
            status
            endpoint {
              id
            }
            attempts {
              id
              outcome
            }
          }
        }
      }
    }
  }
`);

const NPlusOneEndpoint = graphql(`
  query HistNPlusOneEndpoint($id: ID!, $first: Int) {
    endpoint(id: $id) {
      id
      deliveries(first: $first) {
        totalCount
        stats {
          total
        }
        edges {
          node {
            id
            event {
              id
              type
            }
            attempts {
              id
            }
          }
        }
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// Helpers.

type EndpointInput = {
  url: string;
  description?: string;
  eventTypes: string[];
  sessionIds?: string[];
  retrySchedule?: number[];
  timeoutMs?: number;
};

async function createEndpoint(t: TestApp, key: string, input: EndpointInput): Promise<string> {
  const result = await t.gql(CreateEndpoint, { input: { description: 'history test', ...input } }, key);
  expect(result.errors).toBeUndefined();
  const created = result.data?.createEndpoint;
  if (created?.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint failed: ${JSON.stringify(created)}`);
  return created.endpoint.id;
}

interface Published {
  id: string;
  type: string;
  sessionId: string | null;
  createdAt: string;
}

async function publish(t: TestApp, key: string, type: string, sessionId: string | null = null, data?: unknown): Promise<Published> {
  const definition = findEventType(type);
  if (!definition) throw new Error(`no such event type ${type}`);
  const result = await t.gql(PublishEvent, { input: { type, sessionId, data: data ?? definition.example } }, key);
  expect(result.errors).toBeUndefined();
  const published = result.data?.publishEvent;
  if (published?.__typename !== 'PublishEventSuccess') throw new Error(`publishEvent failed: ${JSON.stringify(published)}`);
  return published.event;
}



function stats(total: number, succeeded: number, failed: number, pending: number) {
  const finished = succeeded + failed;
  return { total, succeeded, failed, pending, successRate: finished === 0 ? null : succeeded / finished };
}

// ---------------------------------------------------------------------------------------------
// History after real attempts with a mix of outcomes.

describe('history after a mix of outcomes', () => {
  let t: TestApp;
  let other: { accountId: string; apiKey: string };
  let key: string;
  const receivers: Record<'ok' | 'flaky' | 'bad' | 'down', Receiver> = {} as never;
  const ep: Record<'ok' | 'flaky' | 'bad' | 'down', string> = {} as never;
  const events: Published[] = [];
  let since: string;

  beforeAll(async () => {
    t = await startTestApp({ role: 'all' });
    key = (await t.newAccount('history')).apiKey;
    other = await t.newAccount('someone else');
    // The scripted receivers: each decides by the attempt number, so the outcome of every
    // delivery is known in advance whatever the order the worker runs them in.
    receivers.ok = await startReceiver(() => ({ status: 200, body: 'ok-body' }));
    receivers.flaky = await startReceiver((request) =>
      request.headers['x-webhook-delivery-attempt'] === '1' ? { status: 500, body: 'flaky-fail' } : { status: 200, body: 'flaky-ok' },
    );
    receivers.bad = await startReceiver(() => ({ status: 400, body: 'bad-request' }));
    receivers.down = await startReceiver(() => ({ status: 500, body: 'down' }));

    ep.ok = await createEndpoint(t, key, { url: receivers.ok.url, eventTypes: ['message.*'], retrySchedule: [1] });
    ep.flaky = await createEndpoint(t, key, { url: receivers.flaky.url, eventTypes: ['message.*'], retrySchedule: [1] });
    ep.bad = await createEndpoint(t, key, { url: receivers.bad.url, eventTypes: ['message.received'], retrySchedule: [1] });
    ep.down = await createEndpoint(t, key, { url: receivers.down.url, eventTypes: ['session.*'], retrySchedule: [1] });

    // Before `since`: E0..E3; after: E4, E5.
    events.push(await publish(t, key, 'message.received', 's1'));
    events.push(await publish(t, key, 'message.received', 's1'));
    events.push(await publish(t, key, 'message.delivered', 's2'));
    events.push(await publish(t, key, 'session.disconnected', 's1'));
    await sleep(50);
    since = new Date().toISOString();
    await sleep(50);
    events.push(await publish(t, key, 'message.received', 's2'));
    events.push(await publish(t, key, 'message.delivered', 's2'));

    // Everything finishes: the flaky and down endpoints' retries come after ~1 s (+ the worker's
    // poll interval for future jobs).
    await waitUntil(
      'every delivery to finish',
      async () => {
        const result = await t.gql(Deliveries, { first: 1 }, key);
        const s = result.data?.deliveries.stats;
        return s && s.total === 14 && s.pending === 0 ? s : null;
      },
      40_000,
      200,
    );
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await Promise.all(Object.values(receivers).map((r) => r.close()));
  });

  // The expected history, from the scripted receivers:
  //   ok:    5 message.* events, each SUCCEEDED at the first attempt
  //   flaky: 5 message.* events, each SUCCEEDED at the second attempt
  //   bad:   3 message.received events, each FAILED at once (400, not retried)
  //   down:  1 session.disconnected event, FAILED after 2 attempts (schedule [1] used up)
  it('counts every delivery by status in the unfiltered stats', async () => {
    const result = await t.gql(Deliveries, { first: 100 }, key);
    expect(result.errors).toBeUndefined();
    const connection = result.data!.deliveries;
    expect(connection.totalCount).toBe(14);
    expect(connection.stats).toEqual(stats(14, 10, 4, 0));
    expect(connection.stats.successRate).toBeCloseTo(10 / 14, 10);
    expect(connection.edges).toHaveLength(14);
    expect(connection.pageInfo.hasNextPage).toBe(false);
    const byEndpoint = (id: string) => connection.edges.filter((e) => e.node.endpoint.id === id).map((e) => e.node);
    expect(byEndpoint(ep.ok).map((d) => [d.status, d.attemptCount])).toEqual(Array(5).fill(['SUCCEEDED', 1]));
    expect(byEndpoint(ep.flaky).map((d) => [d.status, d.attemptCount])).toEqual(Array(5).fill(['SUCCEEDED', 2]));
    expect(byEndpoint(ep.bad).map((d) => [d.status, d.attemptCount])).toEqual(Array(3).fill(['FAILED', 1]));
    expect(byEndpoint(ep.down).map((d) => [d.status, d.attemptCount])).toEqual([['FAILED', 2]]);
    for (const { node } of connection.edges) expect(node.completedAt).not.toBeNull();
    // What the receivers saw agrees with the history.
    expect(receivers.ok.requests).toHaveLength(5);
    expect(receivers.flaky.requests).toHaveLength(10);
    expect(receivers.bad.requests).toHaveLength(3);
    expect(receivers.down.requests).toHaveLength(2);
  });

  it('lists deliveries newest first', async () => {
    const result = await t.gql(Deliveries, { first: 100 }, key);
    const ids = result.data!.deliveries.edges.map((e) => e.node.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const created = result.data!.deliveries.edges.map((e) => Date.parse(e.node.createdAt));
    for (let i = 1; i < created.length; i++) expect(created[i - 1]!).toBeGreaterThanOrEqual(created[i]!);
  });

  it('reports Endpoint.stats per endpoint, and Endpoint.stats(since:)', async () => {
    const expected: Record<keyof typeof ep, ReturnType<typeof stats>> = {
      ok: stats(5, 5, 0, 0),
      flaky: stats(5, 5, 0, 0),
      bad: stats(3, 0, 3, 0),
      down: stats(1, 0, 1, 0),
    };
    const expectedSince: Record<keyof typeof ep, ReturnType<typeof stats>> = {
      ok: stats(2, 2, 0, 0),
      flaky: stats(2, 2, 0, 0),
      bad: stats(1, 0, 1, 0),
      down: stats(0, 0, 0, 0),
    };
    for (const name of Object.keys(ep) as Array<keyof typeof ep>) {
      const all = await t.gql(EndpointStats, { id: ep[name], first: 2 }, key);
      expect(all.errors).toBeUndefined();
      expect(all.data?.endpoint?.stats, name).toEqual(expected[name]);
      const recent = await t.gql(EndpointStats, { id: ep[name], since, first: 2 }, key);
      expect(recent.data?.endpoint?.stats, `${name} since`).toEqual(expectedSince[name]);
    }
  });

  it('reports Endpoint.deliveries with totalCount and stats over the whole filter, not the page', async () => {
    const expected: Record<keyof typeof ep, ReturnType<typeof stats>> = {
      ok: stats(5, 5, 0, 0),
      flaky: stats(5, 5, 0, 0),
      bad: stats(3, 0, 3, 0),
      down: stats(1, 0, 1, 0),
    };
    for (const name of Object.keys(ep) as Array<keyof typeof ep>) {
      const result = await t.gql(EndpointStats, { id: ep[name], first: 2 }, key);
      expect(result.errors).toBeUndefined();
      const connection = result.data!.endpoint!.deliveries;
      expect(connection.totalCount, name).toBe(expected[name].total);
      expect(connection.stats, name).toEqual(expected[name]);
      expect(connection.edges.length, name).toBe(Math.min(2, expected[name].total));
      expect(connection.pageInfo.hasNextPage, name).toBe(expected[name].total > 2);
      for (const { node } of connection.edges) expect(node.endpoint.id).toBe(ep[name]);
    }

    // With the connection's own filters.
    const okReceived = await t.gql(EndpointStats, { id: ep.ok, first: 1, eventType: 'message.received' }, key);
    expect(okReceived.data?.endpoint?.deliveries.totalCount).toBe(3);
    expect(okReceived.data?.endpoint?.deliveries.stats).toEqual(stats(3, 3, 0, 0));
    expect(okReceived.data?.endpoint?.deliveries.edges.map((e) => e.node.event.type)).toEqual(['message.received']);

    const flakyFailed = await t.gql(EndpointStats, { id: ep.flaky, first: 10, status: 'FAILED' }, key);
    expect(flakyFailed.data?.endpoint?.deliveries.totalCount).toBe(0);
    expect(flakyFailed.data?.endpoint?.deliveries.stats).toEqual(stats(0, 0, 0, 0));
    expect(flakyFailed.data?.endpoint?.deliveries.edges).toEqual([]);

    const badFailed = await t.gql(EndpointStats, { id: ep.bad, first: 10, status: 'FAILED' }, key);
    expect(badFailed.data?.endpoint?.deliveries.totalCount).toBe(3);
    expect(badFailed.data?.endpoint?.deliveries.stats).toEqual(stats(3, 0, 3, 0));
  });

  it('filters deliveries(status: FAILED), with totalCount and stats of the filter', async () => {
    const page = await t.gql(Deliveries, { first: 2, status: 'FAILED' }, key);
    expect(page.errors).toBeUndefined();
    expect(page.data?.deliveries.totalCount).toBe(4);
    expect(page.data?.deliveries.stats).toEqual(stats(4, 0, 4, 0));
    expect(page.data?.deliveries.edges).toHaveLength(2);
    expect(page.data?.deliveries.pageInfo.hasNextPage).toBe(true);

    const all = await t.gql(Deliveries, { first: 10, status: 'FAILED' }, key);
    const nodes = all.data!.deliveries.edges.map((e) => e.node);
    expect(nodes.every((d) => d.status === 'FAILED')).toBe(true);
    expect(nodes.map((d) => d.endpoint.id).sort()).toEqual([ep.bad, ep.bad, ep.bad, ep.down].sort());

    const pending = await t.gql(Deliveries, { first: 10, status: 'PENDING' }, key);
    expect(pending.data?.deliveries.totalCount).toBe(0);
    expect(pending.data?.deliveries.stats).toEqual(stats(0, 0, 0, 0));
  });

  it('filters deliveries(endpointId:)', async () => {
    const page = await t.gql(Deliveries, { first: 2, endpointId: ep.flaky }, key);
    expect(page.errors).toBeUndefined();
    expect(page.data?.deliveries.totalCount).toBe(5);
    expect(page.data?.deliveries.stats).toEqual(stats(5, 5, 0, 0));
    expect(page.data?.deliveries.edges).toHaveLength(2);
    for (const { node } of page.data!.deliveries.edges) expect(node.endpoint.id).toBe(ep.flaky);

    const bad = await t.gql(Deliveries, { first: 10, endpointId: ep.bad }, key);
    expect(bad.data?.deliveries.totalCount).toBe(3);
    expect(bad.data?.deliveries.stats).toEqual(stats(3, 0, 3, 0));

    // Filters combine.
    const badSince = await t.gql(Deliveries, { first: 10, endpointId: ep.bad, since }, key);
    expect(badSince.data?.deliveries.totalCount).toBe(1);
    expect(badSince.data?.deliveries.stats).toEqual(stats(1, 0, 1, 0));
    expect(badSince.data?.deliveries.edges.map((e) => e.node.event.id)).toEqual([events[4]!.id]);
  });

  it('filters deliveries(eventType:)', async () => {
    const page = await t.gql(Deliveries, { first: 4, eventType: 'message.received' }, key);
    expect(page.errors).toBeUndefined();
    // 3 message.received events × (ok, flaky, bad)
    expect(page.data?.deliveries.totalCount).toBe(9);
    expect(page.data?.deliveries.stats).toEqual(stats(9, 6, 3, 0));
    expect(page.data?.deliveries.edges).toHaveLength(4);
    for (const { node } of page.data!.deliveries.edges) expect(node.event.type).toBe('message.received');

    const session = await t.gql(Deliveries, { first: 10, eventType: 'session.disconnected' }, key);
    expect(session.data?.deliveries.totalCount).toBe(1);
    expect(session.data?.deliveries.stats).toEqual(stats(1, 0, 1, 0));

    const none = await t.gql(Deliveries, { first: 10, eventType: 'template.status' }, key);
    expect(none.data?.deliveries.totalCount).toBe(0);
    expect(none.data?.deliveries.stats).toEqual(stats(0, 0, 0, 0));
  });

  it('filters deliveries(since:)', async () => {
    const page = await t.gql(Deliveries, { first: 2, since }, key);
    expect(page.errors).toBeUndefined();
    // E4 message.received → ok, flaky, bad; E5 message.delivered → ok, flaky
    expect(page.data?.deliveries.totalCount).toBe(5);
    expect(page.data?.deliveries.stats).toEqual(stats(5, 4, 1, 0));
    expect(page.data?.deliveries.edges).toHaveLength(2);

    const all = await t.gql(Deliveries, { first: 10, since }, key);
    expect(new Set(all.data!.deliveries.edges.map((e) => e.node.event.id))).toEqual(new Set([events[4]!.id, events[5]!.id]));
    for (const { node } of all.data!.deliveries.edges) expect(Date.parse(node.createdAt)).toBeGreaterThanOrEqual(Date.parse(since));

    const future = await t.gql(Deliveries, { first: 10, since: new Date(Date.now() + 3600_000).toISOString() }, key);
    expect(future.data?.deliveries.totalCount).toBe(0);
    expect(future.data?.deliveries.stats).toEqual(stats(0, 0, 0, 0));
  });

  it('filters events(type:) and events(sessionId:), newest first', async () => {
    const received = await t.gql(Events, { first: 10, type: 'message.received' }, key);
    expect(received.errors).toBeUndefined();
    expect(received.data?.events.totalCount).toBe(3);
    expect(received.data?.events.edges.map((e) => e.node.id)).toEqual([events[4]!.id, events[1]!.id, events[0]!.id]);

    const s2 = await t.gql(Events, { first: 10, sessionId: 's2' }, key);
    expect(s2.data?.events.totalCount).toBe(3);
    expect(s2.data?.events.edges.map((e) => e.node.id)).toEqual([events[5]!.id, events[4]!.id, events[2]!.id]);
    for (const { node } of s2.data!.events.edges) expect(node.sessionId).toBe('s2');

    const both = await t.gql(Events, { first: 10, type: 'message.received', sessionId: 's1' }, key);
    expect(both.data?.events.totalCount).toBe(2);
    expect(both.data?.events.edges.map((e) => e.node.id)).toEqual([events[1]!.id, events[0]!.id]);

    const page = await t.gql(Events, { first: 1, type: 'message.received' }, key);
    expect(page.data?.events.totalCount).toBe(3);
    expect(page.data?.events.edges).toHaveLength(1);
    expect(page.data?.events.pageInfo.hasNextPage).toBe(true);
  });

  it('shows an event with its payload, deliveries and every attempt in full', async () => {
    const published = events[0]!;
    const result = await t.gql(EventDetail, { id: published.id }, key);
    expect(result.errors).toBeUndefined();
    const event = result.data!.event!;
    expect(event).toMatchObject({ id: published.id, type: 'message.received', sessionId: 's1', createdAt: published.createdAt });
    expect(event.data).toEqual(findEventType('message.received')!.example);
    expect(event.payload).toEqual({
      id: published.id,
      type: 'message.received',
      timestamp: published.createdAt,
      sessionId: 's1',
      data: findEventType('message.received')!.example,
    });
    const body = JSON.stringify(event.payload);

    expect(event.deliveries.map((d) => d.endpoint.id).sort()).toEqual([ep.ok, ep.flaky, ep.bad].sort());
    const delivery = (endpointId: string) => event.deliveries.find((d) => d.endpoint.id === endpointId)!;

    const ok = delivery(ep.ok);
    expect(ok).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    expect(ok.attempts).toMatchObject([
      { attemptNumber: 1, outcome: 'SUCCESS', responseStatus: 200, responseBody: 'ok-body', willRetry: false, error: null },
    ]);

    const flaky = delivery(ep.flaky);
    expect(flaky).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    expect(flaky.attempts).toMatchObject([
      { attemptNumber: 1, outcome: 'HTTP_ERROR', responseStatus: 500, responseBody: 'flaky-fail', willRetry: true },
      { attemptNumber: 2, outcome: 'SUCCESS', responseStatus: 200, responseBody: 'flaky-ok', willRetry: false },
    ]);
    expect(Date.parse(flaky.attempts[1]!.startedAt)).toBeGreaterThan(Date.parse(flaky.attempts[0]!.startedAt));

    const bad = delivery(ep.bad);
    expect(bad).toMatchObject({ status: 'FAILED', attemptCount: 1 });
    expect(bad.attempts).toMatchObject([
      { attemptNumber: 1, outcome: 'HTTP_ERROR', responseStatus: 400, responseBody: 'bad-request', willRetry: false },
    ]);

    for (const d of event.deliveries) {
      expect(d.completedAt).not.toBeNull();
      for (const attempt of d.attempts) {
        // The exact bytes POSTed: the envelope, the same on every attempt.
        expect(attempt.requestBody).toBe(body);
        const headers = attempt.requestHeaders as Record<string, string>;
        expect(headers['webhook-id']).toBe(published.id);
        expect(headers['x-webhook-event']).toBe('message.received');
        expect(headers['x-webhook-delivery-attempt']).toBe(String(attempt.attemptNumber));
        expect(headers['content-type']).toBe('application/json');
        expect(headers['webhook-signature']).toMatch(/^v1,/);
        expect(Number.isInteger(attempt.durationMs)).toBe(true);
        expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
        expect(attempt.id).toMatch(/^att_/);
      }
    }
    // And the receivers got those very bytes.
    const bodiesFor = (r: Receiver) => r.requests.filter((req) => req.headers['webhook-id'] === published.id).map((req) => req.body);
    expect(bodiesFor(receivers.ok)).toEqual([body]);
    expect(bodiesFor(receivers.flaky)).toEqual([body, body]);
    expect(bodiesFor(receivers.bad)).toEqual([body]);
  });

  it('shows a delivery that used up its schedule', async () => {
    const result = await t.gql(EventDetail, { id: events[3]!.id }, key);
    expect(result.errors).toBeUndefined();
    const deliveries = result.data!.event!.deliveries;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'FAILED', attemptCount: 2, endpoint: { id: ep.down } });
    expect(deliveries[0]!.attempts).toMatchObject([
      { attemptNumber: 1, outcome: 'HTTP_ERROR', responseStatus: 500, responseBody: 'down', willRetry: true },
      { attemptNumber: 2, outcome: 'HTTP_ERROR', responseStatus: 500, responseBody: 'down', willRetry: false },
    ]);
    const body = JSON.stringify(result.data!.event!.payload);
    for (const attempt of deliveries[0]!.attempts) expect(attempt.requestBody).toBe(body);
  });

  it('answers delivery(id) with its event, endpoint and attempts', async () => {
    const list = await t.gql(Deliveries, { first: 10, endpointId: ep.flaky, eventType: 'message.delivered' }, key);
    const id = list.data!.deliveries.edges[0]!.node.id;
    const result = await t.gql(DeliveryDetail, { id }, key);
    expect(result.errors).toBeUndefined();
    const delivery = result.data!.delivery!;
    expect(delivery).toMatchObject({ id, status: 'SUCCEEDED', attemptCount: 2, nextAttemptAt: null, endpoint: { id: ep.flaky } });
    expect(delivery.event.type).toBe('message.delivered');
    expect(delivery.completedAt).not.toBeNull();
    expect(delivery.attempts).toMatchObject([
      { attemptNumber: 1, outcome: 'HTTP_ERROR', responseStatus: 500, willRetry: true, delivery: { id } },
      { attemptNumber: 2, outcome: 'SUCCESS', responseStatus: 200, willRetry: false, delivery: { id } },
    ]);
  });

  it('resolves node(id:) for events, deliveries and attempts to the right type', async () => {
    const detail = await t.gql(EventDetail, { id: events[0]!.id }, key);
    const delivery = detail.data!.event!.deliveries.find((d) => d.endpoint.id === ep.flaky)!;
    const attempt = delivery.attempts[0]!;
    for (const [id, typename] of [
      [events[0]!.id, 'Event'],
      [delivery.id, 'Delivery'],
      [attempt.id, 'DeliveryAttempt'],
    ] as const) {
      const result = await t.gql(NodeById, { id }, key);
      expect(result.errors, id).toBeUndefined();
      expect(result.data?.node, id).toEqual({ __typename: typename, id });
    }
  });

  it("answers another account's ids and lists as not found", async () => {
    const detail = await t.gql(EventDetail, { id: events[0]!.id }, key);
    const delivery = detail.data!.event!.deliveries[0]!;
    const attempt = delivery.attempts[0]!;
    const foreign = other.apiKey;

    for (const id of [events[0]!.id, delivery.id, attempt.id]) {
      const result = await t.gql(NodeById, { id }, foreign);
      expect(result.errors, id).toBeUndefined();
      expect(result.data?.node, id).toBeNull();
    }
    const event = await t.gql(EventDetail, { id: events[0]!.id }, foreign);
    expect(event.errors).toBeUndefined();
    expect(event.data?.event).toBeNull();
    const single = await t.gql(DeliveryDetail, { id: delivery.id }, foreign);
    expect(single.errors).toBeUndefined();
    expect(single.data?.delivery).toBeNull();

    const list = await t.gql(Deliveries, { first: 100 }, foreign);
    expect(list.errors).toBeUndefined();
    expect(list.data?.deliveries).toMatchObject({ totalCount: 0, edges: [], stats: stats(0, 0, 0, 0) });
    const byEndpoint = await t.gql(Deliveries, { first: 100, endpointId: ep.ok }, foreign);
    expect(byEndpoint.data?.deliveries).toMatchObject({ totalCount: 0, edges: [], stats: stats(0, 0, 0, 0) });
    const byType = await t.gql(Deliveries, { first: 100, eventType: 'message.received' }, foreign);
    expect(byType.data?.deliveries).toMatchObject({ totalCount: 0, edges: [], stats: stats(0, 0, 0, 0) });
    const eventList = await t.gql(Events, { first: 100 }, foreign);
    expect(eventList.errors).toBeUndefined();
    expect(eventList.data?.events).toMatchObject({ totalCount: 0, edges: [] });
    const bySession = await t.gql(Events, { first: 100, sessionId: 's1' }, foreign);
    expect(bySession.data?.events).toMatchObject({ totalCount: 0, edges: [] });
    const endpoint = await t.gql(EndpointStats, { id: ep.ok, first: 10 }, foreign);
    expect(endpoint.errors).toBeUndefined();
    expect(endpoint.data?.endpoint).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Pagination while events keep arriving.

describe('pagination stability while publishing continues', () => {
  let t: TestApp;
  let key: string;
  const original: Published[] = [];
  let extra = 0;

  beforeAll(async () => {
    // No worker: events and (PENDING) deliveries are all that is needed.
    t = await startTestApp({ role: 'api' });
    key = (await t.newAccount('pager')).apiKey;
    await createEndpoint(t, key, { url: 'http://127.0.0.1:9/never-called', eventTypes: ['message.*'] });
    for (let i = 0; i < 30; i++) original.push(await publish(t, key, 'message.received', `page-${i}`));
  }, 60_000);
  afterAll(async () => t?.stop());

  async function publishMore(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await publish(t, key, 'message.read', `extra-${extra++}`);
  }

  it('pages events(first: 10) newest first with no duplicates and no gaps', async () => {
    const expected = original.map((e) => e.id).reverse();
    const fetchPage = (after: string | null) => t.gql(Events, { first: 10, after }, key);
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      // Something published in parallel with the page fetch, and more between fetches.
      const [result] = await Promise.all([fetchPage(after), page > 0 ? publishMore(1) : null]);
      expect(result.errors).toBeUndefined();
      const connection: ResultOf<typeof Events>['events'] = result.data!.events;
      seen.push(...connection.edges.map((e) => e.node.id));
      hasNext.push(connection.pageInfo.hasNextPage);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      await publishMore(2);
    }
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(hasNext).toEqual([true, true, false]);

    // The newcomers are at the head of a fresh first page.
    const head = await t.gql(Events, { first: 10 }, key);
    expect(head.data?.events.totalCount).toBe(30 + extra);
    const headIds = head.data!.events.edges.map((e) => e.node.id);
    expect(headIds).toEqual([...headIds].sort().reverse());
    expect(head.data!.events.edges[0]!.node.sessionId).toMatch(/^extra-/);
  });

  it('pages deliveries(first: 10) newest first with no duplicates and no gaps', async () => {
    const all = await t.gql(Deliveries, { first: 100 }, key);
    // The 30 original events' deliveries, in the order the list must give them.
    const originalIds = new Set(original.map((e) => e.id));
    const expected = all.data!.deliveries.edges.filter((e) => originalIds.has(e.node.event.id)).map((e) => e.node.id);
    expect(expected).toHaveLength(30);
    expect(all.data!.deliveries.edges.filter((e) => originalIds.has(e.node.event.id)).map((e) => e.node.event.id)).toEqual(
      original.map((e) => e.id).reverse(),
    );
    const countBefore = all.data!.deliveries.totalCount;
    const fetchPage = (after: string | null) => t.gql(Deliveries, { first: 10, after }, key);

    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    let firstPage = true;
    for (let page = 0; page < 10; page++) {
      const [result] = await Promise.all([fetchPage(after), page > 0 ? publishMore(1) : null]);
      expect(result.errors).toBeUndefined();
      const connection: ResultOf<typeof Deliveries>['deliveries'] = result.data!.deliveries;
      if (firstPage) {
        // Nothing is being published during this fetch: stats count the whole filter, not the page.
        expect(connection.totalCount).toBe(countBefore);
        expect(connection.stats).toEqual(stats(countBefore, 0, 0, countBefore));
      }
      firstPage = false;
      seen.push(...connection.edges.map((e) => e.node.id));
      hasNext.push(connection.pageInfo.hasNextPage);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      await publishMore(2);
    }
    expect(new Set(seen).size).toBe(seen.length);
    // Every delivery there was at the first fetch appears once, in order; the originals have no gap.
    const initial = all.data!.deliveries.edges.map((e) => e.node.id);
    expect(seen).toEqual(initial);
    expect(seen.filter((id) => expected.includes(id))).toEqual(expected);
    expect(hasNext.at(-1)).toBe(false);
    expect(hasNext.slice(0, -1).every(Boolean)).toBe(true);
    expect(hasNext).toHaveLength(Math.ceil(initial.length / 10));
  });
});

// ---------------------------------------------------------------------------------------------
// No N+1: the number of SQL statements of a history query does not grow with the page.

describe('history queries without N+1', () => {
  let owner: TestApp;
  let reader: TestApp;
  let receiver: Receiver;
  let key: string;
  let endpointId: string;
  let counting = false;
  const statements: string[] = [];

  beforeAll(async () => {
    owner = await startTestApp({ role: 'all' });
    receiver = await startReceiver();
    key = (await owner.newAccount('many')).apiKey;
    endpointId = await createEndpoint(owner, key, { url: receiver.url, eventTypes: ['*'] });
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => publish(owner, key, 'message.received', `n-${batch}-${i}`)));
    }
    await waitUntil(
      '100 deliveries to succeed',
      async () => {
        const result = await owner.gql(Deliveries, { first: 1 }, key);
        return result.data?.deliveries.stats.succeeded === 100;
      },
      60_000,
      200,
    );
    // A second API process on the same database, whose Prisma statements are counted.
    reader = await startTestApp({
      role: 'api',
      database: owner.db,
      onQuery: (sql) => {
        // A key's last_used_at is written once a minute in the background, on whichever request: not the read's.
        if (counting && !/"api_key" SET "last_used_at"/.test(sql)) statements.push(sql);
      },
    });
  }, 120_000);

  afterAll(async () => {
    await reader?.stop();
    await owner?.stop();
    await receiver?.close();
  });

  async function count<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    statements.length = 0;
    counting = true;
    try {
      const result = await run();
      return { result, statements: [...statements] };
    } finally {
      counting = false;
    }
  }

  it('deliveries(first: 100) with event, endpoint and attempts takes a small, constant number of statements', async () => {
    // The key's own lookup happens once per key every few seconds, not per request: out of the count.
    await reader.gql(NPlusOne, { first: 1 }, key);
    const hundred = await count(() => reader.gql(NPlusOne, { first: 100 }, key));
    expect(hundred.result.errors).toBeUndefined();
    const connection = hundred.result.data!.deliveries;
    expect(connection.totalCount).toBe(100);
    expect(connection.stats.total).toBe(100);
    expect(connection.edges).toHaveLength(100);
    for (const { node } of connection.edges) {
      expect(node.status).toBe('SUCCEEDED');
      expect(node.endpoint).toEqual({ id: endpointId, url: receiver.url });
      expect(node.attempts).toMatchObject([{ outcome: 'SUCCESS' }]);
      expect((node.event.payload as { id: string }).id).toBe(node.event.id);
    }

    const ten = await count(() => reader.gql(NPlusOne, { first: 10 }, key));
    expect(ten.result.errors).toBeUndefined();
    expect(ten.result.data!.deliveries.edges).toHaveLength(10);

    expect(hundred.statements.length).toBeGreaterThan(0); // the counter works
    expect(hundred.statements.length, hundred.statements.join('\n')).toBeLessThanOrEqual(10);
    expect(hundred.statements.length, `first 10:\n${ten.statements.join('\n')}\nfirst 100:\n${hundred.statements.join('\n')}`).toBe(
      ten.statements.length,
    );
  });

  it('events(first: 100) with deliveries and attempts takes a constant number of statements', async () => {
    const hundred = await count(() => reader.gql(NPlusOneEvents, { first: 100 }, key));
    expect(hundred.result.errors).toBeUndefined();
    expect(hundred.result.data!.events.edges).toHaveLength(100);
    for (const { node } of hundred.result.data!.events.edges) expect(node.deliveries).toHaveLength(1);
    const ten = await count(() => reader.gql(NPlusOneEvents, { first: 10 }, key));
    expect(ten.result.errors).toBeUndefined();
    expect(hundred.statements.length, hundred.statements.join('\n')).toBeLessThanOrEqual(10);
    expect(hundred.statements.length).toBe(ten.statements.length);
  });

  it('Endpoint.deliveries(first: 100) with event and attempts takes a constant number of statements', async () => {
    const hundred = await count(() => reader.gql(NPlusOneEndpoint, { id: endpointId, first: 100 }, key));
    expect(hundred.result.errors).toBeUndefined();
    expect(hundred.result.data!.endpoint!.deliveries.edges).toHaveLength(100);
    expect(hundred.result.data!.endpoint!.deliveries.totalCount).toBe(100);
    expect(hundred.result.data!.endpoint!.deliveries.stats.total).toBe(100);
    const ten = await count(() => reader.gql(NPlusOneEndpoint, { id: endpointId, first: 10 }, key));
    expect(ten.result.errors).toBeUndefined();
    expect(hundred.statements.length, hundred.statements.join('\n')).toBeLessThanOrEqual(10);
    expect(hundred.statements.length).toBe(ten.statements.length);
  });
});
