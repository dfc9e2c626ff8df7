// The committed contracts: schema.graphql is exactly what the Pothos schema prints, and it keeps
// every promise of the shared API contract.
import { existsSync, readFileSync } from 'node:fs';
import { buildSchema, findBreakingChanges, lexicographicSortSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';

describe('schema.graphql', () => {
  it('is printed from the current Pothos schema (run `npm run schema:print` after changing the API)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(printSchema(lexicographicSortSchema(schema)) + '\n').toBe(committed);
  });
});

describe('the API contract', () => {
  const contractUrl = new URL('../../shared/design/contract.graphql', import.meta.url);
  it.skipIf(!existsSync(contractUrl))('is kept: schema.graphql is a compatible superset of ../shared/design/contract.graphql', () => {
    const contract = buildSchema(readFileSync(contractUrl, 'utf8'));
    const ours = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    expect(findBreakingChanges(contract, ours).map((change) => `${change.type}: ${change.description}`)).toEqual([]);
  });
});
