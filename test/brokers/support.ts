// What the broker tests share: the machine's brokers, names of their own, an attempt signed as the
// drainer signs one, a TCP relay that can freeze (a broker that stops answering), and stopping and
// restarting a broker exactly as the machine starts it.

import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { BrokerDestination } from '../../src/delivery/brokers/destination.ts';
import { BrokerPool, type BrokerSendRequest } from '../../src/delivery/brokers/pool.ts';
import { classify } from '../../src/delivery/classify.ts';
import type { SendResult } from '../../src/delivery/send.ts';
import { buildDeliveryHeaders, generateSigningSecret } from '../../src/delivery/sign.ts';
import type { BrokerConsumer, CommitVerdict, SourceMessage } from '../../src/worker/sources/types.ts';
import { waitUntil } from '../support/wait.ts';

const run = promisify(execFile);

export const BROKERS = {
  RABBITMQ: 'amqp://guest:guest@127.0.0.1:5672/',
  NATS: 'nats://127.0.0.1:4222',
  REDIS_STREAM: 'redis://127.0.0.1:6379',
} as const;

/** A name no other test run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface SignedAttempt {
  secret: string;
  eventId: string;
  eventType: string;
  body: string;
  headers: Record<string, string>;
}

/** An envelope and the headers of its first attempt, signed by sign.ts as a real attempt is. */
export function signedAttempt(eventType = 'message.received', data: unknown = { text: 'hello' }): SignedAttempt {
  const secret = generateSigningSecret();
  const eventId = `evt_${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify({ id: eventId, type: eventType, timestamp: new Date().toISOString(), sessionId: 's1', data });
  const headers = buildDeliveryHeaders({
    eventId,
    eventType,
    body,
    attemptNumber: 1,
    timestampSeconds: Math.floor(Date.now() / 1000),
    secrets: [secret],
    userAgent: 'Hookwire/test',
    customHeaders: { 'x-tenant': 'acme' },
    signatureHeader: null,
  });
  return { secret, eventId, eventType, body, headers };
}

/** One attempt to a broker destination, as the drainer will send it. */
export function brokerRequest(url: string, destination: BrokerDestination, attempt = signedAttempt(), overrides: Partial<BrokerSendRequest> = {}): BrokerSendRequest {
  return { url, destination, eventType: attempt.eventType, headers: attempt.headers, body: attempt.body, timeoutMs: 5_000, ...overrides };
}

/** Pools a test file opens (private networks allowed, as tests run), closed together after it. */
export function poolsOfThisFile(): { pool(): BrokerPool; closeAll(): Promise<void> } {
  const pools: BrokerPool[] = [];
  return {
    pool: () => {
      const p = new BrokerPool({ allowPrivateNetworks: true });
      pools.push(p);
      return p;
    },
    closeAll: async () => {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}

/**
 * The broker is stopped and started again under a connected source and a pool: the source shows
 * the outage and reconnects; an attempt during it is a retry, one after it succeeds on a new
 * connection, and the source gets what was sent after the restart.
 */
export async function expectRecoveryAcrossRestart(
  kind: keyof typeof brokerControl,
  consumer: BrokerConsumer,
  received: SourceMessage[],
  send: () => Promise<SendResult>,
): Promise<void> {
  await waitUntil('connected', () => consumer.state().status === 'connected');
  expect((await send()).kind).toBe('response');
  await waitUntil('the first message', () => received.length === 1);
  await withBrokerStopped(kind, async () => {
    await waitUntil('the source sees the outage', () => consumer.state().status === 'disconnected');
    const during = await send();
    expect(during.kind).toBe('network');
    expect(classify(during).decision.kind).toBe('retry');
  });
  await waitUntil('reconnected', () => consumer.state().status === 'connected', 60_000);
  await waitUntil('a retry succeeds on a new connection', async () => (await send()).kind === 'response', 30_000, 200);
  await waitUntil('the message sent after the restart consumed', () => received.length === 2, 30_000);
}

/** A commit callback that keeps what it was given and accepts it all. */
export function collectingCommit(): { received: SourceMessage[]; commit: (batch: SourceMessage[]) => Promise<CommitVerdict[]> } {
  const received: SourceMessage[] = [];
  return {
    received,
    commit: async (batch) => {
      received.push(...batch);
      return batch.map(() => ({ ok: true }));
    },
  };
}

/**
 * A commit callback that rejects its first batch (a database outage), then calls the messages
 * `isPoison` picks poison with `reason` and accepts the rest; `seen` is every message it was given.
 */
export function rejectOnceThenPoison(isPoison: (m: SourceMessage) => boolean, reason: string) {
  const seen: SourceMessage[] = [];
  let rejected = false;
  const commit = async (batch: SourceMessage[]): Promise<CommitVerdict[]> => {
    seen.push(...batch);
    if (!rejected) {
      rejected = true;
      throw new Error('database unavailable');
    }
    return batch.map((m) => (isPoison(m) ? { poison: reason } : { ok: true }));
  };
  return { seen, commit, deps: { commit, allowPrivateNetworks: true, backoff: { initialMs: 20, maxMs: 100, jitter: 0 }, lagIntervalMs: 50 } };
}

/** The `data.id` of a test message's `{type, data}` body. */
export const dataId = (m: SourceMessage): string => JSON.parse(m.body.toString()).data.id;

export interface Relay {
  port: number;
  /** Stops passing bytes either way: the broker seems alive but never answers. */
  freeze(): void;
  close(): Promise<void>;
}

/** A TCP relay on 127.0.0.1 to a broker's port. */
export async function relay(targetPort: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d) => frozen || upstream.write(d));
    upstream.on('data', (d) => frozen || client.write(d));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TlsRelay {
  port: number;
  /** The relay's self-signed certificate, for `name`: the CA a client must be told to trust. */
  ca: string;
  close(): Promise<void>;
}

/** A TLS-terminating relay on 127.0.0.1 to a broker's plain port, with a certificate for `name` (amqps://, rediss://). */
export async function tlsRelay(targetPort: number, name: string): Promise<TlsRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'hookwire-broker-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
      '-addext', `subjectAltName=DNS:${name}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const sockets = new Set<net.Socket>();
    const server = tls.createServer({ key, cert }, (client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as net.AddressInfo).port,
      ca: cert,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A port on 127.0.0.1 where nothing listens. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Stopping and starting one broker of the machine, with the machine's own commands (common.md).
 * Other engineers' tests use these brokers too: an outage lasts only as long as a test needs.
 */
export const brokerControl = {
  RABBITMQ: {
    port: 5672,
    stop: async () => {
      await run('rabbitmqctl', ['stop'], { timeout: 120_000 });
    },
    start: async () => {
      // Returns at once; the AMQP port opens once the node has booted (withBrokerStopped waits for it).
      await run('rabbitmq-server', ['-detached'], { timeout: 60_000 });
    },
  },
  NATS: {
    port: 4222,
    stop: async () => {
      await run('start-stop-daemon', ['--stop', '--oknodo', '--retry', 'TERM/20/KILL/5', '--exec', '/usr/sbin/nats-server'], { timeout: 60_000 });
    },
    start: async () => {
      await run(
        'start-stop-daemon',
        ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--', '-a', '127.0.0.1', '-p', '4222', '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log'],
        { timeout: 60_000 },
      );
    },
  },
  REDIS_STREAM: {
    port: 6379,
    stop: async () => {
      await run('redis-cli', ['-p', '6379', 'shutdown', 'nosave'], { timeout: 30_000 }).catch((error: { code?: number }) => {
        // redis-cli reports the connection the shutdown closed as an error.
        if (error.code !== 1) throw error;
      });
    },
    start: async () => {
      await run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis'], {
        timeout: 30_000,
      });
    },
  },
} as const;

/**
 * Runs `during` with the broker stopped, then starts it again and waits until it accepts
 * connections; starts it even when `during` fails, so the machine is left as it was found.
 */
export async function withBrokerStopped(kind: keyof typeof brokerControl, during: () => Promise<void>): Promise<void> {
  const control = brokerControl[kind];
  if (!(await listening(control.port))) throw new Error(`${kind} is not running on ${control.port}: this test stops only a broker it found running`);
  await control.stop();
  await waitUntil(`${kind} stopped`, async () => !(await listening(control.port)), 60_000, 100);
  try {
    await during();
  } finally {
    await control.start();
    await waitUntil(`${kind} accepting connections again`, () => listening(control.port), 120_000, 100);
  }
}
