// The issue's definition of done, as a newcomer lives it: `npm start` (its defaults: private
// addresses refused), then the CLI alone creates an endpoint, `hookwire listen` forwards its
// deliveries to a receiver on "the laptop" that the service may not reach, and that receiver
// verifies each one with verifyWebhook. Prints the session's transcript.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyWebhook } from '../packages/verify/src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { REPO_ROOT, runCli, startCli, type CliResult, type RunningCli } from './support/cli.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitUntil } from './support/wait.ts';
import { freePort } from '../src/db/local.ts';

let db: TestDatabase;
let service: ChildProcess;
let serviceOutput = '';
let laptop: Receiver;
let listen: RunningCli | null = null;
const transcript: string[] = [];
let secret = '';
const verdicts: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const port = await freePort();
  // What a newcomer's shell has: no HOOKWIRE_* settings (so private networks are refused).
  service = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npm and node stop together
  });
  service.stdout!.on('data', (chunk: Buffer) => (serviceOutput += chunk.toString()));
  service.stderr!.on('data', (chunk: Buffer) => (serviceOutput += chunk.toString()));
  await waitUntil('npm start to be ready', () => /GraphiQL: http/.test(serviceOutput), 60_000);

  // The developer's own app on the laptop: it trusts nothing it cannot verify.
  laptop = await startReceiver((request) => {
    try {
      const event = verifyWebhook<{ id: string; type: string }>(request.body, request.headers, secret);
      verdicts.push(`verified ${event.type} ${event.id}`);
      return { status: 200, body: 'ok' };
    } catch (error) {
      verdicts.push(`refused: ${(error as Error).message}`);
      return { status: 400, body: (error as Error).message };
    }
  });
}, 90_000);

afterAll(async () => {
  await listen?.stop();
  if (service?.pid && service.exitCode === null) {
    const exited = once(service, 'exit');
    process.kill(-service.pid, 'SIGINT');
    const timer = setTimeout(() => process.kill(-service.pid!, 'SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  await laptop?.close();
  await db?.drop();
  console.info(`\nThe newcomer's session:\n\n${transcript.join('\n')}\n`);
}, 60_000);

function shown(command: string, result: Pick<CliResult, 'stdout' | 'stderr'>): void {
  transcript.push(`$ ${command}`, ...`${result.stdout}${result.stderr}`.trimEnd().split('\n'), '');
}

it('goes from npm start to a verified delivery on the laptop with the CLI alone', async () => {
  const graphqlUrl = /GraphiQL: (http\S+)/.exec(serviceOutput)![1]!;
  const apiKey = /^\s+(hk_\S+)$/m.exec(serviceOutput)![1]!;
  transcript.push('$ npm start', ...serviceOutput.trimEnd().split('\n').filter((line) => !/^\s*$|^>/.test(line)), '');
  transcript.push(`$ export HOOKWIRE_URL=${graphqlUrl} HOOKWIRE_API_KEY=${apiKey}`, '');
  const env = { HOOKWIRE_URL: graphqlUrl, HOOKWIRE_API_KEY: apiKey };
  const hookwire = async (args: string[]) => {
    const result = await runCli(args, { env });
    shown(`npx hookwire ${args.map((a) => (/[\s*]/.test(a) ? `'${a}'` : a)).join(' ')}`, result);
    expect(result.code, result.stderr).toBe(0);
    return result;
  };

  // The URL is the laptop's, which this service refuses to reach (it would be unreachable anyway
  // from a deployment elsewhere): its attempts fail, and listen brings each one to the laptop.
  const created = await hookwire(['endpoints', 'create', 'https://localhost/webhook', '--description', 'my laptop']);
  const endpointId = /^id\s+(ep_\S+)$/m.exec(created.stdout)![1]!;
  secret = /^signing secret\s+(whsec_\S+)$/m.exec(created.stdout)![1]!;

  const forwardTo = laptop.url.replace('127.0.0.1', 'localhost');
  listen = startCli(['listen', '--endpoint', endpointId, '--forward-to', forwardTo], { env });
  await listen.waitFor(/^Ready/m, 'stderr');

  const tested = await hookwire(['endpoints', 'test', endpointId]);
  const deliveryId = /delivery (dlv_\S+)/.exec(tested.stdout)![1]!;
  await laptop.waitFor(1);
  await listen.waitFor(/→ 200 OK/, 'stdout');
  const ended = await listen.stop();
  listen = null;
  shown(`npx hookwire listen --endpoint ${endpointId} --forward-to ${forwardTo}    # in a second terminal, before the test; Ctrl-C after it`, {
    stdout: ended.stderr,
    stderr: ended.stdout,
  });
  expect(ended.code).toBe(0);
  transcript.push('laptop receiver:', ...verdicts.map((v) => `  ${v}`), '');

  expect(verdicts).toEqual([expect.stringMatching(/^verified webhook\.test evt_/)]);
  expect(ended.stdout).toMatch(new RegExp(`webhook\\.test\\s+evt_\\S+\\s+${deliveryId}#1\\s+→ 200 OK\\s+\\(\\d+ ms\\)`));

  // The service's own attempt could not reach the laptop: the history says so.
  const history = await hookwire(['deliveries', 'show', deliveryId]);
  expect(history.stdout).toMatch(/^1\s+SCHEDULED\s+BLOCKED\s+-/m);
});
