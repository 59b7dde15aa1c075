import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The package's own name resolves to the sources, as tsconfig's paths say, so examples and
    // tests never run against a stale build.
    alias: [
      { find: /^vicsim\/testing$/, replacement: resolve(import.meta.dirname, 'src/testing/index.ts') },
      { find: /^vicsim$/, replacement: resolve(import.meta.dirname, 'src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
