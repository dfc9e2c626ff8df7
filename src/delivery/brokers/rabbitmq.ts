// RabbitMQ destination: one AMQP connection per broker URL, publishing with publisher confirms and
// `mandatory`, so an attempt succeeds only when the broker confirmed a message it could route.

import amqp, { type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import { routingKeyFor } from './destination.ts';
import { BrokerRefusal, type OpenRequest, type OutgoingMessage, type Publisher, type Receipt } from './publisher.ts';
import type { BrokerUrl } from './url.ts';

/** Channels are cheap in AMQP; one per attempt in flight keeps a return or a channel error unambiguous. */
const MAX_CHANNELS = 64;

/** amqplib's connect options for a checked URL and address: shared by the destination and the source. */
export function amqpConnectArgs(request: OpenRequest): [amqp.Options.Connect, amqp.SocketOptions] {
  const { url, address } = request;
  return [
    {
      protocol: url.tls ? 'amqps' : 'amqp',
      hostname: address.host,
      port: address.port,
      // Both absent: amqplib's default guest/guest, as for a URL without credentials.
      username: url.username ?? (url.password === null ? undefined : ''),
      password: url.password ?? (url.username === null ? undefined : ''),
      // amqplib unescapes the vhost it is given.
      vhost: encodeURIComponent(url.vhost ?? '/'),
      heartbeat: url.heartbeatSeconds ?? 30,
    },
    {
      servername: address.servername,
      ...(request.ca ? { ca: request.ca } : {}),
      timeout: request.connectTimeoutMs,
      noDelay: true,
      clientProperties: { connection_name: request.connectionName },
    },
  ];
}

/** What a channel or connection closing means for the message on it, in words an operator can act on. */
export function describeAmqpError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as Error & { code?: unknown }).code;
  // "Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'x' in vhost '/'""
  const server = /with message "(.*)"$/s.exec(error.message)?.[1];
  if (typeof code === 'number' && server) return `RabbitMQ refused: ${server} (${code})`;
  return error.message;
}

export async function openRabbitPublisher(request: OpenRequest): Promise<Publisher> {
  const connection = await amqp.connect(...amqpConnectArgs(request));
  return new RabbitPublisher(connection, request.url);
}

interface Pending {
  returned: Message | null;
  fail(error: Error): void;
}

/** A confirm channel that carries one publish at a time. */
class Slot {
  current: Pending | null = null;
  open = true;
  #error: Error | null = null;

  readonly channel: ConfirmChannel;

  constructor(channel: ConfirmChannel) {
    this.channel = channel;
    // The broker sends basic.return before the basic.ack of the same unroutable message.
    channel.on('return', (message: Message) => {
      if (this.current) this.current.returned = message;
    });
    // Without a listener amqplib would re-emit a channel error on the connection and crash the worker.
    channel.on('error', (error: Error) => {
      this.#error = error;
    });
    channel.on('close', () => {
      this.open = false;
      this.current?.fail(this.closedBecause());
    });
  }

  /** Why the channel closed: the server's close (emitted as 'error' just before) says what was wrong. */
  closedBecause(): BrokerRefusal {
    return new BrokerRefusal(this.#error ? describeAmqpError(this.#error) : 'the RabbitMQ channel closed before the broker confirmed the message');
  }
}

class RabbitPublisher implements Publisher {
  #connection: ChannelModel;
  #idle: Slot[] = [];
  #channels = 0;
  #waiting: Array<(slot: Slot | Error) => void> = [];
  #lost: Error | null = null;
  #closing = false;
  #blockedReason: string | null = null;

  constructor(connection: ChannelModel, url: BrokerUrl) {
    this.#connection = connection;
    connection.on('error', (error: Error) => {
      this.#lost = error;
    });
    connection.on('close', (error?: Error) => {
      this.#lost ??= error ?? new Error(`the connection to ${url.display} closed`);
      for (const wake of this.#waiting.splice(0)) wake(this.#lost);
    });
    // A blocked connection (a broker alarm) would hold publishes until their timeout: say why.
    connection.on('blocked', (reason: string) => {
      this.#blockedReason = reason;
    });
    connection.on('unblocked', () => {
      this.#blockedReason = null;
    });
  }

  get stalledReason(): string | null {
    return this.#blockedReason === null ? null : `RabbitMQ is blocking publishers: ${this.#blockedReason}`;
  }

  get usable(): boolean {
    return this.#lost === null && !this.#closing;
  }

  async publish(message: OutgoingMessage, signal: AbortSignal): Promise<Receipt> {
    const { destination } = message;
    if (destination.kind !== 'RABBITMQ') throw new TypeError(`a ${destination.kind} destination sent to RabbitMQ`);
    const routingKey = routingKeyFor(destination, message.eventType);
    const slot = await this.#acquire(signal);
    let reuse = false;
    try {
      const receipt = await new Promise<Receipt>((resolve, reject) => {
        const pending: Pending = { returned: null, fail: reject };
        slot.current = pending;
        const onAbort = () => reject(signal.reason);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        const timestamp = Number(message.headers['webhook-timestamp']);
        try {
          slot.channel.publish(
            destination.exchange,
            routingKey,
            message.body,
            {
              mandatory: true,
              persistent: true,
              headers: { ...message.headers },
              messageId: message.headers['webhook-id'],
              contentType: message.headers['content-type'],
              type: message.eventType,
              ...(Number.isSafeInteger(timestamp) ? { timestamp } : {}),
            },
            (error: unknown) => {
              signal.removeEventListener('abort', onAbort);
              const where = `exchange "${destination.exchange}" with routing key "${routingKey}"`;
              // amqplib calls back 'message nacked' for a basic.nack, 'channel closed' when the server closed it.
              const nacked = error instanceof Error && error.message === 'message nacked';
              if (error) reject(nacked ? new BrokerRefusal(`RabbitMQ refused the message (nack) on ${where}`) : slot.closedBecause());
              else if (pending.returned) {
                const { replyCode, replyText } = pending.returned.fields as unknown as { replyCode: number; replyText: string };
                reject(new BrokerRefusal(`unroutable: no queue is bound to ${where} (${replyCode} ${replyText})`));
              } else resolve({ broker: 'RABBITMQ', exchange: destination.exchange, routingKey, confirmed: true });
            },
          );
        } catch (error) {
          // amqplib throws at once for a closed channel or headers too large to encode.
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? new BrokerRefusal(error.message) : error);
        }
      });
      reuse = true;
      return receipt;
    } finally {
      // An abandoned or refused publish leaves its channel in doubt (a late confirm, a 404 close):
      // it is closed rather than reused, and a new one is cheap.
      slot.current = null;
      this.#release(slot, reuse);
    }
  }

  async #acquire(signal: AbortSignal): Promise<Slot> {
    if (this.#lost) throw this.#lost;
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#channels < MAX_CHANNELS) {
      this.#channels++;
      try {
        return new Slot(await this.#connection.createConfirmChannel());
      } catch (error) {
        this.#channels--;
        throw error;
      }
    }
    return new Promise<Slot>((resolve, reject) => {
      const wake = (slot: Slot | Error) => {
        signal.removeEventListener('abort', onAbort);
        if (slot instanceof Error) reject(slot);
        else resolve(slot);
      };
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((w) => w !== wake);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(wake);
    });
  }

  #release(slot: Slot, reuse: boolean): void {
    if (!reuse || !slot.open || !this.usable) {
      this.#channels--;
      if (slot.open) slot.channel.close().catch(() => {});
      // A freed place: a waiter opens its own channel.
      const wake = this.#waiting.shift();
      if (wake) {
        this.#channels++;
        this.#connection.createConfirmChannel().then(
          (channel) => wake(new Slot(channel)),
          (error: Error) => {
            this.#channels--;
            wake(error);
          },
        );
      }
      return;
    }
    const wake = this.#waiting.shift();
    if (wake) wake(slot);
    else this.#idle.push(slot);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const wake of this.#waiting.splice(0)) wake(new Error('the RabbitMQ connection is closing'));
    if (this.#lost) return;
    await this.#connection.close().catch(() => {});
  }
}
