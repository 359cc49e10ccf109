/**
 * The generation pipeline: video → features and the predicted loudness curve (once per clip) → per window: adapters
 * on the window's frames, DiT flow sampling (every step), Griffin-Lim decoding (on decoder threads) → crossfaded clip
 * of exactly round(durationSec · sampleRate) samples → loudness shaping to the target curve (the user's, else the predicted one).
 * Shared by the worker (browser) and the CLI (Node); only the LoadedPack's backend differs.
 */

import { audioToLatent } from '../../dsp/log-mel';
import { shapeLoudness } from '../../dsp/loudness-shaping';
import { Prng } from '../../dsp/prng';
import { inlineDecoder, splitChannels, type LatentDecoder } from '../decoding/latent-decoder';
import { matchReference } from '../decoding/reference-match';
import { audioPromptWarnings } from '../conditioning/audio-prompt';
import { clipConditioning, type ClipConditioning } from '../conditioning/clip-conditioning';
import { applyGain, spectrumGain } from '../conditioning/prompt-anchor';
import { applyBandFloor, applyLatentFloor } from './latent-floor';
import { restoreKnown, windowKnown, type KnownClipRows, type WindowKnown } from '../conditioning/known-frames';
import { abortError, sampleFlow, type FlowOps } from './flow-sampler';
import { LoudnessStream } from './loudness-stream';
import { planWindows, windowOverlapSec, WindowMixer, type AudioChunk, type AudioWindow } from './long-form';
import { checkRegion, planRegionWindows, regionRows, regionSpan, spliceRegion, takeLatent } from './region';
import { matchRegionEdges, type WindowLatent } from './region-edges';
import { checkReferenceInit, DEFAULT_REFERENCE_INIT, referenceStart } from './reference-init';
import { loudnessToCurveLufs } from '../conditioning/loudness-conditioning';
import type { PackManifest } from '../pack/manifest';
import type { LoadedPack } from '../pack/pack-loader';
import type { GenerateOptions, GenerateResult, Progress } from '../host/protocol';
import { clipSizes, padToMultiple, sliceRows, type ClipSizes } from './sequence';
import { readFloat32, type EngineTensor } from '../runtime/model-session';
import { SessionRunner } from '../runtime/model-session-runner';
import type { FrameSource } from '../conditioning/video-features';

export interface GenerateHooks {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  /** Where Griffin-Lim runs; a thread pool lets window k decode while window k + 1 denoises. Default: inline. */
  decoder?: LatentDecoder;
  /**
   * The initial noise of each window, called once per window in window order with the values it needs (test-time
   * search, takes.ts, mixes seeded streams); default: the next values of the N(0, 1) stream seeded by `options.seed`.
   */
  initialNoise?: (length: number, window: number) => Float32Array;
}

function checkOptions(options: GenerateOptions, manifest: PackManifest): { steps: number; cfgScale: number; seed: number } {
  const steps = options.steps ?? manifest.sampler.steps;
  const cfgScale = options.cfgScale ?? manifest.sampler.cfgScale;
  const maxSteps = manifest.sampler.maxSteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > maxSteps) {
    throw new RangeError(`steps must be a whole number from 1 to ${maxSteps} for this pack (it samples correctly with at most ${maxSteps}), got ${steps}`);
  }
  if (!Number.isFinite(cfgScale) || cfgScale < 0 || cfgScale > 50) throw new RangeError(`cfg scale must be a number from 0 to 50, got ${cfgScale}`);
  if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  return { steps, cfgScale, seed: options.seed };
}

interface WindowContext {
  runner: SessionRunner;
  manifest: PackManifest;
  cond: ClipConditioning;
  sizes: ClipSizes;
  settings: { steps: number; cfgScale: number };
  /** Flow time windows start at from the looped reference (reference-init.ts); 0 = from noise. */
  referenceInit: number;
  prng: Prng;
  windows: number;
  hooks: GenerateHooks;
  /** Known clip rows: the take outside a region being regenerated, the window before's latent (continuity). */
  knownRows: KnownClipRows[];
}

/**
 * Adapter outputs for one window, from the video frames inside it: the DiT was trained on window-length clips, so
 * its global condition describes what is on screen in this window, not the average over a long video.
 */
async function windowConditioning(ctx: WindowContext, window: AudioWindow, startFrame: number, frames: number) {
  const { runner, manifest, cond } = ctx;
  const dv = runner.outputWidth('visual_encoder', 'features');
  const ds = runner.outputWidth('sync_encoder', 'features');
  const visualRows = cond.visual.length / dv;
  const fps = manifest.video.visualFps;
  const first = Math.min(Math.floor((window.startSample / manifest.sampleRate) * fps + 1e-6), visualRows - 1);
  const end = Math.max(first + 1, Math.min(visualRows, Math.ceil(((window.startSample + window.lengthSamples) / manifest.sampleRate) * fps - 1e-6)));
  const adapted = await runner.runToHost('adapters', {
    visual: runner.float32(cond.visual.slice(first * dv, end * dv), [1, end - first, dv]),
    sync: runner.float32(cond.syncAtLatent(startFrame, frames), [1, frames, ds]),
  });
  return { frameCond: adapted.frame_cond!, globalCond: adapted.global_cond! };
}

/** Denoises one window; returns its latent [Lw, C] (Lw = floor(lengthSamples / hop) + 1, padding trimmed). */
async function denoiseWindow(ctx: WindowContext, window: AudioWindow): Promise<{ latent: Float32Array; frames: number }> {
  const { runner, manifest, cond } = ctx;
  const { hop, lengthMultiple, nMels } = manifest.latent;
  const channels = manifest.channels;
  const dims = channels * nMels;
  const frames = Math.floor(window.lengthSamples / hop) + 1;
  const padded = padToMultiple(frames, lengthMultiple);
  const start = window.startSample / hop;
  const { frameCond, globalCond } = await windowConditioning(ctx, window, start, padded);
  const d = globalCond.length;
  const known = manifest.conditioning.known ? windowKnown(start, padded, dims, cond.reference, ctx.knownRows) : null;
  const prefix = known?.prefixFrames ?? 0;
  const total = prefix + padded;
  const fixed: Record<string, EngineTensor> = {
    cfg_scale: runner.float32(Float32Array.of(ctx.settings.cfgScale), [1]),
    // A reference prefix has no picture (zero frame conditioning, as in training) and its own loudness.
    frame_cond: runner.float32(prefixed(frameCond, prefix * d, null), [1, total, d]),
    global_cond: runner.float32(globalCond, [1, d]),
    loudness: runner.float32(prefixed(sliceRows(cond.loudness, channels, start, padded), prefix * channels, cond.reference?.loudness ?? null), [1, total, channels]),
    text_emb: runner.float32(cond.textEmb, [1, cond.textEmb.length]),
    audio_emb: runner.float32(cond.audioEmb, [1, cond.audioEmb.length]),
    cond_mask: runner.float32(cond.condMask, [1, cond.condMask.length]),
    timing: runner.float32(Float32Array.of(window.startSample / manifest.sampleRate, ctx.sizes.durationSec), [1, 2]),
  };
  if (known) {
    fixed.known = runner.float32(known.known, [1, total, dims]);
    fixed.known_mask = runner.float32(known.mask, [1, total, 2]);
  }
  const initial = ctx.hooks.initialNoise?.(total * dims, window.index) ?? ctx.prng.fillGaussian(new Float32Array(total * dims));
  if (initial.length !== total * dims) throw new RangeError(`initialNoise gave ${initial.length} values for window ${window.index}, expected ${total * dims}`);
  // Also for a region: its new frames then grow from a state that agrees with the take around them
  // (bench/region-seams.ts, edge spectral-change ratio 1.61 → 1.34 at 4–6 s of a 12 s clip).
  const replace = known && known.knownClipFrames > 0 ? knownReplacement(known, dims, initial) : null;
  const ops: FlowOps<EngineTensor> = {
    velocity: async (x, t) => {
      const input = replace ? runner.float32(replace(await readFloat32(x), t), [1, total, dims]) : x;
      const velocity = (await runner.run('dit', { ...fixed, x: input, t: runner.float32(Float32Array.of(t), [1]) })).velocity!;
      if (input !== x) input.dispose();
      return velocity;
    },
    step: async (x, velocity, dt) => (await runner.run('sampler_step', { x, velocity, dt: runner.float32(Float32Array.of(dt), [1]) })).x_next!,
    release: (x) => x.dispose(),
  };
  const t0 = cond.reference ? ctx.referenceInit : 0;
  const noise = runner.float32(t0 > 0 ? referenceStart(initial, dims, t0, cond.reference!.latent, known, start) : initial, [1, total, dims]);
  const report = (step: number) => ctx.hooks.onProgress?.({ stage: 'denoise', step, steps: ctx.settings.steps, window: window.index, windows: ctx.windows });
  report(0);
  const method = manifest.sampler.method;
  const final = await sampleFlow(noise, ops, { steps: ctx.settings.steps, method, signal: ctx.hooks.signal, onStep: report, startT: t0 });
  const latent = (await readFloat32(final)).slice(prefix * dims, (prefix + frames) * dims);
  final.dispose();
  if (cond.anchorLatent) applyGain(latent, spectrumGain({ data: latent, frames, dims }, cond.anchorLatent, channels, nMels, manifest.latent.std));
  // With a reference its bed is the floor; without one, the generated bands' own means 30 dB down (latent-floor.ts).
  if (cond.anchorFloor) applyBandFloor(latent, cond.anchorFloor);
  else applyLatentFloor(latent, frames, channels, nMels, manifest.latent.std);
  // Last, so given frames stay exactly as given.
  if (known) restoreKnown(latent, frames, dims, known);
  return { latent, frames };
}

/**
 * Known clip rows put back on the flow path before every velocity evaluation, x_t = (1 − t)·noise + t·known there
 * (replacement, as in RePaint for diffusion), so the frames generated next to them are computed from a state that
 * agrees with them. foley-tiny follows its `known` input only loosely: without this its own version of the
 * overlap drifts from the window before and restoreKnown then snaps it back, a step at the end of the known frames
 * (bench/seams.ts, 120 s: spectral change ratio 1.85 → 1.68).
 */
export function knownReplacement(known: WindowKnown, dims: number, noise: Float32Array): (x: Float32Array, t: number) => Float32Array {
  const rows = known.mask.length / 2;
  return (x, t) => {
    const out = x.slice();
    for (let j = 0; j < rows; j++) {
      if (known.mask[j * 2] !== 1) continue;
      for (let i = j * dims; i < (j + 1) * dims; i++) out[i] = (1 - t) * noise[i]! + t * known.known[i]!;
    }
    return out;
  };
}

/** `rows` with `count` values in front: `head` when given, else zeros. */
function prefixed(rows: Float32Array, count: number, head: Float32Array | null): Float32Array {
  if (count === 0) return rows;
  const out = new Float32Array(count + rows.length);
  if (head) out.set(head.subarray(0, count));
  out.set(rows, count);
  return out;
}

/**
 * Starts decoding one window, a job per channel. Every channel of window w uses Griffin-Lim seed (seed + w·channels):
 * each window starts from its own phase, the channels of a window from the same one (log-mel.ts latentToAudio).
 */
function decodeWindow(decoder: LatentDecoder, manifest: PackManifest, latent: Float32Array, frames: number, window: AudioWindow, seed: number): Promise<Float32Array[]> {
  const params = { ...manifest.latent, sampleRate: manifest.sampleRate };
  const perChannel = splitChannels(latent, frames, manifest.channels, manifest.latent.nMels);
  return Promise.all(
    perChannel.map((channelLatent) =>
      decoder.decode({
        latent: channelLatent,
        frames,
        params,
        iterations: manifest.decoder.iterations,
        momentum: manifest.decoder.momentum ?? 0,
        lengthSamples: window.lengthSamples,
        seed: seed + window.index * manifest.channels,
      }),
    ),
  );
}

/** Makes the audio follow a loudness curve (the DiT only conditions on it; shaping makes it exact). */
function shapeToTarget(channels: Float32Array[], curveLufs: number[][], manifest: PackManifest): Float32Array[] {
  const { curveRate, windowSec } = manifest.loudness;
  const perChannel = channels.map((_, c) => Float32Array.from(curveLufs[Math.min(c, curveLufs.length - 1)]!));
  return shapeLoudness(channels, manifest.sampleRate, { rate: curveRate, windowSec, unit: 'LUFS', channels: perChannel }).channels;
}

/** Receives the finished audio in order, chunk after chunk, covering the clip once; may be async (a file write). */
export type AudioSink = (chunk: AudioChunk) => void | Promise<void>;

/** What generate() returns but the audio, which went to the sink; `samples` per channel. */
export type GenerateSummary = Omit<GenerateResult, 'channels'> & { samples: number };

/** Decoded windows waiting to be mixed at most: denoising waits for the oldest beyond this, so memory stays flat. */
const MAX_WINDOWS_IN_FLIGHT = 3;

/**
 * Mixes windows (in order) into finished audio for `sink`: through the streaming loudness shaper for a whole clip
 * (then `refine`, block by block); for a region, into the take, which is spliced, shaped and refined whole (the take
 * is in memory anyway).
 */
function outputStage(
  options: GenerateOptions,
  manifest: PackManifest,
  sizes: ClipSizes,
  windows: AudioWindow[],
  curveLufs: () => number[][],
  sink: AudioSink,
  refine?: (shaped: Float32Array[]) => Float32Array[],
) {
  const { region } = options;
  if (region) {
    const output = Array.from({ length: manifest.channels }, () => new Float32Array(sizes.samples));
    const mixer = new WindowMixer((chunk) => chunk.channels.forEach((c, i) => output[i]!.set(c, chunk.startSample)));
    return {
      mixer,
      finish: async () => {
        const spliced = spliceRegion(region, output, windows, manifest.sampleRate, (audio) => {
          const shaped = shapeToTarget(audio, curveLufs(), manifest);
          return refine ? refine(shaped) : shaped;
        });
        await sink({ startSample: 0, channels: spliced });
      },
    };
  }
  const { curveRate, windowSec } = manifest.loudness;
  const stream = new LoudnessStream({ sampleRate: manifest.sampleRate, totalSamples: sizes.samples, rate: curveRate, windowSec, targetLufs: curveLufs(), channels: manifest.channels, refine }, sink);
  return { mixer: new WindowMixer((chunk) => stream.push(chunk)), finish: () => stream.finish() };
}

/**
 * generate() with the audio handed to `sink` as it is finished instead of returned: memory stays about the same
 * for a clip of any length (the CLI writes the WAV as it comes).
 */
export async function generateToSink(pack: LoadedPack, source: FrameSource, options: GenerateOptions, hooks: GenerateHooks, sink: AudioSink): Promise<GenerateSummary> {
  const startedMs = performance.now();
  const { manifest } = pack;
  const settings = checkOptions(options, manifest);
  const referenceInit = checkReferenceInit(options.referenceInit ?? DEFAULT_REFERENCE_INIT);
  const runner = new SessionRunner(pack);
  const sizes = clipSizes(manifest, source.info.durationSec);
  // Refused before any model runs.
  if (options.region) checkRegion(options.region, manifest, sizes);
  const cond = await clipConditioning(runner, manifest, sizes, source, options, hooks);
  const { hop } = manifest.latent;
  // A reference prefix takes part of the DiT's native window, so the clip's windows are shorter by as much.
  const prefixSec = ((cond.reference?.latent.frames ?? 0) * hop) / manifest.sampleRate;
  const windowSec = manifest.sampler.windowSec - prefixSec;
  const continuity = manifest.conditioning.known !== undefined && options.windowContinuity !== false;
  const plan = { sampleRate: manifest.sampleRate, hop, ...manifest.sampler, windowSec };
  const windows = options.region
    ? planRegionWindows(options.region, sizes, plan)
    : planWindows({ totalSamples: sizes.samples, ...plan, overlapSec: windowOverlapSec(plan.overlapSec, windowSec, continuity) });
  const predictedCurveLufs = loudnessToCurveLufs(cond.predictedLoudness, manifest.channels, sizes, manifest.loudness);
  // Without a user curve the output obeys the curve predicted from the video, the one the app shows.
  // With an audio prompt the audio, once shaped, takes its spectrum and frame contrast (reference-match.ts): after
  // shaping, because the shaper moves levels by up to tens of dB per 400 ms, which undid a match made before it.
  const profile = cond.referenceProfile;
  const params = { ...manifest.latent, sampleRate: manifest.sampleRate };
  const matchPrompt = profile ? (audio: Float32Array[]) => matchReference(audio, profile, params, manifest.loudness.windowSec) : undefined;
  const output = outputStage(options, manifest, sizes, windows, () => options.targetCurveLufs ?? predictedCurveLufs, sink, matchPrompt);
  const take = options.region ? takeLatent(options.region, manifest, audioToLatent) : null;
  const knownRows = take && manifest.conditioning.known ? [regionRows(options.region!, manifest, take)] : [];
  const ctx: WindowContext = { runner, manifest, cond, sizes, settings, referenceInit, prng: new Prng(settings.seed), windows: windows.length, hooks, knownRows };
  const decoder = hooks.decoder ?? inlineDecoder();
  // Windows are mixed in order (a pool may finish them out of order): each waits for the one before. decoderMs is
  // the time denoising waits for that chain (Griffin-Lim, then mixing and the block-wise loudness shaping).
  let mixed: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  let decoderMs = 0;
  let decoded = 0;
  const decodeInOrder = async (window: AudioWindow, latent: Float32Array, frames: number) => {
    const startMs = performance.now();
    const audio = decodeWindow(decoder, manifest, latent, frames, window, settings.seed);
    mixed = Promise.all([audio, mixed]).then(async ([channels]) => {
      await output.mixer.push(window, channels);
      hooks.onProgress?.({ stage: 'decode-audio', done: ++decoded, total: windows.length });
    });
    // Observed at once so a failure while the next window denoises is not an unhandled rejection.
    mixed.catch(() => undefined);
    inFlight.push(mixed);
    if (inFlight.length > MAX_WINDOWS_IN_FLIGHT) await inFlight.shift();
    decoderMs += performance.now() - startMs;
  };
  // A region's windows are decoded once all are denoised: its edges are matched to the take across all of them.
  const held: (WindowLatent & { window: AudioWindow })[] = [];
  try {
    for (const window of windows) {
      const { latent, frames } = await denoiseWindow(ctx, window);
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
      if (continuity) {
        // The next window starts inside this one: its first frames are known from this window's latent.
        const rows = { startFrame: window.startSample / hop, frames, dims: latent.length / frames, data: latent };
        ctx.knownRows = [...knownRows, rows];
      }
      if (take) held.push({ window, startFrame: window.startSample / hop, frames, latent });
      else await decodeInOrder(window, latent, frames);
    }
    if (take) {
      matchRegionEdges(held, take, regionSpan(options.region!, manifest, take.frames), manifest.sampleRate / hop);
      for (const { window, latent, frames } of held) await decodeInOrder(window, latent, frames);
    }
    const waitStartMs = performance.now();
    await mixed;
    decoderMs += performance.now() - waitStartMs;
  } finally {
    // Nothing may reject unobserved if denoising failed or was cancelled while windows were still decoding.
    await Promise.allSettled([mixed]);
  }
  hooks.onProgress?.({ stage: 'shape', durationSec: sizes.durationSec });
  await output.finish();
  return {
    sampleRate: manifest.sampleRate,
    samples: sizes.samples,
    predictedCurveLufs,
    unknownWords: cond.unknownWords,
    timings: { totalMs: performance.now() - startedMs, sessionRunMs: runner.sessionRunMs, decoderMs },
    warnings: options.audioPrompt ? audioPromptWarnings(options.audioPrompt, manifest) : [],
    windows: windows.map((w) => ({ startSec: w.startSample / manifest.sampleRate, endSec: (w.startSample + w.lengthSamples) / manifest.sampleRate })),
  };
}

/** The whole clip in memory: one array per channel of the final length, filled as the audio is finished. */
export async function generate(pack: LoadedPack, source: FrameSource, options: GenerateOptions, hooks: GenerateHooks = {}): Promise<GenerateResult> {
  const { manifest } = pack;
  const samples = clipSizes(manifest, source.info.durationSec).samples;
  const channels = Array.from({ length: manifest.channels }, () => new Float32Array(samples));
  const summary = await generateToSink(pack, source, options, hooks, (chunk) => chunk.channels.forEach((c, i) => channels[i]!.set(c, chunk.startSample)));
  const { samples: _count, ...result } = summary;
  return { ...result, channels };
}
