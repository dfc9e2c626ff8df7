// Unit tests of the event type catalog: contents, schemas against examples, error paths, patterns.

import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  EVENT_TYPE_NAMES,
  findEventType,
  isValidEventTypePattern,
  matchesEventType,
  validateEventData,
} from '../../src/domain/catalog.ts';

// The list in DESIGN.md ("The catalog (`eventTypes` query) holds…"), with the early warning and
// recovery events issue 10 added (endpoint.failing, endpoint.recovered).
const DESIGN_TYPES = [
  'message.received',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'message.reaction',
  'media.uploaded',
  'session.connected',
  'session.disconnected',
  'presence.update',
  'template.status',
  'form.submitted',
  'automation.triggered',
  'webhook.test',
  'endpoint.paused',
  'endpoint.disabled',
  'endpoint.failing',
  'endpoint.recovered',
  'delivery.exhausted',
];

/** A deep, mutable copy of a type's example with `change` applied (`any`: tests poke at any field). */
function exampleWith(type: string, change: (data: Record<string, any>) => void): Record<string, unknown> {
  const data = structuredClone(findEventType(type)!.example) as Record<string, any>;
  change(data);
  return data;
}

// Meta's webhook fields that the whatsapp.* family (DESIGN.md's Sources: "other fields as
// whatsapp.<field>") lists as types of their own; any other whatsapp.<field> validates too.
const WHATSAPP_MEMBERS = [
  'whatsapp.messages',
  'whatsapp.account_update',
  'whatsapp.account_review_update',
  'whatsapp.phone_number_quality_update',
  'whatsapp.message_template_quality_update',
  'whatsapp.template_category_update',
];

describe('catalog contents', () => {
  it('holds exactly the types DESIGN.md lists and the whatsapp.* family\'s members, once each', () => {
    expect([...EVENT_TYPE_NAMES].sort()).toEqual([...DESIGN_TYPES, ...WHATSAPP_MEMBERS].sort());
    expect(new Set(EVENT_TYPE_NAMES).size).toBe(EVENT_TYPES.length);
  });

  it.each([...DESIGN_TYPES, ...WHATSAPP_MEMBERS])('%s has a description, a draft 2020-12 object schema and an example', (name) => {
    const type = findEventType(name);
    expect(type).toBeDefined();
    expect(type!.name).toBe(name);
    expect(type!.description.trim().length).toBeGreaterThan(10);
    expect(type!.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(type!.schema.type).toBe('object');
    expect(typeof type!.example).toBe('object');
  });

  it.each([...DESIGN_TYPES, ...WHATSAPP_MEMBERS])('the example of %s validates against its schema', (name) => {
    expect(validateEventData(name, findEventType(name)!.example)).toEqual([]);
  });

  it('findEventType returns undefined for unknown names and patterns', () => {
    expect(findEventType('message.unknown')).toBeUndefined();
    expect(findEventType('message.*')).toBeUndefined();
    expect(findEventType('*')).toBeUndefined();
  });

  it('is frozen, so no caller can change an example or schema for everyone', () => {
    const type = findEventType('message.received')!;
    expect(Object.isFrozen(EVENT_TYPES)).toBe(true);
    expect(Object.isFrozen(type.example)).toBe(true);
    expect(Object.isFrozen(type.example.content)).toBe(true);
    expect(Object.isFrozen(type.schema.properties)).toBe(true);
  });

  it('schemas are plain JSON (what the eventTypes query serves)', () => {
    for (const type of EVENT_TYPES) {
      expect(JSON.parse(JSON.stringify(type.schema))).toEqual(type.schema);
      expect(JSON.parse(JSON.stringify(type.example))).toEqual(type.example);
    }
  });
});

describe('validateEventData', () => {
  const D = ['input', 'data'];

  it.each([
    {
      name: 'missing required top-level field',
      type: 'message.received',
      data: exampleWith('message.received', (d) => delete d.messageId),
      expected: [{ path: [...D, 'messageId'], message: 'is required' }],
    },
    {
      name: 'wrong type',
      type: 'message.received',
      data: exampleWith('message.received', (d) => (d.from = 15551234567)),
      expected: [{ path: [...D, 'from'], message: 'must be a string' }],
    },
    {
      name: 'phone number that is not one',
      type: 'message.delivered',
      data: exampleWith('message.delivered', (d) => (d.to = 'john')),
      expected: [{ path: [...D, 'to'], message: expect.stringContaining('phone number') }],
    },
    {
      name: 'timestamp that is not a date-time',
      type: 'message.read',
      data: exampleWith('message.read', (d) => (d.timestamp = '2026-04-11')),
      expected: [{ path: [...D, 'timestamp'], message: expect.stringContaining('date-time') }],
    },
    {
      name: 'timestamp without a time zone',
      type: 'message.read',
      data: exampleWith('message.read', (d) => (d.timestamp = '2026-04-11T10:00:00')),
      expected: [{ path: [...D, 'timestamp'], message: expect.stringContaining('date-time') }],
    },
    {
      name: 'status of another event type',
      type: 'message.sent',
      data: exampleWith('message.sent', (d) => (d.status = 'read')),
      expected: [{ path: [...D, 'status'], message: 'must be "sent"' }],
    },
    {
      name: 'text message without text (content depends on messageType)',
      type: 'message.received',
      data: exampleWith('message.received', (d) => (d.content = { body: 'hi' })),
      expected: [{ path: [...D, 'content', 'text'], message: 'is required' }],
    },
    {
      name: 'image message without its media id',
      type: 'message.received',
      data: exampleWith('message.received', (d) => {
        d.messageType = 'image';
        d.content = { mimeType: 'image/jpeg', caption: 'receipt' };
      }),
      expected: [{ path: [...D, 'content', 'mediaId'], message: 'is required' }],
    },
    {
      name: 'unknown message type',
      type: 'message.received',
      data: exampleWith('message.received', (d) => (d.messageType = 'hologram')),
      expected: [{ path: [...D, 'messageType'], message: expect.stringMatching(/^must be one of: "text", "image"/) }],
    },
    {
      name: 'nested error object with a wrong type and a missing field',
      type: 'message.failed',
      data: exampleWith('message.failed', (d) => (d.error = { code: '131047' })),
      expected: [
        { path: [...D, 'error', 'title'], message: 'is required' },
        { path: [...D, 'error', 'code'], message: 'must be an integer' },
      ],
    },
    {
      name: 'template status outside the enum',
      type: 'template.status',
      data: exampleWith('template.status', (d) => (d.status = 'APPROVED')),
      expected: [{ path: [...D, 'status'], message: expect.stringContaining('"approved"') }],
    },
    {
      name: 'template name with capitals',
      type: 'template.status',
      data: exampleWith('template.status', (d) => (d.templateName = 'Order Shipped')),
      expected: [{ path: [...D, 'templateName'], message: expect.stringContaining('template name') }],
    },
    {
      name: 'form fields that are not an object',
      type: 'form.submitted',
      data: exampleWith('form.submitted', (d) => (d.fields = ['a'])),
      expected: [{ path: [...D, 'fields'], message: 'must be an object' }],
    },
    {
      name: 'endpoint.paused with the wrong status and id',
      type: 'endpoint.paused',
      data: exampleWith('endpoint.paused', (d) => {
        d.status = 'DISABLED';
        d.endpointId = 'evt_1';
      }),
      expected: [
        { path: [...D, 'endpointId'], message: 'must be an endpoint id (ep_…)' },
        { path: [...D, 'status'], message: 'must be "PAUSED"' },
      ],
    },
    {
      name: 'delivery.exhausted with a zero attempt count and an impossible HTTP status',
      type: 'delivery.exhausted',
      data: exampleWith('delivery.exhausted', (d) => {
        d.attemptCount = 0;
        d.lastResponseStatus = 999;
      }),
      expected: [
        { path: [...D, 'attemptCount'], message: 'must be at least 1' },
        { path: [...D, 'lastResponseStatus'], message: 'must be at most 599' },
      ],
    },
    {
      name: 'data that is not an object',
      type: 'webhook.test',
      data: 'hello',
      expected: [{ path: D, message: 'must be an object' }],
    },
    {
      name: 'null data',
      type: 'message.read',
      data: null,
      expected: [{ path: D, message: 'must be an object' }],
    },
  ])('$name', ({ type, data, expected }) => {
    const errors = validateEventData(type, data);
    expect(errors).toHaveLength(expected.length);
    expect(errors).toEqual(expect.arrayContaining(expected));
  });

  it('reports every problem at once, not just the first', () => {
    const errors = validateEventData('message.received', { messageType: 'text', content: {}, from: 42 });
    expect(errors.map((e) => e.path.join('.')).sort()).toEqual(
      [
        'input.data.content.text',
        'input.data.from',
        'input.data.messageId',
        'input.data.timestamp',
      ].sort(),
    );
  });

  it('puts paths under the given prefix, with array indexes as strings', () => {
    const data = exampleWith('automation.triggered', (d) => (d.actions = ['ok', 7]));
    expect(validateEventData('automation.triggered', data, ['event', 'data'])).toEqual([
      { path: ['event', 'data', 'actions', '1'], message: 'must be a string' },
    ]);
  });

  it('checks numbers inside nested content (location coordinates)', () => {
    const data = exampleWith('message.received', (d) => {
      d.messageType = 'location';
      d.content = { latitude: 100, longitude: 0 };
    });
    expect(validateEventData('message.received', data)).toEqual([
      { path: [...D, 'content', 'latitude'], message: 'must be at most 90' },
    ]);
  });

  it('allows fields the platform may add', () => {
    const data = exampleWith('message.received', (d) => {
      d.referral = { sourceUrl: 'https://ads.example.com' };
      d.content.previewUrl = true;
    });
    expect(validateEventData('message.received', data)).toEqual([]);
  });

  it('accepts the nullable fields of the operational events as null or absent', () => {
    const exhausted = exampleWith('delivery.exhausted', (d) => {
      d.lastOutcome = null;
      d.lastResponseStatus = null;
    });
    expect(validateEventData('delivery.exhausted', exhausted)).toEqual([]);
    const paused = exampleWith('endpoint.paused', (d) => delete d.pausedAt);
    expect(validateEventData('endpoint.paused', paused)).toEqual([]);
    const disabled = exampleWith('endpoint.disabled', (d) => (d.pausedAt = null));
    expect(validateEventData('endpoint.disabled', disabled)).toEqual([]);
  });

  it('accepts a removed reaction (empty emoji) and a minimal test event', () => {
    expect(validateEventData('message.reaction', exampleWith('message.reaction', (d) => (d.emoji = '')))).toEqual([]);
    expect(validateEventData('webhook.test', {})).toEqual([]);
  });

  it('answers an unknown type with one error at input.type', () => {
    expect(validateEventData('order.created', {})).toEqual([
      { path: ['input', 'type'], message: expect.stringContaining('Unknown event type "order.created"') },
    ]);
  });

  it('suggests the closest known type for a typo', () => {
    const [error] = validateEventData('mesage.recieved', {});
    expect(error!.message).toContain('Did you mean "message.received"?');
  });

  it('does not accept a subscription pattern as an event type', () => {
    expect(validateEventData('message.*', {})[0]!.path).toEqual(['input', 'type']);
  });

  it('gives the same answer when called again (compiled validators are reused)', () => {
    const bad = exampleWith('message.read', (d) => delete d.to);
    const first = validateEventData('message.read', bad);
    expect(validateEventData('message.read', bad)).toEqual(first);
    expect(validateEventData('message.read', findEventType('message.read')!.example)).toEqual([]);
  });
});

describe('isValidEventTypePattern', () => {
  it.each([
    ['*', true],
    ['message.received', true],
    ['delivery.exhausted', true],
    ['message.*', true],
    ['endpoint.*', true],
    ['webhook.*', true],
    ['Message.received', false],
    ['message', false],
    ['message.', false],
    ['message*', false],
    ['mesage.*', false],
    ['message.received.*', false],
    ['*.received', false],
    ['*.*', false],
    ['.*', false],
    ['**', false],
    ['', false],
    [' message.read', false],
    ['order.created', false],
    ['whatsapp.*', true],
    ['whatsapp.account_update', true],
    ['whatsapp.history', true],
    ['whatsapp.History', false],
    ['whatsapp.a.b', false],
    ['whatsapp', false],
  ])('%j → %s', (pattern, valid) => {
    expect(isValidEventTypePattern(pattern)).toBe(valid);
  });
});

describe('matchesEventType', () => {
  it.each([
    [['*'], 'message.received', true],
    [['*'], 'delivery.exhausted', true],
    [['message.*'], 'message.read', true],
    [['message.*'], 'media.uploaded', false],
    [['message.*'], 'message', false],
    [['message.*'], 'messages.read', false],
    [['a.*'], 'a.b.c', true],
    [['a.b.*'], 'a.b.c', true],
    [['a.b.*'], 'a.bc', false],
    [['message.read'], 'message.read', true],
    [['message.read'], 'message.received', false],
    [['message.read', 'session.*'], 'session.connected', true],
    [['message.read', 'session.*'], 'presence.update', false],
    [[], 'message.read', false],
  ] as const)('%j matches %s: %s', (patterns, type, matches) => {
    expect(matchesEventType(patterns, type)).toBe(matches);
  });
});

describe('the whatsapp.* family', () => {
  const value = { display_phone_number: '15550783881', event: 'THROUGHPUT_UPGRADE', current_limit: 'TIER_UNLIMITED' };

  it('a listed member pins its field: whatsapp.account_update carries field account_update', () => {
    expect(validateEventData('whatsapp.account_update', { field: 'account_update', value: { event: 'ACCOUNT_DELETED' } })).toEqual([]);
    expect(validateEventData('whatsapp.account_update', { field: 'account_review_update', value: {} })).toEqual([
      { path: ['input', 'data', 'field'], message: 'must be "account_update"' },
    ]);
  });

  it('a field no one listed (Meta added it) is a type under the family, with the family\'s schema and example', () => {
    const type = findEventType('whatsapp.history');
    expect(type).toMatchObject({ name: 'whatsapp.history', example: { field: 'history' } });
    expect(type!.schema).toBe(findEventType('whatsapp.business_capability_update')!.schema);
    expect(Object.isFrozen(type!.example)).toBe(true);
    expect(validateEventData('whatsapp.history', { field: 'history', value, wabaId: '102290129340398' })).toEqual([]);
    expect(validateEventData('whatsapp.history', type!.example)).toEqual([]);
  });

  it('keeps the value as is, whatever it is, and requires field and value', () => {
    for (const v of [value, [1, 2], 'text', 3, null]) expect(validateEventData('whatsapp.new_field', { field: 'new_field', value: v })).toEqual([]);
    expect(validateEventData('whatsapp.new_field', { value })).toEqual([{ path: ['input', 'data', 'field'], message: 'is required' }]);
    expect(validateEventData('whatsapp.new_field', { field: 'new_field' })).toEqual([{ path: ['input', 'data', 'value'], message: 'is required' }]);
  });

  it.each(['whatsapp', 'whatsapp.', 'whatsapp.*', 'whatsapp.Upper', 'whatsapp.a.b', 'whatsapp.9lives', 'whatsappx.field'])('%j is no type', (name) => {
    expect(findEventType(name)).toBeUndefined();
    expect(validateEventData(name, { field: 'x', value })[0]!.path).toEqual(['input', 'type']);
  });

  it('whatsapp.* matches every name under it, listed or not', () => {
    expect(matchesEventType(['whatsapp.*'], 'whatsapp.history')).toBe(true);
    expect(matchesEventType(['whatsapp.*'], 'message.received')).toBe(false);
  });
});
