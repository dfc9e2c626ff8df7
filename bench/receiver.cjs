// The benchmark's webhook receiver, in a process of its own as a customer's server would be: it
// never shares an event loop with Hookwire. Paths: /ok answers 200 at once; /hang never answers
// (a receiver that times out); /chaos answers each request at random, with the chances in the
// query (`?500=0.1&hang=0.1&reset=0.1`: a 500, no answer, the connection reset; else 200), so a
// soak's receivers fail the way real ones do. Every request's webhook-id, arrival time (epoch ms
// with sub-millisecond precision, comparable across processes on this machine), path, attempt
// header and the answer it got are kept and sent to the parent on request over IPC.
'use strict';
const http = require('node:http');

const now = () => performance.timeOrigin + performance.now();
let receipts = [];
const hanging = new Set();
/** A hung request whose client never gives up is let go after this long, so none leaks. */
const HANG_LIMIT_MS = 60_000;

/** The answer to one request: '200', '500', 'hang' or 'reset'. */
function answerFor(url) {
  if (url.startsWith('/hang')) return 'hang';
  if (!url.startsWith('/chaos')) return '200';
  const chances = new URL(url, 'http://receiver').searchParams;
  let roll = Math.random();
  for (const answer of ['500', 'hang', 'reset']) {
    roll -= Number(chances.get(answer) ?? 0);
    if (roll < 0) return answer;
  }
  return '200';
}

const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    const answer = answerFor(req.url);
    receipts.push([String(req.headers['webhook-id'] ?? ''), now(), req.url, String(req.headers['x-webhook-delivery-attempt'] ?? ''), answer]);
    if (answer === 'hang') {
      hanging.add(res);
      const limit = setTimeout(() => res.destroy(), HANG_LIMIT_MS);
      res.on('close', () => {
        clearTimeout(limit);
        hanging.delete(res);
      });
    } else if (answer === 'reset') {
      req.socket.destroy();
    } else if (answer === '500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('chaos');
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));

process.on('message', (message) => {
  if (message.type === 'receipts') {
    // Sent in chunks: one IPC message of hundreds of thousands of entries is slow to serialise.
    const all = receipts;
    if (message.clear) receipts = [];
    for (let i = 0; i < all.length; i += 20_000) process.send({ type: 'chunk', id: message.id, rows: all.slice(i, i + 20_000) });
    process.send({ type: 'done', id: message.id, count: all.length });
  } else if (message.type === 'stop') {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
