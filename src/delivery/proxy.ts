// Deliveries through an HTTP proxy (HOOKWIRE_PROXY_URL: static egress IPs) with the SSRF guard
// still applied to the destination. A proxy resolves names itself, which would let a name that
// points at a private address slip past the guard; so this connector has the destination resolved
// and checked here (by the `destination` function ssrf.ts gives it), and asks the proxy for a
// tunnel to the checked IP itself (CONNECT 203.0.113.7:443), then speaks TLS inside the tunnel
// with the original name for SNI and certificate checks. The proxy's own address is the
// operator's choice and is not checked.
import net from 'node:net';
import tls from 'node:tls';
import type { buildConnector } from 'undici';

export class ProxyError extends Error {
  readonly code = 'HOOKWIRE_PROXY_ERROR';
}

const CONNECT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_HEAD = 16 * 1024;

interface Tunnel {
  host: string;
  port: number;
}

/** Opens a socket to the proxy, sends CONNECT for `target`, resolves with the tunnel once it answers 200. */
function openTunnel(proxy: URL, target: Tunnel, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const port = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
    const socket: net.Socket =
      proxy.protocol === 'https:'
        ? tls.connect({ host: proxy.hostname, port, servername: net.isIP(proxy.hostname) ? undefined : proxy.hostname })
        : net.connect({ host: proxy.hostname, port });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new ProxyError(`the proxy did not open a tunnel within ${timeoutMs} ms`)), timeoutMs);
    const onError = (error: Error) => {
      clearTimeout(timer);
      fail(new ProxyError(`could not reach the proxy ${proxy.host}: ${error.message}`));
    };
    socket.once('error', onError);
    const authority = net.isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
    const auth =
      proxy.username || proxy.password
        ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n`
        : '';
    socket.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_RESPONSE_HEAD) fail(new ProxyError('the proxy answered CONNECT with an oversized response'));
        return;
      }
      socket.off('data', onData);
      clearTimeout(timer);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
      if (status !== '200') return fail(new ProxyError(`the proxy refused the tunnel to ${authority} (${status ? `HTTP ${status}` : 'not HTTP'})`));
      // Bytes after the proxy's answer already belong to the destination.
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      socket.off('error', onError);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

export interface ProxyConnectorOptions {
  proxyUrl: string;
  /**
   * The address the tunnel goes to for a destination name: checked by ssrf.ts (refused with a
   * BlockedAddressError when not public), or the name itself where private networks are allowed.
   */
  destination: (hostname: string) => Promise<string>;
  timeoutMs?: number;
  /** Certificate authorities to trust instead of Node's (tests). */
  ca?: string;
}

/** An undici connector that reaches every origin through a CONNECT tunnel to its checked address. */
export function proxyConnector(options: ProxyConnectorOptions): buildConnector.connector {
  const proxy = new URL(options.proxyUrl);
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
  return (connectOptions, callback) => {
    const { hostname, protocol } = connectOptions;
    const port = Number(connectOptions.port || (protocol === 'https:' ? 443 : 80));
    const name = hostname.replace(/^\[(.*)\]$/, '$1');
    (async () => {
      const address = await options.destination(name);
      const tunnel = await openTunnel(proxy, { host: address, port }, timeoutMs);
      if (protocol !== 'https:') return tunnel;
      return await new Promise<tls.TLSSocket>((resolve, reject) => {
        const secure = tls.connect({
          socket: tunnel,
          servername: net.isIP(name) ? undefined : (connectOptions.servername ?? name),
          // Checked against the name, not the IP the tunnel goes to.
          checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
          ALPNProtocols: ['http/1.1'],
          ...(options.ca ? { ca: options.ca } : {}),
        });
        const onError = (error: Error) => {
          secure.destroy();
          reject(error);
        };
        secure.once('error', onError);
        secure.once('secureConnect', () => {
          secure.off('error', onError);
          resolve(secure);
        });
      });
    })().then(
      (socket) => callback(null, socket),
      (error: Error) => callback(error, null),
    );
  };
}
