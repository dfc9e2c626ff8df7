// The bounds of what an endpoint may be set to: the one place each number is written. The domain's
// input schemas, the delivery header rules, the environment's bounds (config.ts), the GraphQL
// descriptions and the dashboard's help text all read them from here.
//
// Plain data with no imports, so that every layer and the dashboard's bundle (web/) can take it
// without taking anything else: the dashboard is built from the same commit as the API it talks
// to, so a constant compiled into it cannot disagree with the API that enforces it.

/** What one header name or value may be, wherever a customer sets a header. */
export const HEADER_LIMITS = Object.freeze({
  nameMaxLength: 256,
  valueMaxLength: 4096,
});

/** An endpoint's own signing secret (DESIGN: 16–128 printable ASCII; a whsec_ key of at least 16 bytes). */
export const SECRET_LIMITS = Object.freeze({
  minLength: 16,
  maxLength: 128,
  minWhsecKeyBytes: 16,
});

export const ENDPOINT_LIMITS = Object.freeze({
  urlMaxLength: 2048,
  /** In characters (code points), not UTF-16 units. */
  descriptionMaxLength: 200,
  eventTypesMax: 50,
  sessionIdsMax: 100,
  /** In characters (code points). */
  sessionIdMaxLength: 128,
  rateLimitMin: 1,
  rateLimitMax: 1000,
  timeoutMsMin: 100,
  timeoutMsMax: 30_000,
  timeoutMsDefault: 5000,
  /** Also the bounds of HOOKWIRE_RETRY_SCHEDULE, the deployment's default schedule. */
  retryScheduleMax: 20,
  retryDelayMinSeconds: 1,
  retryDelayMaxSeconds: 86_400,
  headersMax: 20,
  headerNameMaxLength: HEADER_LIMITS.nameMaxLength,
  headerValueMaxLength: HEADER_LIMITS.valueMaxLength,
  /** In characters (code points). */
  verifyTokenMaxLength: 256,
  /** Also the bounds of HOOKWIRE_ENDPOINT_CONCURRENCY, the deployment's default. */
  concurrencyLimitMin: 1,
  concurrencyLimitMax: 100,
  /** In UTF-8 bytes. */
  transformationMaxBytes: 64 * 1024,
});

/** A platform's accounts (issue 17): the platform's own id for a customer, and its metadata. */
export const ACCOUNT_LIMITS = Object.freeze({
  /** Printable ASCII without spaces, so that it travels in a header (Hookwire-Account) as it is. */
  externalIdMaxLength: 128,
  /** The metadata as JSON text, in bytes. */
  metadataMaxBytes: 16_384,
  /** Accounts per page of the admin's listing. */
  pageMax: 100,
});

/** Sources (issue 18): what one may be set to, and what its public ingest URL takes. */
export const SOURCE_LIMITS = Object.freeze({
  /** In characters (code points). */
  nameMaxLength: 200,
  /** Meta's app secret and verify token, in characters. */
  secretMaxLength: 256,
  perAccountMax: 100,
  /** Meta's webhook bodies reach 3 MB; a margin above it, then 413. */
  ingestBodyMaxBytes: 4 * 1024 * 1024,
  /** Default of HOOKWIRE_SOURCE_RATE_LIMIT: requests a second per source, across API processes. */
  ingestRatePerSecondDefault: 200,
  /** Default of HOOKWIRE_SOURCE_RATE_BURST. */
  ingestRateBurstDefault: 1000,
  recentRequestsMax: 100,
  /** A broker source's queue, subject or stream name, in characters. */
  brokerNameMaxLength: 255,
});

/** Portal sessions (issue 17). */
export const PORTAL_LIMITS = Object.freeze({
  expiresInSecondsMin: 300,
  expiresInSecondsMax: 604_800,
  expiresInSecondsDefault: 3_600,
  productNameMax: 100,
  logoUrlMax: 2_048,
});
