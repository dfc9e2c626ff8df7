// Message History: summary cards, filters, the deliveries table with Previous / Next, retry and
// "recover failed since", all live: each attempt made refreshes the page being looked at.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { graphql } from '../generated/index.ts';
import type { DeliveryStatus } from '../generated/graphql.ts';
import { useCatalog } from '../endpoint-form.tsx';
import { Link, setQuery, useLocation, useTitle } from '../router.tsx';
import { useMutate, useQuery, useSubscription, useThrottled } from '../session.tsx';
import { DeliveryBadge, EndpointBadge, formatRate, formatTime, Icon, orThrow, Pager, pageArgs, useNotify } from '../ui.tsx';
import { AttemptSubscription, EndpointStatusSubscription } from './EndpointList.tsx';
import { PayloadPanel, responseSummary, useRetryDelivery } from './PayloadPanel.tsx';
import { EndpointNotFound, LoadFailed } from './EndpointEditor.tsx';

const PAGE_SIZE = 20;

const MessagesQuery = graphql(`
  query DashboardMessages($id: ID!, $first: Int, $last: Int, $after: String, $before: String, $status: DeliveryStatus, $eventType: String) {
    endpoint(id: $id) {
      id
      description
      url
      status
      deliveries(first: $first, last: $last, after: $after, before: $before, status: $status, eventType: $eventType) {
        totalCount
        stats {
          ...StatsFields
        }
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            id
            status
            attemptCount
            nextAttemptAt
            createdAt
            event {
              id
              type
            }
            attempts {
              id
              outcome
              responseStatus
              startedAt
              durationMs
            }
          }
        }
      }
    }
  }
`);

const RecoverMutation = graphql(`
  mutation DashboardRecoverFailed($endpointId: ID!, $since: DateTime!) {
    recoverFailedDeliveries(endpointId: $endpointId, since: $since) {
      __typename
      ... on RecoverFailedDeliveriesSuccess {
        count
      }
      ... on Error {
        message
      }
    }
  }
`);

const STATUSES: Array<{ value: DeliveryStatus | ''; label: string }> = [
  { value: '', label: 'All statuses' },
  { value: 'SUCCEEDED', label: 'Success' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'PENDING', label: 'Pending' },
];

/** datetime-local's value for a moment, in the browser's time zone. */
function localInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function MessageHistory({ endpointId }: { endpointId: string }) {
  const { query } = useLocation();
  const id = useId();
  const mutate = useMutate();
  const notify = useNotify();
  const catalog = useCatalog();
  const status = (query.get('status') as DeliveryStatus | null) || null;
  const eventType = query.get('eventType') || null;
  const openDelivery = query.get('delivery');
  const { data, error, refetch } = useQuery(MessagesQuery, { id: endpointId, status, eventType, ...pageArgs(query, PAGE_SIZE) });
  const endpoint = data?.endpoint;
  useTitle(endpoint ? `Messages · ${endpoint.description}` : 'Message history');

  const refresh = useThrottled(() => void refetch(), 300);
  useSubscription(AttemptSubscription, { endpointId }, refresh);
  useSubscription(EndpointStatusSubscription, { endpointId }, () => void refetch());

  // Rows that arrive after the first load are marked, so a new delivery catches the eye.
  const seen = useRef<Set<string> | null>(null);
  const rows = endpoint?.deliveries.edges.map((e) => e.node) ?? [];
  const fresh = new Set(seen.current ? rows.filter((r) => !seen.current!.has(r.id)).map((r) => r.id) : []);
  useEffect(() => {
    if (!endpoint) return;
    seen.current ??= new Set();
    for (const row of rows) seen.current.add(row.id);
  });

  const [since, setSince] = useState(() => localInput(new Date(Date.now() - 24 * 3600 * 1000)));
  const recover = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const result = orThrow((await mutate(RecoverMutation, { endpointId, since: new Date(since).toISOString() })).recoverFailedDeliveries, 'RecoverFailedDeliveriesSuccess');
      notify(result.count === 1 ? '1 failed delivery scheduled again' : `${result.count} failed deliveries scheduled again`);
      await refetch();
    } catch (e) {
      notify((e as Error).message, 'bad');
    }
  };

  const retry = useRetryDelivery(() => void refetch());

  if (error && !endpoint) return <LoadFailed error={error} />;
  if (data && !endpoint) return <EndpointNotFound />;

  const connection = endpoint?.deliveries;
  const stats = connection?.stats;
  const filtered = Boolean(status || eventType);
  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <div>
          <Link href={`/endpoints/${endpointId}`} className="back">
            <Icon name="back" size={16} /> {endpoint?.description ?? 'Endpoint'}
          </Link>
          <div className="endpoint-title">
            <h1 id={`${id}-title`}>Message History</h1>
            {endpoint && <EndpointBadge status={endpoint.status} />}
          </div>
          {endpoint && <p className="muted mono small">{endpoint.url}</p>}
        </div>
      </div>

      <ul className="stat-cards" aria-label={filtered ? 'Summary of the filtered deliveries' : 'Summary of all deliveries'}>
        <StatCard label="Total Messages" value={stats?.total} testId="stat-total" />
        <StatCard label="Successful" value={stats?.succeeded} testId="stat-succeeded" tone="good" />
        <StatCard label="Failed" value={stats?.failed} testId="stat-failed" tone="bad" />
        <StatCard label="Success Rate" value={stats && formatRate(stats.successRate)} testId="stat-rate">
          {stats && stats.pending > 0 && <span className="muted small">{stats.pending} pending</span>}
        </StatCard>
      </ul>

      <div className="toolbar">
        <div className="field inline-field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status ?? ''} onChange={(e) => setQuery({ status: e.target.value, after: null, before: null })}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline-field">
          <label htmlFor={`${id}-type`}>Event type</label>
          <select id={`${id}-type`} value={eventType ?? ''} onChange={(e) => setQuery({ eventType: e.target.value, after: null, before: null })}>
            <option value="">All event types</option>
            {catalog.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <form className="field inline-field recover" onSubmit={recover}>
          <label htmlFor={`${id}-since`}>Recover failed since</label>
          <input id={`${id}-since`} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required />
          <button type="submit" className="button small">
            Recover
          </button>
        </form>
      </div>

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
            {rows.map((row) => {
              const last = row.attempts[row.attempts.length - 1];
              return (
                <tr key={row.id} data-delivery-id={row.id} className={fresh.has(row.id) ? 'fresh' : undefined}>
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
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`View payload of ${row.event.type} ${row.event.id}`}
                      title="View payload"
                      onClick={() => setQuery({ delivery: row.id })}
                    >
                      <Icon name="eye" />
                    </button>
                    <button type="button" className="icon-button" aria-label={`Retry delivery ${row.id}`} title="Retry now" onClick={() => retry(row.id)}>
                      <Icon name="retry" />
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {connection && rows.length === 0 && (
          <p className="empty-table">{filtered ? 'No deliveries match these filters.' : 'No deliveries yet. Send a test event from the endpoint’s page, or publish an event.'}</p>
        )}
        {!data && <p className="empty-table muted">Loading…</p>}
      </div>
      <div className="list-foot">
        <span className="muted">{connection ? `${connection.totalCount} ${filtered ? 'matching ' : ''}${connection.totalCount === 1 ? 'delivery' : 'deliveries'}` : ''}</span>
        <Pager pageInfo={connection?.pageInfo} label="Message history pages" onPage={(args) => setQuery({ after: args.after ?? null, before: args.before ?? null })} />
      </div>

      {openDelivery && <PayloadPanel deliveryId={openDelivery} endpointId={endpointId} onClose={() => setQuery({ delivery: null })} onRetried={() => void refetch()} />}
    </section>
  );
}

function StatCard(props: { label: string; value: number | string | undefined; testId: string; tone?: 'good' | 'bad'; children?: ReactNode }) {
  return (
    <li className={`card stat ${props.tone ?? ''}`}>
      <span className="stat-label">{props.label}</span>
      <span className="stat-value" data-testid={props.testId}>
        {props.value ?? '—'}
      </span>
      {props.children}
    </li>
  );
}
