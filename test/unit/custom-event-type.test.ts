// Account-defined event types: what a customer's schema must be to compile, and what its example
// and later data are checked against.

import { describe, expect, it } from 'vitest';
import { compileEventTypeSchema, CUSTOM_SCHEMA_LIMITS, validateEventTypeName } from '../../src/domain/custom-event-type.ts';

const S = ['input', 'schema'];
const E = ['input', 'example'];
const orderSchema = {
  type: 'object',
  required: ['orderId', 'total'],
  properties: {
    orderId: { type: 'string', pattern: '^ord_[0-9]+$' },
    total: { type: 'number', minimum: 0 },
    placedAt: { type: 'string', format: 'date-time' },
    lines: { type: 'array', items: { $ref: '#/$defs/line' } },
  },
  $defs: { line: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
};
const orderExample = { orderId: 'ord_1', total: 12.5, lines: [{ sku: 'A' }] };

describe('compileEventTypeSchema', () => {
  it('compiles a valid schema, stores it with $schema, and validates data against it', () => {
    const { errors, compiled } = compileEventTypeSchema(orderSchema, orderExample);
    expect(errors).toEqual([]);
    expect(compiled!.schema).toEqual({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...orderSchema });
    expect(compiled!.validate(orderExample)).toEqual([]);
    expect(compiled!.validate({ orderId: 'x', total: -1, lines: [{}] })).toEqual([
      { path: ['input', 'data', 'orderId'], message: 'must match the pattern ^ord_[0-9]+$' },
      { path: ['input', 'data', 'total'], message: 'must be at least 0' },
      { path: ['input', 'data', 'lines', '0', 'sku'], message: 'is required' },
    ]);
  });

  it.each([
    ['not an object', [], [[S, expect.stringContaining('must be a JSON Schema object')]]],
    ['a boolean schema', true, [[S, expect.stringContaining('must be a JSON Schema object')]]],
    ['a root that is not an object type', { type: 'string' }, [[[...S, 'type'], expect.stringContaining('"type": "object"')]]],
    ['another draft', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }, [[[...S, '$schema'], expect.stringContaining('2020-12')]]],
    ['an unknown keyword (strict mode)', { type: 'object', properties: { a: { type: 'string', maxLenght: 3 } } }, [[S, expect.stringMatching(/strict mode: unknown keyword: "maxLenght"/)]]],
    ['an unknown format', { type: 'object', properties: { a: { type: 'string', format: 'phone' } } }, [[S, expect.stringMatching(/unknown format "phone"/)]]],
    ['a remote $ref', { type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } }, [[[...S, 'properties', 'a', '$ref'], expect.stringContaining('would be fetched')]]],
    ['a relative file $ref', { type: 'object', properties: { a: { $ref: 'other.json#/x' } } }, [[[...S, 'properties', 'a', '$ref'], expect.stringContaining('inside this schema')]]],
    ['a local $ref to nothing', { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }, [[S, expect.stringMatching(/can't resolve reference #\/\$defs\/missing/)]]],
    ['a catastrophic pattern', { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } }, [[[...S, 'properties', 'a', 'pattern'], expect.stringContaining('exponential')]]],
    ['a catastrophic patternProperties key', { type: 'object', patternProperties: { '^(\\d*)*x$': {} } }, [[[...S, 'patternProperties', '^(\\d*)*x$'], expect.stringContaining('exponential')]]],
    ['an invalid regular expression', { type: 'object', properties: { a: { type: 'string', pattern: '(' } } }, [[[...S, 'properties', 'a', 'pattern'], expect.stringContaining('not a valid regular expression')]]],
    ['a pattern that is too long', { type: 'object', properties: { a: { type: 'string', pattern: 'a'.repeat(CUSTOM_SCHEMA_LIMITS.maxPatternLength + 1) } } }, [[[...S, 'properties', 'a', 'pattern'], expect.stringContaining('at most 512')]]],
  ])('refuses %s', (_, schema, expected) => {
    const { errors, compiled } = compileEventTypeSchema(schema, {});
    expect(compiled).toBeUndefined();
    expect(errors).toEqual((expected as [string[], unknown][]).map(([path, message]) => ({ path, message })));
  });

  it('accepts a property that is named $ref, and repeated groups without a quantifier inside', () => {
    const schema = { type: 'object', properties: { $ref: { type: 'string' }, code: { type: 'string', pattern: '^(ab)+$' }, id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } } };
    expect(compileEventTypeSchema(schema, { $ref: 'x', code: 'abab' }).errors).toEqual([]);
  });

  it('is conservative: a repeated group holding a quantifier is refused even where it happens to be safe', () => {
    const slug = { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+(-[a-z0-9]+)*$' } } };
    expect(compileEventTypeSchema(slug, {}).errors).toEqual([{ path: [...S, 'properties', 'id', 'pattern'], message: expect.stringContaining('exponential') }]);
  });

  it('refuses a schema larger or deeper than the limits', () => {
    const big = { type: 'object', description: 'x'.repeat(CUSTOM_SCHEMA_LIMITS.maxBytes) };
    expect(compileEventTypeSchema(big, {}).errors).toEqual([{ path: S, message: expect.stringContaining('at most 65536') }]);
    let deep: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < CUSTOM_SCHEMA_LIMITS.maxDepth; i++) deep = { type: 'object', properties: { a: deep } };
    expect(compileEventTypeSchema(deep, {}).errors).toEqual([{ path: expect.any(Array), message: 'nests deeper than 32 levels' }]);
  });

  it('reports an example that does not validate, at the example path', () => {
    expect(compileEventTypeSchema(orderSchema, { orderId: 'ord_1' }).errors).toEqual([{ path: [...E, 'total'], message: 'is required' }]);
    expect(compileEventTypeSchema(orderSchema, 'x').errors).toEqual([{ path: E, message: 'must be an object' }]);
  });

  it('keeps accounts apart: a schema $id is not registered for others to reference', () => {
    const withId = { $id: 'https://acme.example/order.json', ...orderSchema };
    expect(compileEventTypeSchema(withId, orderExample).errors).toEqual([]);
    const referrer = { type: 'object', properties: { o: { $ref: 'https://acme.example/order.json' } } };
    expect(compileEventTypeSchema(referrer, {}).errors).toEqual([{ path: [...S, 'properties', 'o', '$ref'], message: expect.any(String) }]);
    // Compiling the same $id again is no conflict either.
    expect(compileEventTypeSchema(withId, orderExample).errors).toEqual([]);
  });
});

describe('validateEventTypeName', () => {
  it.each([
    ['order.shipped', []],
    ['billing.invoice_paid.v2', []],
    ['Order.Shipped', ['must be lowercase segments separated by dots, each starting with a letter (letters, digits, _), e.g. order.shipped']],
    ['order', [expect.stringContaining('lowercase segments')]],
    ['order.', [expect.stringContaining('lowercase segments')]],
    ['order.*', [expect.stringContaining('lowercase segments')]],
    ['2fa.sent', [expect.stringContaining('lowercase segments')]],
    ['message.read', ['message.read is a built-in event type']],
    [`a.${'b'.repeat(100)}`, ['must be at most 100 characters long']],
    [7, ['must be a string']],
  ])('%j', (name, messages) => {
    expect(validateEventTypeName(name)).toEqual(messages.map((message) => ({ path: ['input', 'name'], message })));
  });
});
