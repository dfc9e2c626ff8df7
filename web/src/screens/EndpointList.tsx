// Webhook Settings: every endpoint of the account, as seed 002 lists them (name, status, URL, event
// type tags, delete, chevron to the editor), with paging, Add Endpoint, a 24-hour activity strip,
// and status badges that change live.
import { useState } from 'react';
import { graphql } from '../generated/index.ts';
import type { DashboardEndpointsQuery } from '../generated/graphql.ts';
import { Link, setQuery, useLocation, useTitle } from '../router.tsx';
import { useQuery, useSubscription, useThrottled } from '../session.tsx';
import { AttemptSubscription, EndpointStatusSubscription } from '../live.ts';
import { Icon } from '../icons.tsx';
import { useNotify } from '../notices.tsx';
import { Pager, pageArgs } from '../paging.tsx';
import { EndpointBadge, FailingWarning } from '../status.tsx';
import { kindLabel } from '../destination-form.tsx';
import { FormError } from '../ui.tsx';
import { plural, Sparkline } from '../chart.tsx';
import { CreateEndpointDialog } from './CreateEndpoint.tsx';
import { useCanEdit } from '../portal.tsx';
import { DeleteEndpointDialog } from './DeleteEndpointDialog.tsx';

const PAGE_SIZE = 10;

const EndpointsQuery = graphql(`
  query DashboardEndpoints($first: Int, $last: Int, $after: String, $before: String) {
    endpoints(first: $first, last: $last, after: $after, before: $before) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          id
          description
          url
          destination {
            kind
          }
          status
          pauseReason
          failing
          consecutiveFailures
          failingSince
          eventTypes
          timeline(hours: 24) {
            ...TimelineFields
          }
        }
      }
    }
  }
`);

export function EndpointList() {
  useTitle('Webhook endpoints');
  const { query } = useLocation();
  const notify = useNotify();
  const { data, error, loading, refetch } = useQuery(EndpointsQuery, pageArgs(query, PAGE_SIZE));
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<{ id: string; description: string } | null>(null);

  // Status badges follow endpointStatusChanged; the activity strips follow the attempts (a burst
  // of attempts is one refetch).
  const refresh = useThrottled(() => void refetch(), 1000);
  useSubscription(EndpointStatusSubscription, {}, () => void refetch());
  useSubscription(AttemptSubscription, {}, refresh);

  const connection = data?.endpoints;
  const endpoints = connection?.edges.map((e) => e.node) ?? [];

  const canEdit = useCanEdit();
  return (
    <section className="page" aria-labelledby="endpoints-title">
      <div className="page-head">
        <div>
          <h1 id="endpoints-title">Webhook endpoints</h1>
          <p className="lead">Hookwire POSTs signed events to these URLs, retries until they land, and records every attempt.</p>
        </div>
        {canEdit && (
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            <Icon name="plus" /> Add Endpoint
          </button>
        )}
      </div>

      <FormError message={error} />
      {!data && loading && <p className="muted">Loading endpoints…</p>}
      {connection && connection.totalCount === 0 && (
        <div className="card empty">
          <h2>No endpoints yet</h2>
          <p>Add an endpoint to start receiving events such as message.received or form.submitted on your server.</p>
          {canEdit && (
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              Add Endpoint
            </button>
          )}
        </div>
      )}

      {endpoints.length > 0 && (
        <ul className="endpoint-list" aria-label="Endpoints">
          {endpoints.map((endpoint) => (
            <EndpointRow key={endpoint.id} endpoint={endpoint} onDelete={() => setDeleting({ id: endpoint.id, description: endpoint.description })} />
          ))}
        </ul>
      )}

      {connection && connection.totalCount > PAGE_SIZE && (
        <div className="list-foot">
          <span className="muted">{connection.totalCount} endpoints</span>
          <Pager pageInfo={connection.pageInfo} label="Endpoint pages" onPage={(args) => setQuery({ after: args.after ?? null, before: args.before ?? null })} />
        </div>
      )}

      <CreateEndpointDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(endpoint) => {
          setCreating(false);
          notify(`Endpoint “${endpoint.description}” created`);
          setQuery({ after: null, before: null });
          void refetch();
        }}
      />
      <DeleteEndpointDialog
        endpoint={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={() => {
          notify(`Endpoint “${deleting?.description}” deleted`);
          void refetch();
        }}
      />
    </section>
  );
}

type Endpoint = DashboardEndpointsQuery['endpoints']['edges'][number]['node'];

/** One endpoint as seed 002 lists it: name and status, URL, event-type tags, the 24-hour strip, delete and edit. */
function EndpointRow({ endpoint, onDelete }: { endpoint: Endpoint; onDelete(): void }) {
  const attempts = endpoint.timeline.reduce((n, b) => n + b.attempts, 0);
  const succeeded = endpoint.timeline.reduce((n, b) => n + b.succeeded, 0);
  const canEdit = useCanEdit();
  return (
    <li className="card endpoint-row" data-endpoint-id={endpoint.id}>
      <div className="endpoint-main">
        <div className="endpoint-title">
          <h2>
            <Link href={`/endpoints/${endpoint.id}`}>{endpoint.description}</Link>
          </h2>
          <EndpointBadge status={endpoint.status} />
        </div>
        <p className="endpoint-url">
          {endpoint.destination.kind !== 'HTTP' && <span className="tag destination-kind">{kindLabel(endpoint.destination.kind)}</span>}
          <span className="mono">{endpoint.url}</span>
          {/* A broker URL does not open in a browser. */}
          {endpoint.destination.kind === 'HTTP' && (
            <a className="icon-link" href={endpoint.url} target="_blank" rel="noopener noreferrer" aria-label={`Open ${endpoint.url} in a new tab`}>
              <Icon name="link" size={16} />
            </a>
          )}
        </p>
        {endpoint.status !== 'ACTIVE' && endpoint.pauseReason && <p className="muted small">{endpoint.pauseReason}</p>}
        <FailingWarning endpoint={endpoint} />
        <ul className="tags" aria-label="Event types">
          {endpoint.eventTypes.map((type) => (
            <li key={type} className="tag">
              {type === '*' ? 'All events' : type}
            </li>
          ))}
        </ul>
      </div>
      <div className="endpoint-activity">
        <Sparkline buckets={endpoint.timeline} label={`${endpoint.description}: attempts per hour, last 24 hours`} />
        <span className="muted small">
          {attempts === 0 ? 'No attempts in 24 h' : `${plural(attempts, 'attempt')} · ${Math.round((succeeded / attempts) * 100)}% ok`}
        </span>
      </div>
      <div className="endpoint-actions">
        {canEdit && (
          <button type="button" className="icon-button danger" aria-label={`Delete ${endpoint.description}`} title="Delete endpoint" onClick={onDelete}>
            <Icon name="trash" />
          </button>
        )}
        <Link className="icon-button" href={`/endpoints/${endpoint.id}`} aria-label={`Edit ${endpoint.description}`} title="Edit endpoint">
          <Icon name="chevron" />
        </Link>
      </div>
    </li>
  );
}
