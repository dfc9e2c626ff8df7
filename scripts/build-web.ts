// Builds the dashboard (web/) into web/dist, which the API process serves at `/`. Run by
// `npm install` (the prepare script) and `npm run build:web`; before `npm start` it runs with
// --if-stale, building only when web/dist is missing or older than its sources.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../web/', import.meta.url));
// The dashboard also bundles the limits it shows (src/limits.ts), so a change there rebuilds it.
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', '../src/limits.ts'];

async function newestSource(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true });
  const times = await Promise.all(entries.map((e) => newestSource(join(path, e.name))));
  return Math.max(info.mtimeMs, ...times);
}

/** Whether web/dist is missing or older than anything it is built from. */
export async function webBuildIsStale(): Promise<boolean> {
  const built = await stat(join(WEB, 'dist', 'index.html')).catch(() => null);
  if (!built) return true;
  const newest = Math.max(...(await Promise.all(SOURCES.map((s) => newestSource(join(WEB, s))))));
  return newest > built.mtimeMs;
}

export async function buildWeb(options: { quiet?: boolean } = {}): Promise<void> {
  // Vite is a development dependency: an install without them (--omit=dev) cannot build.
  const { build } = await import('vite');
  // A production bundle whoever calls (vitest sets NODE_ENV=test, which Vite would honour).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(WEB, 'vite.config.ts'), mode: 'production', logLevel: options.quiet ? 'warn' : 'info' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

async function main(): Promise<void> {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !(await webBuildIsStale())) return;
  console.log(ifStale ? 'Building the dashboard (web/dist is missing or out of date)…' : 'Building the dashboard into web/dist…');
  try {
    await buildWeb({ quiet: ifStale });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    if (ifStale && missing) {
      console.warn('The dashboard cannot be built here (vite is not installed); the API serves GraphiQL at /graphql only.');
      return;
    }
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error('build-web:', error);
    process.exit(1);
  });
}
