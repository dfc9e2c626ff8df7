// The source runner's statements (worker/sources/runner.ts): the broker sources to consume, and the
// state a worker writes back for the API to show (throttled by the runner, one row at a time).
import { sqlOf, statement, type NoParams, type Runner } from '../sql.ts';

export interface BrokerSourceRow {
  id: string;
  account_id: string;
  kind: 'RABBITMQ' | 'NATS' | 'REDIS_STREAM';
  status: 'ACTIVE' | 'PAUSED' | 'DISCONNECTED';
  /** Sealed, as stored. */
  broker_url: string | null;
  queue: string | null;
  subject: string | null;
  stream: string | null;
}

export const BROKER_SOURCES = statement<NoParams, BrokerSourceRow>(
  'hookwire_broker_sources',
  () => `
    SELECT id, account_id, kind::text AS kind, status::text AS status, broker_url, queue, subject, stream
    FROM source WHERE kind IN ('RABBITMQ', 'NATS', 'REDIS_STREAM') ORDER BY id`,
);

/** Every broker source, paused ones included (the runner stops consuming those). */
export function brokerSources(db: Runner): Promise<BrokerSourceRow[]> {
  return sqlOf(db).query(BROKER_SOURCES, {});
}

export interface SourceStateWrite {
  id: string;
  state: 'CONNECTED' | 'RECONNECTING' | 'ERROR';
  lag: number | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  at: Date;
}

/**
 * The consumer's state on the source row. The status follows it (ACTIVE while connected,
 * DISCONNECTED otherwise) unless the account paused the source, which only the account undoes.
 */
export const WRITE_SOURCE_STATE = statement<SourceStateWrite, Record<string, never>>(
  'hookwire_write_source_state',
  ($) => `
    UPDATE source SET
      broker_state = ${$.state}::source_broker_state,
      lag = ${$.lag}::bigint,
      last_error = ${$.lastError}::text,
      last_error_at = ${$.lastErrorAt}::timestamptz,
      state_at = ${$.at}::timestamptz,
      status = CASE WHEN status = 'PAUSED' THEN status
                    WHEN ${$.state}::source_broker_state = 'CONNECTED' THEN 'ACTIVE'::source_status
                    ELSE 'DISCONNECTED'::source_status END
    WHERE id = ${$.id}`,
);

export async function writeSourceState(db: Runner, write: SourceStateWrite): Promise<void> {
  await sqlOf(db).execute(WRITE_SOURCE_STATE, write);
}
