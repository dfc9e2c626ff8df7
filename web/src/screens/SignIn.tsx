// Sign-in: paste an API key (or the deployment's admin key, for the operator view). It is checked
// with `viewer`, then kept in sessionStorage only.
import { useId, useState, type FormEvent } from 'react';
import { useTitle } from '../router.tsx';
import { signInWith, type Viewer } from '../session.tsx';

export function SignIn({ reason, onSignedIn }: { reason?: string; onSignedIn(apiKey: string, viewer: Viewer | null): void }) {
  useTitle('Sign in');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const apiKey = key.trim().replace(/^bearer\s+/i, '');
    if (!apiKey) return setError('Paste an API key (hk_…).');
    setBusy(true);
    setError(null);
    try {
      onSignedIn(apiKey, await signInWith(apiKey));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <main className="signin" id="main">
      <form className="card signin-card" onSubmit={submit} noValidate>
        <h1>Hookwire</h1>
        <p className="lead">Signed, retried, observable webhooks. Sign in with your account’s API key.</p>
        {reason && !error && <p className="form-error">{reason}</p>}
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="hk_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          autoFocus
        />
        {error && (
          <p className="field-error" id={errorId} role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">
          <code>npm start</code> prints the first key once. The key stays in this tab only (sessionStorage) and is sent as{' '}
          <code>Authorization: Bearer …</code>. Prefer GraphQL? <a href="/graphql">Open GraphiQL</a>.
        </p>
      </form>
    </main>
  );
}
