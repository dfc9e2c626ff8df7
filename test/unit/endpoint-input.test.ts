// Unit tests of endpoint input validation: each rule's accept and reject, paths, update semantics.

import { describe, expect, it } from 'vitest';
import {
  assertValidEndpointInput,
  validateEndpointInput,
  type EndpointInput,
} from '../../src/domain/endpoint-input.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { customHeaderNameProblem, headerValueProblem } from '../../src/delivery/header-rules.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ENDPOINT_LIMITS } from '../../src/limits.ts';

const CREATE = { mode: 'create', allowPrivateNetworks: false } as const;
const UPDATE = { mode: 'update', allowPrivateNetworks: false } as const;

const VALID: EndpointInput = {
  url: 'https://example.com/webhooks/whatsapp',
  description: 'CRM sync',
  eventTypes: ['message.*'],
};

/** A create input that is valid except for what `extra` changes; `unknown` lets tests send bad types. */
function create(extra: Record<string, unknown>, opts: { allowPrivateNetworks?: boolean } = {}) {
  return validateEndpointInput({ ...VALID, ...extra } as EndpointInput, {
    ...CREATE,
    allowPrivateNetworks: opts.allowPrivateNetworks ?? false,
  });
}

function paths(result: { errors: { path: string[] }[] }): string[] {
  return result.errors.map((e) => e.path.join('.'));
}

describe('create', () => {
  it('accepts the minimal input and fills in every default', () => {
    const { value, errors } = validateEndpointInput(VALID, CREATE);
    expect(errors).toEqual([]);
    expect(value).toEqual({
      url: 'https://example.com/webhooks/whatsapp',
      description: 'CRM sync',
      eventTypes: ['message.*'],
      sessionIds: null,
      rateLimitPerSecond: null,
      timeoutMs: 5000,
      retrySchedule: null,
      headers: null,
      concurrencyLimit: null,
      ordered: false,
      signatureHeader: null,
      transformation: null,
      filter: null,
      destination: { kind: 'HTTP' },
    });
  });

  it('accepts a full input', () => {
    const { value, errors } = validateEndpointInput(
      {
        ...VALID,
        sessionIds: ['sess_a', 'sess_b'],
        rateLimitPerSecond: 10,
        timeoutMs: 10_000,
        retrySchedule: [5, 60],
        headers: { 'X-Api-Key': 'secret', Authorization: 'Bearer abc' },
        verifyToken: 'my-token',
      },
      CREATE,
    );
    expect(errors).toEqual([]);
    expect(value).toMatchObject({
      sessionIds: ['sess_a', 'sess_b'],
      rateLimitPerSecond: 10,
      timeoutMs: 10_000,
      retrySchedule: [5, 60],
      headers: { 'X-Api-Key': 'secret', Authorization: 'Bearer abc' },
      verifyToken: 'my-token',
    });
  });

  it('requires url, description and eventTypes, and says so for each at once', () => {
    const result = validateEndpointInput({}, CREATE);
    expect(result.errors).toEqual([
      { path: ['input', 'url'], message: 'is required' },
      { path: ['input', 'description'], message: 'is required' },
      { path: ['input', 'eventTypes'], message: 'is required' },
    ]);
  });

  it('treats null for a required field as missing', () => {
    expect(paths(create({ url: null, description: null, eventTypes: null }))).toEqual([
      'input.url',
      'input.description',
      'input.eventTypes',
    ]);
  });

  it('collects errors of many fields in one pass', () => {
    const result = create({
      url: 'ftp://example.com',
      description: '',
      eventTypes: ['message.*', 'nope'],
      sessionIds: [],
      rateLimitPerSecond: 0,
      timeoutMs: 50,
      retrySchedule: [0],
      headers: { 'content-type': 'text/plain' },
      verifyToken: '',
    });
    expect(paths(result)).toEqual([
      'input.url',
      'input.description',
      'input.eventTypes.1',
      'input.sessionIds',
      'input.rateLimitPerSecond',
      'input.timeoutMs',
      'input.retrySchedule.0',
      'input.headers.content-type',
      'input.verifyToken',
    ]);
  });

  it('assertValidEndpointInput returns the value or throws ValidationError with every field error', () => {
    expect(assertValidEndpointInput(VALID, CREATE).timeoutMs).toBe(5000);
    let thrown: unknown;
    try {
      assertValidEndpointInput({ ...VALID, url: 'nope', timeoutMs: 1 }, CREATE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).fieldErrors.map((e) => e.path.join('.'))).toEqual([
      'input.url',
      'input.timeoutMs',
    ]);
  });
});

describe('url', () => {
  it.each([
    ['https://example.com/hook', 'https://example.com/hook'],
    ['  https://example.com/hook  ', 'https://example.com/hook'],
    ['https://example.com:8443/a/b?x=1&y=2', 'https://example.com:8443/a/b?x=1&y=2'],
    ['https://[2001:db8::1]/hook', 'https://[2001:db8::1]/hook'],
    ['HTTPS://Example.COM/hook', 'HTTPS://Example.COM/hook'],
  ])('accepts %s', (url, expected) => {
    const { value, errors } = create({ url });
    expect(errors).toEqual([]);
    expect(value.url).toBe(expected);
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['example.com/hook', 'must be an absolute URL'],
    ['/hook', 'must be an absolute URL'],
    ['https://', 'must be an absolute URL'],
    ['http://example.com/hook', 'must use https'],
    ['ftp://example.com/hook', 'must use https'],
    ['javascript:alert(1)', 'must use https'],
    ['https://user:pass@example.com/hook', 'username or password'],
    ['https://user@example.com/hook', 'username or password'],
    ['https://example.com/hook#frag', 'fragment'],
    ['https://example.com/hook#', 'fragment'],
    ['https://example.com/ho ok', 'spaces or control characters'],
    ['https://example.com/ho\tok', 'spaces or control characters'],
    [42, 'must be a string'],
  ])('rejects %j', (url, message) => {
    const { errors } = create({ url });
    expect(errors).toEqual([{ path: ['input', 'url'], message: expect.stringContaining(message) }]);
  });

  it('accepts 2048 characters, not 2049', () => {
    const url = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
    expect(create({ url }).errors).toEqual([]);
    expect(create({ url: `${url}a` }).errors).toEqual([
      { path: ['input', 'url'], message: 'must be at most 2048 characters long' },
    ]);
  });

  it('allows plain http only with allowPrivateNetworks', () => {
    expect(create({ url: 'http://127.0.0.1:4000/hook' }, { allowPrivateNetworks: true }).errors).toEqual([]);
    expect(create({ url: 'http://127.0.0.1:4000/hook' }).errors).toHaveLength(1);
    expect(create({ url: 'ftp://example.com/' }, { allowPrivateNetworks: true }).errors).toEqual([
      { path: ['input', 'url'], message: 'must use http or https' },
    ]);
  });

  it('reports both a wrong scheme and credentials', () => {
    expect(create({ url: 'ftp://u:p@example.com/#x' }).errors).toHaveLength(3);
  });
});

describe('description', () => {
  it.each([
    ['CRM sync', 'CRM sync'],
    ['  padded  ', 'padded'],
  ])('accepts %j', (description, expected) => {
    const { value, errors } = create({ description });
    expect(errors).toEqual([]);
    expect(value.description).toBe(expected);
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    [7, 'must be a string'],
  ])('rejects %j', (description, message) => {
    expect(create({ description }).errors).toEqual([
      { path: ['input', 'description'], message: expect.stringContaining(message) },
    ]);
  });

  it('accepts 200 characters, not 201, counting characters rather than UTF-16 units', () => {
    for (const c of ['x', 'é', '🚀']) {
      expect(create({ description: c.repeat(200) }).value.description).toBe(c.repeat(200));
      expect(create({ description: c.repeat(201) }).errors).toEqual([
        { path: ['input', 'description'], message: 'must be at most 200 characters long' },
      ]);
    }
  });
});

describe('eventTypes', () => {
  it.each([
    [['*'], ['*']],
    [['message.received', 'session.*'], ['message.received', 'session.*']],
    [['message.read', 'message.*', 'message.read', ' message.*'], ['message.read', 'message.*']],
  ])('accepts %j', (eventTypes, expected) => {
    const { value, errors } = create({ eventTypes });
    expect(errors).toEqual([]);
    expect(value.eventTypes).toEqual(expected);
  });

  it.each([
    [[], ['input.eventTypes'], 'at least one'],
    ['message.read', ['input.eventTypes'], 'must be a list'],
    [['message.read', 'order.created', 'mesage.*'], ['input.eventTypes.1', 'input.eventTypes.2'], 'not a known event type'],
    [['message.read', ''], ['input.eventTypes.1'], 'must not be empty'],
    [['message.read', 3], ['input.eventTypes.1'], 'must be a string'],
  ])('rejects %j', (eventTypes, expectedPaths, message) => {
    const result = create({ eventTypes });
    expect(paths(result)).toEqual(expectedPaths);
    expect(result.errors[0]!.message).toContain(message);
    expect(result.value.eventTypes).toBeUndefined();
  });

  it('accepts 50 entries, not 51, counting before duplicates are removed', () => {
    const fifty = Array.from({ length: 50 }, () => 'message.read');
    expect(create({ eventTypes: fifty }).value.eventTypes).toEqual(['message.read']);
    expect(create({ eventTypes: [...fifty, '*'] }).errors).toEqual([
      { path: ['input', 'eventTypes'], message: 'must have at most 50 items (got 51)' },
    ]);
  });
});

describe('sessionIds', () => {
  it.each([
    [null, null],
    [['s1'], ['s1']],
    [['s1', 's2', 's1', ' s2 '], ['s1', 's2']],
  ])('accepts %j', (sessionIds, expected) => {
    const { value, errors } = create({ sessionIds });
    expect(errors).toEqual([]);
    expect(value.sessionIds).toEqual(expected);
  });

  it.each([
    [[], ['input.sessionIds'], 'use null for every session'],
    [['ok', ''], ['input.sessionIds.1'], 'must not be empty'],
    [['ok', '  '], ['input.sessionIds.1'], 'must not be empty'],
    [[1, 'ok', null], ['input.sessionIds.0', 'input.sessionIds.2'], 'must be a string'],
    ['s1', ['input.sessionIds'], 'must be a list'],
  ])('rejects %j', (sessionIds, expectedPaths, message) => {
    const result = create({ sessionIds });
    expect(paths(result)).toEqual(expectedPaths);
    expect(result.errors[0]!.message).toContain(message);
  });

  it('accepts 100 ids of 128 characters, not 101 ids or 129 characters', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(128, 'x'));
    expect(create({ sessionIds: ids }).value.sessionIds).toEqual(ids);
    expect(paths(create({ sessionIds: [...ids, 'one-more'] }))).toEqual(['input.sessionIds']);
    expect(paths(create({ sessionIds: ['ok', 'x'.repeat(129)] }))).toEqual(['input.sessionIds.1']);
  });
});

describe('numbers', () => {
  it.each([
    ['rateLimitPerSecond', 1],
    ['rateLimitPerSecond', 1000],
    ['rateLimitPerSecond', null],
    ['timeoutMs', 100],
    ['timeoutMs', 30_000],
  ])('accepts %s = %j', (field, n) => {
    const { value, errors } = create({ [field]: n });
    expect(errors).toEqual([]);
    expect(value[field as 'timeoutMs']).toBe(n);
  });

  it.each([
    ['rateLimitPerSecond', 0, 'between 1 and 1000'],
    ['rateLimitPerSecond', 1001, 'between 1 and 1000'],
    ['rateLimitPerSecond', 1.5, 'must be an integer'],
    ['rateLimitPerSecond', '10', 'must be an integer'],
    ['rateLimitPerSecond', Number.NaN, 'must be an integer'],
    ['timeoutMs', 99, 'between 100 and 30000'],
    ['timeoutMs', 30_001, 'between 100 and 30000'],
    ['timeoutMs', -5, 'between 100 and 30000'],
    ['timeoutMs', Number.POSITIVE_INFINITY, 'must be an integer'],
  ])('rejects %s = %j', (field, n, message) => {
    expect(create({ [field]: n }).errors).toEqual([{ path: ['input', field], message: expect.stringContaining(message) }]);
  });

  it('timeoutMs null means the default', () => {
    expect(create({ timeoutMs: null }).value.timeoutMs).toBe(5000);
    expect(validateEndpointInput({ timeoutMs: null }, UPDATE).value).toEqual({ timeoutMs: 5000 });
  });
});

describe('retrySchedule', () => {
  it.each([
    [null, null],
    [[], []],
    [[1, 86_400], [1, 86_400]],
  ])('accepts %j', (retrySchedule, expected) => {
    const { value, errors } = create({ retrySchedule });
    expect(errors).toEqual([]);
    expect(value.retrySchedule).toEqual(expected);
  });

  it.each([
    [[60, 0, 86_401], ['input.retrySchedule.1', 'input.retrySchedule.2'], 'between 1 and 86400 seconds'],
    [[60, 2.5], ['input.retrySchedule.1'], 'must be an integer'],
    [60, ['input.retrySchedule'], 'must be a list'],
  ])('rejects %j', (retrySchedule, expectedPaths, message) => {
    const result = create({ retrySchedule });
    expect(paths(result)).toEqual(expectedPaths);
    expect(result.errors[0]!.message).toContain(message);
  });

  it('accepts 20 retries, not 21', () => {
    const twenty = Array.from({ length: 20 }, () => 60);
    expect(create({ retrySchedule: twenty }).value.retrySchedule).toEqual(twenty);
    expect(create({ retrySchedule: [...twenty, 60] }).errors).toEqual([
      { path: ['input', 'retrySchedule'], message: 'must have at most 20 retries (got 21)' },
    ]);
  });
});

describe('headers', () => {
  it.each([
    [null, null],
    [{}, {}],
    [{ 'X-Api-Key': 'k' }, { 'X-Api-Key': 'k' }],
    [{ 'X-Trimmed': '  v  ' }, { 'X-Trimmed': 'v' }],
    [{ 'X-Empty': '' }, { 'X-Empty': '' }],
    [{ "x!#$%&'*+-.^_`|~9": 'tchar' }, { "x!#$%&'*+-.^_`|~9": 'tchar' }],
    [{ 'X-Latin1': 'café\tau lait' }, { 'X-Latin1': 'café\tau lait' }],
  ])('accepts %j', (headers, expected) => {
    const { value, errors } = create({ headers });
    expect(errors).toEqual([]);
    expect(value.headers).toEqual(expected);
  });

  it.each([
    ['a string', 'X-Api-Key: k', ['input.headers'], 'must be an object'],
    ['an array', [['X-Api-Key', 'k']], ['input.headers'], 'must be an object'],
    ['a space in a name', { 'X Api': 'k' }, ['input.headers.X Api'], 'not a valid HTTP header name'],
    ['a colon in a name', { 'X-Api:': 'k' }, ['input.headers.X-Api:'], 'not a valid HTTP header name'],
    ['an empty name', { '': 'k' }, ['input.headers.'], 'must not be empty'],
    ['a 257-character name', { ['X-' + 'a'.repeat(255)]: 'k' }, ['input.headers.X-' + 'a'.repeat(255)], 'at most 256'],
    ['a number value', { 'X-N': 1 }, ['input.headers.X-N'], 'must be a string'],
    ['a null value', { 'X-N': null }, ['input.headers.X-N'], 'must be a string'],
    ['CRLF in a value', { 'X-Inject': 'a\r\nX-Evil: 1' }, ['input.headers.X-Inject'], 'CR, LF or NUL'],
    ['LF in a value', { 'X-Inject': 'a\nb' }, ['input.headers.X-Inject'], 'CR, LF or NUL'],
    ['NUL in a value', { 'X-Inject': 'a\0b' }, ['input.headers.X-Inject'], 'CR, LF or NUL'],
    ['another control character', { 'X-Bell': 'a\u0007' }, ['input.headers.X-Bell'], 'printable ASCII'],
    ['a character beyond Latin-1', { 'X-Emoji': '🚀' }, ['input.headers.X-Emoji'], 'printable ASCII'],
    ['a 4097-character value', { 'X-Long': 'v'.repeat(4097) }, ['input.headers.X-Long'], 'at most 4096'],
    ['the same name in two cases', { 'X-Api-Key': 'a', 'x-api-key': 'b' }, ['input.headers.x-api-key'], 'case-insensitive'],
  ])('rejects %s', (_name, headers, expectedPaths, message) => {
    const result = create({ headers });
    expect(paths(result)).toEqual(expectedPaths);
    expect(result.errors[0]!.message).toContain(message);
  });

  it.each(['Content-Type', 'user-agent', 'Webhook-Signature', 'X-Webhook-Delivery-Attempt', 'Host', 'Content-Length'])(
    'refuses reserved header %s, saying Hookwire sets it',
    (name) => {
      const { errors } = create({ headers: { [name]: 'x' } });
      expect(errors).toEqual([{ path: ['input', 'headers', name], message: expect.stringContaining('Hookwire sets') }]);
    },
  );

  it('accepts 20 headers, not 21', () => {
    const headers = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, 'v']));
    expect(create({ headers }).value.headers).toEqual(headers);
    expect(create({ headers: { ...headers, 'X-One-More': 'v' } }).errors).toEqual([
      { path: ['input', 'headers'], message: 'must have at most 20 headers (got 21)' },
    ]);
  });

  it('accepts a 256-character name and a 4096-character value', () => {
    const headers = { ['X-' + 'a'.repeat(254)]: 'v'.repeat(4096) };
    expect(create({ headers }).value.headers).toEqual(headers);
  });

  it('reports every bad header, not only the first', () => {
    expect(paths(create({ headers: { 'X-Ok': 'v', 'Bad Name': 'v', 'webhook-id': 'v', 'X-N': 5 } }))).toEqual([
      'input.headers.Bad Name',
      'input.headers.webhook-id',
      'input.headers.X-N',
    ]);
  });

  it('refuses a header named __proto__, which plain-object code downstream would silently drop', () => {
    const headers = JSON.parse('{"__proto__": "v", "X-Ok": "v"}') as unknown;
    const { errors } = create({ headers });
    expect(errors).toEqual([{ path: ['input', 'headers', '__proto__'], message: 'cannot be used as a header name' }]);
  });
});

describe('verifyToken', () => {
  it.each([
    ['t', 't'],
    [' spaced ', ' spaced '], // a secret is taken exactly as given
    [null, undefined],
  ])('accepts %j', (verifyToken, expected) => {
    const { value, errors } = create({ verifyToken });
    expect(errors).toEqual([]);
    expect(value.verifyToken).toBe(expected);
    expect('verifyToken' in value).toBe(expected !== undefined);
  });

  it.each([
    ['', 'must not be empty'],
    [123, 'must be a string'],
  ])('rejects %j', (verifyToken, message) => {
    expect(create({ verifyToken }).errors).toEqual([
      { path: ['input', 'verifyToken'], message: expect.stringContaining(message) },
    ]);
  });

  it('accepts 256 characters, not 257', () => {
    expect(create({ verifyToken: 't'.repeat(256) }).value.verifyToken).toBe('t'.repeat(256));
    expect(create({ verifyToken: 't'.repeat(257) }).errors).toEqual([
      { path: ['input', 'verifyToken'], message: 'must be at most 256 characters long' },
    ]);
  });
});

describe('destination', () => {
  const RABBIT = { destination: { kind: 'RABBITMQ', exchange: 'events' }, url: 'amqp://u:p@rabbit.example.com/' };
  const stored = { destination: { kind: 'RABBITMQ', exchange: 'events', routingKey: null }, url: 'amqp://u:p@rabbit.example.com/' } as const;

  it('a broker kind takes its own scheme and stores only its fields', () => {
    expect(create(RABBIT)).toMatchObject({ errors: [], value: { url: RABBIT.url, destination: { kind: 'RABBITMQ', exchange: 'events', routingKey: null } } });
    expect(create({ url: 'nats://nats.example.com', destination: { kind: 'NATS', subject: 'h.{type}' } }).value.destination).toEqual({ kind: 'NATS', subject: 'h.{type}' });
    expect(create({ url: 'rediss://redis.example.com/3', destination: { kind: 'REDIS_STREAM', stream: 's' } }).value.destination).toEqual({ kind: 'REDIS_STREAM', stream: 's' });
  });

  it('says what does not fit, each on its field', () => {
    expect(create({ url: 'https://example.com', destination: { kind: 'NATS' } }).errors).toEqual([
      { path: ['input', 'url'], message: 'scheme: https:// is not a broker scheme: use nats:// or tls://' },
      { path: ['input', 'destination', 'subject'], message: 'is required for a NATS destination' },
    ]);
    expect(paths(create({ destination: { kind: 'KAFKA' } }))).toEqual(['input.destination.kind']);
    expect(paths(create({ destination: 'RABBITMQ' }))).toEqual(['input.destination']);
    expect(create({ ...RABBIT, destination: { kind: 'RABBITMQ', routingKey: '' } }).errors).toEqual([
      { path: ['input', 'destination', 'routingKey'], message: expect.stringContaining('must not be empty') },
    ]);
  });

  it('on update judges a new url by the stored kind, and a new kind by the stored url', () => {
    const update = (input: Record<string, unknown>) => validateEndpointInput(input as EndpointInput, { ...UPDATE, current: stored });
    expect(update({ url: 'amqp://rabbit2.example.com' })).toEqual({ errors: [], value: { url: 'amqp://rabbit2.example.com' } });
    expect(paths(update({ url: 'https://example.com/h' }))).toEqual(['input.url']);
    expect(update({ destination: { kind: 'REDIS_STREAM', stream: 's' } }).errors).toEqual([
      { path: ['input', 'url'], message: expect.stringMatching(/needs redis:\/\/ or rediss:\/\/.*give its url/) },
    ]);
    expect(update({ destination: { kind: 'RABBITMQ', exchange: 'other' } }).value.destination).toEqual({ kind: 'RABBITMQ', exchange: 'other', routingKey: null });
    // Leaving both alone judges nothing: a stored url is not re-checked by rules that came later.
    expect(update({ description: 'x' }).errors).toEqual([]);
  });
});

describe('update', () => {
  it('an empty input changes nothing', () => {
    expect(validateEndpointInput({}, UPDATE)).toEqual({ value: {}, errors: [] });
  });

  it('leaves absent fields out of the value, so they stay unchanged', () => {
    const { value, errors } = validateEndpointInput({ description: ' New name ' }, UPDATE);
    expect(errors).toEqual([]);
    expect(value).toEqual({ description: 'New name' });
  });

  it('null resets the nullable fields', () => {
    const { value, errors } = validateEndpointInput(
      { sessionIds: null, rateLimitPerSecond: null, retrySchedule: null, headers: null },
      UPDATE,
    );
    expect(errors).toEqual([]);
    expect(value).toEqual({ sessionIds: null, rateLimitPerSecond: null, retrySchedule: null, headers: null });
  });

  it.each(['url', 'description', 'eventTypes'] as const)('null for %s is an error, not a reset', (field) => {
    expect(validateEndpointInput({ [field]: null }, UPDATE).errors).toEqual([
      { path: ['input', field], message: 'cannot be null; omit the field to leave it unchanged' },
    ]);
  });

  it('applies the same rules to given fields', () => {
    const result = validateEndpointInput(
      { url: 'http://example.com', eventTypes: [], headers: { 'x-webhook-id': 'x' }, timeoutMs: 0 },
      UPDATE,
    );
    // In the contract's field order, whatever the order of the input's keys.
    expect(paths(result)).toEqual(['input.url', 'input.eventTypes', 'input.timeoutMs', 'input.headers.x-webhook-id']);
  });

  it('normalises given fields as on create', () => {
    const { value } = validateEndpointInput(
      { url: ' https://example.com/new ', eventTypes: ['*', '*'], sessionIds: ['a', 'a'] },
      UPDATE,
    );
    expect(value).toEqual({ url: 'https://example.com/new', eventTypes: ['*'], sessionIds: ['a'] });
  });
});

describe('compatibility settings', () => {
  it('takes an own secret, a signature header (the default spelled out is stored as the default), a transformation and a filter', () => {
    const { value, errors } = validateEndpointInput(
      {
        ...VALID,
        signingSecret: 'my-own-secret-0123',
        signatureHeader: { name: 'X-Signature-256', format: 'SHA256_HEX' },
        transformation: 'function handler(w) { return w }',
        filter: { data: { status: 'read' } },
      },
      CREATE,
    );
    expect(errors).toEqual([]);
    expect(value).toMatchObject({
      signingSecret: 'my-own-secret-0123',
      signatureHeader: { name: 'x-signature-256', format: 'SHA256_HEX', timestampHeader: null },
      transformation: 'function handler(w) { return w }',
      filter: { data: { status: 'read' } },
    });
    const spelledOut = validateEndpointInput({ ...VALID, signatureHeader: { name: 'X-Webhook-Signature', format: 'SHA256_HEX' } }, CREATE);
    expect(spelledOut.value.signatureHeader).toBeNull();
  });

  it('on update: an empty transformation or filter removes it, null resets, absent leaves it', () => {
    expect(validateEndpointInput({ transformation: '', filter: {} }, UPDATE).value).toEqual({ transformation: null, filter: null });
    expect(validateEndpointInput({ signatureHeader: null }, UPDATE).value).toEqual({ signatureHeader: null });
    expect(validateEndpointInput({ description: 'x' }, UPDATE).value).toEqual({ description: 'x' });
  });

  it('refuses an empty transformation on create, a bad filter, a bad secret, with their paths', () => {
    const { errors } = validateEndpointInput(
      { ...VALID, transformation: '  ', filter: { data: { $regex: 'x' } }, signingSecret: 'short' },
      CREATE,
    );
    const paths = errors.map((e) => e.path.join('.'));
    expect(paths).toContain('input.transformation');
    expect(paths).toContain('input.signingSecret');
    expect(paths.some((p) => p.startsWith('input.filter'))).toBe(true);
  });

  it("accepts the account's own event types, and wildcards over them", () => {
    const opts = { ...CREATE, customEventTypes: ['order.shipped'] };
    expect(validateEndpointInput({ ...VALID, eventTypes: ['order.shipped', 'order.*'] }, opts).errors).toEqual([]);
    expect(validateEndpointInput({ ...VALID, eventTypes: ['order.*'] }, CREATE).errors.map((e) => e.path.join('.'))).toEqual(['input.eventTypes.0']);
  });
});

describe('options', () => {
  it("checks each account's own event types, however often the same options come again", () => {
    const alice = { ...CREATE, customEventTypes: ['order.shipped'] };
    const bob = { ...CREATE, customEventTypes: ['invoice.paid'] };
    for (let round = 0; round < 2; round++) {
      expect(validateEndpointInput({ ...VALID, eventTypes: ['order.shipped'] }, alice).errors).toEqual([]);
      expect(paths(validateEndpointInput({ ...VALID, eventTypes: ['order.shipped'] }, bob))).toEqual(['input.eventTypes.0']);
      expect(paths(validateEndpointInput({ ...VALID, eventTypes: ['order.shipped'] }, CREATE))).toEqual(['input.eventTypes.0']);
    }
  });

  it('does not let one mode or network setting leak into the other', () => {
    const http = { url: 'http://127.0.0.1:4000/hook' };
    expect(create(http, { allowPrivateNetworks: true }).errors).toEqual([]);
    expect(paths(create(http))).toEqual(['input.url']);
    expect(validateEndpointInput({}, UPDATE).errors).toEqual([]);
    expect(paths(validateEndpointInput({}, CREATE))).toEqual(['input.url', 'input.description', 'input.eventTypes']);
  });
});

describe('one source of limits', () => {
  it("bounds the deployment's defaults by what an endpoint may set itself", () => {
    const { concurrencyLimitMax, retryScheduleMax, retryDelayMaxSeconds } = ENDPOINT_LIMITS;
    expect(loadConfig({ HOOKWIRE_ENDPOINT_CONCURRENCY: String(concurrencyLimitMax) }).endpointConcurrency).toBe(concurrencyLimitMax);
    expect(() => loadConfig({ HOOKWIRE_ENDPOINT_CONCURRENCY: String(concurrencyLimitMax + 1) })).toThrow(ConfigError);
    expect(create({ concurrencyLimit: concurrencyLimitMax + 1 }).errors).toHaveLength(1);

    const longest = Array.from({ length: retryScheduleMax }, () => retryDelayMaxSeconds);
    expect(loadConfig({ HOOKWIRE_RETRY_SCHEDULE: longest.join(',') }).retrySchedule).toEqual(longest);
    expect(() => loadConfig({ HOOKWIRE_RETRY_SCHEDULE: [...longest, 60].join(',') })).toThrow(`at most ${retryScheduleMax}`);
    expect(() => loadConfig({ HOOKWIRE_RETRY_SCHEDULE: String(retryDelayMaxSeconds + 1) })).toThrow(ConfigError);
    expect(create({ retrySchedule: longest }).errors).toEqual([]);
  });

  it("refuses an endpoint's header by the same rules as a transformation's", () => {
    for (const [name, value] of [['X Bad', 'v'], ['webhook-id', 'v'], ['X-Ok', 'a\nb'], ['X-Ok', 'v'.repeat(ENDPOINT_LIMITS.headerValueMaxLength + 1)]] as const) {
      const expected = customHeaderNameProblem(name) ?? headerValueProblem(value);
      expect(expected).toBeDefined();
      expect(create({ headers: { [name]: value } }).errors).toEqual([{ path: ['input', 'headers', name], message: expected }]);
    }
  });
});
