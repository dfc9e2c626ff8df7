// The logger: JSON lines in production, readable lines in development, and no secret in either,
// whoever logs it: authorization and signature headers, signing secrets, API keys, custom headers.
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../../src/log.ts';

function capture(format: 'json' | 'pretty', level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, { format, write: (line) => lines.push(line) }) };
}

const attempt = {
  endpoint: { id: 'ep_1', url: 'https://example.com/hook', signingSecret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0', headers: { 'X-Api-Token': 'tenant-credential-123' } },
  request: {
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      'webhook-signature': 'v1,abcdefghijklmnop',
      'x-webhook-signature': 'sha256=0123456789abcdef',
      authorization: 'Bearer hk_abcdefghijklmnopqrstuvwxyz',
      'X-Custom': 'another-credential',
    },
  },
  apiKey: 'hk_secretsecretsecretsecret',
};

describe('log lines', () => {
  it('are one JSON object per line in json format, with level, time and message', () => {
    const { lines, logger } = capture('json');
    logger.info('delivered', { deliveryId: 'dlv_1', status: 200 });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 30, msg: 'delivered', deliveryId: 'dlv_1', status: 200 });
    expect(new Date(line.time).getTime()).not.toBeNaN();
  });

  it('carry an error with its stack', () => {
    const { lines, logger } = capture('json');
    logger.error('request failed', new Error('boom'));
    const line = JSON.parse(lines[0]!);
    expect(line.err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(line.err.stack).toMatch(/boom\n\s+at /);
  });

  it('are readable in pretty format', () => {
    const { lines, logger } = capture('pretty');
    logger.warn('listener lost its connection', 'reconnecting');
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z WARN  listener lost its connection reconnecting$/);
  });

  it('respect the level', () => {
    const { lines, logger } = capture('json', 'info');
    logger.debug('noise');
    logger.info('signal');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['signal']);
  });
});

describe('redaction', () => {
  for (const format of ['json', 'pretty'] as const) {
    it(`keeps secrets out of ${format} lines`, () => {
      const { lines, logger } = capture(format);
      logger.info('attempt', attempt);
      logger.error('failed', Object.assign(new Error('request with hk_abcdefghijklmnopqrstuvwxyz failed'), { headers: attempt.request.headers }));
      logger.info(`secret in the message: whsec_c2VjcmV0c2VjcmV0c2VjcmV0 and hk_abcdefghijklmnopqrstuvwxyz`);
      const text = lines.join('\n');
      for (const secret of ['whsec_c2VjcmV0c2VjcmV0c2VjcmV0', 'tenant-credential-123', 'v1,abcdefghijklmnop', 'sha256=0123456789abcdef', 'hk_abcdefghijklmnopqrstuvwxyz', 'another-credential', 'hk_secretsecretsecretsecret']) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain(REDACTED);
      // What is not secret stays, so the line is still useful.
      expect(text).toContain('https://example.com/hook');
      expect(text).toContain('evt_1');
      expect(text).toContain('application/json');
    });
  }

  it('redacts at every depth, and survives a cycle', () => {
    const { lines, logger } = capture('json');
    const looped: Record<string, unknown> = { a: { b: { c: { authorization: 'Bearer x' } } } };
    looped.self = looped;
    logger.info('deep', looped);
    const line = JSON.parse(lines[0]!);
    expect(line.a.b.c.authorization).toBe(REDACTED);
  });
});
