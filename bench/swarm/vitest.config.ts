import { defineConfig } from 'vitest/config';

// Run by hand (`pnpm bench:swarm`), never by the test suite: the root config does not include bench/.
export default defineConfig({
  resolve: { conditions: ['@d7y/source'] },
  ssr: { resolve: { conditions: ['@d7y/source'] } },
  test: {
    include: ['bench/swarm/**/*.bench-run.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
