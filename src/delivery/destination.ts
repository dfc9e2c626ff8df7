// Where an endpoint's attempts go, and which `send` serves each kind of destination: an HTTP POST
// (send.ts), or a publish to a broker (brokers/pool.ts BrokerPool.send: RabbitMQ, NATS, a Redis
// stream). Every send returns the same SendResult, so classification, retries, lanes and recording
// never ask which kind it was.
import type { Dispatcher } from 'undici';
import type { Send } from './attempt.ts';
import type { BrokerDestination } from './brokers/destination.ts';
import type { BrokerPool } from './brokers/pool.ts';
import { send } from './send.ts';

export type Destination =
  | { kind: 'http'; url: string; timeoutMs: number }
  /** `url` in clear, credentials included: opened from its seal by the worker, never stored so. */
  | { kind: 'broker'; url: string; destination: BrokerDestination; timeoutMs: number };

/** What the sends need of the process: the HTTP client, and the worker's broker connections. */
export interface SendDeps {
  dispatcher: Dispatcher;
  brokers: Pick<BrokerPool, 'send'>;
}

/**
 * `leaseHeld`: whether the lane's lease still holds by the worker's clock; a request is never put
 * on the wire once it does not, nor past its own timeout (a 'not-sent' result instead).
 */
export function sendFor(destination: Destination, deps: SendDeps, leaseHeld?: () => boolean): Send {
  switch (destination.kind) {
    case 'http':
      return (prepared) =>
        send(deps.dispatcher, { url: destination.url, headers: prepared.headers, body: prepared.body, timeoutMs: destination.timeoutMs, leaseHeld });
    case 'broker':
      // The event type routes the message (routing key, {type}): the pool reads it from x-webhook-event.
      return (prepared) =>
        deps.brokers.send({
          url: destination.url,
          destination: destination.destination,
          deliveryId: prepared.deliveryId,
          headers: prepared.headers,
          body: prepared.body,
          timeoutMs: destination.timeoutMs,
          leaseHeld,
        });
  }
}
