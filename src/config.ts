// Reads the environment once into a typed, frozen configuration; nothing else reads process.env.
import { DEFAULT_RETRY_SCHEDULE } from './delivery/schedule.ts';
import { parseEncryptionKeys, Sealer, type SealingKey } from './db/sealer.ts';
import { ENDPOINT_LIMITS, SOURCE_LIMITS } from './limits.ts';

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
  /** Attempts in flight at once in one worker process, across all its endpoints. */
  workerConcurrency: number;
  /** Endpoints (lanes) one worker process drains at once. */
  workerLanes: number;
  /** Attempts in flight to one endpoint across all workers, unless the endpoint sets its own. */
  endpointConcurrency: number;
  /** How long a worker keeps starting attempts of one endpoint before it lets the next one have a turn. */
  laneSliceMs: number;
  /**
   * Beyond an endpoint's timeout, how long its lane stays with a worker that stopped answering
   * (killed, frozen) before another worker takes it over: the bound on redelivery after a crash.
   */
  laneLeaseGraceMs: number;
  /** How often an idle worker looks for lanes that became due (retries), besides NOTIFY. */
  workerPollMs: number;
  /** Database connections of a worker's engine (claims, records, releases). */
  workerDbPool: number;
  /** `npm start` (role all): worker processes beside the API process; 0 runs everything in one process. */
  workerProcesses: number;
  /** endpoint.failing after this many scheduled attempts to an endpoint failed in a row. */
  failingAfter: number;
  shutdownTimeoutMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** json: one JSON object per line (production); pretty: readable lines (development). */
  logFormat: 'json' | 'pretty';
  /** NODE_ENV=development: unexpected GraphQL errors show their message and stack; otherwise masked. */
  development: boolean;
  /** GraphQL requests per second one API key may make, across every API process (token bucket); 0: no limit. */
  apiRateLimitPerSecond: number;
  /** How many requests a key may make at once before the per-second rate applies. */
  apiRateBurst: number;
  /**
   * Requests per second one client address may make without a valid key (anonymous, or with a key
   * that turns out unknown), in each API process; past it they are refused before any lookup. 0: no limit.
   */
  apiAddressRateLimitPerSecond: number;
  apiAddressRateBurst: number;
  /** Proxies in front of the API that append to X-Forwarded-For: the client's address is the one the outermost saw. */
  trustProxyHops: number;
  /** Live API keys one account may hold at once. */
  maxApiKeysPerAccount: number;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** Deliveries go out through this HTTP proxy (static egress IPs); the SSRF guard still checks the destination. */
  proxyUrl: string | null;
  /** OTLP/HTTP traces go here when set (OTEL_EXPORTER_OTLP_ENDPOINT); no tracing at all otherwise. */
  otelEndpoint: string | null;
  version: string;
  /**
   * HOOKWIRE_PUBLIC_URL: the address senders and customers reach the API at (a source's ingest URL
   * and a portal link start with it);
   * null: the API's own address.
   */
  publicUrl: string | null;
  /** Requests a second one source's ingest URL takes, across every API process (token bucket); 0: no limit. */
  sourceRateLimitPerSecond: number;
  sourceRateBurst: number;
  /** NODE_ENV=production: an encryption key is required (none is generated), logs are JSON. */
  production: boolean;
  /**
   * HOOKWIRE_ENCRYPTION_KEY: the keys that seal secrets at rest, the first one sealing. null: a
   * development setup keeps its own in the data directory; production refuses to start.
   */
  encryptionKeys: SealingKey[] | null;
  /** HOOKWIRE_PORTAL_FRAME_ANCESTORS: the CSP frame-ancestors of the portal's responses (default 'self'). */
  portalFrameAncestors: string;
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

function url(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got ${JSON.stringify(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** Space-separated CSP sources ('self', 'none', origins); no character that could end the header's directive. */
function frameAncestors(raw: string | undefined): string {
  const value = raw?.trim().replace(/\s+/g, ' ');
  if (!value) return "'self'";
  if (/[;,\r\n]/.test(value)) {
    throw new ConfigError(`HOOKWIRE_PORTAL_FRAME_ANCESTORS must be space-separated CSP sources (e.g. 'self' https://app.example.com), got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The deployment's default schedule: within what an endpoint's own retrySchedule may be. */
export function parseRetrySchedule(raw: string, name = 'HOOKWIRE_RETRY_SCHEDULE'): number[] {
  const { retryScheduleMax: max, retryDelayMinSeconds: min, retryDelayMaxSeconds: longest } = ENDPOINT_LIMITS;
  const parts = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const values = parts.map(Number);
  if (parts.length > max || values.some((v) => !Number.isInteger(v) || v < min || v > longest)) {
    throw new ConfigError(`${name} must be at most ${max} comma-separated whole seconds from ${min} to ${longest}, got ${JSON.stringify(raw)}`);
  }
  return values;
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const level = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }
  const production = env.NODE_ENV === 'production';
  const encryptionKeys = env.HOOKWIRE_ENCRYPTION_KEY?.trim() ? parseEncryptionKeys(env.HOOKWIRE_ENCRYPTION_KEY) : null;
  if (encryptionKeys) {
    try {
      new Sealer(encryptionKeys);
    } catch (error) {
      throw new ConfigError(`HOOKWIRE_ENCRYPTION_KEY: ${(error as Error).message}`);
    }
  } else if (production) {
    throw new ConfigError(
      'HOOKWIRE_ENCRYPTION_KEY is required with NODE_ENV=production (signing secrets are stored sealed with it): ' +
        'set it to "k1:" followed by the base64 of 32 random bytes, e.g. k1:$(openssl rand -base64 32)',
    );
  }
  const logFormat = env.LOG_FORMAT?.trim().toLowerCase() || (production ? 'json' : 'pretty');
  if (logFormat !== 'json' && logFormat !== 'pretty') {
    throw new ConfigError(`LOG_FORMAT must be json or pretty, got ${JSON.stringify(env.LOG_FORMAT)}`);
  }
  const adminKey = env.HOOKWIRE_ADMIN_KEY?.trim() || null;
  const metricsToken = env.HOOKWIRE_METRICS_TOKEN?.trim() || null;
  if (metricsToken !== null && metricsToken.length < 16) {
    throw new ConfigError('HOOKWIRE_METRICS_TOKEN must be at least 16 characters long');
  }
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
    workerConcurrency: int(env, 'HOOKWIRE_WORKER_CONCURRENCY', 500, 1, 10_000),
    workerLanes: int(env, 'HOOKWIRE_WORKER_LANES', 100, 1, 10_000),
    // A default for endpoints that set none: within what an endpoint may set itself.
    endpointConcurrency: int(env, 'HOOKWIRE_ENDPOINT_CONCURRENCY', 10, ENDPOINT_LIMITS.concurrencyLimitMin, ENDPOINT_LIMITS.concurrencyLimitMax),
    laneSliceMs: int(env, 'HOOKWIRE_LANE_SLICE_MS', 250, 10, 60_000),
    laneLeaseGraceMs: int(env, 'HOOKWIRE_LANE_LEASE_GRACE_MS', 15_000, 100, 3_600_000),
    workerPollMs: int(env, 'HOOKWIRE_WORKER_POLL_MS', 1_000, 10, 60_000),
    workerDbPool: int(env, 'HOOKWIRE_WORKER_DB_POOL', 8, 2, 100),
    workerProcesses: int(env, 'HOOKWIRE_WORKER_PROCESSES', 1, 0, 64),
    failingAfter: int(env, 'HOOKWIRE_FAILING_AFTER', 5, 1, 1_000),
    shutdownTimeoutMs: int(env, 'HOOKWIRE_SHUTDOWN_TIMEOUT_MS', 30_000, 0, 600_000),
    logLevel: level as Config['logLevel'],
    production,
    encryptionKeys,
    logFormat,
    development: env.NODE_ENV === 'development',
    apiRateLimitPerSecond: int(env, 'HOOKWIRE_API_RATE_LIMIT', 1_000, 0, 1_000_000),
    apiRateBurst: int(env, 'HOOKWIRE_API_RATE_BURST', 2_000, 1, 1_000_000),
    apiAddressRateLimitPerSecond: int(env, 'HOOKWIRE_API_ADDRESS_RATE_LIMIT', 20, 0, 1_000_000),
    apiAddressRateBurst: int(env, 'HOOKWIRE_API_ADDRESS_RATE_BURST', 100, 1, 1_000_000),
    trustProxyHops: int(env, 'HOOKWIRE_TRUST_PROXY_HOPS', 0, 0, 10),
    maxApiKeysPerAccount: int(env, 'HOOKWIRE_MAX_API_KEYS', 25, 1, 10_000),
    metricsToken,
    proxyUrl: url(env, 'HOOKWIRE_PROXY_URL'),
    otelEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    portalFrameAncestors: frameAncestors(env.HOOKWIRE_PORTAL_FRAME_ANCESTORS),
    version: env.npm_package_version ?? '0.1.0',
    publicUrl: url(env, 'HOOKWIRE_PUBLIC_URL')?.replace(/\/+$/, '') ?? null,
    sourceRateLimitPerSecond: int(env, 'HOOKWIRE_SOURCE_RATE_LIMIT', SOURCE_LIMITS.ingestRatePerSecondDefault, 0, 1_000_000),
    sourceRateBurst: int(env, 'HOOKWIRE_SOURCE_RATE_BURST', SOURCE_LIMITS.ingestRateBurstDefault, 1, 1_000_000),
  });
}
