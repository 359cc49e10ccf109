/**
 * `foley score <reference> <candidate…> [--video v.mp4] [--json]`: the real-clip scores of generated audio
 * against the real recording (src/metrics/real-clip.ts; each score's definition is in its src/metrics module).
 *
 * Every file may be WAV or any container the media layer reads (MP4/M4A/MOV/WebM with AAC, Opus, MP3, …). Both
 * sides are decoded, resampled to 16 kHz and made stereo, then scored over their overlap; a candidate shorter than
 * the reference is scored over its own length, and the output says so (`partial: true`, and a note on stderr).
 *
 * `--json` prints one line per candidate: {"candidate", "onsetF1", "onsetF1Shifted", "loudnessR", "melFD", "avAlign", "seconds",
 * "referenceSeconds", "candidateSeconds", "partial"} (avAlign null without --video); a candidate that cannot be
 * scored gives {"candidate", "error"} and the exit code 1. `--baselines` adds the lines "loop-ref" (the first
 * 2 s of the reference looped) and, with --video, "motion-energy" (loudness r only) and "reference" (AV-Align only: the
 * real recording's own, what the picture's motion peaks give the sound that goes with it).
 */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { decodeAudioFile } from '../media/audio-file';
import { resampleChannels } from '../media/audio-resample';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import type { VideoMotion } from '../metrics/av-align';
import { loopReference, motionEnergyR, referenceAvAlign, scoreClip, SCORE_SAMPLE_RATE, toStereo, type ClipScores } from '../metrics/real-clip';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import { readVideoMotion } from './video-motion';

export const SCORE_OPTIONS: OptionSpec[] = [
  { name: 'video', kind: 'string', valueName: '<v.mp4>', description: 'the clip\'s video: adds AV-Align (audio onsets vs motion peaks)' },
  { name: 'ref-start', kind: 'number', valueName: '<sec>', description: 'where the candidates start in the reference (and video), default 0' },
  { name: 'baselines', kind: 'flag', description: 'also score loop-ref (first 2 s looped) and, with --video, the motion-energy curve and the reference\'s own AV-Align' },
  { name: 'json', kind: 'flag', description: 'one JSON object per line instead of the table' },
  { name: 'help', alias: 'h', kind: 'flag', description: 'show this help' },
];

export const SCORE_USAGE = 'foley score <reference> <candidate…> [--video v.mp4] [--baselines] [--ref-start s] [--json]';

/** A candidate shorter than the reference by more than this is reported as scored over part of the clip. */
const PARTIAL_TOLERANCE_SEC = 0.05;

export interface ScoreLine extends Partial<ClipScores> {
  candidate: string;
  referenceSeconds?: number;
  candidateSeconds?: number;
  partial?: boolean;
  error?: string;
}

export interface ScoreOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: ScoreOutput = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'unknown error';
}

/** The file's audio at 16 kHz, stereo, from `startSec`; refuses NaN/Inf samples (no score means anything then). */
export async function readScoreAudio(file: string, startSec = 0): Promise<Float32Array[]> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new Error(`${file}: no such file`);
  if (!info.isFile()) throw new Error(`${file}: not a regular file`);
  installNodeWebCodecs();
  const audio = await decodeAudioFile(await openAsBlob(file)).catch((error: unknown) => {
    throw new Error(`${file}: ${oneLine(error)}`);
  });
  if (audio.channels.some((c) => c.some((v) => !Number.isFinite(v)))) throw new Error(`${file}: the audio contains NaN or infinite samples`);
  const skip = Math.round(startSec * audio.sampleRate);
  if (skip >= audio.channels[0]!.length) throw new Error(`${file}: --ref-start ${startSec} s is past the end of the audio`);
  return resampleChannels(toStereo(audio.channels).map((c) => c.subarray(skip)), audio.sampleRate, SCORE_SAMPLE_RATE);
}

function seconds(channels: readonly Float32Array[]): number {
  return channels[0]!.length / SCORE_SAMPLE_RATE;
}

/** Scores one decoded candidate; `label` is what the line calls it. */
export function scoreLine(label: string, reference: Float32Array[], candidate: Float32Array[], motion?: VideoMotion): ScoreLine {
  const scores = scoreClip(reference, candidate, motion);
  const referenceSeconds = seconds(reference);
  const candidateSeconds = seconds(candidate);
  return { candidate: label, ...scores, referenceSeconds, candidateSeconds, partial: candidateSeconds < referenceSeconds - PARTIAL_TOLERANCE_SEC };
}

const fixed = (v: number | null | undefined, digits: number): string => (v === null || v === undefined ? '-' : v.toFixed(digits));

function formatLine(line: ScoreLine): string {
  if (line.error) return `${line.candidate}: ${line.error}\n`;
  const part = line.partial ? ` (first ${fixed(line.seconds, 2)} s of ${fixed(line.referenceSeconds, 2)} s)` : '';
  return `${line.candidate}: onset F1 ${fixed(line.onsetF1, 3)} (out of time ${fixed(line.onsetF1Shifted, 3)})  loudness r ${fixed(line.loudnessR, 3)}  mel-FD ${fixed(line.melFD, 1)}  AV-Align ${fixed(line.avAlign, 3)}  over ${fixed(line.seconds, 2)} s${part}\n`;
}

/** Runs `foley score`; returns the exit code (0 ok, 1 a file could not be scored, 2 bad usage). */
export async function runScore(args: string[], output: ScoreOutput = processOutput): Promise<number> {
  const { positionals, values } = parseArgs(args, SCORE_OPTIONS);
  if (values.help) {
    output.stdout(`Usage: ${SCORE_USAGE}\n\n${formatOptions(SCORE_OPTIONS)}\n\nScores at 16 kHz over the overlap of reference and candidate: onset F1 (±50 ms; and with the candidate's onsets moved out of time, what the same onsets score by chance), loudness-curve r, log-mel Fréchet distance, AV-Align.\n`);
    return 0;
  }
  const withBaselines = values.baselines === true;
  if (positionals.length < (withBaselines ? 1 : 2)) throw new UsageError(`expected a reference and at least one candidate; usage: ${SCORE_USAGE}`);
  const startSec = typeof values['ref-start'] === 'number' ? values['ref-start'] : 0;
  if (startSec < 0) throw new UsageError(`--ref-start must be ≥ 0, got ${startSec}`);
  const [referenceFile, ...candidates] = positionals as [string, ...string[]];
  const reference = await readScoreAudio(referenceFile, startSec);
  const motion = typeof values.video === 'string' ? await readVideoMotion(values.video, startSec).catch((error: unknown) => {
    throw new Error(`${values.video}: ${oneLine(error)}`);
  }) : undefined;
  const emit = (line: ScoreLine): void => output.stdout(values.json ? `${JSON.stringify(line)}\n` : formatLine(line));
  let failed = false;
  for (const file of candidates) {
    try {
      const line = scoreLine(file, reference, await readScoreAudio(file), motion);
      if (line.partial) output.stderr(`note: ${file} is ${fixed(line.candidateSeconds, 2)} s, the reference ${fixed(line.referenceSeconds, 2)} s: scored over the first ${fixed(line.seconds, 2)} s\n`);
      emit(line);
    } catch (error) {
      failed = true;
      output.stderr(`foley score: ${oneLine(error)}\n`);
      emit({ candidate: file, error: oneLine(error) });
    }
  }
  if (withBaselines) {
    emit(scoreLine('loop-ref', reference, loopReference(reference), motion));
    if (motion) {
      emit({ candidate: 'motion-energy', loudnessR: motionEnergyR(reference, motion), seconds: seconds(reference) });
      emit({ candidate: 'reference', avAlign: referenceAvAlign(reference, motion), seconds: seconds(reference) });
    }
  }
  return failed ? 1 : 0;
}
