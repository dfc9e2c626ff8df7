// Redis stream destination: one connection per broker URL, XADD of an entry with a `body` field and
// one field per header; the entry id Redis answers is the success.

import { createClient, ErrorReply, type RedisClientOptions } from '@redis/client';
import { abortable, BrokerRefusal, type OpenRequest, type OutgoingMessage, type Publisher, type Receipt } from './publisher.ts';

/** The entry field that holds the body; a header of that name cannot travel beside it. */
export const BODY_FIELD = 'body';

/** node-redis options for a checked URL and address: shared by the destination and the source. */
export function redisClientOptions(request: OpenRequest): RedisClientOptions {
  const { url, address } = request;
  return {
    socket: {
      host: address.host,
      port: address.port,
      connectTimeout: request.connectTimeoutMs,
      // Reconnecting is the pool's and the source supervisor's job, so a lost connection shows as one.
      reconnectStrategy: false,
      noDelay: true,
      keepAlive: true,
      ...(url.tls ? { tls: true as const, servername: address.servername, ...(request.ca ? { ca: request.ca } : {}) } : {}),
    } as RedisClientOptions['socket'],
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    database: url.database ?? 0,
    // CLIENT SETNAME refuses spaces and special characters.
    name: request.connectionName.replace(/[^A-Za-z0-9_.:-]/g, '-'),
    // A command sent while disconnected fails at once instead of waiting in memory for a reconnect.
    disableOfflineQueue: true,
    // Timeouts are the attempt's (the signal), not node-redis's 5-second default.
    commandOptions: { timeout: 0 },
  };
}

/** What a Redis failure means: an error reply is the server's refusal; anything else is the connection's. */
export function describeRedisError(error: unknown): Error {
  if (error instanceof ErrorReply) return new BrokerRefusal(`Redis refused: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

export async function openRedisPublisher(request: OpenRequest): Promise<Publisher> {
  const client = createClient(redisClientOptions(request));
  const publisher = new RedisPublisher(client);
  await client.connect();
  return publisher;
}

type Client = ReturnType<typeof createClient>;

class RedisPublisher implements Publisher {
  #client: Client;
  #lost = false;

  constructor(client: Client) {
    this.#client = client;
    // Without a listener node-redis would throw a socket error as an uncaught exception.
    client.on('error', () => {
      this.#lost = true;
    });
    client.on('end', () => {
      this.#lost = true;
    });
  }

  get usable(): boolean {
    return !this.#lost && this.#client.isReady;
  }

  async publish(message: OutgoingMessage, signal: AbortSignal): Promise<Receipt> {
    const { destination } = message;
    if (destination.kind !== 'REDIS_STREAM') throw new TypeError(`a ${destination.kind} destination sent to Redis`);
    const fields: Record<string, string | Buffer> = { [BODY_FIELD]: message.body };
    for (const [name, value] of Object.entries(message.headers)) if (name !== BODY_FIELD) fields[name] = value;
    try {
      const id = await abortable(this.#client.xAdd(destination.stream, '*', fields), signal);
      return { broker: 'REDIS_STREAM', stream: destination.stream, id };
    } catch (error) {
      // Abandoned at the timeout: the late reply still arrives in order and is ignored.
      if (signal.aborted) throw error;
      throw describeRedisError(error);
    }
  }

  async close(): Promise<void> {
    if (this.#client.isOpen) await this.#client.close().catch(() => this.#client.destroy());
  }
}
