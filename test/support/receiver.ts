// A real webhook receiver on 127.0.0.1 for tests: records every request with its raw body and
// answers with whatever the test's handler says (status, headers, body, or never).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { sleep } from './wait.ts';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** When the whole request had arrived (its body's end). */
  at: number;
  /** When its head (request line and headers) had arrived: it was on the wire by then. */
  headersAt: number;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Decides each reply (or promises it: the response waits); defaults to 200. */
  reply: (request: ReceivedRequest, index: number) => Reply | Promise<Reply>;
  /** Requests answered not yet, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
  /** Resolves once `count` requests have arrived (bounded by timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(reply: Receiver['reply'] = () => ({ status: 200, body: 'ok' })): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: '',
    requests: [],
    reply,
    inFlight: 0,
    maxInFlight: 0,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.requests.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`receiver got ${receiver.requests.length} of ${count} requests within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return receiver.requests;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const headersAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        headersAt,
      };
      const index = receiver.requests.push(request) - 1;
      receiver.inFlight++;
      receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
      res.on('close', () => receiver.inFlight--);
      void Promise.resolve(receiver.reply(request, index)).then((answer) => {
        if (answer === 'hang') {
          hanging.add(res);
          return;
        }
        res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** No request beyond `expected` arrives within `ms` (for what must NOT happen, a bounded wait). */
export async function expectQuiet(rx: Pick<Receiver, 'requests'>, expected: number, ms: number): Promise<void> {
  await sleep(ms);
  expect(rx.requests.length, `receiver got ${rx.requests.length - expected} unexpected request(s)`).toBe(expected);
}
