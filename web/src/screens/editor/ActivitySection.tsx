// The editor's Last 24 hours card: delivery counts and the hourly chart of attempts, which follow
// the attempts live.
import { useId } from 'react';
import { TimelineChart } from '../../chart.tsx';
import { formatRate } from '../../format.ts';
import type { Endpoint } from './query.ts';

export function ActivitySection({ endpoint }: { endpoint: Endpoint }) {
  const id = useId();
  return (
    <section className="card span-2" aria-labelledby={`${id}-chart-h`}>
      <h2 id={`${id}-chart-h`}>Last 24 hours</h2>
      <dl className="mini-stats">
        <div>
          <dt>Deliveries</dt>
          <dd>{endpoint.stats.total}</dd>
        </div>
        <div>
          <dt>Pending</dt>
          <dd>{endpoint.stats.pending}</dd>
        </div>
        <div>
          <dt>Success rate (all time)</dt>
          <dd>{formatRate(endpoint.stats.successRate)}</dd>
        </div>
      </dl>
      <TimelineChart buckets={endpoint.timeline} />
    </section>
  );
}
