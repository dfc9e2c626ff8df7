#!/usr/bin/env node
// The `hookwire` bin. The published package runs its build (dist/, any Node 20+); a checkout runs
// the TypeScript sources directly where Node strips types (22.18+, 24), so it needs no build step.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
const built = new URL('../dist/cli.js', import.meta.url);
if (process.features.typescript && existsSync(source)) await import(source.href);
else if (existsSync(built)) await import(built.href);
else {
  console.error('hookwire: no build found (dist/cli.js) and this Node cannot run the TypeScript sources: run `npm run build` or use Node 22.18+');
  process.exit(1);
}
