// GraphQL Code Generator: typed documents for the operations the tests (and any client code)
// write with graphql(`…`), checked against the committed schema.graphql.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/generated/**'],
  ignoreNoDocuments: true,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
        useTypeImports: true,
        enumsAsTypes: true,
        documentMode: 'documentNode',
        importExtension: '.ts',
      },
    },
  },
};

export default config;
