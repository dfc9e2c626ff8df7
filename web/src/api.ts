// The dashboard's only way to the service: Hookwire's GraphQL API, over HTTP for queries and
// mutations and over graphql-ws (same /graphql path) for the live subscriptions.
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from './generated/graphql.ts';

export const GRAPHQL_PATH = '/graphql';

/** A failure of the request itself (network, HTTP, GraphQL errors): not a typed result such as ValidationError. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly unauthenticated = false,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * `account`: with the admin key (the operator view), the account it acts for, sent as the
 * Hookwire-Account header; null for an account's own key.
 */
export async function request<R, V>(document: TypedDocumentString<R, V>, variables: V, apiKey: string, account: string | null = null): Promise<R> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${apiKey}`,
        ...(account ? { 'hookwire-account': account } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new ApiError('The Hookwire API cannot be reached. Is the service running?');
  }
  const body = (await response.json().catch(() => null)) as GraphQLResponse<R> | null;
  if (!body) throw new ApiError(`The API answered HTTP ${response.status} without a GraphQL response`);
  if (body.errors?.length) {
    const unauthenticated = response.status === 401 || body.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    throw new ApiError(body.errors.map((e) => e.message).join('; '), unauthenticated);
  }
  if (!body.data) throw new ApiError('The API answered without data');
  return body.data;
}

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * One graphql-ws connection per signed-in session, open for as long as it lasts (so the Live
 * indicator tells the truth on every screen) and reopened after a drop (graphql-ws retries with
 * backoff); the key travels in connectionParams, never in the socket's URL.
 */
export function createLiveClient(
  apiKey: string,
  account: string | null,
  onState: (state: LiveState) => void,
  /** Called when the server closes the socket with 4403 (the credential was revoked); retrying stops then. */
  onForbidden?: () => void,
): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`;
  const client = createClient({
    url,
    connectionParams: { authorization: `Bearer ${apiKey}`, ...(account ? { 'hookwire-account': account } : {}) },
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: (event) => !(onForbidden && (event as { code?: number } | null)?.code === 4403),
    on: {
      connecting: () => onState('connecting'),
      connected: () => onState('live'),
      closed: (event) => {
        onState('offline');
        if (onForbidden && (event as { code?: number } | null)?.code === 4403) onForbidden();
      },
    },
  });
  return client;
}

export function subscribe<R, V>(
  client: Client,
  document: TypedDocumentString<R, V>,
  variables: V,
  onData: (data: R) => void,
): () => void {
  return client.subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.data) onData(result.data);
      },
      error: () => {
        /* the connection state is shown by onState; graphql-ws retries */
      },
      complete: () => {},
    },
  );
}
