// The event type catalog: every type Hookwire accepts, its JSON Schema, a valid example, and the
// pattern rules (exact, '*', 'prefix.*') that endpoints use to subscribe to types.

import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { FieldError } from './errors.ts';

/** A JSON Schema (draft 2020-12) object, as served by the `eventTypes` query. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface EventTypeDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the event's `data`. */
  readonly schema: JsonSchema;
  /** A `data` value that validates against `schema`; sendTestEvent delivers it. */
  readonly example: { readonly [key: string]: unknown };
}

// ---------------------------------------------------------------------------------------------
// Typed `data` of the operational events, for the code that emits them (delivery outcome
// handling). Their schemas below are the source of truth; these mirror them.

export interface EndpointStatusEventData {
  endpointId: string;
  url: string;
  status: 'PAUSED' | 'DISABLED';
  reason: string;
  pausedAt?: string | null;
}

export interface DeliveryExhaustedEventData {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attemptCount: number;
  lastOutcome?: 'SUCCESS' | 'HTTP_ERROR' | 'TIMEOUT' | 'NETWORK_ERROR' | 'BLOCKED' | null;
  lastResponseStatus?: number | null;
}

// ---------------------------------------------------------------------------------------------
// Schema building blocks. Field names are camelCase throughout (the style of the seeds' newest
// payloads), timestamps are ISO 8601 strings with a time zone, phone numbers are WhatsApp ids:
// international digits, optionally with a leading '+'.

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

const PHONE_PATTERN = '^\\+?[1-9][0-9]{6,14}$';
const MIME_PATTERN = '^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+';
const TEMPLATE_NAME_PATTERN = '^[a-z0-9_]+$';
const LANGUAGE_PATTERN = '^[a-z]{2,3}(_[A-Z]{2})?$';
const ENDPOINT_ID_PATTERN = '^ep_';
const DELIVERY_ID_PATTERN = '^dlv_';
const EVENT_ID_PATTERN = '^evt_';

/** ajv's message for a failed `pattern` names the regex; these say what the value should be. */
const PATTERN_MESSAGES: Record<string, string> = {
  [PHONE_PATTERN]: 'must be a phone number in international format: digits only, optional leading +, e.g. 15551234567',
  [MIME_PATTERN]: 'must be a MIME type such as image/jpeg',
  [TEMPLATE_NAME_PATTERN]: 'must be a WhatsApp template name: lowercase letters, digits and underscores',
  [LANGUAGE_PATTERN]: 'must be a WhatsApp language code such as en or en_US',
  [ENDPOINT_ID_PATTERN]: 'must be an endpoint id (ep_…)',
  [DELIVERY_ID_PATTERN]: 'must be a delivery id (dlv_…)',
  [EVENT_ID_PATTERN]: 'must be an event id (evt_…)',
};

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const id = (description: string): JsonSchema => str(description, { minLength: 1, maxLength: 256 });
const phone = (description: string): JsonSchema => str(description, { pattern: PHONE_PATTERN });
const dateTime = (description: string): JsonSchema => str(description, { format: 'date-time' });
const nullableDateTime = (description: string): JsonSchema => ({
  type: ['string', 'null'],
  format: 'date-time',
  description,
});

const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'template',
  'reaction',
  'order',
  'system',
  'unknown',
] as const;
const MEDIA_MESSAGE_TYPES = ['image', 'video', 'audio', 'document', 'sticker'];

const messageType: JsonSchema = {
  type: 'string',
  enum: MESSAGE_TYPES,
  description: 'Kind of WhatsApp message; decides the shape of `content`.',
};

/**
 * `content` depends on `messageType`. Only the shapes a receiver must be able to rely on are
 * pinned (text has text, media has a media id, a location has coordinates, a template its name);
 * other types carry the platform's object as is.
 */
const contentRules: JsonSchema[] = [
  {
    if: { properties: { messageType: { const: 'text' } }, required: ['messageType'] },
    then: {
      properties: {
        content: {
          type: 'object',
          required: ['text'],
          properties: { text: str('The message text.', { minLength: 1, maxLength: 65536 }) },
        },
      },
    },
  },
  {
    if: { properties: { messageType: { enum: MEDIA_MESSAGE_TYPES } }, required: ['messageType'] },
    then: {
      properties: {
        content: {
          type: 'object',
          required: ['mediaId', 'mimeType'],
          properties: {
            mediaId: id('Id of the media; see media.uploaded.'),
            mimeType: str('MIME type of the media.', { pattern: MIME_PATTERN }),
            caption: str('Caption sent with the media.'),
            filename: str('File name, for documents.'),
            sha256: str('SHA-256 of the file.'),
          },
        },
      },
    },
  },
  {
    if: { properties: { messageType: { const: 'location' } }, required: ['messageType'] },
    then: {
      properties: {
        content: {
          type: 'object',
          required: ['latitude', 'longitude'],
          properties: {
            latitude: { type: 'number', minimum: -90, maximum: 90 },
            longitude: { type: 'number', minimum: -180, maximum: 180 },
            name: str('Name of the place.'),
            address: str('Address of the place.'),
          },
        },
      },
    },
  },
  {
    if: { properties: { messageType: { const: 'template' } }, required: ['messageType'] },
    then: {
      properties: {
        content: {
          type: 'object',
          required: ['templateName'],
          properties: {
            templateName: str('Name of the approved template.', { pattern: TEMPLATE_NAME_PATTERN }),
            language: str('Language code of the template.', { pattern: LANGUAGE_PATTERN }),
          },
        },
      },
    },
  },
];

const conversation: JsonSchema = {
  type: 'object',
  description: 'The WhatsApp conversation (billing window) the message belongs to.',
  required: ['id'],
  properties: {
    id: id('Conversation id.'),
    origin: {
      type: 'object',
      properties: { type: str('What opened the conversation, e.g. user_initiated, marketing.') },
    },
    expiresAt: dateTime('When the conversation window closes.'),
  },
};

const pricing: JsonSchema = {
  type: 'object',
  description: 'How WhatsApp bills the message.',
  properties: {
    billable: { type: 'boolean' },
    pricingModel: str('e.g. CBP or PMP.'),
    category: str('e.g. user_initiated, marketing, utility, authentication, service.'),
  },
};

const replyContext: JsonSchema = {
  type: ['object', 'null'],
  description: 'The message this one replies to or forwards, if any.',
  properties: {
    messageId: id('Id of the quoted message.'),
    from: phone('Sender of the quoted message.'),
    forwarded: { type: 'boolean' },
  },
};

function dataSchema(
  title: string,
  required: string[],
  properties: Record<string, JsonSchema>,
  extra: JsonSchema = {},
): JsonSchema {
  return {
    $schema: DRAFT,
    title,
    type: 'object',
    required,
    properties,
    // The platform adds fields over time; receivers must ignore what they do not know.
    additionalProperties: true,
    ...extra,
  };
}

/** message.sent / delivered / read / failed share one shape; only `status` (and error) differ. */
function statusSchema(status: 'sent' | 'delivered' | 'read' | 'failed', title: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    messageId: id('WhatsApp message id (wamid.…) of the outgoing message.'),
    to: phone('Recipient phone number.'),
    from: phone('Your business phone number that sent the message.'),
    phoneNumberId: id('WhatsApp phone number id of the sender.'),
    status: { const: status, description: 'Always "' + status + '" for this event type.' },
    timestamp: dateTime('When WhatsApp reported the status.'),
    conversation,
    pricing,
  };
  const required = ['messageId', 'to', 'status', 'timestamp'];
  if (status === 'sent') {
    properties.messageType = messageType;
    properties.content = { type: 'object', description: 'What was sent; shape depends on messageType.' };
  }
  if (status === 'failed') {
    properties.error = {
      type: 'object',
      description: 'Why WhatsApp could not deliver the message.',
      required: ['code', 'title'],
      properties: {
        code: { type: 'integer', description: 'WhatsApp error code, e.g. 131047.' },
        title: str('Short error title.', { minLength: 1 }),
        message: str('Longer explanation.'),
        details: str('Extra detail from WhatsApp.'),
      },
    };
    required.push('error');
  }
  return dataSchema(title, required, properties, status === 'sent' ? { allOf: contentRules } : {});
}

// ---------------------------------------------------------------------------------------------
// The catalog.

const definitions: EventTypeDefinition[] = [
  {
    name: 'message.received',
    description: 'A customer sent a message to one of your WhatsApp numbers.',
    schema: dataSchema(
      'message.received data',
      ['messageId', 'from', 'messageType', 'content', 'timestamp'],
      {
        messageId: id('WhatsApp message id (wamid.…); use it to deduplicate.'),
        from: phone('Phone number of the customer who sent the message.'),
        to: phone('Your business phone number that received it.'),
        contactName: str('Profile name of the customer, when WhatsApp shares it.'),
        contactWaId: str('WhatsApp id of the customer.'),
        phoneNumberId: id('WhatsApp phone number id that received the message.'),
        messageType,
        content: { type: 'object', description: 'The message itself; shape depends on messageType.' },
        context: replyContext,
        timestamp: dateTime('When the customer sent the message.'),
        conversation,
        pricing,
      },
      { allOf: contentRules },
    ),
    example: {
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGCA0',
      from: '15551234567',
      to: '15550001111',
      contactName: 'John Doe',
      contactWaId: '15551234567',
      phoneNumberId: '106540352242922',
      messageType: 'text',
      content: { text: 'I need help with my order.' },
      context: null,
      timestamp: '2026-04-11T10:29:58.000Z',
      conversation: { id: '123456789012345', origin: { type: 'user_initiated' } },
      pricing: { billable: true, pricingModel: 'CBP', category: 'user_initiated' },
    },
  },
  {
    name: 'message.sent',
    description: 'A message you sent was accepted by WhatsApp and sent to the recipient.',
    schema: statusSchema('sent', 'message.sent data'),
    example: {
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
      to: '15551234567',
      from: '15550001111',
      status: 'sent',
      messageType: 'text',
      content: { text: 'Your order #1042 has shipped.' },
      timestamp: '2026-04-11T10:31:00.000Z',
      conversation: { id: '123456789012345', origin: { type: 'user_initiated' } },
      pricing: { billable: true, pricingModel: 'CBP', category: 'user_initiated' },
    },
  },
  {
    name: 'message.delivered',
    description: "A message you sent reached the recipient's device.",
    schema: statusSchema('delivered', 'message.delivered data'),
    example: {
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
      to: '15551234567',
      status: 'delivered',
      timestamp: '2026-04-11T10:31:02.000Z',
    },
  },
  {
    name: 'message.read',
    description: 'The recipient opened a message you sent (blue ticks).',
    schema: statusSchema('read', 'message.read data'),
    example: {
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
      to: '15551234567',
      status: 'read',
      timestamp: '2026-04-11T10:35:40.000Z',
    },
  },
  {
    name: 'message.failed',
    description: 'WhatsApp could not deliver a message you sent; `error` says why.',
    schema: statusSchema('failed', 'message.failed data'),
    example: {
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBJGQTRFMkI2ODlDNUU4NzA0RjIA',
      to: '15551234567',
      status: 'failed',
      timestamp: '2026-04-11T10:31:03.000Z',
      error: {
        code: 131047,
        title: 'Re-engagement message',
        message: 'More than 24 hours have passed since the recipient last replied.',
      },
    },
  },
  {
    name: 'message.reaction',
    description: 'A customer reacted to a message with an emoji, or removed a reaction (empty emoji).',
    schema: dataSchema('message.reaction data', ['messageId', 'reactedMessageId', 'from', 'emoji', 'timestamp'], {
      messageId: id('WhatsApp message id (wamid.…) of the reaction itself.'),
      reactedMessageId: id('Id of the message reacted to.'),
      from: phone('Phone number of the customer who reacted.'),
      contactName: str('Profile name of the customer, when WhatsApp shares it.'),
      emoji: str('The reaction; an empty string means the reaction was removed.', { maxLength: 32 }),
      timestamp: dateTime('When the customer reacted.'),
    }),
    example: {
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGCBBRjQ3QTk4NkYzMDlGQjc5',
      reactedMessageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
      from: '15551234567',
      contactName: 'John Doe',
      emoji: '👍',
      timestamp: '2026-04-11T10:36:12.000Z',
    },
  },
  {
    name: 'media.uploaded',
    description: 'A media file (image, video, audio, document, sticker) was received or uploaded and is ready to download.',
    schema: dataSchema('media.uploaded data', ['mediaId', 'mimeType', 'timestamp'], {
      mediaId: id('Id of the media file.'),
      messageId: id('Message the media belongs to, if any.'),
      direction: { type: 'string', enum: ['inbound', 'outbound'], description: 'Received from a customer, or uploaded by you.' },
      mimeType: str('MIME type of the file.', { pattern: MIME_PATTERN }),
      fileSize: { type: 'integer', minimum: 0, description: 'Size in bytes.' },
      sha256: str('SHA-256 of the file.'),
      filename: str('Original file name, when known.'),
      url: str('Where to download the file (short-lived, authenticated).', { format: 'uri' }),
      timestamp: dateTime('When the upload completed.'),
    }),
    example: {
      mediaId: '1037543291543636',
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGCA1',
      direction: 'inbound',
      mimeType: 'image/jpeg',
      fileSize: 184233,
      sha256: 'f4e2a1c93b2d8e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f',
      url: 'https://media.example.com/v1/media/1037543291543636',
      timestamp: '2026-04-11T10:30:01.000Z',
    },
  },
  {
    name: 'session.connected',
    description: 'A WhatsApp session (number) connected and can send and receive messages.',
    schema: dataSchema('session.connected data', ['status', 'phoneNumber', 'timestamp'], {
      status: { const: 'connected' },
      phoneNumber: phone('The phone number of the session.'),
      name: str('Profile (display) name of the number.'),
      platform: str('Client platform reported by WhatsApp.'),
      timestamp: dateTime('When the session connected.'),
    }),
    example: {
      status: 'connected',
      phoneNumber: '15550001111',
      name: 'Acme Support',
      timestamp: '2026-04-11T09:00:00.000Z',
    },
  },
  {
    name: 'session.disconnected',
    description: 'A WhatsApp session lost its connection, was logged out, or failed; `reason` says why.',
    schema: dataSchema('session.disconnected data', ['status', 'reason', 'timestamp'], {
      status: {
        type: 'string',
        enum: ['disconnected', 'logged_out', 'failed'],
        description: 'logged_out needs a new pairing; disconnected may reconnect by itself.',
      },
      reason: str('Why the session ended.', { minLength: 1 }),
      phoneNumber: phone('The phone number of the session.'),
      willReconnect: { type: 'boolean', description: 'Whether the platform is retrying the connection.' },
      timestamp: dateTime('When the session disconnected.'),
    }),
    example: {
      status: 'logged_out',
      reason: 'The device was unlinked from the phone.',
      phoneNumber: '15550001111',
      willReconnect: false,
      timestamp: '2026-04-11T18:12:44.000Z',
    },
  },
  {
    name: 'presence.update',
    description: 'A contact came online, went offline, or started or stopped typing or recording.',
    schema: dataSchema('presence.update data', ['from', 'presence', 'timestamp'], {
      from: phone('Phone number of the contact.'),
      chatId: str('The chat the presence applies to, when not the one-to-one chat.'),
      presence: {
        type: 'string',
        enum: ['available', 'unavailable', 'composing', 'recording', 'paused'],
        description: 'composing = typing; paused = stopped typing.',
      },
      lastSeen: nullableDateTime('When the contact was last online, if they share it.'),
      timestamp: dateTime('When the presence changed.'),
    }),
    example: {
      from: '15551234567',
      presence: 'composing',
      lastSeen: null,
      timestamp: '2026-04-11T10:29:50.000Z',
    },
  },
  {
    name: 'template.status',
    description: 'A message template was approved, rejected, paused or otherwise changed status.',
    schema: dataSchema('template.status data', ['templateName', 'language', 'status'], {
      templateId: id('WhatsApp id of the template.'),
      templateName: str('Name of the template.', { pattern: TEMPLATE_NAME_PATTERN, maxLength: 512 }),
      language: str('Language code of the template.', { pattern: LANGUAGE_PATTERN }),
      status: {
        type: 'string',
        enum: ['approved', 'rejected', 'pending', 'paused', 'disabled', 'flagged', 'in_appeal', 'deleted'],
      },
      category: { type: 'string', enum: ['marketing', 'utility', 'authentication'] },
      reason: { type: ['string', 'null'], description: 'Why it was rejected, paused or disabled.' },
      timestamp: dateTime('When the status changed.'),
    }),
    example: {
      templateId: '594425479261596',
      templateName: 'order_shipped',
      language: 'en',
      status: 'approved',
      category: 'utility',
      reason: null,
      timestamp: '2026-01-15T12:00:00.000Z',
    },
  },
  {
    name: 'form.submitted',
    description: 'A customer completed and submitted a WhatsApp form (flow).',
    schema: dataSchema('form.submitted data', ['formId', 'from', 'fields', 'timestamp'], {
      formId: id('Id of the form.'),
      formName: str('Name of the form.'),
      submissionId: id('Id of this submission; use it to deduplicate.'),
      from: phone('Phone number of the customer who submitted the form.'),
      contactName: str('Profile name of the customer, when WhatsApp shares it.'),
      fields: {
        type: 'object',
        description: 'The submitted answers, by field name.',
        additionalProperties: true,
      },
      timestamp: dateTime('When the form was submitted.'),
    }),
    example: {
      formId: 'form_lead_capture',
      formName: 'Lead capture',
      submissionId: 'sub_01JRB6X4Y2Q8N5M3K7P9T1V0W2',
      from: '15551234567',
      contactName: 'John Doe',
      fields: { name: 'John Doe', email: 'john@example.com', company: 'Acme', seats: 12, newsletter: true },
      timestamp: '2026-04-11T11:02:17.000Z',
    },
  },
  {
    name: 'automation.triggered',
    description: 'One of your automations (auto-reply, keyword, chatbot flow) was triggered.',
    schema: dataSchema('automation.triggered data', ['automationId', 'trigger', 'timestamp'], {
      automationId: id('Id of the automation.'),
      automationName: str('Name of the automation.'),
      trigger: str('What triggered it, e.g. keyword, new_contact, schedule.', { minLength: 1 }),
      from: phone('Phone number of the contact involved, if any.'),
      messageId: id('Message that triggered it, if any.'),
      actions: { type: 'array', items: { type: 'string' }, description: 'Actions the automation ran.' },
      timestamp: dateTime('When it was triggered.'),
    }),
    example: {
      automationId: 'auto_welcome',
      automationName: 'Welcome message',
      trigger: 'keyword',
      from: '15551234567',
      messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGCA0',
      actions: ['send_template:welcome_v2', 'tag:new_lead'],
      timestamp: '2026-04-11T10:29:59.000Z',
    },
  },
  {
    name: 'webhook.test',
    description: 'A test event sent by sendTestEvent to check that an endpoint is wired up.',
    schema: dataSchema('webhook.test data', [], {
      message: str('A human-readable note.'),
    }),
    example: { message: 'This is a test event from Hookwire. If you can read it, your endpoint works.' },
  },
  {
    name: 'endpoint.paused',
    description: 'An endpoint was paused (retries of a delivery ran out with no success since); its deliveries are held until resumeEndpoint.',
    schema: endpointStatusSchema('PAUSED'),
    example: {
      endpointId: 'ep_01JRB6X4Y2Q8N5M3K7P9T1V0W2',
      url: 'https://example.com/webhooks/whatsapp',
      status: 'PAUSED',
      reason: 'Delivery dlv_01JRB7A1B2C3D4E5F6G7H8J9K0 failed 7 times without a successful attempt since.',
      pausedAt: '2026-04-12T10:31:00.000Z',
    },
  },
  {
    name: 'endpoint.disabled',
    description: 'An endpoint was disabled: it answered 410 Gone, or an operator disabled it. Its deliveries are held.',
    schema: endpointStatusSchema('DISABLED'),
    example: {
      endpointId: 'ep_01JRB6X4Y2Q8N5M3K7P9T1V0W2',
      url: 'https://example.com/webhooks/whatsapp',
      status: 'DISABLED',
      reason: 'The endpoint answered 410 Gone.',
      pausedAt: '2026-04-12T10:31:00.000Z',
    },
  },
  {
    name: 'delivery.exhausted',
    description: "A delivery used up its endpoint's retry schedule without success and is now FAILED.",
    schema: dataSchema('delivery.exhausted data', ['deliveryId', 'endpointId', 'eventId', 'eventType', 'attemptCount'], {
      deliveryId: str('The delivery that gave up.', { pattern: DELIVERY_ID_PATTERN }),
      endpointId: str('Its endpoint.', { pattern: ENDPOINT_ID_PATTERN }),
      eventId: str('The event it carried.', { pattern: EVENT_ID_PATTERN }),
      eventType: str('Type of that event.', { minLength: 1 }),
      attemptCount: { type: 'integer', minimum: 1, description: 'Attempts made.' },
      lastOutcome: {
        type: ['string', 'null'],
        enum: ['SUCCESS', 'HTTP_ERROR', 'TIMEOUT', 'NETWORK_ERROR', 'BLOCKED', null],
        description: 'Outcome of the last attempt.',
      },
      lastResponseStatus: {
        type: ['integer', 'null'],
        minimum: 100,
        maximum: 599,
        description: 'HTTP status of the last attempt, if it got a response.',
      },
    }),
    example: {
      deliveryId: 'dlv_01JRB7A1B2C3D4E5F6G7H8J9K0',
      endpointId: 'ep_01JRB6X4Y2Q8N5M3K7P9T1V0W2',
      eventId: 'evt_01JRB7A0Z9Y8X7W6V5T4S3R2Q1',
      eventType: 'message.received',
      attemptCount: 7,
      lastOutcome: 'HTTP_ERROR',
      lastResponseStatus: 503,
    },
  },
];

function endpointStatusSchema(status: 'PAUSED' | 'DISABLED'): JsonSchema {
  return dataSchema(`endpoint.${status.toLowerCase()} data`, ['endpointId', 'url', 'status', 'reason'], {
    endpointId: str('The endpoint.', { pattern: ENDPOINT_ID_PATTERN }),
    url: str('Its URL.', { format: 'uri' }),
    status: { const: status, description: 'The endpoint status after the change.' },
    reason: str('Why the status changed (the endpoint\'s pauseReason).', { minLength: 1 }),
    pausedAt: nullableDateTime('When the endpoint stopped receiving attempts.'),
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

// Frozen because the same objects are served by the API and delivered by sendTestEvent: a caller
// that mutated an example would change it for everyone.
export const EVENT_TYPES: readonly EventTypeDefinition[] = deepFreeze(definitions);

export const EVENT_TYPE_NAMES: readonly string[] = Object.freeze(EVENT_TYPES.map((t) => t.name));

const byName = new Map(EVENT_TYPES.map((t) => [t.name, t]));

export function findEventType(name: string): EventTypeDefinition | undefined {
  return byName.get(name);
}

// ---------------------------------------------------------------------------------------------
// Validation of `data`.

// strict: a typo in a schema keyword fails at compile time instead of silently allowing anything.
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
// ajv-formats is CommonJS; under nodenext its default import is the module object, whose
// `default` is the plugin at run time as well (the package sets exports.default).
ajvFormats.default(ajv);

const validators = new Map<string, ValidateFunction>();

function validatorFor(type: EventTypeDefinition): ValidateFunction {
  let validate = validators.get(type.name);
  if (!validate) {
    validate = ajv.compile(type.schema);
    validators.set(type.name, validate);
  }
  return validate;
}

/**
 * Validates an event's `data` against its type's schema. Returns every problem, each at
 * `path` + the JSON pointer of the bad value (plus the property name when one is missing).
 * An unknown type yields one error at the `type` field beside `path` (['input', 'type'] for
 * the default path).
 */
export function validateEventData(type: string, data: unknown, path: string[] = ['input', 'data']): FieldError[] {
  const definition = findEventType(type);
  if (!definition) {
    return [{ path: [...path.slice(0, -1), 'type'], message: unknownTypeMessage(type) }];
  }
  const validate = validatorFor(definition);
  if (validate(data)) return [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    // An `if` error only says "must match then"; the `then` branch's own errors say what is wrong.
    if (error.keyword === 'if') continue;
    const fieldError = { path: [...path, ...errorPath(error)], message: errorMessage(error) };
    const key = JSON.stringify(fieldError);
    if (!seen.has(key)) {
      seen.add(key);
      errors.push(fieldError);
    }
  }
  return errors;
}

function errorPath(error: ErrorObject): string[] {
  // instancePath is a JSON pointer: '' for the root, else '/a/0/b' with ~1 for '/' and ~0 for '~'.
  const segments =
    error.instancePath === ''
      ? []
      : error.instancePath
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') {
    segments.push(String(params.missingProperty));
  } else if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
    segments.push(String(params.additionalProperty ?? params.unevaluatedProperty));
  } else if (error.keyword === 'propertyNames') {
    segments.push(String(params.propertyName));
  }
  return segments;
}

function errorMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return 'is required';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not an allowed property';
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.map(withArticle).join(' or ')}`;
    }
    case 'format':
      if (params.format === 'date-time') {
        return 'must be an ISO 8601 date-time with a time zone, e.g. 2026-04-11T10:30:00Z';
      }
      if (params.format === 'uri') return 'must be an absolute URI';
      return `must be a valid ${String(params.format)}`;
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern':
      return PATTERN_MESSAGES[String(params.pattern)] ?? `must match the pattern ${String(params.pattern)}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'minItems':
      return `must have at least ${String(params.limit)} item(s)`;
    case 'maxItems':
      return `must have at most ${String(params.limit)} item(s)`;
    default:
      return error.message ?? 'is invalid';
  }
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function unknownTypeMessage(type: string): string {
  const base = `Unknown event type ${JSON.stringify(type)}; the eventTypes query lists the catalog`;
  const suggestion = closestName(type);
  return suggestion ? `${base}. Did you mean ${JSON.stringify(suggestion)}?` : base;
}

/** The catalog name nearest to a typo, if it is close enough to be what was meant. */
function closestName(type: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(type.length / 4)) + 1;
  for (const name of EVENT_TYPE_NAMES) {
    const d = editDistance(type.toLowerCase(), name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 10) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------------------------
// Subscription patterns.

/** A known exact name, '*', or 'prefix.*' where some known type starts with 'prefix.'. */
export function isValidEventTypePattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (byName.has(pattern)) return true;
  if (pattern.length > 2 && pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1); // keeps the dot: 'message.'
    // A wildcard that matches nothing is almost certainly a typo ('mesage.*').
    return !prefix.slice(0, -1).includes('*') && EVENT_TYPE_NAMES.some((name) => name.startsWith(prefix));
  }
  return false;
}

/** Whether an event of `type` goes to an endpoint subscribed with `patterns`. */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === type) return true;
    if (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}
