import { defineConfig } from 'vitest/config';

// Run by hand (`pnpm vitest run --config bench/proxy/vitest.config.ts`), never by the test suite.
export default defineConfig({
  resolve: { conditions: ['@d7y/source'] },
  ssr: { resolve: { conditions: ['@d7y/source'] } },
  test: {
    include: ['bench/proxy/**/*.bench-run.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
