// The soak's short version (issue 10): `bench/soak.ts --seconds 30` as its own process, with its own
// embedded Postgres, a SIGKILLed worker and a Postgres restart; it must exit 0, and its report must
// show that the faults and every kind of receiver failure really happened, so it cannot pass on a
// run where nothing went wrong.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.ts';

let soak: ChildProcess | null = null;

afterAll(async () => {
  // A soak cut short by the test's timeout stops its processes on SIGTERM.
  if (soak && soak.exitCode === null && soak.signalCode === null) {
    const exited = once(soak, 'exit');
    soak.kill('SIGTERM');
    await exited;
  }
});

it('loses nothing, leaves nothing stuck and duplicates no more than the SIGKILL explains', { timeout: 180_000 }, async () => {
  const started = Date.now();
  soak = spawn(process.execPath, ['bench/soak.ts', '--seconds', '30'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  soak.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  soak.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(soak, 'exit')) as [number | null];
  const wallSeconds = (Date.now() - started) / 1000;
  const lines = stdout.trim().split('\n');
  const context = `${stdout}\n${stderr.slice(-3000)}`;
  expect(code, context).toBe(0);
  const report = JSON.parse(lines.at(-1)!);

  expect(report.ok).toBe(true);
  expect(report.lost.total, context).toBe(0);
  expect(report.stuck, context).toBe(0);
  expect(report.duplicates.count, context).toBeLessThanOrEqual(report.duplicates.bound);
  expect(report.publish.accepted).toBeGreaterThan(0);
  expect(report.publish.abandoned).toBe(0);
  expect(report.events.rows).toBe(report.publish.accepted);
  expect(report.deliveries.created).toBe(report.deliveries.expected);
  expect(report.deliveries.pending.stuck).toBe(0);

  // Not vacuous: each kind of failure happened at the receiver and was recorded as such,
  // some deliveries ran out of retries, and both faults struck.
  expect(report.receiver.answered['500'], context).toBeGreaterThan(0);
  expect(report.receiver.answered.hang, context).toBeGreaterThan(0);
  expect(report.receiver.answered.reset, context).toBeGreaterThan(0);
  expect(report.attempts.byOutcome.HTTP_ERROR).toBeGreaterThan(0);
  expect(report.attempts.byOutcome.TIMEOUT).toBeGreaterThan(0);
  expect(report.attempts.byOutcome.NETWORK_ERROR).toBeGreaterThan(0);
  expect(report.deliveries.FAILED, context).toBeGreaterThan(0);
  expect(report.faults.sigkill.atSecond).toBeGreaterThan(0);
  expect(report.faults.postgresRestart.downSeconds).toBeGreaterThanOrEqual(3);
  // The outage reached the publisher: some publishes failed and were retried until accepted.
  expect(report.publish.failedRequests, context).toBeGreaterThan(0);
  expect(report.publish.retriedBatches).toBeGreaterThan(0);

  console.log(`[soak] ${lines.slice(0, -1).join('\n')}\n[soak] wall time of the CI run: ${wallSeconds.toFixed(1)} s`);
});
