// The rules of a broker target (src/domain/broker-target.ts), declared once for an endpoint that
// publishes to a broker and a source that consumes from one: each problem on its field, with the
// words the API has always returned.
import { describe, expect, it } from 'vitest';
import { checkBrokerUrl, destinationProblems, sourceTargetErrors } from '../../src/domain/broker-target.ts';

const said = (errors: Array<{ path: string[]; message: string }>) => errors.map((e) => `${e.path.join('.')}: ${e.message}`);

describe('a broker URL', () => {
  it('names the part at fault; an endpoint leaves the name out when the part is the whole URL', () => {
    expect(checkBrokerUrl('amqp://127.0.0.1', 'RABBITMQ', { nameWholeUrl: true })).toMatchObject({ url: { display: 'amqp://127.0.0.1/' }, problems: [] });
    expect(checkBrokerUrl('redis://h', 'NATS', { nameWholeUrl: false }).problems).toEqual(['scheme: a NATS broker needs nats:// or tls://, not redis://']);
    expect(checkBrokerUrl('a b', 'NATS', { nameWholeUrl: true })).toEqual({ url: null, problems: ['url: must not contain spaces or control characters'] });
    expect(checkBrokerUrl('a b', 'NATS', { nameWholeUrl: false }).problems).toEqual(['must not contain spaces or control characters']);
    expect(checkBrokerUrl('amqp://guest:s3cret@h:99999', 'RABBITMQ', { nameWholeUrl: true }).problems.join(' ')).not.toContain('s3cret');
  });
});

describe("an endpoint's broker destination", () => {
  it('reports the URL first, then fields of another kind, then its own', () => {
    expect(destinationProblems({ kind: 'RABBITMQ', url: 'nats://h', subject: 'a', exchange: 'bad exchange!', routingKey: '' })).toEqual([
      { field: 'url', message: 'scheme: a RABBITMQ broker needs amqp:// or amqps://, not nats://' },
      { field: 'subject', message: 'does not apply to a RABBITMQ destination' },
      { field: 'exchange', message: 'may contain only letters, digits, "-", "_", "." and ":" (empty: the default exchange)' },
      { field: 'routingKey', message: 'must not be empty: leave it out to route by the event type' },
    ]);
  });

  it.each([
    [{ subject: null }, 'is required for a NATS destination'],
    [{ subject: '' }, 'is required for a NATS destination'],
    [{ subject: 'x'.repeat(256) }, 'must be at most 255 characters long'],
    [{ subject: '$SYS.x' }, 'subjects starting with $ are reserved for the NATS system'],
    [{ subject: 'a..b' }, 'has an empty token: no leading, trailing or doubled "."'],
    [{ subject: 'hooks.>' }, 'must not contain spaces or the wildcards * and > (a message is published to one subject)'],
  ])('NATS %o: %s', (fields, message) => {
    expect(destinationProblems({ kind: 'NATS', url: 'nats://h', ...fields })).toEqual([{ field: 'subject', message }]);
  });

  it('takes {type} in a subject and byte-counts AMQP names', () => {
    expect(destinationProblems({ kind: 'NATS', url: 'nats://h', subject: 'hooks.{type}' })).toEqual([]);
    expect(destinationProblems({ kind: 'RABBITMQ', url: 'amqp://h', routingKey: 'é'.repeat(128) })).toEqual([{ field: 'routingKey', message: 'must be at most 255 bytes' }]);
    expect(destinationProblems({ kind: 'REDIS_STREAM', url: 'redis://h', stream: 'a\tb' })).toEqual([{ field: 'stream', message: 'must not contain control characters' }]);
  });
});

describe("a source's broker target", () => {
  it('on create needs the URL and the one field of its kind, and refuses the others, in field order', () => {
    expect(said(sourceTargetErrors({ queue: 'q', stream: 's' }, 'NATS', 'create'))).toEqual([
      "input.brokerUrl: is required: the broker's URL",
      'input.queue: is not for NATS sources (they take subject)',
      'input.subject: is required: the subject a NATS source consumes',
      'input.stream: is not for NATS sources (they take subject)',
    ]);
    expect(said(sourceTargetErrors({ stream: 's' }, 'SIGNED_HTTP', 'create'))).toEqual(['input.stream: is for broker sources (RABBITMQ, NATS, REDIS_STREAM) only']);
  });

  it('on update leaves absent and null alone, and checks a name given', () => {
    expect(sourceTargetErrors({ brokerUrl: null, queue: null }, 'RABBITMQ', 'update')).toEqual([]);
    expect(said(sourceTargetErrors({ queue: 'a b' }, 'RABBITMQ', 'update'))).toEqual(['input.queue: must not contain spaces or control characters']);
    expect(said(sourceTargetErrors({ queue: '  ' }, 'RABBITMQ', 'update'))).toEqual(['input.queue: must be 1 to 255 characters long']);
    expect(said(sourceTargetErrors({ stream: 'é'.repeat(256) }, 'REDIS_STREAM', 'update'))).toEqual(['input.stream: must be 1 to 255 characters long']);
    expect(said(sourceTargetErrors({ stream: 'a\0b' }, 'REDIS_STREAM', 'update'))).toEqual(['input.stream: must not contain NUL characters (\\u0000)']);
    // A consumer may use NATS wildcards: what an endpoint may not publish to, a source may read.
    expect(sourceTargetErrors({ subject: 'orders.>' }, 'NATS', 'update')).toEqual([]);
  });
});
