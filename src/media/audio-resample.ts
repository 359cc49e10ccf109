/**
 * Band-limited sample-rate conversion for scoring and analysis: a Kaiser-windowed sinc (β = 8.6, ~90 dB stop band)
 * with its cut-off at 0.95 × the lower Nyquist, 24 zero crossings a side, read from a table of 256 points per
 * crossing with linear interpolation. Linear interpolation alone would fold 8–24 kHz content of a 48 kHz file into
 * the 0–8 kHz band that the 16 kHz scores compare.
 */

const ZERO_CROSSINGS = 24;
const TABLE_STEPS = 256;
const KAISER_BETA = 8.6;
const CUTOFF = 0.95;

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 10). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** h(x) for x in zero crossings of the filter, x ∈ [0, ZERO_CROSSINGS], step 1 / TABLE_STEPS. */
const KERNEL = (() => {
  const table = new Float64Array(ZERO_CROSSINGS * TABLE_STEPS + 2);
  const norm = besselI0(KAISER_BETA);
  for (let i = 0; i < table.length; i++) {
    const x = i / TABLE_STEPS;
    const r = x / ZERO_CROSSINGS;
    const window = r >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / norm;
    table[i] = (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * window;
  }
  return table;
})();

function kernel(x: number): number {
  const position = Math.abs(x) * TABLE_STEPS;
  const i = Math.floor(position);
  if (i >= KERNEL.length - 1) return 0;
  return KERNEL[i]! + (position - i) * (KERNEL[i + 1]! - KERNEL[i]!);
}

/** One channel from `fromRate` to `toRate`; output length round(length · toRate / fromRate), sample 0 at time 0. */
export function resampleChannel(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`sample rates must be positive, got ${fromRate} → ${toRate}`);
  if (fromRate === toRate) return input.slice();
  const ratio = fromRate / toRate;
  // Filter in units of input samples: cut-off below both Nyquists, so downsampling widens the kernel.
  const scale = Math.min(1, 1 / ratio) * CUTOFF;
  const halfWidth = ZERO_CROSSINGS / scale;
  const out = new Float32Array(Math.round((input.length * toRate) / fromRate));
  for (let n = 0; n < out.length; n++) {
    const centre = n * ratio;
    const first = Math.max(0, Math.ceil(centre - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(centre + halfWidth));
    let sum = 0;
    for (let k = first; k <= last; k++) sum += input[k]! * kernel((k - centre) * scale);
    out[n] = sum * scale;
  }
  return out;
}

export function resampleChannels(channels: readonly Float32Array[], fromRate: number, toRate: number): Float32Array[] {
  return channels.map((c) => resampleChannel(c, fromRate, toRate));
}
