// The WhatsApp Cloud API mapping on Meta's published payloads (test/fixtures/meta/): every row of
// the mapping, the fallback to whatsapp.<field>, redelivery keys, batches of 100 changes and
// malformed bodies.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateEventData } from '../../src/domain/catalog.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { SourcePayloadError } from '../../src/domain/sources/errors.ts';
import { mapWhatsAppWebhook, receiveWhatsAppPost, type WhatsAppEvents } from '../../src/domain/sources/whatsapp-cloud.ts';

const FIXTURES = new URL('../fixtures/meta/', import.meta.url);

/** One named payload of a fixture file, as the bytes Meta would POST. */
function payload(file: string, name: string): Buffer {
  const all = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Record<string, unknown>;
  if (!(name in all)) throw new Error(`${file} has no payload ${name}`);
  return Buffer.from(JSON.stringify(all[name]));
}

function rawValue(file: string, name: string): unknown {
  const body = JSON.parse(payload(file, name).toString('utf8'));
  return body.entry[0].changes[0].value;
}

/** Every event must validate against its catalog type: what publishEvent will check again. */
function mapped(body: Buffer | string): WhatsAppEvents {
  const result = mapWhatsAppWebhook(body);
  for (const event of result.events) expect(validateEventData(event.type, event.data), event.type).toEqual([]);
  return result;
}

const PHONE_ID = '1122334455667';
const WABA = '1234567890987654321';
const STATUS_WABA = '5467539754836534';
const CUSTOMER = { from: '972987654321', to: '972123456789', contactName: 'Test Name', contactWaId: '972987654321', phoneNumberId: PHONE_ID };

type Row = [file: string, name: string, type: string, data: Record<string, unknown>, key: string];

const MESSAGES: Row[] = [
  [
    'pywa/message.json',
    'text',
    'message.received',
    {
      messageId: 'wamid.xyzxyz',
      ...CUSTOMER,
      wabaId: WABA,
      messageType: 'text',
      content: { text: 'Body Text' },
      context: null,
      timestamp: '2023-10-11T16:53:43.000Z',
    },
    'wa:message:wamid.xyzxyz',
  ],
  ['pywa/message.json', 'image', 'message.received', { messageType: 'image', content: { mediaId: '65463453', mimeType: 'image/jpeg', sha256: '4654+8g=' } }, 'wa:message:wamid.xyzxyz'],
  [
    'pywa/message.json',
    'media_with_url',
    'message.received',
    { content: { mediaId: '65463453', url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453&source=webhook&ext=487r9re&hash=heiwchueowbcew-dnedcw' } },
    'wa:message:wamid.xyzxyz',
  ],
  ['pywa/message.json', 'video', 'message.received', { messageType: 'video', content: { mediaId: '765756756', mimeType: 'video/mp4', caption: 'caption' }, context: { forwarded: true } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'document', 'message.received', { messageType: 'document', content: { mediaId: '1234567890987654321', mimeType: 'application/pdf', filename: 'filename.pdf', caption: 'caption' } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'audio', 'message.received', { messageType: 'audio', content: { mediaId: '1234567890987654321', mimeType: 'audio/ogg; codecs=opus', voice: false } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'voice', 'message.received', { messageType: 'audio', content: { voice: true } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'static_sticker', 'message.received', { messageType: 'sticker', content: { mediaId: '1234567890987654321', mimeType: 'image/webp', animated: false } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'animated_sticker', 'message.received', { messageType: 'sticker', content: { animated: true } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'current_location', 'message.received', { messageType: 'location', content: { latitude: 12.25089, longitude: 43.90539 } }, 'wa:message:wamid.xyzxyz'],
  [
    'pywa/message.json',
    'chosen_location',
    'message.received',
    { content: { latitude: 37.4611978, longitude: -122.2164385, name: 'Facebook HQ', address: '1 Hacker Way, Menlo Park, CA 94025', url: 'https://maps.google.com/?cid=2000000000000000000' } },
    'wa:message:wamid.xyzxyz',
  ],
  [
    'pywa/message.json',
    'contacts',
    'message.received',
    { messageType: 'contacts', content: { contacts: [{ name: { formatted_name: 'Chandler Bing' } }, { name: { formatted_name: 'Monica' } }, { phones: [{ phone: '+1 777-777-7777', type: 'WORK' }] }] } },
    'wa:message:wamid.xyzxyz',
  ],
  ['pywa/message.json', 'order', 'message.received', { messageType: 'order', content: { catalog_id: '354160437058781', product_items: [{ product_retailer_id: 'HAMBURGER', quantity: 3 }, {}, {}] } }, 'wa:message:wamid.xyzxyz'],
  [
    'pywa/message.json',
    'unsupported_with_type',
    'message.received',
    {
      messageType: 'unsupported',
      content: { type: 'pool' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' }],
    },
    'wa:message:wamid.xyzxyz',
  ],
  ['pywa/message.json', 'unsupported', 'message.received', { messageType: 'unsupported', content: {}, errors: [{ code: 131051 }] }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'reply', 'message.received', { content: { text: 'replied text' }, context: { messageId: 'wamid.xyzxyz==', from: '972123456789' } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'forwarded_many_times', 'message.received', { context: { frequentlyForwarded: true } }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'referral', 'message.received', { content: { text: 'BODY' }, referral: { source_type: 'ad or post', ctwa_clid: 'CTWA_CLID' } }, 'wa:message:wamid.ID'],
  [
    'pywa/callback_button.json',
    'button',
    'message.received',
    { messageType: 'interactive', content: { type: 'button_reply', button_reply: { id: 'callback_data', title: 'title' } }, context: { messageId: 'wamid.xyzxyz', from: '1122334455667' } },
    'wa:message:wamid.xyzxyz',
  ],
  ['pywa/callback_button.json', 'quick_reply', 'message.received', { messageType: 'button', content: { payload: 'callback_data', text: 'title' } }, 'wa:message:wamid.xsidjw'],
  ['pywa/callback_button.json', 'quick_reply_without_context', 'message.received', { messageType: 'button', context: null }, 'wa:message:wamid.xsidjx'],
  [
    'pywa/callback_selection.json',
    'description',
    'message.received',
    { messageType: 'interactive', content: { type: 'list_reply', list_reply: { id: 'callback_data', title: 'title', description: 'description' } } },
    'wa:message:wamid.zyzxyz',
  ],
  [
    'pywa/flow_completion.json',
    'completion',
    'message.received',
    { messageType: 'interactive', content: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: expect.stringContaining('"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s."') } } },
    'wa:message:wamid.wegrchytvwcggt==',
  ],
  ['pywa/system.json', 'phone_number_change', 'message.received', { messageType: 'system', content: { type: 'user_changed_number', wa_id: '972912345678' } }, 'wa:message:wamid.xyzxyz=='],
  [
    'pywa/edited_message.json',
    'image',
    'message.received',
    { from: '16505551234', to: '15550783881', phoneNumberId: '106540352242922', wabaId: '102290129340398', messageType: 'edit', content: { original_message_id: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=' } },
    'wa:message:wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
  ],
  [
    'pywa/message.json',
    'reaction',
    'message.reaction',
    { messageId: 'wamid.xyzxyz', reactedMessageId: 'wamid.yzxyzx=', from: '972987654321', contactName: 'Test Name', phoneNumberId: PHONE_ID, wabaId: WABA, emoji: '😮', timestamp: '2023-10-11T17:14:16.000Z' },
    'wa:message:wamid.xyzxyz',
  ],
  ['pywa/message.json', 'unreaction_empty', 'message.reaction', { emoji: '' }, 'wa:message:wamid.xyzxyz'],
  ['pywa/message.json', 'unreaction_no_emoji', 'message.reaction', { emoji: '' }, 'wa:message:wamid.xyzxyz'],
];

const STATUSES: Row[] = [
  [
    'pywa/message_status.json',
    'sent',
    'message.sent',
    {
      messageId: 'wamid.xyzxyz',
      to: '972987654321',
      from: '972123456789',
      phoneNumberId: PHONE_ID,
      wabaId: STATUS_WABA,
      status: 'sent',
      timestamp: '2023-10-25T20:49:05.000Z',
      conversation: { id: '7270432eae37498234f4444b35ffc5', origin: { type: 'service' }, expiresAt: '2023-10-26T17:05:00.000Z' },
      pricing: { billable: true, pricingModel: 'CBP', category: 'service' },
    },
    'wa:status:wamid.xyzxyz:sent',
  ],
  ['pywa/message_status.json', 'delivered', 'message.delivered', { status: 'delivered', conversation: { id: '7270432eae37498234f4444b35ffc5' }, pricing: { category: 'service' } }, 'wa:status:wamid.xyzxyz:delivered'],
  ['pywa/message_status.json', 'read', 'message.read', { status: 'read', timestamp: '2023-07-15T00:20:58.000Z' }, 'wa:status:wamid.xyzxyz:read'],
  [
    'pywa/message_status.json',
    'failed',
    'message.failed',
    {
      status: 'failed',
      error: {
        code: 130472,
        title: "User's number is part of an experiment",
        message: "User's number is part of an experiment",
        details: "Failed to send message because this user's phone number is part of an experiment",
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
      errors: [{ code: 130472 }],
    },
    'wa:status:wamid.xyzxyz:failed',
  ],
  ['pywa/message_status.json', 'with_tracker', 'message.sent', { bizOpaqueCallbackData: 'some data' }, 'wa:status:wamid.xyzxyz:sent'],
];

const TEMPLATES: Row[] = [
  [
    'pywa/template_status_update.json',
    'approved',
    'template.status',
    {
      templateId: '1689556908129832',
      templateName: 'order_confirmation',
      language: 'en_US',
      status: 'approved',
      category: 'utility',
      reason: null,
      wabaId: '102290129340398',
      timestamp: '2025-06-30T01:39:08.000Z',
    },
    'wa:template:102290129340398:1689556908129832:order_confirmation:en_US:APPROVED:1751247548',
  ],
  [
    'pywa/template_status_update.json',
    'rejected',
    'template.status',
    { status: 'rejected', language: 'en', category: 'marketing', reason: 'INVALID_FORMAT', rejectionInfo: { recommendation: expect.stringContaining('Separate parameters') } },
    'wa:template:102290129340398:1689556908129835:abandoned_cart:en:REJECTED:1751247548',
  ],
  [
    'meta-docs/examples.json',
    'message_template_status_update',
    'template.status',
    { templateName: 'order_confirmation', language: 'en_US', status: 'approved', reason: null },
    'wa:template:102290129340398:1689556908129832:order_confirmation:en-US:APPROVED:1751247548',
  ],
];

// Fields with no type of their own: whatsapp.<field>, Meta's value kept as is.
const OTHER_FIELDS: Array<[file: string, name: string, type: string, wabaId: string, timestamp: string, sessionId: string | null]> = [
  ['pywa/account_update.json', 'account_violation', 'whatsapp.account_update', '102290129340398', '2025-03-31T20:11:43.000Z', null],
  ['pywa/account_update.json', 'partner_added', 'whatsapp.account_update', '2949482758682047', '2025-04-16T17:18:52.000Z', null],
  ['meta-docs/examples.json', 'phone_number_quality_update', 'whatsapp.phone_number_quality_update', '102290129340398', '2025-05-28T17:46:34.000Z', null],
  ['meta-docs/examples.json', 'account_review_update', 'whatsapp.account_review_update', '102290129340398', '2025-02-12T00:43:44.000Z', null],
  // Not a listed member of the family: validates against the family's schema all the same.
  ['meta-docs/examples.json', 'business_capability_update', 'whatsapp.business_capability_update', '524126980791429', '2025-02-12T00:43:44.000Z', null],
  ['pywa/template_quality_update.json', 'yellow', 'whatsapp.message_template_quality_update', '102290129340398', '2023-01-28T00:04:50.000Z', null],
  ['pywa/template_category_update.json', 'marketing', 'whatsapp.template_category_update', '57438975935', '2025-06-19T14:54:42.000Z', null],
];

describe('mapping rows on Meta\'s payloads', () => {
  it.each([...MESSAGES, ...STATUSES, ...TEMPLATES])('%s %s -> %s', (file, name, type, data, key) => {
    const { events, fallbacks } = mapped(payload(file, name));
    expect(fallbacks).toEqual([]);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.type).toBe(type);
    expect(event!.data).toMatchObject(data);
    expect(event!.idempotencyKey).toBe(key);
    const phoneNumberId = (JSON.parse(payload(file, name).toString()).entry[0].changes[0].value.metadata?.phone_number_id ?? null) as string | null;
    expect(event!.sessionId).toBe(phoneNumberId);
  });

  it('message.received keeps exactly the catalog\'s fields and Meta\'s ids, nothing of its own', () => {
    const [event] = mapped(payload('pywa/message.json', 'text')).events;
    expect(event).toEqual({
      type: 'message.received',
      sessionId: PHONE_ID,
      idempotencyKey: 'wa:message:wamid.xyzxyz',
      data: {
        messageId: 'wamid.xyzxyz',
        from: '972987654321',
        to: '972123456789',
        contactName: 'Test Name',
        contactWaId: '972987654321',
        phoneNumberId: PHONE_ID,
        wabaId: WABA,
        messageType: 'text',
        content: { text: 'Body Text' },
        context: null,
        timestamp: '2023-10-11T16:53:43.000Z',
      },
    });
  });

  it.each(OTHER_FIELDS)('%s %s -> %s with the value as Meta sent it', (file, name, type, wabaId, timestamp, sessionId) => {
    const { events, fallbacks } = mapped(payload(file, name));
    expect(fallbacks).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe(type);
    expect(events[0]!.sessionId).toBe(sessionId);
    expect(events[0]!.data).toEqual({ wabaId, field: type.slice('whatsapp.'.length), value: rawValue(file, name), timestamp });
    expect(events[0]!.idempotencyKey).toMatch(new RegExp(`^wa:${type.slice('whatsapp.'.length)}:[0-9a-f]{64}$`));
  });

  it('a field with a phone number in its metadata (user_preferences) takes it as the session', () => {
    const [event] = mapped(payload('pywa/user_marketing_preferences.json', 'resume')).events;
    expect(event).toMatchObject({ type: 'whatsapp.user_preferences', sessionId: '106540352242922', data: { field: 'user_preferences', value: rawValue('pywa/user_marketing_preferences.json', 'resume') } });
  });
});

describe('what no rule takes becomes whatsapp.<field>, alone in its list, saying why', () => {
  it('a status Hookwire has no type for (played)', () => {
    const { events, fallbacks } = mapped(payload('pywa/message_status.json', 'played'));
    const value = rawValue('pywa/message_status.json', 'played') as { statuses: unknown[] };
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'whatsapp.messages', sessionId: PHONE_ID, data: { wabaId: STATUS_WABA, field: 'messages', value, problem: 'no rule takes this item of statuses (status "played")' } });
    expect(fallbacks).toEqual([{ at: 'entry[0].changes[0].value.statuses[0]', type: 'whatsapp.messages', problem: 'no rule takes this item of statuses (status "played")' }]);
  });

  it.each([
    ['pywa/message_status.json', 'group', 'statuses', /^message\.read: to must be a phone number/],
    ['pywa/deleted_message.json', 'revoke', 'messages', /^message\.received: from must be a phone number/],
  ])('%s %s: the catalog refuses what the rule made (placeholders for phone numbers)', (file, name, list, problem) => {
    const { events, fallbacks } = mapped(payload(file, name));
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('whatsapp.messages');
    expect((events[0]!.data as { value: unknown }).value).toEqual(rawValue(file, name));
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.at).toBe(`entry[0].changes[0].value.${list}[0]`);
    expect(fallbacks[0]!.problem).toMatch(problem);
  });

  it('a value with more than its lists (Meta\'s errors beside a message) publishes the rest too', () => {
    const { events, fallbacks } = mapped(payload('pywa/message.json', 'interactive_message_with_err'));
    const value = rawValue('pywa/message.json', 'interactive_message_with_err') as Record<string, unknown>;
    expect(events.map((e) => e.type)).toEqual(['message.received', 'whatsapp.messages']);
    const { messages: _, ...rest } = value;
    expect(events[1]!.data).toMatchObject({ field: 'messages', value: rest, problem: 'no rule takes errors of field messages' });
    expect(fallbacks.map((f) => f.at)).toEqual(['entry[0].changes[0]']);
  });

  it('three changes in one entry (piusalfred/whatsapp), one a location without its type', () => {
    const { events, fallbacks } = mapped(readFileSync(new URL('piusalfred/multiple_change_values.json', FIXTURES)));
    expect(events.map((e) => [e.type, e.idempotencyKey?.replace(/[0-9a-f]{64}$/, '<hash>')])).toEqual([
      ['message.received', 'wa:message:wamid.TEXT123'],
      ['whatsapp.messages', 'wa:messages:<hash>'],
      ['message.reaction', 'wa:message:wamid.RXN001'],
      ['message.received', 'wa:message:wamid.STK002'],
      ['whatsapp.user_preferences', 'wa:user_preferences:<hash>'],
    ]);
    expect(events.every((e) => e.sessionId === '1093849293')).toBe(true);
    expect(fallbacks).toEqual([{ at: 'entry[0].changes[0].value.messages[1]', type: 'whatsapp.messages', problem: 'no rule takes this item of messages' }]);
    expect((events[1]!.data as any).value.messages).toEqual([{ from: '16505551234', id: 'wamid.LOC789', timestamp: '1680123458', location: { latitude: 37.7749, longitude: -122.4194, name: 'San Francisco', address: 'Market Street' } }]);
    expect(events[3]!.data).toMatchObject({ messageType: 'sticker', contactName: 'John Doe', content: { mediaId: 'STICKER1234', mimeType: 'image/webp' } });
  });

  it('integers beyond 2^53 keep their digits', () => {
    const body = `{"object":"whatsapp_business_account","entry":[{"id":"1","time":1739321024,"changes":[{"field":"future_field","value":{"big":12345678901234567890,"small":42,"ratio":0.5}}]}]}`;
    const [event] = mapped(body).events;
    expect(event!.type).toBe('whatsapp.future_field');
    expect((event!.data as any).value).toEqual({ big: '12345678901234567890', small: 42, ratio: 0.5 });
  });

  it('keys such as __proto__ and constructor in Meta\'s data read nothing of JavaScript\'s', () => {
    const message = (type: string) => ({ from: '15551234567', id: `wamid.${type}`, timestamp: '1697043223', type });
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '9' }, messages: [message('constructor'), message('toString')] } }] }],
    });
    const { events } = mapped(body);
    expect(events.map((e) => (e.data as any).messageType)).toEqual(['unknown', 'unknown']);
    expect(events.map((e) => (e.data as any).content)).toEqual([{}, {}]);
  });
});

describe('redelivery', () => {
  const bodies = [
    payload('pywa/message.json', 'text'),
    payload('pywa/message_status.json', 'failed'),
    payload('pywa/template_status_update.json', 'approved'),
    payload('pywa/account_update.json', 'account_restriction'),
    payload('pywa/message_status.json', 'played'),
  ];

  it('the same POST again makes the same idempotency keys, even re-serialized with its keys in another order', () => {
    const reordered = (body: Buffer) => JSON.stringify(sortDeep(JSON.parse(body.toString('utf8'))), null, 2);
    for (const body of bodies) {
      const first = mapped(body).events.map((e) => e.idempotencyKey);
      expect(first.every((k) => typeof k === 'string' && k.length > 0 && k.length <= 255)).toBe(true);
      expect(mapped(body).events.map((e) => e.idempotencyKey)).toEqual(first);
      expect(mapped(reordered(body)).events.map((e) => e.idempotencyKey)).toEqual(first);
    }
  });

  it('each status of one message is its own event; the same status twice is one', () => {
    const keys = ['sent', 'delivered', 'read', 'failed'].map((s) => mapped(payload('pywa/message_status.json', s)).events[0]!.idempotencyKey);
    expect(new Set(keys).size).toBe(4);
  });

  it('the same other-field change sent again later (another entry.time) is a new event', () => {
    const body = JSON.parse(payload('pywa/account_update.json', 'account_offboarded').toString());
    const first = mapped(JSON.stringify(body)).events[0]!.idempotencyKey;
    body.entry[0].time += 86_400;
    expect(mapped(JSON.stringify(body)).events[0]!.idempotencyKey).not.toBe(first);
  });
});

describe('batches', () => {
  /** 100 changes of every kind, spread over `entries` entries. */
  function batch(entries: number): { body: string; kinds: string[] } {
    const kinds: string[] = [];
    const changes = Array.from({ length: 100 }, (_, i) => {
      const id = `wamid.BATCH${String(i).padStart(3, '0')}`;
      const metadata = { display_phone_number: '15550001111', phone_number_id: '106540352242922' };
      switch (i % 5) {
        case 0:
          kinds.push('message.received');
          return { field: 'messages', value: { messaging_product: 'whatsapp', metadata, contacts: [{ profile: { name: `Customer ${i}` }, wa_id: '15551234567' }], messages: [{ from: '15551234567', id, timestamp: String(1_700_000_000 + i), type: 'text', text: { body: `message ${i}` } }] } };
        case 1:
          kinds.push('message.reaction');
          return { field: 'messages', value: { messaging_product: 'whatsapp', metadata, messages: [{ from: '15551234567', id, timestamp: String(1_700_000_000 + i), type: 'reaction', reaction: { message_id: 'wamid.BATCH000', emoji: '👍' } }] } };
        case 2: {
          const status = ['sent', 'delivered', 'read'][i % 3]!;
          kinds.push(`message.${status}`);
          return { field: 'messages', value: { messaging_product: 'whatsapp', metadata, statuses: [{ id, status, timestamp: String(1_700_000_000 + i), recipient_id: '15551234567' }] } };
        }
        case 3:
          kinds.push('template.status');
          return { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1000 + i, message_template_name: `template_${i}`, message_template_language: 'en_US', reason: 'NONE' } };
        default:
          kinds.push('whatsapp.phone_number_quality_update');
          return { field: 'phone_number_quality_update', value: { display_phone_number: '15550001111', event: 'FLAGGED', current_limit: `TIER_${i}` } };
      }
    });
    const per = Math.ceil(100 / entries);
    const entry = Array.from({ length: entries }, (_, e) => ({ id: '102290129340398', time: 1_700_000_000, changes: changes.slice(e * per, (e + 1) * per) }));
    return { body: JSON.stringify({ object: 'whatsapp_business_account', entry }), kinds };
  }

  it.each([1, 10, 100])('100 changes in %i entries make 100 events, in order, each with its own key', (entries) => {
    const { body, kinds } = batch(entries);
    const { events, fallbacks } = mapped(body);
    expect(fallbacks).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(kinds);
    expect(new Set(events.map((e) => e.idempotencyKey)).size).toBe(100);
    expect(events.filter((e) => e.sessionId === '106540352242922')).toHaveLength(60);
  });

  it('a change repeated inside one POST has one key for both (publishEvents makes one event of them)', () => {
    const one = JSON.parse(payload('pywa/message.json', 'text').toString());
    one.entry[0].changes.push(structuredClone(one.entry[0].changes[0]));
    const { events } = mapped(JSON.stringify(one));
    expect(events).toHaveLength(2);
    expect(events[0]!.idempotencyKey).toBe(events[1]!.idempotencyKey);
  });
});

describe('malformed bodies get a clear typed error', () => {
  const entry = (changes: unknown) => JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes }] });
  it.each([
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), ['body'], /not valid UTF-8/],
    ['an empty body', '', ['body'], /empty/],
    ['text that is not JSON', '{"object": "whatsapp_business_account", "entry": [', ['body'], /is not JSON/],
    ['a JSON list', '[]', ['body'], /must be a JSON object/],
    ['another product\'s webhook', JSON.stringify({ object: 'page', entry: [] }), ['body', 'object'], /must be "whatsapp_business_account"/],
    ['no entry', JSON.stringify({ object: 'whatsapp_business_account' }), ['body', 'entry'], /list of entries/],
    ['an entry that is not an object', JSON.stringify({ entry: [42] }), ['body', 'entry', '0'], /must be an object/],
    ['an entry without its id', JSON.stringify({ entry: [{ changes: [] }] }), ['body', 'entry', '0', 'id'], /WhatsApp Business Account id/],
    ['an id no WABA has', JSON.stringify({ entry: [{ id: '1'.repeat(300), changes: [] }] }), ['body', 'entry', '0', 'id'], /1 to 256 characters/],
    ['changes that are not a list', JSON.stringify({ entry: [{ id: '1', changes: {} }] }), ['body', 'entry', '0', 'changes'], /list of changes/],
    ['a change without a field', entry([{ value: {} }]), ['body', 'entry', '0', 'changes', '0', 'field'], /webhook field name/],
    ['a field that is no field name', entry([{ field: 'Messages!', value: {} }]), ['body', 'entry', '0', 'changes', '0', 'field'], /got "Messages!"/],
    ['a change without a value', entry([{ field: 'messages' }]), ['body', 'entry', '0', 'changes', '0', 'value'], /is missing/],
  ])('%s', (_, body, path, message) => {
    let error: unknown;
    try {
      mapWhatsAppWebhook(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourcePayloadError);
    expect(error).toBeInstanceOf(ValidationError);
    const fieldErrors = (error as SourcePayloadError).fieldErrors;
    expect(fieldErrors.map((e) => e.path)).toContainEqual(path);
    expect(fieldErrors.find((e) => e.path.join('.') === path.join('.'))!.message).toMatch(message);
  });

  it('reports every problem of the body at once', () => {
    const body = JSON.stringify({ entry: [{ changes: [{ value: {} }] }, 'x'] });
    const error = (() => {
      try {
        mapWhatsAppWebhook(body);
      } catch (e) {
        return e as SourcePayloadError;
      }
    })();
    expect(error!.fieldErrors.map((e) => e.path.join('.'))).toEqual(['body.entry.0.id', 'body.entry.0.changes.0.field', 'body.entry.1']);
  });

  it('an empty entry list is no events, not an error', () => {
    expect(mapWhatsAppWebhook(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }))).toEqual({ events: [], fallbacks: [] });
  });
});

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => b.localeCompare(a)).map(([k, v]) => [k, sortDeep(v)]));
  }
  return value;
}

describe('receiveWhatsAppPost: what the ingest route calls', () => {
  const secret = 'the-meta-app-secret';
  const sign = (body: Uint8Array) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('a signed POST is its events', () => {
    const body = payload('pywa/message_status.json', 'failed');
    const outcome = receiveWhatsAppPost({ appSecrets: [secret], body, signature: sign(body) });
    expect(outcome).toMatchObject({ kind: 'events', fallbacks: [], events: [{ type: 'message.failed', idempotencyKey: 'wa:status:wamid.xyzxyz:failed' }] });
  });

  it('an unsigned or wrongly signed POST is unauthorized before its body is even parsed', () => {
    const garbage = Buffer.from('not json at all');
    expect(receiveWhatsAppPost({ appSecrets: [secret], body: garbage, signature: undefined })).toMatchObject({ kind: 'unauthorized', refusal: { reason: 'missing_signature' } });
    const body = payload('pywa/message.json', 'text');
    expect(receiveWhatsAppPost({ appSecrets: [secret], body, signature: sign(garbage) })).toMatchObject({ kind: 'unauthorized', refusal: { reason: 'signature_mismatch' } });
  });

  it('a signed body that is not a webhook is malformed, with the paths of its problems', () => {
    const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ value: {} }] }] }));
    const outcome = receiveWhatsAppPost({ appSecrets: [secret], body, signature: sign(body) });
    expect(outcome.kind).toBe('malformed');
    expect(outcome.kind === 'malformed' && outcome.error.fieldErrors.map((e) => e.path.join('.'))).toEqual(['body.entry.0.changes.0.field']);
  });
});
