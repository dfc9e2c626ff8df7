// The operational routes every process can serve: /healthz (alive), /readyz (database
// reachable) and /metrics (Prometheus text). The API serves them beside GraphQL; a worker-only
// process serves them alone on HOOKWIRE_METRICS_PORT, so its attempt counters are scraped too.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../db/client.ts';
import { prismaSql } from '../db/sql.ts';
import { ping } from '../db/sql/ops.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

export interface OpsOptions {
  /** HOOKWIRE_METRICS_TOKEN: when set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
}

function sameSecret(expected: string, presented: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

function metricsAllowed(req: IncomingMessage, token: string | null): boolean {
  if (token === null) return true;
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
  return match !== null && sameSecret(token, match[1]!.trim());
}

/** Answers an operational route and returns true, or returns false for any other path. */
export async function serveOps(req: IncomingMessage, res: ServerResponse, db: Db, metrics: Metrics, options: OpsOptions): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    send(res, 200, 'text/plain', 'ok\n');
    return true;
  }
  if (path === '/readyz') {
    try {
      await ping(prismaSql(db));
      send(res, 200, 'text/plain', 'ready\n');
    } catch {
      // Only this: the driver's message names the database host and port, which is no one's business.
      send(res, 503, 'text/plain', 'database unreachable\n');
    }
    return true;
  }
  if (path === '/metrics') {
    if (!metricsAllowed(req, options.metricsToken)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"', 'cache-control': 'no-store' }).end('unauthorized: send Authorization: Bearer <HOOKWIRE_METRICS_TOKEN>\n');
      return true;
    }
    send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
    return true;
  }
  return false;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(options: { db: Db; metrics: Metrics; logger: Logger; host: string; port: number } & OpsOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    serveOps(req, res, options.db, options.metrics, options).then(
      (served) => served || send(res, 404, 'text/plain', 'not found: this process serves /healthz, /readyz and /metrics\n'),
      (error) => {
        options.logger.error('ops request failed', error);
        if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
