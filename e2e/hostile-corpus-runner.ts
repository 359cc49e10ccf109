/**
 * Runs corpus cases (hostile-corpus.ts) through the real CLI, `node bin/foley.js`, a few at a time, and classifies
 * each answer:
 * - ok: exit 0 and a correct output (generate: a WAV as long as the video ±1 ms with only finite samples; measure:
 *   JSON of finite numbers or null with the expected channel count);
 * - clear-error: exit 1 or 2, exactly one line "foley: …" (besides note/warning lines), no internal text, and no
 *   output file left behind;
 * - crash: killed by a signal or exit ≥ 128; hang: still running at the time limit (then killed);
 * - wrong: anything else (exit 0 with a bad output, an unclear error, another exit code).
 * Peak RSS is the process's VmHWM (/proc/<pid>/status), from /usr/bin/time's %M when present (exact) and from
 * polling every 50 ms otherwise or when the run is killed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeWav } from '../src/media/wav';
import type { CaseClass, CorpusCase } from './hostile-corpus';

export const ROOT = resolve(import.meta.dirname, '..');
const TEST_PACK = join(ROOT, 'public/models/foley-test');
const TIME = '/usr/bin/time';

export type Outcome = CaseClass | 'crash' | 'hang' | 'wrong';

export interface CaseResult {
  name: string;
  expect: CaseClass;
  outcome: Outcome;
  /** Why the outcome is what it is, e.g. the WAV's length or the offending stderr line. */
  detail: string;
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  wallSec: number;
  peakRssMb: number;
  /** The command, for reproducing a failure by hand. */
  command: string;
}

/** Internal texts that must never reach a user (issue 11 #14), and the shape of a stack frame. */
const INTERNAL_TEXT = /undefined|DataView|typed array|call stack|\n\s+at |TypeError|RangeError|ReferenceError|\[object |GenericFailure|FFmpeg error -?\d+/;

function commandFor(c: CorpusCase, outFile: string): string[] {
  if (c.command === 'measure') return ['bin/foley.js', 'measure', c.input, ...c.args];
  return ['bin/foley.js', 'generate', c.input, '-o', outFile, '--pack', c.pack ?? TEST_PACK, '--steps', '1', '--format', 'float32', ...c.args];
}

/** VmHWM of `pid` and its descendants (the node under /usr/bin/time), in KiB; 0 once gone. */
async function treePeakKb(pid: number): Promise<number> {
  let peak = 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  peak = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  for (const child of children.split(' ').filter(Boolean)) peak = Math.max(peak, await treePeakKb(Number(child)));
  return peak;
}

interface RawRun {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallSec: number;
  peakRssKb: number;
  timedOut: boolean;
}

/** Runs `node <args>` in its own process group; past `limitSec` the whole group is killed. */
export async function runCli(args: string[], limitSec: number, scratch: string): Promise<RawRun> {
  const timeFile = join(scratch, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const withTime = existsSync(TIME);
  const [file, argv] = withTime ? [TIME, ['-f', '%M', '-o', timeFile, process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let polledKb = 0;
  let timedOut = false;
  const poll = setInterval(() => void treePeakKb(child.pid!).then((kb) => (polledKb = Math.max(polledKb, kb))), 50);
  const limit = setTimeout(() => {
    timedOut = true;
    process.kill(-child.pid!, 'SIGKILL');
  }, limitSec * 1000);
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((done) => child.on('close', (code, sig) => done([code, sig])));
  const wallSec = (performance.now() - started) / 1000;
  clearInterval(poll);
  clearTimeout(limit);
  let timeKb = 0;
  let code = exitCode;
  let sig = signal;
  if (withTime) {
    // GNU time exits with the command's status, and names a signal that ended it in its output file.
    const report = await readFile(timeFile, 'utf8').catch(() => '');
    await rm(timeFile, { force: true });
    timeKb = Number(/(\d+)\s*$/.exec(report)?.[1] ?? 0);
    const killedBy = /terminated by signal (\d+)/.exec(report)?.[1];
    if (killedBy) [code, sig] = [null, `signal ${killedBy}`];
  }
  return { exitCode: code, signal: sig, stdout, stderr, wallSec, peakRssKb: Math.max(timeKb, polledKb), timedOut };
}

/** Lines that are the answer, not commentary: "note:" / "warning:" lines (and measure's "foley measure: warning:") aside. */
function answerLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim().length > 0 && !/^(note|warning|foley measure: warning):/.test(l));
}

async function checkGenerateOutput(c: CorpusCase, outFile: string): Promise<string | null> {
  if (!existsSync(outFile)) return 'exit 0 but no output file';
  const wav = decodeWav(new Uint8Array(await readFile(outFile)));
  const frames = wav.channels[0]?.length ?? 0;
  if (wav.channels.some((ch) => ch.length !== frames)) return 'channels differ in length';
  const seconds = frames / wav.sampleRate;
  if (c.durationSec === undefined || Math.abs(seconds - c.durationSec) > 0.001) return `WAV is ${seconds.toFixed(4)} s, the video ${c.durationSec?.toFixed(4)} s`;
  const nonFinite = wav.channels.reduce((n, ch) => n + ch.filter((v) => !Number.isFinite(v)).length, 0);
  if (nonFinite > 0) return `${nonFinite} non-finite samples`;
  return null;
}

function checkMeasureOutput(c: CorpusCase, stdout: string): string | null {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return `stdout is not JSON: ${stdout.slice(0, 120)}`;
  }
  const bad = Object.entries(json).filter(([, v]) => v !== null && !(typeof v === 'number' && Number.isFinite(v)));
  if (bad.length > 0) return `non-numeric fields: ${bad.map(([k]) => k).join(', ')}`;
  if (c.channels !== undefined && json.channels !== c.channels) return `reports ${String(json.channels)} channels, the file has ${c.channels}`;
  return null;
}

/** Runs one case and classifies its answer. */
export async function runCase(c: CorpusCase, limitSec: number, scratch: string): Promise<CaseResult> {
  const outFile = join(scratch, `${c.name}.out.wav`);
  await rm(outFile, { force: true });
  const args = commandFor(c, outFile);
  const raw = await runCli(args, limitSec, scratch);
  const result = (outcome: Outcome, detail: string): CaseResult => ({
    name: c.name, expect: c.expect, outcome, detail, exitCode: raw.exitCode, signal: raw.signal, stderr: raw.stderr,
    wallSec: Number(raw.wallSec.toFixed(2)), peakRssMb: Number((raw.peakRssKb / 1024).toFixed(1)), command: `node ${args.join(' ')}`,
  });
  if (raw.timedOut) return result('hang', `still running after ${limitSec} s`);
  if (raw.signal !== null || (raw.exitCode ?? 0) >= 128) return result('crash', `${raw.signal ?? `exit ${raw.exitCode}`}: ${raw.stderr.slice(-300)}`);
  const lines = answerLines(raw.stderr);
  if (raw.exitCode === 0) {
    const problem = c.command === 'generate' ? await checkGenerateOutput(c, outFile) : checkMeasureOutput(c, raw.stdout);
    if (problem) return result('wrong', problem);
    if (INTERNAL_TEXT.test(raw.stderr)) return result('wrong', `internal text on stderr: ${raw.stderr.slice(0, 300)}`);
    return result('ok', c.command === 'generate' ? `WAV of ${c.durationSec?.toFixed(3)} s` : raw.stdout.trim());
  }
  if (raw.exitCode !== 1 && raw.exitCode !== 2) return result('wrong', `exit ${raw.exitCode}`);
  if (lines.length !== 1 || !/^foley( measure)?: \S/.test(lines[0]!)) return result('wrong', `not one "foley: …" line: ${JSON.stringify(lines.slice(0, 4))}`);
  if (INTERNAL_TEXT.test(raw.stderr)) return result('wrong', `internal text: ${lines[0]}`);
  if (c.command === 'generate' && existsSync(outFile)) return result('wrong', `failed but wrote ${outFile}`);
  return result('clear-error', lines[0]!);
}

/** Runs every case, `parallel` at a time, in order of the list; `onResult` sees each as it ends. */
export async function runCorpus(
  cases: CorpusCase[], options: { limitSec: number; parallel: number; scratch: string; onResult?: (r: CaseResult) => void },
): Promise<CaseResult[]> {
  // One run first, alone: bin/foley.js rebuilds the CLI bundle when a source is newer, which must not eat a case's time.
  await runCli(['bin/foley.js', '--help'], 120, options.scratch);
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await runCase(cases[i]!, options.limitSec, options.scratch);
      options.onResult?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, lane));
  return results;
}

export interface CorpusSummary {
  ok: number;
  clearError: number;
  crash: number;
  hang: number;
  wrong: number;
  /** Cases whose class differs from the one they declare (a valid file refused, a broken one accepted). */
  unexpected: number;
  worstPeakRssMB: number;
  worstPeakRssCase: string;
  cases: number;
}

export function summarize(results: CaseResult[]): CorpusSummary {
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  const worst = results.reduce((a, r) => (r.peakRssMb > a.peakRssMb ? r : a), results[0]!);
  return {
    ok: count('ok'), clearError: count('clear-error'), crash: count('crash'), hang: count('hang'), wrong: count('wrong'),
    unexpected: results.filter((r) => r.outcome !== r.expect).length,
    worstPeakRssMB: worst.peakRssMb, worstPeakRssCase: worst.name, cases: results.length,
  };
}
