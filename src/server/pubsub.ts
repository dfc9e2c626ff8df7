// Live events for subscriptions, from whichever process made them: one LISTEN connection per API
// process turns Postgres notifications (sent by domain/notify.ts inside the writing transaction)
// into events on a yoga PubSub, one topic per account, so a subscriber only ever hears its own.
import { Repeater, SlidingBuffer } from '@graphql-yoga/subscription';
import pg from 'pg';
import { CHANNELS, type AttemptNotice, type EndpointStatusNotice } from '../domain/notify.ts';
import type { Logger } from '../log.ts';

export type Topics = {
  attempt: [accountId: string, notice: AttemptNotice];
  endpointStatus: [accountId: string, notice: EndpointStatusNotice];
};

export interface HookwirePubSub {
  /** The notices of one topic for one account, until the returned iterator is closed. */
  subscribe<T extends keyof Topics>(topic: T, accountId: string): Repeater<Topics[T][1]>;
}

const TOPIC_OF_CHANNEL: Record<string, keyof Topics> = {
  [CHANNELS.attempt]: 'attempt',
  [CHANNELS.endpointStatus]: 'endpointStatus',
};

/** An EventTarget fed by LISTEN; reconnects by itself after the database restarts. */
export class PgNotificationTarget extends EventTarget {
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly databaseUrl: string;
  private readonly logger: Logger;

  constructor(databaseUrl: string, logger: Logger) {
    super();
    this.databaseUrl = databaseUrl;
    this.logger = logger;
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => this.onNotification(message));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
    this.client = client;
  }

  listenerCount = 0;

  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listenerCount++;
    super.addEventListener(...args);
  }

  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listenerCount--;
    super.removeEventListener(...args);
  }

  private onNotification(message: pg.Notification): void {
    const topic = TOPIC_OF_CHANNEL[message.channel];
    if (!topic || !message.payload) return;
    try {
      const notice = JSON.parse(message.payload) as { accountId: string };
      this.dispatchEvent(new CustomEvent(`${topic}:${notice.accountId}`, { detail: notice }));
    } catch (error) {
      this.logger.warn(`ignored a malformed ${message.channel} notification: ${(error as Error).message}`);
    }
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.end().catch(() => {});
    this.logger.warn(`subscription listener lost its database connection (${error.message}); reconnecting`);
    this.reconnect(500);
  }

  private reconnect(delayMs: number): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.start().then(
        () => this.logger.info('subscription listener reconnected'),
        () => this.reconnect(Math.min(delayMs * 2, 10_000)),
      );
    }, delayMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}

/**
 * One buffer per subscription: a subscriber that reads slower than attempts happen loses its own
 * oldest notices rather than growing without bound, and deliveries never wait for it. (yoga's
 * createPubSub shares a single repeaterBuffer between all its subscriptions, which hands one
 * subscriber's notices to another, across accounts: never use it with a buffer.)
 */
export function createHookwirePubSub(target: PgNotificationTarget, bufferSize = 1000): HookwirePubSub {
  return {
    subscribe(topic, accountId) {
      const name = `${topic}:${accountId}`;
      return new Repeater((push, stop) => {
        const listener = (event: Event) => void push((event as CustomEvent).detail);
        target.addEventListener(name, listener);
        void stop.then(() => target.removeEventListener(name, listener));
      }, new SlidingBuffer(bufferSize));
    },
  };
}
