// Prints the Pothos schema to schema.graphql (committed; CI fails when it drifts).
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/schema/index.ts';

const text = printSchema(lexicographicSortSchema(schema)) + '\n';
const target = new URL('../schema.graphql', import.meta.url);
if (process.argv.includes('--check')) {
  const { readFileSync } = await import('node:fs');
  const current = readFileSync(target, 'utf8');
  if (current !== text) {
    console.error('schema.graphql is out of date: run `npm run schema:print` and commit it');
    process.exit(1);
  }
  console.log('schema.graphql is current');
} else {
  writeFileSync(target, text);
  console.log('wrote schema.graphql');
}
