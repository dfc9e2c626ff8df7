// Runs printed Express snippets unchanged. Such snippets assume what the page does not print: an
// `app` (here express() whose JSON parser keeps the raw bytes in req.rawBody, the common idiom the
// printed code relies on) and CommonJS `require`. Each file's text is evaluated as it is, with
// those names in scope; its top-level functions are kept so that --route can call one:
//   node express-snippet.cjs FILE... [--route FUNCTION:HEADER:PATH]
// wires POST PATH to FUNCTION(req.rawBody, req.headers[HEADER], process.env.WEBHOOK_SECRET),
// answering 401 when it returns false (for seeds that print a verify function but no route).
// Listens on 127.0.0.1:$PORT.
const express = require('express');
const { readFileSync } = require('node:fs');

const args = process.argv.slice(2);
const routeAt = args.indexOf('--route');
const route = routeAt >= 0 ? args.splice(routeAt, 2)[1].split(':') : null;

const app = express();
app.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }));

const declared = {};
for (const file of args) {
  const source = readFileSync(file, 'utf8');
  const names = [...source.matchAll(/^function\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  const evaluate = new Function('require', 'app', 'process', `${source}\n;return { ${names.join(', ')} };`);
  Object.assign(declared, evaluate(require, app, process));
}

if (route) {
  const [fn, header, path] = route;
  app.post(path, (req, res) => {
    const valid = declared[fn](req.rawBody, req.headers[header.toLowerCase()], process.env.WEBHOOK_SECRET);
    if (!valid) return res.status(401).send('Invalid signature');
    res.status(200).send('OK');
  });
}

const port = Number(process.env.PORT);
app.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
