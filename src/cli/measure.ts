/**
 * `foley measure <audio-or-video> [--json] [--curve out.json]`: EBU R 128 / ITU-R BS.1770 loudness of a file.
 *
 * WAV is read with src/media/wav.ts; anything else goes through the media layer (WebCodecs from
 * @napi-rs/webcodecs): the file's own audio track is decoded.
 *
 * `--json` prints exactly `{"integrated", "lra", "momentaryMax", "shortTermMax", "truePeak", "sampleRate",
 * "channels"}` (LUFS, LU, LUFS, LUFS, dBTP, Hz, count), with null where a measure is −∞ (silence, or too
 * little audio: integrated needs 400 ms, LRA a 3 s window).
 *
 * `--curve out.json` writes the per-channel momentary loudness curve, one 400 ms BS.1770 window every 1/6 s
 * (see src/dsp/loudness-curve.ts): `{ "rate": 6, "windowSec": 0.4, "unit": "LUFS", "channels": [[…L], […R]] }`,
 * values clipped to [−70, 0] LUFS. This is the format `foley generate --target-curve` reads.
 */

import { openAsBlob } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { curveToJson, momentaryLoudnessCurve } from '../dsp/loudness-curve';
import { measureLoudness, type LoudnessMeasurement } from '../dsp/loudness-meter';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import { openVideo } from '../media/video-source';
import { decodeWav, type PlanarAudio } from '../media/wav';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from './args';

export const MEASURE_OPTIONS: OptionSpec[] = [
  { name: 'json', kind: 'flag', description: 'print one JSON object (−∞ as null) instead of the table' },
  { name: 'curve', kind: 'string', valueName: '<out.json>', description: 'also write the per-channel loudness curve (6 points/s, 400 ms windows)' },
  { name: 'help', alias: 'h', kind: 'flag', description: 'show this help' },
];

export const MEASURE_USAGE = 'foley measure <audio-or-video> [--json] [--curve out.json]';

/** Where the command writes; tests pass their own. */
export interface MeasureOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: MeasureOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Reads a WAV (recognised by its RIFF/WAVE header, whatever the extension) or the audio track of a media file. */
export async function readAudioFile(file: string): Promise<PlanarAudio> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new Error(`${file}: no such file`);
  if (!info.isFile()) throw new Error(`${file}: not a regular file`);
  if (info.size === 0) throw new Error(`${file}: the file is empty`);
  const handle = await open(file);
  const header = Buffer.alloc(12);
  try {
    await handle.read(header, 0, 12, 0);
  } finally {
    await handle.close();
  }
  if (header.toString('latin1', 0, 4) === 'RIFF' && header.toString('latin1', 8, 12) === 'WAVE') {
    return decodeWav(new Uint8Array(await readFile(file)));
  }
  installNodeWebCodecs();
  const source = await openVideo(await openAsBlob(file)).catch((error: unknown) => {
    throw new Error(`${file}: not a WAV file, and not a media file with audio (${oneLine(error)})`);
  });
  try {
    const audio = await source.decodeAudio();
    if (!audio) throw new Error(`${file}: has no audio track`);
    return audio;
  } finally {
    source.close();
  }
}

/** The --json contract: the measurement with −∞ (and any non-finite value) as null. */
export function measurementJson(m: LoudnessMeasurement): Record<keyof LoudnessMeasurement, number | null> {
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return {
    integrated: finite(m.integrated),
    lra: finite(m.lra),
    momentaryMax: finite(m.momentaryMax),
    shortTermMax: finite(m.shortTermMax),
    truePeak: finite(m.truePeak),
    sampleRate: m.sampleRate,
    channels: m.channels,
  };
}

function formatTable(file: string, m: LoudnessMeasurement, durationSec: number): string {
  const value = (v: number, unit: string, why: string): string => (Number.isFinite(v) ? `${v.toFixed(1).padStart(6)} ${unit}` : `  -inf ${unit} (${why})`);
  const quiet = durationSec < 0.4 ? 'not enough audio' : 'silence';
  return [
    `${path.basename(file)}: ${m.sampleRate} Hz, ${m.channels} channel${m.channels === 1 ? '' : 's'}, ${durationSec.toFixed(2)} s`,
    `  Integrated      ${value(m.integrated, 'LUFS', durationSec < 0.4 ? 'needs 400 ms' : 'silence')}`,
    `  Loudness range  ${value(m.lra, 'LU', 'needs a 3 s window above −70 LUFS')}`,
    `  Momentary max   ${value(m.momentaryMax, 'LUFS', quiet)}`,
    `  Short-term max  ${value(m.shortTermMax, 'LUFS', quiet)}`,
    `  True peak       ${value(m.truePeak, 'dBTP', quiet)}`,
    '',
  ].join('\n');
}

/** First line of an error's message: the CLI never prints a stack. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'unknown error';
}

/** Runs `foley measure`; returns the exit code (0 ok, 1 unreadable input, 2 bad usage). */
export async function runMeasure(args: string[], output: MeasureOutput = processOutput): Promise<number> {
  try {
    const { positionals, values } = parseArgs(args, MEASURE_OPTIONS);
    if (values.help) {
      output.stdout(`Usage: ${MEASURE_USAGE}\n\n${formatOptions(MEASURE_OPTIONS)}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`expected one input file, got ${positionals.length}; usage: ${MEASURE_USAGE}`);
    const file = positionals[0];
    const audio = await readAudioFile(file);
    const measurement = measureLoudness(audio.channels, audio.sampleRate);
    if (typeof values.curve === 'string') {
      const curve = momentaryLoudnessCurve(audio.channels, audio.sampleRate);
      await writeFile(values.curve, `${JSON.stringify(curveToJson(curve))}\n`);
    }
    const durationSec = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
    output.stdout(values.json ? `${JSON.stringify(measurementJson(measurement))}\n` : formatTable(file, measurement, durationSec));
    return 0;
  } catch (error) {
    output.stderr(`foley measure: ${oneLine(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
