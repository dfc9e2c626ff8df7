// Riding out a database restart: connection-class errors (refused, reset, terminated by an
// administrator, still starting up) are retried with backoff for a bounded time, so a Postgres
// restart or failover pauses work instead of losing it or crashing the process.
import pg from 'pg';

// 53300: too many connections (a database at its CONNECTION LIMIT, a server at max_connections).
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '53300', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const CONNECTION_ERROR_TEXT =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|connection (is )?closed|Closed connection|is not currently accepting connections|too many connections|encountered a connection error/i;

/** Whether a log line's text tells of a lost or refused database connection (see outage.ts). */
export function mentionsConnectionError(text: string): boolean {
  return CONNECTION_ERROR_TEXT.test(text);
}

export function isConnectionError(error: unknown): boolean {
  const err = error as { code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!err) return false;
  if (typeof err.code === 'string' && CONNECTION_ERROR_CODES.has(err.code)) return true;
  if (typeof err.message === 'string' && CONNECTION_ERROR_TEXT.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== err && isConnectionError(err.cause);
}

export const RECONNECT_WINDOW_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn`, retrying it while it fails with a connection error, for at most `windowMs`. */
export async function retryOnConnectionError<T>(fn: () => Promise<T>, windowMs = RECONNECT_WINDOW_MS): Promise<T> {
  const deadline = Date.now() + windowMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await fn();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}

/** A deadlock (40P01) or serialization failure aborts the statement, not the work: run it again (at most `tries` runs). */
export async function withDeadlockRetry<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      // P2034: Prisma's name for the same (a transaction failed on a write conflict or deadlock).
      if (!['40P01', '40001', 'P2034'].includes(code ?? '') || attempt >= tries || isConnectionError(error)) throw error;
    }
  }
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * A pg.Pool whose connect() waits for the server to come back instead of failing at once.
 * graphile-worker completes and fails jobs through its pool without awaiting every promise; a
 * refused connection there would otherwise leave the job locked for hours, or crash the process.
 */
export class ReconnectingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connected = retryOnConnectionError(() => super.connect());
    if (!callback) return connected;
    connected.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => {}),
    );
  }
}
