// Real deliveries for the receiver helpers' tests: Hookwire (in-process, worker included) POSTs
// events to a real local receiver, before and after a secret rotation, and from endpoints with
// their own signing secret in each signature header format; the tests get the bytes and headers
// exactly as they arrived.
import { HookwireClient, unwrap, type SignatureHeaderInput } from '../../packages/client/src/index.ts';
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
  /** The endpoint's signatureHeader, when it is not the default (x-webhook-signature, SHA256_HEX). */
  signatureHeader?: SignatureHeaderInput;
  receivedAt: number;
}

/**
 * Endpoints with their own secret (what receivers written for another platform hold), one per
 * signature header format. The secrets are the seeds' own, and one that happens to be valid
 * base64, which a helper decoding it as base64 would take for another key.
 */
export const OWN_SECRET_ENDPOINTS: ReadonlyArray<{ name: string; secret: string; signatureHeader?: SignatureHeaderInput }> = [
  { name: 'own secret, SHA256_HEX', secret: 'your_secure_secret_phrase' },
  { name: 'own secret, HEX', secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', signatureHeader: { name: 'x-platform-signature', format: 'HEX' } },
  {
    name: 'own secret, SHA256_HEX_TIMESTAMPED',
    secret: 'your-signing-secret',
    signatureHeader: { name: 'x-wahooks-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-wahooks-timestamp' },
  },
];

export async function captureRealDeliveries(): Promise<RealDelivery[]> {
  const t = await startTestApp({ role: 'all' });
  const receiver = await startReceiver();
  try {
    const { apiKey } = await t.newAccount('verify');
    const client = new HookwireClient({ url: t.url, apiKey });
    const endpoint = await client.createWebhook(null, receiver.url, ['*']);
    const named: Array<Pick<RealDelivery, 'name' | 'secret' | 'previousSecret' | 'signatureHeader'>> = [];

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

    // Another account, so that its one event goes to these endpoints only; told apart by URL.
    const own = new HookwireClient({ url: t.url, apiKey: (await t.newAccount('verify own secrets')).apiKey });
    for (const [i, config] of OWN_SECRET_ENDPOINTS.entries()) {
      const { signingSecret } = unwrap(
        await own.endpoints.create({
          url: `${receiver.url}?own=${i}`,
          description: config.name,
          eventTypes: ['message.*'],
          signingSecret: config.secret,
          signatureHeader: config.signatureHeader,
        }),
      ).endpoint;
      if (signingSecret !== config.secret) throw new Error(`${config.name}: the endpoint signs with ${signingSecret}`);
    }
    unwrap(await own.events.publish({ type: 'message.received', sessionId: 's-verify', data: { ...example, content: { text: 'ünïcödé €' } } }));
    await receiver.waitFor(named.length + OWN_SECRET_ENDPOINTS.length);
    await own.close();
    for (const request of receiver.requests.slice(named.length)) {
      const config = OWN_SECRET_ENDPOINTS[Number(new URL(request.url, receiver.url).searchParams.get('own'))]!;
      named.push({ name: config.name, secret: config.secret, signatureHeader: config.signatureHeader });
    }

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
