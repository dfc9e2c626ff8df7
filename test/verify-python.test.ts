// The Python receiver helper (packages/verify-python) under pytest, with real Hookwire deliveries
// handed to it in a file. Skipped, saying why, where python3 or pytest is missing, except in CI
// (CI=true), where .ci/run installs pytest and a missing one is a failure.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureRealDeliveries } from './support/deliveries.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

function missingPython(): string | null {
  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (python.error || python.status !== 0) return 'python3 is not installed';
  const pytest = spawnSync('python3', ['-m', 'pytest', '--version'], { encoding: 'utf8' });
  if (pytest.status !== 0) return `pytest is not installed for ${python.stdout.trim()} (python3 -m pip install pytest)`;
  return null;
}

const missing = missingPython();
if (missing && process.env.CI !== 'true') console.warn(`test/verify-python.test.ts skipped: ${missing}`);

describe.skipIf(missing !== null && process.env.CI !== 'true')('Python verify_webhook (pytest)', () => {
  it('passes its tests: the Standard Webhooks vectors, every format, and real deliveries (own secrets in each format included)', async () => {
    expect(missing, 'CI must have python3 and pytest (.ci/run installs pytest)').toBeNull();
    const deliveries = await captureRealDeliveries();
    const dir = await mkdtemp(join(tmpdir(), 'hookwire-verify-python-'));
    try {
      const file = join(dir, 'deliveries.json');
      const records = deliveries.map((d) => ({
        name: d.name,
        bodyBase64: d.body.toString('base64'),
        headers: d.headers,
        secret: d.secret,
        previousSecret: d.previousSecret ?? null,
        signatureHeader: d.signatureHeader ?? null,
        receivedAtSeconds: Math.floor(d.receivedAt / 1000),
      }));
      await writeFile(file, JSON.stringify(records));
      const run = spawnSync('python3', ['-m', 'pytest', 'packages/verify-python', '-q', '-p', 'no:cacheprovider'], {
        cwd: REPO_ROOT,
        env: { ...process.env, HOOKWIRE_REAL_DELIVERIES: file, PYTHONDONTWRITEBYTECODE: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status, output).toBe(0);
      expect(output).toMatch(/\d+ passed/);
      expect(output, 'every real delivery was verified').not.toMatch(/skipped/);
      const passed = Number(/(\d+) passed/.exec(output)![1]);
      expect(records.filter((r) => !r.secret.startsWith('whsec_')).map((r) => r.signatureHeader?.format ?? 'SHA256_HEX').sort()).toEqual([
        'HEX',
        'SHA256_HEX',
        'SHA256_HEX_TIMESTAMPED',
      ]);
      expect(passed).toBeGreaterThanOrEqual(20 + records.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
