// `npm run bench -- --quick` must keep working: it runs here, small, and every figure it writes
// must be a real measurement (a finite, positive number). No speed is asserted: the figures of a
// test run on a shared machine say nothing, and `npm run bench` is where speed is measured.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

/** Every number in the results, by its path (peak RSS maps included). */
function numbers(value: unknown, path = ''): Array<[string, unknown]> {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => numbers(v, path ? `${path}.${key}` : key));
}

it('runs the quick benchmark end to end and writes every figure', { timeout: 600_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookwire-bench-test-'));
  const out = join(dir, 'results.json');
  try {
    const child = spawn(process.execPath, ['bench/run.ts', '--quick', '--out', out], { cwd: ROOT, env: process.env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    for (const row of ['limit: undici Pool POSTs', '1. end to end', '2. publish → receipt at idle', '3. publishEvent over HTTP', "the API's floor", '4. B\'s event behind', '5. API + 1 worker', '6. peak RSS', '7. ingest: Meta POST of 100 changes', '8. history']) {
      expect(output).toContain(row);
    }
    const results = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    expect(results.quick).toBe(true);
    for (const section of ['limits', 'endToEnd', 'oneWorker', 'twoWorkers', 'publish', 'fairness', 'ingest', 'history']) expect(results[section], section).toBeTypeOf('object');
    const figures = numbers(results).filter(([path]) => !path.startsWith('machine.'));
    expect(figures.length).toBeGreaterThan(40);
    for (const [path, value] of figures) {
      expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
      // Counts of pending deliveries at a probe may be 0 when the backlog drained first.
      if (!/Pending|InFlight|min$/i.test(path)) expect(value as number, path).toBeGreaterThan(0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
