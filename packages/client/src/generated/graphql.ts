/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AccountStatus =
  | 'ACTIVE'
  /** Its API keys and portal sessions are refused and its deliveries are held; nothing is deleted. */
  | 'DISABLED';

export type AttemptOutcome =
  /** The destination resolved to an address this deployment may not reach. */
  | 'BLOCKED'
  /** A non-2xx response. */
  | 'HTTP_ERROR'
  /** Connection refused or reset, DNS failure, TLS failure. */
  | 'NETWORK_ERROR'
  /** A 2xx response within the timeout. */
  | 'SUCCESS'
  | 'TIMEOUT'
  /** The endpoint's transformation failed on this delivery (see error); nothing was sent. */
  | 'TRANSFORM_FAILED';

export type AttemptTrigger =
  /** retryDelivery or recoverFailedDeliveries: never announces exhaustion, never pauses or disables the endpoint, never moves the schedule on. */
  | 'MANUAL'
  /** The delivery's first attempt or a retry of its schedule. */
  | 'SCHEDULED';

export type CreateEndpointInput = {
  /** 1 to 100; null: the deployment's default. */
  concurrencyLimit?: number | null | undefined;
  /** At most 200 characters. */
  description: string;
  /** HTTP when absent. */
  destination?: DestinationInput | null | undefined;
  /** 1 to 50 event type names, '*' for all, or prefix wildcards such as 'message.*'. */
  eventTypes: Array<string>;
  filter?: unknown;
  /** At most 20 header names to string values (values at most 4096 characters); not the ones Hookwire sets. */
  headers?: unknown;
  ordered?: boolean | null | undefined;
  /** 1 to 1000; null: no limit. */
  rateLimitPerSecond?: number | null | undefined;
  /** At most 20 delays of 1 to 86400 seconds; null: the deployment's default. */
  retrySchedule?: Array<number> | null | undefined;
  /** At most 100, each at most 128 characters; null: every session. */
  sessionIds?: Array<string> | null | undefined;
  signatureHeader?: SignatureHeaderInput | null | undefined;
  /** The endpoint's own signing secret (16 to 128 printable ASCII characters), for receivers that already hold one; a whsec_ secret is generated when absent. */
  signingSecret?: string | null | undefined;
  /** 100 to 30000; null: 5000. */
  timeoutMs?: number | null | undefined;
  /** At most 64 KiB of JavaScript. */
  transformation?: string | null | undefined;
  /** An absolute https URL, or the broker's URL for a broker destination (credentials stored sealed); at most 2048 characters. */
  url: string;
  /** When given, the URL must pass the hub.challenge handshake before the endpoint is saved. */
  verifyToken?: string | null | undefined;
};

export type CreateEventTypeInput = {
  description: string;
  /** Must validate against schema. */
  example: unknown;
  /** Lowercase segments separated by dots, e.g. message.status. */
  name: string;
  /** JSON Schema of the event's data. */
  schema: unknown;
};

export type CreateSourceInput = {
  /** WHATSAPP_CLOUD: the Meta app secret that keys X-Hub-Signature-256 (stored sealed). */
  appSecret?: string | null | undefined;
  /** Broker kinds: the broker's URL (stored sealed). */
  brokerUrl?: string | null | undefined;
  eventType?: string | null | undefined;
  kind: SourceKind;
  /** 1 to 200 characters. */
  name: string;
  /** RABBITMQ: the queue consumed. */
  queue?: string | null | undefined;
  /** SIGNED_HTTP: the header and format the sender writes; Standard Webhooks when absent. */
  signatureHeader?: SignatureHeaderInput | null | undefined;
  /** SIGNED_HTTP: the secret the sender signs with (stored sealed). */
  signingSecret?: string | null | undefined;
  /** REDIS_STREAM: the stream key. */
  stream?: string | null | undefined;
  /** NATS: the subject filter of the durable consumer. */
  subject?: string | null | undefined;
  /** WHATSAPP_CLOUD: the token Meta sends back as hub.verify_token (stored sealed). */
  verifyToken?: string | null | undefined;
};

export type DeliveryStatus =
  /** Given up: retries exhausted, or a response that must not be retried. */
  | 'FAILED'
  /** Waiting for its first or next attempt (also while held by a paused endpoint). */
  | 'PENDING'
  | 'SUCCEEDED';

/** A broker kind's url (the endpoint's) must be that broker's; the fields of other kinds must be absent. */
export type DestinationInput = {
  /** RABBITMQ: '' or absent for the default exchange. */
  exchange?: string | null | undefined;
  kind: DestinationKind;
  /** RABBITMQ: absent to route by the event type. */
  routingKey?: string | null | undefined;
  /** REDIS_STREAM: required. */
  stream?: string | null | undefined;
  /** NATS: required; {type} becomes the event type. */
  subject?: string | null | undefined;
};

export type DestinationKind =
  /** An HTTP POST to the url: the default. */
  | 'HTTP'
  /** Published to a NATS JetStream subject (the publish ack); url is nats:// or tls://. */
  | 'NATS'
  /** Published to a RabbitMQ exchange (publisher confirms, mandatory); url is amqp:// or amqps://. */
  | 'RABBITMQ'
  /** Added to a Redis stream (XADD); url is redis:// or rediss://. */
  | 'REDIS_STREAM';

export type EndpointStatus =
  /** Deliveries are attempted. */
  | 'ACTIVE'
  /** The receiver asked to stop (HTTP 410) or an operator disabled it; held like PAUSED. */
  | 'DISABLED'
  /** Deliveries are recorded and held, not attempted, until resumeEndpoint. */
  | 'PAUSED';

export type PublishEventInput = {
  data: unknown;
  /** A repeat within 24 hours returns the first event and delivers nothing new. */
  idempotencyKey?: string | null | undefined;
  sessionId?: string | null | undefined;
  type: string;
};

/** How the hex signature header (the one beside the Standard Webhooks headers) is written. */
export type SignatureFormat =
  /** <hex HMAC-SHA256(secret, raw body)>, without a prefix. */
  | 'HEX'
  /** sha256=<hex HMAC-SHA256(secret, raw body)>: the default. */
  | 'SHA256_HEX'
  /** sha256=<hex HMAC-SHA256(secret, '<unix seconds>.<raw body>')>; the seconds travel in timestampHeader. */
  | 'SHA256_HEX_TIMESTAMPED';

export type SignatureHeaderInput = {
  format: SignatureFormat;
  name: string;
  timestampHeader?: string | null | undefined;
};

export type SourceBrokerState =
  /** A worker is connected to the broker and consuming. */
  | 'CONNECTED'
  /** The broker refused the source (missing queue, wrong credentials, blocked address…); retried with backoff, see lastError. */
  | 'ERROR'
  /** The connection was lost or is being made; the worker retries with backoff. */
  | 'RECONNECTING';

export type SourceKind =
  /** A durable JetStream consumer. */
  | 'NATS'
  /** Consumes a RabbitMQ queue. */
  | 'RABBITMQ'
  /** A Redis stream read by a consumer group. */
  | 'REDIS_STREAM'
  /** Any sender that signs its POSTs with an HMAC header (the formats endpoints sign with). */
  | 'SIGNED_HTTP'
  /** Meta's WhatsApp Business Platform webhooks: hub.challenge, X-Hub-Signature-256, entry[].changes[]. */
  | 'WHATSAPP_CLOUD';

export type SourceStatus =
  /** Requests are taken. */
  | 'ACTIVE'
  /** A broker source that cannot reach its broker now (see lastError). */
  | 'DISCONNECTED'
  /** Requests are answered 503 with Retry-After (the sender retries later); nothing is published. */
  | 'PAUSED';

export type UpdateAccountInput = {
  /** 1–128 printable ASCII characters without spaces; null removes it. */
  externalId?: string | null | undefined;
  /** At most 16384 bytes as JSON; null removes it. */
  metadata?: unknown;
  name?: string | null | undefined;
};

export type UpdateEndpointInput = {
  /** 1 to 100; null: the deployment's default. */
  concurrencyLimit?: number | null | undefined;
  /** At most 200 characters. */
  description?: string | null | undefined;
  /** Replaces the destination; absent: unchanged. */
  destination?: DestinationInput | null | undefined;
  /** 1 to 50 event type names, '*' for all, or prefix wildcards such as 'message.*'. */
  eventTypes?: Array<string> | null | undefined;
  /** An empty object removes the filter. */
  filter?: unknown;
  /** At most 20 header names to string values (values at most 4096 characters); not the ones Hookwire sets. */
  headers?: unknown;
  ordered?: boolean | null | undefined;
  /** 1 to 1000; null: no limit. */
  rateLimitPerSecond?: number | null | undefined;
  /** At most 20 delays of 1 to 86400 seconds; null: the deployment's default. */
  retrySchedule?: Array<number> | null | undefined;
  /** At most 100, each at most 128 characters; null: every session. */
  sessionIds?: Array<string> | null | undefined;
  signatureHeader?: SignatureHeaderInput | null | undefined;
  /** Replaces the secret at once; rotateEndpointSecret keeps the old one signing for a grace period. */
  signingSecret?: string | null | undefined;
  /** 100 to 30000; null: 5000. */
  timeoutMs?: number | null | undefined;
  /** At most 64 KiB of JavaScript. An empty string removes the transformation. */
  transformation?: string | null | undefined;
  /** An absolute https URL, or the broker's URL for a broker destination (credentials stored sealed); at most 2048 characters. */
  url?: string | null | undefined;
  verifyToken?: string | null | undefined;
};

export type UpdateEventTypeInput = {
  description?: string | null | undefined;
  example?: unknown;
  schema?: unknown;
};

export type UpdateSourceInput = {
  appSecret?: string | null | undefined;
  brokerUrl?: string | null | undefined;
  eventType?: string | null | undefined;
  name?: string | null | undefined;
  queue?: string | null | undefined;
  signatureHeader?: SignatureHeaderInput | null | undefined;
  signingSecret?: string | null | undefined;
  status?: SourceStatus | null | undefined;
  stream?: string | null | undefined;
  subject?: string | null | undefined;
  verifyToken?: string | null | undefined;
};

export type EndpointFieldsFragment = { id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } };

export type EndpointWithSecretFieldsFragment = { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } };

export type DeliveryStatsFieldsFragment = { total: number, succeeded: number, failed: number, pending: number, successRate: number | null };

export type EventFieldsFragment = { id: string, type: string, sessionId: string | null, createdAt: string, data: unknown };

export type DeliveryFieldsFragment = { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } };

export type AttemptFieldsFragment = { id: string, attemptNumber: number, trigger: AttemptTrigger, outcome: AttemptOutcome, startedAt: string, durationMs: number, responseStatus: number | null, error: string | null, willRetry: boolean };

export type AttemptDetailFieldsFragment = { requestHeaders: unknown, requestBody: string, responseHeaders: unknown, responseBody: string | null, id: string, attemptNumber: number, trigger: AttemptTrigger, outcome: AttemptOutcome, startedAt: string, durationMs: number, responseStatus: number | null, error: string | null, willRetry: boolean };

export type EventTypeFieldsFragment = { name: string, description: string, custom: boolean, archived: boolean, schema: unknown, example: unknown };

type ErrorFields_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type ErrorFields_ValidationError_Fragment = { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> };

type ErrorFields_VerificationError_Fragment = { __typename: 'VerificationError', message: string };

export type ErrorFieldsFragment =
  | ErrorFields_NotFoundError_Fragment
  | ErrorFields_ValidationError_Fragment
  | ErrorFields_VerificationError_Fragment
;

export type SourceFieldsFragment = { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, eventType: string | null, lastError: string | null, createdAt: string, brokerUrl: string | null, queue: string | null, subject: string | null, stream: string | null, brokerState: SourceBrokerState | null, lag: number | null, lastErrorAt: string | null };

export type SourceRequestFieldsFragment = { receivedAt: string, status: number, error: string | null, events: number };

type EndpointResultFields_EndpointSuccess_Fragment = { __typename: 'EndpointSuccess', endpoint: { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } };

type EndpointResultFields_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type EndpointResultFields_ValidationError_Fragment = { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> };

type EndpointResultFields_VerificationError_Fragment = { __typename: 'VerificationError', message: string };

export type EndpointResultFieldsFragment =
  | EndpointResultFields_EndpointSuccess_Fragment
  | EndpointResultFields_NotFoundError_Fragment
  | EndpointResultFields_ValidationError_Fragment
  | EndpointResultFields_VerificationError_Fragment
;

type DeliveryResultFields_DeliverySuccess_Fragment = { __typename: 'DeliverySuccess', delivery: { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } } };

type DeliveryResultFields_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type DeliveryResultFields_ValidationError_Fragment = { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> };

export type DeliveryResultFieldsFragment =
  | DeliveryResultFields_DeliverySuccess_Fragment
  | DeliveryResultFields_NotFoundError_Fragment
  | DeliveryResultFields_ValidationError_Fragment
;

type SourceResultFields_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type SourceResultFields_SourceSuccess_Fragment = { __typename: 'SourceSuccess', source: { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, eventType: string | null, lastError: string | null, createdAt: string, brokerUrl: string | null, queue: string | null, subject: string | null, stream: string | null, brokerState: SourceBrokerState | null, lag: number | null, lastErrorAt: string | null } };

type SourceResultFields_ValidationError_Fragment = { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> };

export type SourceResultFieldsFragment =
  | SourceResultFields_NotFoundError_Fragment
  | SourceResultFields_SourceSuccess_Fragment
  | SourceResultFields_ValidationError_Fragment
;

type EventTypeResultFields_EventTypeSuccess_Fragment = { __typename: 'EventTypeSuccess', eventType: { name: string, description: string, custom: boolean, archived: boolean, schema: unknown, example: unknown } };

type EventTypeResultFields_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type EventTypeResultFields_ValidationError_Fragment = { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> };

export type EventTypeResultFieldsFragment =
  | EventTypeResultFields_EventTypeSuccess_Fragment
  | EventTypeResultFields_NotFoundError_Fragment
  | EventTypeResultFields_ValidationError_Fragment
;

export type PublishedEventFieldsFragment = { id: string, type: string, sessionId: string | null, createdAt: string, data: unknown, deliveries: Array<{ id: string, status: DeliveryStatus, endpoint: { id: string } }> };

export type AccountFieldsFragment = { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string };

type AccountResultFields_AccountSuccess_Fragment = { __typename: 'AccountSuccess', account: { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string } };

type AccountResultFields_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type AccountResultFields_ValidationError_Fragment = { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> };

export type AccountResultFieldsFragment =
  | AccountResultFields_AccountSuccess_Fragment
  | AccountResultFields_NotFoundError_Fragment
  | AccountResultFields_ValidationError_Fragment
;

export type SourceQueryVariables = Exact<{
  id: string;
  requests?: number | null | undefined;
}>;


export type SourceQuery = { source: { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, eventType: string | null, lastError: string | null, createdAt: string, brokerUrl: string | null, queue: string | null, subject: string | null, stream: string | null, brokerState: SourceBrokerState | null, lag: number | null, lastErrorAt: string | null, recentRequests: Array<{ receivedAt: string, status: number, error: string | null, events: number }> } | null };

export type SourcesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SourcesQuery = { sources: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, eventType: string | null, lastError: string | null, createdAt: string, brokerUrl: string | null, queue: string | null, subject: string | null, stream: string | null, brokerState: SourceBrokerState | null, lag: number | null, lastErrorAt: string | null } }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { id: string, name: string, createdAt: string } | null };

export type AccountsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  search?: string | null | undefined;
  status?: AccountStatus | null | undefined;
}>;


export type AccountsQuery = { accounts: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string } }> } };

export type AccountQueryVariables = Exact<{
  id?: string | null | undefined;
  externalId?: string | null | undefined;
}>;


export type AccountQuery = { account: { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string } | null };

export type EndpointQueryVariables = Exact<{
  id: string;
}>;


export type EndpointQuery = { endpoint: { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } | null };

export type EndpointsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  status?: EndpointStatus | null | undefined;
}>;


export type EndpointsQuery = { endpoints: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } }> } };

export type EndpointStatsQueryVariables = Exact<{
  id: string;
  since?: string | null | undefined;
}>;


export type EndpointStatsQuery = { endpoint: { id: string, stats: { total: number, succeeded: number, failed: number, pending: number, successRate: number | null } } | null };

export type EventQueryVariables = Exact<{
  id: string;
}>;


export type EventQuery = { event: { payload: unknown, id: string, type: string, sessionId: string | null, createdAt: string, data: unknown, deliveries: Array<{ id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } }> } | null };

export type EventsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  type?: string | null | undefined;
  sessionId?: string | null | undefined;
}>;


export type EventsQuery = { events: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, type: string, sessionId: string | null, createdAt: string, data: unknown } }> } };

export type DeliveryQueryVariables = Exact<{
  id: string;
}>;


export type DeliveryQuery = { delivery: { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, attempts: Array<{ requestHeaders: unknown, requestBody: string, responseHeaders: unknown, responseBody: string | null, id: string, attemptNumber: number, trigger: AttemptTrigger, outcome: AttemptOutcome, startedAt: string, durationMs: number, responseStatus: number | null, error: string | null, willRetry: boolean }>, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } } | null };

export type DeliveriesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  endpointId?: string | null | undefined;
  status?: DeliveryStatus | null | undefined;
  eventType?: string | null | undefined;
  since?: string | null | undefined;
}>;


export type DeliveriesQuery = { deliveries: { totalCount: number, stats: { total: number, succeeded: number, failed: number, pending: number, successRate: number | null }, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } } }> } };

export type NodeQueryVariables = Exact<{
  id: string;
}>;


export type NodeQuery = { node:
    | { __typename: 'Account', id: string }
    | { __typename: 'ApiKey', id: string }
    | { __typename: 'Delivery', id: string }
    | { __typename: 'DeliveryAttempt', id: string }
    | { __typename: 'Endpoint', id: string }
    | { __typename: 'Event', id: string }
    | { __typename: 'Source', id: string }
   | null };

export type EventTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type EventTypesQuery = { eventTypes: Array<{ name: string, description: string, custom: boolean, archived: boolean, schema: unknown, example: unknown }> };

export type PreviewTransformationQueryVariables = Exact<{
  transformation: string;
  eventType: string;
  data?: unknown;
}>;


export type PreviewTransformationQuery = { previewTransformation:
    | { __typename: 'TransformationPreview', body: string, headers: unknown }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type CreateAccountMutationVariables = Exact<{
  name: string;
  externalId?: string | null | undefined;
  metadata?: unknown;
}>;


export type CreateAccountMutation = { createAccount:
    | { __typename: 'CreateAccountSuccess', apiKey: string, account: { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string } }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type UpdateAccountMutationVariables = Exact<{
  id: string;
  input: UpdateAccountInput;
}>;


export type UpdateAccountMutation = { updateAccount:
    | { __typename: 'AccountSuccess', account: { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type DisableAccountMutationVariables = Exact<{
  id: string;
}>;


export type DisableAccountMutation = { disableAccount:
    | { __typename: 'AccountSuccess', account: { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type EnableAccountMutationVariables = Exact<{
  id: string;
}>;


export type EnableAccountMutation = { enableAccount:
    | { __typename: 'AccountSuccess', account: { id: string, name: string, externalId: string | null, metadata: unknown, status: AccountStatus, createdAt: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type DeleteAccountMutationVariables = Exact<{
  id: string;
}>;


export type DeleteAccountMutation = { deleteAccount:
    | { __typename: 'DeleteAccountSuccess', id: string }
    | { __typename: 'NotFoundError', message: string }
   };

export type CreateApiKeyMutationVariables = Exact<{
  name?: string | null | undefined;
  account?: string | null | undefined;
}>;


export type CreateApiKeyMutation = { createApiKey:
    | { __typename: 'CreateApiKeySuccess', apiKey: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type CreateSourceMutationVariables = Exact<{
  input: CreateSourceInput;
}>;


export type CreateSourceMutation = { createSource:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'SourceSuccess', source: { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, eventType: string | null, lastError: string | null, createdAt: string, brokerUrl: string | null, queue: string | null, subject: string | null, stream: string | null, brokerState: SourceBrokerState | null, lag: number | null, lastErrorAt: string | null } }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type UpdateSourceMutationVariables = Exact<{
  id: string;
  input: UpdateSourceInput;
}>;


export type UpdateSourceMutation = { updateSource:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'SourceSuccess', source: { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, eventType: string | null, lastError: string | null, createdAt: string, brokerUrl: string | null, queue: string | null, subject: string | null, stream: string | null, brokerState: SourceBrokerState | null, lag: number | null, lastErrorAt: string | null } }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type DeleteSourceMutationVariables = Exact<{
  id: string;
}>;


export type DeleteSourceMutation = { deleteSource:
    | { __typename: 'DeleteSourceSuccess', id: string }
    | { __typename: 'NotFoundError', message: string }
   };

export type CreateEndpointMutationVariables = Exact<{
  input: CreateEndpointInput;
}>;


export type CreateEndpointMutation = { createEndpoint:
    | { __typename: 'EndpointSuccess', endpoint: { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VerificationError', message: string }
   };

export type UpdateEndpointMutationVariables = Exact<{
  id: string;
  input: UpdateEndpointInput;
}>;


export type UpdateEndpointMutation = { updateEndpoint:
    | { __typename: 'EndpointSuccess', endpoint: { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VerificationError', message: string }
   };

export type DeleteEndpointMutationVariables = Exact<{
  id: string;
}>;


export type DeleteEndpointMutation = { deleteEndpoint:
    | { __typename: 'DeleteEndpointSuccess', deletedId: string }
    | { __typename: 'NotFoundError', message: string }
   };

export type PauseEndpointMutationVariables = Exact<{
  id: string;
}>;


export type PauseEndpointMutation = { pauseEndpoint:
    | { __typename: 'EndpointSuccess', endpoint: { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VerificationError', message: string }
   };

export type ResumeEndpointMutationVariables = Exact<{
  id: string;
}>;


export type ResumeEndpointMutation = { resumeEndpoint:
    | { __typename: 'EndpointSuccess', endpoint: { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VerificationError', message: string }
   };

export type RotateEndpointSecretMutationVariables = Exact<{
  id: string;
  gracePeriodSeconds?: number | null | undefined;
}>;


export type RotateEndpointSecretMutation = { rotateEndpointSecret:
    | { __typename: 'EndpointSuccess', endpoint: { signingSecret: string, id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VerificationError', message: string }
   };

export type SendTestEventMutationVariables = Exact<{
  endpointId: string;
  eventType?: string | null | undefined;
}>;


export type SendTestEventMutation = { sendTestEvent:
    | { __typename: 'DeliverySuccess', delivery: { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type PublishEventMutationVariables = Exact<{
  input: PublishEventInput;
}>;


export type PublishEventMutation = { publishEvent:
    | { __typename: 'PublishEventSuccess', event: { id: string, type: string, sessionId: string | null, createdAt: string, data: unknown, deliveries: Array<{ id: string, status: DeliveryStatus, endpoint: { id: string } }> } }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type PublishEventsMutationVariables = Exact<{
  inputs: Array<PublishEventInput> | PublishEventInput;
}>;


export type PublishEventsMutation = { publishEvents:
    | { __typename: 'PublishEventsSuccess', events: Array<{ id: string, type: string, sessionId: string | null, createdAt: string, data: unknown, deliveries: Array<{ id: string, status: DeliveryStatus, endpoint: { id: string } }> }> }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type RetryDeliveryMutationVariables = Exact<{
  id: string;
}>;


export type RetryDeliveryMutation = { retryDelivery:
    | { __typename: 'DeliverySuccess', delivery: { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type CreateEventTypeMutationVariables = Exact<{
  input: CreateEventTypeInput;
}>;


export type CreateEventTypeMutation = { createEventType:
    | { __typename: 'EventTypeSuccess', eventType: { name: string, description: string, custom: boolean, archived: boolean, schema: unknown, example: unknown } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type UpdateEventTypeMutationVariables = Exact<{
  name: string;
  input: UpdateEventTypeInput;
}>;


export type UpdateEventTypeMutation = { updateEventType:
    | { __typename: 'EventTypeSuccess', eventType: { name: string, description: string, custom: boolean, archived: boolean, schema: unknown, example: unknown } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type ArchiveEventTypeMutationVariables = Exact<{
  name: string;
}>;


export type ArchiveEventTypeMutation = { archiveEventType:
    | { __typename: 'EventTypeSuccess', eventType: { name: string, description: string, custom: boolean, archived: boolean, schema: unknown, example: unknown } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type UnarchiveEventTypeMutationVariables = Exact<{
  name: string;
}>;


export type UnarchiveEventTypeMutation = { unarchiveEventType:
    | { __typename: 'EventTypeSuccess', eventType: { name: string, description: string, custom: boolean, archived: boolean, schema: unknown, example: unknown } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type RecoverFailedDeliveriesMutationVariables = Exact<{
  endpointId: string;
  since: string;
}>;


export type RecoverFailedDeliveriesMutation = { recoverFailedDeliveries:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RecoverFailedDeliveriesSuccess', count: number }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type DeliveryAttemptedSubscriptionVariables = Exact<{
  endpointId?: string | null | undefined;
  eventTypes?: Array<string> | string | null | undefined;
}>;


export type DeliveryAttemptedSubscription = { deliveryAttempted: { id: string, attemptNumber: number, trigger: AttemptTrigger, outcome: AttemptOutcome, startedAt: string, durationMs: number, responseStatus: number | null, error: string | null, willRetry: boolean, delivery: { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, completedAt: string | null, event: { id: string, type: string, sessionId: string | null }, endpoint: { id: string, url: string } } } };

export type EndpointStatusChangedSubscriptionVariables = Exact<{
  endpointId?: string | null | undefined;
}>;


export type EndpointStatusChangedSubscription = { endpointStatusChanged: { id: string, url: string, description: string, eventTypes: Array<string>, sessionIds: Array<string> | null, status: EndpointStatus, pausedAt: string | null, pauseReason: string | null, headers: unknown, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, concurrencyLimit: number | null, ordered: boolean, filter: unknown, transformation: string | null, createdAt: string, updatedAt: string, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, signatureHeader: { name: string, format: SignatureFormat, timestampHeader: string | null } } };

export type SignedRequestSentSubscriptionVariables = Exact<{
  endpointId: string;
}>;


export type SignedRequestSentSubscription = { signedRequestSent: { attemptNumber: number, trigger: AttemptTrigger, deliveryId: string, eventId: string, eventType: string, signedAt: string, method: string, body: string, headers: Array<{ name: string, value: string }>, attempt: { id: string, attemptNumber: number, trigger: AttemptTrigger, outcome: AttemptOutcome, startedAt: string, durationMs: number, responseStatus: number | null, error: string | null, willRetry: boolean } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const DeliveryStatsFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeliveryStatsFields on DeliveryStats {
  total
  succeeded
  failed
  pending
  successRate
}
    `, {"fragmentName":"DeliveryStatsFields"}) as unknown as TypedDocumentString<DeliveryStatsFieldsFragment, unknown>;
export const AttemptFieldsFragmentDoc = new TypedDocumentString(`
    fragment AttemptFields on DeliveryAttempt {
  id
  attemptNumber
  trigger
  outcome
  startedAt
  durationMs
  responseStatus
  error
  willRetry
}
    `, {"fragmentName":"AttemptFields"}) as unknown as TypedDocumentString<AttemptFieldsFragment, unknown>;
export const AttemptDetailFieldsFragmentDoc = new TypedDocumentString(`
    fragment AttemptDetailFields on DeliveryAttempt {
  ...AttemptFields
  requestHeaders
  requestBody
  responseHeaders
  responseBody
}
    fragment AttemptFields on DeliveryAttempt {
  id
  attemptNumber
  trigger
  outcome
  startedAt
  durationMs
  responseStatus
  error
  willRetry
}`, {"fragmentName":"AttemptDetailFields"}) as unknown as TypedDocumentString<AttemptDetailFieldsFragment, unknown>;
export const SourceRequestFieldsFragmentDoc = new TypedDocumentString(`
    fragment SourceRequestFields on SourceRequest {
  receivedAt
  status
  error
  events
}
    `, {"fragmentName":"SourceRequestFields"}) as unknown as TypedDocumentString<SourceRequestFieldsFragment, unknown>;
export const EndpointFieldsFragmentDoc = new TypedDocumentString(`
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
    `, {"fragmentName":"EndpointFields"}) as unknown as TypedDocumentString<EndpointFieldsFragment, unknown>;
export const EndpointWithSecretFieldsFragmentDoc = new TypedDocumentString(`
    fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}`, {"fragmentName":"EndpointWithSecretFields"}) as unknown as TypedDocumentString<EndpointWithSecretFieldsFragment, unknown>;
export const ErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
    `, {"fragmentName":"ErrorFields"}) as unknown as TypedDocumentString<ErrorFieldsFragment, unknown>;
export const EndpointResultFieldsFragmentDoc = new TypedDocumentString(`
    fragment EndpointResultFields on EndpointResult {
  __typename
  ... on EndpointSuccess {
    endpoint {
      ...EndpointWithSecretFields
    }
  }
  ...ErrorFields
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`, {"fragmentName":"EndpointResultFields"}) as unknown as TypedDocumentString<EndpointResultFieldsFragment, unknown>;
export const DeliveryFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}
    `, {"fragmentName":"DeliveryFields"}) as unknown as TypedDocumentString<DeliveryFieldsFragment, unknown>;
export const DeliveryResultFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeliveryResultFields on DeliveryResult {
  __typename
  ... on DeliverySuccess {
    delivery {
      ...DeliveryFields
    }
  }
  ...ErrorFields
}
    fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`, {"fragmentName":"DeliveryResultFields"}) as unknown as TypedDocumentString<DeliveryResultFieldsFragment, unknown>;
export const SourceFieldsFragmentDoc = new TypedDocumentString(`
    fragment SourceFields on Source {
  id
  kind
  name
  status
  ingestUrl
  eventType
  lastError
  createdAt
  brokerUrl
  queue
  subject
  stream
  brokerState
  lag
  lastErrorAt
}
    `, {"fragmentName":"SourceFields"}) as unknown as TypedDocumentString<SourceFieldsFragment, unknown>;
export const SourceResultFieldsFragmentDoc = new TypedDocumentString(`
    fragment SourceResultFields on SourceResult {
  __typename
  ... on SourceSuccess {
    source {
      ...SourceFields
    }
  }
  ...ErrorFields
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment SourceFields on Source {
  id
  kind
  name
  status
  ingestUrl
  eventType
  lastError
  createdAt
  brokerUrl
  queue
  subject
  stream
  brokerState
  lag
  lastErrorAt
}`, {"fragmentName":"SourceResultFields"}) as unknown as TypedDocumentString<SourceResultFieldsFragment, unknown>;
export const EventTypeFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventTypeFields on EventType {
  name
  description
  custom
  archived
  schema
  example
}
    `, {"fragmentName":"EventTypeFields"}) as unknown as TypedDocumentString<EventTypeFieldsFragment, unknown>;
export const EventTypeResultFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventTypeResultFields on EventTypeResult {
  __typename
  ... on EventTypeSuccess {
    eventType {
      ...EventTypeFields
    }
  }
  ...ErrorFields
}
    fragment EventTypeFields on EventType {
  name
  description
  custom
  archived
  schema
  example
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`, {"fragmentName":"EventTypeResultFields"}) as unknown as TypedDocumentString<EventTypeResultFieldsFragment, unknown>;
export const EventFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventFields on Event {
  id
  type
  sessionId
  createdAt
  data
}
    `, {"fragmentName":"EventFields"}) as unknown as TypedDocumentString<EventFieldsFragment, unknown>;
export const PublishedEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment PublishedEventFields on Event {
  ...EventFields
  deliveries {
    id
    status
    endpoint {
      id
    }
  }
}
    fragment EventFields on Event {
  id
  type
  sessionId
  createdAt
  data
}`, {"fragmentName":"PublishedEventFields"}) as unknown as TypedDocumentString<PublishedEventFieldsFragment, unknown>;
export const AccountFieldsFragmentDoc = new TypedDocumentString(`
    fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}
    `, {"fragmentName":"AccountFields"}) as unknown as TypedDocumentString<AccountFieldsFragment, unknown>;
export const AccountResultFieldsFragmentDoc = new TypedDocumentString(`
    fragment AccountResultFields on AccountResult {
  __typename
  ... on AccountSuccess {
    account {
      ...AccountFields
    }
  }
  ...ErrorFields
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}`, {"fragmentName":"AccountResultFields"}) as unknown as TypedDocumentString<AccountResultFieldsFragment, unknown>;
export const SourceDocument = new TypedDocumentString(`
    query Source($id: ID!, $requests: Int) {
  source(id: $id) {
    ...SourceFields
    recentRequests(first: $requests) {
      ...SourceRequestFields
    }
  }
}
    fragment SourceFields on Source {
  id
  kind
  name
  status
  ingestUrl
  eventType
  lastError
  createdAt
  brokerUrl
  queue
  subject
  stream
  brokerState
  lag
  lastErrorAt
}
fragment SourceRequestFields on SourceRequest {
  receivedAt
  status
  error
  events
}`) as unknown as TypedDocumentString<SourceQuery, SourceQueryVariables>;
export const SourcesDocument = new TypedDocumentString(`
    query Sources($first: Int, $after: String) {
  sources(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...SourceFields
      }
    }
  }
}
    fragment SourceFields on Source {
  id
  kind
  name
  status
  ingestUrl
  eventType
  lastError
  createdAt
  brokerUrl
  queue
  subject
  stream
  brokerState
  lag
  lastErrorAt
}`) as unknown as TypedDocumentString<SourcesQuery, SourcesQueryVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    id
    name
    createdAt
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const AccountsDocument = new TypedDocumentString(`
    query Accounts($first: Int, $after: String, $search: String, $status: AccountStatus) {
  accounts(first: $first, after: $after, search: $search, status: $status) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...AccountFields
      }
    }
  }
}
    fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}`) as unknown as TypedDocumentString<AccountsQuery, AccountsQueryVariables>;
export const AccountDocument = new TypedDocumentString(`
    query Account($id: ID, $externalId: String) {
  account(id: $id, externalId: $externalId) {
    ...AccountFields
  }
}
    fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}`) as unknown as TypedDocumentString<AccountQuery, AccountQueryVariables>;
export const EndpointDocument = new TypedDocumentString(`
    query Endpoint($id: ID!) {
  endpoint(id: $id) {
    ...EndpointWithSecretFields
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}`) as unknown as TypedDocumentString<EndpointQuery, EndpointQueryVariables>;
export const EndpointsDocument = new TypedDocumentString(`
    query Endpoints($first: Int, $after: String, $status: EndpointStatus) {
  endpoints(first: $first, after: $after, status: $status) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...EndpointFields
      }
    }
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<EndpointsQuery, EndpointsQueryVariables>;
export const EndpointStatsDocument = new TypedDocumentString(`
    query EndpointStats($id: ID!, $since: DateTime) {
  endpoint(id: $id) {
    id
    stats(since: $since) {
      ...DeliveryStatsFields
    }
  }
}
    fragment DeliveryStatsFields on DeliveryStats {
  total
  succeeded
  failed
  pending
  successRate
}`) as unknown as TypedDocumentString<EndpointStatsQuery, EndpointStatsQueryVariables>;
export const EventDocument = new TypedDocumentString(`
    query Event($id: ID!) {
  event(id: $id) {
    ...EventFields
    payload
    deliveries {
      ...DeliveryFields
    }
  }
}
    fragment EventFields on Event {
  id
  type
  sessionId
  createdAt
  data
}
fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}`) as unknown as TypedDocumentString<EventQuery, EventQueryVariables>;
export const EventsDocument = new TypedDocumentString(`
    query Events($first: Int, $after: String, $type: String, $sessionId: String) {
  events(first: $first, after: $after, type: $type, sessionId: $sessionId) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...EventFields
      }
    }
  }
}
    fragment EventFields on Event {
  id
  type
  sessionId
  createdAt
  data
}`) as unknown as TypedDocumentString<EventsQuery, EventsQueryVariables>;
export const DeliveryDocument = new TypedDocumentString(`
    query Delivery($id: ID!) {
  delivery(id: $id) {
    ...DeliveryFields
    attempts {
      ...AttemptDetailFields
    }
  }
}
    fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}
fragment AttemptFields on DeliveryAttempt {
  id
  attemptNumber
  trigger
  outcome
  startedAt
  durationMs
  responseStatus
  error
  willRetry
}
fragment AttemptDetailFields on DeliveryAttempt {
  ...AttemptFields
  requestHeaders
  requestBody
  responseHeaders
  responseBody
}`) as unknown as TypedDocumentString<DeliveryQuery, DeliveryQueryVariables>;
export const DeliveriesDocument = new TypedDocumentString(`
    query Deliveries($first: Int, $after: String, $endpointId: ID, $status: DeliveryStatus, $eventType: String, $since: DateTime) {
  deliveries(
    first: $first
    after: $after
    endpointId: $endpointId
    status: $status
    eventType: $eventType
    since: $since
  ) {
    totalCount
    stats {
      ...DeliveryStatsFields
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...DeliveryFields
      }
    }
  }
}
    fragment DeliveryStatsFields on DeliveryStats {
  total
  succeeded
  failed
  pending
  successRate
}
fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}`) as unknown as TypedDocumentString<DeliveriesQuery, DeliveriesQueryVariables>;
export const NodeDocument = new TypedDocumentString(`
    query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
  }
}
    `) as unknown as TypedDocumentString<NodeQuery, NodeQueryVariables>;
export const EventTypesDocument = new TypedDocumentString(`
    query EventTypes {
  eventTypes {
    ...EventTypeFields
  }
}
    fragment EventTypeFields on EventType {
  name
  description
  custom
  archived
  schema
  example
}`) as unknown as TypedDocumentString<EventTypesQuery, EventTypesQueryVariables>;
export const PreviewTransformationDocument = new TypedDocumentString(`
    query PreviewTransformation($transformation: String!, $eventType: String!, $data: JSON) {
  previewTransformation(
    transformation: $transformation
    eventType: $eventType
    data: $data
  ) {
    __typename
    ... on TransformationPreview {
      body
      headers
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`) as unknown as TypedDocumentString<PreviewTransformationQuery, PreviewTransformationQueryVariables>;
export const CreateAccountDocument = new TypedDocumentString(`
    mutation CreateAccount($name: String!, $externalId: String, $metadata: JSON) {
  createAccount(name: $name, externalId: $externalId, metadata: $metadata) {
    __typename
    ... on CreateAccountSuccess {
      apiKey
      account {
        ...AccountFields
      }
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}`) as unknown as TypedDocumentString<CreateAccountMutation, CreateAccountMutationVariables>;
export const UpdateAccountDocument = new TypedDocumentString(`
    mutation UpdateAccount($id: ID!, $input: UpdateAccountInput!) {
  updateAccount(id: $id, input: $input) {
    ...AccountResultFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}
fragment AccountResultFields on AccountResult {
  __typename
  ... on AccountSuccess {
    account {
      ...AccountFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<UpdateAccountMutation, UpdateAccountMutationVariables>;
export const DisableAccountDocument = new TypedDocumentString(`
    mutation DisableAccount($id: ID!) {
  disableAccount(id: $id) {
    ...AccountResultFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}
fragment AccountResultFields on AccountResult {
  __typename
  ... on AccountSuccess {
    account {
      ...AccountFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<DisableAccountMutation, DisableAccountMutationVariables>;
export const EnableAccountDocument = new TypedDocumentString(`
    mutation EnableAccount($id: ID!) {
  enableAccount(id: $id) {
    ...AccountResultFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment AccountFields on Account {
  id
  name
  externalId
  metadata
  status
  createdAt
}
fragment AccountResultFields on AccountResult {
  __typename
  ... on AccountSuccess {
    account {
      ...AccountFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<EnableAccountMutation, EnableAccountMutationVariables>;
export const DeleteAccountDocument = new TypedDocumentString(`
    mutation DeleteAccount($id: ID!) {
  deleteAccount(id: $id) {
    __typename
    ... on DeleteAccountSuccess {
      id
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`) as unknown as TypedDocumentString<DeleteAccountMutation, DeleteAccountMutationVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($name: String, $account: String) {
  createApiKey(name: $name, account: $account) {
    __typename
    ... on CreateApiKeySuccess {
      apiKey
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const CreateSourceDocument = new TypedDocumentString(`
    mutation CreateSource($input: CreateSourceInput!) {
  createSource(input: $input) {
    ...SourceResultFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment SourceFields on Source {
  id
  kind
  name
  status
  ingestUrl
  eventType
  lastError
  createdAt
  brokerUrl
  queue
  subject
  stream
  brokerState
  lag
  lastErrorAt
}
fragment SourceResultFields on SourceResult {
  __typename
  ... on SourceSuccess {
    source {
      ...SourceFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<CreateSourceMutation, CreateSourceMutationVariables>;
export const UpdateSourceDocument = new TypedDocumentString(`
    mutation UpdateSource($id: ID!, $input: UpdateSourceInput!) {
  updateSource(id: $id, input: $input) {
    ...SourceResultFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment SourceFields on Source {
  id
  kind
  name
  status
  ingestUrl
  eventType
  lastError
  createdAt
  brokerUrl
  queue
  subject
  stream
  brokerState
  lag
  lastErrorAt
}
fragment SourceResultFields on SourceResult {
  __typename
  ... on SourceSuccess {
    source {
      ...SourceFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<UpdateSourceMutation, UpdateSourceMutationVariables>;
export const DeleteSourceDocument = new TypedDocumentString(`
    mutation DeleteSource($id: ID!) {
  deleteSource(id: $id) {
    __typename
    ... on DeleteSourceSuccess {
      id
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`) as unknown as TypedDocumentString<DeleteSourceMutation, DeleteSourceMutationVariables>;
export const CreateEndpointDocument = new TypedDocumentString(`
    mutation CreateEndpoint($input: CreateEndpointInput!) {
  createEndpoint(input: $input) {
    ...EndpointResultFields
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EndpointResultFields on EndpointResult {
  __typename
  ... on EndpointSuccess {
    endpoint {
      ...EndpointWithSecretFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<CreateEndpointMutation, CreateEndpointMutationVariables>;
export const UpdateEndpointDocument = new TypedDocumentString(`
    mutation UpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {
  updateEndpoint(id: $id, input: $input) {
    ...EndpointResultFields
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EndpointResultFields on EndpointResult {
  __typename
  ... on EndpointSuccess {
    endpoint {
      ...EndpointWithSecretFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<UpdateEndpointMutation, UpdateEndpointMutationVariables>;
export const DeleteEndpointDocument = new TypedDocumentString(`
    mutation DeleteEndpoint($id: ID!) {
  deleteEndpoint(id: $id) {
    __typename
    ... on DeleteEndpointSuccess {
      deletedId
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`) as unknown as TypedDocumentString<DeleteEndpointMutation, DeleteEndpointMutationVariables>;
export const PauseEndpointDocument = new TypedDocumentString(`
    mutation PauseEndpoint($id: ID!) {
  pauseEndpoint(id: $id) {
    ...EndpointResultFields
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EndpointResultFields on EndpointResult {
  __typename
  ... on EndpointSuccess {
    endpoint {
      ...EndpointWithSecretFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<PauseEndpointMutation, PauseEndpointMutationVariables>;
export const ResumeEndpointDocument = new TypedDocumentString(`
    mutation ResumeEndpoint($id: ID!) {
  resumeEndpoint(id: $id) {
    ...EndpointResultFields
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EndpointResultFields on EndpointResult {
  __typename
  ... on EndpointSuccess {
    endpoint {
      ...EndpointWithSecretFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<ResumeEndpointMutation, ResumeEndpointMutationVariables>;
export const RotateEndpointSecretDocument = new TypedDocumentString(`
    mutation RotateEndpointSecret($id: ID!, $gracePeriodSeconds: Int) {
  rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {
    ...EndpointResultFields
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}
fragment EndpointWithSecretFields on Endpoint {
  ...EndpointFields
  signingSecret
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EndpointResultFields on EndpointResult {
  __typename
  ... on EndpointSuccess {
    endpoint {
      ...EndpointWithSecretFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<RotateEndpointSecretMutation, RotateEndpointSecretMutationVariables>;
export const SendTestEventDocument = new TypedDocumentString(`
    mutation SendTestEvent($endpointId: ID!, $eventType: String) {
  sendTestEvent(endpointId: $endpointId, eventType: $eventType) {
    ...DeliveryResultFields
  }
}
    fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment DeliveryResultFields on DeliveryResult {
  __typename
  ... on DeliverySuccess {
    delivery {
      ...DeliveryFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<SendTestEventMutation, SendTestEventMutationVariables>;
export const PublishEventDocument = new TypedDocumentString(`
    mutation PublishEvent($input: PublishEventInput!) {
  publishEvent(input: $input) {
    __typename
    ... on PublishEventSuccess {
      event {
        ...PublishedEventFields
      }
    }
    ...ErrorFields
  }
}
    fragment EventFields on Event {
  id
  type
  sessionId
  createdAt
  data
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment PublishedEventFields on Event {
  ...EventFields
  deliveries {
    id
    status
    endpoint {
      id
    }
  }
}`) as unknown as TypedDocumentString<PublishEventMutation, PublishEventMutationVariables>;
export const PublishEventsDocument = new TypedDocumentString(`
    mutation PublishEvents($inputs: [PublishEventInput!]!) {
  publishEvents(inputs: $inputs) {
    __typename
    ... on PublishEventsSuccess {
      events {
        ...PublishedEventFields
      }
    }
    ...ErrorFields
  }
}
    fragment EventFields on Event {
  id
  type
  sessionId
  createdAt
  data
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment PublishedEventFields on Event {
  ...EventFields
  deliveries {
    id
    status
    endpoint {
      id
    }
  }
}`) as unknown as TypedDocumentString<PublishEventsMutation, PublishEventsMutationVariables>;
export const RetryDeliveryDocument = new TypedDocumentString(`
    mutation RetryDelivery($id: ID!) {
  retryDelivery(id: $id) {
    ...DeliveryResultFields
  }
}
    fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment DeliveryResultFields on DeliveryResult {
  __typename
  ... on DeliverySuccess {
    delivery {
      ...DeliveryFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<RetryDeliveryMutation, RetryDeliveryMutationVariables>;
export const CreateEventTypeDocument = new TypedDocumentString(`
    mutation CreateEventType($input: CreateEventTypeInput!) {
  createEventType(input: $input) {
    ...EventTypeResultFields
  }
}
    fragment EventTypeFields on EventType {
  name
  description
  custom
  archived
  schema
  example
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EventTypeResultFields on EventTypeResult {
  __typename
  ... on EventTypeSuccess {
    eventType {
      ...EventTypeFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<CreateEventTypeMutation, CreateEventTypeMutationVariables>;
export const UpdateEventTypeDocument = new TypedDocumentString(`
    mutation UpdateEventType($name: String!, $input: UpdateEventTypeInput!) {
  updateEventType(name: $name, input: $input) {
    ...EventTypeResultFields
  }
}
    fragment EventTypeFields on EventType {
  name
  description
  custom
  archived
  schema
  example
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EventTypeResultFields on EventTypeResult {
  __typename
  ... on EventTypeSuccess {
    eventType {
      ...EventTypeFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<UpdateEventTypeMutation, UpdateEventTypeMutationVariables>;
export const ArchiveEventTypeDocument = new TypedDocumentString(`
    mutation ArchiveEventType($name: String!) {
  archiveEventType(name: $name) {
    ...EventTypeResultFields
  }
}
    fragment EventTypeFields on EventType {
  name
  description
  custom
  archived
  schema
  example
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EventTypeResultFields on EventTypeResult {
  __typename
  ... on EventTypeSuccess {
    eventType {
      ...EventTypeFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<ArchiveEventTypeMutation, ArchiveEventTypeMutationVariables>;
export const UnarchiveEventTypeDocument = new TypedDocumentString(`
    mutation UnarchiveEventType($name: String!) {
  unarchiveEventType(name: $name) {
    ...EventTypeResultFields
  }
}
    fragment EventTypeFields on EventType {
  name
  description
  custom
  archived
  schema
  example
}
fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}
fragment EventTypeResultFields on EventTypeResult {
  __typename
  ... on EventTypeSuccess {
    eventType {
      ...EventTypeFields
    }
  }
  ...ErrorFields
}`) as unknown as TypedDocumentString<UnarchiveEventTypeMutation, UnarchiveEventTypeMutationVariables>;
export const RecoverFailedDeliveriesDocument = new TypedDocumentString(`
    mutation RecoverFailedDeliveries($endpointId: ID!, $since: DateTime!) {
  recoverFailedDeliveries(endpointId: $endpointId, since: $since) {
    __typename
    ... on RecoverFailedDeliveriesSuccess {
      count
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  message
  ... on ValidationError {
    fieldErrors {
      path
      message
    }
  }
}`) as unknown as TypedDocumentString<RecoverFailedDeliveriesMutation, RecoverFailedDeliveriesMutationVariables>;
export const DeliveryAttemptedDocument = new TypedDocumentString(`
    subscription DeliveryAttempted($endpointId: ID, $eventTypes: [String!]) {
  deliveryAttempted(endpointId: $endpointId, eventTypes: $eventTypes) {
    ...AttemptFields
    delivery {
      ...DeliveryFields
    }
  }
}
    fragment DeliveryFields on Delivery {
  id
  status
  attemptCount
  nextAttemptAt
  createdAt
  completedAt
  event {
    id
    type
    sessionId
  }
  endpoint {
    id
    url
  }
}
fragment AttemptFields on DeliveryAttempt {
  id
  attemptNumber
  trigger
  outcome
  startedAt
  durationMs
  responseStatus
  error
  willRetry
}`) as unknown as TypedDocumentString<DeliveryAttemptedSubscription, DeliveryAttemptedSubscriptionVariables>;
export const EndpointStatusChangedDocument = new TypedDocumentString(`
    subscription EndpointStatusChanged($endpointId: ID) {
  endpointStatusChanged(endpointId: $endpointId) {
    ...EndpointFields
  }
}
    fragment EndpointFields on Endpoint {
  id
  url
  destination {
    kind
    exchange
    routingKey
    subject
    stream
  }
  description
  eventTypes
  sessionIds
  status
  pausedAt
  pauseReason
  headers
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  concurrencyLimit
  ordered
  signatureHeader {
    name
    format
    timestampHeader
  }
  filter
  transformation
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<EndpointStatusChangedSubscription, EndpointStatusChangedSubscriptionVariables>;
export const SignedRequestSentDocument = new TypedDocumentString(`
    subscription SignedRequestSent($endpointId: ID!) {
  signedRequestSent(endpointId: $endpointId) {
    attemptNumber
    trigger
    deliveryId
    eventId
    eventType
    signedAt
    method
    headers {
      name
      value
    }
    body
    attempt {
      ...AttemptFields
    }
  }
}
    fragment AttemptFields on DeliveryAttempt {
  id
  attemptNumber
  trigger
  outcome
  startedAt
  durationMs
  responseStatus
  error
  willRetry
}`) as unknown as TypedDocumentString<SignedRequestSentSubscription, SignedRequestSentSubscriptionVariables>;