// The signed-in session: the API key (sessionStorage only: never a URL, a cookie or a log), the
// account it belongs to, one graphql-ws connection, and the hooks screens use to query, mutate and
// listen with that key.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Client } from 'graphql-ws';
import { ApiError, createLiveClient, request, subscribe, type LiveState } from './api.ts';
import { graphql } from './generated/index.ts';
import type { TypedDocumentString } from './generated/graphql.ts';

const STORAGE_KEY = 'hookwire.apiKey';
/** The account the admin key acts for in the operator view (sessionStorage too). */
const ACCOUNT_KEY = 'hookwire.account';

export interface Viewer {
  id: string;
  name: string;
}

interface SessionValue {
  apiKey: string;
  /** With the admin key: the account it acts for (Hookwire-Account); null with an account's key. */
  account: string | null;
  viewer: Viewer;
  live: Client;
  liveState: LiveState;
  signOut(reason?: string): void;
}

export const ViewerQuery = graphql(`
  query DashboardViewer {
    viewer {
      id
      name
    }
  }
`);

/**
 * Checks a key against the API: the account it opens (with `account`, the one the admin key acts
 * for), null for the deployment's admin key itself (the operator view), or why not.
 */
export async function signInWith(apiKey: string, account: string | null = null): Promise<Viewer | null> {
  const data = await request(ViewerQuery, {}, apiKey, account).catch((error: unknown) => {
    if (error instanceof ApiError && error.unauthenticated) {
      throw new Error(account ? 'That account cannot be opened (deleted or disabled).' : 'This API key is not valid (unknown or revoked).');
    }
    throw error;
  });
  return data.viewer ?? null;
}

export function storedAccount(): string | null {
  return sessionStorage.getItem(ACCOUNT_KEY);
}

export function storeAccount(account: string | null): void {
  if (account === null) sessionStorage.removeItem(ACCOUNT_KEY);
  else sessionStorage.setItem(ACCOUNT_KEY, account);
}

const SessionContext = createContext<SessionValue | null>(null);

export function storedApiKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeApiKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, key);
}

export function SessionProvider(props: {
  apiKey: string;
  account: string | null;
  viewer: Viewer;
  onSignOut(reason?: string): void;
  /** The portal: a socket closed with 4403 (the session revoked) ends the session at once. */
  endOnForbidden?: boolean;
  children: ReactNode;
}) {
  const { apiKey, account, viewer, onSignOut, endOnForbidden = false } = props;
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  // Made in an effect, not during render: the connection belongs to this mounted session and is
  // closed when it ends (sign-out), also under StrictMode's mount-unmount-mount.
  const [live, setLive] = useState<Client | null>(null);
  useEffect(() => {
    const client = createLiveClient(apiKey, account, setLiveState, endOnForbidden ? () => onSignOut() : undefined);
    setLive(client);
    return () => void client.dispose();
  }, [apiKey, account, endOnForbidden, onSignOut]);
  const value = useMemo<SessionValue | null>(
    () => (live ? { apiKey, account, viewer, live, liveState, signOut: onSignOut } : null),
    [apiKey, account, viewer, live, liveState, onSignOut],
  );
  return value ? <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider> : null;
}

export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a SessionProvider');
  return session;
}

export interface QueryState<R> {
  data: R | undefined;
  error: string | null;
  loading: boolean;
  refetch(): Promise<void>;
}

/**
 * Runs a query now and whenever its variables change; refetch() runs it again (live updates).
 * The previous data stays on screen while a refetch runs, so nothing flickers.
 */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V): QueryState<R> {
  const { apiKey, account, signOut } = useSession();
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ data: R | undefined; error: string | null; loading: boolean; key: string }>({
    data: undefined,
    error: null,
    loading: true,
    key,
  });
  const latest = useRef(0);
  const refetch = useCallback(async () => {
    const run = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await request(document, JSON.parse(key) as V, apiKey, account);
      if (run === latest.current) setState({ data, error: null, loading: false, key });
    } catch (error) {
      if (error instanceof ApiError && error.unauthenticated) return signOut('Your API key is no longer valid. Sign in again.');
      if (run === latest.current) setState((s) => ({ ...s, error: (error as Error).message, loading: false }));
    }
  }, [document, key, apiKey, account, signOut]);
  useEffect(() => {
    void refetch();
  }, [refetch]);
  // Data of other variables (the previous page) is not shown as this page's.
  const data = state.key === key ? state.data : undefined;
  return { data, error: state.error, loading: state.loading || state.key !== key, refetch };
}

/** A function that runs mutations with the session's key; an expired key signs out. */
export function useMutate() {
  const { apiKey, account, signOut } = useSession();
  return useCallback(
    async <R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> => {
      try {
        return await request(document, variables, apiKey, account);
      } catch (error) {
        if (error instanceof ApiError && error.unauthenticated) signOut('Your API key is no longer valid. Sign in again.');
        throw error;
      }
    },
    [apiKey, account, signOut],
  );
}

/** Listens to a subscription while the component is mounted; the handler may change freely. */
export function useSubscription<R, V>(document: TypedDocumentString<R, V>, variables: V, onData: (data: R) => void): void {
  const { live } = useSession();
  const handler = useRef(onData);
  handler.current = onData;
  const key = JSON.stringify(variables);
  useEffect(() => subscribe(live, document, JSON.parse(key) as V, (data) => handler.current(data)), [live, document, key]);
}

/** Calls `run` at most once per `ms` however many live notices arrive (a burst of attempts is one refetch). */
export function useThrottled(run: () => void, ms = 300): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}
