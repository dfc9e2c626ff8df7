// send() against real HTTP servers on 127.0.0.1: statuses, redirects, timeouts, refusals, body caps, SSRF blocking,
// and requests refused the wire past their deadline.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BODY_BYTES, send } from '../../src/delivery/send.ts';
import { createDispatcher } from '../../src/delivery/ssrf.ts';
import { waitUntil } from '../support/wait.ts';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  connections: number;
  server: http.Server;
}

const receivers: Receiver[] = [];
const dispatchers: Dispatcher[] = [];

/** A real server whose handler runs after the request body has been read and recorded. */
async function receiver(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Receiver> {
  const state: Receiver = { url: '', port: 0, received: [], connections: 0, server: undefined as unknown as http.Server };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    state.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
    handle(req, res);
  });
  server.on('connection', () => state.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.server = server;
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  receivers.push(state);
  return state;
}

function dispatcher(allowPrivateNetworks: boolean): Dispatcher {
  const d = createDispatcher({ allowPrivateNetworks });
  dispatchers.push(d);
  return d;
}

const post = (d: Dispatcher, url: string, timeoutMs = 2000) =>
  send(d, { url, headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: '{"hello":"world"}', timeoutMs });

let open: Dispatcher;
beforeAll(() => {
  open = dispatcher(true);
});

afterAll(async () => {
  for (const r of receivers) {
    r.server.closeAllConnections();
    r.server.close();
  }
  await Promise.all(dispatchers.map((d) => d.destroy()));
});

describe('send', () => {
  it('returns status, headers and body of a 200', async () => {
    const r = await receiver((_req, res) => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-receiver', 'yes');
      res.end('thanks');
    });
    const result = await post(open, `${r.url}/hook`);
    expect(result).toMatchObject({ kind: 'response', status: 200, body: 'thanks', bodyTruncated: false });
    if (result.kind !== 'response') throw new Error('unreachable');
    expect(result.headers['x-receiver']).toBe('yes');
    expect(result.headers['set-cookie']).toBe('a=1, b=2');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.received).toEqual([expect.objectContaining({ method: 'POST', url: '/hook', body: '{"hello":"world"}' })]);
    expect(r.received[0].headers['x-test']).toBe('yes');
  });

  it('reuses the pooled connection for the next attempt', async () => {
    const r = await receiver((_req, res) => res.end('ok'));
    for (let i = 0; i < 4; i++) {
      expect(await post(open, r.url)).toMatchObject({ kind: 'response', status: 200 });
      // undici frees the socket just after the body ends; real attempts are never back to back.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(r.received).toHaveLength(4);
    expect(r.connections).toBe(1);
  });

  it('reports a 500 as a response, not an error', async () => {
    const r = await receiver((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    expect(await post(open, r.url)).toMatchObject({ kind: 'response', status: 500, body: 'boom' });
  });

  it('does not follow a redirect', async () => {
    const r = await receiver((req, res) => {
      if (req.url === '/elsewhere') return void res.end('followed');
      res.writeHead(302, { location: '/elsewhere' }).end();
    });
    const result = await post(open, `${r.url}/hook`);
    expect(result).toMatchObject({ kind: 'response', status: 302, headers: expect.objectContaining({ location: '/elsewhere' }) });
    expect(r.received.map((x) => x.url)).toEqual(['/hook']);
  });

  it('times out when the receiver never answers', async () => {
    const r = await receiver(() => {});
    const started = performance.now();
    const result = await post(open, r.url, 300);
    const wall = performance.now() - started;
    expect(result.kind).toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(wall).toBeLessThan(300 + 700);
  });

  it('times out when the body stalls after the headers', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const started = performance.now();
    const result = await post(open, r.url, 300);
    expect(result.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(300 + 700);
  });

  it('reports a refused connection as a network error', async () => {
    const r = await receiver((_req, res) => res.end());
    r.server.close();
    await once(r.server, 'close');
    const result = await post(open, r.url);
    expect(result.kind).toBe('network');
    expect(result.kind === 'network' && result.error).toMatch(/ECONNREFUSED/);
  });

  it('reports an invalid URL as a network error instead of throwing', async () => {
    expect((await post(open, 'not a url')).kind).toBe('network');
  });

  it('keeps only the first 64 KiB of a 1 MiB body', async () => {
    const r = await receiver((_req, res) => res.end('x'.repeat(1024 * 1024)));
    const result = await post(open, r.url);
    expect(result).toMatchObject({ kind: 'response', status: 200, bodyTruncated: true });
    expect(result.kind === 'response' && result.body.length).toBe(MAX_RESPONSE_BODY_BYTES);
  });

  it('does not mark a body of exactly 64 KiB as truncated', async () => {
    const r = await receiver((_req, res) => res.end('y'.repeat(MAX_RESPONSE_BODY_BYTES)));
    const result = await post(open, r.url);
    expect(result).toMatchObject({ kind: 'response', bodyTruncated: false });
    expect(result.kind === 'response' && result.body.length).toBe(MAX_RESPONSE_BODY_BYTES);
  });

  it('drops a multi-byte character cut at the limit instead of mangling it', async () => {
    const r = await receiver((_req, res) => res.end('a' + '€'.repeat(30_000))); // 1 + 90 000 bytes
    const result = await post(open, r.url);
    if (result.kind !== 'response') throw new Error(`expected a response, got ${result.kind}`);
    expect(result.bodyTruncated).toBe(true);
    expect(result.body).not.toContain('\uFFFD');
    expect(Buffer.byteLength(result.body)).toBe(1 + 3 * Math.floor((MAX_RESPONSE_BODY_BYTES - 1) / 3));
  });

  it('stops reading an endless body', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200);
      let writes = 0;
      const chunk = 'z'.repeat(16 * 1024);
      const timer = setInterval(() => {
        // Bounded, so a broken client cannot keep this test server busy forever.
        if (res.destroyed || ++writes > 2000) return void (clearInterval(timer), res.end());
        res.write(chunk);
      }, 1);
    });
    const started = performance.now();
    const result = await post(open, r.url, 5000);
    expect(result).toMatchObject({ kind: 'response', bodyTruncated: true });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('a request past its deadline before it has a connection', () => {
  /** A receiver whose /slow holds its connection until `release()`; anything else is answered at once. */
  async function slowReceiver() {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const r = await receiver((req, res) => {
      if (req.url === '/slow') void held.then(() => res.end('slow'));
      else res.end('ok');
    });
    return { r, release };
  }

  function onePool(url: string): Pool {
    const pool = new Pool(url, { connections: 1 });
    dispatchers.push(pool);
    return pool;
  }

  const request = (d: Dispatcher, url: string, timeoutMs: number, leaseHeld?: () => boolean) =>
    send(d, { url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs, leaseHeld });

  it('is not sent once the lane lease has run out while it waited for the connection', async () => {
    const { r, release } = await slowReceiver();
    const pool = onePool(r.url);
    const slow = request(pool, `${r.url}/slow`, 5_000);
    await waitUntil('the slow request to hold the connection', () => r.received.length === 1, 5_000, 5);
    // Queued behind it; its own timeout is far away, its lane's lease runs out meanwhile.
    let leaseHeld = true;
    const queued = request(pool, `${r.url}/queued`, 5_000, () => leaseHeld);
    leaseHeld = false;
    release();
    expect(await slow).toMatchObject({ kind: 'response', status: 200 });
    const result = await queued;
    expect(result).toMatchObject({ kind: 'not-sent', error: expect.stringMatching(/lease ran out/) });
    // Nothing of it reached the receiver, and the next request still goes out.
    expect(await request(pool, `${r.url}/after`, 5_000)).toMatchObject({ kind: 'response', status: 200 });
    expect(r.received.map((x) => x.url)).toEqual(['/slow', '/after']);
  });

  // A Pool queues the request in its client; the worker's own dispatcher (createDispatcher's Agent)
  // in its per-origin pool. Either way the receiver got nothing, so no TIMEOUT attempt says it did.
  it.each([
    ['a Pool', (url: string): Dispatcher => onePool(url)],
    ["the worker's Agent", (): Dispatcher => {
      const agent = createDispatcher({ allowPrivateNetworks: true, connections: 1 });
      dispatchers.push(agent);
      return agent;
    }],
  ])('is not sent once its own timeout has run out while it waited in %s', async (_name, oneConnection) => {
    const { r, release } = await slowReceiver();
    const pool = oneConnection(r.url);
    const slow = request(pool, `${r.url}/slow`, 5_000);
    await waitUntil('the slow request to hold the connection', () => r.received.length === 1, 5_000, 5);
    const queued = request(pool, `${r.url}/queued`, 100);
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await slow;
    expect(await queued).toMatchObject({ kind: 'not-sent', error: expect.stringMatching(/within its 100 ms timeout/) });
    expect(await request(pool, `${r.url}/after`, 5_000)).toMatchObject({ kind: 'response', status: 200 });
    expect(r.received.map((x) => x.url)).toEqual(['/slow', '/after']);
  });

  // The run: a process frozen (SIGSTOP) with a request queued for a connection. On waking,
  // the event loop handles the freed socket before the timers that expired meanwhile, so only a
  // check at the moment of writing keeps the request off the wire.
  it('is not sent when the process wakes from a freeze past its timeout', { timeout: 20_000 }, async () => {
    const { r, release } = await slowReceiver();
    const child = spawn(process.execPath, ['test/fixtures/send/queued-behind-slow.ts', r.url, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitUntil('the sender to queue its second request behind the slow one', () => output.includes('queued') && r.received.length === 1, 10_000, 5);
      child.kill('SIGSTOP');
      // The slow answer arrives while it is frozen; it stays frozen past the queued one's timeout.
      release();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      child.kill('SIGCONT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const results = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, { kind: string }>;
    expect(r.received.map((x) => x.url), 'requests the receiver got').toEqual(['/slow']);
    expect(results.slow).toMatchObject({ kind: 'response' });
    expect(results.queued).toMatchObject({ kind: 'not-sent' });
  });
});

describe('send with private networks blocked', () => {
  let guarded: Dispatcher;
  beforeAll(() => {
    guarded = dispatcher(false);
  });

  it.each([
    ['an IP literal', (port: number) => `http://127.0.0.1:${port}/hook`],
    ['a name resolving to loopback', (port: number) => `http://localhost:${port}/hook`],
    ['an IPv6 literal', (port: number) => `http://[::1]:${port}/hook`],
    ['an IPv4-mapped IPv6 literal', (port: number) => `http://[::ffff:127.0.0.1]:${port}/hook`],
  ])('blocks %s before any connection is made', async (_name, url) => {
    const r = await receiver((_req, res) => res.end('should not happen'));
    const result = await post(guarded, url(r.port));
    expect(result.kind).toBe('blocked');
    expect(result.kind === 'blocked' && result.error).toMatch(/127\.0\.0\.1|::1|::ffff:7f00:1/);
    expect(r.received).toHaveLength(0);
    expect(r.connections).toBe(0);
  });

  it('lets the same request through when private networks are allowed', async () => {
    const r = await receiver((_req, res) => res.end('ok'));
    expect(await post(open, `http://localhost:${r.port}/hook`)).toMatchObject({ kind: 'response', status: 200 });
    expect(r.received).toHaveLength(1);
  });
});
