// The portal (issue 17): a platform's customer opens /portal#token=… (often in an iframe on the
// platform's own site). The page reads the token from the fragment (never sent to a server), takes
// it out of the address bar, exchanges it once at /portal/exchange, and keeps the session in
// sessionStorage (not a cookie: a cross-site iframe with third-party cookies blocked still works),
// so a reload stays signed in. The session may be read-only or have parts turned off: screens ask
// usePortal() and hide what it does not allow (the API refuses it anyway).
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { BASE } from './router.tsx';

export type PortalFeature = 'secrets' | 'transformations' | 'customHeaders' | 'filters';

export interface PortalTheme {
  productName?: string;
  logoUrl?: string;
  primaryColor?: string;
  dark?: boolean;
}

export interface PortalSession {
  credential: string;
  expiresAt: string;
  readOnly: boolean;
  features: Record<PortalFeature, boolean>;
  theme: PortalTheme;
  account: { id: string; name: string };
}

const STORAGE_KEY = 'hookwire.portal';
/** Why the session ended, kept so that a reload says the same. */
const ENDED_KEY = 'hookwire.portal.ended';

const PortalContext = createContext<PortalSession | null>(null);

/** The portal session the page runs under, or null in the dashboard. */
export function usePortal(): PortalSession | null {
  return useContext(PortalContext);
}

/** Whether the page may show editing controls (not in a read-only portal session). */
export function useCanEdit(): boolean {
  return !usePortal()?.readOnly;
}

/** Whether a part of the product is on (always, outside the portal). */
export function useFeature(feature: PortalFeature): boolean {
  return usePortal()?.features[feature] ?? true;
}

/** The settings' names each feature hides (endpoint-form.tsx SETTINGS). */
export const SETTING_FEATURES: Record<string, PortalFeature> = { headers: 'customHeaders', filter: 'filters', transformation: 'transformations' };

/** The @include variables of the queries that read feature fields. */
export function useFeatureVariables() {
  const portal = usePortal();
  const on = (f: PortalFeature) => portal?.features[f] ?? true;
  return { secrets: on('secrets'), customHeaders: on('customHeaders'), filters: on('filters'), transformations: on('transformations') };
}

type State =
  | { state: 'opening' }
  | { state: 'open'; session: PortalSession }
  | { state: 'ended'; title: string; message: string };

const REFUSALS: Record<string, string> = {
  used: 'This link was already used',
  expired: 'This link has expired',
  revoked: 'This link was revoked',
  unknown: 'This link is not valid',
};

function stored(): PortalSession | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as PortalSession) : null;
  } catch {
    return null;
  }
}

/** Why a stored session stopped working: past its time, or else revoked (or its account disabled). */
function endedMessage(session: PortalSession | null): { title: string; message: string } {
  if (session && Date.parse(session.expiresAt) <= Date.now()) {
    return { title: 'Your session has expired', message: 'Open the portal again from the app that sent you here for a new link.' };
  }
  return { title: 'Your session was revoked', message: 'Access to this portal was ended. Open it again from the app that sent you here.' };
}

function applyTheme(theme: PortalTheme): void {
  const root = document.documentElement;
  root.classList.toggle('dark', theme.dark === true);
  if (theme.primaryColor) {
    root.style.setProperty('--primary', theme.primaryColor);
    root.style.setProperty('--primary-dark', theme.primaryColor);
  }
}

/** The link's token, read once from the fragment and taken out of the address bar (and the history) at once. */
const linkToken = BASE ? new URLSearchParams(location.hash.slice(1)).get('token') : null;
if (linkToken) history.replaceState(null, '', location.pathname + location.search);

let opening: Promise<State> | null = null;

/** The token exchanged (once per page load, however often it is asked), or the session kept from before a reload. */
function openPortal(): Promise<State> {
  opening ??= (async (): Promise<State> => {
    if (!linkToken) {
      const session = stored();
      if (session) return { state: 'open', session };
      const ended = sessionStorage.getItem(ENDED_KEY);
      if (ended) return { state: 'ended', ...(JSON.parse(ended) as { title: string; message: string }) };
      return { state: 'ended', title: 'No portal link', message: 'Open the portal from the app that sent you here.' };
    }
    try {
      const response = await fetch('/portal/exchange', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: linkToken }) });
      const body = (await response.json()) as PortalSession & { error?: string; message?: string };
      if (!response.ok) return { state: 'ended', title: REFUSALS[body.error ?? ''] ?? 'This link cannot be opened', message: body.message ?? '' };
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(body));
      sessionStorage.removeItem(ENDED_KEY);
      return { state: 'open', session: body };
    } catch (error) {
      return { state: 'ended', title: 'The portal could not be reached', message: (error as Error).message };
    }
  })();
  return opening;
}

/**
 * The portal's sign-in: the link's token exchanged once, or the session kept from before a reload;
 * then `children(session, end)` (the dashboard's screens), until the session ends.
 */
export function PortalGate({ children }: { children(session: PortalSession, end: () => void): ReactNode }) {
  const [state, setState] = useState<State>({ state: 'opening' });

  useEffect(() => {
    let cancelled = false;
    void openPortal().then((opened) => {
      if (!cancelled) setState(opened);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const end = useCallback(() => {
    const session = stored();
    const ended = endedMessage(session);
    sessionStorage.removeItem(STORAGE_KEY);
    sessionStorage.setItem(ENDED_KEY, JSON.stringify(ended));
    setState({ state: 'ended', ...ended });
  }, []);

  useEffect(() => {
    if (state.state !== 'open') return;
    applyTheme(state.session.theme);
    document.title = state.session.theme.productName ?? 'Webhooks';
    // A session past its time ends on screen too, without waiting for the next request.
    const timer = setTimeout(end, Math.max(0, Date.parse(state.session.expiresAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [state, end]);

  if (state.state === 'opening') return <p className="loading-page">Opening the portal…</p>;
  if (state.state === 'ended') {
    return (
      <section className="page portal-ended" role="alert">
        <h1>{state.title}</h1>
        <p>{state.message}</p>
      </section>
    );
  }
  return <PortalContext.Provider value={state.session}>{children(state.session, end)}</PortalContext.Provider>;
}
