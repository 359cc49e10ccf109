import { defineConfig } from 'vitest/config';
import './vitest.node20-polyfill';

// Unit tests live next to the code; browser end-to-end tests have their own config (e2e/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'e2e/**', 'training/**'],
    environment: 'node',
  },
});
