// Reads the environment once into a typed, frozen configuration; nothing else reads process.env.
import { DEFAULT_RETRY_SCHEDULE } from './delivery/schedule.ts';

export type Role = 'all' | 'api' | 'worker';

export interface Config {
  /** null: start the embedded Postgres under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  host: string;
  port: number;
  /** Worker-only processes: where to serve /healthz, /readyz and /metrics (none when null). */
  metricsPort: number | null;
  adminKey: string | null;
  allowPrivateNetworks: boolean;
  retrySchedule: readonly number[];
  retentionDays: number;
  workerConcurrency: number;
  /** How often a worker pool records that it is alive. */
  workerHeartbeatMs: number;
  /** A pool silent this long is presumed dead and its locked jobs are handed to others. */
  workerStaleAfterMs: number;
  shutdownTimeoutMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  version: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function bool(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
}

export function parseRetrySchedule(raw: string, name = 'HOOKWIRE_RETRY_SCHEDULE'): number[] {
  const parts = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const values = parts.map(Number);
  if (parts.length > 20 || values.some((v) => !Number.isInteger(v) || v < 1 || v > 86_400)) {
    throw new ConfigError(`${name} must be at most 20 comma-separated whole seconds from 1 to 86400, got ${JSON.stringify(raw)}`);
  }
  return values;
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const level = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }
  const adminKey = env.HOOKWIRE_ADMIN_KEY?.trim() || null;
  if (adminKey !== null && adminKey.length < 16) {
    throw new ConfigError('HOOKWIRE_ADMIN_KEY must be at least 16 characters long');
  }
  return Object.freeze({
    databaseUrl: env.DATABASE_URL?.trim() || null,
    dataDir: env.HOOKWIRE_DATA_DIR?.trim() || '.hookwire',
    embeddedPgPort: int(env, 'HOOKWIRE_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    port: int(env, 'PORT', 4000, 0, 65535),
    metricsPort: env.HOOKWIRE_METRICS_PORT ? int(env, 'HOOKWIRE_METRICS_PORT', 0, 0, 65535) : null,
    adminKey,
    allowPrivateNetworks: bool(env, 'HOOKWIRE_ALLOW_PRIVATE_NETWORKS'),
    retrySchedule: Object.freeze(
      env.HOOKWIRE_RETRY_SCHEDULE ? parseRetrySchedule(env.HOOKWIRE_RETRY_SCHEDULE) : [...DEFAULT_RETRY_SCHEDULE],
    ),
    retentionDays: int(env, 'HOOKWIRE_RETENTION_DAYS', 30, 1, 3650),
    workerConcurrency: int(env, 'HOOKWIRE_WORKER_CONCURRENCY', 20, 1, 500),
    workerHeartbeatMs: int(env, 'HOOKWIRE_WORKER_HEARTBEAT_MS', 10_000, 100, 600_000),
    workerStaleAfterMs: int(env, 'HOOKWIRE_WORKER_STALE_AFTER_MS', 60_000, 500, 3_600_000),
    shutdownTimeoutMs: int(env, 'HOOKWIRE_SHUTDOWN_TIMEOUT_MS', 30_000, 0, 600_000),
    logLevel: level as Config['logLevel'],
    version: env.npm_package_version ?? '0.1.0',
  });
}
