// Sends one prepared attempt to a broker destination and answers the same SendResult as the HTTP
// send (send.ts), so classify, retries and recording never ask which kind it was. Holds one
// connection per broker URL for the worker process: opened on first use, replaced after a fault,
// closed when idle, all closed on shutdown.

import type { Logger } from '../../log.ts';
import { pastDeadline, type SendResult } from '../send.ts';
import { BlockedAddressError, type Resolve } from '../ssrf.ts';
import { brokerAddress } from './address.ts';
import type { BrokerDestination } from './destination.ts';
import { openNatsPublisher } from './nats.ts';
import { BrokerRefusal, abortable, describe, type OpenPublisher, type Publisher } from './publisher.ts';
import { openRabbitPublisher } from './rabbitmq.ts';
import { openRedisPublisher } from './redis.ts';
import { type BrokerKind, type BrokerUrl, parseBrokerUrl, scrub } from './url.ts';

/**
 * The status a broker's acceptance is recorded with: 202 Accepted, "taken for processing", which
 * is what a confirm, a JetStream ack or an XADD reply says. The receipt (where it was stored) is the
 * response body, so the history shows it.
 */
export const BROKER_ACCEPTED_STATUS = 202;

export interface BrokerSendRequest {
  /** The broker URL as the endpoint stores it, opened: credentials included. */
  url: string;
  destination: BrokerDestination;
  /** Routes the message (the routing key by default, `{type}`); the attempt's x-webhook-event header when absent. */
  eventType?: string;
  /** The delivery's id: where the broker de-duplicates (JetStream), retries of one delivery are stored once. */
  deliveryId?: string | null;
  /** The attempt's headers (prepareAttempt): carried as the broker's own message headers. */
  headers: Record<string, string>;
  /** The exact body an HTTP POST would carry. */
  body: string;
  /** For the whole attempt, connecting included. */
  timeoutMs: number;
  /** Whether the lane's lease still holds by the worker's clock (see send.ts's SendRequest); absent: no lease. */
  leaseHeld?: () => boolean;
}

export interface BrokerPoolOptions {
  /** HOOKWIRE_ALLOW_PRIVATE_NETWORKS: when false, broker hosts must resolve to public addresses. */
  allowPrivateNetworks: boolean;
  /** A connection unused this long is closed; 60 s by default. */
  idleMs?: number;
  /** Bounds opening a connection whatever the attempt's timeout (the HTTP connector's 10 s). */
  connectTimeoutMs?: number;
  /** How broker host names are resolved for the SSRF check (tests). */
  resolve?: Resolve;
  /** How the broker lists our connections. */
  connectionName?: string;
  /** Certificate authorities to trust for the TLS schemes instead of Node's. */
  ca?: string;
  logger?: Logger;
  /** The adapters by kind; tests may wrap one to watch it. */
  openers?: Partial<Record<BrokerKind, OpenPublisher>>;
}

const OPENERS: Record<BrokerKind, OpenPublisher> = {
  RABBITMQ: openRabbitPublisher,
  NATS: openNatsPublisher,
  REDIS_STREAM: openRedisPublisher,
};

const BROKER_NAMES: Record<BrokerKind, string> = { RABBITMQ: 'RabbitMQ', NATS: 'NATS', REDIS_STREAM: 'Redis' };

interface Entry {
  url: BrokerUrl;
  opening: Promise<Publisher>;
  publisher: Publisher | null;
  inUse: number;
  lastUsed: number;
}

class AttemptTimeout extends Error {}

export class BrokerPool {
  readonly #options: BrokerPoolOptions;
  readonly #idleMs: number;
  readonly #openers: Record<BrokerKind, OpenPublisher>;
  /** By the URL as given: one connection per broker and credentials. */
  readonly #entries = new Map<string, Entry>();
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(options: BrokerPoolOptions) {
    this.#options = options;
    this.#idleMs = options.idleMs ?? 60_000;
    this.#openers = { ...OPENERS, ...options.openers };
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, Math.min(this.#idleMs / 2, 30_000)));
    this.#sweeper.unref();
  }

  /** Connections open or opening now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Never throws: every failure is a SendResult, as send.ts's are. */
  async send(req: BrokerSendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let url: BrokerUrl;
    try {
      url = parseBrokerUrl(req.url, req.destination.kind);
    } catch (error) {
      return { kind: 'network', durationMs: elapsed(), error: error instanceof Error ? error.message : String(error) };
    }
    const where = `${BROKER_NAMES[url.kind]} at ${url.display}`;
    if (this.#closed) return { kind: 'network', durationMs: elapsed(), error: `${where}: the worker is shutting down` };

    const eventType = req.eventType ?? req.headers['x-webhook-event'];
    if (!eventType) return { kind: 'network', durationMs: elapsed(), error: `${where}: no event type to route the message by` };

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeout()), req.timeoutMs);
    const entry = this.#entry(req.url, url);
    entry.inUse++;
    try {
      const publisher = await abortable(entry.opening, controller.signal);
      // As for an HTTP request (send.ts): nothing goes out past the deadline, however long the
      // connection took to open or the process was frozen meanwhile.
      const refused = pastDeadline(started, req.timeoutMs, req.leaseHeld);
      if (refused !== null) return { kind: 'not-sent', durationMs: elapsed(), error: `${where}: ${refused}` };
      const receipt = await publisher.publish(
        { destination: req.destination, eventType, deliveryId: req.deliveryId ?? null, headers: req.headers, body: Buffer.from(req.body) },
        controller.signal,
      );
      return { kind: 'response', status: BROKER_ACCEPTED_STATUS, headers: {}, body: JSON.stringify(receipt), bodyTruncated: false, durationMs: elapsed() };
    } catch (error) {
      if (controller.signal.aborted) {
        const stalled = entry.publisher?.stalledReason;
        const phase = entry.publisher ? 'no answer from the broker' : 'could not connect';
        return { kind: 'timeout', durationMs: elapsed(), error: `${where}: ${phase} within ${req.timeoutMs} ms${stalled ? ` (${stalled})` : ''}` };
      }
      if (error instanceof BlockedAddressError) return { kind: 'blocked', durationMs: elapsed(), error: `${where}: ${error.message}` };
      const text = error instanceof BrokerRefusal ? error.message : describe(error);
      return { kind: 'network', durationMs: elapsed(), error: `${where}: ${scrub(text, url)}` };
    } finally {
      clearTimeout(timer);
      entry.inUse--;
      entry.lastUsed = performance.now();
    }
  }

  /** The live entry for `key`: a lost connection is dropped here and a new one opened. */
  #entry(key: string, url: BrokerUrl): Entry {
    const existing = this.#entries.get(key);
    if (existing && (existing.publisher === null || existing.publisher.usable)) return existing;
    if (existing) {
      this.#entries.delete(key);
      void existing.publisher?.close().catch(() => {});
      this.#options.logger?.warn('broker connection lost; opening a new one', { broker: url.display });
    }
    const entry: Entry = { url, opening: this.#open(url), publisher: null, inUse: 0, lastUsed: performance.now() };
    this.#entries.set(key, entry);
    entry.opening.then(
      (publisher) => {
        entry.publisher = publisher;
        // Opened after close() began: nobody will close it otherwise.
        if (this.#closed) void publisher.close();
      },
      () => {
        // Not remembered: the next attempt tries again (the broker may be back).
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return entry;
  }

  async #open(url: BrokerUrl): Promise<Publisher> {
    const address = await brokerAddress(url, { allowPrivateNetworks: this.#options.allowPrivateNetworks, resolve: this.#options.resolve });
    return this.#openers[url.kind]({
      url,
      address,
      connectTimeoutMs: this.#options.connectTimeoutMs ?? 10_000,
      connectionName: this.#options.connectionName ?? 'hookwire-destination',
      ca: this.#options.ca,
    });
  }

  #sweep(): void {
    const now = performance.now();
    for (const [key, entry] of this.#entries) {
      if (entry.inUse > 0 || entry.publisher === null || now - entry.lastUsed < this.#idleMs) continue;
      this.#entries.delete(key);
      void entry.publisher.close().catch(() => {});
    }
  }

  /** Closes every connection; attempts still running get their outcome first (or their timeout). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(
      entries.map((entry) =>
        entry.opening.then(
          (publisher) => publisher.close(),
          () => {},
        ),
      ),
    );
  }
}
