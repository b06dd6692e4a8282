import { defineConfig } from 'vitest/config';

// Benchmarks are run by hand (`pnpm vitest run --config bench/dfget/vitest.config.ts`), never by
// the test suite: the root config does not include bench/.
export default defineConfig({
  resolve: { conditions: ['@d7y/source'] },
  ssr: { resolve: { conditions: ['@d7y/source'] } },
  test: {
    include: ['bench/dfget/**/*.bench-run.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
