// Prometheus metrics of this process, served at /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  attempts: Counter<'outcome'>;
  attemptDuration: Histogram<'outcome'>;
  pendingDeliveries: Gauge;
  graphqlRequests: Counter<'operation'>;
}

/** `pending` is read from the database at scrape time, so every process reports the same truth. */
export function createMetrics(options: { pendingDeliveries?: () => Promise<number> } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hookwire_process_' });
  const pendingSource = options.pendingDeliveries;
  return {
    registry,
    attempts: new Counter({
      name: 'hookwire_delivery_attempts_total',
      help: 'Delivery attempts made by this process, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'hookwire_delivery_attempt_duration_seconds',
      help: 'Duration of delivery attempts made by this process.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    pendingDeliveries: new Gauge({
      name: 'hookwire_deliveries_pending',
      help: 'Deliveries waiting for their first or next attempt (all accounts).',
      registers: [registry],
      async collect() {
        if (pendingSource) this.set(await pendingSource());
      },
    }),
    graphqlRequests: new Counter({
      name: 'hookwire_graphql_operations_total',
      help: 'GraphQL operations executed by this process, by operation type.',
      labelNames: ['operation'],
      registers: [registry],
    }),
  };
}
