/**
 * K-weighting (ITU-R BS.1770-4, §2.1): a high-shelf "pre-filter" modelling the acoustic effect of the head
 * (≈ +4 dB above ~1.5 kHz) followed by the RLB high-pass (~38 Hz, revised low-frequency B-curve).
 *
 * BS.1770 publishes the coefficients for 48 kHz only. Here both stages are derived for any sample rate from
 * their analog prototypes with the bilinear transform, pre-warped at the stage's corner frequency. The analog
 * parameters (corner, gain, Q) are the ones that reproduce the published 48 kHz coefficients (to ~1e-9; see
 * k-weighting.test.ts), the derivation popularised by libebur128 and pyloudnorm.
 */

/** One second-order section, normalised so a0 = 1: y = b0·x + b1·x[-1] + b2·x[-2] − a1·y[-1] − a2·y[-2]. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface KWeightingFilter {
  /** Stage 1: high shelf. */
  shelf: Biquad;
  /** Stage 2: RLB high-pass. */
  highPass: Biquad;
}

/** Analog prototype of stage 1: corner frequency (Hz), shelf gain (dB), quality factor. */
const SHELF_PROTOTYPE = { cornerHz: 1681.974450955533, gainDb: 3.999843853973347, q: 0.7071752369554196 } as const;
/** The shelf's band-edge gain exponent: Vb = Vh^0.4996667741545416 (≈ √Vh, a slightly asymmetric shelf). */
const SHELF_BAND_EXPONENT = 0.4996667741545416;
/** Analog prototype of stage 2 (second-order high-pass). */
const HIGH_PASS_PROTOTYPE = { cornerHz: 38.13547087602444, q: 0.5003270373238773 } as const;

/** Lowest sample rate with the shelf corner comfortably below Nyquist (the bilinear pre-warp needs fc < fs/2). */
export const MIN_K_WEIGHTING_SAMPLE_RATE = 4000;

function highShelf(sampleRate: number): Biquad {
  const { cornerHz, gainDb, q } = SHELF_PROTOTYPE;
  const k = Math.tan((Math.PI * cornerHz) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** SHELF_BAND_EXPONENT;
  const a0 = 1 + k / q + k * k;
  return {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
}

/** a0 of the bilinear high-pass, 1 + K/Q + K², which is also its pass-band gain when the numerator is (1, −2, 1). */
function highPassA0(sampleRate: number): number {
  const k = Math.tan((Math.PI * HIGH_PASS_PROTOTYPE.cornerHz) / sampleRate);
  return 1 + k / HIGH_PASS_PROTOTYPE.q + k * k;
}

/**
 * BS.1770 writes the RLB numerator as (1, −2, 1) at 48 kHz, which leaves a pass-band gain of a0(48 kHz)
 * (+0.043 dB) that the −0.691 dB constant of the loudness formula was calibrated with. Keeping that same gain
 * at every rate (numerator scaled by a0(48 kHz) / a0(fs)) keeps the constant valid: without it an 8 kHz meter
 * would read 0.2 dB high. At 48 kHz the scale is exactly 1.
 */
function rlbHighPass(sampleRate: number): Biquad {
  const { cornerHz, q } = HIGH_PASS_PROTOTYPE;
  const k = Math.tan((Math.PI * cornerHz) / sampleRate);
  const a0 = highPassA0(sampleRate);
  const gain = highPassA0(48000) / a0;
  return { b0: gain, b1: -2 * gain, b2: gain, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
}

/** The two K-weighting stages for `sampleRate` (Hz, ≥ MIN_K_WEIGHTING_SAMPLE_RATE). */
export function kWeightingFilter(sampleRate: number): KWeightingFilter {
  if (!Number.isFinite(sampleRate) || sampleRate < MIN_K_WEIGHTING_SAMPLE_RATE) {
    throw new RangeError(`K-weighting needs a sample rate of at least ${MIN_K_WEIGHTING_SAMPLE_RATE} Hz, got ${sampleRate}`);
  }
  return { shelf: highShelf(sampleRate), highPass: rlbHighPass(sampleRate) };
}

/** Magnitude response |H(e^{jω})| of one biquad at `frequencyHz`. */
export function biquadMagnitude(f: Biquad, frequencyHz: number, sampleRate: number): number {
  const w = (2 * Math.PI * frequencyHz) / sampleRate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const numRe = f.b0 + f.b1 * c1 + f.b2 * c2;
  const numIm = -(f.b1 * s1 + f.b2 * s2);
  const denRe = 1 + f.a1 * c1 + f.a2 * c2;
  const denIm = -(f.a1 * s1 + f.a2 * s2);
  return Math.hypot(numRe, numIm) / Math.hypot(denRe, denIm);
}

/** Gain of the complete K-weighting at `frequencyHz`, in dB. */
export function kWeightingGainDb(filter: KWeightingFilter, frequencyHz: number, sampleRate: number): number {
  const magnitude = biquadMagnitude(filter.shelf, frequencyHz, sampleRate) * biquadMagnitude(filter.highPass, frequencyHz, sampleRate);
  return 20 * Math.log10(magnitude);
}

/**
 * Streaming K-weighting of one channel: biquad states in float64 (transposed direct form II), so a
 * 192 kHz RLB pole pair at 0.9987 stays accurate. Non-finite input samples are treated as 0 and counted.
 */
export class KWeightingState {
  private readonly s: Biquad;
  private readonly h: Biquad;
  private z1 = 0;
  private z2 = 0;
  private w1 = 0;
  private w2 = 0;
  /** Number of NaN/±Infinity samples replaced by 0 so far. */
  nonFiniteSamples = 0;

  constructor(filter: KWeightingFilter) {
    this.s = filter.shelf;
    this.h = filter.highPass;
  }

  /**
   * Filters `input[from, to)` and adds `weight · y²` of each output sample to `energyOut[0, to − from)`.
   * Squares are what every BS.1770 measure needs, so the filtered signal itself is never materialised.
   */
  accumulateEnergy(input: Float32Array, from: number, to: number, weight: number, energyOut: Float64Array): void {
    const { b0, b1, b2, a1, a2 } = this.s;
    const { b0: c0, b1: c1, b2: c2, a1: d1, a2: d2 } = this.h;
    let { z1, z2, w1, w2 } = this;
    for (let i = from; i < to; i++) {
      let x = input[i];
      if (x - x !== 0) {
        x = 0;
        this.nonFiniteSamples++;
      }
      const y1 = b0 * x + z1;
      z1 = b1 * x - a1 * y1 + z2;
      z2 = b2 * x - a2 * y1;
      const y2 = c0 * y1 + w1;
      w1 = c1 * y1 - d1 * y2 + w2;
      w2 = c2 * y1 - d2 * y2;
      energyOut[i - from] += weight * y2 * y2;
    }
    // Flush denormals: a decaying IIR in silence otherwise runs on subnormal floats, which are ~100× slower.
    this.z1 = Math.abs(z1) < 1e-30 ? 0 : z1;
    this.z2 = Math.abs(z2) < 1e-30 ? 0 : z2;
    this.w1 = Math.abs(w1) < 1e-30 ? 0 : w1;
    this.w2 = Math.abs(w2) < 1e-30 ? 0 : w2;
  }

  reset(): void {
    this.z1 = this.z2 = this.w1 = this.w2 = 0;
    this.nonFiniteSamples = 0;
  }
}

/** Samples per 100 ms block: round(sampleRate / 10) (the loudness meter's step; gating blocks are 4 of them). */
export function blockSamplesFor(sampleRate: number): number {
  return Math.round(sampleRate / 10);
}

/**
 * Mean square of the K-weighted signal per complete 100 ms block, per channel (unweighted, float64): the CPU
 * reference for shaders/k-weighted-energy.wgsl. Channel weights and gating are applied by the caller.
 */
export function kWeightedBlockEnergies(channels: readonly Float32Array[], sampleRate: number): Float64Array[] {
  const filter = kWeightingFilter(sampleRate);
  const blockSamples = blockSamplesFor(sampleRate);
  const scratch = new Float64Array(blockSamples);
  return channels.map((channel) => {
    const state = new KWeightingState(filter);
    const energies = new Float64Array(Math.floor(channel.length / blockSamples));
    for (let b = 0; b < energies.length; b++) {
      scratch.fill(0);
      state.accumulateEnergy(channel, b * blockSamples, (b + 1) * blockSamples, 1, scratch);
      let sum = 0;
      for (const e of scratch) sum += e;
      energies[b] = sum / blockSamples;
    }
    return energies;
  });
}
