// HOOKWIRE_PROXY_URL: deliveries leave through an HTTP proxy (static egress IPs), and the SSRF
// guard still holds: the destination's name is resolved and checked here, and the proxy is asked
// for a tunnel to the checked address, never to a name it would resolve itself. The proxy here is
// a small CONNECT proxy on 127.0.0.1 that records what it was asked for; "public" addresses are
// a test resolver's answers, which the proxy routes to a receiver on 127.0.0.1 (no traffic ever
// leaves loopback).
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDocument } from '../packages/client/src/generated/graphql.ts';
import { createDispatcher, type Resolve } from '../src/delivery/ssrf.ts';
import { send } from '../src/delivery/send.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { createEndpoint, publish, waitForDelivery } from './support/api.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const PUBLIC_IP = '93.184.215.14';

interface Proxy {
  url: string;
  /** The authority of every CONNECT, in order. */
  connects: string[];
  /** What the proxy answers CONNECT with (200 opens the tunnel). */
  status: number;
  close(): Promise<void>;
}

async function startProxy(route: (authority: string) => { host: string; port: number }, auth?: string): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const proxy: Proxy = { url: '', connects: [], status: 200, close: async () => {} };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [requestLine, ...headerLines] = head.slice(0, end).split('\r\n');
      const [method, authority] = requestLine!.split(' ');
      proxy.connects.push(authority!);
      const authorized = !auth || headerLines.some((line) => line.toLowerCase() === `proxy-authorization: basic ${Buffer.from(auth).toString('base64')}`.toLowerCase());
      if (method !== 'CONNECT' || !authorized || proxy.status !== 200) {
        client.end(`HTTP/1.1 ${authorized ? proxy.status : 407} No\r\n\r\n`);
        return;
      }
      const target = route(authority!);
      const upstream = connect(target.port, target.host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = head.slice(end + 4);
        if (rest) upstream.write(Buffer.from(rest, 'latin1'));
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const credentials = auth ? `${auth}@` : '';
  proxy.url = `http://${credentials}127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

describe('the proxy dispatcher, with private networks refused', () => {
  let receiver: Receiver;
  let proxy: Proxy;
  const answers: Record<string, string[]> = {
    'hooks.example.test': [PUBLIC_IP],
    'internal.example.test': ['10.1.2.3'],
    'rebinding.example.test': [PUBLIC_IP, '127.0.0.1'],
    'metadata.example.test': ['169.254.169.254'],
  };
  const resolve: Resolve = async (hostname) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: 4 }));
  };
  const dispatcher = () => createDispatcher({ allowPrivateNetworks: false, proxyUrl: proxy.url, resolve });
  const post = (url: string) => send(dispatcherInUse, { url, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}', timeoutMs: 3_000 });
  let dispatcherInUse: ReturnType<typeof createDispatcher>;

  beforeAll(async () => {
    receiver = await startReceiver();
    const receiverPort = Number(new URL(receiver.url).port);
    // The "public" destination is the receiver; nothing else is reachable.
    proxy = await startProxy((authority) => (authority.startsWith(`${PUBLIC_IP}:`) ? { host: '127.0.0.1', port: receiverPort } : { host: '127.0.0.1', port: 9 }));
    dispatcherInUse = dispatcher();
  });
  afterAll(async () => {
    await dispatcherInUse?.destroy();
    await proxy?.close();
    await receiver?.close();
  });

  it('delivers through the proxy, tunnelling to the checked address rather than the name', async () => {
    const result = await post('http://hooks.example.test:8080/hook');
    expect(result).toMatchObject({ kind: 'response', status: 200 });
    expect(proxy.connects).toEqual([`${PUBLIC_IP}:8080`]);
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', url: '/hook', body: '{"hello":"world"}' });
    expect(receiver.requests[0]!.headers.host).toBe('hooks.example.test:8080');
  });

  it.each([
    ['a name that resolves to a private address', 'http://internal.example.test/hook', '10.1.2.3'],
    ['a name with a public and a loopback answer', 'http://rebinding.example.test/hook', '127.0.0.1'],
    ['a name that resolves to the metadata address', 'http://metadata.example.test/hook', '169.254.169.254'],
    ['a loopback literal', 'http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['a metadata literal', 'http://169.254.169.254/latest/meta-data', '169.254.169.254'],
  ])('blocks %s before asking the proxy anything', async (_name, url, address) => {
    const before = proxy.connects.length;
    const result = await post(url);
    expect(result).toMatchObject({ kind: 'blocked' });
    expect(result.kind === 'blocked' && result.error).toContain(address);
    expect(proxy.connects.length).toBe(before);
  });

  it('reports a proxy that refuses the tunnel as a network error', async () => {
    proxy.status = 403;
    try {
      const result = await post('http://hooks.example.test:8081/hook');
      expect(result).toMatchObject({ kind: 'network' });
      expect(result.kind === 'network' && result.error).toMatch(/proxy refused the tunnel.*HTTP 403/);
    } finally {
      proxy.status = 200;
    }
  });
});

describe('https through the tunnel', () => {
  let dir: string;
  let cert: string;
  let key: string;
  let server: HttpsServer;
  let proxy: Proxy;
  const seen: string[] = [];
  const resolve: Resolve = async (hostname) => [{ address: PUBLIC_IP, family: 4 }].filter(() => hostname.endsWith('.example.test'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookwire-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=hooks.example.test',
      '-addext', 'subjectAltName=DNS:hooks.example.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    server = createHttpsServer({ key, cert }, (req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200).end('secure ok'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    proxy = await startProxy(() => ({ host: '127.0.0.1', port }));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (url: string, ca?: string) => {
    const dispatcher = createDispatcher({ allowPrivateNetworks: false, proxyUrl: proxy.url, resolve, ca });
    try {
      return await send(dispatcher, { url, headers: {}, body: '{}', timeoutMs: 3_000 });
    } finally {
      await dispatcher.destroy();
    }
  };

  it('speaks TLS to the destination inside the tunnel, checking its certificate against the name', async () => {
    const result = await post('https://hooks.example.test/secure', cert);
    expect(result).toMatchObject({ kind: 'response', status: 200, body: 'secure ok' });
    expect(proxy.connects.at(-1)).toBe(`${PUBLIC_IP}:443`);
    expect(seen.at(-1)).toBe('hooks.example.test /secure');
  });

  it('refuses a certificate for another name, or one nobody trusts', async () => {
    const otherName = await post('https://other.example.test/secure', cert);
    expect(otherName.kind === 'network' && otherName.error).toMatch(/other\.example\.test|altnames|certificate/i);
    const untrusted = await post('https://hooks.example.test/secure');
    expect(untrusted.kind === 'network' && untrusted.error).toMatch(/certificate/i);
  });
});

describe('proxy credentials', () => {
  it('sends the credentials of the proxy URL', async () => {
    const receiver = await startReceiver();
    const port = Number(new URL(receiver.url).port);
    const proxy = await startProxy(() => ({ host: '127.0.0.1', port }), 'egress:s3cret');
    const dispatcher = createDispatcher({ allowPrivateNetworks: true, proxyUrl: proxy.url });
    try {
      const result = await send(dispatcher, { url: `${receiver.url}/x`, headers: {}, body: '{}', timeoutMs: 3_000 });
      expect(result).toMatchObject({ kind: 'response', status: 200 });
      const refused = createDispatcher({ allowPrivateNetworks: true, proxyUrl: proxy.url.replace('s3cret', 'wrong') });
      const denied = await send(refused, { url: `${receiver.url}/y`, headers: {}, body: '{}', timeoutMs: 3_000 });
      expect(denied.kind === 'network' && denied.error).toMatch(/HTTP 407/);
      await refused.destroy();
    } finally {
      await dispatcher.destroy();
      await proxy.close();
      await receiver.close();
    }
  });
});

describe('HOOKWIRE_PROXY_URL in the service', () => {
  let t: TestApp;
  let receiver: Receiver;
  let proxy: Proxy;
  beforeAll(async () => {
    receiver = await startReceiver();
    proxy = await startProxy((authority) => {
      const [host, port] = authority.split(':');
      return { host: host!, port: Number(port) };
    });
    t = await startTestApp({ role: 'all', env: { HOOKWIRE_PROXY_URL: proxy.url } });
  });
  afterAll(async () => {
    await t?.stop();
    await proxy?.close();
    await receiver?.close();
  });

  it('sends every delivery through the proxy', async () => {
    const { apiKey } = await t.newAccount('egress');
    const endpoint = await createEndpoint(t, apiKey, { url: `${receiver.url}/hook`, description: 'via proxy', eventTypes: ['webhook.test'] });
    const eventId = await publish(t, apiKey, { type: 'webhook.test', data: {} });
    await receiver.waitFor(1);
    expect(proxy.connects).toContain(`127.0.0.1:${new URL(receiver.url).port}`);
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(eventId);
    const event = (await t.gql(EventDocument, { id: eventId }, apiKey)).data as { event: { deliveries: Array<{ id: string }> } };
    const delivered = await waitForDelivery(t, apiKey, event.event.deliveries[0]!.id);
    expect(delivered.status).toBe('SUCCEEDED');
    expect(delivered.endpoint.id).toBe(endpoint.id);
  });
});
