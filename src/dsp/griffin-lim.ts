/**
 * Griffin-Lim phase reconstruction (Griffin & Lim, 1984) from an STFT magnitude, mirroring
 * training/foley/audio.py: uniform random initial phase, then `iterations` rounds of
 * iSTFT → STFT → keep the phase, and a final iSTFT. Optional momentum gives the "fast" variant
 * (Perraudin et al., 2013; torchaudio's default is 0.99); 0 is the plain algorithm audio.py runs.
 */

import { Prng } from './prng';
import { StftPlan, stftFrameCount } from './stft';

export interface GriffinLimOptions {
  nFft: number;
  hop: number;
  iterations: number;
  /** Output length in samples. */
  lengthSamples: number;
  /** Seeds the initial phase; the same seed gives the same audio. */
  seed: number;
  /** Fast Griffin-Lim momentum in [0, 1); 0 (default) = plain Griffin-Lim. */
  momentum?: number;
}

/** Below this |STFT| a bin's phase is undefined; audio.py clamps the divisor the same way. */
const MAGNITUDE_EPSILON = 1e-12;

function validate(magnitude: Float32Array, frames: number, bins: number, o: Omit<GriffinLimOptions, 'seed'>): void {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`Griffin-Lim needs ≥ 1 frame, got ${frames}`);
  if (magnitude.length !== frames * bins) {
    throw new RangeError(`Griffin-Lim magnitude has ${magnitude.length} values, expected frames × bins = ${frames} × ${bins}`);
  }
  if (!Number.isInteger(o.iterations) || o.iterations < 0) throw new RangeError(`iterations must be an integer ≥ 0, got ${o.iterations}`);
  if (!Number.isInteger(o.lengthSamples) || o.lengthSamples < 0) throw new RangeError(`lengthSamples must be an integer ≥ 0, got ${o.lengthSamples}`);
  const momentum = o.momentum ?? 0;
  if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${momentum}`);
}

/**
 * Magnitude [frames × (nFft/2 + 1)] row-major → audio of `lengthSamples`. The iterations run on a signal whose
 * STFT has exactly `frames` frames: `lengthSamples` when it matches, otherwise (frames − 1) · hop; the final
 * iSTFT is then trimmed or zero-padded to `lengthSamples`.
 */
export function griffinLim(magnitude: Float32Array, frames: number, options: GriffinLimOptions): Float32Array {
  const prng = new Prng(options.seed);
  // Float64 so a seed gives the same audio as before this split (the fixture's phases arrive as float32).
  const phase = Float64Array.from({ length: magnitude.length }, () => 2 * Math.PI * prng.nextFloat());
  return griffinLimFromPhase(magnitude, frames, phase, options);
}

/**
 * Griffin-Lim from a given initial phase (radians, [frames × bins]) instead of a seeded random one: the part of the
 * algorithm training/foley/audio.py shares exactly (its random phases come from another generator), pinned by
 * training/fixtures/latent-decoder.json.
 */
export function griffinLimFromPhase(
  magnitude: Float32Array,
  frames: number,
  initialPhase: Float32Array | Float64Array,
  options: Omit<GriffinLimOptions, 'seed'>,
): Float32Array {
  const plan = new StftPlan(options.nFft, options.hop);
  validate(magnitude, frames, plan.bins, options);
  if (initialPhase.length !== magnitude.length) throw new RangeError(`initial phase has ${initialPhase.length} values, magnitude ${magnitude.length}`);
  const momentum = options.momentum ?? 0;
  if (options.lengthSamples === 0) return new Float32Array(0);
  const workLength = stftFrameCount(options.lengthSamples, options.hop) === frames ? options.lengthSamples : (frames - 1) * options.hop;
  const spec = plan.allocate(frames);
  for (let i = 0; i < magnitude.length; i++) {
    spec.re[i] = magnitude[i]! * Math.cos(initialPhase[i]!);
    spec.im[i] = magnitude[i]! * Math.sin(initialPhase[i]!);
  }
  const signal = new Float32Array(workLength);
  const previous = momentum > 0 ? plan.allocate(frames) : null;
  for (let i = 0; i < options.iterations && workLength > 0; i++) {
    plan.forward(plan.inverse(spec, workLength, signal), spec);
    if (previous) applyMomentum(spec.re, spec.im, previous.re, previous.im, momentum / (1 + momentum));
    projectOntoMagnitude(magnitude, spec.re, spec.im);
  }
  return plan.inverse(spec, options.lengthSamples);
}

/** Keeps each bin's phase and replaces its modulus with the target magnitude. */
function projectOntoMagnitude(magnitude: Float32Array, re: Float32Array, im: Float32Array): void {
  for (let i = 0; i < magnitude.length; i++) {
    const r = re[i]!;
    const m = im[i]!;
    const scale = magnitude[i]! / Math.max(Math.sqrt(r * r + m * m), MAGNITUDE_EPSILON);
    re[i] = r * scale;
    im[i] = m * scale;
  }
}

/** Fast Griffin-Lim: extrapolate along the last step (x − α·x_prev), then remember the un-extrapolated rebuild. */
function applyMomentum(re: Float32Array, im: Float32Array, prevRe: Float32Array, prevIm: Float32Array, alpha: number): void {
  for (let i = 0; i < re.length; i++) {
    const r = re[i]!;
    const m = im[i]!;
    re[i] = r - alpha * prevRe[i]!;
    im[i] = m - alpha * prevIm[i]!;
    prevRe[i] = r;
    prevIm[i] = m;
  }
}
