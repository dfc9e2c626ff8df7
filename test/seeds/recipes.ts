// Recipes: for each seed that prints a webhook receiver, what that receiver expects and the
// endpoint configuration (signature header, secret, transformation, event types) under which it
// accepts Hookwire's deliveries unchanged. The receivers' code is in ./receivers/, as printed.
// test/seed-receivers.test.ts runs them; the README and the API integration can use these values.

import type { SignatureHeaderConfig } from '../../src/delivery/sign.ts';

/** How a printed receiver is started (hosts are in ./hosts/; what each adds is said there). */
export type ReceiverHost =
  /** A module exporting `POST(req: Request): Response`, served by hosts/web-route.mjs. */
  | { kind: 'web-route'; file: string }
  /** A complete Express app; hosts/listen-on-port.mjs redirects its hard-coded app.listen. */
  | { kind: 'express-app'; file: string }
  /** Express snippets that use an `app` they do not create; hosts/express-snippet.cjs supplies it. */
  | { kind: 'express-snippet'; files: string[]; route?: RouteGlue }
  /** Flask code, complete or a snippet; hosts/flask_snippet.py runs it. */
  | { kind: 'flask'; files: string[]; route?: RouteGlue }
  /** Printed for ASP.NET Core: kept for reference, not run here (see notRunnable). */
  | { kind: 'aspnet'; file: string };

/** For seeds that print a verify function but no route: POST `path` calls `function(raw body, header, secret)`. */
export interface RouteGlue {
  function: string;
  header: string;
  path: string;
}

export interface SeedReceiver {
  language: 'javascript' | 'typescript' | 'python' | 'csharp';
  host: ReceiverHost;
  /** The path the printed code receives webhooks on. */
  path: string;
  /** Where the printed code takes its secret from. */
  secret: { from: 'env'; variable: 'WEBHOOK_SECRET' } | { from: 'code'; value: string };
  /** What, if anything, differs from the printed text or had to be supplied around it. */
  changes: string;
  /** Set when the harness cannot run this receiver, with the reason it prints. */
  notRunnable?: string;
  /** The printed code also answers the hub.challenge GET that verifyToken makes. */
  answersHandshake?: true;
}

export interface SeedRecipe {
  /** The seed file in shared/seeds/. */
  seed: string;
  platform: string;
  /** What the printed receivers expect, in words. */
  expects: {
    signature: string;
    headers: string;
    body: string;
    events: string;
    secret: string;
  };
  /** The endpoint settings that make the receivers accept Hookwire's requests. */
  endpoint: {
    eventTypes: string[];
    signatureHeader: SignatureHeaderConfig;
    /** The endpoint's own secret; null: any secret works, a generated whsec_ one included. */
    signingSecret: string | null;
    transformation: string | null;
    /** The hub.verify_token the receiver's GET handler checks, when it has one. */
    verifyToken?: string;
  };
  /** Hookwire event types whose catalog example the test delivers to each receiver. */
  samples: string[];
  receivers: SeedReceiver[];
}

const MESSAGE_TYPES = ['message.received', 'message.sent', 'message.delivered', 'message.read', 'message.failed'];

// ---------------------------------------------------------------------------------------------

const wastack: SeedRecipe = {
  seed: '000_5e4cbc0a7cedd9a1.txt',
  platform: 'WAStack',
  expects: {
    signature: 'x-wastack-signature: sha256=<hex HMAC-SHA256(secret, raw body)>, compared as a string',
    headers: 'x-wastack-signature only',
    body: '"event type, timestamp, session ID, and event-specific data": any JSON; the receiver only parses it',
    events:
      'message.received, message.sent, message.delivered, message.read, message.failed, media.uploaded, session.connected, session.disconnected, automation.triggered: Hookwire\'s own names',
    secret: 'process.env.WEBHOOK_SECRET',
  },
  endpoint: {
    eventTypes: [...MESSAGE_TYPES, 'media.uploaded', 'session.connected', 'session.disconnected', 'automation.triggered'],
    signatureHeader: { name: 'x-wastack-signature', format: 'SHA256_HEX', timestampHeader: null },
    signingSecret: null,
    // Hookwire's envelope {id, type, timestamp, sessionId, data} is already that body.
    transformation: null,
  },
  samples: ['message.received', 'message.read', 'session.disconnected', 'automation.triggered'],
  receivers: [
    {
      language: 'javascript',
      host: { kind: 'web-route', file: '000-wastack.route.mjs' },
      path: '/api/webhooks/wastack',
      secret: { from: 'env', variable: 'WEBHOOK_SECRET' },
      changes: 'none: a Next.js-style route handler (POST(req) with a Web Request), served by hosts/web-route.mjs',
    },
  ],
};

// ---------------------------------------------------------------------------------------------

const WAHOOKS_TRANSFORMATION = `// WAHooks bodies: {"event", "session", "payload"}, with WAHA's event names.
function handler(webhook) {
  var d = webhook.payload.data || {};
  var seconds = function (iso) { return iso ? Math.floor(Date.parse(iso) / 1000) : null; };
  var acks = { 'message.delivered': [2, 'DEVICE'], 'message.read': [3, 'READ'], 'message.failed': [-1, 'ERROR'] };
  var media = ['image', 'video', 'audio', 'document', 'sticker'];
  var event, payload;
  switch (webhook.eventType) {
    case 'message.received':
    case 'message.sent':
      var outgoing = webhook.eventType === 'message.sent';
      event = outgoing ? 'message.any' : 'message';
      payload = {
        id: d.messageId,
        timestamp: seconds(d.timestamp),
        from: d.from || null,
        to: d.to || null,
        fromMe: outgoing,
        body: (d.content && (d.content.text || d.content.caption)) || '',
        hasMedia: media.indexOf(d.messageType) >= 0,
      };
      break;
    case 'message.delivered':
    case 'message.read':
    case 'message.failed':
      event = 'message.ack';
      payload = { id: d.messageId, to: d.to, ack: acks[webhook.eventType][0], ackName: acks[webhook.eventType][1], timestamp: seconds(d.timestamp) };
      break;
    case 'session.connected':
    case 'session.disconnected':
      event = 'session.status';
      payload = { status: webhook.eventType === 'session.connected' ? 'WORKING' : 'FAILED', reason: d.reason || null, timestamp: seconds(d.timestamp) };
      break;
    case 'presence.update':
      event = 'presence.update';
      payload = { id: d.from, presences: [{ participant: d.from, lastKnownPresence: d.presence, lastSeen: seconds(d.lastSeen) }] };
      break;
    default:
      event = webhook.eventType;
      payload = d;
  }
  webhook.payload = { event: event, session: webhook.payload.sessionId || 'default', payload: payload };
  webhook.headers['X-WAHooks-Event'] = event;
  return webhook;
}`;

const wahooks: SeedRecipe = {
  seed: '001_c2f39f842356c48a.txt',
  platform: 'WAHooks',
  expects: {
    signature:
      'X-WAHooks-Signature: sha256=<hex HMAC-SHA256(secret, "<X-WAHooks-Timestamp>.<body>")>; the Express receiver signs JSON.stringify(req.body), i.e. the body re-serialized, which equals Hookwire\'s compact JSON',
    headers: 'X-WAHooks-Signature, X-WAHooks-Timestamp (unix seconds), X-WAHooks-Event, Content-Type: application/json',
    body: '{"event": "message", "session": "default", "payload": {"id", "timestamp", "from", "body", "hasMedia"}}; the receivers read event and payload.body',
    events: 'message (incoming), message.any (in and out), message.ack (receipts), session.status, presence.update',
    secret: "hard-coded: const SIGNING_SECRET = 'your-signing-secret' (both receivers)",
  },
  endpoint: {
    eventTypes: [...MESSAGE_TYPES, 'session.connected', 'session.disconnected', 'presence.update'],
    signatureHeader: { name: 'x-wahooks-signature', format: 'SHA256_HEX_TIMESTAMPED', timestampHeader: 'x-wahooks-timestamp' },
    // The receivers hard-code it; as an own secret, Hookwire signs with exactly that string.
    signingSecret: 'your-signing-secret',
    transformation: WAHOOKS_TRANSFORMATION,
  },
  samples: ['message.received', 'message.sent', 'message.read', 'session.connected', 'presence.update'],
  receivers: [
    {
      language: 'typescript',
      host: { kind: 'express-app', file: '001-wahooks.express.ts' },
      path: '/webhook',
      secret: { from: 'code', value: 'your-signing-secret' },
      changes: 'none in the file; its hard-coded app.listen(3000) is sent to 127.0.0.1:$PORT by hosts/listen-on-port.mjs (Node 24 runs the printed TypeScript as it is: it strips the types)',
    },
    {
      language: 'python',
      host: { kind: 'flask', files: ['001-wahooks.flask.py'] },
      path: '/webhook',
      secret: { from: 'code', value: 'your-signing-secret' },
      changes:
        'indentation restored (the page lost it; every line is otherwise as printed, which the test checks); the printed app has no app.run, so hosts/flask_snippet.py serves it',
    },
  ],
};

// ---------------------------------------------------------------------------------------------

const PLATFORM_TRANSFORMATION = `// The platform's bodies: {"id", "type", "api_version", "created_at", "liveMode", "data": {"object"}}.
function handler(webhook) {
  var e = webhook.payload, d = e.data || {};
  var phone = function (n) { return n ? '+' + String(n).replace(/^\\+/, '') : null; };
  var type, object;
  if (webhook.eventType === 'message.received') {
    type = 'message.incoming';
    object = {
      message_id: d.messageId,
      from: { customer_id: d.contactWaId || d.from, phone_number: phone(d.from), name: d.contactName || null },
      type: d.messageType,
      content: d.content,
      timestamp: d.timestamp,
    };
  } else if (webhook.eventType === 'form.submitted') {
    type = 'form.submitted';
    object = { form_id: d.formId, form_name: d.formName || null, submission_id: d.submissionId || null, from: { phone_number: phone(d.from) }, fields: d.fields, submitted_at: d.timestamp };
  } else {
    type = 'message.report';
    object = { recipient: { customer_id: d.messageId, phone_number: phone(d.to) }, status: String(d.status).toUpperCase(), reported_at: d.timestamp, timestamp: d.timestamp };
    if (d.error) object.error = d.error;
  }
  webhook.payload = { id: e.id, type: type, api_version: '2026-02-04', created_at: Math.floor(Date.parse(e.timestamp) / 1000), liveMode: true, data: { object: object } };
  return webhook;
}`;

const platform: SeedRecipe = {
  seed: '002_6c01e5edf9de9ff2.txt',
  platform: 'WhatsApp API Platform (Dashboard → Webhook)',
  expects: {
    signature: 'x-webhook-signature: <hex HMAC-SHA256(secret, raw body)> without prefix, compared with timingSafeEqual / compare_digest',
    headers: 'x-webhook-signature only',
    body: '{"id", "type", "api_version", "created_at" (unix seconds), "liveMode", "data": {"object": {…}}}; the receivers do not parse it',
    events: 'message.incoming, message.report (sent, delivered, read, failed), form.submitted',
    secret: 'process.env.WEBHOOK_SECRET / os.environ["WEBHOOK_SECRET"]: the platform generates whsec_ secrets, used as the HMAC key as a string',
  },
  endpoint: {
    eventTypes: [...MESSAGE_TYPES, 'form.submitted'],
    signatureHeader: { name: 'x-webhook-signature', format: 'HEX', timestampHeader: null },
    signingSecret: null,
    transformation: PLATFORM_TRANSFORMATION,
  },
  samples: ['message.received', 'message.failed', 'form.submitted'],
  receivers: [
    {
      language: 'javascript',
      host: { kind: 'express-snippet', files: ['002-platform.express.cjs'] },
      path: '/webhook',
      secret: { from: 'env', variable: 'WEBHOOK_SECRET' },
      changes: 'none; the snippet uses an app and req.rawBody it does not set up: hosts/express-snippet.cjs supplies express() with the raw body kept',
    },
    {
      language: 'python',
      host: { kind: 'flask', files: ['002-platform.flask.py'] },
      path: '/webhook',
      secret: { from: 'env', variable: 'WEBHOOK_SECRET' },
      changes: 'none; the snippet uses app, request and os without defining them: hosts/flask_snippet.py supplies them',
    },
  ],
};

// ---------------------------------------------------------------------------------------------

const WACONNECT_TRANSFORMATION = `// WaConnect bodies: {"event", "timestamp", "accountId", "accountName", "message", "conversation", "pricing"}.
var ACCOUNT_NAME = 'Your Company Name';
function handler(webhook) {
  var e = webhook.payload, d = e.data;
  webhook.payload = {
    event: 'message.received',
    timestamp: e.timestamp,
    accountId: e.sessionId,
    accountName: ACCOUNT_NAME,
    message: {
      messageId: d.messageId,
      from: d.from,
      contactName: d.contactName || null,
      contactWaId: d.contactWaId || d.from,
      messageType: d.messageType,
      content: d.content,
      context: d.context || null,
      phoneNumberId: d.phoneNumberId || null,
      timestamp: d.timestamp,
    },
    conversation: d.conversation || null,
    pricing: d.pricing || null,
  };
  return webhook;
}`;

const waconnect: SeedRecipe = {
  seed: '003_07f4ee46d423b01b.txt',
  platform: 'WaConnect',
  expects: {
    signature:
      'X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>; the controller strips "sha256=" and compares case-insensitively, and skips the check when the header is absent',
    headers: 'X-Webhook-Signature, X-Webhook-Event: message.received, X-Webhook-Delivery-Attempt (Hookwire sends the last two already)',
    body: '{"event": "message.received", "timestamp", "accountId", "accountName", "message": {messageId, from, contactName, contactWaId, messageType, content, context, phoneNumberId, timestamp}, "conversation", "pricing"}; it reads event, message.from, message.messageType and message.content.text',
    events: 'message.received (incoming messages)',
    secret: 'hard-coded: private const string CallbackSecret = "your_secure_secret_phrase"',
  },
  endpoint: {
    eventTypes: ['message.received'],
    signatureHeader: { name: 'x-webhook-signature', format: 'SHA256_HEX', timestampHeader: null },
    signingSecret: 'your_secure_secret_phrase',
    transformation: WACONNECT_TRANSFORMATION,
  },
  samples: ['message.received'],
  receivers: [
    {
      language: 'csharp',
      host: { kind: 'aspnet', file: '003-waconnect.aspnet.cs' },
      path: '/api/whatsapp/incoming',
      secret: { from: 'code', value: 'your_secure_secret_phrase' },
      changes: 'none (kept as printed, indentation lost by the page)',
      notRunnable:
        'an ASP.NET Core controller: the harness runs JavaScript (Express) and Python (Flask) receivers, and this machine kind has no .NET SDK; the test checks the body and signature against what the controller reads instead',
    },
  ],
};

// ---------------------------------------------------------------------------------------------

const STARTMESSAGING_TRANSFORMATION = `// StartMessaging bodies: {"event", "timestamp", "data"} with snake_case data.
function handler(webhook) {
  var d = webhook.payload.data || {};
  var event, data;
  if (webhook.eventType === 'message.received') {
    event = 'message.received';
    data = { message_id: d.messageId, from: d.from, type: d.messageType, timestamp: d.timestamp, contact: { name: d.contactName || null, wa_id: d.contactWaId || d.from } };
    if (d.messageType === 'text') data.text = { body: d.content.text };
    else data[d.messageType] = d.content;
  } else if (webhook.eventType === 'template.status') {
    event = 'template.status';
    data = { template_name: d.templateName, status: d.status, language: d.language };
    if (d.reason) data.reason = d.reason;
  } else {
    event = 'message.status';
    data = { message_id: d.messageId, status: d.status, recipient: d.to, timestamp: d.timestamp };
  }
  webhook.payload = { event: event, timestamp: webhook.payload.timestamp, data: data };
  return webhook;
}`;

const startmessaging: SeedRecipe = {
  seed: '004_8a1b88789ac541f2.txt',
  platform: 'StartMessaging',
  expects: {
    signature: 'X-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>, compared with timingSafeEqual / compare_digest',
    headers: 'X-Signature-256; a GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=<the secret> handshake when the URL is set',
    body: '{"event", "timestamp", "data": {message_id, from, type, text: {body}, timestamp, contact: {name, wa_id}}} and the like for message.status and template.status',
    events: 'message.received, message.status (sent → delivered → read, or failed), template.status',
    secret: 'process.env.WEBHOOK_SECRET / the secret argument; the verify token is the same secret',
  },
  endpoint: {
    eventTypes: [...MESSAGE_TYPES, 'template.status'],
    signatureHeader: { name: 'x-signature-256', format: 'SHA256_HEX', timestampHeader: null },
    signingSecret: 'your_webhook_secret_key',
    transformation: STARTMESSAGING_TRANSFORMATION,
    verifyToken: 'your_webhook_secret_key',
  },
  samples: ['message.received', 'message.delivered', 'template.status'],
  receivers: [
    {
      language: 'javascript',
      host: {
        kind: 'express-snippet',
        files: ['004-startmessaging.verify-token.express.cjs', '004-startmessaging.verify-signature.cjs'],
        route: { function: 'verifySignature', header: 'x-signature-256', path: '/webhooks/whatsapp' },
      },
      path: '/webhooks/whatsapp',
      secret: { from: 'env', variable: 'WEBHOOK_SECRET' },
      answersHandshake: true,
      changes:
        'none; the page prints the GET handshake and verifySignature() but no POST route: hosts/express-snippet.cjs wires POST /webhooks/whatsapp to verifySignature(raw body, X-Signature-256, WEBHOOK_SECRET), 401 when false',
    },
    {
      language: 'python',
      host: {
        kind: 'flask',
        files: ['004-startmessaging.verify-signature.py'],
        route: { function: 'verify_signature', header: 'X-Signature-256', path: '/webhooks/whatsapp' },
      },
      path: '/webhooks/whatsapp',
      secret: { from: 'env', variable: 'WEBHOOK_SECRET' },
      changes:
        'indentation restored (the page lost it; every line is otherwise as printed, which the test checks); only verify_signature() is printed: hosts/flask_snippet.py wires the POST route to it',
    },
  ],
};

export const RECIPES: readonly SeedRecipe[] = [wastack, wahooks, platform, waconnect, startmessaging];
