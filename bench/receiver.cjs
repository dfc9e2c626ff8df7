// The benchmark's webhook receiver, in a process of its own as a customer's server would be: it
// never shares an event loop with Hookwire. Paths: /ok answers 200 at once; /hang never answers
// (a receiver that times out). Every request's webhook-id and arrival time (epoch ms with
// sub-millisecond precision, comparable across processes on this machine) are kept and sent to
// the parent on request over IPC.
'use strict';
const http = require('node:http');

const now = () => performance.timeOrigin + performance.now();
let receipts = [];
const hanging = new Set();

const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    receipts.push([String(req.headers['webhook-id'] ?? ''), now(), req.url]);
    if (req.url.startsWith('/hang')) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
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
