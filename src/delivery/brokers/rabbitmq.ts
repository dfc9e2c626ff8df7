// RabbitMQ destination: one AMQP connection per broker URL, publishing with publisher confirms and
// `mandatory`, so an attempt succeeds only when the broker confirmed a message it could route.

import amqp, { type ChannelModel, type ConfirmChannel, type Message, type Options } from 'amqplib';
import { routingKeyFor } from './destination.ts';
import { abortable, BrokerRefusal, type OpenRequest, type OutgoingMessage, type Publisher, type Receipt } from './publisher.ts';
import type { BrokerUrl } from './url.ts';

/** How long an exchange found to exist is taken to still exist before it is checked again. */
const EXCHANGE_CHECKED_FOR_MS = 60_000;

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

/**
 * What identifies a returned message among those in flight: the return carries the message's
 * content and properties, not its publish. webhook-signature differs per endpoint (its secret)
 * and per attempt (its timestamp), so two messages in flight never share it; a NO_ROUTE for two
 * identical ones would mean the same for both anyway.
 */
function returnKey(exchange: string, routingKey: string, properties: { headers?: Record<string, unknown>; messageId?: unknown }, length: number): string {
  const signature = properties.headers?.['webhook-signature'];
  return [exchange, routingKey, typeof signature === 'string' ? signature : '', String(properties.messageId ?? ''), length].join('\0');
}

interface InFlight {
  key: string;
  returned: Message | null;
  settle(error: Error | null): void;
}

/**
 * The one confirm channel a connection publishes on, every attempt pipelined on it (a channel per
 * attempt costs half the throughput). Returns and confirms are matched to their publish here.
 */
class PublishChannel {
  readonly channel: ConfirmChannel;
  open = true;
  #inFlight: InFlight[] = [];
  #error: Error | null = null;

  constructor(channel: ConfirmChannel) {
    this.channel = channel;
    // The broker sends basic.return before the basic.ack of the same unroutable message, and
    // routes a channel's messages in publish order: the oldest unreturned match is the one.
    channel.on('return', (message: Message) => {
      const key = returnKey(message.fields.exchange, message.fields.routingKey, message.properties, message.content.length);
      const match = this.#inFlight.find((f) => f.key === key && f.returned === null);
      if (match) match.returned = message;
    });
    // Without a listener amqplib would re-emit a channel error on the connection and crash the worker.
    channel.on('error', (error: Error) => {
      this.#error = error;
    });
    channel.on('close', () => {
      this.open = false;
      const reason = this.closedBecause();
      for (const f of this.#inFlight.splice(0)) f.settle(reason);
    });
  }

  /** Why the channel closed: the server's close (emitted as 'error' just before) says what was wrong. */
  closedBecause(): BrokerRefusal {
    return new BrokerRefusal(this.#error ? describeAmqpError(this.#error) : 'the RabbitMQ channel closed before the broker confirmed the message');
  }

  /** Resolves with the message's return (unroutable) or null once confirmed; rejects on a nack or a closed channel. */
  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<Message | null> {
    return new Promise((resolve, reject) => {
      const entry: InFlight = {
        key: returnKey(exchange, routingKey, options, content.length),
        returned: null,
        settle: (error) => {
          const at = this.#inFlight.indexOf(entry);
          if (at !== -1) this.#inFlight.splice(at, 1);
          if (error) reject(error);
          else resolve(entry.returned);
        },
      };
      this.#inFlight.push(entry);
      try {
        this.channel.publish(exchange, routingKey, content, options, (error: unknown) => {
          // amqplib calls back 'message nacked' for a basic.nack, 'channel closed' when the server closed it.
          if (!error) entry.settle(null);
          else if (error instanceof Error && error.message === 'message nacked') entry.settle(new BrokerRefusal('RabbitMQ refused the message (nack)'));
          else entry.settle(this.closedBecause());
        });
      } catch (error) {
        // amqplib throws at once for a closed channel or headers too large to encode.
        entry.settle(error instanceof Error ? new BrokerRefusal(error.message) : new BrokerRefusal(String(error)));
      }
    });
  }
}

class RabbitPublisher implements Publisher {
  #connection: ChannelModel;
  #channel: Promise<PublishChannel> | null = null;
  /** Exchanges found to exist, until when: publishing to a missing one would close the shared channel. */
  #exchanges = new Map<string, number>();
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
    if (this.#lost) throw this.#lost;
    const { exchange } = destination;
    const routingKey = routingKeyFor(destination, message.eventType);
    await abortable(this.#checkExchange(exchange), signal);
    const channel = await abortable(this.#publishChannel(), signal);
    const timestamp = Number(message.headers['webhook-timestamp']);
    const properties: Options.Publish = {
      mandatory: true,
      persistent: true,
      headers: { ...message.headers },
      messageId: message.headers['webhook-id'],
      contentType: message.headers['content-type'],
      type: message.eventType,
      ...(Number.isSafeInteger(timestamp) ? { timestamp } : {}),
    };
    // Abandoned at the timeout, the publish still settles later on its own and is then forgotten.
    const returned = await abortable(channel.publish(exchange, routingKey, message.body, properties), signal);
    const where = `exchange "${exchange}" with routing key "${routingKey}"`;
    if (returned) {
      const { replyCode, replyText } = returned.fields as unknown as { replyCode: number; replyText: string };
      throw new BrokerRefusal(`unroutable: no queue is bound to ${where} (${replyCode} ${replyText})`);
    }
    return { broker: 'RABBITMQ', exchange, routingKey, confirmed: true };
  }

  #publishChannel(): Promise<PublishChannel> {
    const current = this.#channel;
    if (current) {
      // A channel the server closed (a fault on it) is replaced; the connection goes on.
      return current.then((c) => (c.open ? c : this.#openChannel()), () => this.#openChannel());
    }
    return this.#openChannel();
  }

  #openChannel(): Promise<PublishChannel> {
    const opening = this.#connection.createConfirmChannel().then((channel) => new PublishChannel(channel));
    this.#channel = opening;
    opening.catch(() => {
      if (this.#channel === opening) this.#channel = null;
    });
    return opening;
  }

  /** A passive declare on a channel of its own: a missing exchange closes that one, not the shared one. */
  async #checkExchange(exchange: string): Promise<void> {
    if (exchange === '' || (this.#exchanges.get(exchange) ?? 0) > performance.now()) return;
    const channel = await this.#connection.createChannel();
    let serverError: Error | null = null;
    channel.on('error', (error: Error) => {
      serverError = error;
    });
    try {
      await channel.checkExchange(exchange);
      this.#exchanges.set(exchange, performance.now() + EXCHANGE_CHECKED_FOR_MS);
    } catch (error) {
      throw new BrokerRefusal(describeAmqpError(serverError ?? error));
    } finally {
      await channel.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#lost) return;
    await this.#connection.close().catch(() => {});
  }
}
