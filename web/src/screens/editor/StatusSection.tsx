// The editor's Status card: the endpoint's delivery health (its last error of the day, or that it
// recovered) and the "failing" warning the list shows, which follow the attempts live, and Send
// Test Event.
import { useId } from 'react';
import { formatAgo } from '../../format.ts';
import { FailingWarning } from '../../status.tsx';
import type { Endpoint } from './query.ts';
import { TestEvent } from './TestEvent.tsx';

const RECENT_MS = 24 * 3600 * 1000;

type Attempt = Endpoint['recent']['edges'][number]['node']['attempts'][number];

/** The newest attempt that failed in the last 24 hours, among the latest deliveries. */
function lastError(endpoint: Endpoint) {
  const attempts = endpoint.recent.edges.flatMap((e) => e.node.attempts);
  const failed = attempts
    .filter((a) => a.outcome !== 'SUCCESS' && Date.now() - Date.parse(a.startedAt) < RECENT_MS)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0];
  const latest = attempts.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0];
  return { failed, recovered: failed && latest && latest.outcome === 'SUCCESS' && latest.startedAt > failed.startedAt };
}

const describe = (a: Attempt) => a.error ?? (a.responseStatus ? `HTTP ${a.responseStatus}` : a.outcome.replace('_', ' ').toLowerCase());

export function StatusSection({ endpoint, catalog, canEdit = true }: { endpoint: Endpoint; catalog: string[]; canEdit?: boolean }) {
  const id = useId();
  const { failed, recovered } = lastError(endpoint);
  return (
    <section className="card span-2" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Status</h2>
      <p className={`health ${failed && !recovered ? 'bad' : 'good'}`} data-testid="health" aria-live="polite">
        {!failed && 'No recent delivery errors'}
        {failed && !recovered && `Last error ${formatAgo(failed.startedAt)}: ${describe(failed)}`}
        {failed && recovered && `Recovered: the latest attempt succeeded (last error ${formatAgo(failed.startedAt)}: ${describe(failed)})`}
      </p>
      <FailingWarning endpoint={endpoint} />
      {canEdit && <TestEvent endpointId={endpoint.id} catalog={catalog} />}
    </section>
  );
}
