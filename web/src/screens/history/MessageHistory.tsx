// Message History: summary cards, filters, the deliveries table with Previous / Next, retry and
// "recover failed since", all live: each attempt made refreshes the page being looked at.
import { useId } from 'react';
import { graphql } from '../../generated/index.ts';
import type { DeliveryStatus } from '../../generated/graphql.ts';
import { Link, setQuery, useLocation, useTitle } from '../../router.tsx';
import { useQuery, useSubscription, useThrottled } from '../../session.tsx';
import { AttemptSubscription, EndpointStatusSubscription } from '../../live.ts';
import { Icon } from '../../icons.tsx';
import { Pager, pageArgs } from '../../paging.tsx';
import { EndpointBadge } from '../../status.tsx';
import { EndpointNotFound, LoadFailed } from '../page-messages.tsx';
import { DeliveriesTable, useFreshRows } from './DeliveriesTable.tsx';
import { Filters } from './Filters.tsx';
import { PayloadPanel } from './PayloadPanel.tsx';
import { RecoverFailed } from './RecoverFailed.tsx';
import { StatCards } from './StatCards.tsx';
import { useCanEdit } from '../../portal.tsx';
import { useRetryDelivery } from './useRetryDelivery.ts';

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

export function MessageHistory({ endpointId }: { endpointId: string }) {
  const { query } = useLocation();
  const id = useId();
  const status = (query.get('status') as DeliveryStatus | null) || null;
  const eventType = query.get('eventType') || null;
  const openDelivery = query.get('delivery');
  const { data, error, refetch } = useQuery(MessagesQuery, { id: endpointId, status, eventType, ...pageArgs(query, PAGE_SIZE) });
  const endpoint = data?.endpoint;
  useTitle(endpoint ? `Messages · ${endpoint.description}` : 'Message history');

  const refresh = useThrottled(() => void refetch(), 300);
  useSubscription(AttemptSubscription, { endpointId }, refresh);
  useSubscription(EndpointStatusSubscription, { endpointId }, () => void refetch());

  const rows = endpoint?.deliveries.edges.map((e) => e.node) ?? [];
  const fresh = useFreshRows(rows, Boolean(endpoint));
  const retry = useRetryDelivery(() => void refetch());

  const canEdit = useCanEdit();
  if (error && !endpoint) return <LoadFailed error={error} />;
  if (data && !endpoint) return <EndpointNotFound />;

  const connection = endpoint?.deliveries;
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

      <StatCards stats={connection?.stats} filtered={filtered} />
      <div className="toolbar">
        <Filters status={status} eventType={eventType} />
        {canEdit && <RecoverFailed endpointId={endpointId} onRecovered={refetch} />}
      </div>
      <DeliveriesTable rows={rows} fresh={fresh} loaded={Boolean(connection)} loading={!data} filtered={filtered} onRetry={retry} />
      <div className="list-foot">
        <span className="muted">{connection ? `${connection.totalCount} ${filtered ? 'matching ' : ''}${connection.totalCount === 1 ? 'delivery' : 'deliveries'}` : ''}</span>
        <Pager pageInfo={connection?.pageInfo} label="Message history pages" onPage={(args) => setQuery({ after: args.after ?? null, before: args.before ?? null })} />
      </div>

      {openDelivery && <PayloadPanel deliveryId={openDelivery} endpointId={endpointId} onClose={() => setQuery({ delivery: null })} onRetried={() => void refetch()} />}
    </section>
  );
}
