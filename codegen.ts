// GraphQL Code Generator: typed documents for the operations written with graphql(`…`), checked
// against the committed schema.graphql: the tests' (as DocumentNodes) and the dashboard's (as plain
// strings, so the browser bundle carries no GraphQL parser).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config = {
  scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
  useTypeImports: true,
  enumsAsTypes: true,
  importExtension: '.ts',
} as const;

const codegenConfig: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  generates: {
    'test/generated/': {
      documents: ['test/**/*.ts', '!test/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...config, documentMode: 'documentNode' },
    },
    'web/src/generated/': {
      documents: ['web/src/**/*.{ts,tsx}', '!web/src/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...config, documentMode: 'string' },
    },
  },
};

export default codegenConfig;
