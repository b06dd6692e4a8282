import { defineConfig } from 'vitest/config';

// One run over the whole workspace. Workspace packages resolve to their TypeScript sources
// through the "@d7y/source" export condition, so unit tests never need a build; cross-process
// tests (test/e2e) spawn the built services and run after `turbo run build`.
export default defineConfig({
  resolve: { conditions: ['@d7y/source'] },
  ssr: { resolve: { conditions: ['@d7y/source'] } },
  test: {
    include: ['apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
