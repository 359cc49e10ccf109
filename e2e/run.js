#!/usr/bin/env node
// Runs the browser end-to-end suite against the built app. Needs dist/ (`npm run build`) and /usr/bin/chromium.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(new URL('../dist/index.html', import.meta.url))) {
  console.error('e2e: dist/ is missing; run `npm run build` first.');
  process.exit(1);
}
const result = spawnSync('npx', ['vitest', 'run', '--config', 'e2e/vitest.config.ts', ...process.argv.slice(2)], { cwd: rootDir, stdio: 'inherit' });
process.exit(result.status ?? 1);
