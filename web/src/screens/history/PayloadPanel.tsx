// The Message payload panel (the eye icon): the exact body POSTed, every attempt with its request
// headers, response status, headers and body, duration and error, and the delivery's metadata.
// It follows the delivery live, and can retry it.
import { useId, useState, type ReactNode } from 'react';
import { graphql } from '../../generated/index.ts';
import type { DashboardDeliveryQuery } from '../../generated/graphql.ts';
import { useQuery, useSubscription } from '../../session.tsx';
import { AttemptSubscription } from '../../live.ts';
import { Dialog } from '../../dialog.tsx';
import { formatTime, prettyJson } from '../../format.ts';
import { CopyButton } from '../../icons.tsx';
import { DeliveryBadge } from '../../status.tsx';
import { FormError } from '../../ui.tsx';
import { AttemptList } from './attempts.tsx';
import { useCanEdit } from '../../portal.tsx';
import { useRetryDelivery } from './useRetryDelivery.ts';

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

type Delivery = NonNullable<DashboardDeliveryQuery['delivery']>;

export function PayloadPanel({ deliveryId, endpointId, onClose, onRetried }: { deliveryId: string; endpointId: string; onClose(): void; onRetried(): void }) {
  const { data, error, refetch } = useQuery(DeliveryQuery, { id: deliveryId });
  useSubscription(AttemptSubscription, { endpointId }, (notice) => {
    if (notice.deliveryAttempted.delivery.id === deliveryId) void refetch();
  });

  const delivery = data?.delivery;
  const retryDelivery = useRetryDelivery(() => {
    onRetried();
    void refetch();
  });
  const retry = () => retryDelivery(deliveryId);

  const canEdit = useCanEdit();
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
              {canEdit && (
                <button type="button" className="button small" onClick={retry}>
                  Retry
                </button>
              )}
            </div>
            <DeliveryMeta delivery={delivery} />
            <PayloadBody delivery={delivery} />
            <AttemptList attempts={delivery.attempts} nextAttemptAt={delivery.nextAttemptAt} />
          </>
        )}
        {!data && !error && <p className="muted">Loading…</p>}
      </div>
    </Dialog>
  );
}

function DeliveryMeta({ delivery }: { delivery: Delivery }) {
  const rows: Array<[label: string, value: ReactNode, mono?: boolean]> = [
    ['Message ID', delivery.event.id, true],
    ['Delivery ID', delivery.id, true],
    ['Event type', delivery.event.type],
    ['Session', delivery.event.sessionId ?? '—'],
    ['Published', formatTime(delivery.event.createdAt)],
    ['Completed', formatTime(delivery.completedAt)],
    ['Next attempt', formatTime(delivery.nextAttemptAt)],
    ['Attempts', delivery.attemptCount],
    ['Destination', delivery.endpoint.url, true],
  ];
  return (
    <dl className="meta">
      {rows.map(([label, value, mono]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className={mono ? 'mono' : undefined}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The bytes POSTed, the same on every attempt; before the first, the stored envelope. */
function PayloadBody({ delivery }: { delivery: Delivery }) {
  const id = useId();
  const [pretty, setPretty] = useState(false);
  const body = delivery.attempts[0]?.requestBody ?? JSON.stringify(delivery.event.payload);
  return (
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
  );
}
