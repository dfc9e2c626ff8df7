// NATS source: a durable JetStream pull consumer on the stream that captures the subject; acks
// after commit, and terminates poison (`term`, with the reason where the server takes one).

import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { natsConnectOptions } from '../../delivery/brokers/nats.ts';
import type { OpenRequest } from '../../delivery/brokers/publisher.ts';
import { Batcher } from './batcher.ts';
import { DEFAULT_BATCH_SIZE, type ConsumerSession, type Delivered } from './consumer.ts';
import type { CommitVerdict } from './types.ts';

export interface NatsSourceConfig {
  /** The subject filter of the durable consumer; a stream must capture it. */
  subject: string;
  /** The durable consumer's name: one per source, so every worker shares its position. */
  durable: string;
  /** Messages the server may push ahead of acks; 2 × batchSize unless given (startBrokerConsumer gives one per batch in flight and one more). */
  prefetch?: number;
  batchSize?: number;
  lingerMs?: number;
  /** How long a delivered message may stay unacknowledged before the server redelivers it; 60 s by default. */
  ackWaitMs?: number;
}

/** `+TERM <reason>` arrived in NATS 2.11; an older server ignores a term that carries one (and redelivers). */
export function termTakesReason(serverVersion: string | undefined): boolean {
  const [major = 0, minor = 0] = (serverVersion ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  return major > 2 || (major === 2 && minor >= 11);
}

export async function openNatsSession(request: OpenRequest, config: NatsSourceConfig): Promise<ConsumerSession<JsMsg>> {
  const connection = await connect(natsConnectOptions(request));
  try {
    return await NatsSession.start(connection, config);
  } catch (error) {
    await connection.close().catch(() => {});
    throw error;
  }
}

function decode(message: JsMsg, stream: string): Delivered<JsMsg> {
  const headers: Record<string, string> = {};
  for (const name of message.headers?.keys() ?? []) headers[name.toLowerCase()] = message.headers!.get(name);
  return {
    message: { body: Buffer.from(message.data), messageId: headers['nats-msg-id'] || `${stream}:${message.seq}`, headers },
    handle: message,
  };
}

class NatsSession implements ConsumerSession<JsMsg> {
  readonly #connection: NatsConnection;
  readonly #consumer: Consumer;
  readonly #config: NatsSourceConfig;
  readonly #batcher = new Batcher<Delivered<JsMsg>>();
  #messages: ConsumerMessages | null = null;
  #closing = false;

  static async start(connection: NatsConnection, config: NatsSourceConfig): Promise<NatsSession> {
    const jsm = await jetstreamManager(connection);
    const stream = await jsm.streams.find(config.subject).catch((error: unknown) => {
      throw new Error(`no JetStream stream captures subject "${config.subject}": ${error instanceof Error ? error.message : String(error)}`);
    });
    const batchSize = config.batchSize ?? DEFAULT_BATCH_SIZE;
    const existing = await jsm.consumers.info(stream, config.durable).catch(() => null);
    if (existing && existing.config.filter_subject !== config.subject) {
      throw new Error(`the durable consumer "${config.durable}" of stream "${stream}" filters "${existing.config.filter_subject ?? '>'}", not "${config.subject}"`);
    }
    if (!existing) {
      await jsm.consumers.add(stream, {
        durable_name: config.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: config.subject,
        ack_wait: (config.ackWaitMs ?? 60_000) * 1_000_000,
        max_ack_pending: Math.max(1_000, (config.prefetch ?? batchSize * 2) * 2),
      });
    }
    const consumer = await jetstream(connection).consumers.get(stream, config.durable);
    const session = new NatsSession(connection, consumer, config);
    session.#messages = await consumer.consume({ max_messages: config.prefetch ?? batchSize * 2 });
    void session.#pump(session.#messages, stream);
    return session;
  }

  constructor(connection: NatsConnection, consumer: Consumer, config: NatsSourceConfig) {
    this.#connection = connection;
    this.#consumer = consumer;
    this.#config = config;
    void connection.closed().then((error) => {
      this.#batcher.fail(error instanceof Error ? error : new Error('the NATS connection closed'));
    });
  }

  async #pump(messages: ConsumerMessages, stream: string): Promise<void> {
    try {
      for await (const message of messages) this.#batcher.push(decode(message, stream));
      if (!this.#closing) this.#batcher.fail(new Error('the JetStream consumer stopped delivering'));
    } catch (error) {
      this.#batcher.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  next(signal: AbortSignal): Promise<Delivered<JsMsg>[] | null> {
    return this.#batcher.next(this.#config.batchSize ?? DEFAULT_BATCH_SIZE, this.#config.lingerMs ?? 10, signal);
  }

  async settle(batch: Delivered<JsMsg>[], verdicts: CommitVerdict[]): Promise<void> {
    const withReason = termTakesReason(this.#connection.info?.version);
    batch.forEach(({ handle }, i) => {
      const verdict = verdicts[i]!;
      // The server then publishes a MSG_TERMINATED advisory ($JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>).
      if ('poison' in verdict) handle.term(withReason ? verdict.poison : undefined);
      else handle.ack();
    });
    // Acks are fire-and-forget: a flush makes sure the server has them before the next batch.
    await this.#connection.flush();
  }

  async release(batch: Delivered<JsMsg>[]): Promise<void> {
    for (const { handle } of batch) handle.nak();
    await this.#connection.flush();
  }

  async lag(): Promise<number | null> {
    return (await this.#consumer.info()).num_pending;
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#batcher.fail(new Error('closed'));
    await this.#messages?.close().catch(() => {});
    if (!this.#connection.isClosed()) await this.#connection.close().catch(() => {});
  }
}
