// What the WhatsApp mapping makes, published for real (GraphQL publishEvents over HTTP, real
// Postgres): every fixture's events are accepted as they are, whatsapp.* names included, reach
// the endpoints subscribed to them, and a redelivered POST is the same events, stored once.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapWhatsAppWebhook } from '../src/domain/sources/whatsapp-cloud.ts';
import type { PublishEventInput } from '../test/generated/graphql.ts';
import { closeSql, createEndpoint, publishMany, sql } from './support/api.ts';
import { startTestApp, type TestApp } from './support/app.ts';

const FIXTURES = new URL('./fixtures/meta/', import.meta.url);
const FILES = ['pywa/message.json', 'pywa/message_status.json', 'pywa/callback_button.json', 'pywa/flow_completion.json', 'pywa/template_status_update.json', 'pywa/account_update.json', 'meta-docs/examples.json'];

let t: TestApp;
let key: string;
let accountId: string;

beforeAll(async () => {
  t = await startTestApp();
  ({ apiKey: key, accountId } = await t.newAccount('whatsapp-source'));
});

afterAll(async () => {
  await closeSql(t);
  await t.stop();
});

/** Every named payload of the fixture files, each as the bytes Meta POSTs. */
function bodies(): Buffer[] {
  return FILES.flatMap((file) => Object.values(JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Record<string, unknown>).map((p) => Buffer.from(JSON.stringify(p))));
}

const asInputs = (events: ReturnType<typeof mapWhatsAppWebhook>['events']) => events as PublishEventInput[];
const eventCount = async () => (await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM event WHERE account_id = $1', [accountId]))[0]!.n;

describe('mapped WhatsApp events, published', () => {
  it('every fixture\'s events are accepted by publishEvents, and go to the endpoints subscribed to them', async () => {
    const messages = await createEndpoint(t, key, { url: 'http://127.0.0.1:9/messages', description: 'message events', eventTypes: ['message.*'] });
    const meta = await createEndpoint(t, key, { url: 'http://127.0.0.1:9/meta', description: 'Meta fields', eventTypes: ['whatsapp.*', 'template.status'] });
    const inputs = bodies().flatMap((body) => asInputs(mapWhatsAppWebhook(body).events));
    const types = new Set(inputs.map((i) => i.type));
    // The fixtures cover every kind of row, and a field the family does not list.
    for (const type of ['message.received', 'message.reaction', 'message.sent', 'message.delivered', 'message.read', 'message.failed', 'template.status', 'whatsapp.messages', 'whatsapp.account_update', 'whatsapp.business_capability_update']) {
      expect(types).toContain(type);
    }

    const events = await publishMany(t, key, inputs);
    expect(events).toHaveLength(inputs.length);
    // pywa's fixtures reuse one wamid for many messages: a repeated key is the first event with it.
    const first = new Map<string, PublishEventInput>();
    for (const input of inputs) if (!first.has(input.idempotencyKey!)) first.set(input.idempotencyKey!, input);
    expect(new Set(events.map((e) => e.id)).size).toBe(first.size);
    for (const [i, event] of events.entries()) {
      const stored = first.get(inputs[i]!.idempotencyKey!)!;
      expect(event.type).toBe(stored.type);
      expect(event.sessionId).toBe(stored.sessionId);
      expect(event.deliveries.map((d) => d.endpoint.id)).toEqual(event.type.startsWith('message.') ? [messages.id] : [meta.id]);
      expect((event.payload as { data: unknown }).data).toEqual(stored.data);
    }
  });

  it('a redelivered POST of 100 changes is the same 100 events, stored once', async () => {
    const changes = Array.from({ length: 100 }, (_, i) => ({
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550001111', phone_number_id: '106540352242922' },
        ...(i % 2
          ? { statuses: [{ id: `wamid.REDELIVERED${i - 1}`, status: 'delivered', timestamp: String(1_700_000_100 + i), recipient_id: '15551234567' }] }
          : { messages: [{ from: '15551234567', id: `wamid.REDELIVERED${i}`, timestamp: String(1_700_000_000 + i), type: 'text', text: { body: `message ${i}` } }] }),
      },
    }));
    const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes }] }));
    const before = await eventCount();
    const first = await publishMany(t, key, asInputs(mapWhatsAppWebhook(body).events));
    expect(await eventCount()).toBe(before + 100);
    const again = await publishMany(t, key, asInputs(mapWhatsAppWebhook(body).events));
    expect(again.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(await eventCount()).toBe(before + 100);
  });
});
