// Where an endpoint's attempts go, and which `send` serves each kind of destination: the one
// place a broker publish (brokers/pool.ts BrokerPool.send: RabbitMQ, NATS, a Redis stream) plugs
// in beside the HTTP POST, as a kind of Destination and a case below. Every send returns the same
// SendResult, so classification, retries, lanes and recording never ask which kind it was.
import type { Dispatcher } from 'undici';
import type { Send } from './attempt.ts';
import { send } from './send.ts';

export type Destination = { kind: 'http'; url: string; timeoutMs: number };

/** What the sends need of the process (a broker's connection pools join the dispatcher here). */
export interface SendDeps {
  dispatcher: Dispatcher;
}

export function sendFor(destination: Destination, deps: SendDeps): Send {
  switch (destination.kind) {
    case 'http':
      return (prepared) => send(deps.dispatcher, { url: destination.url, headers: prepared.headers, body: prepared.body, timeoutMs: destination.timeoutMs });
  }
}
