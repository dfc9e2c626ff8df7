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

export type PortalFeaturesInput = {
  customHeaders?: boolean | null | undefined;
  filters?: boolean | null | undefined;
  /** Signing secrets shown and rotatable in the portal (default true). */
  secrets?: boolean | null | undefined;
  transformations?: boolean | null | undefined;
};

export type PortalSessionInput = {
  /** An account id or externalId; omitted with an account's own key (that account). */
  account?: string | null | undefined;
  /** From 300 (5 minutes) to 604800 (7 days); default 3600. */
  expiresInSeconds?: number | null | undefined;
  features?: PortalFeaturesInput | null | undefined;
  /** No editing controls, and every mutation of the session is refused. */
  readOnly?: boolean | null | undefined;
  theme?: PortalThemeInput | null | undefined;
};

export type PortalThemeInput = {
  dark?: boolean | null | undefined;
  logoUrl?: string | null | undefined;
  /** A CSS colour, e.g. #3b5bdb. */
  primaryColor?: string | null | undefined;
  productName?: string | null | undefined;
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

export type DashboardCatalogNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardCatalogNamesQuery = { eventTypes: Array<{ name: string, description: string }> };

export type EndpointSettingsFragment = { description: string, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, headers?: unknown, sessionIds: Array<string> | null, concurrencyLimit: number | null, ordered: boolean, filter?: unknown, transformation?: string | null };

export type PageInfoFieldsFragment = { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null };

export type StatsFieldsFragment = { total: number, succeeded: number, failed: number, pending: number, successRate: number | null };

export type TimelineFieldsFragment = { hour: string, attempts: number, succeeded: number, failed: number, successRate: number | null };

export type FieldErrorsFieldsFragment = { message: string, fieldErrors: Array<{ path: Array<string>, message: string }> };

export type DashboardEndpointStatusSubscriptionVariables = Exact<{
  endpointId?: string | null | undefined;
}>;


export type DashboardEndpointStatusSubscription = { endpointStatusChanged: { id: string, status: EndpointStatus, pauseReason: string | null } };

export type DashboardAttemptsSubscriptionVariables = Exact<{
  endpointId?: string | null | undefined;
}>;


export type DashboardAttemptsSubscription = { deliveryAttempted: { id: string, outcome: AttemptOutcome, delivery: { id: string, status: DeliveryStatus } } };

export type DashboardAccountsQueryVariables = Exact<{
  search?: string | null | undefined;
  status?: AccountStatus | null | undefined;
  after?: string | null | undefined;
}>;


export type DashboardAccountsQuery = { accounts: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, externalId: string | null, status: AccountStatus, createdAt: string, endpointCount: number, failingEndpointCount: number } }> } };

export type DashboardPortalLinkMutationVariables = Exact<{
  input: PortalSessionInput;
}>;


export type DashboardPortalLinkMutation = { createPortalSession:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PortalSessionSuccess', portalSession: { url: string, expiresAt: string } }
    | { __typename: 'ValidationError', message: string }
   };

export type DashboardCreateEndpointMutationVariables = Exact<{
  input: CreateEndpointInput;
}>;


export type DashboardCreateEndpointMutation = { createEndpoint:
    | { __typename: 'EndpointSuccess', endpoint: { id: string, description: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VerificationError', message: string }
   };

export type DashboardDeleteEndpointMutationVariables = Exact<{
  id: string;
}>;


export type DashboardDeleteEndpointMutation = { deleteEndpoint:
    | { __typename: 'DeleteEndpointSuccess', deletedId: string }
    | { __typename: 'NotFoundError', message: string }
   };

export type DashboardEndpointsQueryVariables = Exact<{
  first?: number | null | undefined;
  last?: number | null | undefined;
  after?: string | null | undefined;
  before?: string | null | undefined;
}>;


export type DashboardEndpointsQuery = { endpoints: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ node: { id: string, description: string, url: string, status: EndpointStatus, pauseReason: string | null, failing: boolean, consecutiveFailures: number, failingSince: string | null, eventTypes: Array<string>, destination: { kind: DestinationKind }, timeline: Array<{ hour: string, attempts: number, succeeded: number, failed: number, successRate: number | null }> } }> } };

export type DashboardCatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardCatalogQuery = { eventTypes: Array<{ name: string, description: string, schema: unknown, example: unknown }> };

export type DashboardSourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardSourcesQuery = { sources: { totalCount: number, edges: Array<{ node: { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, brokerUrl: string | null, brokerState: SourceBrokerState | null, lag: number | null, lastError: string | null } }> } };

export type DashboardSourceQueryVariables = Exact<{
  id: string;
}>;


export type DashboardSourceQuery = { source: { id: string, kind: SourceKind, name: string, status: SourceStatus, ingestUrl: string | null, eventType: string | null, createdAt: string, recentRequests: Array<{ receivedAt: string, status: number, error: string | null, events: number }> } | null };

export type DashboardCreateSourceMutationVariables = Exact<{
  input: CreateSourceInput;
}>;


export type DashboardCreateSourceMutation = { createSource:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'SourceSuccess', source: { id: string } }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type DashboardPauseEndpointMutationVariables = Exact<{
  id: string;
}>;


export type DashboardPauseEndpointMutation = { pauseEndpoint:
    | { __typename: 'EndpointSuccess' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
    | { __typename: 'VerificationError', message: string }
   };

export type DashboardResumeEndpointMutationVariables = Exact<{
  id: string;
}>;


export type DashboardResumeEndpointMutation = { resumeEndpoint:
    | { __typename: 'EndpointSuccess' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
    | { __typename: 'VerificationError', message: string }
   };

export type DashboardRotateSecretMutationVariables = Exact<{
  id: string;
  gracePeriodSeconds?: number | null | undefined;
}>;


export type DashboardRotateSecretMutation = { rotateEndpointSecret:
    | { __typename: 'EndpointSuccess', endpoint: { id: string, signingSecret: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
    | { __typename: 'VerificationError', message: string }
   };

export type DashboardSendTestEventMutationVariables = Exact<{
  endpointId: string;
  eventType?: string | null | undefined;
}>;


export type DashboardSendTestEventMutation = { sendTestEvent:
    | { __typename: 'DeliverySuccess', delivery: { id: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type DashboardEndpointQueryVariables = Exact<{
  id: string;
  secrets?: boolean;
  customHeaders?: boolean;
  filters?: boolean;
  transformations?: boolean;
}>;


export type DashboardEndpointQuery = { endpoint: { id: string, url: string, status: EndpointStatus, pauseReason: string | null, pausedAt: string | null, failing: boolean, consecutiveFailures: number, failingSince: string | null, eventTypes: Array<string>, signingSecret?: string, createdAt: string, updatedAt: string, description: string, rateLimitPerSecond: number | null, timeoutMs: number, retrySchedule: Array<number>, headers?: unknown, sessionIds: Array<string> | null, concurrencyLimit: number | null, ordered: boolean, filter?: unknown, transformation?: string | null, destination: { kind: DestinationKind, exchange: string | null, routingKey: string | null, subject: string | null, stream: string | null }, retiredSecrets?: Array<{ secret: string, expiresAt: string }>, stats: { total: number, succeeded: number, failed: number, pending: number, successRate: number | null }, timeline: Array<{ hour: string, attempts: number, succeeded: number, failed: number, successRate: number | null }>, recent: { edges: Array<{ node: { id: string, attempts: Array<{ id: string, outcome: AttemptOutcome, responseStatus: number | null, error: string | null, startedAt: string }> } }> } } | null };

export type DashboardUpdateEndpointMutationVariables = Exact<{
  id: string;
  input: UpdateEndpointInput;
}>;


export type DashboardUpdateEndpointMutation = { updateEndpoint:
    | { __typename: 'EndpointSuccess', endpoint: { id: string, updatedAt: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VerificationError', message: string }
   };

export type DashboardMessagesQueryVariables = Exact<{
  id: string;
  first?: number | null | undefined;
  last?: number | null | undefined;
  after?: string | null | undefined;
  before?: string | null | undefined;
  status?: DeliveryStatus | null | undefined;
  eventType?: string | null | undefined;
}>;


export type DashboardMessagesQuery = { endpoint: { id: string, description: string, url: string, status: EndpointStatus, deliveries: { totalCount: number, stats: { total: number, succeeded: number, failed: number, pending: number, successRate: number | null }, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ node: { id: string, status: DeliveryStatus, attemptCount: number, nextAttemptAt: string | null, createdAt: string, event: { id: string, type: string }, attempts: Array<{ id: string, outcome: AttemptOutcome, responseStatus: number | null, startedAt: string, durationMs: number }> } }> } } | null };

export type DashboardDeliveryQueryVariables = Exact<{
  id: string;
}>;


export type DashboardDeliveryQuery = { delivery: { id: string, status: DeliveryStatus, attemptCount: number, createdAt: string, completedAt: string | null, nextAttemptAt: string | null, endpoint: { id: string, url: string }, event: { id: string, type: string, sessionId: string | null, createdAt: string, payload: unknown }, attempts: Array<{ id: string, attemptNumber: number, outcome: AttemptOutcome, startedAt: string, durationMs: number, requestHeaders: unknown, requestBody: string, responseStatus: number | null, responseHeaders: unknown, responseBody: string | null, error: string | null, willRetry: boolean }> } | null };

export type DashboardRecoverFailedMutationVariables = Exact<{
  endpointId: string;
  since: string;
}>;


export type DashboardRecoverFailedMutation = { recoverFailedDeliveries:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RecoverFailedDeliveriesSuccess', count: number }
    | { __typename: 'ValidationError', message: string }
   };

export type DashboardRetryDeliveryMutationVariables = Exact<{
  id: string;
}>;


export type DashboardRetryDeliveryMutation = { retryDelivery:
    | { __typename: 'DeliverySuccess' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type DashboardViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardViewerQuery = { viewer: { id: string, name: string } | null };

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
export const EndpointSettingsFragmentDoc = new TypedDocumentString(`
    fragment EndpointSettings on Endpoint {
  description
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  headers @include(if: $customHeaders)
  sessionIds
  concurrencyLimit
  ordered
  filter @include(if: $filters)
  transformation @include(if: $transformations)
}
    `, {"fragmentName":"EndpointSettings"}) as unknown as TypedDocumentString<EndpointSettingsFragment, unknown>;
export const PageInfoFieldsFragmentDoc = new TypedDocumentString(`
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
    `, {"fragmentName":"PageInfoFields"}) as unknown as TypedDocumentString<PageInfoFieldsFragment, unknown>;
export const StatsFieldsFragmentDoc = new TypedDocumentString(`
    fragment StatsFields on DeliveryStats {
  total
  succeeded
  failed
  pending
  successRate
}
    `, {"fragmentName":"StatsFields"}) as unknown as TypedDocumentString<StatsFieldsFragment, unknown>;
export const TimelineFieldsFragmentDoc = new TypedDocumentString(`
    fragment TimelineFields on TimelineBucket {
  hour
  attempts
  succeeded
  failed
  successRate
}
    `, {"fragmentName":"TimelineFields"}) as unknown as TypedDocumentString<TimelineFieldsFragment, unknown>;
export const FieldErrorsFieldsFragmentDoc = new TypedDocumentString(`
    fragment FieldErrorsFields on ValidationError {
  message
  fieldErrors {
    path
    message
  }
}
    `, {"fragmentName":"FieldErrorsFields"}) as unknown as TypedDocumentString<FieldErrorsFieldsFragment, unknown>;
export const DashboardCatalogNamesDocument = new TypedDocumentString(`
    query DashboardCatalogNames {
  eventTypes {
    name
    description
  }
}
    `) as unknown as TypedDocumentString<DashboardCatalogNamesQuery, DashboardCatalogNamesQueryVariables>;
export const DashboardEndpointStatusDocument = new TypedDocumentString(`
    subscription DashboardEndpointStatus($endpointId: ID) {
  endpointStatusChanged(endpointId: $endpointId) {
    id
    status
    pauseReason
  }
}
    `) as unknown as TypedDocumentString<DashboardEndpointStatusSubscription, DashboardEndpointStatusSubscriptionVariables>;
export const DashboardAttemptsDocument = new TypedDocumentString(`
    subscription DashboardAttempts($endpointId: ID) {
  deliveryAttempted(endpointId: $endpointId) {
    id
    outcome
    delivery {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardAttemptsSubscription, DashboardAttemptsSubscriptionVariables>;
export const DashboardAccountsDocument = new TypedDocumentString(`
    query DashboardAccounts($search: String, $status: AccountStatus, $after: String) {
  accounts(first: 50, search: $search, status: $status, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        name
        externalId
        status
        createdAt
        endpointCount
        failingEndpointCount
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardAccountsQuery, DashboardAccountsQueryVariables>;
export const DashboardPortalLinkDocument = new TypedDocumentString(`
    mutation DashboardPortalLink($input: PortalSessionInput!) {
  createPortalSession(input: $input) {
    __typename
    ... on PortalSessionSuccess {
      portalSession {
        url
        expiresAt
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardPortalLinkMutation, DashboardPortalLinkMutationVariables>;
export const DashboardCreateEndpointDocument = new TypedDocumentString(`
    mutation DashboardCreateEndpoint($input: CreateEndpointInput!) {
  createEndpoint(input: $input) {
    __typename
    ... on EndpointSuccess {
      endpoint {
        id
        description
      }
    }
    ... on ValidationError {
      ...FieldErrorsFields
    }
    ... on Error {
      message
    }
  }
}
    fragment FieldErrorsFields on ValidationError {
  message
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<DashboardCreateEndpointMutation, DashboardCreateEndpointMutationVariables>;
export const DashboardDeleteEndpointDocument = new TypedDocumentString(`
    mutation DashboardDeleteEndpoint($id: ID!) {
  deleteEndpoint(id: $id) {
    __typename
    ... on DeleteEndpointSuccess {
      deletedId
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardDeleteEndpointMutation, DashboardDeleteEndpointMutationVariables>;
export const DashboardEndpointsDocument = new TypedDocumentString(`
    query DashboardEndpoints($first: Int, $last: Int, $after: String, $before: String) {
  endpoints(first: $first, last: $last, after: $after, before: $before) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      node {
        id
        description
        url
        destination {
          kind
        }
        status
        pauseReason
        failing
        consecutiveFailures
        failingSince
        eventTypes
        timeline(hours: 24) {
          ...TimelineFields
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment TimelineFields on TimelineBucket {
  hour
  attempts
  succeeded
  failed
  successRate
}`) as unknown as TypedDocumentString<DashboardEndpointsQuery, DashboardEndpointsQueryVariables>;
export const DashboardCatalogDocument = new TypedDocumentString(`
    query DashboardCatalog {
  eventTypes {
    name
    description
    schema
    example
  }
}
    `) as unknown as TypedDocumentString<DashboardCatalogQuery, DashboardCatalogQueryVariables>;
export const DashboardSourcesDocument = new TypedDocumentString(`
    query DashboardSources {
  sources(first: 100) {
    totalCount
    edges {
      node {
        id
        kind
        name
        status
        ingestUrl
        brokerUrl
        brokerState
        lag
        lastError
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardSourcesQuery, DashboardSourcesQueryVariables>;
export const DashboardSourceDocument = new TypedDocumentString(`
    query DashboardSource($id: ID!) {
  source(id: $id) {
    id
    kind
    name
    status
    ingestUrl
    eventType
    createdAt
    recentRequests(first: 100) {
      receivedAt
      status
      error
      events
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardSourceQuery, DashboardSourceQueryVariables>;
export const DashboardCreateSourceDocument = new TypedDocumentString(`
    mutation DashboardCreateSource($input: CreateSourceInput!) {
  createSource(input: $input) {
    __typename
    ... on SourceSuccess {
      source {
        id
      }
    }
    ... on ValidationError {
      ...FieldErrorsFields
    }
    ... on Error {
      message
    }
  }
}
    fragment FieldErrorsFields on ValidationError {
  message
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<DashboardCreateSourceMutation, DashboardCreateSourceMutationVariables>;
export const DashboardPauseEndpointDocument = new TypedDocumentString(`
    mutation DashboardPauseEndpoint($id: ID!) {
  pauseEndpoint(id: $id) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardPauseEndpointMutation, DashboardPauseEndpointMutationVariables>;
export const DashboardResumeEndpointDocument = new TypedDocumentString(`
    mutation DashboardResumeEndpoint($id: ID!) {
  resumeEndpoint(id: $id) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardResumeEndpointMutation, DashboardResumeEndpointMutationVariables>;
export const DashboardRotateSecretDocument = new TypedDocumentString(`
    mutation DashboardRotateSecret($id: ID!, $gracePeriodSeconds: Int) {
  rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {
    __typename
    ... on EndpointSuccess {
      endpoint {
        id
        signingSecret
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardRotateSecretMutation, DashboardRotateSecretMutationVariables>;
export const DashboardSendTestEventDocument = new TypedDocumentString(`
    mutation DashboardSendTestEvent($endpointId: ID!, $eventType: String) {
  sendTestEvent(endpointId: $endpointId, eventType: $eventType) {
    __typename
    ... on DeliverySuccess {
      delivery {
        id
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardSendTestEventMutation, DashboardSendTestEventMutationVariables>;
export const DashboardEndpointDocument = new TypedDocumentString(`
    query DashboardEndpoint($id: ID!, $secrets: Boolean! = true, $customHeaders: Boolean! = true, $filters: Boolean! = true, $transformations: Boolean! = true) {
  endpoint(id: $id) {
    id
    url
    destination {
      kind
      exchange
      routingKey
      subject
      stream
    }
    status
    pauseReason
    pausedAt
    failing
    consecutiveFailures
    failingSince
    eventTypes
    signingSecret @include(if: $secrets)
    retiredSecrets @include(if: $secrets) {
      secret
      expiresAt
    }
    createdAt
    updatedAt
    ...EndpointSettings
    stats {
      ...StatsFields
    }
    timeline(hours: 24) {
      ...TimelineFields
    }
    recent: deliveries(first: 20) {
      edges {
        node {
          id
          attempts {
            id
            outcome
            responseStatus
            error
            startedAt
          }
        }
      }
    }
  }
}
    fragment EndpointSettings on Endpoint {
  description
  rateLimitPerSecond
  timeoutMs
  retrySchedule
  headers @include(if: $customHeaders)
  sessionIds
  concurrencyLimit
  ordered
  filter @include(if: $filters)
  transformation @include(if: $transformations)
}
fragment StatsFields on DeliveryStats {
  total
  succeeded
  failed
  pending
  successRate
}
fragment TimelineFields on TimelineBucket {
  hour
  attempts
  succeeded
  failed
  successRate
}`) as unknown as TypedDocumentString<DashboardEndpointQuery, DashboardEndpointQueryVariables>;
export const DashboardUpdateEndpointDocument = new TypedDocumentString(`
    mutation DashboardUpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {
  updateEndpoint(id: $id, input: $input) {
    __typename
    ... on EndpointSuccess {
      endpoint {
        id
        updatedAt
      }
    }
    ... on ValidationError {
      ...FieldErrorsFields
    }
    ... on Error {
      message
    }
  }
}
    fragment FieldErrorsFields on ValidationError {
  message
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<DashboardUpdateEndpointMutation, DashboardUpdateEndpointMutationVariables>;
export const DashboardMessagesDocument = new TypedDocumentString(`
    query DashboardMessages($id: ID!, $first: Int, $last: Int, $after: String, $before: String, $status: DeliveryStatus, $eventType: String) {
  endpoint(id: $id) {
    id
    description
    url
    status
    deliveries(
      first: $first
      last: $last
      after: $after
      before: $before
      status: $status
      eventType: $eventType
    ) {
      totalCount
      stats {
        ...StatsFields
      }
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          id
          status
          attemptCount
          nextAttemptAt
          createdAt
          event {
            id
            type
          }
          attempts {
            id
            outcome
            responseStatus
            startedAt
            durationMs
          }
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment StatsFields on DeliveryStats {
  total
  succeeded
  failed
  pending
  successRate
}`) as unknown as TypedDocumentString<DashboardMessagesQuery, DashboardMessagesQueryVariables>;
export const DashboardDeliveryDocument = new TypedDocumentString(`
    query DashboardDelivery($id: ID!) {
  delivery(id: $id) {
    id
    status
    attemptCount
    createdAt
    completedAt
    nextAttemptAt
    endpoint {
      id
      url
    }
    event {
      id
      type
      sessionId
      createdAt
      payload
    }
    attempts {
      id
      attemptNumber
      outcome
      startedAt
      durationMs
      requestHeaders
      requestBody
      responseStatus
      responseHeaders
      responseBody
      error
      willRetry
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardDeliveryQuery, DashboardDeliveryQueryVariables>;
export const DashboardRecoverFailedDocument = new TypedDocumentString(`
    mutation DashboardRecoverFailed($endpointId: ID!, $since: DateTime!) {
  recoverFailedDeliveries(endpointId: $endpointId, since: $since) {
    __typename
    ... on RecoverFailedDeliveriesSuccess {
      count
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardRecoverFailedMutation, DashboardRecoverFailedMutationVariables>;
export const DashboardRetryDeliveryDocument = new TypedDocumentString(`
    mutation DashboardRetryDelivery($id: ID!) {
  retryDelivery(id: $id) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardRetryDeliveryMutation, DashboardRetryDeliveryMutationVariables>;
export const DashboardViewerDocument = new TypedDocumentString(`
    query DashboardViewer {
  viewer {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<DashboardViewerQuery, DashboardViewerQueryVariables>;