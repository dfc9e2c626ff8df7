// The shell: sign-in until a key is known, then the navigation and the screen of the current path.
import { useCallback, useEffect, useState } from 'react';
import { Link, navigate, useLocation } from './router.tsx';
import { SessionProvider, signInWith, storeApiKey, storedApiKey, useSession, type Viewer } from './session.tsx';
import { NoticeProvider } from './notices.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { EndpointList } from './screens/EndpointList.tsx';
import { EndpointEditor } from './screens/editor/EndpointEditor.tsx';
import { MessageHistory } from './screens/history/MessageHistory.tsx';
import { EventTypeCatalog } from './screens/EventTypeCatalog.tsx';
import { SourceDetail, SourceList } from './screens/Sources.tsx';
import { PageMessage } from './screens/page-messages.tsx';

type Auth = { state: 'checking' } | { state: 'signedOut'; reason?: string } | { state: 'signedIn'; apiKey: string; viewer: Viewer };

export function App() {
  const [auth, setAuth] = useState<Auth>(() => (storedApiKey() ? { state: 'checking' } : { state: 'signedOut' }));

  useEffect(() => {
    const key = storedApiKey();
    if (auth.state !== 'checking' || !key) return;
    signInWith(key).then(
      (viewer) => setAuth({ state: 'signedIn', apiKey: key, viewer }),
      (error: Error) => {
        storeApiKey(null);
        setAuth({ state: 'signedOut', reason: error.message });
      },
    );
  }, [auth.state]);

  const signOut = useCallback((reason?: string) => {
    storeApiKey(null);
    setAuth({ state: 'signedOut', reason });
  }, []);

  const signedIn = useCallback((apiKey: string, viewer: Viewer) => {
    storeApiKey(apiKey);
    setAuth({ state: 'signedIn', apiKey, viewer });
    if (location.pathname === '/') navigate('/endpoints', { replace: true });
  }, []);

  return (
    <NoticeProvider>
      {auth.state === 'checking' && <p className="loading-page">Signing in…</p>}
      {auth.state === 'signedOut' && <SignIn reason={auth.reason} onSignedIn={signedIn} />}
      {auth.state === 'signedIn' && (
        <SessionProvider apiKey={auth.apiKey} viewer={auth.viewer} onSignOut={signOut}>
          <Shell />
        </SessionProvider>
      )}
    </NoticeProvider>
  );
}

function Shell() {
  const { viewer, signOut, liveState } = useSession();
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
          Hookwire
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
          <a href="/graphql">GraphiQL</a>
        </nav>
        <div className="topbar-end">
          <span className={`live-dot ${liveState}`} role="status" title="Live updates over graphql-ws">
            {liveState === 'live' ? 'Live' : liveState === 'connecting' ? 'Connecting…' : 'Offline, reconnecting'}
          </span>
          <span className="account" title={viewer.id}>
            {viewer.name}
          </span>
          <button type="button" className="button small" onClick={() => signOut()}>
            Sign out
          </button>
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
