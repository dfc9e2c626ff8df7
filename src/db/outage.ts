// A database outage in the log: one warning when it starts and one when it ends, with counts,
// instead of a line per request, attempt, lane or connection that failed meanwhile. Wraps the
// process's logger: a warning or error whose error (or text) is a connection error starts the
// outage (logged) or is counted (not logged); a probe (a fresh connection running SELECT 1, every
// second while the outage lasts) ends it once the database answers again and the errors stopped.
import pg from 'pg';
import type { Logger } from '../log.ts';
import { isConnectionError, mentionsConnectionError } from './reconnect.ts';

export interface OutageLogger extends Logger {
  /** Whether an outage is under way (tests, /readyz). */
  readonly down: boolean;
  /** Stops the probe (the process is stopping). */
  close(): void;
}

interface Outage {
  since: number;
  first: string;
  counted: number;
  /** Counted lines by what logged them (the message up to its first parenthesis or colon). */
  by: Map<string, number>;
  lastErrorAt: number;
}

/** Connects afresh and runs SELECT 1, bounded: the database answers. */
export function databaseProbe(databaseUrl: string, timeoutMs = 2_000): () => Promise<void> {
  return async () => {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => {});
    }
  };
}

/** The process's other connections (broker sources) log their own faults: those are not the database's. */
const NOT_THE_DATABASE = /^broker source\b/;

const isConnectionFault = (message: string, rest: readonly unknown[]) =>
  !NOT_THE_DATABASE.test(message) && (rest.some((value) => value instanceof Error && isConnectionError(value)) || mentionsConnectionError(message));

const source = (message: string) => message.split(/[(:]/, 1)[0]!.trim().slice(0, 80);

export function outageLogger(inner: Logger, probe: () => Promise<void>, options: { everyMs?: number; now?: () => number } = {}): OutageLogger {
  const everyMs = options.everyMs ?? 1_000;
  const now = options.now ?? Date.now;
  let outage: Outage | null = null;
  let timer: NodeJS.Timeout | null = null;
  let probing = false;
  let closed = false;

  const end = (current: Outage) => {
    outage = null;
    if (timer) clearInterval(timer);
    timer = null;
    const summary = [...current.by.entries()].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${n} × ${what}`).join('; ');
    inner.warn(
      `database reachable again after ${((now() - current.since) / 1000).toFixed(1)} s of outage; ` +
        `${current.counted} connection error(s) meanwhile were counted, not logged${summary ? ` (${summary})` : ''}`,
    );
  };

  const check = async () => {
    const current = outage;
    if (!current || probing || closed) return;
    probing = true;
    try {
      await probe();
      // Answered, and nothing failed for a probe interval: the stragglers of the outage are over.
      if (outage === current && now() - current.lastErrorAt >= everyMs) end(current);
    } catch {
      // still down
    } finally {
      probing = false;
    }
  };

  const fault = (level: 'warn' | 'error', message: string, rest: unknown[]) => {
    const at = now();
    if (outage) {
      outage.counted++;
      outage.lastErrorAt = at;
      const what = source(message);
      outage.by.set(what, (outage.by.get(what) ?? 0) + 1);
      return;
    }
    outage = { since: at, first: message, counted: 0, by: new Map(), lastErrorAt: at };
    inner[level === 'error' ? 'warn' : level](
      `database unreachable: ${message}; work waits and is retried, and further connection errors are counted, not logged, until it answers again`,
      ...rest,
    );
    if (!closed) {
      timer = setInterval(() => void check(), everyMs);
      timer.unref();
    }
  };

  return {
    get down() {
      return outage !== null;
    },
    debug: (message, ...rest) => inner.debug(message, ...rest),
    info: (message, ...rest) => inner.info(message, ...rest),
    warn: (message, ...rest) => (isConnectionFault(message, rest) ? fault('warn', message, rest) : inner.warn(message, ...rest)),
    error: (message, ...rest) => (isConnectionFault(message, rest) ? fault('error', message, rest) : inner.error(message, ...rest)),
    close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
