// Benchmark helpers of transformations: the cost a delivery pays once for its endpoint's
// transformation, on a warm transformer (test/unit/transform.test.ts prints and bounds it).
import { sampleInput, sharedTransformer, type Transformer, type TransformResult } from '../src/delivery/transform.ts';

/** A realistic transformation: reshape into another platform's body, rename the event, add a header. */
export const REALISTIC_TRANSFORMATION = `function handler(webhook) {
  const names = { 'message.received': 'message', 'message.read': 'message.ack' };
  const d = webhook.payload.data;
  webhook.payload = {
    event: names[webhook.eventType] || webhook.eventType,
    session: webhook.payload.sessionId,
    payload: {
      id: d.messageId,
      timestamp: Math.floor(Date.parse(d.timestamp) / 1000),
      from: d.from,
      body: d.content && d.content.text,
      hasMedia: d.messageType !== 'text',
    },
  };
  webhook.headers['X-WAHooks-Event'] = webhook.payload.event;
  return webhook;
}`;

/** REALISTIC_TRANSFORMATION run `n` times, one after another (the worker round trip included). */
export async function measureTransform(
  n: number,
  transformer?: Transformer,
): Promise<{ runs: number; meanMicros: number; medianMicros: number; result: TransformResult }> {
  const t = transformer ?? (await sharedTransformer());
  const input = sampleInput('message.received', {
    messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGCA0',
    from: '15551234567',
    messageType: 'text',
    content: { text: 'I need help with my order.' },
    timestamp: '2026-04-11T10:29:58.000Z',
  });
  let result = await t.run(REALISTIC_TRANSFORMATION, input); // warm up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    result = await t.run(REALISTIC_TRANSFORMATION, input);
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  const meanMicros = times.reduce((a, b) => a + b, 0) / Math.max(1, n);
  return { runs: n, meanMicros, medianMicros: times[Math.floor(n / 2)] ?? 0, result };
}
