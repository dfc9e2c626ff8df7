// Serves a printed route handler in the Web-standard style (Next.js app router, Vercel, Deno):
// `export async function POST(req: Request): Response`. The printed module is imported unchanged;
// this host turns each node:http request into a Request and the Response back, on 127.0.0.1:$PORT.
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const route = await import(pathToFileURL(resolve(process.argv[2])).href);
const port = Number(process.env.PORT);

createServer(async (req, res) => {
  try {
    const handler = route[req.method ?? 'GET'];
    if (typeof handler !== 'function') return res.writeHead(405).end();
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of Array.isArray(value) ? value : [value ?? '']) headers.append(name, v);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    console.error(error);
    res.writeHead(500).end('receiver threw');
  }
}).listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
