/**
 * `foley generate <video> -o <out.wav> …`: the engine's generate() on onnxruntime-node, reading the video with the
 * same media code as the app (WebCodecs from @napi-rs/webcodecs) and a pack folder from disk.
 */

import { existsSync, openAsBlob } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { curveFromJson } from '../dsp/loudness-curve';
import { nodeDecoderPool } from '../engine/audio-decoder-node';
import { EtaEstimator } from '../engine/eta';
import { generate } from '../engine/generate';
import type { PackManifest } from '../engine/manifest';
import { createNodeAdapter } from '../engine/ort-node';
import { loadPack } from '../engine/pack-loader';
import { directoryPackSource } from '../engine/pack-source-node';
import type { GenerateOptions, Progress } from '../engine/protocol';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import { openVideo } from '../media/video-source';
import { decodeWav, encodeWav, type WavFormat } from '../media/wav';
import { parseArgs, UsageError, type OptionSpec } from './args';

const MODELS_DIR = fileURLToPath(new URL('../../public/models/', import.meta.url));
const WAV_FORMATS: readonly WavFormat[] = ['pcm16', 'pcm24', 'float32'];

export const GENERATE_OPTIONS: OptionSpec[] = [
  { name: 'output', alias: 'o', kind: 'string', valueName: '<out.wav>', description: 'WAV file to write (required); as long as the video' },
  { name: 'pack', kind: 'string', valueName: '<dir>', description: 'model pack folder (default: public/models/foley-tiny, else foley-test)' },
  { name: 'prompt', kind: 'string', valueName: '<text>', description: 'what it should sound like, e.g. "footsteps on gravel"; unknown words are listed' },
  { name: 'audio-prompt', kind: 'string', valueName: '<file.wav>', description: 'a reference recording to sound like (WAV, at least the pack\'s minimum length)' },
  { name: 'no-anchor', kind: 'flag', description: 'with --audio-prompt: steer by the model\'s prompt embedding only, without matching the prompt\'s spectrum and level' },
  { name: 'seed', kind: 'integer', valueName: '<n>', description: 'noise seed; the same seed gives the same audio (default 0)' },
  { name: 'steps', kind: 'integer', valueName: '<n>', description: 'denoising steps (default: the pack\'s)' },
  { name: 'cfg', kind: 'number', valueName: '<x>', description: 'classifier-free guidance scale (default: the pack\'s)' },
  { name: 'target-curve', kind: 'string', valueName: '<curve.json>', description: 'loudness to follow: {"rate": 6, "windowSec": 0.4, "unit": "LUFS", "channels": [[…], […]]}' },
  { name: 'format', kind: 'string', valueName: '<fmt>', description: 'pcm16 | pcm24 | float32 (default pcm24)' },
  { name: 'help', alias: 'h', kind: 'flag', description: 'show this help' },
];

export const GENERATE_USAGE = 'foley generate <video> -o <out.wav> [options]';

interface Reporter {
  note(message: string): void;
  progress(progress: Progress): void;
  done(): void;
}

function stderrReporter(): Reporter {
  const interactive = process.stderr.isTTY === true;
  const eta = new EtaEstimator();
  let line = '';
  return {
    note: (message) => process.stderr.write(`${message}\n`),
    progress(progress) {
      const etaSec = eta.update(progress);
      if (!interactive) return;
      line = describeProgress(progress) + (etaSec === null ? '' : `, about ${Math.ceil(etaSec)} s left`);
      process.stderr.write(`\r\x1b[2K${line}`);
    },
    done: () => interactive && line && process.stderr.write('\r\x1b[2K'),
  };
}

function describeProgress(p: Progress): string {
  switch (p.stage) {
    case 'download':
      return `loading ${p.file}`;
    case 'decode-video':
      return `reading video ${p.doneSec.toFixed(1)}/${p.totalSec.toFixed(1)} s`;
    case 'encode':
      return 'encoding conditions';
    case 'denoise':
      return `denoising window ${p.window + 1}/${p.windows}, step ${p.step}/${p.steps}`;
    case 'decode-audio':
      return `decoding audio ${p.done}/${p.total}`;
  }
}

function defaultPackDir(reporter: Reporter): string {
  const tiny = path.join(MODELS_DIR, 'foley-tiny');
  if (existsSync(path.join(tiny, 'manifest.json'))) return tiny;
  reporter.note('note: using the foley-test pack (random weights, noise only); build foley-tiny for real sound');
  return path.join(MODELS_DIR, 'foley-test');
}

async function readAudioPrompt(file: string): Promise<GenerateOptions['audioPrompt']> {
  if (path.extname(file).toLowerCase() !== '.wav') throw new UsageError(`--audio-prompt must be a WAV file, got ${path.basename(file)}`);
  return decodeWav(new Uint8Array(await readFile(file)));
}

async function readTargetCurve(file: string, manifest: PackManifest): Promise<number[][]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`--target-curve ${file}: ${(error as Error).message}`);
  }
  const curve = curveFromJson(json);
  const { curveRate, windowSec } = manifest.loudness;
  if (curve.rate !== curveRate) throw new Error(`--target-curve has ${curve.rate} points per second; this pack uses ${curveRate}`);
  if (Math.abs(curve.windowSec - windowSec) > 1e-9) throw new Error(`--target-curve is measured with ${curve.windowSec} s windows; this pack uses ${windowSec} s`);
  return curve.channels.map((c) => Array.from(c));
}

async function checkPaths(video: string, output: string): Promise<void> {
  const info = await stat(video).catch(() => null);
  if (!info?.isFile()) throw new Error(`video file not found: ${video}`);
  await access(path.dirname(path.resolve(output))).catch(() => {
    throw new Error(`cannot write ${output}: its folder does not exist`);
  });
}

function parseGenerateArgs(argv: readonly string[]) {
  const { positionals, values } = parseArgs(argv, GENERATE_OPTIONS);
  if (values.help) return null;
  if (positionals.length !== 1) throw new UsageError(`expected one video file, got ${positionals.length}; usage: ${GENERATE_USAGE}`);
  const output = values.output as string | undefined;
  if (!output) throw new UsageError(`-o <out.wav> is required; usage: ${GENERATE_USAGE}`);
  const format = (values.format as string | undefined) ?? 'pcm24';
  if (!WAV_FORMATS.includes(format as WavFormat)) throw new UsageError(`--format must be one of ${WAV_FORMATS.join(', ')}, got "${format}"`);
  return { video: positionals[0]!, output, format: format as WavFormat, values };
}

/** Runs the command; resolves to the exit code. Throws only for bugs; bad input becomes a UsageError/Error message. */
export async function runGenerateCommand(argv: readonly string[], reporter: Reporter = stderrReporter(), signal?: AbortSignal): Promise<number | null> {
  const args = parseGenerateArgs(argv);
  if (!args) return null;
  const { values } = args;
  await checkPaths(args.video, args.output);
  const audioPrompt = values['audio-prompt'] ? await readAudioPrompt(values['audio-prompt'] as string) : undefined;
  const packDir = (values.pack as string | undefined) ?? defaultPackDir(reporter);
  const pack = await loadPack(directoryPackSource(packDir), { backends: ['cpu'], createAdapter: createNodeAdapter, signal });
  installNodeWebCodecs();
  const video = await openVideo(await openAsBlob(args.video));
  const decoder = nodeDecoderPool();
  try {
    const options: GenerateOptions = {
      seed: (values.seed as number | undefined) ?? 0,
      steps: values.steps as number | undefined,
      cfgScale: values.cfg as number | undefined,
      prompt: values.prompt as string | undefined,
      audioPrompt,
      promptAnchoring: values['no-anchor'] !== true,
      targetCurveLufs: values['target-curve'] ? await readTargetCurve(values['target-curve'] as string, pack.manifest) : undefined,
    };
    const result = await generate(pack, video, options, { decoder, signal, onProgress: (p) => reporter.progress(p) });
    reporter.done();
    if (result.unknownWords.length > 0) {
      reporter.note(`note: the pack has no tags for: ${result.unknownWords.join(', ')} (known: ${pack.manifest.conditioning.text.vocabulary.slice(2).join(', ')})`);
    }
    await writeFile(args.output, encodeWav({ sampleRate: result.sampleRate, channels: result.channels }, args.format));
    const seconds = result.channels[0]!.length / result.sampleRate;
    reporter.note(`wrote ${args.output}: ${seconds.toFixed(3)} s, ${result.sampleRate} Hz, ${result.channels.length} ch, ${args.format} (${(result.timings.totalMs / 1000).toFixed(1)} s)`);
    return 0;
  } finally {
    decoder.dispose();
    video.close();
    await pack.dispose();
  }
}
