// Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, a GraphQL operation and a delivery attempt
// (traceAttempt, the engine's hook) each reach an OTLP/HTTP receiver as a span with their
// attributes; without it, traceAttempt is a plain call and nothing is exported.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceAttempt, tracingEnabled } from '../src/tracing.ts';
import { createEndpoint, messageReceived, publish } from './support/api.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startReceiver } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';

interface OtlpSpan {
  name: string;
  kind: number;
  status?: { code?: number };
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

const received: Array<{ path: string; spans: OtlpSpan[]; resource: string }> = [];
let receiver: Server;
let endpoint: string;

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value && (value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue);
}

const allSpans = () => received.flatMap((r) => r.spans);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { resourceSpans: Array<{ resource: unknown; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const rs of parsed.resourceSpans) {
        received.push({ path: req.url ?? '', resource: JSON.stringify(rs.resource), spans: rs.scopeSpans.flatMap((s) => s.spans) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('runs an attempt as a plain call', async () => {
    expect(tracingEnabled()).toBe(false);
    const result = await traceAttempt({ endpointId: 'ep_x', deliveryId: 'dlv_x', attemptNumber: 1 }, async () => 42, () => ({ outcome: 'SUCCESS' }));
    expect(result).toBe(42);
  });
});

describe('tracing on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ role: 'all', env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
  });
  afterAll(async () => t?.stop());

  it('exports a span per GraphQL operation', async () => {
    const { apiKey } = await t.newAccount('traced');
    const result = await t.gql('query TracedViewer { viewer { id } }', {}, apiKey);
    expect(result.errors).toBeUndefined();
    const span = await waitUntil('the operation span', () => allSpans().find((s) => s.name === 'graphql.query TracedViewer'), 10_000);
    expect(attribute(span, 'graphql.operation.type')).toBe('query');
    expect(attribute(span, 'graphql.operation.name')).toBe('TracedViewer');
    expect(attribute(span, 'hookwire.account.id')).toMatch(/^acct_/);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received[0]!.resource).toContain('hookwire');
  });

  it('exports a span per delivery attempt, with its outcome and status code', async () => {
    expect(tracingEnabled()).toBe(true);
    await traceAttempt(
      { endpointId: 'ep_traced', deliveryId: 'dlv_traced', attemptNumber: 2, eventType: 'message.received', trigger: 'SCHEDULED' },
      async () => ({ kind: 'response', status: 503 }),
      (sent) => ({ outcome: 'HTTP_ERROR', statusCode: sent.status, willRetry: true }),
    );
    await expect(
      traceAttempt({ endpointId: 'ep_traced', deliveryId: 'dlv_thrown', attemptNumber: 1 }, () => Promise.reject(new Error('infrastructure fault')), () => ({ outcome: 'SUCCESS' })),
    ).rejects.toThrow('infrastructure fault');
    const span = await waitUntil('the attempt span', () => allSpans().find((s) => s.name === 'webhook.attempt' && attribute(s, 'hookwire.delivery.id') === 'dlv_traced'), 10_000);
    expect(attribute(span, 'hookwire.endpoint.id')).toBe('ep_traced');
    expect(Number(attribute(span, 'hookwire.attempt.number'))).toBe(2);
    expect(attribute(span, 'hookwire.attempt.outcome')).toBe('HTTP_ERROR');
    expect(Number(attribute(span, 'http.response.status_code'))).toBe(503);
    expect(attribute(span, 'hookwire.attempt.will_retry')).toBe(true);
    expect(span.status?.code).toBe(2); // ERROR
    const thrown = await waitUntil('the failed attempt span', () => allSpans().find((s) => attribute(s, 'hookwire.delivery.id') === 'dlv_thrown'), 10_000);
    expect(thrown.status?.code).toBe(2);
  });

  it('the worker exports a span for each real attempt, with its outcome', async () => {
    const { apiKey } = await t.newAccount('traced deliveries');
    const rx = await startReceiver(() => ({ status: 503, body: 'down' }));
    try {
      const endpoint = await createEndpoint(t, apiKey, { url: rx.url, description: 'traced', eventTypes: ['message.received'], retrySchedule: [3600] });
      await publish(t, apiKey, messageReceived(1));
      await rx.waitFor(1);
      const span = await waitUntil(
        'the real attempt span',
        () => allSpans().find((s) => s.name === 'webhook.attempt' && attribute(s, 'hookwire.endpoint.id') === endpoint.id),
        10_000,
      );
      expect(attribute(span, 'hookwire.delivery.id')).toMatch(/^dlv_/);
      expect(attribute(span, 'hookwire.event.type')).toBe('message.received');
      expect(attribute(span, 'hookwire.attempt.trigger')).toBe('SCHEDULED');
      expect(attribute(span, 'hookwire.attempt.outcome')).toBe('HTTP_ERROR');
      expect(Number(attribute(span, 'http.response.status_code'))).toBe(503);
      expect(attribute(span, 'hookwire.attempt.will_retry')).toBe(true);
      expect(span.kind).toBe(3); // CLIENT
    } finally {
      await rx.close();
    }
  });
});
