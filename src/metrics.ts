// Prometheus metrics of this process, served at /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  attempts: Counter<'outcome'>;
  attemptDuration: Histogram<'outcome'>;
  pendingDeliveries: Gauge;
  graphqlRequests: Counter<'operation'>;
}

/** How old the pending count may be: a scrape every second still costs one count per this period. */
export const PENDING_REFRESH_MS = 5_000;

/**
 * `source` called at most once per `ttlMs`: callers within that time get the last value, callers
 * at the same moment share one call, and a failed call (the database down) keeps the last value
 * rather than failing the whole scrape.
 */
export function refreshedAtMost(source: () => Promise<number>, ttlMs: number, now: () => number = Date.now): () => Promise<number> {
  let value = 0;
  let at = -Infinity;
  let inFlight: Promise<number> | null = null;
  return () => {
    if (now() - at < ttlMs) return Promise.resolve(value);
    inFlight ??= source().then(
      (fresh) => {
        value = fresh;
        at = now();
        inFlight = null;
        return value;
      },
      () => {
        inFlight = null;
        return value;
      },
    );
    return inFlight;
  };
}

/**
 * `pending` is read from the database, so every process reports the same truth, but at most once
 * per PENDING_REFRESH_MS whatever the scrape rate (the count reads the pending deliveries' partial
 * index, so its cost grows with the backlog, not with the table).
 */
export function createMetrics(options: { pendingDeliveries?: () => Promise<number> } = {}): Metrics {
  const registry = new Registry();
  // The default metrics are named process_… and nodejs_… already: the prefix makes them
  // hookwire_process_cpu_seconds_total, not hookwire_process_process_cpu_seconds_total.
  collectDefaultMetrics({ register: registry, prefix: 'hookwire_' });
  const pendingSource = options.pendingDeliveries ? refreshedAtMost(options.pendingDeliveries, PENDING_REFRESH_MS) : null;
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
