// The port each broker adapter fills: one open connection that publishes one prepared attempt at a
// time and says whether the broker took it. The pool (pool.ts) turns that into a SendResult.

import type { BrokerAddress } from './address.ts';
import type { BrokerDestination } from './destination.ts';
import type { BrokerUrl } from './url.ts';

/** One prepared attempt, as every broker carries it: the exact body and headers an HTTP POST has. */
export interface OutgoingMessage {
  destination: BrokerDestination;
  eventType: string;
  /** Where the broker de-duplicates (a JetStream Nats-Msg-Id): retries of one delivery are stored once. */
  deliveryId: string | null;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

/** What the broker said when it took a message: stored as the attempt's response body. */
export type Receipt = Readonly<Record<string, string | number | boolean>>;

/** The broker answered and did not take the message (unroutable, nacked, no stream, access refused…). */
export class BrokerRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerRefusal';
  }
}

export interface Publisher {
  /**
   * Resolves once the broker has taken the message (confirm, ack, XADD reply); rejects with a
   * BrokerRefusal when it answered no, or any other error when the connection failed. When `signal`
   * aborts (the attempt timed out), whatever was waiting is abandoned and a late answer ignored.
   */
  publish(message: OutgoingMessage, signal: AbortSignal): Promise<Receipt>;
  /** False once the connection is gone: the pool opens a new one for the next attempt. */
  readonly usable: boolean;
  /** Why publishes wait, when the broker said so (a RabbitMQ resource alarm): added to a timeout's error. */
  readonly stalledReason?: string | null;
  close(): Promise<void>;
}

export interface OpenRequest {
  url: BrokerUrl;
  address: BrokerAddress;
  connectTimeoutMs: number;
  /** Shown by the broker (RabbitMQ's management UI, NATS connz, Redis CLIENT LIST). */
  connectionName: string;
  /** Certificate authorities to trust for amqps://, tls:// and rediss:// instead of Node's (a private CA, tests). */
  ca?: string;
}

export type OpenPublisher = (request: OpenRequest) => Promise<Publisher>;

/** A rejection for an aborted signal, so every adapter abandons a wait the same way. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** An error's code and message; Node's AggregateError (both address families refused) has only its parts. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as Error & { code?: unknown }).code;
  const parts = error instanceof AggregateError ? error.errors.map(describe) : [];
  const message = error.message || [...new Set(parts)].join('; ') || error.name;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
