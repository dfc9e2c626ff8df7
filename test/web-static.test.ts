// How the API process serves the dashboard's build: content types, index.html for client routes,
// cache headers, gzip, the page's security headers, and nothing outside the build folder.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createWebApp } from '../src/server/web.ts';

let root: string;
let server: Server;
let base: string;

beforeAll(async () => {
  const parent = await mkdtemp(join(tmpdir(), 'hookwire-web-'));
  root = join(parent, 'dist');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Hookwire</title>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  await writeFile(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // Beside the build, where no request may reach.
  await writeFile(join(parent, 'secret.txt'), 'do not serve');
  const web = createWebApp(root);
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    void web.serve(req, res, path).then((served) => served || res.writeHead(405).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(join(root, '..'), { recursive: true, force: true });
});

/** A GET of the path exactly as written (a URL object would resolve the dots away). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: Number(new URL(base).port), path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const get = (path: string, headers: Record<string, string> = {}) => request(`${base}${path}`, { headers });

describe('the dashboard build, served at /', () => {
  it('serves index.html at / with no-cache and the page’s security headers', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(await response.body.text()).toContain('<title>Hookwire</title>');
  });

  it('answers client routes with index.html', async () => {
    const response = await get('/endpoints/ep_123/messages?delivery=dlv_1');
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toContain('<title>Hookwire</title>');
  });

  it('serves hashed assets with their type, cached for good, gzipped when asked', async () => {
    const plain = await get('/assets/index-abc123.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    await plain.body.text();

    const gzipped = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(Number(gzipped.headers['content-length'])).toBeLessThan(4000);
    await gzipped.body.arrayBuffer();

    const svg = await get('/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
    await svg.body.text();
  });

  it('answers a missing file with 404, not the page', async () => {
    for (const path of ['/assets/index-old999.js', '/robots.txt']) {
      const response = await get(path);
      expect(response.statusCode, path).toBe(404);
      await response.body.text();
    }
  });

  it('never reads outside the build folder', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets%5c..%5c..%5csecret.txt']) {
      const { status, body } = await rawGet(path);
      expect(body, path).not.toContain('do not serve');
      expect([400, 404], path).toContain(status);
    }
  });

  it('leaves other methods to the API', async () => {
    const response = await request(`${base}/`, { method: 'POST', body: '' });
    expect(response.statusCode).toBe(405);
    await response.body.text();
  });
});
