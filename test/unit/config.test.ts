// The configuration of the production items: defaults, and a clear ConfigError for each bad value.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('has defaults that need nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      logFormat: 'pretty',
      development: false,
      apiRateLimitPerSecond: 1_000,
      apiRateBurst: 2_000,
      maxApiKeysPerAccount: 25,
      metricsToken: null,
      proxyUrl: null,
      otelEndpoint: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('logs JSON in production unless told otherwise, and details errors only in development', () => {
    // Production needs its own encryption key (secrets.test.ts checks the refusal without one).
    const key = { HOOKWIRE_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}` };
    expect(loadConfig({ NODE_ENV: 'production', ...key })).toMatchObject({ logFormat: 'json', development: false, production: true });
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty', ...key }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'JSON' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'development' }).development).toBe(true);
  });

  it('reads the proxy, the OTLP endpoint and the metrics token', () => {
    const config = loadConfig({
      HOOKWIRE_PROXY_URL: 'http://user:pass@egress.internal:3128',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      HOOKWIRE_METRICS_TOKEN: 'a-long-enough-token',
      HOOKWIRE_API_RATE_LIMIT: '0',
    });
    expect(config).toMatchObject({
      proxyUrl: 'http://user:pass@egress.internal:3128',
      otelEndpoint: 'http://127.0.0.1:4318',
      metricsToken: 'a-long-enough-token',
      apiRateLimitPerSecond: 0,
    });
  });

  it.each([
    [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT must be json or pretty/],
    [{ HOOKWIRE_METRICS_TOKEN: 'short' }, /HOOKWIRE_METRICS_TOKEN must be at least 16/],
    [{ HOOKWIRE_PROXY_URL: 'not a url' }, /HOOKWIRE_PROXY_URL must be an http/],
    [{ HOOKWIRE_PROXY_URL: 'socks5://127.0.0.1:1080' }, /HOOKWIRE_PROXY_URL must be an http/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http/],
    [{ HOOKWIRE_API_RATE_LIMIT: '-1' }, /HOOKWIRE_API_RATE_LIMIT must be an integer/],
    [{ HOOKWIRE_API_RATE_BURST: '0' }, /HOOKWIRE_API_RATE_BURST must be an integer/],
    [{ HOOKWIRE_MAX_API_KEYS: '0' }, /HOOKWIRE_MAX_API_KEYS must be an integer/],
    [{ HOOKWIRE_PUBLIC_URL: 'ftp://hooks.example.com' }, /HOOKWIRE_PUBLIC_URL must be an http/],
    // A ';' would end the frame-ancestors directive and start another in the portal's CSP header.
    [{ HOOKWIRE_PORTAL_FRAME_ANCESTORS: "'self'; script-src *" }, /HOOKWIRE_PORTAL_FRAME_ANCESTORS must be space-separated CSP sources/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads where customers reach the deployment and who may frame the portal', () => {
    expect(loadConfig({})).toMatchObject({ publicUrl: null, portalFrameAncestors: "'self'" });
    const config = loadConfig({ HOOKWIRE_PUBLIC_URL: 'https://hooks.example.com/', HOOKWIRE_PORTAL_FRAME_ANCESTORS: "  'self'   https://app.example.com " });
    expect(config).toMatchObject({ publicUrl: 'https://hooks.example.com', portalFrameAncestors: "'self' https://app.example.com" });
  });
});
