// The one shape every broker source has inside Hookwire: decoded messages handed to a commit
// callback in batches, a verdict per message, and a state the API can show.

/** One broker message, decoded the same way whichever broker it came from. */
export interface SourceMessage {
  /** The message's bytes as the producer wrote them. */
  body: Buffer;
  /**
   * A stable id for de-duplication, the same on every redelivery: the AMQP message-id property
   * (null when the producer set none), the Nats-Msg-Id header or else `<stream>:<sequence>`,
   * the Redis entry id as `<stream>:<id>`.
   */
  messageId: string | null;
  /** The broker's message headers (AMQP headers, NATS headers, a Redis entry's other fields), names lower-cased. */
  headers: Record<string, string>;
}

/** What became of one message: committed (or a duplicate of a committed one), or never valid. */
export type CommitVerdict = { ok: true } | { poison: string };

/**
 * Commits one batch (publishEvents), answering a verdict per message in the batch's order. A
 * rejection means nothing was committed: nothing is acknowledged and the batch comes back later.
 */
export type Commit = (batch: SourceMessage[]) => Promise<CommitVerdict[]>;

export type ConsumerStatus = 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface ConsumerState {
  status: ConsumerStatus;
  /**
   * Messages waiting in the broker, where it tells: the RabbitMQ queue's ready messages, the
   * JetStream consumer's num_pending, the Redis group's lag. Null until known.
   */
  lag: number | null;
  /** The last fault (broker, connection or commit), credentials masked; kept after recovery. */
  lastError: string | null;
  lastErrorAt: Date | null;
  connectedAt: Date | null;
  /** Messages acknowledged after commit, and dead-lettered, since the consumer started. */
  acknowledged: number;
  deadLettered: number;
}

export interface BrokerConsumer {
  /** A snapshot. */
  state(): ConsumerState;
  /** Lets a commit under way finish and be acknowledged, then disconnects. Idempotent. */
  stop(): Promise<void>;
}
