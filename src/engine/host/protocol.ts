/**
 * Messages between the app (main thread) and the engine worker. The app talks to the engine only through these.
 * Every request carries an `id`; every reply echoes it. Failures come back as `{type: 'error', id, message}`.
 * Large buffers are transferred, never copied.
 */

import type { TakeScores } from '../../metrics/take-score';

export type Backend = 'webgpu' | 'wasm' | 'cpu';

/** Progress of a long task, as a tagged union on `stage`. */
export type Progress =
  | { stage: 'download'; file: string; loadedBytes: number; totalBytes: number }
  | { stage: 'decode-video'; doneSec: number; totalSec: number }
  | { stage: 'encode'; done: number; total: number }
  | { stage: 'denoise'; step: number; steps: number; window: number; windows: number }
  | { stage: 'decode-audio'; done: number; total: number }
  /** Loudness shaping of the whole clip to the target curve, the last phase; sent as it starts. */
  | { stage: 'shape'; durationSec: number };

export interface GenerateOptions {
  seed: number;
  steps?: number;
  cfgScale?: number;
  prompt?: string;
  /** Per-channel target loudness curve in LUFS at the pack's curveRate: [channel][point]. */
  targetCurveLufs?: number[][];
  /** Interleaved-free planar audio of a reference recording. */
  audioPrompt?: { sampleRate: number; channels: Float32Array[] };
  /** Match the prompt's spectral shape and (without a target curve) its level; default true (src/engine/conditioning/prompt-anchor.ts). */
  promptAnchoring?: boolean;
  /**
   * Integrated loudness (LUFS) the predicted curve is moved to when no target curve or anchored audio prompt sets the
   * level; default −23 (EBU R128); null keeps the model's own level (src/engine/conditioning/program-level.ts).
   */
  programLufs?: number | null;
  /** Add the picture's motion energy to the predicted loudness curve (src/engine/conditioning/motion-loudness.ts); default true. */
  motionLoudness?: boolean;
  /**
   * With a pack that has known-frame conditioning: place the audio prompt's first seconds before every window as
   * known frames, so the sound continues the recording (src/engine/conditioning/known-frames.ts); default true.
   */
  referenceContinuation?: boolean;
  /**
   * With reference continuation: start every window's flow at this time from the reference recording looped over the
   * window, x_t = (1 − t)·noise + t·reference (SDEdit), so its texture and rhythm carry into the clip; default 0.6,
   * 0 = from noise (src/engine/sampling/reference-init.ts).
   */
  referenceInit?: number;
  /** With such a pack: each window continues the frames it shares with the window before; default true. */
  windowContinuity?: boolean;
  /**
   * Regenerate only [startSec, endSec) of an existing take (same duration and rate as the output): everything
   * outside is given to the DiT as known frames and returned unchanged except for `fadeSec` crossfades at the edges.
   */
  region?: { startSec: number; endSec: number; take: { sampleRate: number; channels: Float32Array[] } };
}

/** Several takes ranked by test-time search (src/engine/sampling/takes.ts, AvSyncDiff's GMDS). */
export interface TakeSearch {
  /** Population N: the takes returned, best first. */
  takes: number;
  /** GMDS iterations T (default 1); the search runs N · (1 + 2T) full generations. */
  iterations?: number;
}

/** One term of a take's initial noise: `weight` · the N(0, 1) stream seeded by `seed`. */
export interface NoiseTerm {
  seed: number;
  weight: number;
}

export interface RankedTake {
  /** Seed of the take's line in the search: its first noise and its Griffin-Lim phase. */
  seed: number;
  /** The initial noise the take was generated from: Σ weight · stream(seed); one term of weight 1 is plain `seed`. */
  noise: NoiseTerm[];
  scores: TakeScores;
  /** The combined score the takes are ranked by (src/metrics/take-score.ts), 0–1. */
  total: number;
  result: GenerateResult;
}

export type EngineRequest =
  /** `backend` forces one; without it the engine picks (src/engine/runtime/backend-choice.ts) and says why. */
  | { type: 'load-pack'; id: number; packUrl: string; backend?: Backend }
  | { type: 'open-video'; id: number; file: File }
  /**
   * Without `search`: the audio comes in 'audio-chunk' messages as it is finished, then 'generated'. With `search`:
   * one 'takes-generated' (the takes are ranked only once all are made).
   */
  | { type: 'generate'; id: number; options: GenerateOptions; search?: TakeSearch }
  | { type: 'cancel'; id: number; targetId: number };

export interface PackInfo {
  id: string;
  version: string;
  purpose: 'test' | 'production';
  sampleRate: number;
  channels: number;
  curveRate: number;
  vocabulary: string[];
  /** Most sampler steps the pack samples correctly with (manifest sampler.maxSteps); the engine refuses more. */
  maxSteps: number;
  /** One latent frame (latent hop ÷ sample rate), seconds: the shortest region the engine regenerates. */
  latentFrameSec: number;
  /**
   * The DiT takes known frames (manifest conditioning.known): a regenerated region hears the audio around it. Without
   * them the region is generated on its own and crossfaded in (src/engine/sampling/region.ts).
   */
  knownFrames: boolean;
  /** Space used by the browser's pack store, measured after this load evicted stale versions; absent without Cache Storage. */
  storage?: PackStorage;
}

/** Bytes kept for offline use: each pack file is stored once, in the engine's pack cache (src/engine/pack/pack-cache.ts). */
export interface PackStorage {
  /** The loaded pack's files and manifest. */
  packBytes: number;
  /** Every pack in the cache, by pack folder URL, this one included. */
  packs: { location: string; bytes: number }[];
  /** navigator.storage.estimate() for the whole origin (app shell, ORT runtimes, packs); null where the browser has none. */
  usageBytes: number | null;
  quotaBytes: number | null;
}

export interface VideoInfo {
  durationSec: number;
  width: number;
  height: number;
  codec: string;
  hasAudio: boolean;
  /** Small JPEG thumbnails for the timeline, evenly spaced. */
  thumbnails: { timeSec: number; image: ImageBitmap }[];
}

export interface GenerateResult {
  sampleRate: number;
  /** Planar channels, length = round(durationSec · sampleRate). */
  channels: Float32Array[];
  /** The pack's predicted loudness curve for this video, LUFS, [channel][point]. */
  predictedCurveLufs: number[][];
  /** Prompt words the pack's tag vocabulary could not map; shown to the user. */
  unknownWords: string[];
  /** totalMs: the whole generate(); sessionRunMs: inside ONNX session.run; decoderMs: Griffin-Lim (src/dsp). */
  timings: { totalMs: number; sessionRunMs: number; decoderMs: number };
  /** Sentences worth showing the user about a usable input (e.g. a clipped reference). */
  warnings?: string[];
  /** The windows the DiT generated, in seconds of the output. */
  windows: { startSec: number; endSec: number }[];
}

/** A plain generation's end: everything but the audio, which came before it in 'audio-chunk' messages. */
export type StreamedResult = Omit<GenerateResult, 'channels'> & {
  /** Samples per channel of the whole take, round(durationSec · sampleRate). */
  samples: number;
  channelCount: number;
};

export type EngineReply =
  /** `backendReason`: one sentence on why this backend runs the model (automatic choice, request, fallback). */
  | { type: 'pack-loaded'; id: number; pack: PackInfo; backend: Backend; backendReason: string }
  | { type: 'video-opened'; id: number; video: VideoInfo }
  /** Sent on every engine event and once a second between them; `etaLowerBound`: a phase ahead is not measured yet. */
  /** `candidate`: in a take search, which of the `count` generations is running (0-based). */
  | { type: 'progress'; id: number; progress: Progress; etaSec: number | null; etaLowerBound?: boolean; candidate?: { index: number; count: number } }
  /**
   * Finished audio of a plain generation, in order, samples [startSample, startSample + channels[0].length) of a take of
   * `totalSamples` per channel; the channels are transferred. The page assembles the take from these as they come, so
   * neither side ever holds a second whole copy of it (a 10-minute stereo take is 202 MB).
   */
  | { type: 'audio-chunk'; id: number; sampleRate: number; totalSamples: number; startSample: number; channels: Float32Array[] }
  | { type: 'generated'; id: number; result: StreamedResult }
  /** Best first. */
  | { type: 'takes-generated'; id: number; takes: RankedTake[] }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };
