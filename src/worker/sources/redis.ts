// Redis stream source: a consumer group read with XREADGROUP in batches, XACK after commit, poison
// moved to `<stream>:dead` with its reason, and the pending entries of a crashed consumer
// reclaimed with XAUTOCLAIM.

import { createClient, ErrorReply, RESP_TYPES } from '@redis/client';
import { BODY_FIELD, redisClientOptions } from '../../delivery/brokers/redis.ts';
import { abortable, type OpenRequest } from '../../delivery/brokers/publisher.ts';
import { DEFAULT_BATCH_SIZE, type ConsumerSession, type Delivered } from './consumer.ts';
import type { CommitVerdict } from './types.ts';

export interface RedisSourceConfig {
  stream: string;
  /** The consumer group: one per source, so every worker shares its position. */
  group: string;
  /** This worker's name in the group (its pending entries are its own). */
  consumer: string;
  batchSize?: number;
  /** How long one XREADGROUP waits for new entries; stop() waits at most this long. 1 s by default. */
  blockMs?: number;
  /** An entry delivered to a consumer this long ago and still not acknowledged is reclaimed; 60 s by default. */
  claimIdleMs?: number;
  /** How often reclaiming is tried; claimIdleMs / 2 by default. */
  claimEveryMs?: number;
}

export function deadStreamFor(stream: string): string {
  return `${stream}:dead`;
}

/** The fields a dead entry carries beside the original ones. */
export const DEAD_REASON_FIELD = 'dead-reason';
export const DEAD_SOURCE_ID_FIELD = 'dead-source-id';

interface EntryHandle {
  id: string;
  fields: Record<string, Buffer>;
}

type StreamEntry = { id: Buffer | string; message: Record<string, Buffer> };

export async function openRedisSession(request: OpenRequest, config: RedisSourceConfig): Promise<ConsumerSession<EntryHandle>> {
  const client = createClient(redisClientOptions(request));
  const lost: { error: Error | null } = { error: null };
  client.on('error', (error: Error) => {
    lost.error ??= error;
  });
  await client.connect();
  try {
    // From the stream's start, as a new JetStream consumer or a queue's backlog would be read.
    await client.xGroupCreate(config.stream, config.group, '0', { MKSTREAM: true });
  } catch (error) {
    if (!(error instanceof ErrorReply && error.message.startsWith('BUSYGROUP'))) {
      client.destroy();
      throw error;
    }
  }
  return new RedisSession(client, config, lost);
}

type Client = ReturnType<typeof createClient>;

class RedisSession implements ConsumerSession<EntryHandle> {
  readonly #client: Client;
  readonly #binary;
  readonly #config: RedisSourceConfig;
  readonly #lost: { error: Error | null };
  /** Our own pending entries are read first (from '0'): after a restart, or a rejected commit. */
  #pendingFrom: string | null = '0';
  #claimCursor = '0-0';
  #nextClaimAt = 0;

  constructor(client: Client, config: RedisSourceConfig, lost: { error: Error | null }) {
    this.#client = client;
    this.#binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    this.#config = config;
    this.#lost = lost;
  }

  #decode(entry: StreamEntry): Delivered<EntryHandle> {
    const id = entry.id.toString();
    const fields = entry.message;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields)) if (name !== BODY_FIELD) headers[name.toLowerCase()] = value.toString('utf8');
    const body = fields[BODY_FIELD];
    return {
      message: { body: body ?? Buffer.alloc(0), messageId: `${this.#config.stream}:${id}`, headers },
      handle: { id, fields },
      ...(body === undefined ? { undecodable: `the entry has no "${BODY_FIELD}" field` } : {}),
    };
  }

  async next(signal: AbortSignal): Promise<Delivered<EntryHandle>[] | null> {
    const count = this.#config.batchSize ?? DEFAULT_BATCH_SIZE;
    const { stream, group, consumer } = this.#config;
    while (!signal.aborted) {
      if (this.#lost.error) throw this.#lost.error;
      if (performance.now() >= this.#nextClaimAt) {
        const claimIdleMs = this.#config.claimIdleMs ?? 60_000;
        const claimed = await this.#binary.xAutoClaim(stream, group, consumer, claimIdleMs, this.#claimCursor, { COUNT: count });
        this.#claimCursor = claimed.nextId.toString();
        // A full pass of the pending list: wait before the next one.
        if (this.#claimCursor === '0-0') this.#nextClaimAt = performance.now() + (this.#config.claimEveryMs ?? claimIdleMs / 2);
        const entries = (claimed.messages as Array<StreamEntry | null>).filter((m): m is StreamEntry => m !== null);
        if (entries.length > 0) return entries.map((e) => this.#decode(e));
      }
      const from = this.#pendingFrom;
      const read = this.#binary.xReadGroup(group, consumer, { key: stream, id: from ?? '>' }, { COUNT: count, ...(from === null ? { BLOCK: this.#config.blockMs ?? 1_000 } : {}) });
      // Stopping does not wait for the block to end; close() then drops the connection.
      const reply = await abortable(read, signal).catch((error: unknown) => {
        if (signal.aborted) return null;
        throw error;
      });
      if (signal.aborted) return null;
      const entries = (reply?.[0]?.messages ?? []) as StreamEntry[];
      if (from !== null) {
        // Our own pending list, page by page, until it is empty; then new entries.
        this.#pendingFrom = entries.length === 0 ? null : entries[entries.length - 1]!.id.toString();
      }
      if (entries.length > 0) return entries.map((e) => this.#decode(e));
    }
    return null;
  }

  async settle(batch: Delivered<EntryHandle>[], verdicts: CommitVerdict[]): Promise<void> {
    const { stream, group } = this.#config;
    const multi = this.#client.multi();
    const ok: string[] = [];
    batch.forEach(({ handle }, i) => {
      const verdict = verdicts[i]!;
      if ('poison' in verdict) {
        // In the same transaction as its XACK: the entry is either still pending or dead, never lost.
        multi.xAdd(deadStreamFor(stream), '*', { ...handle.fields, [DEAD_REASON_FIELD]: verdict.poison, [DEAD_SOURCE_ID_FIELD]: handle.id });
        multi.xAck(stream, group, handle.id);
      } else ok.push(handle.id);
    });
    if (ok.length > 0) multi.xAck(stream, group, ok);
    await multi.exec();
  }

  async release(): Promise<void> {
    // Still in our pending list: read again from its start.
    this.#pendingFrom = '0';
  }

  async lag(): Promise<number | null> {
    const groups = await this.#client.xInfoGroups(this.#config.stream);
    const mine = groups.find((g) => String(g.name) === this.#config.group);
    const lag = mine?.lag;
    return typeof lag === 'number' ? lag : null;
  }

  async close(): Promise<void> {
    // A blocked XREADGROUP would hold a graceful close for up to blockMs.
    if (this.#client.isOpen) this.#client.destroy();
  }
}
