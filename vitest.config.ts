import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // a guard against hangs, not a speed target (those live in npm run bench): generous, since
    // CI machines are shared and a property test of 3000 runs took 30 s under a load of 5 on 2 cores
    testTimeout: 60_000,
  },
});
