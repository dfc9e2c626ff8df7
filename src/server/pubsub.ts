// Live events for subscriptions, from whichever process made them: the process's LISTEN
// connection (db/listener.ts) hears Postgres notifications (sent inside the writing transaction,
// see domain/notify.ts and domain/attempts.ts), and this hub turns them into one topic per account,
// so a subscriber only ever hears its own.
import { setMaxListeners } from 'node:events';
import { Repeater, SlidingBuffer } from '@graphql-yoga/subscription';
import { CHANNELS } from '../domain/notify.ts';
import type { PgListener } from '../db/listener.ts';
import type { Logger } from '../log.ts';
import type { HookwirePubSub, Topics } from '../schema/context.ts';

const TOPIC_OF_CHANNEL: Record<string, keyof Topics> = {
  [CHANNELS.attempt]: 'attempt',
  [CHANNELS.endpointStatus]: 'endpointStatus',
};

/** The channels a subscription hub needs its process's listener to LISTEN on. */
export const SUBSCRIPTION_CHANNELS = Object.keys(TOPIC_OF_CHANNEL);

/** Per-account topics over the listener's channels; a notification may carry one notice or a list. */
export class NotificationHub extends EventTarget {
  listenerCount = 0;

  constructor(listener: PgListener, logger: Logger) {
    super();
    // One listener per subscription: an account with many open subscriptions is no leak.
    setMaxListeners(Infinity, this);
    for (const [channel, topic] of Object.entries(TOPIC_OF_CHANNEL)) {
      listener.addEventListener(channel, (event) => {
        try {
          const parsed = JSON.parse((event as CustomEvent<string>).detail) as { accountId: string } | Array<{ accountId: string }>;
          for (const notice of Array.isArray(parsed) ? parsed : [parsed]) {
            this.dispatchEvent(new CustomEvent(`${topic}:${notice.accountId}`, { detail: notice }));
          }
        } catch (error) {
          logger.warn(`ignored a malformed ${channel} notification: ${(error as Error).message}`);
        }
      });
    }
  }

  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listenerCount++;
    super.addEventListener(...args);
  }

  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listenerCount--;
    super.removeEventListener(...args);
  }
}

/**
 * One buffer per subscription: a subscriber that reads slower than attempts happen loses its own
 * oldest notices rather than growing without bound, and deliveries never wait for it. (yoga's
 * createPubSub shares a single repeaterBuffer between all its subscriptions, which hands one
 * subscriber's notices to another, across accounts: never use it with a buffer.)
 */
export function createHookwirePubSub(hub: NotificationHub, bufferSize = 1000): HookwirePubSub {
  return {
    subscribe(topic, accountId) {
      const name = `${topic}:${accountId}`;
      return new Repeater((push, stop) => {
        const listener = (event: Event) => void push((event as CustomEvent).detail);
        hub.addEventListener(name, listener);
        void stop.then(() => hub.removeEventListener(name, listener));
      }, new SlidingBuffer(bufferSize));
    },
  };
}
