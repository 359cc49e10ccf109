#!/usr/bin/env node
// `npm run bench`: runs every benchmark script one after another (they share 2 cores, so never in parallel) and
// prints one JSON object keyed by benchmark name. Each script prints a single JSON document on stdout.
// Usage: node bench/run.js [name ...]   (names: the file names under bench/ without .ts, e.g. meter engine)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const helperSuffixes = ['-worker.ts', '-browser.ts', '-page.ts'];
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !helperSuffixes.some((s) => f.endsWith(s)))
  .map((f) => f.slice(0, -3))
  .concat('long-form-memory-browser') // a benchmark of its own despite the -browser.ts helper suffix
  .sort();

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; valid: ${available.join(', ')}`);
  process.exit(2);
}

const results = {};
let failed = false;
for (const name of requested.length > 0 ? requested : available) {
  console.error(`bench: ${name} …`);
  const run = spawnSync('npx', ['tsx', path.join(here, `${name}.ts`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    results[name] = JSON.parse(run.stdout);
  } catch {
    failed = true;
    results[name] = { error: `exit ${run.status}; stdout was not JSON`, stdout: run.stdout.slice(-2000) };
  }
}
console.log(JSON.stringify(results, null, 2));
process.exitCode = failed ? 1 : 0;
