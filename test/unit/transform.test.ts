// Transformations in the QuickJS sandbox: results, limits, errors with their lines, the absence
// of Node, header rules, determinism, isolation between runs, recovery, and the cost per call.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureTransform } from '../../bench/transform.ts';
import { DEFAULT_TRANSFORM_LIMITS, sampleInput, Transformer, type TransformInput, type TransformResult } from '../../src/delivery/transform.ts';

const message = {
  messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgASGCA0',
  from: '15551234567',
  messageType: 'text',
  content: { text: 'I need help with my order.' },
  timestamp: '2026-04-11T10:29:58.000Z',
};
const input: TransformInput = sampleInput('message.received', message);

let transformer: Transformer;
beforeAll(async () => {
  transformer = await Transformer.create();
});
afterAll(() => transformer.close());

const run = (code: string, i: TransformInput = input, options = {}) => transformer.run(code, i, options);
const handler = (body: string) => `function handler(webhook) {\n${body}\n}`;

function expectError(result: TransformResult, message: RegExp | string, line?: number | null) {
  expect(result.kind).toBe('error');
  if (result.kind !== 'error') return;
  if (typeof message === 'string') expect(result.message).toBe(message);
  else expect(result.message).toMatch(message);
  if (line !== undefined) expect(result.line).toBe(line);
}

describe('results', () => {
  it('sends the envelope unchanged when handler returns webhook as it came', async () => {
    const result = await run(handler('return webhook'));
    expect(result).toEqual({ kind: 'ok', body: JSON.stringify(input.payload), headers: {} });
  });

  it('passes eventType, eventId, payload and headers', async () => {
    const result = await run(
      handler('webhook.payload = [webhook.eventType, webhook.eventId, webhook.payload.data.from, webhook.headers]; return webhook'),
      { ...input, headers: { 'x-tenant': 'acme' } },
    );
    expect(result).toMatchObject({ kind: 'ok', body: JSON.stringify(['message.received', input.eventId, '15551234567', { 'x-tenant': 'acme' }]) });
  });

  it('reshapes the payload into any JSON', async () => {
    const result = await run(handler('webhook.payload = { event: "message", text: webhook.payload.data.content.text }; return webhook'));
    expect(result).toEqual({ kind: 'ok', body: '{"event":"message","text":"I need help with my order."}', headers: {} });
  });

  it.each([
    ['null', 'null'],
    ['42', '42'],
    ['[1, "two"]', '[1,"two"]'],
    ['false', 'false'],
  ])('a payload of %s is sent as its JSON', async (value, body) => {
    expect(await run(handler(`webhook.payload = ${value}; return webhook`))).toMatchObject({ kind: 'ok', body });
  });

  it('sends a string payload as is, not JSON-encoded again', async () => {
    const result = await run(handler('webhook.payload = "event=" + webhook.eventType + "&from=" + webhook.payload.data.from; return webhook'));
    expect(result).toMatchObject({ kind: 'ok', body: 'event=message.received&from=15551234567' });
  });

  it('keeps non-ASCII text intact and makes lone surrogates well formed', async () => {
    expect(await run(handler('webhook.payload = "héllo ✓ 👍"; return webhook'))).toMatchObject({ body: 'héllo ✓ 👍' });
    expect(await run(handler('webhook.payload = "a\\uD800b"; return webhook'))).toMatchObject({ body: 'a\uFFFDb' });
  });

  it('adds the headers the code sets, lower-cased and trimmed', async () => {
    const result = await run(handler('webhook.headers["X-WAHooks-Event"] = "message"; webhook.headers["X-Trace"] = " 1 "; return webhook'));
    expect(result).toMatchObject({ kind: 'ok', headers: { 'x-wahooks-event': 'message', 'x-trace': '1' } });
  });

  it('accepts top-level helpers, const handlers and arrow functions', async () => {
    const code = 'const rename = (t) => t.replace(".", "_");\nconst handler = (w) => { w.payload = rename(w.eventType); return w; };';
    expect(await run(code)).toMatchObject({ kind: 'ok', body: 'message_received' });
  });
});

describe('headers the code may not set', () => {
  it.each([
    ['Content-Type', 'text/plain', /cannot be set: Hookwire sets the content-type header itself/],
    ['webhook-signature', 'v1,forged', /webhook-signature/],
    ['X-Webhook-Event', 'forged', /x-webhook-event/],
    ['Host', 'evil.example', /host/],
    ['bad name', 'x', /not a valid HTTP header name/],
    ['x-ok', 'line\nbreak', /must not contain CR, LF or NUL/],
  ])('%s: %j is refused', async (name, value, expected) => {
    const result = await run(handler(`webhook.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}; return webhook`));
    expectError(result, expected, null);
  });

  it('refuses non-string values', async () => {
    expectError(await run(handler('webhook.headers["x-count"] = 3; return webhook')), /x-count.*must be a string \(it is number\)/);
    expectError(await run(handler('webhook.headers["x-obj"] = {}; return webhook')), /must be a string \(it is object\)/);
  });

  it('refuses the endpoint\'s own signature headers when told to', async () => {
    const code = handler('webhook.headers["X-WAHooks-Signature"] = "sha256=forged"; return webhook');
    expect((await run(code)).kind).toBe('ok');
    expectError(await run(code, input, { reservedHeaders: ['x-wahooks-signature'] }), /x-wahooks-signature header itself/);
  });

  it('refuses the same header twice in different cases, and too many headers', async () => {
    expectError(await run(handler('webhook.headers["X-A"] = "1"; webhook.headers["x-a"] = "2"; return webhook')), /sets x-a twice/);
    expectError(
      await run(handler('for (let i = 0; i < 21; i++) webhook.headers["x-h" + i] = "v"; return webhook')),
      `webhook.headers has 21 headers; at most ${DEFAULT_TRANSFORM_LIMITS.maxHeaders} are allowed`,
    );
  });
});

describe('errors name their line', () => {
  it('a syntax error', async () => {
    expectError(await run('function handler(webhook) {\n  webhook.payload = {;\n  return webhook\n}'), /^SyntaxError: /, 2);
  });

  it('an error thrown by the code', async () => {
    expectError(await run('\n\nfunction handler(webhook) {\n  throw new Error("no such customer")\n}'), 'Error: no such customer', 4);
  });

  it('a TypeError deep in the code', async () => {
    const code = 'function pick(d) {\n  return d.missing.field\n}\nfunction handler(webhook) {\n  webhook.payload = pick(webhook.payload.data)\n  return webhook\n}';
    expectError(await run(code), /^TypeError: cannot read property 'field' of undefined/, 2);
  });

  it('an error at the top level', async () => {
    expectError(await run('const x = 1;\nundefinedFunction();\nfunction handler(w) { return w }'), /ReferenceError: 'undefinedFunction' is not defined/, 2);
  });

  it('a thrown string', async () => {
    expectError(await run(handler('throw "plain text"')), 'threw plain text', null);
  });

  it('a missing handler, a bad return value, an async handler, a non-JSON payload', async () => {
    expectError(await run('function transform(w) { return w }'), /must define function handler\(webhook\)/);
    expectError(await run(handler('return null')), 'handler must return the webhook object (it returned null)', null);
    expectError(await run(handler('return "text"')), /it returned string/);
    expectError(await run('async function handler(w) { return w }'), /must not be async/);
    expectError(await run(handler('webhook.payload = undefined; return webhook')), /payload must be JSON or a string \(it is undefined\)/);
    expectError(await run(handler('webhook.payload = () => 1; return webhook')), /it is function/);
    expectError(await run(handler('webhook.headers = "x"; return webhook')), /headers must be an object/);
  });

  it('empty or oversized code', async () => {
    expectError(await run('  '), /must define function handler/);
    expectError(await run(`// ${'x'.repeat(DEFAULT_TRANSFORM_LIMITS.maxCodeBytes)}`), /at most 65536 are allowed/);
  });
});

describe('limits', () => {
  it('stops an infinite loop at the CPU limit', async () => {
    const started = performance.now();
    const result = await run(handler('while (true) {}'));
    const elapsed = performance.now() - started;
    expectError(result, `exceeded the CPU time limit of ${DEFAULT_TRANSFORM_LIMITS.cpuMs} ms`);
    // CPU time, not wall time: on a loaded machine the wall clock runs longer, but not by seconds.
    expect(elapsed).toBeLessThan(3000);
  });

  it('stops a catastrophic regular expression at the CPU limit', async () => {
    const result = await run(handler('webhook.payload = /^(a+)+$/.test("a".repeat(40) + "b"); return webhook'));
    expectError(result, /CPU time limit/);
  });

  it('kills a run that the interrupt cannot reach (a loop around one long native call), then goes on', async () => {
    const started = performance.now();
    const result = await run(handler('const big = { a: new Array(100000).fill("abc") };\nfor (;;) JSON.stringify(big);'));
    const elapsed = performance.now() - started;
    expectError(result, `exceeded the CPU time limit of ${DEFAULT_TRANSFORM_LIMITS.cpuMs} ms`, null);
    expect(elapsed).toBeLessThan(5000); // the loop alone would run for about a minute
    expect(await run(handler('return webhook'))).toMatchObject({ kind: 'ok' });
  });

  it('queues concurrent runs and answers each with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => run(handler(i === 3 ? 'while (true) {}' : `webhook.payload = ${i}; return webhook`))),
    );
    results.forEach((r, i) => {
      if (i === 3) expectError(r, /CPU time limit/);
      else expect(r).toMatchObject({ kind: 'ok', body: String(i) });
    });
  });

  it.each([
    ['many large strings', 'const keep = []; for (let i = 0; ; i++) keep.push("y".repeat(100000) + i);'],
    ['one huge array', 'const a = new Array(1e8).fill(0);'],
    ['a growing object', 'const o = {}; for (let i = 0; ; i++) o["k" + i] = "v" + i;'],
    ['a string doubling', 'let s = "x"; for (;;) s = s + s;'],
  ])('stops a memory bomb: %s', async (_, bomb) => {
    const result = await run(handler(`${bomb}\nreturn webhook`));
    expect(result.kind).toBe('error');
    if (result.kind === 'error') expect(result.message).toMatch(/memory limit|CPU time limit|string too long/);
  });

  it('stops a runaway recursion without harming the host', async () => {
    expectError(await run('function f(n) { return f(n + 1) + 1 }\nfunction handler(w) { f(0); return w }'), 'stack overflow: recursion too deep', 1);
    // Building 100,000 levels takes tens of ms of the default 50 ms on a busy machine: this run gets
    // the time, so what is asserted is the overflow when the result is serialised.
    const roomy = await Transformer.create({ cpuMs: 5000, killAfterMs: 10_000 });
    try {
      const nested = handler('let d = {}; for (let i = 0; i < 100000; i++) d = { d }; webhook.payload = d; return webhook');
      expectError(await roomy.run(nested, input), /stack overflow/);
      expect(await roomy.run(handler('return webhook'), input)).toMatchObject({ kind: 'ok' });
    } finally {
      await roomy.close();
    }
  });

  it('refuses a body larger than the output limit', async () => {
    const big = handler(`webhook.payload = "x".repeat(${DEFAULT_TRANSFORM_LIMITS.maxOutputBytes + 1}); return webhook`);
    expectError(await run(big), /the body is larger than 524288 bytes/);
    const multibyte = handler(`webhook.payload = "é".repeat(${DEFAULT_TRANSFORM_LIMITS.maxOutputBytes / 2 + 1}); return webhook`);
    expectError(await run(multibyte), /larger than 524288 bytes \(524290 bytes\)/);
  });

  it('refuses a body with a NUL character (it could not be stored)', async () => {
    expectError(await run(handler('webhook.payload = "a\\u0000b"; return webhook')), /NUL/);
  });
});

describe('the sandbox has the language and nothing else', () => {
  it('has no require, process, fetch, timers, console, module loading or Node globals', async () => {
    const names = ['require', 'process', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'Buffer', 'module', 'exports', 'globalThis.global', 'std', 'os', 'print', 'XMLHttpRequest', 'WebSocket', 'WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer'];
    const code = handler(`webhook.payload = [${names.map((n) => `typeof ${n}`).join(', ')}]; return webhook`);
    const result = await run(code);
    expect(result.kind === 'ok' && JSON.parse(result.body)).toEqual(names.map(() => 'undefined'));
  });

  it('lets console calls through to nowhere, so pasted code with console.log still runs', async () => {
    const result = await run(handler('console.log("got", webhook.eventType); console.error(new Error("x")); return webhook'));
    expect(result).toMatchObject({ kind: 'ok', body: JSON.stringify(input.payload) });
  });

  it('cannot import modules', async () => {
    const result = await run(handler('import("fs"); return webhook'));
    // Either refused at once or left as a promise that never settles: nothing is loaded.
    if (result.kind === 'error') expect(result.message).not.toMatch(/sandbox failed/);
    const staticImport = await run('import fs from "fs";\nfunction handler(w) { return w }');
    expect(staticImport.kind).toBe('error');
  });

  it('cannot reach the host through Function or eval', async () => {
    const result = await run(handler('webhook.payload = [typeof Function("return this")().process, eval("typeof require")]; return webhook'));
    expect(result).toMatchObject({ kind: 'ok', body: '["undefined","undefined"]' });
  });
});

describe('determinism and isolation', () => {
  const clocky = handler('webhook.payload = [Date.now(), new Date().toISOString(), Math.random(), Math.random()]; return webhook');

  it('computes the same bytes every time for the same event: the clock is the event timestamp, Math.random is seeded by its id', async () => {
    const first = await run(clocky);
    const second = await run(clocky);
    expect(second).toEqual(first);
    const [now, iso] = first.kind === 'ok' ? JSON.parse(first.body) : [];
    expect(now).toBe(Date.parse('2026-04-11T10:30:00.000Z'));
    expect(iso).toBe('2026-04-11T10:30:00.000Z');
    const other = await run(clocky, { ...input, eventId: 'evt_other' });
    expect(other).not.toEqual(first);
  });

  it('keeps Date usable for parsing and formatting', async () => {
    const code = handler('const d = new Date(webhook.payload.timestamp); webhook.payload = [Math.floor(Date.parse(webhook.payload.timestamp) / 1000), d instanceof Date, d.getUTCHours(), new Date(0).toISOString(), typeof Date()]; return webhook');
    expect(await run(code)).toMatchObject({ kind: 'ok', body: '[1775903400,true,10,"1970-01-01T00:00:00.000Z","string"]' });
  });

  it('starts every run from a fresh context: nothing a run changes reaches the next', async () => {
    const polluter = 'globalThis.leak = 1; Object.prototype.polluted = true; JSON.stringify = () => "hijacked";\nfunction handler(w) { count = (typeof count === "number" ? count : 0) + 1; return w }';
    expect((await run(polluter)).kind).toBe('ok');
    const observer = handler('webhook.payload = [typeof leak, ({}).polluted, typeof count, JSON.stringify({a: 1})]; return webhook');
    expect(await run(observer)).toMatchObject({ kind: 'ok', body: '["undefined",null,"undefined","{\\"a\\":1}"]' });
  });

  it('works after failing runs of every kind', async () => {
    for (const bad of ['while (true) {}', 'let s = []; for (;;) s.push("z".repeat(1e5));', 'throw new Error("x")', 'function handler(']) {
      expect((await run(bad.startsWith('function') ? bad : handler(bad))).kind).toBe('error');
      expect(await run(handler('return webhook'))).toMatchObject({ kind: 'ok' });
    }
  });

  it('replaces a WebAssembly module that failed underneath and goes on', async () => {
    // With QuickJS's stack check set above what Node's own stack holds, deep recursion in native
    // code overflows Node's stack inside the module: a host-level fault, not a JavaScript error.
    const fragile = await Transformer.create({ stackBytes: 1024 * 1024, cpuMs: 5000, killAfterMs: 10_000 });
    try {
      const deep = handler('let d = []; for (let i = 0; i < 200000; i++) d = [d]; webhook.payload = d; return webhook');
      expectError(await fragile.run(deep, input), /sandbox failed while running the transformation/, null);
      expect(await fragile.run(handler('return webhook'), input)).toMatchObject({ kind: 'ok' });
    } finally {
      await fragile.close();
    }
  });

  it('answers runs after close with an error, not a hang', async () => {
    const closing = await Transformer.create();
    await closing.close();
    expectError(await closing.run(handler('return webhook'), input), /closed/);
  });
});

describe('check (save time)', () => {
  const samples = [
    sampleInput('message.received', message),
    sampleInput('message.read', { messageId: 'wamid.X', to: '15551234567', status: 'read', timestamp: '2026-04-11T10:35:40.000Z' }),
  ];

  it('accepts code that works on every example', async () => {
    expect(await transformer.check(handler('webhook.payload = { t: webhook.eventType }; return webhook'), samples)).toEqual([]);
  });

  it('reports a syntax error once, naming the line', async () => {
    expect(await transformer.check('function handler(w) {\n  return w.\n}', samples)).toEqual([
      { path: ['input', 'transformation'], message: expect.stringMatching(/^line 3: SyntaxError: .* \(on the example of message.received\)$/) },
    ]);
  });

  it('names the event type whose example fails', async () => {
    const code = handler('webhook.payload = webhook.payload.data.content.text.toUpperCase();\nreturn webhook');
    expect(await transformer.check(code, samples, ['input', 'transformation'])).toEqual([
      { path: ['input', 'transformation'], message: "line 2: TypeError: cannot read property 'text' of undefined (on the example of message.read)" },
    ]);
  });

  it('refuses what is not code', async () => {
    expect(await transformer.check(42, samples, ['t'])).toEqual([{ path: ['t'], message: 'must be a string' }]);
    expect(await transformer.check('', samples, ['t'])).toEqual([{ path: ['t'], message: expect.stringContaining('must define') }]);
  });
});

describe('cost', () => {
  it('measures the mean time of a realistic transformation on the shared module', async () => {
    const { meanMicros, medianMicros, runs, result } = await measureTransform(300, transformer);
    console.log(
      `transform: ${meanMicros.toFixed(0)} µs per call (mean of ${runs}; median ${medianMicros.toFixed(0)} µs; ` +
        'fresh QuickJS runtime and context each, worker round trip included)',
    );
    expect(result).toMatchObject({ kind: 'ok', headers: { 'x-wahooks-event': 'message' } });
    expect(JSON.parse(result.kind === 'ok' ? result.body : '{}')).toEqual({
      event: 'message',
      session: 'default',
      payload: { id: message.messageId, timestamp: 1775903398, from: '15551234567', body: 'I need help with my order.', hasMedia: false },
    });
    expect(meanMicros).toBeLessThan(20_000);
  });
});
