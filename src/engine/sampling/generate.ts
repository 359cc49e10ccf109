/**
 * The generation pipeline: video → features and the predicted loudness curve (once per clip) → per window: adapters
 * on the window's frames, DiT flow sampling (every step), Griffin-Lim decoding (on decoder threads) → crossfaded clip
 * of exactly round(durationSec · sampleRate) samples → loudness shaping to the target curve (the user's, else the predicted one).
 * Shared by the worker (browser) and the CLI (Node); only the LoadedPack's backend differs.
 */

import { momentaryLoudnessCurve } from '../../dsp/loudness-curve';
import { audioToLatent, type Latent } from '../../dsp/log-mel';
import { shapeLoudness } from '../../dsp/loudness-shaping';
import { Prng } from '../../dsp/prng';
import { inlineDecoder, splitChannels, type LatentDecoder } from '../decoding/latent-decoder';
import { audioPromptExcerpt, audioPromptLatent, audioPromptWarnings } from '../conditioning/audio-prompt';
import { applyGain, levelOffset, spectrumGain } from '../conditioning/prompt-anchor';
import { env } from '../runtime/env';
import { applyLatentFloor } from './latent-floor';
import { referencePrefix, restoreKnown, windowKnown, type KnownClipRows, type ReferencePrefix } from '../conditioning/known-frames';
import { abortError, sampleFlow, type FlowOps } from './flow-sampler';
import { planWindows, mixWindow, type AudioWindow } from './long-form';
import { checkRegion, planRegionWindows, regionRows, spliceRegion } from './region';
import { curveLufsToLoudness, loudnessToCurveLufs } from '../conditioning/loudness-conditioning';
import { condMaskRow, type PackManifest } from '../pack/manifest';
import type { LoadedPack } from '../pack/pack-loader';
import type { GenerateOptions, GenerateResult, Progress } from '../host/protocol';
import { clipSizes, padToMultiple, resampleRows, sliceRows, type ClipSizes } from './sequence';
import { readFloat32, type EngineTensor } from '../runtime/model-session';
import { SessionRunner } from '../runtime/model-session-runner';
import { mapPromptToTags } from '../conditioning/text-tags';
import { encodeVideo, type FrameSource } from '../conditioning/video-features';

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

/** Everything the DiT reads that does not change between steps, for the whole clip. */
interface ClipConditioning {
  /** visual_encoder features [visual.count, Dv]. */
  visual: Float32Array;
  /** sync_encoder features resampled to latent frames [L, Ds]. */
  syncAtLatent: Float32Array;
  /** [L, channels] in [0, 1]: the target curve if given, else the prediction. */
  loudness: Float32Array;
  /** [L, channels] in [0, 1] as predicted from the video (offset to the audio prompt's level when anchoring). */
  predictedLoudness: Float32Array;
  /** The audio prompt's latent when generation is anchored to it (prompt-anchor.ts), else null. */
  anchorLatent: Latent | null;
  textEmb: Float32Array;
  audioEmb: Float32Array;
  /** The reference recording placed before every window as known frames (reference continuation), else null. */
  reference: ReferencePrefix | null;
  /** 1 = given, 0 = absent, in the pack's conditioning.modalities order. */
  condMask: Float32Array;
  unknownWords: string[];
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

async function videoConditioning(runner: SessionRunner, manifest: PackManifest, sizes: ClipSizes, source: FrameSource, hooks: GenerateHooks) {
  const onProgress = hooks.onProgress ?? (() => undefined);
  const features = await encodeVideo(source, runner, manifest.video, sizes, env.encoderChunkFrames, onProgress, hooks.signal);
  const dv = runner.outputWidth('visual_encoder', 'features');
  const ds = runner.outputWidth('sync_encoder', 'features');
  const syncAtLatent = resampleRows(features.sync, ds, sizes.sync, sizes.latent);
  const L = sizes.latentFrames;
  const adapted = await runner.runToHost('adapters', {
    visual: runner.float32(features.visual, [1, sizes.visual.count, dv]),
    sync: runner.float32(syncAtLatent, [1, L, ds]),
  });
  const d = runner.outputWidth('adapters', 'global_cond');
  const predicted = await runner.runToHost('loudness_predictor', {
    frame_cond: runner.float32(adapted.frame_cond!, [1, L, d]),
    global_cond: runner.float32(adapted.global_cond!, [1, d]),
  });
  return { visual: features.visual, syncAtLatent, predictedLoudness: predicted.loudness! };
}

async function promptConditioning(runner: SessionRunner, manifest: PackManifest, options: GenerateOptions) {
  const { maxTokens } = manifest.conditioning.text;
  const tags = mapPromptToTags(options.prompt ?? '', manifest.conditioning.text);
  let textEmb: Float32Array = new Float32Array(runner.outputWidth('text_encoder', 'text_emb'));
  if (tags.tags.length > 0) {
    textEmb = (await runner.runToHost('text_encoder', { token_ids: runner.int64(tags.tokenIds, [1, maxTokens]) })).text_emb!;
  }
  let audioEmb: Float32Array = new Float32Array(runner.outputWidth('audio_prompt_encoder', 'audio_emb'));
  let promptLatent: Latent | null = null;
  if (options.audioPrompt) {
    promptLatent = audioPromptLatent(options.audioPrompt, manifest);
    const latent = runner.float32(promptLatent.data, [1, promptLatent.frames, promptLatent.dims]);
    audioEmb = (await runner.runToHost('audio_prompt_encoder', { latent })).audio_emb!;
  }
  return { textEmb, audioEmb, promptLatent, hasText: tags.tags.length > 0, unknownWords: tags.unknownWords };
}

/** The predicted curve moved so its loud parts sit at the audio prompt's level (prompt-anchor.ts). */
function anchorLevel(predicted: Float32Array, audioPrompt: NonNullable<GenerateOptions['audioPrompt']>, manifest: PackManifest): Float32Array {
  const { curveRate, windowSec, minLufs, maxLufs } = manifest.loudness;
  // The seconds the pack uses (audio-prompt.ts), so the CLI (which reads only those) and the app agree.
  const excerpt = audioPromptExcerpt(audioPrompt, manifest);
  const promptCurve = momentaryLoudnessCurve(excerpt.channels, excerpt.sampleRate, { rate: curveRate, windowSec, minLufs, maxLufs });
  const predictedLufs = Array.from(predicted, (value) => minLufs + value * (maxLufs - minLufs));
  const shift = levelOffset([predictedLufs], promptCurve.channels.map((c) => Array.from(c))) / (maxLufs - minLufs);
  return predicted.map((value) => Math.min(1, Math.max(0, value + shift)));
}

/** The audio prompt's latent rows and their loudness, to place before each window (reference continuation). */
function referenceRows(latent: Latent, audioPrompt: NonNullable<GenerateOptions['audioPrompt']>, manifest: PackManifest): ReferencePrefix | null {
  const known = manifest.conditioning.known;
  if (!known) return null;
  const { curveRate, windowSec, minLufs, maxLufs } = manifest.loudness;
  const excerpt = audioPromptExcerpt(audioPrompt, manifest);
  const curve = momentaryLoudnessCurve(excerpt.channels, excerpt.sampleRate, { rate: curveRate, windowSec, minLufs, maxLufs });
  const durationSec = excerpt.channels[0]!.length / excerpt.sampleRate;
  const perChannel = Array.from({ length: manifest.channels }, (_, c) => Array.from(curve.channels[Math.min(c, curve.channels.length - 1)]!));
  const loudness = curveLufsToLoudness(perChannel, manifest.channels, clipSizes(manifest, durationSec), manifest.loudness);
  const maxFrames = Math.floor((known.maxReferenceSec * manifest.sampleRate) / manifest.latent.hop);
  return referencePrefix(latent, loudness, manifest.channels, maxFrames, manifest.latent.lengthMultiple);
}

async function clipConditioning(
  runner: SessionRunner,
  manifest: PackManifest,
  sizes: ClipSizes,
  source: FrameSource,
  options: GenerateOptions,
  hooks: GenerateHooks,
): Promise<ClipConditioning> {
  // Prompts first: a bad audio prompt or curve is refused before minutes of video decoding.
  const target = options.targetCurveLufs ? curveLufsToLoudness(options.targetCurveLufs, manifest.channels, sizes, manifest.loudness) : null;
  const prompts = await promptConditioning(runner, manifest, options);
  const video = await videoConditioning(runner, manifest, sizes, source, hooks);
  hooks.onProgress?.({ stage: 'encode', done: 1, total: 1 });
  const anchoring = options.audioPrompt !== undefined && options.promptAnchoring !== false;
  const continuing = prompts.promptLatent !== null && options.referenceContinuation !== false;
  const reference = continuing ? referenceRows(prompts.promptLatent!, options.audioPrompt!, manifest) : null;
  const predictedLoudness = anchoring ? anchorLevel(video.predictedLoudness, options.audioPrompt!, manifest) : video.predictedLoudness;
  return {
    ...video,
    predictedLoudness,
    anchorLatent: anchoring ? prompts.promptLatent : null,
    loudness: target ?? predictedLoudness,
    textEmb: prompts.textEmb,
    audioEmb: prompts.audioEmb,
    reference,
    condMask: condMaskRow(manifest, { video: true, loudness: true, text: prompts.hasText, audio: Boolean(options.audioPrompt) }),
    unknownWords: prompts.unknownWords,
  };
}

interface WindowContext {
  runner: SessionRunner;
  manifest: PackManifest;
  cond: ClipConditioning;
  sizes: ClipSizes;
  settings: { steps: number; cfgScale: number };
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
    sync: runner.float32(sliceRows(cond.syncAtLatent, ds, startFrame, frames), [1, frames, ds]),
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
  const ops: FlowOps<EngineTensor> = {
    velocity: async (x, t) => (await runner.run('dit', { ...fixed, x, t: runner.float32(Float32Array.of(t), [1]) })).velocity!,
    step: async (x, velocity, dt) => (await runner.run('sampler_step', { x, velocity, dt: runner.float32(Float32Array.of(dt), [1]) })).x_next!,
    release: (x) => x.dispose(),
  };
  const initial = ctx.hooks.initialNoise?.(total * dims, window.index) ?? ctx.prng.fillGaussian(new Float32Array(total * dims));
  if (initial.length !== total * dims) throw new RangeError(`initialNoise gave ${initial.length} values for window ${window.index}, expected ${total * dims}`);
  const noise = runner.float32(initial, [1, total, dims]);
  const report = (step: number) => ctx.hooks.onProgress?.({ stage: 'denoise', step, steps: ctx.settings.steps, window: window.index, windows: ctx.windows });
  report(0);
  const method = manifest.sampler.method;
  const final = await sampleFlow(noise, ops, { steps: ctx.settings.steps, method, signal: ctx.hooks.signal, onStep: report });
  const latent = (await readFloat32(final)).slice(prefix * dims, (prefix + frames) * dims);
  final.dispose();
  if (cond.anchorLatent) applyGain(latent, spectrumGain({ data: latent, frames, dims }, cond.anchorLatent, channels, nMels, manifest.latent.std));
  applyLatentFloor(latent, frames, channels, nMels, manifest.latent.std);
  // Last, so given frames stay exactly as given.
  if (known) restoreKnown(latent, frames, dims, known);
  return { latent, frames };
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
 * Starts decoding one window, a job per channel. Channel c uses Griffin-Lim seed (seed + window·channels + c), so
 * every window and channel starts from its own phase.
 */
function decodeWindow(decoder: LatentDecoder, manifest: PackManifest, latent: Float32Array, frames: number, window: AudioWindow, seed: number): Promise<Float32Array[]> {
  const params = { ...manifest.latent, sampleRate: manifest.sampleRate };
  const perChannel = splitChannels(latent, frames, manifest.channels, manifest.latent.nMels);
  return Promise.all(
    perChannel.map((channelLatent, c) =>
      decoder.decode({
        latent: channelLatent,
        frames,
        params,
        iterations: manifest.decoder.iterations,
        momentum: manifest.decoder.momentum ?? 0,
        lengthSamples: window.lengthSamples,
        seed: seed + window.index * manifest.channels + c,
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

export async function generate(pack: LoadedPack, source: FrameSource, options: GenerateOptions, hooks: GenerateHooks = {}): Promise<GenerateResult> {
  const startedMs = performance.now();
  const { manifest } = pack;
  const settings = checkOptions(options, manifest);
  const runner = new SessionRunner(pack);
  const sizes = clipSizes(manifest, source.info.durationSec);
  // Refused before any model runs.
  if (options.region) checkRegion(options.region, manifest, sizes);
  const cond = await clipConditioning(runner, manifest, sizes, source, options, hooks);
  const { hop } = manifest.latent;
  // A reference prefix takes part of the DiT's native window, so the clip's windows are shorter by as much.
  const prefixSec = ((cond.reference?.latent.frames ?? 0) * hop) / manifest.sampleRate;
  const plan = { sampleRate: manifest.sampleRate, hop, ...manifest.sampler, windowSec: manifest.sampler.windowSec - prefixSec };
  const windows = options.region ? planRegionWindows(options.region, sizes, plan) : planWindows({ totalSamples: sizes.samples, ...plan });
  let output: Float32Array[] = Array.from({ length: manifest.channels }, () => new Float32Array(sizes.samples));
  const knownRows = options.region && manifest.conditioning.known ? [regionRows(options.region, manifest, audioToLatent)] : [];
  const continuity = manifest.conditioning.known !== undefined && options.windowContinuity !== false;
  const ctx: WindowContext = { runner, manifest, cond, sizes, settings, prng: new Prng(settings.seed), windows: windows.length, hooks, knownRows };
  const decoder = hooks.decoder ?? inlineDecoder();
  const decoding: Promise<void>[] = [];
  let decoderMs = 0;
  let decoded = 0;
  try {
    for (const window of windows) {
      const { latent, frames } = await denoiseWindow(ctx, window);
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
      if (continuity) {
        // The next window starts inside this one: its first frames are known from this window's latent.
        const rows = { startFrame: window.startSample / hop, frames, dims: latent.length / frames, data: latent };
        ctx.knownRows = [...knownRows, rows];
      }
      const startMs = performance.now();
      const audio = decodeWindow(decoder, manifest, latent, frames, window, settings.seed);
      decoderMs += performance.now() - startMs;
      const mixed = audio.then((channels) => {
        mixWindow(output, window, channels);
        hooks.onProgress?.({ stage: 'decode-audio', done: ++decoded, total: windows.length });
      });
      // Observed at once so a failure while the next window denoises is not an unhandled rejection.
      mixed.catch(() => undefined);
      decoding.push(mixed);
    }
    const waitStartMs = performance.now();
    await Promise.all(decoding);
    decoderMs += performance.now() - waitStartMs;
  } finally {
    // Nothing may reject unobserved if denoising failed or was cancelled while windows were still decoding.
    await Promise.allSettled(decoding);
  }
  hooks.onProgress?.({ stage: 'shape', durationSec: sizes.durationSec });
  const predictedCurveLufs = loudnessToCurveLufs(cond.predictedLoudness, manifest.channels, sizes, manifest.loudness);
  // Without a user curve the output obeys the curve predicted from the video, the one the app shows.
  if (options.region) output = spliceRegion(options.region, output, windows, manifest.sampleRate, (audio) => shapeToTarget(audio, options.targetCurveLufs ?? predictedCurveLufs, manifest));
  else output = shapeToTarget(output, options.targetCurveLufs ?? predictedCurveLufs, manifest);
  return {
    sampleRate: manifest.sampleRate,
    channels: output,
    predictedCurveLufs,
    unknownWords: cond.unknownWords,
    timings: { totalMs: performance.now() - startedMs, sessionRunMs: runner.sessionRunMs, decoderMs },
    warnings: options.audioPrompt ? audioPromptWarnings(options.audioPrompt, manifest) : [],
    windows: windows.map((w) => ({ startSec: w.startSample / manifest.sampleRate, endSec: (w.startSample + w.lengthSamples) / manifest.sampleRate })),
  };
}
