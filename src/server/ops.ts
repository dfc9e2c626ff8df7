// The operational routes every process can serve: /healthz (alive), /readyz (database
// reachable) and /metrics (Prometheus text). The API serves them beside GraphQL; a worker-only
// process serves them alone on HOOKWIRE_METRICS_PORT, so its attempt counters are scraped too.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

/** Answers an operational route and returns true, or returns false for any other path. */
export async function serveOps(req: IncomingMessage, res: ServerResponse, db: Db, metrics: Metrics): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    send(res, 200, 'text/plain', 'ok\n');
    return true;
  }
  if (path === '/readyz') {
    try {
      await db.$queryRaw`SELECT 1`;
      send(res, 200, 'text/plain', 'ready\n');
    } catch (error) {
      send(res, 503, 'text/plain', `database unreachable: ${(error as Error).message}\n`);
    }
    return true;
  }
  if (path === '/metrics') {
    send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
    return true;
  }
  return false;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(options: { db: Db; metrics: Metrics; logger: Logger; host: string; port: number }): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    serveOps(req, res, options.db, options.metrics).then(
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
