// The typed Hookwire client: one method per operation of operations.graphql (their types are
// generated from schema.graphql), Relay connections as async iterators, subscriptions over
// graphql-ws as async iterators. Runs wherever fetch does (Node 20+, browsers, Deno, Bun).
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { createClient, type Client as WsClient, type ClientOptions as WsClientOptions } from 'graphql-ws/client';
import { HookwireError, type ErrorResult, type GraphQLErrorLike } from './errors.ts';
import * as ops from './generated/graphql.ts';

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

export interface HookwireClientOptions {
  /** The service's GraphQL URL; what `npm start` prints after "GraphiQL:". */
  url?: string;
  /** An API key (hk_…), or the deployment's admin key (or pass that as adminKey). */
  apiKey?: string;
  /** The deployment's admin key (HOOKWIRE_ADMIN_KEY): a platform's one key for all its customers. */
  adminKey?: string;
  /**
   * With the admin key: the account (id or externalId) every account-scoped call acts for, sent
   * as the Hookwire-Account header (and graphql-ws connectionParams "hookwire-account"). The
   * `accounts` calls manage accounts as the admin key itself, without it.
   */
  account?: string;
  /** Another fetch (a test double, a proxy agent); the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** Extra headers on every HTTP request. */
  headers?: Record<string, string>;
  /**
   * graphql-ws options for subscriptions. Where there is no global WebSocket (Node 20), pass one:
   * `webSocket: { webSocketImpl: (await import('ws')).default }`.
   */
  webSocket?: Partial<Omit<WsClientOptions, 'url' | 'connectionParams'>>;
}

/** A document the client can send: a generated one, or any string typed by hand. */
export type Document<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> | string;

/** One page of a Relay connection. */
export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ListOptions {
  /** Nodes fetched per request (the service allows up to 100). */
  pageSize?: number;
  /** Stop after this many nodes. */
  limit?: number;
}

export interface PageArgs {
  first?: number;
  after?: string | null;
}

interface Connection<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: T }>;
}

function toPage<T>(connection: Connection<T>): Page<T> {
  return {
    nodes: connection.edges.map((edge) => edge.node),
    totalCount: connection.totalCount,
    hasNextPage: connection.pageInfo.hasNextPage,
    endCursor: connection.pageInfo.endCursor,
  };
}

/** Every node of a connection, fetching the next page only when the one before is consumed. */
async function* paginate<T>(fetchPage: (args: PageArgs) => Promise<Page<T>>, options: ListOptions = {}): AsyncGenerator<T, void, undefined> {
  const pageSize = Math.min(Math.max(1, options.pageSize ?? 100), 100);
  let remaining = options.limit ?? Infinity;
  let after: string | null = null;
  while (remaining > 0) {
    const page: Page<T> = await fetchPage({ first: Math.min(pageSize, remaining), after });
    for (const node of page.nodes) {
      if (remaining-- <= 0) return;
      yield node;
    }
    if (!page.hasNextPage || page.endCursor === null) return;
    after = page.endCursor;
  }
}

/** What a result is when it is not one of the API's errors (ValidationError, NotFoundError, VerificationError). */
export type Unwrapped<T extends { __typename: string }> = Exclude<T, { __typename: `${string}Error` }>;

/**
 * A result's success member (EndpointSuccess, TransformationPreview…), or a thrown HookwireError
 * for its typed error: every error type of the API is named …Error and implements Error.
 */
export function unwrap<T extends { __typename: string }>(result: T): Unwrapped<T> {
  if (!result.__typename.endsWith('Error')) return result as Unwrapped<T>;
  throw HookwireError.fromResult(result as unknown as ErrorResult);
}

const isoOf = (time: Date | string | null | undefined) => (time instanceof Date ? time.toISOString() : (time ?? null));

// ---------------------------------------------------------------------------------------------
// What the client returns: the generated types under the names of the domain.

export type Endpoint = ops.EndpointFieldsFragment;
export type EndpointWithSecret = ops.EndpointWithSecretFieldsFragment;
export type DeliveryStats = ops.DeliveryStatsFieldsFragment;
export type Event = ops.EventFieldsFragment;
export type EventWithDeliveries = NonNullable<ops.EventQuery['event']>;
export type Delivery = ops.DeliveryFieldsFragment;
export type DeliveryWithAttempts = NonNullable<ops.DeliveryQuery['delivery']>;
export type DeliveryAttempt = ops.AttemptFieldsFragment;
export type DeliveryAttemptDetail = ops.AttemptDetailFieldsFragment;
export type EventType = ops.EventTypeFieldsFragment;
/** An account as the admin key sees it: with the platform's externalId, metadata and status. */
export type PlatformAccount = ops.AccountFieldsFragment;
export type AccountResult = ops.UpdateAccountMutation['updateAccount'];
export type DeleteAccountResult = ops.DeleteAccountMutation['deleteAccount'];
export type Account = NonNullable<ops.ViewerQuery['viewer']>;
/** A source: where events come from besides publishing (Meta's WhatsApp webhooks, a signed sender). */
export type Source = ops.SourceFieldsFragment;
export type SourceWithRequests = NonNullable<ops.SourceQuery['source']>;
export type SourceRequest = ops.SourceRequestFieldsFragment;
/** What node(id) finds: the __typename (Endpoint, Event, Delivery, DeliveryAttempt, Account) and id. */
export type Node = NonNullable<ops.NodeQuery['node']>;
/** A finished attempt, as deliveryAttempted announces it. */
export type AttemptNotice = ops.DeliveryAttemptedSubscription['deliveryAttempted'];
/** The exact signed request of an attempt, as signedRequestSent carries it. */
export type SignedRequest = ops.SignedRequestSentSubscription['signedRequestSent'];

export type CreateSourceResult = ops.CreateSourceMutation['createSource'];
export type UpdateSourceResult = ops.UpdateSourceMutation['updateSource'];
export type DeleteSourceResult = ops.DeleteSourceMutation['deleteSource'];
export type CreateEndpointResult = ops.CreateEndpointMutation['createEndpoint'];
export type UpdateEndpointResult = ops.UpdateEndpointMutation['updateEndpoint'];
export type DeleteEndpointResult = ops.DeleteEndpointMutation['deleteEndpoint'];
export type PauseEndpointResult = ops.PauseEndpointMutation['pauseEndpoint'];
export type ResumeEndpointResult = ops.ResumeEndpointMutation['resumeEndpoint'];
export type RotateEndpointSecretResult = ops.RotateEndpointSecretMutation['rotateEndpointSecret'];
export type SendTestEventResult = ops.SendTestEventMutation['sendTestEvent'];
export type PublishEventResult = ops.PublishEventMutation['publishEvent'];
export type PublishEventsResult = ops.PublishEventsMutation['publishEvents'];
export type RetryDeliveryResult = ops.RetryDeliveryMutation['retryDelivery'];
export type RecoverFailedDeliveriesResult = ops.RecoverFailedDeliveriesMutation['recoverFailedDeliveries'];
export type CreateApiKeyResult = ops.CreateApiKeyMutation['createApiKey'];
export type CreateAccountResult = ops.CreateAccountMutation['createAccount'];
export type CreateEventTypeResult = ops.CreateEventTypeMutation['createEventType'];
export type UpdateEventTypeResult = ops.UpdateEventTypeMutation['updateEventType'];
export type ArchiveEventTypeResult = ops.ArchiveEventTypeMutation['archiveEventType'];
export type UnarchiveEventTypeResult = ops.UnarchiveEventTypeMutation['unarchiveEventType'];
/** The exact body (and the headers it adds) a transformation makes of an event, or a ValidationError. */
export type PreviewTransformationResult = ops.PreviewTransformationQuery['previewTransformation'];

export interface AccountFilter {
  /** Matches name or externalId (case-insensitive). */
  search?: string | null;
  status?: ops.AccountStatus | null;
}

export interface EndpointFilter {
  status?: ops.EndpointStatus | null;
}

export interface EventFilter {
  type?: string | null;
  sessionId?: string | null;
}

export interface DeliveryFilter {
  endpointId?: string | null;
  status?: ops.DeliveryStatus | null;
  eventType?: string | null;
  since?: Date | string | null;
}

// ---------------------------------------------------------------------------------------------
// The operations, grouped as the API's objects are. Each takes the client's transport.

type Request = <TResult, TVariables>(document: Document<TResult, TVariables>, variables?: TVariables) => Promise<TResult>;
type Subscribe = <TResult, TVariables>(document: Document<TResult, TVariables>, variables?: TVariables) => AsyncGenerator<TResult, void, undefined>;

function endpointsApi(request: Request) {
  const page = async (filter: EndpointFilter & PageArgs = {}): Promise<Page<Endpoint>> =>
    toPage((await request(ops.EndpointsDocument, { first: filter.first, after: filter.after, status: filter.status })).endpoints);
  return {
    /** With its signingSecret; null when the account has no such endpoint. */
    get: async (id: string): Promise<EndpointWithSecret | null> => (await request(ops.EndpointDocument, { id })).endpoint,
    page,
    /** `for await (const endpoint of client.endpoints.list())`: every endpoint, page by page. */
    list: (filter: EndpointFilter = {}, options?: ListOptions) => paginate((args) => page({ ...filter, ...args }), options),
    create: async (input: ops.CreateEndpointInput): Promise<CreateEndpointResult> => (await request(ops.CreateEndpointDocument, { input })).createEndpoint,
    update: async (id: string, input: ops.UpdateEndpointInput): Promise<UpdateEndpointResult> =>
      (await request(ops.UpdateEndpointDocument, { id, input })).updateEndpoint,
    delete: async (id: string): Promise<DeleteEndpointResult> => (await request(ops.DeleteEndpointDocument, { id })).deleteEndpoint,
    pause: async (id: string): Promise<PauseEndpointResult> => (await request(ops.PauseEndpointDocument, { id })).pauseEndpoint,
    /** Held deliveries are scheduled again, oldest first. */
    resume: async (id: string): Promise<ResumeEndpointResult> => (await request(ops.ResumeEndpointDocument, { id })).resumeEndpoint,
    /** A new secret; the old one keeps signing beside it for the grace period (default 24 hours). */
    rotateSecret: async (id: string, options: { gracePeriodSeconds?: number } = {}): Promise<RotateEndpointSecretResult> =>
      (await request(ops.RotateEndpointSecretDocument, { id, gracePeriodSeconds: options.gracePeriodSeconds })).rotateEndpointSecret,
    /** Delivers webhook.test (or the example of eventType) to this endpoint alone. */
    test: async (id: string, eventType?: string): Promise<SendTestEventResult> =>
      (await request(ops.SendTestEventDocument, { endpointId: id, eventType })).sendTestEvent,
    stats: async (id: string, since?: Date | string): Promise<DeliveryStats | null> =>
      (await request(ops.EndpointStatsDocument, { id, since: isoOf(since) })).endpoint?.stats ?? null,
  };
}

function eventsApi(request: Request) {
  const page = async (filter: EventFilter & PageArgs = {}): Promise<Page<Event>> =>
    toPage((await request(ops.EventsDocument, { first: filter.first, after: filter.after, type: filter.type, sessionId: filter.sessionId })).events);
  return {
    publish: async (input: ops.PublishEventInput): Promise<PublishEventResult> => (await request(ops.PublishEventDocument, { input })).publishEvent,
    /** Up to 1,000 events in one transaction: all are accepted or none is. */
    publishBatch: async (inputs: ops.PublishEventInput[]): Promise<PublishEventsResult> =>
      (await request(ops.PublishEventsDocument, { inputs })).publishEvents,
    /** With its exact payload and its deliveries. */
    get: async (id: string): Promise<EventWithDeliveries | null> => (await request(ops.EventDocument, { id })).event,
    page,
    list: (filter: EventFilter = {}, options?: ListOptions) => paginate((args) => page({ ...filter, ...args }), options),
  };
}

function deliveriesApi(request: Request) {
  const page = async (filter: DeliveryFilter & PageArgs = {}): Promise<Page<Delivery> & { stats: DeliveryStats }> => {
    const { deliveries } = await request(ops.DeliveriesDocument, {
      first: filter.first,
      after: filter.after,
      endpointId: filter.endpointId,
      status: filter.status,
      eventType: filter.eventType,
      since: isoOf(filter.since),
    });
    return { ...toPage(deliveries), stats: deliveries.stats };
  };
  return {
    /** With every attempt: request headers and body, response, timing. */
    get: async (id: string): Promise<DeliveryWithAttempts | null> => (await request(ops.DeliveryDocument, { id })).delivery,
    /** One page, with stats over everything the filters select. */
    page,
    list: (filter: DeliveryFilter = {}, options?: ListOptions) => paginate((args) => page({ ...filter, ...args }), options),
    /** One more attempt now, whatever the delivery's status (a MANUAL attempt). */
    retry: async (id: string): Promise<RetryDeliveryResult> => (await request(ops.RetryDeliveryDocument, { id })).retryDelivery,
    /** Schedules again every FAILED delivery of the endpoint since then. */
    recover: async (endpointId: string, since: Date | string): Promise<RecoverFailedDeliveriesResult> =>
      (await request(ops.RecoverFailedDeliveriesDocument, { endpointId, since: isoOf(since)! })).recoverFailedDeliveries,
  };
}

function sourcesApi(request: Request) {
  const page = async (args: PageArgs = {}): Promise<Page<Source>> => toPage((await request(ops.SourcesDocument, { first: args.first, after: args.after })).sources);
  return {
    /** With its recent requests (newest first, at most 100); null when the account has no such source. */
    get: async (id: string, options: { requests?: number } = {}): Promise<SourceWithRequests | null> =>
      (await request(ops.SourceDocument, { id, requests: options.requests })).source,
    page,
    list: (options?: ListOptions) => paginate((args) => page(args), options),
    /** Its ingestUrl is where the sender (Meta's app dashboard, say) is told to POST. */
    create: async (input: ops.CreateSourceInput): Promise<CreateSourceResult> => (await request(ops.CreateSourceDocument, { input })).createSource,
    update: async (id: string, input: ops.UpdateSourceInput): Promise<UpdateSourceResult> => (await request(ops.UpdateSourceDocument, { id, input })).updateSource,
    delete: async (id: string): Promise<DeleteSourceResult> => (await request(ops.DeleteSourceDocument, { id })).deleteSource,
  };
}

function eventTypesApi(request: Request) {
  return {
    /** The built-in catalog, then the account's own types (custom), archived ones included. */
    list: async (): Promise<EventType[]> => (await request(ops.EventTypesDocument)).eventTypes,
    get: async (name: string): Promise<EventType | null> => (await request(ops.EventTypesDocument)).eventTypes.find((t) => t.name === name) ?? null,
    /** A type of the account's own: a lowercase dotted name, a JSON Schema that compiles, an example it validates. */
    create: async (input: ops.CreateEventTypeInput): Promise<CreateEventTypeResult> =>
      (await request(ops.CreateEventTypeDocument, { input })).createEventType,
    /** Changes an own type; the example must still validate against the schema. */
    update: async (name: string, input: ops.UpdateEventTypeInput): Promise<UpdateEventTypeResult> =>
      (await request(ops.UpdateEventTypeDocument, { name, input })).updateEventType,
    /** No more publishing or new subscriptions; existing subscriptions and history stay. */
    archive: async (name: string): Promise<ArchiveEventTypeResult> => (await request(ops.ArchiveEventTypeDocument, { name })).archiveEventType,
    unarchive: async (name: string): Promise<UnarchiveEventTypeResult> => (await request(ops.UnarchiveEventTypeDocument, { name })).unarchiveEventType,
  };
}

/** The admin key's own calls: managing the accounts of its customers. */
function accountsApi(request: Request) {
  const page = async (filter: AccountFilter & PageArgs = {}): Promise<Page<PlatformAccount>> =>
    toPage((await request(ops.AccountsDocument, { first: filter.first, after: filter.after, search: filter.search, status: filter.status })).accounts);
  return {
    page,
    /** Every account, newest first: `for await (const account of admin.accounts.list({ search: 'acme' }))`. */
    list: (filter: AccountFilter = {}, options?: ListOptions) => paginate((args) => page({ ...filter, ...args }), options),
    /** By id, or by externalId; null when there is none. */
    get: async (idOrExternalId: string): Promise<PlatformAccount | null> => {
      const byId = (await request(ops.AccountDocument, { id: idOrExternalId })).account;
      return byId ?? (await request(ops.AccountDocument, { externalId: idOrExternalId })).account;
    },
    /** Idempotent on externalId: an account that has it already is returned, with a new key. */
    create: async (input: { name: string; externalId?: string | null; metadata?: unknown }): Promise<CreateAccountResult> =>
      (await request(ops.CreateAccountDocument, input)).createAccount,
    update: async (id: string, input: ops.UpdateAccountInput): Promise<AccountResult> => (await request(ops.UpdateAccountDocument, { id, input })).updateAccount,
    /** Its keys and portal sessions stop working at once, its deliveries are held; nothing is deleted. */
    disable: async (id: string): Promise<AccountResult> => (await request(ops.DisableAccountDocument, { id })).disableAccount,
    enable: async (id: string): Promise<AccountResult> => (await request(ops.EnableAccountDocument, { id })).enableAccount,
    /** Gone from every query at once; its data is deleted in the background. */
    delete: async (id: string): Promise<DeleteAccountResult> => (await request(ops.DeleteAccountDocument, { id })).deleteAccount,
    /** A new API key for the account (id or externalId); shown once. */
    createApiKey: async (account: string, name?: string): Promise<CreateApiKeyResult> =>
      (await request(ops.CreateApiKeyDocument, { account, name })).createApiKey,
  };
}

function liveApi(subscribe: Subscribe) {
  return {
    /** Every finished attempt of the account (or of one endpoint, or of some event types). */
    deliveryAttempted: (filter: { endpointId?: string | null; eventTypes?: string[] | null } = {}): AsyncGenerator<AttemptNotice, void, undefined> =>
      mapStream(subscribe(ops.DeliveryAttemptedDocument, filter), (data) => data.deliveryAttempted),
    endpointStatusChanged: (filter: { endpointId?: string | null } = {}): AsyncGenerator<Endpoint, void, undefined> =>
      mapStream(subscribe(ops.EndpointStatusChangedDocument, filter), (data) => data.endpointStatusChanged),
    /** The exact signed request of every attempt to one endpoint (what `hookwire listen` forwards). */
    signedRequests: (endpointId: string): AsyncGenerator<SignedRequest, void, undefined> =>
      mapStream(subscribe(ops.SignedRequestSentDocument, { endpointId }), (data) => data.signedRequestSent),
  };
}

// ---------------------------------------------------------------------------------------------

export class HookwireClient {
  readonly url: string;
  /** The account every account-scoped call acts for (Hookwire-Account), or null. */
  readonly account: string | null;
  readonly #apiKey: string;
  readonly #options: HookwireClientOptions;
  readonly #fetch: typeof globalThis.fetch;
  readonly #headers: Record<string, string>;
  readonly #wsOptions: HookwireClientOptions['webSocket'];
  #ws: WsClient | null = null;

  /** Endpoints: where deliveries go. */
  readonly endpoints = endpointsApi((document, variables) => this.request(document, variables));
  /** Events: publish, and read what was published. */
  readonly events = eventsApi((document, variables) => this.request(document, variables));
  /** Deliveries: one per event and endpoint, with every attempt. */
  readonly deliveries = deliveriesApi((document, variables) => this.request(document, variables));
  /** The event types an endpoint can subscribe to, each with its JSON Schema and an example. */
  readonly eventTypes = eventTypesApi((document, variables) => this.request(document, variables));
  readonly sources = sourcesApi((document, variables) => this.request(document, variables));
  /** Live streams over graphql-ws: leave the `for await` loop (break, return, throw) to stop one. */
  readonly live = liveApi((document, variables) => this.subscribe(document, variables));
  /** The admin key's accounts (sent without Hookwire-Account: managing accounts is the admin key's own). */
  readonly accounts = accountsApi((document, variables) => this.request(document, variables, { asAccount: false }));

  constructor(options: HookwireClientOptions) {
    const key = options.adminKey ?? options.apiKey;
    if (!key) throw new TypeError('HookwireClient needs an apiKey (hk_…) or the adminKey');
    if (options.account !== undefined && !options.adminKey && !options.apiKey) throw new TypeError('account is for the admin key');
    this.url = options.url ?? DEFAULT_URL;
    this.account = options.account ?? null;
    this.#options = options;
    this.#apiKey = key;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#headers = options.headers ?? {};
    this.#wsOptions = options.webSocket;
  }

  /**
   * Runs a transformation (an endpoint's `function handler(webhook) {…}`) on the example of an
   * event type, or on `data`, sending nothing: the exact body it would POST and the headers it adds.
   */
  async previewTransformation(transformation: string, eventType: string, data?: unknown): Promise<PreviewTransformationResult> {
    return (await this.request(ops.PreviewTransformationDocument, { transformation, eventType, data })).previewTransformation;
  }

  /** What an id names in this account (__typename: Endpoint, Event, Delivery…), or null. */
  async node(id: string): Promise<Node | null> {
    return (await this.request(ops.NodeDocument, { id })).node;
  }

  /** The account of the API key (null for the admin key). */
  async viewer(): Promise<Account | null> {
    return (await this.request(ops.ViewerDocument)).viewer;
  }

  /** Another API key for this account; shown once. */
  async createApiKey(name?: string): Promise<CreateApiKeyResult> {
    return (await this.request(ops.CreateApiKeyDocument, { name })).createApiKey;
  }

  /** A new account and its first key; needs the deployment's admin key (accounts.create takes externalId and metadata too). */
  async createAccount(name: string): Promise<CreateAccountResult> {
    return this.accounts.create({ name });
  }

  /**
   * Seed-style shorthand: an endpoint for one WhatsApp session (all sessions when null) and the
   * given event types, returned with its signingSecret; a typed error is thrown as HookwireError.
   */
  async createWebhook(sessionId: string | null, url: string, events: string[], options: { description?: string } = {}): Promise<EndpointWithSecret> {
    const description = options.description ?? (sessionId ? `Webhook for session ${sessionId}` : 'Webhook');
    const result = await this.endpoints.create({ url, eventTypes: events, sessionIds: sessionId ? [sessionId] : null, description });
    return unwrap(result).endpoint;
  }

  /** Seed-style shorthand: sends webhook.test to the endpoint and returns its delivery. */
  async testWebhook(endpointId: string, eventType?: string): Promise<Delivery> {
    return unwrap(await this.endpoints.test(endpointId, eventType)).delivery;
  }

  /**
   * The same key acting for another account (id or externalId): a platform's one admin key,
   * `admin.forAccount('customer-4711').events.publish(…)`.
   */
  forAccount(account: string): HookwireClient {
    return new HookwireClient({ ...this.#options, account });
  }

  /**
   * Sends any document (a generated one, or a string) over HTTP; GraphQL errors are thrown. With
   * `account` set, the request carries Hookwire-Account unless `asAccount` is false.
   */
  async request<TResult, TVariables>(document: Document<TResult, TVariables>, variables?: TVariables, options: { asAccount?: boolean } = {}): Promise<TResult> {
    let response: Response;
    try {
      response = await this.#fetch(this.url, {
        method: 'POST',
        headers: {
          ...this.#headers,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${this.#apiKey}`,
          ...(this.account !== null && options.asAccount !== false ? { 'hookwire-account': this.account } : {}),
        },
        body: JSON.stringify({ query: String(document), variables }),
      });
    } catch (cause) {
      throw new HookwireError('NETWORK', `cannot reach ${this.url}: ${describe(cause)}`, { cause });
    }
    const text = await response.text();
    let body: { data?: TResult | null; errors?: GraphQLErrorLike[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      const code = response.status === 401 ? 'UNAUTHENTICATED' : 'SERVER';
      throw new HookwireError(code, `${this.url} answered HTTP ${response.status} with no GraphQL response`, { status: response.status });
    }
    if (body.errors?.length) throw HookwireError.fromGraphQLErrors(body.errors, response.status);
    if (body.data == null) throw new HookwireError('SERVER', `${this.url} answered HTTP ${response.status} without data`, { status: response.status });
    return body.data;
  }

  /** Runs any subscription document over graphql-ws (one socket per client, opened when needed). */
  async *subscribe<TResult, TVariables>(document: Document<TResult, TVariables>, variables?: TVariables): AsyncGenerator<TResult, void, undefined> {
    const results = this.#socket().iterate<TResult>({ query: String(document), variables: variables as Record<string, unknown> | undefined });
    try {
      for (;;) {
        let next: IteratorResult<{ data?: TResult | null; errors?: readonly GraphQLErrorLike[] }>;
        try {
          next = await results.next();
        } catch (error) {
          throw liveError(error, this.url);
        }
        if (next.done) return;
        if (next.value.errors?.length) throw HookwireError.fromGraphQLErrors(next.value.errors);
        if (next.value.data != null) yield next.value.data;
      }
    } finally {
      await results.return?.(undefined);
    }
  }

  /** Closes the graphql-ws socket, ending every live stream. */
  async close(): Promise<void> {
    const ws = this.#ws;
    this.#ws = null;
    await ws?.dispose();
  }

  #socket(): WsClient {
    this.#ws ??= createClient({
      lazy: true,
      retryAttempts: 3,
      // A refused key is final: trying again would only be refused again.
      shouldRetry: (event) => !(isCloseEvent(event) && event.code === 4403),
      ...this.#wsOptions,
      url: this.url.replace(/^http/, 'ws'),
      connectionParams: { authorization: `Bearer ${this.#apiKey}`, ...(this.account !== null ? { 'hookwire-account': this.account } : {}) },
    });
    return this.#ws;
  }
}

async function* mapStream<T, U>(stream: AsyncGenerator<T, void, undefined>, pick: (value: T) => U): AsyncGenerator<U, void, undefined> {
  try {
    for await (const value of stream) yield pick(value);
  } finally {
    await stream.return(undefined);
  }
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof (value as { code: unknown }).code === 'number' && 'reason' in value;
}

/** graphql-ws rejects with GraphQL errors, a CloseEvent, an Error, or a socket's error event. */
function liveError(error: unknown, url: string): HookwireError {
  if (Array.isArray(error)) return HookwireError.fromGraphQLErrors(error as GraphQLErrorLike[]);
  if (isCloseEvent(error)) {
    if (error.code === 4403) return new HookwireError('UNAUTHENTICATED', 'The service refused the API key (graphql-ws close 4403 Forbidden)');
    const reason = error.reason ? `: ${error.reason}` : '';
    return new HookwireError('NETWORK', `the subscription socket to ${url} closed (code ${error.code}${reason})`);
  }
  return new HookwireError('NETWORK', `cannot reach ${url} over WebSocket: ${describe(error)}`, { cause: error });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && message ? message : String((error as { type?: unknown })?.type ?? error);
}

/** The client under the product's name: `new Hookwire({ adminKey, account: 'customer-4711' })`. */
export const Hookwire = HookwireClient;
export type Hookwire = HookwireClient;
