// statement(): named parameters become numbered placeholders, the named object becomes the values
// array, and the same statement gives the same rows on a pool (prepared, by its name) and through
// Prisma.
import { describe, expect, it } from 'vitest';
import { poolSql, statement } from '../../src/db/sql.ts';
import { useStatementDb } from './fixtures.ts';

const t = useStatementDb();

describe('statement()', () => {
  it('numbers each named parameter once, in the order the text first uses it', () => {
    const s = statement<{ b: string; a: number }>('hookwire_test_numbering', ($) => `SELECT ${$.a}::int AS a, ${$.b}::text AS b, ${$.a}::int AS again`);
    expect(s.text).toBe('SELECT $1::int AS a, $2::text AS b, $1::int AS again');
    expect(s.params).toEqual(['a', 'b']);
    expect(s.values({ b: 'x', a: 7 })).toEqual([7, 'x']);
  });

  it('binds through its converter, and refuses an object missing a parameter', () => {
    const s = statement<{ items: Array<{ n: number }> }, { total: number }, { ns: number[] }>(
      'hookwire_test_bind',
      ($) => `SELECT sum(n)::int AS total FROM unnest(${$.ns}::int[]) AS n`,
      (p) => ({ ns: p.items.map((i) => i.n) }),
    );
    expect(s.values({ items: [{ n: 1 }, { n: 2 }] })).toEqual([[1, 2]]);
    const bare = statement<{ a: number }>('hookwire_test_missing', ($) => `SELECT ${$.a}::int`);
    expect(() => bare.values({} as { a: number })).toThrow(/parameter a is missing/);
  });

  it('refuses a second text under a name, and accepts the same text again', () => {
    statement('hookwire_test_twice', () => 'SELECT 1');
    expect(() => statement('hookwire_test_twice', () => 'SELECT 1')).not.toThrow();
    expect(() => statement('hookwire_test_twice', () => 'SELECT 2')).toThrow(/two statements are named hookwire_test_twice/);
  });
});

describe('running a statement', () => {
  const shapes = statement<{ at: Date; ids: string[]; n: number }, { at: Date; ids: string[]; n: number; missing: string | null }>(
    'hookwire_test_shapes',
    ($) => `SELECT ${$.at}::timestamptz AS at, ${$.ids}::text[] AS ids, ${$.n}::int AS n, NULL::text AS missing`,
  );
  const touch = statement<{ ids: string[]; name: string }>('hookwire_test_touch', ($) => `UPDATE account SET name = ${$.name} WHERE id = ANY(${$.ids}::text[])`);

  it('gives the same rows on the pool and through Prisma', async () => {
    const params = { at: new Date('2026-12-02T10:00:00.123Z'), ids: ['a', 'b'], n: 3 };
    const expected = [{ at: params.at, ids: ['a', 'b'], n: 3, missing: null }];
    expect(await poolSql(t.pool).query(shapes, params)).toEqual(expected);
    expect(await t.prisma.query(shapes, params)).toEqual(expected);
  });

  it('counts the rows a write changed, both ways', async () => {
    await t.rows(`INSERT INTO account (id, name) VALUES ('acct_s1', 'one'), ('acct_s2', 'two')`);
    const ids = ['acct_s1', 'acct_s2', 'acct_none'];
    expect(await poolSql(t.pool).execute(touch, { ids, name: 'touched' })).toBe(2);
    expect(await t.prisma.execute(touch, { ids, name: 'touched again' })).toBe(2);
  });

  it('prepares it on the pool under its name', async () => {
    const client = await t.pool.connect();
    try {
      await poolSql(client).query(shapes, { at: new Date(), ids: [], n: 1 });
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
      expect(rows.map((r) => r.name)).toContain('hookwire_test_shapes');
    } finally {
      client.release();
    }
  });
});
