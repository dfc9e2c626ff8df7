// The dashboard's built files (web/dist, made by `npm run build:web`), served by the API process at
// `/`. Only files found under the build folder are served, from a table made once, so no request
// path can reach outside it; any other GET path (a client route such as /endpoints/ep_…) gets
// index.html, which routes in the browser.
import { readdir, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

// The page holds an API key: it may load nothing from elsewhere, be framed by no one, and send no
// Referer. connect-src 'self' covers graphql-ws on the same origin (ws: and wss: included).
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The portal (issue 17) is the same page, opened by a customer from a platform's own app, often in
 * an iframe: framed by the origins of HOOKWIRE_PORTAL_FRAME_ANCESTORS (default 'self') only, and
 * showing the platform's logo (https: images).
 */
export function portalPageHeaders(frameAncestors: string): Record<string, string> {
  return {
    'content-security-policy': `default-src 'self'; connect-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; frame-ancestors ${frameAncestors}; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

const isPortalPath = (path: string) => path === '/portal' || path.startsWith('/portal/');

interface WebFile {
  body: Buffer;
  gzipped: Buffer | null;
  type: string;
  /** Vite names the files under assets/ by content hash: they never change, so caches keep them. */
  immutable: boolean;
}

export interface WebApp {
  /** Answers GET/HEAD for the dashboard and returns true; false for other methods. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function loadFiles(root: string): Promise<Map<string, WebFile> | null> {
  const index = await stat(join(root, 'index.html')).catch(() => null);
  if (!index?.isFile()) return null;
  const files = new Map<string, WebFile>();
  for (const file of await listFiles(root)) {
    const urlPath = '/' + relative(root, file).split(sep).join('/');
    const body = await readFile(file);
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
    files.set(urlPath, { body, gzipped: compressible ? gzipSync(body) : null, type, immutable: urlPath.startsWith('/assets/') });
  }
  return files;
}

export function createWebApp(root: string = WEB_DIST, options: { portalFrameAncestors?: string } = {}): WebApp {
  const portalHeaders = portalPageHeaders(options.portalFrameAncestors ?? "'self'");
  // Read once; a build that was missing at start is looked for again on the next request.
  let files: Promise<Map<string, WebFile> | null> | null = null;
  const table = async () => {
    files ??= loadFiles(root);
    const loaded = await files;
    if (!loaded) files = null;
    return loaded;
  };

  return {
    async serve(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      // Nothing outside the table is ever read, but a path that tries to climb out is refused plainly.
      if (/(^|\/)\.\.(\/|$)|\0|\\|%2e%2e|%00|%5c/i.test(path)) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('bad path\n');
        return true;
      }
      const loaded = await table();
      if (!loaded) {
        res
          .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
          .end('The dashboard is not built. Run `npm run build:web` (npm install does it), or use GraphiQL at /graphql.\n');
        return true;
      }
      const asset = loaded.get(path);
      // A missing file under assets/ is a real 404 (a stale page asking for an old hash), not a route.
      if (!asset && (path.startsWith('/assets/') || extname(path) !== '')) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('not found\n');
        return true;
      }
      const file = asset ?? loaded.get('/index.html')!;
      const gzip = file.gzipped !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? file.gzipped! : file.body;
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': body.length,
        'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        ...(file.type.startsWith('text/html') ? (isPortalPath(path) ? portalHeaders : PAGE_HEADERS) : { 'x-content-type-options': 'nosniff' }),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
