// The shell: sign-in until a key is known, then the navigation and the screen of the current path.
// With the deployment's admin key, the operator view (every account) until one is opened; then the
// same screens acting for it (Hookwire-Account).
import { useCallback, useEffect, useState } from 'react';
import { BASE, Link, navigate, useLocation } from './router.tsx';
import { PortalGate, usePortal } from './portal.tsx';
import { SessionProvider, signInWith, storeAccount, storeApiKey, storedAccount, storedApiKey, useSession, type Viewer } from './session.tsx';
import { Accounts } from './screens/Accounts.tsx';
import { NoticeProvider } from './notices.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { EndpointList } from './screens/EndpointList.tsx';
import { EndpointEditor } from './screens/editor/EndpointEditor.tsx';
import { MessageHistory } from './screens/history/MessageHistory.tsx';
import { EventTypeCatalog } from './screens/EventTypeCatalog.tsx';
import { SourceDetail, SourceList } from './screens/Sources.tsx';
import { PageMessage } from './screens/page-messages.tsx';

type Auth =
  | { state: 'checking' }
  | { state: 'signedOut'; reason?: string }
  /** The admin key, acting for no account: the operator view. */
  | { state: 'operator'; apiKey: string }
  | { state: 'signedIn'; apiKey: string; account: string | null; viewer: Viewer };

export function App() {
  return BASE === '/portal' ? <Portal /> : <Dashboard />;
}

/** The portal (issue 17): the same screens, for the account of the link's session, as the session allows. */
function Portal() {
  return (
    <NoticeProvider>
      <PortalGate>
        {(session, end) => (
          <SessionProvider apiKey={session.credential} account={null} viewer={session.account} onSignOut={end} endOnForbidden>
            <Shell />
          </SessionProvider>
        )}
      </PortalGate>
    </NoticeProvider>
  );
}

function Dashboard() {
  const [auth, setAuth] = useState<Auth>(() => (storedApiKey() ? { state: 'checking' } : { state: 'signedOut' }));

  useEffect(() => {
    const key = storedApiKey();
    if (auth.state !== 'checking' || !key) return;
    const account = storedAccount();
    signInWith(key, account).then(
      (viewer) => setAuth(viewer ? { state: 'signedIn', apiKey: key, account, viewer } : { state: 'operator', apiKey: key }),
      (error: Error) => {
        storeApiKey(null);
        storeAccount(null);
        setAuth({ state: 'signedOut', reason: error.message });
      },
    );
  }, [auth.state]);

  const signOut = useCallback((reason?: string) => {
    storeApiKey(null);
    storeAccount(null);
    setAuth({ state: 'signedOut', reason });
  }, []);

  const signedIn = useCallback((apiKey: string, viewer: Viewer | null) => {
    storeApiKey(apiKey);
    setAuth(viewer ? { state: 'signedIn', apiKey, account: null, viewer } : { state: 'operator', apiKey });
    if (viewer && location.pathname === '/') navigate('/endpoints', { replace: true });
  }, []);

  /** The operator opens an account: the usual screens, acting for it. */
  const open = useCallback((apiKey: string, account: { id: string; name: string }) => {
    storeAccount(account.id);
    setAuth({ state: 'signedIn', apiKey, account: account.id, viewer: { id: account.id, name: account.name } });
    navigate('/endpoints');
  }, []);

  /** Back to every account (the admin key acting for none). */
  const leave = useCallback((apiKey: string) => {
    storeAccount(null);
    setAuth({ state: 'operator', apiKey });
    navigate('/', { replace: true });
  }, []);

  return (
    <NoticeProvider>
      {auth.state === 'checking' && <p className="loading-page">Signing in…</p>}
      {auth.state === 'signedOut' && <SignIn reason={auth.reason} onSignedIn={signedIn} />}
      {auth.state === 'operator' && <Accounts adminKey={auth.apiKey} onOpen={(account) => open(auth.apiKey, account)} onSignOut={() => signOut()} />}
      {auth.state === 'signedIn' && (
        <SessionProvider apiKey={auth.apiKey} account={auth.account} viewer={auth.viewer} onSignOut={signOut}>
          <Shell onLeave={auth.account ? () => leave(auth.apiKey) : undefined} />
        </SessionProvider>
      )}
    </NoticeProvider>
  );
}

function Shell({ onLeave }: { onLeave?: () => void }) {
  const { viewer, signOut, liveState } = useSession();
  const portal = usePortal();
  const { path } = useLocation();
  useEffect(() => {
    if (path === '/') navigate('/endpoints', { replace: true });
  }, [path]);
  const section = path.startsWith('/event-types') ? 'event-types' : path.startsWith('/sources') ? 'sources' : 'endpoints';
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/endpoints" className="brand">
          {portal?.theme.logoUrl && <img className="portal-logo" src={portal.theme.logoUrl} alt="" />}
          {portal ? (portal.theme.productName ?? 'Webhooks') : 'Hookwire'}
        </Link>
        <nav aria-label="Main">
          <Link href="/endpoints" aria-current={section === 'endpoints' ? 'page' : undefined}>
            Endpoints
          </Link>
          <Link href="/event-types" aria-current={section === 'event-types' ? 'page' : undefined}>
            Event Types
          </Link>
          <Link href="/sources" aria-current={section === 'sources' ? 'page' : undefined}>
            Sources
          </Link>
          {!portal && <a href="/graphql">GraphiQL</a>}
        </nav>
        <div className="topbar-end">
          <span className={`live-dot ${liveState}`} role="status" title="Live updates over graphql-ws">
            {liveState === 'live' ? 'Live' : liveState === 'connecting' ? 'Connecting…' : 'Offline, reconnecting'}
          </span>
          <span className="account" title={viewer.id}>
            {onLeave ? `Acting for ${viewer.name}` : viewer.name}
          </span>
          {onLeave && (
            <button type="button" className="button small" onClick={onLeave}>
              All accounts
            </button>
          )}
          {!portal && (
            <button type="button" className="button small" onClick={() => signOut()}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen path={path} />
      </main>
    </>
  );
}

function Screen({ path }: { path: string }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'event-types') return <EventTypeCatalog />;
  if (parts[0] === 'sources' && parts[1] && !parts[2]) return <SourceDetail key={parts[1]} sourceId={parts[1]} />;
  if (parts[0] === 'sources' && !parts[1]) return <SourceList />;
  if (parts[0] === 'endpoints' && parts[1] && parts[2] === 'messages') return <MessageHistory endpointId={parts[1]} />;
  if (parts[0] === 'endpoints' && parts[1] && !parts[2]) return <EndpointEditor key={parts[1]} endpointId={parts[1]} />;
  if (parts[0] === 'endpoints' || parts.length === 0) return <EndpointList />;
  return (
    <PageMessage title="Not found">
      <p>
        There is no page at {path}. <Link href="/endpoints">Go to the endpoints</Link>.
      </p>
    </PageMessage>
  );
}
