// The transformation worker thread: owns one Sandbox and answers one request at a time. It is a
// thread of its own so that the host can kill a run that QuickJS's interrupt cannot stop (a loop
// around one long native call such as JSON.stringify of a large value), and so that
// transformations never block the engine's event loop.

import { parentPort, workerData } from 'node:worker_threads';
import { Sandbox, type SandboxLimits, type SandboxRequest } from './transform-sandbox.ts';

export interface WorkerRequest extends SandboxRequest {
  id: number;
}

const port = parentPort;
if (!port) throw new Error('transform-worker.ts runs as a worker thread (see transform-thread.ts)');

const sandbox = await Sandbox.create((workerData as { limits: SandboxLimits }).limits);
port.on('message', async (request: WorkerRequest) => {
  const outcome = await sandbox.run(request);
  port.postMessage({ id: request.id, outcome });
});
port.postMessage({ ready: true });
