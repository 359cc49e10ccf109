/**
 * The hostile-media corpus in CI (issue 11): every case of e2e/hostile-corpus.ts through the real CLI, two at a
 * time with 10 s each. Every case must answer as it declares (a correct WAV or measurement, or one clear
 * "foley: …" line), none may crash, hang or answer wrongly, and none may peak above PEAK_RSS_LIMIT_MB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHostileCorpus, type Corpus } from './hostile-corpus';
import { runCorpus, summarize, type CaseResult } from './hostile-corpus-runner';

const LIMIT_SEC = 10;
/**
 * A generate with the test pack peaks at about 160 MB and a 4K frame adds 100 MB; the issue saw runs past 2 GB
 * (a header declaring an hour, a 2 GiB sample size), which this keeps out.
 */
const PEAK_RSS_LIMIT_MB = 512;

let dir: string;
let corpus: Corpus;
let results: CaseResult[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foley-corpus-'));
  corpus = await makeHostileCorpus(dir);
  results = await runCorpus(corpus.cases, { limitSec: LIMIT_SEC, parallel: 2, scratch: dir });
  console.log(`hostile corpus: ${JSON.stringify(summarize(results))}; skipped: ${JSON.stringify(corpus.skipped)}`);
}, 400_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a failing case shows: enough to reproduce it by hand. */
function describeResult(r: CaseResult): string {
  return `${r.name}: expected ${r.expect}, got ${r.outcome} (${r.detail}); exit ${r.exitCode ?? r.signal}, ${r.wallSec} s, ${r.peakRssMb} MB; ${r.command}`;
}

describe('hostile-media corpus through the CLI', () => {
  it('has at least 60 cases of both classes, every one made on this machine but for a missing encoder', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(60);
    expect(corpus.cases.filter((c) => c.expect === 'ok').length).toBeGreaterThanOrEqual(20);
    expect(corpus.cases.filter((c) => c.expect === 'clear-error').length).toBeGreaterThanOrEqual(20);
    expect(corpus.skipped.every((s) => /Unknown encoder|encoder|codec/i.test(s.reason)), JSON.stringify(corpus.skipped)).toBe(true);
  });

  it(`neither crashes nor hangs (${LIMIT_SEC} s per case)`, () => {
    expect(results.filter((r) => r.outcome === 'crash' || r.outcome === 'hang').map(describeResult)).toEqual([]);
  });

  it('answers every case as it declares: a correct output or one clear line, never a wrong result', () => {
    const known = new Set(corpus.cases.filter((c) => c.knownIssue).map((c) => c.name));
    for (const c of corpus.cases.filter((k) => k.knownIssue)) console.warn(`known issue, not asserted: ${c.name}: ${c.knownIssue}`);
    expect(results.filter((r) => !known.has(r.name) && r.outcome !== r.expect).map(describeResult)).toEqual([]);
  });

  it(`peaks below ${PEAK_RSS_LIMIT_MB} MB on every case`, () => {
    expect(results.filter((r) => r.peakRssMb >= PEAK_RSS_LIMIT_MB).map(describeResult)).toEqual([]);
    // The measurement itself: a run that reported no memory at all would pass the bound without being measured.
    expect(results.every((r) => r.peakRssMb > 20)).toBe(true);
  });
});
