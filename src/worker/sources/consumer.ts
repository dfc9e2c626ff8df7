// The life of one broker source, the same for every broker: connect, hand batches to commit,
// acknowledge only after it resolves, dead-letter the poison, back off and reconnect after a
// fault, and keep a state the API can show. The broker specifics are a ConsumerSession.

import type { Logger } from '../../log.ts';
import type { Commit, CommitVerdict, BrokerConsumer, ConsumerState, SourceMessage } from './types.ts';

/** One message as the session delivered it, with what the session needs to settle it. */
export interface Delivered<Handle = unknown> {
  message: SourceMessage;
  handle: Handle;
  /** Set when the session could not even decode it (a Redis entry without a body): poison, not committed. */
  undecodable?: string;
}

/** One connection to the broker, consuming. */
export interface ConsumerSession<Handle = unknown> {
  /** The next batch (one message at least); null when `signal` aborted. Rejects when the connection is lost. */
  next(signal: AbortSignal): Promise<Delivered<Handle>[] | null>;
  /** After commit: acknowledges the ok ones and dead-letters the poison ones with their reasons. */
  settle(batch: Delivered<Handle>[], verdicts: CommitVerdict[]): Promise<void>;
  /** After a rejected commit: hands the batch back for redelivery. */
  release(batch: Delivered<Handle>[]): Promise<void>;
  /** Messages waiting in the broker, when it tells. */
  lag(): Promise<number | null>;
  close(): Promise<void>;
}

export type OpenSession<Handle = unknown> = () => Promise<ConsumerSession<Handle>>;

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** In [0, 1): each delay is spread by ± this fraction, so many sources do not reconnect in step. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ initialMs: 250, maxMs: 30_000, jitter: 0.2 });

/** Delays that double from initialMs up to maxMs; reset() after a success. */
export class Backoff {
  #options: BackoffOptions;
  #attempt = 0;
  #random: () => number;

  constructor(options: BackoffOptions, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  next(): number {
    const { initialMs, maxMs, jitter } = this.#options;
    const base = Math.min(maxMs, initialMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return Math.round(base * (1 - jitter + 2 * jitter * this.#random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}

export interface ConsumerOptions {
  /** Named in errors and logs: the source's broker URL, masked. */
  display: string;
  commit: Commit;
  logger?: Logger;
  backoff?: BackoffOptions;
  /** How often the lag is asked for while connected; 5 s by default. */
  lagIntervalMs?: number;
  random?: () => number;
  /** Turns a broker's error into the text lastError shows (credentials scrubbed). */
  describeError?: (error: unknown) => string;
  /**
   * Batches committed at once (DEFAULT_COMMITS_IN_FLIGHT): the next batch is read and committed
   * while the ones before it commit, and each is settled only after every earlier one was, so a
   * broker's cumulative ack never covers a message whose commit has not resolved.
   */
  commitsInFlight?: number;
}

/**
 * Two batches committing at once per consumer, as the two consumers per source did before: on this
 * loaded 2-core machine 250 × 3, 250 × 4 and 500 × 3 measured no better than 500 × 2 within its
 * noise (README "Broker sources"; `npm run bench:brokers` gives the figures beside their limits).
 */
export const DEFAULT_COMMITS_IN_FLIGHT = 2;

/** Messages a batch holds unless a source says otherwise (at most the publish's MAX_BATCH_EVENTS). */
export const DEFAULT_BATCH_SIZE = 500;

/** What a commit came to: verdicts in the batch's order, or the error that committed nothing. */
type Committed = { verdicts: CommitVerdict[] } | { error: unknown };

/** Starts consuming at once; the returned consumer runs until stop(). */
export function startConsumer<Handle>(open: OpenSession<Handle>, options: ConsumerOptions): BrokerConsumer {
  return new Supervisor(open, options);
}

class Supervisor<Handle> implements BrokerConsumer {
  readonly #open: OpenSession<Handle>;
  readonly #options: ConsumerOptions;
  readonly #stopping = new AbortController();
  readonly #state: ConsumerState = {
    status: 'connecting',
    lag: null,
    lastError: null,
    lastErrorAt: null,
    connectedAt: null,
    acknowledged: 0,
    deadLettered: 0,
  };
  readonly #running: Promise<void>;

  constructor(open: OpenSession<Handle>, options: ConsumerOptions) {
    this.#open = open;
    this.#options = options;
    this.#running = this.#run();
  }

  state(): ConsumerState {
    return { ...this.#state };
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }

  #fault(error: unknown, context: string): void {
    const text = this.#options.describeError?.(error) ?? (error instanceof Error ? error.message : String(error));
    this.#state.lastError = `${context}: ${text}`;
    this.#state.lastErrorAt = new Date();
    this.#options.logger?.warn(`broker source ${context}`, { broker: this.#options.display, error: text });
  }

  async #run(): Promise<void> {
    const signal = this.#stopping.signal;
    const connectBackoff = new Backoff(this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random);
    const commitBackoff = new Backoff(this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random);
    while (!signal.aborted) {
      // 'connecting' until the first connection or failure; 'disconnected' from a failure until connected again.
      let session: ConsumerSession<Handle> | null = null;
      let lagTimer: NodeJS.Timeout | undefined;
      try {
        session = await this.#open();
        connectBackoff.reset();
        this.#state.status = 'connected';
        this.#state.connectedAt = new Date();
        const live = session;
        const pollLag = () => {
          live.lag().then(
            (lag) => {
              if (lag !== null) this.#state.lag = lag;
            },
            () => {},
          );
        };
        pollLag();
        lagTimer = setInterval(pollLag, this.#options.lagIntervalMs ?? 5_000);
        lagTimer.unref();
        await this.#consume(session, commitBackoff, signal);
      } catch (error) {
        if (!signal.aborted) {
          this.#fault(error, session ? 'connection lost' : 'cannot connect');
          this.#state.status = 'disconnected';
        }
      } finally {
        clearInterval(lagTimer);
        await session?.close().catch(() => {});
      }
      if (!signal.aborted) await sleep(connectBackoff.next(), signal);
    }
    this.#state.status = 'stopped';
  }

  /**
   * Returns when stopping; throws when the connection is lost. Up to commitsInFlight batches are
   * between receipt and settlement: each one's commit starts as soon as it is read, and they are
   * settled one after another in the order read. Whatever way this ends, it first waits for the
   * commits under way (what they committed is acknowledged if the connection still can).
   */
  async #consume(session: ConsumerSession<Handle>, commitBackoff: Backoff, signal: AbortSignal): Promise<void> {
    const depth = Math.max(1, Math.floor(this.#options.commitsInFlight ?? DEFAULT_COMMITS_IN_FLIGHT));
    const window: Promise<void>[] = [];
    let last: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const batch = await session.next(signal);
        if (batch === null) break;
        const committing = this.#commitBatch(batch);
        const previous = last;
        // A settlement that failed (the connection is lost) fails every later one unsettled: the broker redelivers them.
        last = previous.then(async () => this.#settle(session, batch, await committing, commitBackoff, signal));
        window.push(last);
        if (window.length >= depth) await window.shift();
      }
    } catch (error) {
      await last.catch(() => {});
      throw error;
    }
    await last;
  }

  /** Commits what the session could decode; never rejects. */
  async #commitBatch(batch: Delivered<Handle>[]): Promise<Committed> {
    const verdicts: CommitVerdict[] = new Array(batch.length);
    const toCommit: number[] = [];
    batch.forEach((d, i) => {
      if (d.undecodable !== undefined) verdicts[i] = { poison: d.undecodable };
      else toCommit.push(i);
    });
    if (toCommit.length === 0) return { verdicts };
    try {
      const committed = await this.#options.commit(toCommit.map((i) => batch[i]!.message));
      if (!Array.isArray(committed) || committed.length !== toCommit.length) {
        throw new Error(`commit answered ${Array.isArray(committed) ? committed.length : 'no'} verdicts for ${toCommit.length} messages`);
      }
      toCommit.forEach((batchIndex, i) => {
        verdicts[batchIndex] = committed[i]!;
      });
      return { verdicts };
    } catch (error) {
      return { error };
    }
  }

  /** After every earlier batch was settled: acknowledges a committed batch, or releases a rejected one after a pause. */
  async #settle(session: ConsumerSession<Handle>, batch: Delivered<Handle>[], committed: Committed, commitBackoff: Backoff, signal: AbortSignal): Promise<void> {
    if ('error' in committed) {
      // Nothing was committed: nothing is acknowledged; the same messages come back after a pause.
      this.#fault(committed.error, 'commit failed');
      await sleep(commitBackoff.next(), signal);
      await session.release(batch);
      return;
    }
    commitBackoff.reset();
    // Even when stopping: what was committed is acknowledged now rather than redelivered later.
    await session.settle(batch, committed.verdicts);
    for (const verdict of committed.verdicts) {
      if ('poison' in verdict) this.#state.deadLettered++;
      else this.#state.acknowledged++;
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
