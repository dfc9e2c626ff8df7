// Broker URLs and destinations: every scheme parsed, each bad part named, credentials masked and never echoed.

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BrokerUrlError, brokerKindOfUrl, parseBrokerUrl, scrub, type BrokerKind } from '../../src/delivery/brokers/url.ts';
import { routingKeyFor, subjectFor, toBrokerDestination } from '../../src/delivery/brokers/destination.ts';
import { destinationProblems } from '../../src/domain/broker-target.ts';

function problemsOf(raw: string, kind?: BrokerKind) {
  try {
    parseBrokerUrl(raw, kind);
  } catch (error) {
    expect(error).toBeInstanceOf(BrokerUrlError);
    return (error as BrokerUrlError).problems;
  }
  throw new Error(`${raw} parsed`);
}

describe('parseBrokerUrl', () => {
  it.each([
    ['amqp://guest:guest@127.0.0.1:5672/', 'RABBITMQ', { tls: false, host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/' }],
    ['amqps://u:p%40ss@Rabbit.Example.com/prod', 'RABBITMQ', { tls: true, host: 'rabbit.example.com', port: 5671, password: 'p@ss', vhost: 'prod' }],
    ['amqp://host/%2Fweird', 'RABBITMQ', { vhost: '/weird', username: null, password: null }],
    ['amqp://host?heartbeat=10', 'RABBITMQ', { heartbeatSeconds: 10, vhost: '/' }],
    ['nats://127.0.0.1:4222', 'NATS', { tls: false, port: 4222, username: null }],
    ['tls://s3cr3t-token@nats.example.com', 'NATS', { tls: true, username: 's3cr3t-token', password: null }],
    ['nats://[::1]:4223', 'NATS', { host: '::1', port: 4223 }],
    ['redis://127.0.0.1:6379', 'REDIS_STREAM', { database: 0, username: null, password: null }],
    ['rediss://default:pw@cache.example.com:6380/3', 'REDIS_STREAM', { tls: true, port: 6380, username: 'default', password: 'pw', database: 3 }],
    ['redis://:only-password@localhost', 'REDIS_STREAM', { username: null, password: 'only-password' }],
  ] as const)('%s is a %s URL', (raw, kind, fields) => {
    const url = parseBrokerUrl(raw, kind);
    expect(url.kind).toBe(kind);
    expect(brokerKindOfUrl(raw)).toBe(kind);
    expect(url).toMatchObject(fields);
  });

  it.each([
    ['http://example.com', 'RABBITMQ', 'scheme'],
    ['nats://example.com', 'RABBITMQ', 'scheme'],
    ['amqp://', 'RABBITMQ', 'host'],
    ['amqp://host:0', 'RABBITMQ', 'port'],
    ['amqp://host:99999', 'RABBITMQ', 'port'],
    ['amqp://host:12ab', 'RABBITMQ', 'port'],
    ['amqp://ho st', 'RABBITMQ', 'url'],
    ['amqp://bad_%zz@host', 'RABBITMQ', 'credentials'],
    ['amqp://host/a/b', 'RABBITMQ', 'path'],
    ['amqp://host?frame=1', 'RABBITMQ', 'query'],
    ['amqp://host?heartbeat=-1', 'RABBITMQ', 'query'],
    ['amqp://host#x', 'RABBITMQ', 'fragment'],
    ['amqp://-bad-.example', 'RABBITMQ', 'host'],
    ['nats://::1:4222', 'NATS', 'host'],
    ['nats://[::1', 'NATS', 'host'],
    ['nats://host/path', 'NATS', 'path'],
    ['redis://host/db', 'REDIS_STREAM', 'path'],
    ['redis://@host', 'REDIS_STREAM', 'credentials'],
    ['', 'REDIS_STREAM', 'url'],
    ['not a url', undefined, 'url'],
  ] as const)('%s: the %s problem is %s', (raw, kind, part) => {
    expect(problemsOf(raw, kind).map((p) => p.part)).toContain(part);
  });

  it('lists every bad part at once', () => {
    expect(problemsOf('amqp://:pw@:99999/a/b?x=1#f', 'RABBITMQ').map((p) => p.part)).toEqual(['host', 'port', 'path', 'query', 'fragment']);
  });

  it('never echoes the credentials of a bad URL', () => {
    for (const raw of ['amqp://user:hunter2-secret@:1', 'nats://hunter2-secret@host/x', 'redis://u:hunter2-secret@host/nope']) {
      try {
        parseBrokerUrl(raw);
        throw new Error('parsed');
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });

  it('masks the password, and a NATS token, wherever the URL is shown', () => {
    const amqp = parseBrokerUrl('amqp://guest:guest@rabbit.example.com/vh');
    expect(amqp.display).toBe('amqp://guest:****@rabbit.example.com/vh');
    expect(String(amqp)).toBe(amqp.display);
    expect(JSON.stringify({ url: amqp })).toBe('{"url":"amqp://guest:****@rabbit.example.com/vh"}');
    expect(inspect({ amqp })).not.toContain('guest:guest');
    expect(parseBrokerUrl('tls://tok3n@nats.example.com:4333').display).toBe('tls://****@nats.example.com:4333');
    expect(parseBrokerUrl('redis://:pw@[::1]/2').display).toBe('redis://:****@[::1]/2');
    expect(parseBrokerUrl('amqp://only-user@host').display).toBe('amqp://only-user@host/');
  });

  it('scrubs the credentials out of a library message', () => {
    const url = parseBrokerUrl('amqp://app:p%2Fss%20w0rd@host');
    expect(scrub('login failed for app:p/ss w0rd at amqp://app:p%2Fss%20w0rd@host', url)).not.toMatch(/w0rd/);
    expect(scrub('see redis://x:y@elsewhere:1', null)).toBe('see redis://x:****@elsewhere:1');
  });
});

describe('destinations', () => {
  const url = { RABBITMQ: 'amqp://127.0.0.1', NATS: 'nats://127.0.0.1', REDIS_STREAM: 'redis://127.0.0.1' } as const;

  it('accepts what each kind needs', () => {
    expect(destinationProblems({ kind: 'RABBITMQ', url: url.RABBITMQ })).toEqual([]);
    expect(destinationProblems({ kind: 'RABBITMQ', url: url.RABBITMQ, exchange: 'hooks.events', routingKey: 'rk' })).toEqual([]);
    expect(destinationProblems({ kind: 'NATS', url: url.NATS, subject: 'hooks.{type}' })).toEqual([]);
    expect(destinationProblems({ kind: 'REDIS_STREAM', url: url.REDIS_STREAM, stream: 'hooks:events' })).toEqual([]);
  });

  it.each([
    [{ kind: 'RABBITMQ', url: 'nats://h' }, 'url'],
    [{ kind: 'RABBITMQ', url: url.RABBITMQ, exchange: 'bad exchange' }, 'exchange'],
    [{ kind: 'RABBITMQ', url: url.RABBITMQ, exchange: 'x'.repeat(256) }, 'exchange'],
    [{ kind: 'RABBITMQ', url: url.RABBITMQ, routingKey: '' }, 'routingKey'],
    [{ kind: 'RABBITMQ', url: url.RABBITMQ, subject: 'a' }, 'subject'],
    [{ kind: 'NATS', url: url.NATS }, 'subject'],
    [{ kind: 'NATS', url: url.NATS, subject: 'hooks.*' }, 'subject'],
    [{ kind: 'NATS', url: url.NATS, subject: 'hooks.>' }, 'subject'],
    [{ kind: 'NATS', url: url.NATS, subject: 'hooks..x' }, 'subject'],
    [{ kind: 'NATS', url: url.NATS, subject: '$JS.API.STREAM.DELETE.x' }, 'subject'],
    [{ kind: 'NATS', url: url.NATS, subject: 'a b' }, 'subject'],
    [{ kind: 'NATS', url: url.NATS, subject: 'a', stream: 's' }, 'stream'],
    [{ kind: 'REDIS_STREAM', url: url.REDIS_STREAM }, 'stream'],
    [{ kind: 'REDIS_STREAM', url: url.REDIS_STREAM, stream: 'a\nb' }, 'stream'],
    [{ kind: 'REDIS_STREAM', url: url.REDIS_STREAM, stream: 's', exchange: 'x' }, 'exchange'],
  ] as const)('%o: a problem on %s', (input, field) => {
    expect(destinationProblems(input).map((p) => p.field)).toContain(field);
  });

  it('routes by the event type unless told otherwise', () => {
    const rabbit = toBrokerDestination({ kind: 'RABBITMQ' });
    expect(rabbit).toEqual({ kind: 'RABBITMQ', exchange: '', routingKey: null });
    expect(routingKeyFor({ routingKey: null }, 'message.received')).toBe('message.received');
    expect(routingKeyFor({ routingKey: 'all' }, 'message.received')).toBe('all');
    expect(subjectFor({ subject: 'hooks.{type}' }, 'message.received')).toBe('hooks.message.received');
    expect(subjectFor({ subject: 'hooks' }, 'message.received')).toBe('hooks');
  });
});
