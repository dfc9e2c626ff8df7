// Starts the consumer of one broker source: its URL checked (kind, SSRF) and the right session
// for its kind under the one supervisor. What the source runner calls, one per broker source.

import type { Logger } from '../../log.ts';
import { brokerAddress } from '../../delivery/brokers/address.ts';
import { BrokerRefusal, describe, type OpenRequest } from '../../delivery/brokers/publisher.ts';
import { parseBrokerUrl, scrub } from '../../delivery/brokers/url.ts';
import { BlockedAddressError, type Resolve } from '../../delivery/ssrf.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_COMMITS_IN_FLIGHT, startConsumer, type BackoffOptions, type ConsumerSession, type OpenSession } from './consumer.ts';
import { openNatsSession, type NatsSourceConfig } from './nats.ts';
import { openRabbitSession, type RabbitSourceConfig } from './rabbitmq.ts';
import { openRedisSession, type RedisSourceConfig } from './redis.ts';
import type { BrokerConsumer, Commit } from './types.ts';

export type BrokerSourceConfig =
  | ({ kind: 'RABBITMQ'; url: string } & RabbitSourceConfig)
  | ({ kind: 'NATS'; url: string } & NatsSourceConfig)
  | ({ kind: 'REDIS_STREAM'; url: string } & RedisSourceConfig);

export interface BrokerConsumerDeps {
  commit: Commit;
  /** HOOKWIRE_ALLOW_PRIVATE_NETWORKS: when false, the broker host must resolve to a public address. */
  allowPrivateNetworks: boolean;
  resolve?: Resolve;
  logger?: Logger;
  backoff?: BackoffOptions;
  lagIntervalMs?: number;
  /** Batches committing at once per consumer (DEFAULT_COMMITS_IN_FLIGHT). */
  commitsInFlight?: number;
  connectTimeoutMs?: number;
  /** How the broker lists the connection; name the source in it. */
  connectionName?: string;
  /** Certificate authorities to trust for the TLS schemes instead of Node's. */
  ca?: string;
}

/**
 * Starts consuming at once and keeps at it (reconnecting with backoff) until stop(). Throws a
 * BrokerUrlError for a URL that is not one of `config.kind`'s.
 */
export function startBrokerConsumer(given: BrokerSourceConfig, deps: BrokerConsumerDeps): BrokerConsumer {
  const url = parseBrokerUrl(given.url, given.kind);
  const commitsInFlight = deps.commitsInFlight ?? DEFAULT_COMMITS_IN_FLIGHT;
  // The broker sends ahead what the batches in flight hold and one more, so the next one is ready
  // when a commit ends. (Redis has no prefetch: each read asks for one batch.)
  const config: BrokerSourceConfig =
    given.kind === 'REDIS_STREAM' ? given : { ...given, prefetch: given.prefetch ?? (given.batchSize ?? DEFAULT_BATCH_SIZE) * (commitsInFlight + 1) };
  const request = async (): Promise<OpenRequest> => ({
    url,
    // Resolved and checked again on every reconnect: the name may point elsewhere by then.
    address: await brokerAddress(url, { allowPrivateNetworks: deps.allowPrivateNetworks, resolve: deps.resolve }),
    connectTimeoutMs: deps.connectTimeoutMs ?? 10_000,
    connectionName: deps.connectionName ?? 'hookwire-source',
    ca: deps.ca,
  });
  let open: OpenSession;
  switch (config.kind) {
    case 'RABBITMQ':
      open = async () => (await openRabbitSession(await request(), config)) as ConsumerSession;
      break;
    case 'NATS':
      open = async () => (await openNatsSession(await request(), config)) as ConsumerSession;
      break;
    case 'REDIS_STREAM':
      open = async () => (await openRedisSession(await request(), config)) as ConsumerSession;
      break;
  }
  return startConsumer(open, {
    display: url.display,
    commit: deps.commit,
    logger: deps.logger,
    backoff: deps.backoff,
    lagIntervalMs: deps.lagIntervalMs,
    commitsInFlight,
    describeError: (error) => scrub(error instanceof BrokerRefusal || error instanceof BlockedAddressError ? error.message : describe(error), url),
  });
}

export type { BrokerConsumer, Commit, CommitVerdict, ConsumerState, SourceMessage } from './types.ts';
