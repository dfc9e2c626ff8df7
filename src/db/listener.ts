// One LISTEN connection per process for every channel it needs (subscriptions' notices in API
// processes, woken lanes and endpoint status changes in workers). Each notification becomes a
// CustomEvent named after its channel, detail = the raw payload; 'connected' fires after every
// (re)connection, since notifications sent while disconnected are lost and listeners may need to
// look again. Reconnects by itself after the database restarts.
import pg from 'pg';
import type { Logger } from '../log.ts';

export class PgListener extends EventTarget {
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly databaseUrl: string;
  private readonly channels: readonly string[];
  private readonly logger: Logger;

  constructor(databaseUrl: string, channels: readonly string[], logger: Logger) {
    super();
    this.databaseUrl = databaseUrl;
    this.channels = [...new Set(channels)];
    this.logger = logger;
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      this.dispatchEvent(new CustomEvent(message.channel, { detail: message.payload ?? '' }));
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    for (const channel of this.channels) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    this.client = client;
    this.dispatchEvent(new Event('connected'));
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.end().catch(() => {});
    this.logger.warn(`notification listener lost its database connection (${error.message}); reconnecting`);
    this.reconnect(500);
  }

  private reconnect(delayMs: number): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.start().then(
        () => this.logger.info('notification listener reconnected'),
        () => this.reconnect(Math.min(delayMs * 2, 10_000)),
      );
    }, delayMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}
