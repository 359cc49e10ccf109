/**
 * `foley generate <video> -o <out.wav> …`: the engine's generate() on onnxruntime-node, reading the video with the
 * same media code as the app (WebCodecs from @napi-rs/webcodecs) and a pack folder from disk.
 */

import { existsSync, openAsBlob } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { curveFromJson } from '../dsp/loudness-curve';
import { nodeDecoderPool } from '../engine/decoding/latent-decoder-node';
import { audioPromptSourceFrames, audioPromptWarnings } from '../engine/conditioning/audio-prompt';
import { EtaEstimator } from '../engine/sampling/eta';
import { MAX_REFERENCE_INIT } from '../engine/sampling/reference-init';
import { generate, generateToSink, type GenerateHooks, type GenerateSummary } from '../engine/sampling/generate';
import type { PackManifest } from '../engine/pack/manifest';
import { createNodeAdapter } from '../engine/runtime/ort-node';
import { loadPack, type LoadedPack } from '../engine/pack/pack-loader';
import { directoryPackSource } from '../engine/pack/pack-source-node';
import type { GenerateOptions, GenerateResult, Progress } from '../engine/host/protocol';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import { openVideo } from '../media/video-source';
import type { FrameSource } from '../engine/conditioning/video-features';
import { checkMuxOutput, MUX_OPTIONS, writeMux } from './generate-mux';
import { encodeWav, encodeWavFrames, encodeWavHeader, type WavFormat } from '../media/wav';
import { WavFileReader } from '../media/wav-file';
import { parseArgs, UsageError, type OptionSpec } from './args';
import { openFileAtomic, refuseOverwritingInputs, writeFileAtomic, type NamedInput } from './output-file';
import { checkTakeOutputs, searchTakes, takeSearchFrom, TAKES_OPTIONS, writeTakes } from './generate-takes';

const MODELS_DIR = fileURLToPath(new URL('../../public/models', import.meta.url));
const WAV_FORMATS: readonly WavFormat[] = ['pcm16', 'pcm24', 'float32'];
/** Packs read a handful of tags (manifest maxTokens); a paragraph is a mistake, not a prompt. */
const MAX_PROMPT_CHARS = 1000;
/**
 * onnxruntime-node segfaults (exit 139, a native stack overflow) while creating a session when the process's
 * command line is over ~28 KB; refuse well below that so the user gets a sentence instead.
 */
const MAX_COMMAND_LINE_BYTES = 16384;
/** --seed feeds a 32-bit generator: larger values would wrap around silently (4294967296 would equal 0). */
const MAX_SEED = 0xffffffff;
/** Longer videos take hours: the estimate is shown and the user must confirm (--yes). */
const LONG_VIDEO_SEC = 3600;
/** Seconds of work per second of video assumed for the estimate: the pack's default steps on 2 CPU cores, measured (bench/engine.ts). */
const ASSUMED_REAL_TIME_FACTOR = 0.5;

export const GENERATE_OPTIONS: OptionSpec[] = [
  { name: 'output', alias: 'o', kind: 'string', valueName: '<out.wav>', description: 'WAV file to write (required); as long as the video' },
  { name: 'pack', kind: 'string', valueName: '<dir>', description: 'model pack folder (default: public/models/foley-tiny, else foley-test)' },
  { name: 'prompt', kind: 'string', valueName: '<text>', maxLength: MAX_PROMPT_CHARS, description: `what it should sound like, e.g. "footsteps on gravel" (≤ ${MAX_PROMPT_CHARS} characters); unknown words are listed` },
  { name: 'audio-prompt', kind: 'string', valueName: '<file.wav>', description: 'a reference recording to sound like (WAV, at least the pack\'s minimum length)' },
  { name: 'no-anchor', kind: 'flag', description: 'with --audio-prompt: steer by the model\'s prompt embedding only, without matching the prompt\'s spectrum and level' },
  { name: 'no-motion-loudness', kind: 'flag', description: 'predict the loudness curve from the model alone, without the picture\'s motion energy' },
  { name: 'no-continuation', kind: 'flag', description: 'with --audio-prompt: do not place the recording before each window as known frames (packs with known-frame conditioning)' },
  { name: 'reference-init', kind: 'number', valueName: '<t>', description: 'with --audio-prompt: start from the recording looped over the clip, t of the way along the flow (0 to 0.95; default 0.6; 0 starts from noise)' },
  { name: 'region', kind: 'string', valueName: '<start:end>', description: 'with --take: regenerate only these seconds of the take, keeping the rest unchanged' },
  { name: 'take', kind: 'string', valueName: '<take.wav>', description: 'an earlier output of this video (same pack) whose --region is regenerated' },
  { name: 'seed', kind: 'integer', valueName: '<n>', min: 0, max: MAX_SEED, description: `noise seed, 0 to ${MAX_SEED}; the same seed gives the same audio (default 0)` },
  { name: 'steps', kind: 'integer', valueName: '<n>', min: 1, description: 'denoising steps (default: the pack\'s)' },
  { name: 'cfg', kind: 'number', valueName: '<x>', description: 'classifier-free guidance scale (default: the pack\'s)' },
  { name: 'level', kind: 'string', valueName: '<LUFS|model>', description: 'integrated loudness of the predicted curve when no --target-curve or --audio-prompt sets it (default -23, EBU R128); "model" keeps the model\'s own level' },
  { name: 'target-curve', kind: 'string', valueName: '<curve.json>', description: 'loudness to follow: {"rate": 6, "windowSec": 0.4, "unit": "LUFS", "channels": [[…], […]]}' },
  { name: 'format', kind: 'string', valueName: '<fmt>', description: 'pcm16 | pcm24 | float32 (default pcm24)' },
  ...TAKES_OPTIONS,
  { name: 'report', kind: 'string', valueName: '<report.json>', description: 'also write what was done: the windows (seconds of the output), timings, warnings' },
  ...MUX_OPTIONS,
  { name: 'yes', kind: 'flag', description: `start even when the video is longer than ${LONG_VIDEO_SEC / 3600} hour (hours of work; asked for otherwise)` },
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
      eta.update(progress);
      if (!interactive) return;
      // A lower bound (a phase ahead not yet measured) is said as one, never as "about".
      const left = eta.estimate();
      line = describeProgress(progress) + (left === null ? '' : `, ${left.lowerBound ? 'over' : 'about'} ${Math.ceil(left.sec)} s left`);
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
      // After the last step the last window decodes: name that, not a finished step count.
      if (p.window === p.windows - 1 && p.step >= p.steps) return `decoding audio (all ${p.windows * p.steps} steps done)`;
      return `denoising window ${p.window + 1}/${p.windows}, step ${p.step}/${p.steps}`;
    case 'decode-audio':
      return `decoding audio ${p.done}/${p.total}`;
    case 'shape':
      return 'shaping loudness';
  }
}

function defaultPackDir(reporter: Reporter): string {
  const tiny = path.join(MODELS_DIR, 'foley-tiny');
  if (existsSync(path.join(tiny, 'manifest.json'))) return tiny;
  reporter.note('note: using the foley-test pack (random weights, noise only); build foley-tiny for real sound');
  return path.join(MODELS_DIR, 'foley-test');
}

/** Opens the reference WAV now (a bad file is refused before the pack loads); its samples are read once the pack says how many it uses. */
async function openAudioPrompt(file: string): Promise<WavFileReader> {
  if (path.extname(file).toLowerCase() !== '.wav') throw new UsageError(`--audio-prompt must be a WAV file, got ${path.basename(file)}`);
  return WavFileReader.open(file).catch((error: unknown) => {
    throw new Error(`--audio-prompt ${file}: ${(error as Error).message}`);
  });
}

/** Only the seconds the pack uses (audioPromptSourceFrames): a 2-hour reference costs what 5 s do. */
async function readAudioPrompt(reader: WavFileReader, manifest: PackManifest, reporter: Reporter): Promise<GenerateOptions['audioPrompt']> {
  const { sampleRate } = reader.layout;
  const block = await reader.read(0, audioPromptSourceFrames(sampleRate, manifest));
  const audio = { sampleRate, channels: block.channels.map((c) => c.slice()) };
  for (const warning of audioPromptWarnings(audio, manifest)) reporter.note(`warning: ${warning}`);
  return audio;
}

async function readTargetCurve(file: string, manifest: PackManifest): Promise<number[][]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`--target-curve ${file}: ${(error as Error).message}`);
  }
  const curve = curveFromJson(json);
  const { curveRate, windowSec, minLufs, maxLufs } = manifest.loudness;
  if (curve.rate !== curveRate) throw new Error(`--target-curve has ${curve.rate} points per second; this pack uses ${curveRate}`);
  if (Math.abs(curve.windowSec - windowSec) > 1e-9) throw new Error(`--target-curve is measured with ${curve.windowSec} s windows; this pack uses ${windowSec} s`);
  curve.channels.forEach((values, c) => {
    if (values.length < 2) throw new Error(`--target-curve channel ${c} has ${values.length} point${values.length === 1 ? '' : 's'}; a curve needs at least 2 (one every 1/${curveRate} s of the video)`);
    const k = values.findIndex((v) => v < minLufs || v > maxLufs);
    if (k >= 0) throw new Error(`--target-curve channel ${c} point ${k} is ${values[k]} LUFS; values must lie from ${minLufs} to ${maxLufs} LUFS (what foley measure --curve writes)`);
  });
  return curve.channels.map((c) => Array.from(c));
}

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** Asks on a terminal, refuses otherwise: hours of work never start by accident. */
async function confirmLongVideo(durationSec: number): Promise<void> {
  const estimate = `this ${clock(durationSec)} video would take about ${clock(durationSec * ASSUMED_REAL_TIME_FACTOR)} to generate on 2 CPU cores`;
  if (!process.stdin.isTTY) throw new UsageError(`${estimate}; pass --yes to start`);
  const { createInterface } = await import('node:readline/promises');
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(`${estimate}. Start? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError('not started');
  } finally {
    terminal.close();
  }
}

/** `--level -23` → −23, `--level model` → null (the model's own level), absent → the engine's default. */
function programLevel(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'model') return null;
  const lufs = Number(value);
  if (value.trim() === '' || !Number.isFinite(lufs) || lufs < -70 || lufs > 0) {
    throw new UsageError(`--level must be an integrated loudness from -70 to 0 LUFS, or "model"; got "${value}"`);
  }
  return lufs;
}

/** `--region 1.5:2.25` and the take WAV it belongs to (read whole: it is this video's length). */
async function readRegion(range: string, takeFile: string): Promise<GenerateOptions['region']> {
  const match = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(range);
  if (!match) throw new UsageError(`--region must be <start:end> in seconds, e.g. 1.5:2.25; got "${range}"`);
  const reader = await WavFileReader.open(takeFile).catch((error: unknown) => {
    throw new Error(`--take ${takeFile}: ${(error as Error).message}`);
  });
  try {
    const { sampleRate, frames } = reader.layout;
    const block = await reader.read(0, frames);
    return { startSec: Number(match[1]), endSec: Number(match[2]), take: { sampleRate, channels: block.channels.map((c) => c.slice()) } };
  } finally {
    await reader.close();
  }
}

async function checkPaths(args: { video: string; output: string; values: ParsedValues }): Promise<void> {
  const info = await stat(args.video).catch(() => null);
  if (!info?.isFile()) throw new Error(`video file not found: ${args.video}`);
  await access(path.dirname(path.resolve(args.output))).catch(() => {
    throw new Error(`cannot write ${args.output}: its folder does not exist`);
  });
  const inputs: NamedInput[] = [{ role: 'the video', file: args.video }];
  for (const flag of ['audio-prompt', 'target-curve', 'take'] as const) {
    const file = args.values[flag];
    if (typeof file === 'string') inputs.push({ role: `the --${flag} file`, file });
  }
  const packDirs = typeof args.values.pack === 'string' ? [args.values.pack] : ['foley-tiny', 'foley-test'].map((id) => path.join(MODELS_DIR, id));
  for (const dir of packDirs) inputs.push(...(await packFiles(dir)));
  await refuseOverwritingInputs('-o', args.output, inputs);
  if (typeof args.values.report === 'string') {
    if (path.resolve(args.values.report) === path.resolve(args.output)) throw new UsageError('--report and -o name the same file; choose another report file');
    await refuseOverwritingInputs('--report', args.values.report, [...inputs, { role: 'the -o output', file: args.output }]);
  }
  const outputs = [{ role: '-o', file: args.output }, ...(typeof args.values.report === 'string' ? [{ role: '--report', file: args.values.report }] : [])];
  await checkMuxOutput(args.video, args.values, outputs, inputs);
  await checkTakeOutputs(args.output, args.values, inputs);
}

/** Every file directly in a pack folder (manifest, weights, references): none may be overwritten by -o. */
async function packFiles(dir: string): Promise<NamedInput[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => ({ role: 'a file of the model pack', file: path.join(dir, e.name) }));
}

/**
 * generate() into a WAV written as the audio is finished: to a temporary sibling of `file`, its header completed
 * with the frame count at the end, renamed over `file` only when whole.
 */
async function generateToWav(pack: LoadedPack, video: FrameSource, options: GenerateOptions, hooks: GenerateHooks, file: string, format: WavFormat): Promise<GenerateSummary> {
  const { sampleRate, channels } = pack.manifest;
  const out = await openFileAtomic(file);
  try {
    await out.write(encodeWavHeader(sampleRate, channels, 0, format).bytes);
    const summary = await generateToSink(pack, video, options, hooks, (chunk) => out.write(encodeWavFrames(chunk.channels, format)));
    const header = encodeWavHeader(sampleRate, channels, summary.samples, format);
    if (header.padBytes > 0) await out.write(new Uint8Array(header.padBytes));
    await out.write(header.bytes, 0);
    await out.commit();
    return summary;
  } finally {
    await out.abort();
  }
}

type ParsedValues = ReturnType<typeof parseArgs>['values'];

function parseGenerateArgs(argv: readonly string[]) {
  const { positionals, values } = parseArgs(argv, GENERATE_OPTIONS);
  // After parsing, so a long --prompt gets its own, more useful message.
  const commandLineBytes = argv.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0);
  if (commandLineBytes > MAX_COMMAND_LINE_BYTES) {
    throw new UsageError(`the command line is ${commandLineBytes} bytes long; at most ${MAX_COMMAND_LINE_BYTES} are accepted (the ONNX runtime cannot start with longer ones)`);
  }
  if (values.help) return null;
  if (positionals.length !== 1) throw new UsageError(`expected one video file, got ${positionals.length}; usage: ${GENERATE_USAGE}`);
  const output = values.output as string | undefined;
  if (!output) throw new UsageError(`-o <out.wav> is required; usage: ${GENERATE_USAGE}`);
  if ((values.region === undefined) !== (values.take === undefined)) throw new UsageError('--region and --take go together: the seconds to regenerate and the take they belong to');
  const referenceInit = values['reference-init'] as number | undefined;
  if (referenceInit !== undefined && values['audio-prompt'] === undefined) throw new UsageError('--reference-init starts from the --audio-prompt recording; give one');
  if (referenceInit !== undefined && !(referenceInit >= 0 && referenceInit <= MAX_REFERENCE_INIT)) throw new UsageError(`--reference-init must be from 0 to ${MAX_REFERENCE_INIT}, got ${referenceInit}`);
  const format = (values.format as string | undefined) ?? 'pcm24';
  if (!WAV_FORMATS.includes(format as WavFormat)) throw new UsageError(`--format must be one of ${WAV_FORMATS.join(', ')}, got "${format}"`);
  return { video: positionals[0]!, output, format: format as WavFormat, values };
}

/** Runs the command; resolves to the exit code. Throws only for bugs; bad input becomes a UsageError/Error message. */
export async function runGenerateCommand(argv: readonly string[], reporter: Reporter = stderrReporter(), signal?: AbortSignal): Promise<number | null> {
  const args = parseGenerateArgs(argv);
  if (!args) return null;
  const { values } = args;
  await checkPaths(args);
  const promptReader = values['audio-prompt'] ? await openAudioPrompt(values['audio-prompt'] as string) : null;
  try {
    return await generateWith(args, promptReader, reporter, signal);
  } finally {
    await promptReader?.close();
  }
}

async function generateWith(args: NonNullable<ReturnType<typeof parseGenerateArgs>>, promptReader: WavFileReader | null, reporter: Reporter, signal?: AbortSignal): Promise<number> {
  const { values } = args;
  const packDir = (values.pack as string | undefined) ?? defaultPackDir(reporter);
  const pack = await loadPack(directoryPackSource(packDir), { backends: ['cpu'], createAdapter: createNodeAdapter, signal });
  installNodeWebCodecs();
  const video = await openVideo(await openAsBlob(args.video));
  const decoder = nodeDecoderPool();
  try {
    if (video.info.durationSec > LONG_VIDEO_SEC && values.yes !== true) await confirmLongVideo(video.info.durationSec);
    const audioPrompt = promptReader ? await readAudioPrompt(promptReader, pack.manifest, reporter) : undefined;
    const options: GenerateOptions = {
      seed: (values.seed as number | undefined) ?? 0,
      steps: values.steps as number | undefined,
      cfgScale: values.cfg as number | undefined,
      prompt: values.prompt as string | undefined,
      audioPrompt,
      promptAnchoring: values['no-anchor'] !== true,
      programLufs: programLevel(values.level as string | undefined),
      targetCurveLufs: values['target-curve'] ? await readTargetCurve(values['target-curve'] as string, pack.manifest) : undefined,
      referenceContinuation: values['no-continuation'] !== true,
      motionLoudness: values['no-motion-loudness'] !== true,
      referenceInit: values['reference-init'] as number | undefined,
      region: values.take ? await readRegion(values.region as string, values.take as string) : undefined,
    };
    const hooks = { decoder, signal, onProgress: (p: Progress) => reporter.progress(p) };
    const search = takeSearchFrom(values);
    // Takes need the audio after it is written; otherwise it streams to the WAV as it is finished (--mux reads it back
    // from there), so memory does not grow with the video's length (issue 9).
    const streamed = !search ? await generateToWav(pack, video, options, hooks, args.output, args.format) : null;
    const ranked = search ? await searchTakes(pack, video, args.video, options, search, hooks, reporter.note) : null;
    const result = streamed ?? (ranked ? ranked[0]!.result : await generate(pack, video, options, hooks));
    reporter.done();
    if (result.unknownWords.length > 0) {
      reporter.note(`note: the pack has no tags for: ${result.unknownWords.join(', ')} (known: ${pack.manifest.conditioning.text.vocabulary.slice(2).join(', ')})`);
    }
    if (!streamed) await writeFileAtomic(args.output, encodeWav({ sampleRate: result.sampleRate, channels: (result as GenerateResult).channels }, args.format));
    const seconds = (streamed ? streamed.samples : (result as GenerateResult).channels[0]!.length) / result.sampleRate;
    const takes = ranked ? await writeTakes(ranked, args.output, args.format, reporter.note) : null;
    if (typeof values.report === 'string') {
      const report = {
        video: args.video,
        output: args.output,
        pack: { id: pack.manifest.id, version: pack.manifest.version },
        seed: options.seed,
        steps: options.steps ?? pack.manifest.sampler.steps,
        durationSec: seconds,
        windows: result.windows,
        timings: result.timings,
        warnings: result.warnings ?? [],
        unknownWords: result.unknownWords,
        ...(takes ? { takes } : {}),
      };
      await writeFileAtomic(values.report, new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`));
    }
    reporter.note(`wrote ${args.output}: ${seconds.toFixed(3)} s, ${result.sampleRate} Hz, ${pack.manifest.channels} ch, ${args.format} (${(result.timings.totalMs / 1000).toFixed(1)} s)`);
    const muxed = await writeMux(args.video, values, streamed ? args.output : (result as GenerateResult), signal);
    if (muxed) reporter.note(muxed);
    return 0;
  } finally {
    decoder.dispose();
    video.close();
    await pack.dispose();
  }
}
