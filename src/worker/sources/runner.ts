// The source runner: in every worker process, one consumer per broker source that is not paused,
// started, restarted and stopped as sources are created, changed, paused or deleted (heard by
// NOTIFY from the source table's triggers, and re-read every `reloadMs` in case a notice was lost
// while the listener reconnected). Each consumer commits its batches with commitBrokerMessages and
// writes its state to the source row, throttled, for the API to show.
//
// Several worker processes consume the same source at once, as competing consumers of one queue,
// one durable JetStream consumer and one Redis consumer group: nothing is lost or doubled by it
// (every message is acknowledged after its commit, and the idempotency key keeps a redelivered
// one to one event), and a worker that dies leaves its unacknowledged messages to the others. What
// it costs is order across batches, which a broker source does not promise (README).
import { hostname } from 'node:os';
import type { PgListener } from '../../db/listener.ts';
import type { Sealer } from '../../db/sealer.ts';
import type { Sql } from '../../db/sql.ts';
import { brokerSources, writeSourceState, type BrokerSourceRow } from '../../db/sql/broker-sources.ts';
import { CHANNELS } from '../../db/sql/notify.ts';
import type { Clock } from '../../domain/clock.ts';
import { commitBrokerMessages } from '../../domain/sources/broker.ts';
import type { Logger } from '../../log.ts';
import { startBrokerConsumer, type BrokerConsumer, type BrokerSourceConfig, type ConsumerState } from './index.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_COMMITS_IN_FLIGHT, type BackoffOptions } from './consumer.ts';

export interface SourceRunnerOptions {
  sql: Sql;
  db: import('../../db/client.ts').Db;
  clock: Clock;
  sealer: Sealer;
  listener: PgListener;
  logger: Logger;
  allowPrivateNetworks: boolean;
  /** How often the source list is re-read without a notice; 10 s by default. */
  reloadMs?: number;
  /** How often a consumer's state is written while it changes; 2 s by default. */
  stateEveryMs?: number;
  /**
   * Consumers (broker connections) per source in this process, 1 by default: one consumer already
   * commits several batches at once (commitsInFlight), reading the next while they commit.
   */
  consumersPerSource?: number;
  /** Batches each consumer commits at once; DEFAULT_COMMITS_IN_FLIGHT (2) by default. */
  commitsInFlight?: number;
  /**
   * Messages committed in one statement; DEFAULT_BATCH_SIZE (500) by default, at most
   * MAX_BATCH_EVENTS: on this machine 1,000 a statement commits fewer a second.
   */
  batchSize?: number;
  backoff?: BackoffOptions;
  /** Names this process to the brokers (the Redis consumer name); host-pid by default. */
  workerName?: string;
}

export interface SourceRunner {
  /** The source ids consumed now. */
  running(): string[];
  /** Re-reads the sources now (what a notice does). */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  fingerprint: string;
  consumers: BrokerConsumer[];
  written: string | null;
}

/** One state for the source out of its consumers': the best connected one, the lag the broker told last. */
function combined(states: ConsumerState[]): ConsumerState {
  const connected = states.find((s) => s.status === 'connected');
  const errored = states.filter((s) => s.lastErrorAt !== null).sort((a, b) => b.lastErrorAt!.getTime() - a.lastErrorAt!.getTime())[0];
  const base = connected ?? states[0]!;
  return { ...base, lastError: errored?.lastError ?? null, lastErrorAt: errored?.lastErrorAt ?? null };
}

type BrokerState = 'CONNECTED' | 'RECONNECTING' | 'ERROR';

/**
 * CONNECTED while connected; RECONNECTING from a lost connection until the next one (and before
 * the first); ERROR when it has never connected and the broker or its address refused it (a
 * missing queue, wrong credentials, a blocked address): the consumer retries either way.
 */
export function brokerStateOf(state: ConsumerState): BrokerState {
  if (state.status === 'connected') return 'CONNECTED';
  if (state.connectedAt === null && state.lastError !== null) return 'ERROR';
  return 'RECONNECTING';
}

export function startSourceRunner(options: SourceRunnerOptions): SourceRunner {
  const running = new Map<string, Running>();
  const workerName = options.workerName ?? `${hostname()}-${process.pid}`;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let stopped = false;
  let reloading: Promise<void> | null = null;
  let again = false;

  const perSource = Math.max(1, options.consumersPerSource ?? 1);
  const configOf = (row: BrokerSourceRow, n: number): BrokerSourceConfig => {
    const url = options.sealer.open(row.broker_url ?? '');
    switch (row.kind) {
      case 'RABBITMQ':
        return { kind: 'RABBITMQ', url, queue: row.queue ?? '', batchSize };
      case 'NATS':
        // The source's own durable consumer on whatever stream holds the subject.
        return { kind: 'NATS', url, subject: row.subject ?? '', durable: `hookwire-${row.id}`, batchSize };
      case 'REDIS_STREAM':
        return { kind: 'REDIS_STREAM', url, stream: row.stream ?? '', group: `hookwire-${row.id}`, consumer: `${workerName}-${n}`, batchSize };
    }
  };

  const start = (row: BrokerSourceRow): Running | null => {
    let configs: BrokerSourceConfig[];
    try {
      configs = Array.from({ length: perSource }, (_, n) => configOf(row, n));
    } catch (error) {
      options.logger.warn('broker source cannot be opened', { sourceId: row.id, error: (error as Error).message });
      return null;
    }
    const source = { id: row.id, accountId: row.account_id };
    try {
      const consumers: BrokerConsumer[] = [];
      for (const config of configs) {
        consumers.push(
          startBrokerConsumer(config, {
            allowPrivateNetworks: options.allowPrivateNetworks,
            logger: options.logger,
            backoff: options.backoff,
            commitsInFlight: options.commitsInFlight ?? DEFAULT_COMMITS_IN_FLIGHT,
            connectionName: `hookwire-source-${row.id}`,
            commit: (batch) => commitBrokerMessages({ db: options.db, sql: options.sql, clock: options.clock }, source, batch),
          }),
        );
      }
      return { fingerprint: fingerprintOf(row), consumers, written: null };
    } catch (error) {
      // A URL stored before a rule tightened: shown, not consumed.
      void writeSourceState(options.sql, { id: row.id, state: 'ERROR', lag: null, lastError: (error as Error).message, lastErrorAt: options.clock.now(), at: options.clock.now() }).catch(() => {});
      return null;
    }
  };

  const reloadOnce = async () => {
    const rows = await brokerSources(options.sql);
    const wanted = new Map(rows.filter((r) => r.status !== 'PAUSED').map((r) => [r.id, r]));
    const stopping: Promise<void>[] = [];
    for (const [id, run] of running) {
      const row = wanted.get(id);
      if (!row || fingerprintOf(row) !== run.fingerprint) {
        running.delete(id);
        stopping.push(...run.consumers.map((c) => c.stop()));
      }
    }
    await Promise.all(stopping);
    if (stopped) return;
    for (const [id, row] of wanted) {
      if (running.has(id)) continue;
      const run = start(row);
      if (run) running.set(id, run);
    }
  };

  const reload = async (): Promise<void> => {
    if (stopped) return;
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          again = false;
          await reloadOnce();
        } while (again && !stopped);
      } catch (error) {
        options.logger.warn('source runner could not read the sources', { error: (error as Error).message });
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  };

  const writeStates = async () => {
    for (const [id, run] of running) {
      const s = combined(run.consumers.map((c) => c.state()));
      const state = brokerStateOf(s);
      const shown = JSON.stringify([state, s.lag, s.lastError]);
      if (shown === run.written) continue;
      try {
        await writeSourceState(options.sql, { id, state, lag: s.lag, lastError: s.lastError, lastErrorAt: s.lastErrorAt, at: options.clock.now() });
        run.written = shown;
      } catch (error) {
        options.logger.debug?.('source state not written', { sourceId: id, error: (error as Error).message });
      }
    }
  };

  const onNotice = () => void reload();
  options.listener.addEventListener(CHANNELS.sources, onNotice);
  options.listener.addEventListener('connected', onNotice);
  const reloadTimer = setInterval(onNotice, options.reloadMs ?? 10_000);
  let writing: Promise<void> = Promise.resolve();
  const stateTimer = setInterval(() => {
    writing = writing.then(writeStates);
  }, options.stateEveryMs ?? 2_000);
  reloadTimer.unref();
  stateTimer.unref();
  void reload();

  return {
    running: () => [...running.keys()],
    reload,
    async stop() {
      stopped = true;
      clearInterval(reloadTimer);
      clearInterval(stateTimer);
      options.listener.removeEventListener(CHANNELS.sources, onNotice);
      options.listener.removeEventListener('connected', onNotice);
      await reloading;
      await writing;
      await Promise.all([...running.values()].flatMap((r) => r.consumers.map((c) => c.stop())));
      running.clear();
    },
  };
}

function fingerprintOf(row: BrokerSourceRow): string {
  return JSON.stringify([row.kind, row.broker_url, row.queue, row.subject, row.stream]);
}
