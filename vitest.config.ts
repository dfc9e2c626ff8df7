import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that stop and restart the machine's brokers (test/brokers/support.ts withBrokerStopped), or
 * that need them up throughout: run one at a time, after every other file, so an outage one of
 * them causes never meets another one's traffic.
 */
const BROKER_FILES = ['test/brokers/**/*.test.ts', 'test/destinations.test.ts', 'test/broker-sources.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 17 ships both ESM and CJS; without this condition vitest can load it twice and
    // graphql-js then refuses schema objects "from another module or realm".
    conditions: ['module-sync'],
  },
  ssr: { resolve: { conditions: ['module-sync'], externalConditions: ['module-sync'] } },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...BROKER_FILES] } },
      { extends: true, test: { name: 'brokers', include: BROKER_FILES, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
