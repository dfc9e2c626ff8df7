// Real deliveries for the receiver helpers' tests: Hookwire (in-process, worker included) POSTs
// events to a real local receiver, before and after a secret rotation, and the tests get the
// bytes and headers exactly as they arrived.
import { HookwireClient, unwrap } from '../../packages/client/src/index.ts';
import { findEventType } from '../../src/domain/catalog.ts';
import { startTestApp } from './app.ts';
import { startReceiver } from './receiver.ts';

export interface RealDelivery {
  name: string;
  body: Buffer;
  headers: Record<string, string>;
  /** The endpoint's signing secret when the delivery was made. */
  secret: string;
  /** The secret before a rotation, still signing beside the new one. */
  previousSecret?: string;
  receivedAt: number;
}

export async function captureRealDeliveries(): Promise<RealDelivery[]> {
  const t = await startTestApp({ role: 'all' });
  const receiver = await startReceiver();
  try {
    const { apiKey } = await t.newAccount('verify');
    const client = new HookwireClient({ url: t.url, apiKey });
    const endpoint = await client.createWebhook(null, receiver.url, ['*']);
    const named: Array<{ name: string; secret: string; previousSecret?: string }> = [];

    const publish = async (name: string, data: unknown, secret: string, previousSecret?: string) => {
      unwrap(await client.events.publish({ type: 'message.received', sessionId: 's-verify', data }));
      named.push({ name, secret, previousSecret });
      await receiver.waitFor(named.length);
    };
    const example = findEventType('message.received')!.example as Record<string, unknown>;
    await publish('message.received', example, endpoint.signingSecret);
    await publish('non-ASCII data', { ...example, content: { text: 'héllo € 👋 "quoted" \\ back' } }, endpoint.signingSecret);
    await client.testWebhook(endpoint.id);
    named.push({ name: 'webhook.test', secret: endpoint.signingSecret });
    await receiver.waitFor(named.length);

    const rotated = unwrap(await client.endpoints.rotateSecret(endpoint.id, { gracePeriodSeconds: 3600 })).endpoint;
    await publish('after a rotation', example, rotated.signingSecret, endpoint.signingSecret);
    await client.close();

    return receiver.requests.map((request, i) => ({
      ...named[i]!,
      body: Buffer.from(request.body, 'utf8'),
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
      receivedAt: request.at,
    }));
  } finally {
    await receiver.close();
    await t.stop();
  }
}
