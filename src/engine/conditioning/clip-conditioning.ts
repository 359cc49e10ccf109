/**
 * Everything the DiT reads that is the same for every window and step, computed once per clip: the video's
 * per-frame features (one streaming pass over the frames, video-features.ts), the predicted loudness curve, the
 * prompts (text tags, reference audio) and the reference prefix for known-frame continuation.
 */

import { momentaryLoudnessCurve } from '../../dsp/loudness-curve';
import type { Latent } from '../../dsp/log-mel';
import type { GenerateOptions, Progress } from '../host/protocol';
import { DEFAULT_PROGRAM_LUFS, levelToProgram } from './program-level';
import { condMaskRow, type PackManifest } from '../pack/manifest';
import { env } from '../runtime/env';
import type { SessionRunner } from '../runtime/model-session-runner';
import { referenceProfile, type ReferenceProfile } from '../decoding/reference-match';
import { referenceFloor } from '../sampling/latent-floor';
import { clipSizes, resampleRowRange, type ClipSizes } from '../sampling/sequence';
import { audioPromptExcerpt, audioPromptLatent } from './audio-prompt';
import { referencePrefix, type ReferencePrefix } from './known-frames';
import { curveLufsToLoudness } from './loudness-conditioning';
import { levelOffset, matchLevels } from './prompt-anchor';
import { withMotionEnergy } from './motion-loudness';
import { mapPromptToTags } from './text-tags';
import { encodeVideo, type FrameSource } from './video-features';

export interface ConditioningHooks {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** Everything the DiT reads that does not change between steps, for the whole clip. */
export interface ClipConditioning {
  /** visual_encoder features [visual.count, Dv]. */
  visual: Float32Array;
  /** sync_encoder features at the sync rate [sync.count, Ds]. */
  sync: Float32Array;
  /**
   * Latent frames [start, start + count) of the sync features resampled to the latent rate, past the end repeating
   * the last: made per window, as the clip at the latent rate was the largest thing a 10-minute generation held.
   */
  syncAtLatent: SyncRows;
  /** [L, channels] in [0, 1] the DiT reads: the target curve if given, else the model's prediction (at its level). */
  loudness: Float32Array;
  /**
   * [L, channels] in [0, 1] as predicted from the video, with its motion energy (motion-loudness.ts), at the programme
   * level or offset to the audio prompt's level when anchoring: the curve the app shows and, with nothing drawn, the
   * one the output is shaped to.
   */
  predictedLoudness: Float32Array;
  /** The audio prompt's latent when generation is anchored to it (prompt-anchor.ts), else null. */
  anchorLatent: Latent | null;
  /** With anchorLatent: the floor [latent dims] its quiet frames set under each generated band (latent-floor.ts). */
  anchorFloor: Float32Array | null;
  /** With anchorLatent: the prompt's spectrum and frame dynamics the decoded audio is matched to (reference-match.ts). */
  referenceProfile: ReferenceProfile | null;
  textEmb: Float32Array;
  audioEmb: Float32Array;
  /** The reference recording placed before every window as known frames (reference continuation), else null. */
  reference: ReferencePrefix | null;
  /** 1 = given, 0 = absent, in the pack's conditioning.modalities order. */
  condMask: Float32Array;
  unknownWords: string[];
}

/** Sync features on latent frames [start, start + count), [count, Ds]. */
export type SyncRows = (start: number, count: number) => Float32Array;

/** Latent frames per adapters + loudness-predictor run (≈ 24 s): ORT's buffers for one whole-clip run grow with its length. */
export const PREDICTOR_CHUNK_FRAMES = 2048;
/**
 * Frames of real context on each side of a chunk, dropped from its output: the adapters' sync conv reaches 2 frames
 * and the predictor's two convs 4 · dilation each (kernels 5, 9, 9 in training/foley/networks.py,
 * `predictor_dilation` up to 5), so 48 leaves the kept frames exactly as in a whole-clip run. The global condition
 * pools all visual frames in every chunk (they are few).
 */
const PREDICTOR_MARGIN_FRAMES = 48;

/** The loudness curve [L, channels] the pack predicts from the video, in chunks of `chunkFrames` latent frames. */
export async function predictLoudness(runner: SessionRunner, visual: Float32Array, syncAtLatent: SyncRows, frames: number, chunkFrames = PREDICTOR_CHUNK_FRAMES): Promise<Float32Array> {
  const dv = runner.outputWidth('visual_encoder', 'features');
  const ds = runner.outputWidth('sync_encoder', 'features');
  const d = runner.outputWidth('adapters', 'global_cond');
  let out: Float32Array | null = null;
  for (let start = 0; start < frames; start += chunkFrames) {
    const first = Math.max(0, start - PREDICTOR_MARGIN_FRAMES);
    const end = Math.min(frames, start + chunkFrames + PREDICTOR_MARGIN_FRAMES);
    const adapted = await runner.runToHost('adapters', {
      visual: runner.float32(visual, [1, visual.length / dv, dv]),
      sync: runner.float32(syncAtLatent(first, end - first), [1, end - first, ds]),
    });
    const { loudness } = await runner.runToHost('loudness_predictor', {
      frame_cond: runner.float32(adapted.frame_cond!, [1, end - first, d]),
      global_cond: runner.float32(adapted.global_cond!, [1, d]),
    });
    const channels = loudness!.length / (end - first);
    out ??= new Float32Array(frames * channels);
    const kept = Math.min(frames, start + chunkFrames) - start;
    out.set(loudness!.subarray((start - first) * channels, (start - first + kept) * channels), start * channels);
  }
  return out!;
}

async function videoConditioning(runner: SessionRunner, manifest: PackManifest, sizes: ClipSizes, source: FrameSource, hooks: ConditioningHooks) {
  const onProgress = hooks.onProgress ?? (() => undefined);
  const features = await encodeVideo(source, runner, manifest.video, sizes, env.encoderChunkFrames, onProgress, hooks.signal);
  const ds = runner.outputWidth('sync_encoder', 'features');
  const { sync } = features;
  const syncAtLatent: SyncRows = (start, count) => resampleRowRange(sync, ds, sizes.sync, sizes.latent, start, count);
  const modelLoudness = await predictLoudness(runner, features.visual, syncAtLatent, sizes.latentFrames);
  return { visual: features.visual, sync, syncAtLatent, modelLoudness, motion: { fps: manifest.video.syncFps, motion: features.syncMotion } };
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

/** The audio prompt's momentary loudness curve in LUFS, [channel][point], over the seconds the pack reads. */
function promptCurveLufs(audioPrompt: NonNullable<GenerateOptions['audioPrompt']>, manifest: PackManifest): number[][] {
  const { curveRate, windowSec, minLufs, maxLufs } = manifest.loudness;
  // The seconds the pack uses (audio-prompt.ts), so the CLI (which reads only those) and the app agree.
  const excerpt = audioPromptExcerpt(audioPrompt, manifest);
  return momentaryLoudnessCurve(excerpt.channels, excerpt.sampleRate, { rate: curveRate, windowSec, minLufs, maxLufs }).channels.map((c) => Array.from(c));
}

/** The predicted curve moved so its loud parts sit at the audio prompt's level (prompt-anchor.ts `levelOffset`). */
function anchorLevel(predicted: Float32Array, promptLufs: number[][], manifest: PackManifest): Float32Array {
  const { minLufs, maxLufs } = manifest.loudness;
  const predictedLufs = Array.from(predicted, (value) => minLufs + value * (maxLufs - minLufs));
  const shift = levelOffset([predictedLufs], promptLufs) / (maxLufs - minLufs);
  return predicted.map((value) => Math.min(1, Math.max(0, value + shift)));
}

/** The predicted curve with the audio prompt's distribution of levels, in its own order (prompt-anchor.ts `matchLevels`). */
function matchPromptLevels(predicted: Float32Array, promptLufs: number[][], manifest: PackManifest): Float32Array {
  const { minLufs, maxLufs } = manifest.loudness;
  const [matched] = matchLevels([Array.from(predicted, (value) => minLufs + value * (maxLufs - minLufs))], promptLufs);
  return Float32Array.from(matched!, (lufs) => Math.min(1, Math.max(0, (lufs - minLufs) / (maxLufs - minLufs))));
}

/** The audio prompt's latent rows and their loudness, to place before each window (reference continuation). */
function referenceRows(latent: Latent, audioPrompt: NonNullable<GenerateOptions['audioPrompt']>, manifest: PackManifest): ReferencePrefix | null {
  const known = manifest.conditioning.known;
  if (!known) return null;
  const excerpt = audioPromptExcerpt(audioPrompt, manifest);
  const curve = promptCurveLufs(audioPrompt, manifest);
  const durationSec = excerpt.channels[0]!.length / excerpt.sampleRate;
  const perChannel = Array.from({ length: manifest.channels }, (_, c) => curve[Math.min(c, curve.length - 1)]!);
  const loudness = curveLufsToLoudness(perChannel, manifest.channels, clipSizes(manifest, durationSec), manifest.loudness);
  const maxFrames = Math.floor((known.maxReferenceSec * manifest.sampleRate) / manifest.latent.hop);
  return referencePrefix(latent, loudness, manifest.channels, maxFrames, manifest.latent.lengthMultiple);
}

export async function clipConditioning(
  runner: SessionRunner,
  manifest: PackManifest,
  sizes: ClipSizes,
  source: FrameSource,
  options: GenerateOptions,
  hooks: ConditioningHooks,
): Promise<ClipConditioning> {
  // Prompts first: a bad audio prompt or curve is refused before minutes of video decoding.
  const target = options.targetCurveLufs ? curveLufsToLoudness(options.targetCurveLufs, manifest.channels, sizes, manifest.loudness) : null;
  const prompts = await promptConditioning(runner, manifest, options);
  const video = await videoConditioning(runner, manifest, sizes, source, hooks);
  hooks.onProgress?.({ stage: 'encode', done: 1, total: 1 });
  const anchoring = options.audioPrompt !== undefined && options.promptAnchoring !== false;
  const continuing = prompts.promptLatent !== null && options.referenceContinuation !== false;
  const reference = continuing ? referenceRows(prompts.promptLatent!, options.audioPrompt!, manifest) : null;
  const promptLufs = anchoring ? promptCurveLufs(options.audioPrompt!, manifest) : null;
  const atLevel = (rows: Float32Array): Float32Array =>
    promptLufs
      ? anchorLevel(rows, promptLufs, manifest)
      : options.programLufs === null
        ? rows
        : levelToProgram(rows, manifest.channels, manifest.loudness, options.programLufs ?? DEFAULT_PROGRAM_LUFS);
  const modelCurve = atLevel(video.modelLoudness);
  // The DiT reads the model's own curve and only the output is shaped to the curve with motion energy: on the real
  // dev clips that kept the spectrum (mel-FD 798 → 856, within noise) where the DiT reading it too cost 9 % (871),
  // for the same loudness r (0.186 → 0.264 both ways, 0.269 with the sd floor; motion-loudness.ts).
  const shapedRows = options.motionLoudness === false ? video.modelLoudness : withMotionEnergy(video.modelLoudness, manifest.channels, video.motion, sizes.latent, manifest.loudness);
  // With a reference the output takes its levels, quiet parts included, not only its loud parts' level (prompt-anchor.ts).
  const predictedLoudness = promptLufs ? matchPromptLevels(shapedRows, promptLufs, manifest) : atLevel(shapedRows);
  return {
    visual: video.visual,
    sync: video.sync,
    syncAtLatent: video.syncAtLatent,
    predictedLoudness,
    anchorLatent: anchoring ? prompts.promptLatent : null,
    anchorFloor: anchoring ? referenceFloor(prompts.promptLatent!.data, prompts.promptLatent!.frames, prompts.promptLatent!.dims) : null,
    referenceProfile: anchoring ? referenceProfile(prompts.promptLatent!, { ...manifest.latent, sampleRate: manifest.sampleRate }, manifest.loudness.windowSec) : null,
    loudness: target ?? modelCurve,
    textEmb: prompts.textEmb,
    audioEmb: prompts.audioEmb,
    reference,
    condMask: condMaskRow(manifest, { video: true, loudness: true, text: prompts.hasText, audio: Boolean(options.audioPrompt) }),
    unknownWords: prompts.unknownWords,
  };
}

