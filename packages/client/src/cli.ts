// The `hookwire` command's process: real stdio, environment and signals around cli/main.ts.
import { main } from './cli/main.ts';

// `hookwire … | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, stopSignal });
process.exitCode = code;
// Whatever a library leaves open (a socket still closing) must not keep a finished command
// alive; stdout is flushed by then (this timer does not itself hold the process).
setTimeout(() => process.exit(code), 2000).unref();
