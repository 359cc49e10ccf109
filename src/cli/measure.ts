/**
 * `foley measure <audio-or-video> [--json] [--curve out.json]`: EBU R 128 / ITU-R BS.1770 loudness of a file.
 *
 * WAV is read with src/media/wav-file.ts and metered block by block, so memory does not grow with its length
 * (except with --curve, which needs the whole signal); anything else goes through the media layer (WebCodecs from
 * @napi-rs/webcodecs): the file's own audio track is decoded whole.
 *
 * Garbage is not measured: NaN or infinite samples are refused (exit 1), and a true peak above +20 dBTP is
 * reported with a warning line on stderr (the numbers are still printed). --curve never replaces the input.
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
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { curveToJson, momentaryLoudnessCurve } from '../dsp/loudness-curve';
import { DEFAULT_CHANNEL_LAYOUTS, finishMeasurement, LoudnessMeter, type LoudnessMeasurement } from '../dsp/loudness-meter';
import { decodeAudioFile } from '../media/audio-file';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import { type PlanarAudio } from '../media/wav';
import { WavFileReader } from '../media/wav-file';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import { refuseOverwritingInputs, writeFileAtomic } from './output-file';

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

/** Frames per read when metering a WAV: 2^16 (1.4 s at 48 kHz, 512 KB of stereo float) keeps memory flat. */
const BLOCK_FRAMES = 65536;
/** A true peak above +20 dBTP (10× full scale) is no plausible recording: flagged as a likely wrong format or gain. */
const ABSURD_TRUE_PEAK_DBTP = 20;

type InputKind = 'wav' | 'media';

/** Checks the file exists and is not empty, and tells a WAV (by its RIFF/WAVE header, whatever the extension) from media. */
async function inputKind(file: string): Promise<InputKind> {
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
  return header.toString('latin1', 0, 4) === 'RIFF' && header.toString('latin1', 8, 12) === 'WAVE' ? 'wav' : 'media';
}

/** Reads the audio track of a media file (whole: container audio is compressed, hence small). */
async function readMediaAudio(file: string): Promise<PlanarAudio> {
  installNodeWebCodecs();
  // decodeAudioFile also reads audio-only MP4/M4A/WebM, which openVideo refuses (issue 11 #8).
  return decodeAudioFile(await openAsBlob(file)).catch((error: unknown) => {
    throw new Error(`${file}: not a WAV file, and not a media file with audio (${oneLine(error)})`);
  });
}

/** Reads a WAV or the audio track of a media file, whole. */
export async function readAudioFile(file: string): Promise<PlanarAudio> {
  if ((await inputKind(file)) === 'media') return readMediaAudio(file);
  const reader = await WavFileReader.open(file);
  try {
    const block = await reader.read(0, reader.layout.frames);
    return { sampleRate: reader.layout.sampleRate, channels: block.channels };
  } finally {
    await reader.close();
  }
}

interface Metered {
  measurement: LoudnessMeasurement;
  durationSec: number;
  /** Samples that were NaN or ±Infinity. */
  nonFinite: number;
}

function newMeter(file: string, sampleRate: number, channelCount: number): LoudnessMeter {
  if (!DEFAULT_CHANNEL_LAYOUTS[channelCount]) {
    throw new Error(`${file} has ${channelCount} channels; loudness can be measured for 1–8 (BS.1770 weighs each channel by its loudspeaker position, known only up to 7.1)`);
  }
  return new LoudnessMeter({ sampleRate, channelCount });
}

/** Meters a WAV block by block: memory stays at one block whatever the file's length. */
async function meterWav(file: string): Promise<Metered> {
  const reader = await WavFileReader.open(file);
  try {
    const { frames, sampleRate, channelCount } = reader.layout;
    const meter = newMeter(file, sampleRate, channelCount);
    let nonFinite = 0;
    for (let start = 0; start < frames; start += BLOCK_FRAMES) {
      const block = await reader.read(start, BLOCK_FRAMES);
      nonFinite += block.nonFinite;
      meter.addFrames(block.channels);
    }
    return { measurement: frames > 0 ? finishMeasurement(meter) : silentMeasurement(sampleRate, channelCount), durationSec: frames / sampleRate, nonFinite };
  } finally {
    await reader.close();
  }
}

function meterAudio(file: string, audio: PlanarAudio): Metered {
  const frames = Math.min(...audio.channels.map((c) => c.length));
  const meter = newMeter(file, audio.sampleRate, audio.channels.length);
  let nonFinite = 0;
  for (const channel of audio.channels) for (let i = 0; i < frames; i++) if (channel[i]! - channel[i]! !== 0) nonFinite++;
  meter.addFrames(audio.channels.map((c) => c.subarray(0, frames)));
  const measurement = frames > 0 ? finishMeasurement(meter) : silentMeasurement(audio.sampleRate, audio.channels.length);
  return { measurement, durationSec: frames / audio.sampleRate, nonFinite };
}

/** What a file with no samples measures: −∞ everywhere. */
function silentMeasurement(sampleRate: number, channels: number): LoudnessMeasurement {
  return { integrated: -Infinity, lra: -Infinity, momentaryMax: -Infinity, shortTermMax: -Infinity, truePeak: -Infinity, sampleRate, channels };
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
    const file = positionals[0]!;
    const curveFile = typeof values.curve === 'string' ? values.curve : null;
    if (curveFile) await refuseOverwritingInputs('--curve', curveFile, [{ role: 'the file being measured', file }]);
    const kind = await inputKind(file);
    // Without --curve a WAV is metered in blocks; the curve (src/dsp/loudness-curve.ts) needs the whole signal.
    const audio = kind === 'media' || curveFile ? await readAudioFile(file) : null;
    const { measurement, durationSec, nonFinite } = audio ? meterAudio(file, audio) : await meterWav(file);
    if (nonFinite > 0) {
      throw new Error(`${file}: ${nonFinite} sample${nonFinite === 1 ? ' is' : 's are'} not a number (NaN or infinite): the file is damaged or not audio; nothing measured`);
    }
    if (measurement.truePeak > ABSURD_TRUE_PEAK_DBTP) {
      output.stderr(`foley measure: warning: ${file} peaks at +${measurement.truePeak.toFixed(1)} dBTP, far above full scale: probably not audio at its real level (wrong sample format or gain?)\n`);
    }
    if (curveFile && audio) {
      const curve = momentaryLoudnessCurve(audio.channels, audio.sampleRate);
      await writeFileAtomic(curveFile, `${JSON.stringify(curveToJson(curve))}\n`);
    }
    output.stdout(values.json ? `${JSON.stringify(measurementJson(measurement))}\n` : formatTable(file, measurement, durationSec));
    return 0;
  } catch (error) {
    output.stderr(`foley measure: ${oneLine(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
