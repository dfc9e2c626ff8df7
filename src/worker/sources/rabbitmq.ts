// RabbitMQ source: consumes an existing queue with a prefetch window, acknowledges after commit,
// and moves poison to a dead-letter exchange it declares, `<queue>.dead`, with the reason.

import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { amqpConnectArgs, describeAmqpError } from '../../delivery/brokers/rabbitmq.ts';
import type { OpenRequest } from '../../delivery/brokers/publisher.ts';
import { Batcher } from './batcher.ts';
import { DEFAULT_BATCH_SIZE, type ConsumerSession, type Delivered } from './consumer.ts';
import type { CommitVerdict } from './types.ts';

export interface RabbitSourceConfig {
  /** The queue consumed. It must exist: its arguments (durability, TTLs, limits) are the user's. */
  queue: string;
  /** Unacknowledged messages the broker may send ahead; 2 × batchSize unless given (startBrokerConsumer gives one per batch in flight and one more). */
  prefetch?: number;
  batchSize?: number;
  lingerMs?: number;
  /**
   * Where poison goes: a durable fanout exchange (declared if missing) bound to a durable queue of
   * the same name. `<queue>.dead` by default.
   */
  deadLetterExchange?: string;
}

/** The header that carries why a dead-lettered message can never become an event. */
export const DEAD_REASON_HEADER = 'x-hookwire-dead-reason';

export function deadLetterExchangeFor(config: RabbitSourceConfig): string {
  return config.deadLetterExchange ?? `${config.queue}.dead`;
}

export async function openRabbitSession(request: OpenRequest, config: RabbitSourceConfig): Promise<ConsumerSession<ConsumeMessage>> {
  const connection = await amqp.connect(...amqpConnectArgs(request));
  try {
    return await RabbitSession.start(connection, config);
  } catch (error) {
    await connection.close().catch(() => {});
    throw new Error(describeAmqpError(error));
  }
}

/** AMQP header values are typed (strings, numbers, buffers, tables): each becomes a string. */
function headerText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function decode(message: ConsumeMessage): Delivered<ConsumeMessage> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.properties.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = headerText(value);
  }
  const messageId = message.properties.messageId;
  return {
    message: { body: message.content, messageId: typeof messageId === 'string' && messageId !== '' ? messageId : null, headers },
    handle: message,
  };
}

class RabbitSession implements ConsumerSession<ConsumeMessage> {
  readonly #connection: ChannelModel;
  readonly #channel: Channel;
  readonly #deadLetters: ConfirmChannel;
  readonly #config: RabbitSourceConfig;
  readonly #batcher = new Batcher<Delivered<ConsumeMessage>>();
  readonly #batchSize: number;

  static async start(connection: ChannelModel, config: RabbitSourceConfig): Promise<RabbitSession> {
    const channel = await connection.createChannel();
    const deadLetters = await connection.createConfirmChannel();
    const session = new RabbitSession(connection, channel, deadLetters, config);
    // Passive: a missing queue is an error to show, not one to create with arguments the user did not choose.
    await channel.checkQueue(config.queue);
    const dlx = deadLetterExchangeFor(config);
    await deadLetters.assertExchange(dlx, 'fanout', { durable: true });
    await deadLetters.assertQueue(dlx, { durable: true });
    await deadLetters.bindQueue(dlx, dlx, '');
    await channel.prefetch(config.prefetch ?? session.#batchSize * 2);
    await channel.consume(config.queue, (message) => {
      // null: the broker cancelled the consumer (the queue was deleted).
      if (message === null) session.#batcher.fail(new Error(`RabbitMQ cancelled the consumer of queue "${config.queue}" (deleted?)`));
      else session.#batcher.push(decode(message));
    });
    return session;
  }

  constructor(connection: ChannelModel, channel: Channel, deadLetters: ConfirmChannel, config: RabbitSourceConfig) {
    this.#connection = connection;
    this.#channel = channel;
    this.#deadLetters = deadLetters;
    this.#config = config;
    this.#batchSize = config.batchSize ?? DEFAULT_BATCH_SIZE;
    const lost = (error?: Error) => this.#batcher.fail(new Error(error ? describeAmqpError(error) : 'the RabbitMQ connection closed'));
    // Listeners on every emitter: amqplib re-emits an unheard channel error on the connection.
    connection.on('error', lost);
    connection.on('close', lost);
    for (const ch of [channel, deadLetters]) {
      ch.on('error', lost);
      ch.on('close', () => lost());
    }
  }

  next(signal: AbortSignal): Promise<Delivered<ConsumeMessage>[] | null> {
    return this.#batcher.next(this.#batchSize, this.#config.lingerMs ?? 10, signal);
  }

  async settle(batch: Delivered<ConsumeMessage>[], verdicts: CommitVerdict[]): Promise<void> {
    if (verdicts.every((v) => 'ok' in v)) {
      // Delivery tags rise on a channel and every earlier one is settled already: one frame acks the batch.
      this.#channel.ack(batch[batch.length - 1]!.handle, true);
      return;
    }
    const dlx = deadLetterExchangeFor(this.#config);
    await Promise.all(
      batch.map(async ({ handle }, i) => {
        const verdict = verdicts[i]!;
        if ('poison' in verdict) {
          // Acknowledged only once the dead-letter queue has it: a crash in between redelivers, never loses.
          await new Promise<void>((resolve, reject) => {
            this.#deadLetters.publish(
              dlx,
              handle.fields.routingKey,
              handle.content,
              {
                ...handle.properties,
                persistent: true,
                headers: { ...handle.properties.headers, [DEAD_REASON_HEADER]: verdict.poison, 'x-hookwire-source-queue': this.#config.queue },
              },
              (error: unknown) => (error ? reject(new Error(`the dead-letter exchange "${dlx}" refused the message`)) : resolve()),
            );
          });
        }
        this.#channel.ack(handle);
      }),
    );
  }

  async release(batch: Delivered<ConsumeMessage>[]): Promise<void> {
    for (const { handle } of batch) this.#channel.nack(handle, false, true);
  }

  async lag(): Promise<number | null> {
    return (await this.#channel.checkQueue(this.#config.queue)).messageCount;
  }

  async close(): Promise<void> {
    this.#batcher.fail(new Error('closed'));
    await this.#connection.close().catch(() => {});
  }
}
