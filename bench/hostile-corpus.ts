/**
 * The hostile-media corpus sweep (issue 11): every case of e2e/hostile-corpus.ts through the real CLI, two at a time,
 * 10 s each; prints the counts of ok / clear error / crash / hang / wrong answers and the peak RSS of the worst case,
 * plus every case that did not answer as it declares. Run: `npx tsx bench/hostile-corpus.ts [--all]` (--all lists
 * every case's outcome, time and peak RSS). Goal: crash, hang, wrong and unexpected all 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeHostileCorpus } from '../e2e/hostile-corpus';
import { runCorpus, summarize } from '../e2e/hostile-corpus-runner';

const LIMIT_SEC = 10;
const PARALLEL = 2;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'foley-bench-corpus-'));
  try {
    const madeAt = performance.now();
    const corpus = await makeHostileCorpus(dir);
    const makeSec = (performance.now() - madeAt) / 1000;
    const ranAt = performance.now();
    const results = await runCorpus(corpus.cases, {
      limitSec: LIMIT_SEC, parallel: PARALLEL, scratch: dir,
      onResult: (r) => console.error(`${r.outcome.padEnd(11)} ${r.name} (${r.wallSec} s, ${r.peakRssMb} MB): ${r.detail.slice(0, 160)}`),
    });
    const showAll = process.argv.includes('--all');
    console.log(JSON.stringify({
      benchmark: `hostile-media corpus through node bin/foley.js (foley-test pack, 1 step), ${PARALLEL} at a time, ${LIMIT_SEC} s limit each`,
      ...summarize(results),
      skipped: corpus.skipped,
      makeSec: Number(makeSec.toFixed(1)),
      runSec: Number(((performance.now() - ranAt) / 1000).toFixed(1)),
      notAsDeclared: results.filter((r) => r.outcome !== r.expect).map((r) => ({ name: r.name, expect: r.expect, outcome: r.outcome, detail: r.detail, command: r.command })),
      ...(showAll ? { results: results.map(({ name, outcome, wallSec, peakRssMb, detail }) => ({ name, outcome, wallSec, peakRssMb, detail })) } : {}),
      goal: 'crash, hang, wrong and notAsDeclared empty; every case within 10 s',
    }, null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
