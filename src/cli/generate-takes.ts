/**
 * `foley generate … --takes N`: N takes ranked by test-time search (src/engine/sampling/takes.ts, AvSyncDiff's
 * GMDS), written next to -o as out.take1.wav (best) … out.takeN.wav; -o itself gets take 1, so a script reading -o
 * gets the best take. The scores are those of src/metrics/take-score.ts with the video's motion read as
 * `foley score --video` reads it; `--report` lists every take with its file, seed, noise, scores and total.
 */

import path from 'node:path';
import { generateTakes, MAX_ITERATIONS, MAX_TAKES, searchCost, type TakeHooks } from '../engine/sampling/takes';
import type { GenerateOptions, NoiseTerm, RankedTake, TakeSearch } from '../engine/host/protocol';
import type { LoadedPack } from '../engine/pack/pack-loader';
import type { FrameSource } from '../engine/conditioning/video-features';
import type { TakeScores } from '../metrics/take-score';
import { encodeWav, type WavFormat } from '../media/wav';
import { UsageError, type OptionSpec, type ParsedArgs } from './args';
import { refuseOverwritingInputs, writeFileAtomic, type NamedInput } from './output-file';
import { readVideoMotion } from './video-motion';

export const TAKES_OPTIONS: OptionSpec[] = [
  {
    name: 'takes',
    kind: 'integer',
    valueName: '<n>',
    min: 1,
    max: MAX_TAKES,
    description: `n takes (1 to ${MAX_TAKES}) ranked by test-time search: out.take1.wav (best, also written to -o) … out.take<n>.wav; costs n·(1 + 2·iterations) generations`,
  },
  {
    name: 'search-iterations',
    kind: 'integer',
    valueName: '<t>',
    min: 0,
    max: MAX_ITERATIONS,
    description: 'with --takes: search iterations (default 1; 0 = the best of n seeds without search)',
  },
];

export interface TakeLine {
  file: string;
  seed: number;
  noise: NoiseTerm[];
  scores: TakeScores;
  total: number;
}

/** The search asked for, or null without --takes. */
export function takeSearchFrom(values: ParsedArgs['values']): TakeSearch | null {
  const takes = values.takes;
  const iterations = values['search-iterations'];
  if (typeof takes !== 'number') {
    if (iterations !== undefined) throw new UsageError('--search-iterations goes with --takes <n>');
    return null;
  }
  return { takes, ...(typeof iterations === 'number' ? { iterations } : {}) };
}

/** out.wav → out.take1.wav …; a name without an extension gets the number at its end. */
export function takeFiles(output: string, count: number): string[] {
  const extension = path.extname(output);
  const stem = output.slice(0, output.length - extension.length);
  return Array.from({ length: count }, (_, k) => `${stem}.take${k + 1}${extension}`);
}

/** Refuses a take file that is one of the inputs, -o or --report, before any work starts. */
export async function checkTakeOutputs(output: string, values: ParsedArgs['values'], inputs: readonly NamedInput[]): Promise<void> {
  const search = takeSearchFrom(values);
  if (!search) return;
  const report = typeof values.report === 'string' ? [{ role: 'the --report file', file: values.report }] : [];
  for (const file of takeFiles(output, search.takes)) {
    for (const other of [{ role: 'the -o output', file: output }, ...report]) {
      if (path.resolve(file) === path.resolve(other.file)) throw new UsageError(`take file ${file} would be ${other.role}; choose another -o name`);
    }
    await refuseOverwritingInputs('--takes', file, [...inputs, { role: 'the -o output', file: output }, ...report]);
  }
}

/** Runs the search; `video` is the video file, whose motion is read as `foley score --video` reads it. */
export async function searchTakes(pack: LoadedPack, source: FrameSource, video: string, options: GenerateOptions, search: TakeSearch, hooks: TakeHooks, note: (message: string) => void): Promise<RankedTake[]> {
  const motion = await readVideoMotion(video);
  const count = searchCost(search);
  note(`searching ${search.takes} take${search.takes === 1 ? '' : 's'}: ${count} generation${count === 1 ? '' : 's'}`);
  return generateTakes(pack, source, options, search, { ...hooks, motion });
}

/** Writes every take beside -o, best first; returns the report lines. */
export async function writeTakes(takes: readonly RankedTake[], output: string, format: WavFormat, note: (message: string) => void): Promise<TakeLine[]> {
  const files = takeFiles(output, takes.length);
  const lines: TakeLine[] = [];
  for (const [k, take] of takes.entries()) {
    await writeFileAtomic(files[k]!, encodeWav({ sampleRate: take.result.sampleRate, channels: take.result.channels }, format));
    lines.push({ file: files[k]!, seed: take.seed, noise: take.noise, scores: take.scores, total: take.total });
  }
  note(`wrote ${lines.map((l) => `${path.basename(l.file)} (${l.total.toFixed(3)})`).join(', ')}; ${path.basename(output)} is take 1`);
  return lines;
}
