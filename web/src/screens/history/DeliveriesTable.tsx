// The history's table of deliveries, newest first: event type, status, the last response, when,
// the message id and attempts, with View payload and Retry; rows that arrive live are marked.
import { useEffect, useRef } from 'react';
import type { DashboardMessagesQuery } from '../../generated/graphql.ts';
import { setQuery } from '../../router.tsx';
import { formatTime } from '../../format.ts';
import { Icon } from '../../icons.tsx';
import { DeliveryBadge } from '../../status.tsx';
import { useCanEdit } from '../../portal.tsx';
import { responseSummary } from './attempts.tsx';

export type DeliveryRow = NonNullable<DashboardMessagesQuery['endpoint']>['deliveries']['edges'][number]['node'];

/** The rows that arrived after the first load, so a new delivery catches the eye. */
export function useFreshRows(rows: readonly DeliveryRow[], loaded: boolean): Set<string> {
  const seen = useRef<Set<string> | null>(null);
  const fresh = new Set(seen.current ? rows.filter((r) => !seen.current!.has(r.id)).map((r) => r.id) : []);
  useEffect(() => {
    if (!loaded) return;
    seen.current ??= new Set();
    for (const row of rows) seen.current.add(row.id);
  });
  return fresh;
}

export function DeliveriesTable(props: { rows: readonly DeliveryRow[]; fresh: Set<string>; loaded: boolean; loading: boolean; filtered: boolean; onRetry(id: string): void }) {
  const { rows } = props;
  return (
    <div className="card table-card">
      <table className="deliveries">
        <caption className="visually-hidden">Deliveries to this endpoint, newest first; updates live</caption>
        <thead>
          <tr>
            <th scope="col">Event Type</th>
            <th scope="col">Status</th>
            <th scope="col">Response</th>
            <th scope="col">Timestamp</th>
            <th scope="col">Message ID</th>
            <th scope="col">Attempts</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Row key={row.id} row={row} fresh={props.fresh.has(row.id)} onRetry={() => props.onRetry(row.id)} />
          ))}
        </tbody>
      </table>
      {props.loaded && rows.length === 0 && (
        <p className="empty-table">{props.filtered ? 'No deliveries match these filters.' : 'No deliveries yet. Send a test event from the endpoint’s page, or publish an event.'}</p>
      )}
      {props.loading && <p className="empty-table muted">Loading…</p>}
    </div>
  );
}

function Row({ row, fresh, onRetry }: { row: DeliveryRow; fresh: boolean; onRetry(): void }) {
  const last = row.attempts[row.attempts.length - 1];
  const canEdit = useCanEdit();
  return (
    <tr data-delivery-id={row.id} className={fresh ? 'fresh' : undefined}>
      <td>
        <code>{row.event.type}</code>
      </td>
      <td>
        <DeliveryBadge status={row.status} retrying={row.attemptCount > 0} />
      </td>
      <td>{responseSummary(last)}</td>
      <td>
        <time dateTime={last?.startedAt ?? row.createdAt}>{formatTime(last?.startedAt ?? row.createdAt)}</time>
      </td>
      <td className="mono small">{row.event.id}</td>
      <td>{row.attemptCount}</td>
      <td className="row-actions">
        <button type="button" className="icon-button" aria-label={`View payload of ${row.event.type} ${row.event.id}`} title="View payload" onClick={() => setQuery({ delivery: row.id })}>
          <Icon name="eye" />
        </button>
        {canEdit && (
          <button type="button" className="icon-button" aria-label={`Retry delivery ${row.id}`} title="Retry now" onClick={onRetry}>
            <Icon name="retry" />
          </button>
        )}
      </td>
    </tr>
  );
}
