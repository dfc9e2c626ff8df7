// The attempt pipeline (src/delivery/attempt.ts) with its ports in memory: transform → prepare →
// call → completed, a failed transformation completed with nothing sent, a request refused the
// wire completed as not sent, a stored body sent as it is, and the call step asking only its port.
import { describe, expect, it } from 'vitest';
import { runAttempt, type AttemptEndpoint, type AttemptInput, type AttemptPorts, type PreparedAttempt } from '../../src/delivery/attempt.ts';
import type { SendResult } from '../../src/delivery/send.ts';
import type { TransformResult } from '../../src/delivery/transform.ts';

const envelope = JSON.stringify({ id: 'evt_1', type: 'message.received', timestamp: '2026-04-11T10:30:00.000Z', sessionId: 'default', data: { text: 'hi' } });
const signedAt = new Date('2026-04-11T10:30:05.000Z');

function pipeline(options: { transformation?: string | null; transform?: TransformResult; answer?: SendResult; stored?: { body: string; headers: Record<string, string> | null } } = {}) {
  const sent: PreparedAttempt[] = [];
  const stored: Array<{ deliveryId: string; body: string; headers: Record<string, string> }> = [];
  const transformed: unknown[] = [];
  const secretsAsked: Date[] = [];
  const endpoint: AttemptEndpoint = {
    transformation: options.transformation ?? null,
    customHeaders: { 'X-Tenant': 'acme' },
    signatureHeader: null,
    userAgent: 'Hookwire/test',
    secretsAt: (now) => {
      secretsAsked.push(now);
      return ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'];
    },
    send: async (prepared) => {
      sent.push(prepared);
      return options.answer ?? { kind: 'response', status: 200, headers: {}, body: 'ok', bodyTruncated: false, durationMs: 12 };
    },
  };
  const ports: AttemptPorts = {
    now: () => signedAt,
    transformer: async () => ({
      run: async (_code, input) => {
        transformed.push(input);
        return options.transform ?? { kind: 'ok', body: '{"reshaped":true}', headers: { 'x-event': 'message' } };
      },
    }),
    storeTransformed: async (deliveryId, body, headers) => {
      stored.push({ deliveryId, body, headers });
      return options.stored ?? { body, headers };
    },
  };
  const input = (overrides: Partial<AttemptInput> = {}): AttemptInput => ({
    deliveryId: 'dlv_1',
    eventId: 'evt_1',
    eventType: 'message.received',
    attemptNumber: 1,
    payload: envelope,
    body: null,
    transformedHeaders: null,
    ...overrides,
  });
  return { endpoint, ports, input, sent, stored, transformed, secretsAsked };
}

describe('the attempt pipeline', () => {
  it('sends the envelope, signed when it is sent, with the endpoint headers, and classifies the answer', async () => {
    const p = pipeline();
    const completed = await runAttempt(p.input({ attemptNumber: 3 }), p.endpoint, p.ports);
    expect(p.sent).toHaveLength(1);
    expect(p.sent[0]!.body).toBe(envelope);
    // A broker send de-duplicates on it (JetStream's message id).
    expect(p.sent[0]!.deliveryId).toBe('dlv_1');
    expect(p.sent[0]!.headers).toMatchObject({ 'x-tenant': 'acme', 'webhook-id': 'evt_1', 'webhook-timestamp': '1775903405', 'x-webhook-delivery-attempt': '3' });
    expect(p.secretsAsked).toEqual([signedAt]);
    expect(completed).toMatchObject({
      kind: 'called',
      outcome: 'SUCCESS',
      attemptNumber: 3,
      startedAt: signedAt,
      durationMs: 12,
      requestHeaders: p.sent[0]!.headers,
      finishedAt: new Date(signedAt.getTime() + 12),
      response: { responseStatus: 200, responseHeaders: {}, responseBody: 'ok', error: null },
    });
    expect(p.transformed).toEqual([]);
  });

  it('transforms once: stores the result before sending, and sends what the store kept', async () => {
    const p = pipeline({ transformation: 'function handler(w) { return w }', stored: { body: '{"first":"worker"}', headers: { 'x-event': 'first' } } });
    await runAttempt(p.input(), p.endpoint, p.ports);
    expect(p.transformed).toEqual([{ eventType: 'message.received', eventId: 'evt_1', payload: JSON.parse(envelope), headers: { 'X-Tenant': 'acme' } }]);
    expect(p.stored).toEqual([{ deliveryId: 'dlv_1', body: '{"reshaped":true}', headers: { 'x-event': 'message' } }]);
    expect(p.sent[0]!.body).toBe('{"first":"worker"}');
    expect(p.sent[0]!.headers['x-event']).toBe('first');
    expect(p.sent[0]!.headers['x-tenant']).toBeUndefined();
  });

  it('sends a body transformed earlier as it is, without running the transformation again', async () => {
    const p = pipeline({ transformation: 'function handler(w) { return w }' });
    await runAttempt(p.input({ body: 'stored bytes', transformedHeaders: { 'x-event': 'message' } }), p.endpoint, p.ports);
    expect(p.transformed).toEqual([]);
    expect(p.stored).toEqual([]);
    expect(p.sent[0]!.body).toBe('stored bytes');
    expect(p.sent[0]!.headers).toMatchObject({ 'x-event': 'message' });
  });

  it('completes a failed transformation as TRANSFORM_FAILED with nothing sent or stored', async () => {
    const p = pipeline({ transformation: 'function handler(w) { throw new Error("no") }', transform: { kind: 'error', message: 'Error: no', line: 1 } });
    const completed = await runAttempt(p.input({ attemptNumber: 2 }), p.endpoint, p.ports);
    expect(completed).toMatchObject({
      kind: 'transform failed',
      outcome: 'TRANSFORM_FAILED',
      attemptNumber: 2,
      startedAt: signedAt,
      requestHeaders: {},
      response: { responseStatus: null, responseHeaders: null, responseBody: null, error: 'transformation failed at line 1: Error: no' },
    });
    expect(p.sent).toEqual([]);
    expect(p.stored).toEqual([]);
  });

  it.each<[string, SendResult, object]>([
    ['a 410', { kind: 'response', status: 410, headers: {}, body: 'gone', bodyTruncated: false, durationMs: 5 }, { outcome: 'HTTP_ERROR', classification: { decision: { kind: 'disable' } }, response: { responseStatus: 410 } }],
    ['a timeout', { kind: 'timeout', durationMs: 5000, error: 'timed out after 5000 ms' }, { outcome: 'TIMEOUT', response: { responseStatus: null, error: 'timed out after 5000 ms' } }],
    ['a NUL in the body', { kind: 'response', status: 500, headers: {}, body: 'a\u0000b', bodyTruncated: false, durationMs: 5 }, { outcome: 'HTTP_ERROR', response: { responseBody: 'a\uFFFDb' } }],
  ])('completes %s from whatever the send port answered', async (_name, answer, expected) => {
    const p = pipeline({ answer });
    expect(await runAttempt(p.input(), p.endpoint, p.ports)).toMatchObject({ kind: 'called', ...expected });
  });

  it('completes a request refused the wire as not sent: no outcome, nothing to record', async () => {
    const p = pipeline({ answer: { kind: 'not-sent', durationMs: 9000, error: 'not sent: no connection for it within its 3000 ms timeout' } });
    const completed = await runAttempt(p.input({ attemptNumber: 2 }), p.endpoint, p.ports);
    expect(completed).toEqual({ kind: 'not sent', attemptNumber: 2, startedAt: signedAt, durationMs: 9000, error: 'not sent: no connection for it within its 3000 ms timeout' });
  });
});
