// Vitest for the recipe only (the project's own suite runs on tap).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/ci-recipes/*.vitest.spec.ts'],
    pool: 'forks',
    testTimeout: 5000,
    watch: false,
  },
});
