import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 17 ships both ESM and CJS; without this condition vitest can load it twice and
    // graphql-js then refuses schema objects "from another module or realm".
    conditions: ['module-sync'],
  },
  ssr: { resolve: { conditions: ['module-sync'], externalConditions: ['module-sync'] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
