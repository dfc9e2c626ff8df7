// GraphQL Code Generator, checked against the committed schema.graphql:
// - test/generated: typed documents for the few selections tests write with graphql(`…`) because no
//   client operation has them (every other test sends packages/client's operations);
// - web/src/generated: the dashboard's, as plain strings, so the browser bundle carries no parser;
// - packages/client/src/generated: the TypeScript client's operations (its operations.graphql),
//   as typed strings, so the client needs no graphql-js at run time (browsers included).
import type { CodegenConfig } from '@graphql-codegen/cli';

const shared = {
  scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
  useTypeImports: true,
  enumsAsTypes: true,
  importExtension: '.ts',
} as const;

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  generates: {
    'test/generated/': {
      documents: ['test/**/*.ts', '!test/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...shared, documentMode: 'documentNode' },
    },
    'web/src/generated/': {
      documents: ['web/src/**/*.{ts,tsx}', '!web/src/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...shared, documentMode: 'string' },
    },
    'packages/client/src/generated/': {
      documents: ['packages/client/src/operations.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: { ...shared, documentMode: 'string' },
    },
  },
};

export default config;
