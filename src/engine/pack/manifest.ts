/**
 * The model-pack contract: `manifest.json` beside the ONNX files of one pack.
 * training/foley/export/manifest.py writes it, docs/model-pack.schema.json says what is valid (this module and the
 * Python tests both check against that file), docs/model-pack.md explains every field.
 * Schema changes bump MANIFEST_SCHEMA_VERSION on both sides.
 */

import schemaJson from '../../../docs/model-pack.schema.json';
import { firstViolation, show, type JsonSchema } from './json-schema';

export const MANIFEST_SCHEMA_VERSION = 2;
const SCHEMA: JsonSchema = schemaJson;

/** Every ONNX graph a pack ships; the pipeline runs them in this order. */
export const COMPONENT_NAMES = [
  'visual_encoder', // frames at video.visualFps → per-frame semantic features
  'sync_encoder', // frames at video.syncFps → per-frame motion/sync features
  'adapters', // dual adapters: frame-level sync conditioning + clip-level global conditioning
  'loudness_predictor', // conditioning → per-channel loudness curve (normalised LUFS)
  'text_encoder', // tag token ids → text embedding
  'audio_prompt_encoder', // latent of a reference recording → audio embedding
  'dit', // flow-matching velocity with classifier-free guidance inside the graph
  'sampler_step', // x + dt·v, so latents stay on the GPU between steps
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

export type TensorDtype = 'float32' | 'int64';

/** A dimension is a fixed size or a symbolic name ("T", "L", "B", "K", "F"); names are documented in docs/model-pack.md. */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  shape: Dim[];
}

export interface ComponentSpec {
  file: string;
  bytes: number;
  sha256: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Reference tensors (inputs + expected outputs) for parity checks, an .npz-free JSON+bin pair; optional. */
  reference?: { file: string; bytes: number; sha256: string; maxAbsError: number };
}

/** The audio representation the DiT denoises: per-channel log-mel frames, normalised. */
export interface LatentSpec {
  kind: 'log-mel';
  /** STFT size in samples (centred frames, periodic Hann window). */
  nFft: number;
  /** Hop in samples; latent frame rate = sampleRate / hop. */
  hop: number;
  /** Mel bands per channel; latent dims = channels × nMels (channel-major: [L ch0 mels…, R ch1 mels…]). */
  nMels: number;
  fminHz: number;
  fmaxHz: number;
  /** Natural-log floor applied to mel power before the log: latent = (ln(max(mel, floor)) − mean) / std. */
  logFloor: number;
  mean: number;
  std: number;
  /** Latent lengths are padded up to a multiple of this (the DiT's patch size). */
  lengthMultiple: number;
}

/** The decoder back to audio. Non-learned: mel pseudo-inverse + Griffin-Lim phase reconstruction (src/dsp). */
export interface DecoderSpec {
  kind: 'griffin-lim';
  iterations: number;
  /** Fast Griffin-Lim momentum in [0, 1); absent or 0 = plain Griffin-Lim. */
  momentum?: number;
}

export interface VideoSpec {
  /** Frame rate for visual_encoder (clip semantics). */
  visualFps: number;
  /** Frame rate for sync_encoder (event timing). */
  syncFps: number;
  /** Encoder input size, frames are RGB float32 in [0, 1], NCHW. */
  width: number;
  height: number;
}

export interface LoudnessSpec {
  /** Curve points per second (Tri-Ergon: 6, i.e. every 1/6 s). */
  curveRate: number;
  /** Momentary-loudness window the curve is measured with, in seconds (BS.1770: 0.4). */
  windowSec: number;
  /** LUFS range mapped linearly to [0, 1] for the model. */
  minLufs: number;
  maxLufs: number;
}

export type SamplerMethod = 'euler' | 'heun';

export interface SamplerDefaults {
  steps: number;
  cfgScale: number;
  method: SamplerMethod;
  /** Native window the DiT was trained on; longer videos are generated in overlapping windows. */
  windowSec: number;
  /** Crossfade between windows. */
  overlapSec: number;
  /**
   * Most steps the pack samples correctly with: the DiT turns its clean-latent estimate into a velocity dividing by
   * max(1 − t, a floor), exact only while the last step starts below 1 − floor. The engine refuses more.
   */
  maxSteps: number;
  /** Methods the pack samples correctly with; `method` is one of them. */
  solvers: SamplerMethod[];
}

/** The tokenizer's words (training/foley/tags.py writes them); the rules are src/engine/conditioning/text-tags.ts. */
export interface TextConditioning {
  /** Index = token id. 0 is padding, 1 is "unknown". Free text maps onto these tags. */
  vocabulary: string[];
  maxTokens: number;
  /** Words that are neither tags nor unknown. */
  stopWords: string[];
  /** Word → the tags it means (all in the vocabulary), e.g. "slam" → door, impact. */
  synonyms: Record<string, string[]>;
}

export interface AudioPromptConditioning {
  /** Seconds of the reference recording the encoder looks at. */
  maxSec: number;
  minSec: number;
}

/**
 * Known-frame conditioning (src/engine/conditioning/known-frames.ts): the DiT takes `known` [1, L, C] and `known_mask` [1, L, 2]
 * and generates the unmarked frames consistent with the marked ones. Packs without this field lack both inputs.
 */
export interface KnownFrameConditioning {
  /** `known_mask` columns: "clip" = a given frame of this clip, "reference" = a reference recording placed before it. */
  kinds: ['clip', 'reference'];
  /** Longest reference prefix, in seconds (the pack was trained with up to this much). */
  maxReferenceSec: number;
}

export type Modality = 'video' | 'loudness' | 'text' | 'audio';

export interface PackManifest {
  schemaVersion: number;
  id: string;
  version: string;
  /** "test" packs have random weights and exist only to exercise the pipeline; the UI labels them. */
  purpose: 'test' | 'production';
  description: string;
  license: string;
  sampleRate: number;
  channels: number;
  latent: LatentSpec;
  decoder: DecoderSpec;
  video: VideoSpec;
  loudness: LoudnessSpec;
  sampler: SamplerDefaults;
  conditioning: {
    /** Conditioning the pack accepts, each once; the DiT's `cond_mask` [1, modalities.length] columns follow this order. */
    modalities: Modality[];
    text: TextConditioning;
    audioPrompt: AudioPromptConditioning;
    known?: KnownFrameConditioning;
  };
  components: Record<ComponentName, ComponentSpec>;
}

/** The DiT's `cond_mask` row: 1 = given, 0 = absent, one column per modality in the pack's order. */
export function condMaskRow(manifest: PackManifest, given: Record<Modality, boolean>): Float32Array {
  return Float32Array.from(manifest.conditioning.modalities, (modality) => (given[modality] ? 1 : 0));
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

function fail(message: string): never {
  throw new ManifestError(message);
}

/** A schema-1 pack lacks the tokenizer rules, the solvers and a required maxSteps: say which pack and how to fix it. */
function refuseVersion(m: Record<string, unknown>): never {
  const version = m.schemaVersion;
  if (version === undefined) fail('this manifest.json is not a Foley Studio model-pack manifest (it has no schemaVersion)');
  const pack = typeof m.id === 'string' && typeof m.version === 'string' ? `${m.id} ${m.version}` : 'this pack';
  if (version === 1) {
    fail(
      `manifest.json: ${pack} is a schema-1 pack; this build reads schema ${MANIFEST_SCHEMA_VERSION}, whose manifest carries the ` +
        'tokenizer words, the conditioning layout and the sampler limits. Rewrite its manifest (no retraining): ' +
        'cd training && python -m foley.export.manifest --pack <pack folder>',
    );
  }
  fail(`manifest.json: ${pack}: schemaVersion ${show(version)} is not supported (this build reads ${MANIFEST_SCHEMA_VERSION})`);
}

/** What JSON Schema cannot say; training/foley/export/manifest.py `cross_field_errors` says the same in the same words. */
function crossFieldProblem(m: PackManifest): string | null {
  const { latent, loudness, sampler } = m;
  if (latent.fmaxHz > m.sampleRate / 2) return `latent.fmaxHz (${latent.fmaxHz}) must be at most sampleRate / 2 (${m.sampleRate / 2})`;
  if (loudness.minLufs >= loudness.maxLufs) return `loudness.minLufs (${loudness.minLufs}) must be below loudness.maxLufs (${loudness.maxLufs})`;
  if (sampler.overlapSec >= sampler.windowSec) return `sampler.overlapSec (${sampler.overlapSec}) must be below sampler.windowSec (${sampler.windowSec})`;
  if (sampler.maxSteps < sampler.steps) return `sampler.maxSteps (${sampler.maxSteps}) must be at least sampler.steps (${sampler.steps})`;
  if (!sampler.solvers.includes(sampler.method)) return `sampler.method "${sampler.method}" must be one of sampler.solvers (${sampler.solvers.join(', ')})`;
  const text = m.conditioning.text;
  const tags = new Set(text.vocabulary.slice(2));
  for (const [word, found] of Object.entries(text.synonyms)) {
    const missing = found.find((tag) => !tags.has(tag));
    if (missing !== undefined) return `conditioning.text.synonyms.${word} gives "${missing}", which is not in the vocabulary`;
  }
  const width = m.conditioning.modalities.length;
  const shapes = m.components.dit.inputs.filter((t) => t.name === 'cond_mask').map((t) => t.shape);
  if (shapes.length !== 1 || show(shapes[0]) !== show([1, width])) {
    return `components.dit cond_mask ${shapes.length > 0 ? `has shape ${show(shapes[0])}` : 'has no input'}; conditioning.modalities makes it [1, ${width}]`;
  }
  return null;
}

/**
 * Validates against docs/model-pack.schema.json, then the fields that must agree; throws ManifestError naming the
 * first bad field and what is valid ("manifest.json: sampler.solvers[0] must be one of "euler", "heun", got "rk4"").
 */
export function parseManifest(json: unknown): PackManifest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(`manifest.json must be an object, got ${show(json)}`);
  const m = json as Record<string, unknown>;
  if (m.schemaVersion !== MANIFEST_SCHEMA_VERSION) refuseVersion(m);
  const violation = firstViolation(SCHEMA, json);
  if (violation) fail(violation.path === '' ? `manifest.json ${violation.message}` : `manifest.json: ${violation.path} ${violation.message}`);
  const manifest = json as PackManifest;
  const problem = crossFieldProblem(manifest);
  if (problem) fail(`manifest.json: ${problem}`);
  return manifest;
}
