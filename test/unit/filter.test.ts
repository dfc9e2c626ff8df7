// Payload filters: the semantics table (what matches what), validation paths and limits, and the
// cost of evaluating 1,000 compiled filters against one envelope.

import { describe, expect, it } from 'vitest';
import { compileFilter, FILTER_LIMITS, isEmptyFilter, validateFilter } from '../../src/domain/filter.ts';

const envelope = {
  id: 'evt_01JRB7A0Z9Y8X7W6V5T4S3R2Q1',
  type: 'message.read',
  timestamp: '2026-04-11T10:35:40.000Z',
  sessionId: 'sess_main',
  data: {
    messageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
    to: '15551234567',
    status: 'read',
    count: 3,
    price: 12.5,
    billable: false,
    context: null,
    tags: ['vip', 'eu'],
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
    conversation: { id: '123', origin: { type: 'user_initiated' } },
  },
};

const matches = (filter: unknown, value: unknown = envelope) => compileFilter(filter)(value);

describe('compileFilter semantics', () => {
  it.each([
    // No filter.
    ['null is no filter', null, true],
    ['{} is no filter', {}, true],
    // Plain values mean $eq, nested objects match nested fields, several keys AND.
    ['the example from the contract (in)', { data: { status: { $in: ['read', 'failed'] } } }, true],
    ['the example from the contract (not in)', { data: { status: { $in: ['sent', 'failed'] } } }, false],
    ['plain value', { type: 'message.read' }, true],
    ['plain value, other', { type: 'message.sent' }, false],
    ['nested plain values AND', { data: { status: 'read', to: '15551234567' } }, true],
    ['nested plain values AND, one wrong', { data: { status: 'read', to: '1' } }, false],
    ['top-level and nested', { sessionId: 'sess_main', data: { conversation: { origin: { type: 'user_initiated' } } } }, true],
    ['no type coercion: "3" is not 3', { data: { count: '3' } }, false],
    ['numbers compare by value', { data: { price: 12.50 } }, true],
    ['null matches null', { data: { context: null } }, true],
    ['false matches false', { data: { billable: false } }, true],
    // Arrays.
    ['a plain value matches an array that contains it', { data: { tags: 'vip' } }, true],
    ['…and not one that does not', { data: { tags: 'us' } }, false],
    ['a list of values: the array contains all of them, any order', { data: { tags: ['eu', 'vip'] } }, true],
    ['a list of values: one missing', { data: { tags: ['eu', 'us'] } }, false],
    ['a list against a non-array', { data: { status: ['read'] } }, false],
    ['a nested object matches an array element', { data: { items: { sku: 'B-2' } } }, true],
    ['all fields of a nested object must hold in the same element', { data: { items: { sku: 'B-2', qty: 2 } } }, false],
    ['operators inside an element condition', { data: { items: { qty: { $gte: 2 } } } }, true],
    ['$eq with an array compares the whole array', { data: { tags: { $eq: ['vip', 'eu'] } } }, true],
    ['$eq with an array: order matters', { data: { tags: { $eq: ['eu', 'vip'] } } }, false],
    ['$eq with an object is deep, key order ignored', { data: { conversation: { $eq: { origin: { type: 'user_initiated' }, id: '123' } } } }, true],
    ['$in on an array: any element in the list', { data: { tags: { $in: ['us', 'eu'] } } }, true],
    ['$nin on an array: no element in the list', { data: { tags: { $nin: ['us', 'eu'] } } }, false],
    ['$neq on an array: no element equals', { data: { tags: { $neq: 'us' } } }, true],
    ['$startsWith on an array: any element', { data: { tags: { $startsWith: 'v' } } }, true],
    // Comparisons.
    ['$gt number', { data: { count: { $gt: 2 } } }, true],
    ['$gt number, equal', { data: { count: { $gt: 3 } } }, false],
    ['$gte number', { data: { count: { $gte: 3 } } }, true],
    ['$lt / $lte range', { data: { price: { $gte: 10, $lt: 20 } } }, true],
    ['$lte float', { data: { price: { $lte: 12.49 } } }, false],
    ['$gt on ISO timestamps compares as strings (chronologically)', { timestamp: { $gt: '2026-04-11T10:00:00.000Z' } }, true],
    ['$lt on ISO timestamps', { timestamp: { $lt: '2026-01-01T00:00:00.000Z' } }, false],
    ['$gt type mismatch (string vs number) is false', { data: { to: { $gt: 5 } } }, false],
    ['…and so its $not is true', { data: { to: { $not: { $gt: 5 } } } }, true],
    ['$gt on null is false', { data: { context: { $gt: 0 } } }, false],
    ['$gt on a boolean is false', { data: { billable: { $lt: 1 } } }, false],
    // Equality operators.
    ['$eq', { data: { status: { $eq: 'read' } } }, true],
    ['$neq', { data: { status: { $neq: 'read' } } }, false],
    ['$neq other', { data: { status: { $neq: 'sent' } } }, true],
    // Membership.
    ['$in with numbers', { data: { count: { $in: [1, 2, 3] } } }, true],
    ['$in with null', { data: { context: { $in: [null, 'x'] } } }, true],
    ['$in with objects (deep)', { data: { conversation: { origin: { $in: [{ type: 'user_initiated' }] } } } }, true],
    ['$in with a string is a substring test (Outpost)', { data: { messageId: { $in: 'HBgLMTU1' } } }, true],
    ['$nin', { data: { status: { $nin: ['sent', 'delivered'] } } }, true],
    ['$nin, in the list', { data: { status: { $nin: ['read'] } } }, false],
    // Strings.
    ['$startsWith', { data: { messageId: { $startsWith: 'wamid.' } } }, true],
    ['$startsWith any of a list', { type: { $startsWith: ['session.', 'message.'] } }, true],
    ['$endsWith', { data: { to: { $endsWith: '4567' } } }, true],
    ['$endsWith, no', { data: { to: { $endsWith: '0000' } } }, false],
    ['$startsWith on a number is false', { data: { count: { $startsWith: '3' } } }, false],
    // Existence and absent fields.
    ['$exists true', { data: { status: { $exists: true } } }, true],
    ['$exists true on a null field (present)', { data: { context: { $exists: true } } }, true],
    ['$exists false on an absent field', { data: { error: { $exists: false } } }, true],
    ['$exists false on a present field', { data: { status: { $exists: false } } }, false],
    ['$exist (Convoy/Outpost spelling)', { data: { error: { $exist: false } } }, true],
    ['an absent field never equals', { data: { error: 'x' } }, false],
    ['$neq needs the field (as in Outpost)', { data: { error: { $neq: 'x' } } }, false],
    ['$nin needs the field', { data: { error: { $nin: ['x'] } } }, false],
    ['$not negates exactly, so it holds for an absent field', { data: { error: { $not: { $eq: 'x' } } } }, true],
    ['a field below an absent one is absent', { data: { error: { code: { $exists: false } } } }, true],
    ['a field of a non-object is absent', { data: { status: { length: 4 } } }, false],
    ['inherited properties are not fields', { data: { constructor: { $exists: true } } }, false],
    ['an absent top-level field', { account: { $exists: true } }, false],
    // Logic.
    ['$or', { $or: [{ type: 'message.sent' }, { data: { status: 'read' } }] }, true],
    ['$or none', { $or: [{ type: 'message.sent' }, { data: { status: 'failed' } }] }, false],
    ['$and', { $and: [{ type: 'message.read' }, { data: { count: { $gte: 3 } } }] }, true],
    ['$and one false', { $and: [{ type: 'message.read' }, { data: { count: { $gte: 4 } } }] }, false],
    ['$not at the top', { $not: { type: 'message.sent' } }, true],
    ['$not of a nested $in', { data: { status: { $not: { $in: ['sent', 'failed'] } } } }, true],
    ['$or inside a field', { data: { status: { $or: [{ $eq: 'failed' }, { $startsWith: 're' }] } } }, true],
    ['fields beside $or are ANDed', { type: 'message.sent', $or: [{ data: { status: 'read' } }] }, false],
    ['$not beside fields', { type: 'message.read', $not: { data: { tags: 'us' } } }, true],
  ])('%s', (_, filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('treats an envelope that is not an object as matching only the empty filter', () => {
    expect(matches({ type: { $exists: false } }, 'text')).toBe(true);
    expect(matches({ type: 'message.read' }, null)).toBe(false);
    expect(matches({}, null)).toBe(true);
  });

  it('refuses to compile an invalid filter', () => {
    expect(() => compileFilter({ data: { status: { $regex: '^r' } } })).toThrow(/unknown operator \$regex/);
  });

  it('isEmptyFilter: null, undefined and {} mean no filter', () => {
    expect([null, undefined, {}].map(isEmptyFilter)).toEqual([true, true, true]);
    expect(isEmptyFilter({ type: 'x' })).toBe(false);
  });
});

describe('validateFilter', () => {
  const F = ['input', 'filter'];
  const deep = (levels: number): Record<string, unknown> => (levels === 0 ? { $eq: 1 } : { a: deep(levels - 1) });

  it.each([
    ['the contract example', { data: { status: { $in: ['read', 'failed'] } } }, []],
    ['null', null, []],
    ['{}', {}, []],
    ['every operator', { data: { a: { $eq: 1, $neq: 2, $gt: 0, $gte: 0, $lt: 9, $lte: 9, $in: [1], $nin: [2], $exists: true, $not: { $eq: 5 } }, b: { $startsWith: 'x', $endsWith: ['y'] } }, $or: [{ type: 'a' }], $and: [{ type: 'a' }] }, []],
    ['not an object', ['read'], [[F, expect.stringContaining('must be a JSON object')]]],
    ['a string', 'status=read', [[F, expect.stringContaining('must be a JSON object')]]],
    ['an unknown operator', { data: { status: { $regex: '^r' } } }, [[[...F, 'data', 'status', '$regex'], expect.stringContaining('unknown operator $regex')]]],
    ['a misspelt operator', { data: { count: { $gte: 1, $lessThan: 5 } } }, [[[...F, 'data', 'count', '$lessThan'], expect.stringContaining('unknown operator')]]],
    ['$gt with a boolean', { data: { count: { $gt: true } } }, [[[...F, 'data', 'count', '$gt'], '$gt compares numbers or strings; got a boolean']]],
    ['$lte with an object', { data: { count: { $lte: { n: 1 } } } }, [[[...F, 'data', 'count', '$lte'], '$lte compares numbers or strings; got an object']]],
    ['$in with a number', { data: { count: { $in: 3 } } }, [[[...F, 'data', 'count', '$in'], expect.stringContaining('takes a list of values')]]],
    ['$exists with a string', { data: { x: { $exists: 'yes' } } }, [[[...F, 'data', 'x', '$exists'], '$exists takes true or false']]],
    ['$startsWith with a number', { data: { x: { $startsWith: 7 } } }, [[[...F, 'data', 'x', '$startsWith'], expect.stringContaining('string or a non-empty list')]]],
    ['$endsWith with an empty list', { data: { x: { $endsWith: [] } } }, [[[...F, 'data', 'x', '$endsWith'], expect.stringContaining('non-empty list')]]],
    ['$or with an object', { $or: { type: 'a' } }, [[[...F, '$or'], '$or takes a non-empty list of conditions']]],
    ['$and empty', { $and: [] }, [[[...F, '$and'], '$and takes a non-empty list of conditions']]],
    ['$or with a non-object item', { $or: [{ type: 'a' }, 'b'] }, [[[...F, '$or'], expect.stringContaining('item 1')]]],
    ['an error inside $or', { $or: [{ type: { $gt: null } }] }, [[[...F, '$or', '0', 'type', '$gt'], expect.stringContaining('got null')]]],
    ['a nested empty object', { data: {} }, [[[...F, 'data'], expect.stringContaining('empty object')]]],
    ['an empty field name', { data: { '': 1 } }, [[[...F, 'data', ''], 'field names must not be empty']]],
    ['a non-finite number', { data: { count: Number.POSITIVE_INFINITY } }, [[[...F, 'data', 'count'], expect.stringContaining('JSON value')]]],
    ['a Date object', { timestamp: new Date() }, [[[...F, 'timestamp'], expect.stringContaining('JSON value')]]],
    ['several problems at once', { data: { a: { $gt: [] }, b: { $foo: 1 } } }, [
      [[...F, 'data', 'a', '$gt'], expect.any(String)],
      [[...F, 'data', 'b', '$foo'], expect.any(String)],
    ]],
    [`deeper than ${FILTER_LIMITS.maxDepth} levels`, deep(FILTER_LIMITS.maxDepth), [[expect.any(Array), expect.stringContaining('nests deeper')]]],
    ['exactly at the depth limit', deep(FILTER_LIMITS.maxDepth - 2), []],
  ])('%s', (_, filter, expected) => {
    const errors = validateFilter(filter);
    expect(errors).toEqual((expected as [unknown, unknown][]).map(([path, message]) => ({ path, message })));
  });

  it('limits the size of the whole filter and of lists', () => {
    const big = { data: { id: { $in: Array.from({ length: 400 }, (_, i) => `wamid.${'x'.repeat(40)}${i}`) } } };
    expect(validateFilter(big)).toEqual([{ path: F, message: expect.stringMatching(/bytes of JSON; at most 16384/) }]);
    const long = { data: { n: { $in: Array.from({ length: FILTER_LIMITS.maxListItems + 1 }, (_, i) => i) } } };
    expect(validateFilter(long)).toEqual([{ path: [...F, 'data', 'n', '$in'], message: '$in takes at most 500 values' }]);
    const branches = { $or: Array.from({ length: FILTER_LIMITS.maxBranches + 1 }, () => ({ type: 'a' })) };
    expect(validateFilter(branches)).toEqual([{ path: [...F, '$or'], message: '$or takes at most 50 conditions' }]);
  });

  it('refuses a cyclic value without overflowing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(validateFilter(cyclic)).toEqual([{ path: F, message: 'must be plain JSON' }]);
  });

  it('puts paths under the given prefix', () => {
    expect(validateFilter({ a: { $x: 1 } }, ['filter'])[0]!.path).toEqual(['filter', 'a', '$x']);
  });
});

describe('fan-out cost', () => {
  it('evaluates 1,000 compiled filters against one envelope quickly', () => {
    // A realistic mix: what endpoints of a WhatsApp platform would filter on.
    const shapes = [
      (i: number) => ({ data: { status: { $in: ['read', 'failed'] } }, sessionId: `sess_${i % 50}` }),
      (i: number) => ({ type: { $startsWith: 'message.' }, data: { to: { $endsWith: String(i % 10) } } }),
      (i: number) => ({ $or: [{ data: { tags: 'vip' } }, { data: { count: { $gte: i % 7 } } }] }),
      (i: number) => ({ data: { items: { sku: `A-${i % 3}`, qty: { $gt: 1 } }, error: { $exists: false } } }),
      (i: number) => ({ data: { conversation: { origin: { type: { $nin: ['marketing', `x${i}`] } } } }, timestamp: { $gte: '2026-01-01T00:00:00Z' } }),
    ];
    const filters = Array.from({ length: 1000 }, (_, i) => compileFilter(shapes[i % shapes.length]!(i)));
    const parsed = JSON.parse(JSON.stringify(envelope));
    for (let r = 0; r < 200; r++) for (const f of filters) f(parsed); // warm up the JIT

    const rounds = 200;
    let matched = 0;
    const start = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) for (const f of filters) if (f(parsed)) matched++;
    const perFanOutMicros = Number(process.hrtime.bigint() - start) / 1000 / rounds;

    const compileStart = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) compileFilter(shapes[i % shapes.length]!(i));
    const compileMicros = Number(process.hrtime.bigint() - compileStart) / 1000;

    console.log(
      `filters: 1,000 compiled filters against one envelope: ${perFanOutMicros.toFixed(1)} µs per fan-out ` +
        `(${matched / rounds} matched); compiling the 1,000: ${compileMicros.toFixed(0)} µs`,
    );
    expect(matched / rounds).toBeGreaterThan(0);
    // Generous: the point is to notice a regression by orders of magnitude, not to benchmark.
    expect(perFanOutMicros).toBeLessThan(20_000);
  });
});
