/**
 * The generator's loudness condition (Tri-Ergon): per-channel momentary loudness sampled at a fixed rate.
 *
 * We keep the BS.1770 momentary window of 400 ms (not the paper's customised 1/6 s window) and emit one
 * value every 1/rate s (default 6, i.e. every 1/6 s). Point k describes the k-th interval
 * [k/rate, (k+1)/rate): its value is the K-weighted loudness of the 400 ms window centred on the interval's
 * centre, audio outside the signal counting as silence. Each channel is measured on its own (L and R
 * separately, weight 1.0), and values are clipped to [minLufs, maxLufs] = [−70, 0] LUFS by default.
 *
 * JSON form (written by `foley measure --curve`, read by `foley generate --target-curve`):
 * `{ "rate": 6, "windowSec": 0.4, "unit": "LUFS", "channels": [[...L], [...R]] }`.
 */
import { KWeightingState, kWeightingFilter } from './k-weighting';
import { energyToLufs } from './loudness-meter';

export const CURVE_RATE_HZ = 6;
export const CURVE_WINDOW_SEC = 0.4;
export const CURVE_MIN_LUFS = -70;
export const CURVE_MAX_LUFS = 0;

export interface LoudnessCurve {
  /** Points per second. */
  rate: number;
  /** Momentary window the points are measured with, seconds. */
  windowSec: number;
  unit: 'LUFS';
  /** One curve per audio channel, curvePointCount(length, sampleRate, rate) points each. */
  channels: Float32Array[];
}

export interface CurveOptions {
  rate?: number;
  windowSec?: number;
  minLufs?: number;
  maxLufs?: number;
}

/**
 * Sums of K-weighted squares of one channel over consecutive segments whose edges are `edges` (sample
 * indices, ascending, clamped to the signal). Segment sums instead of a running cumulative sum keep
 * float64 precision for hours of audio.
 */
function segmentEnergies(channel: Float32Array, sampleRate: number, edges: Int32Array): Float64Array {
  const state = new KWeightingState(kWeightingFilter(sampleRate));
  const sums = new Float64Array(edges.length - 1);
  const scratch = new Float64Array(Math.max(1, Math.ceil(sampleRate / 10)));
  for (let s = 0; s < sums.length; s++) {
    for (let from = edges[s]; from < edges[s + 1]; from += scratch.length) {
      const to = Math.min(edges[s + 1], from + scratch.length);
      scratch.fill(0, 0, to - from);
      state.accumulateEnergy(channel, from, to, 1, scratch);
      for (let i = 0; i < to - from; i++) sums[s] += scratch[i];
    }
  }
  return sums;
}

/**
 * Points of a curve over `lengthSamples`: ceil(N · rate / sampleRate), at least one for any audio. Rounding up gives the
 * last, partial interval a point of its own, so every output sample is shaped by a point measured over it (rounding
 * down would leave up to 1/rate s at the end with no target); the 1e-9 keeps an exact multiple from gaining a point
 * through float error. training/foley/loudness.py `curve_length` is the same rule; training/fixtures/curve-length.json
 * pins both. Empty audio has no points.
 */
export function curvePointCount(lengthSamples: number, sampleRate: number, rate: number): number {
  return lengthSamples <= 0 ? 0 : Math.max(1, Math.ceil((lengthSamples * rate) / sampleRate - 1e-9));
}

/** Per-channel momentary loudness every 1/rate s (see the module comment for the exact definition). */
export function momentaryLoudnessCurve(channels: readonly Float32Array[], sampleRate: number, options: CurveOptions = {}): LoudnessCurve {
  const { rate = CURVE_RATE_HZ, windowSec = CURVE_WINDOW_SEC, minLufs = CURVE_MIN_LUFS, maxLufs = CURVE_MAX_LUFS } = options;
  const length = channels.length === 0 ? 0 : Math.min(...channels.map((c) => c.length));
  const points = curvePointCount(length, sampleRate, rate);
  const windowSamples = Math.round(windowSec * sampleRate);
  const starts = Array.from({ length: points }, (_, k) => Math.round(((k + 0.5) / rate) * sampleRate - windowSamples / 2));
  const clamp = (n: number): number => Math.min(length, Math.max(0, n));
  const edgeSet = new Set<number>([0, length]);
  for (const start of starts) edgeSet.add(clamp(start)).add(clamp(start + windowSamples));
  const edges = Int32Array.from([...edgeSet].sort((a, b) => a - b));
  const edgeIndex = new Map(Array.from(edges, (e, i) => [e, i]));
  const curves = channels.map((channel) => {
    const sums = segmentEnergies(channel, sampleRate, edges);
    return Float32Array.from(starts, (start) => {
      let energy = 0;
      for (let s = edgeIndex.get(clamp(start))!; s < edgeIndex.get(clamp(start + windowSamples))!; s++) energy += sums[s];
      return Math.min(maxLufs, Math.max(minLufs, energyToLufs(energy / windowSamples)));
    });
  });
  return { rate, windowSec, unit: 'LUFS', channels: curves };
}

/**
 * Linear resampling to `count` points, treating both curves as values at interval centres (point i of n sits at
 * (i + 0.5)/n of the duration), so a curve keeps its timing whatever the point count. Ends are held.
 */
export function resampleCurve(values: Float32Array, count: number): Float32Array {
  const out = new Float32Array(Math.max(0, count));
  if (values.length === 0) return out;
  for (let i = 0; i < out.length; i++) {
    const position = Math.min(values.length - 1, Math.max(0, ((i + 0.5) * values.length) / out.length - 0.5));
    const left = Math.floor(position);
    const right = Math.min(values.length - 1, left + 1);
    out[i] = values[left] + (values[right] - values[left]) * (position - left);
  }
  return out;
}

/** The JSON object `foley measure --curve` writes (plain arrays). */
export function curveToJson(curve: LoudnessCurve): { rate: number; windowSec: number; unit: 'LUFS'; channels: number[][] } {
  return { rate: curve.rate, windowSec: curve.windowSec, unit: curve.unit, channels: curve.channels.map((c) => Array.from(c)) };
}

/** Parses and validates the curve JSON (see the module comment); throws Error naming the first bad field. */
export function curveFromJson(json: unknown): LoudnessCurve {
  const o = json as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) throw new Error('loudness curve must be a JSON object');
  if (typeof o.rate !== 'number' || !(o.rate > 0)) throw new Error('loudness curve "rate" must be a positive number (points per second)');
  if (typeof o.windowSec !== 'number' || !(o.windowSec > 0)) throw new Error('loudness curve "windowSec" must be a positive number');
  if (o.unit !== 'LUFS') throw new Error('loudness curve "unit" must be "LUFS"');
  const channels = o.channels;
  if (!Array.isArray(channels) || channels.length === 0) throw new Error('loudness curve "channels" must be a non-empty array of arrays');
  return {
    rate: o.rate,
    windowSec: o.windowSec,
    unit: 'LUFS',
    channels: channels.map((c, i) => {
      if (!Array.isArray(c) || !c.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new Error(`loudness curve channels[${i}] must be an array of finite numbers (LUFS)`);
      }
      return Float32Array.from(c as number[]);
    }),
  };
}
