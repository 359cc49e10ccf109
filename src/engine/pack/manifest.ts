/**
 * The model-pack contract: `manifest.json` beside the ONNX files of one pack.
 * training/foley/export writes it, this module reads and validates it; docs/model-pack.md explains every field.
 * Schema changes bump MANIFEST_SCHEMA_VERSION on both sides.
 */

export const MANIFEST_SCHEMA_VERSION = 1;

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

export interface SamplerDefaults {
  steps: number;
  cfgScale: number;
  method: 'euler' | 'heun';
  /** Native window the DiT was trained on; longer videos are generated in overlapping windows. */
  windowSec: number;
  /** Crossfade between windows. */
  overlapSec: number;
  /**
   * Most steps the pack samples correctly with: the DiT turns its clean-latent estimate into a velocity dividing by
   * max(1 − t, a floor), exact only while the last step starts below 1 − floor. Absent in older packs (then 1000).
   */
  maxSteps?: number;
}

export interface TextConditioning {
  /** Index = token id. 0 is padding, 1 is "unknown". Free text maps onto these tags (src/engine/conditioning/text-tags.ts). */
  vocabulary: string[];
  maxTokens: number;
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
  /** Conditioning the pack accepts; the DiT's `cond_mask` columns follow this order. */
  conditioning: {
    modalities: ['video', 'loudness', 'text', 'audio'];
    text: TextConditioning;
    audioPrompt: AudioPromptConditioning;
    known?: KnownFrameConditioning;
  };
  components: Record<ComponentName, ComponentSpec>;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

function fail(message: string): never {
  throw new ManifestError(message);
}

function expectNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${path} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${path} must be a non-empty string`);
  return value;
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${path} must be an object`);
  return value as Record<string, unknown>;
}

function checkTensorSpecs(value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length === 0) fail(`${path} must be a non-empty array`);
  value.forEach((spec, i) => {
    const t = expectObject(spec, `${path}[${i}]`);
    expectString(t.name, `${path}[${i}].name`);
    if (t.dtype !== 'float32' && t.dtype !== 'int64') fail(`${path}[${i}].dtype must be float32 or int64`);
    if (!Array.isArray(t.shape)) fail(`${path}[${i}].shape must be an array`);
  });
}

/** Validates structure and units; throws ManifestError naming the first bad field and what is valid. */
export function parseManifest(json: unknown): PackManifest {
  const m = expectObject(json, 'manifest');
  if (m.schemaVersion === undefined) fail('this manifest.json is not a Foley Studio model-pack manifest (it has no schemaVersion)');
  if (m.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    fail(`manifest.schemaVersion ${JSON.stringify(m.schemaVersion)} is not supported (this build reads ${MANIFEST_SCHEMA_VERSION})`);
  }
  expectString(m.id, 'manifest.id');
  expectString(m.version, 'manifest.version');
  if (m.purpose !== 'test' && m.purpose !== 'production') fail(`manifest.purpose must be "test" or "production"`);
  expectString(m.license, 'manifest.license');
  expectNumber(m.sampleRate, 'manifest.sampleRate');
  const channels = expectNumber(m.channels, 'manifest.channels');
  if (channels !== 1 && channels !== 2) fail('manifest.channels must be 1 or 2');
  const latent = expectObject(m.latent, 'manifest.latent');
  if (latent.kind !== 'log-mel') fail('manifest.latent.kind must be "log-mel"');
  for (const key of ['nFft', 'hop', 'nMels', 'fminHz', 'fmaxHz', 'logFloor', 'mean', 'std', 'lengthMultiple']) {
    expectNumber(latent[key], `manifest.latent.${key}`);
  }
  const decoder = expectObject(m.decoder, 'manifest.decoder');
  if (decoder.kind !== 'griffin-lim') fail('manifest.decoder.kind must be "griffin-lim"');
  expectNumber(decoder.iterations, 'manifest.decoder.iterations');
  if (decoder.momentum !== undefined) {
    const momentum = expectNumber(decoder.momentum, 'manifest.decoder.momentum');
    if (!(momentum >= 0 && momentum < 1)) fail(`manifest.decoder.momentum must be in [0, 1), got ${momentum}`);
  }
  const video = expectObject(m.video, 'manifest.video');
  for (const key of ['visualFps', 'syncFps', 'width', 'height']) expectNumber(video[key], `manifest.video.${key}`);
  const loudness = expectObject(m.loudness, 'manifest.loudness');
  for (const key of ['curveRate', 'windowSec', 'minLufs', 'maxLufs']) expectNumber(loudness[key], `manifest.loudness.${key}`);
  const sampler = expectObject(m.sampler, 'manifest.sampler');
  for (const key of ['steps', 'cfgScale', 'windowSec', 'overlapSec']) expectNumber(sampler[key], `manifest.sampler.${key}`);
  if (sampler.method !== 'euler' && sampler.method !== 'heun') fail('manifest.sampler.method must be "euler" or "heun"');
  if (sampler.maxSteps !== undefined) {
    const maxSteps = expectNumber(sampler.maxSteps, 'manifest.sampler.maxSteps');
    if (!Number.isInteger(maxSteps) || maxSteps < (sampler.steps as number)) fail(`manifest.sampler.maxSteps must be a whole number of at least sampler.steps, got ${maxSteps}`);
  }
  const conditioning = expectObject(m.conditioning, 'manifest.conditioning');
  const text = expectObject(conditioning.text, 'manifest.conditioning.text');
  if (!Array.isArray(text.vocabulary) || text.vocabulary.length < 2) fail('manifest.conditioning.text.vocabulary must list at least <pad> and <unk>');
  expectNumber(text.maxTokens, 'manifest.conditioning.text.maxTokens');
  const audioPrompt = expectObject(conditioning.audioPrompt, 'manifest.conditioning.audioPrompt');
  expectNumber(audioPrompt.maxSec, 'manifest.conditioning.audioPrompt.maxSec');
  expectNumber(audioPrompt.minSec, 'manifest.conditioning.audioPrompt.minSec');
  if (conditioning.known !== undefined) {
    const known = expectObject(conditioning.known, 'manifest.conditioning.known');
    if (JSON.stringify(known.kinds) !== '["clip","reference"]') fail('manifest.conditioning.known.kinds must be ["clip", "reference"]');
    const maxReferenceSec = expectNumber(known.maxReferenceSec, 'manifest.conditioning.known.maxReferenceSec');
    if (!(maxReferenceSec > 0)) fail(`manifest.conditioning.known.maxReferenceSec must be positive, got ${maxReferenceSec}`);
  }
  const components = expectObject(m.components, 'manifest.components');
  for (const name of COMPONENT_NAMES) {
    const c = expectObject(components[name], `manifest.components.${name}`);
    expectString(c.file, `manifest.components.${name}.file`);
    expectNumber(c.bytes, `manifest.components.${name}.bytes`);
    if (typeof c.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(c.sha256)) fail(`manifest.components.${name}.sha256 must be 64 lowercase hex digits`);
    checkTensorSpecs(c.inputs, `manifest.components.${name}.inputs`);
    checkTensorSpecs(c.outputs, `manifest.components.${name}.outputs`);
  }
  const unknown = Object.keys(components).filter((k) => !(COMPONENT_NAMES as readonly string[]).includes(k));
  if (unknown.length > 0) fail(`manifest.components has unknown entries ${unknown.join(', ')}; valid: ${COMPONENT_NAMES.join(', ')}`);
  return m as unknown as PackManifest;
}
