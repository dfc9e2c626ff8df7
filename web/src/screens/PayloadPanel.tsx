// The Message payload panel (the eye icon): the exact body POSTed, every attempt with its request
// headers, response status, headers and body, duration and error, and the delivery's metadata.
// It follows the delivery live, and can retry it.
import { useId, useState } from 'react';
import { graphql } from '../generated/index.ts';
import { useMutate, useQuery, useSubscription } from '../session.tsx';
import { CopyButton, DeliveryBadge, Dialog, formatTime, FormError, orThrow, prettyJson, useNotify } from '../ui.tsx';
import { AttemptSubscription } from './EndpointList.tsx';

const DeliveryQuery = graphql(`
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
`);

const RetryDeliveryMutation = graphql(`
  mutation DashboardRetryDelivery($id: ID!) {
    retryDelivery(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

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

/** Retry a delivery now (from the table or the panel), saying how it went. */
export function useRetryDelivery(onDone: () => void) {
  const mutate = useMutate();
  const notify = useNotify();
  return async (id: string) => {
    try {
      orThrow((await mutate(RetryDeliveryMutation, { id })).retryDelivery, 'DeliverySuccess');
      notify('Retry scheduled');
      onDone();
    } catch (e) {
      notify((e as Error).message, 'bad');
    }
  };
}

export function PayloadPanel({ deliveryId, endpointId, onClose, onRetried }: { deliveryId: string; endpointId: string; onClose(): void; onRetried(): void }) {
  const { data, error, refetch } = useQuery(DeliveryQuery, { id: deliveryId });
  const id = useId();
  const [pretty, setPretty] = useState(false);
  useSubscription(AttemptSubscription, { endpointId }, (notice) => {
    if (notice.deliveryAttempted.delivery.id === deliveryId) void refetch();
  });

  const delivery = data?.delivery;
  // The bytes POSTed are the same on every attempt; before the first, the stored envelope.
  const body = delivery?.attempts[0]?.requestBody ?? (delivery ? JSON.stringify(delivery.event.payload) : '');

  const retryDelivery = useRetryDelivery(() => {
    onRetried();
    void refetch();
  });
  const retry = () => retryDelivery(deliveryId);

  return (
    <Dialog open title="Message payload" onClose={onClose} className="drawer">
      <div className="dialog-body payload">
        <FormError message={error} />
        {data && !delivery && <p>This delivery no longer exists.</p>}
        {delivery && (
          <>
            <div className="payload-head">
              <code className="event-type">{delivery.event.type}</code>
              <DeliveryBadge status={delivery.status} retrying={delivery.attemptCount > 0} />
              <button type="button" className="button small" onClick={retry}>
                Retry
              </button>
            </div>
            <dl className="meta">
              <div>
                <dt>Message ID</dt>
                <dd className="mono">{delivery.event.id}</dd>
              </div>
              <div>
                <dt>Delivery ID</dt>
                <dd className="mono">{delivery.id}</dd>
              </div>
              <div>
                <dt>Event type</dt>
                <dd>{delivery.event.type}</dd>
              </div>
              <div>
                <dt>Session</dt>
                <dd>{delivery.event.sessionId ?? '—'}</dd>
              </div>
              <div>
                <dt>Published</dt>
                <dd>{formatTime(delivery.event.createdAt)}</dd>
              </div>
              <div>
                <dt>Completed</dt>
                <dd>{formatTime(delivery.completedAt)}</dd>
              </div>
              <div>
                <dt>Next attempt</dt>
                <dd>{formatTime(delivery.nextAttemptAt)}</dd>
              </div>
              <div>
                <dt>Attempts</dt>
                <dd>{delivery.attemptCount}</dd>
              </div>
              <div>
                <dt>Destination</dt>
                <dd className="mono">{delivery.endpoint.url}</dd>
              </div>
            </dl>

            <section aria-labelledby={`${id}-body`}>
              <div className="section-head">
                <h3 id={`${id}-body`}>Body POSTed</h3>
                <div className="actions">
                  <label className="check inline">
                    <input type="checkbox" checked={pretty} onChange={(e) => setPretty(e.target.checked)} />
                    <span>Pretty-print</span>
                  </label>
                  <CopyButton text={body} label="Copy body" />
                </div>
              </div>
              <pre className="code" data-testid="payload-body" tabIndex={0} aria-label="Body POSTed">
                {pretty ? prettyJson(body) : body}
              </pre>
            </section>

            <section aria-labelledby={`${id}-attempts`}>
              <h3 id={`${id}-attempts`}>Attempts ({delivery.attempts.length})</h3>
              {delivery.attempts.length === 0 && <p className="muted">Not attempted yet{delivery.nextAttemptAt ? `; next at ${formatTime(delivery.nextAttemptAt)}` : ''}.</p>}
              <ol className="attempts">
                {[...delivery.attempts].reverse().map((attempt, index) => (
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
          </>
        )}
        {!data && !error && <p className="muted">Loading…</p>}
      </div>
    </Dialog>
  );
}
