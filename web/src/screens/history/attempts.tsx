// Attempts as the history shows them: the Response column's summary, and the payload panel's list
// of every attempt with its request headers, response status, headers and body.
import { useId } from 'react';
import type { DashboardDeliveryQuery } from '../../generated/graphql.ts';
import { formatTime } from '../../format.ts';

const OUTCOMES: Record<string, string> = {
  SUCCESS: 'Success',
  HTTP_ERROR: 'HTTP error',
  TIMEOUT: 'Timeout',
  NETWORK_ERROR: 'Network error',
  BLOCKED: 'Blocked',
};

/** What the table's Response column says of an attempt. */
export function responseSummary(attempt: { outcome: string; responseStatus?: number | null } | undefined): string {
  if (!attempt) return 'Not attempted yet';
  if (attempt.responseStatus) return `${attempt.responseStatus}${attempt.outcome === 'SUCCESS' ? ' OK' : ''}`;
  return OUTCOMES[attempt.outcome] ?? attempt.outcome;
}

function HeaderTable({ headers, caption }: { headers: unknown; caption: string }) {
  const entries = headers && typeof headers === 'object' ? Object.entries(headers as Record<string, unknown>) : [];
  if (entries.length === 0) return <p className="muted small">{caption}: none</p>;
  return (
    <table className="kv">
      <caption>{caption}</caption>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="mono">{Array.isArray(value) ? value.join(', ') : String(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Attempt = NonNullable<DashboardDeliveryQuery['delivery']>['attempts'][number];

/** Every attempt, newest first and open, each with what was sent and what came back. */
export function AttemptList({ attempts, nextAttemptAt }: { attempts: readonly Attempt[]; nextAttemptAt?: string | null }) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-attempts`}>
      <h3 id={`${id}-attempts`}>Attempts ({attempts.length})</h3>
      {attempts.length === 0 && <p className="muted">Not attempted yet{nextAttemptAt ? `; next at ${formatTime(nextAttemptAt)}` : ''}.</p>}
      <ol className="attempts">
        {[...attempts].reverse().map((attempt, index) => (
          <li key={attempt.id}>
            <details open={index === 0} data-attempt={attempt.attemptNumber}>
              <summary>
                <span>Attempt {attempt.attemptNumber}</span>
                <span className={`badge ${attempt.outcome === 'SUCCESS' ? 'good' : 'bad'}`}>{OUTCOMES[attempt.outcome]}</span>
                <span>{responseSummary(attempt)}</span>
                <span className="muted">{attempt.durationMs} ms</span>
                <span className="muted">{formatTime(attempt.startedAt)}</span>
                {attempt.willRetry && <span className="badge warn">will retry</span>}
              </summary>
              {attempt.error && (
                <p className="form-error">
                  <strong>Error:</strong> {attempt.error}
                </p>
              )}
              <HeaderTable headers={attempt.requestHeaders} caption="Request headers" />
              <p>
                <strong>Response status:</strong> {attempt.responseStatus ?? 'none'}
              </p>
              <HeaderTable headers={attempt.responseHeaders} caption="Response headers" />
              <h4>Response body</h4>
              <pre className="code small" tabIndex={0} aria-label={`Response body of attempt ${attempt.attemptNumber}`}>
                {attempt.responseBody === null || attempt.responseBody === undefined || attempt.responseBody === '' ? '(empty)' : attempt.responseBody}
              </pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
