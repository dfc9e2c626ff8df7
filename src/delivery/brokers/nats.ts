// NATS destination: one connection per broker URL, publishing to JetStream; the publish ack (the
// stream and sequence that stored the message) is the success.

import net from 'node:net';
import { connect, headers as natsHeaders, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { subjectFor } from './destination.ts';
import { abortable, BrokerRefusal, type OpenRequest, type OutgoingMessage, type Publisher, type Receipt } from './publisher.ts';

/** The contract's ceiling on an endpoint's timeoutMs: the attempt's own timeout (the signal) always comes first. */
const PUB_ACK_TIMEOUT_MS = 30_000;

/** nats.js options for a checked URL and address: shared by the destination and the source. */
export function natsConnectOptions(request: OpenRequest): NodeConnectionOptions {
  const { url, address } = request;
  const host = net.isIPv6(address.host) ? `[${address.host}]` : address.host;
  // A lone user part in a NATS URL is a token.
  const auth = url.username && url.password === null ? { token: url.username } : url.username ? { user: url.username, pass: url.password ?? '' } : {};
  return {
    servers: `${host}:${address.port}`,
    name: request.connectionName,
    timeout: request.connectTimeoutMs,
    // Reconnecting is the pool's and the source supervisor's job, so a lost connection shows as one.
    reconnect: false,
    // The servers a cluster gossips were never checked against the SSRF rule: stay on this one.
    ignoreClusterUpdates: true,
    resolve: false,
    ...auth,
    // Connected by checked address, TLS still verifies the certificate against the URL's name.
    ...(url.tls ? { tls: { ...(address.servername ? { servername: address.servername } : {}), ...(request.ca ? { ca: request.ca } : {}) } as NonNullable<NodeConnectionOptions['tls']> } : {}),
  };
}

/** What a JetStream failure means, in words an operator can act on; other errors are returned as they are. */
export function describeNatsError(error: unknown, subject: string): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const causeName = error.cause instanceof Error ? error.cause.name : '';
  if (error.name === 'NoRespondersError' || causeName === 'NoRespondersError' || error.name === 'JetStreamNotEnabled') {
    return new BrokerRefusal(`no JetStream stream captures subject "${subject}" (no responders)`);
  }
  if (error.name === 'JetStreamApiError' || error.name === 'PermissionViolationError' || error.name === 'AuthorizationError') {
    return new BrokerRefusal(`NATS refused the message: ${error.message}`);
  }
  return error;
}

export async function openNatsPublisher(request: OpenRequest): Promise<Publisher> {
  const connection = await connect(natsConnectOptions(request));
  return new NatsPublisher(connection);
}

class NatsPublisher implements Publisher {
  #connection: NatsConnection;
  #js: JetStreamClient;

  constructor(connection: NatsConnection) {
    this.#connection = connection;
    this.#js = jetstream(connection, { timeout: PUB_ACK_TIMEOUT_MS });
  }

  get usable(): boolean {
    return !this.#connection.isClosed();
  }

  async publish(message: OutgoingMessage, signal: AbortSignal): Promise<Receipt> {
    const { destination } = message;
    if (destination.kind !== 'NATS') throw new TypeError(`a ${destination.kind} destination sent to NATS`);
    const subject = subjectFor(destination, message.eventType);
    // A fresh header set per publish: nats.js adds Nats-Msg-Id to the one it is given.
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(message.headers)) headers.set(name, value);
    try {
      const ack = await abortable(
        this.#js.publish(subject, message.body, {
          headers,
          // The delivery's id: a retry after a lost ack is stored once (JetStream's duplicate window).
          ...(message.deliveryId ? { msgID: message.deliveryId } : {}),
          timeout: PUB_ACK_TIMEOUT_MS,
        }),
        signal,
      );
      return { broker: 'NATS', subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (signal.aborted) throw error;
      throw describeNatsError(error, subject);
    }
  }

  async close(): Promise<void> {
    if (!this.#connection.isClosed()) await this.#connection.close().catch(() => {});
  }
}
