/**
 * Onset scores, the same as the Python evaluation (training/foley/export/evaluate.py: onset_times, match_onsets, f1),
 * so CI can score the built-in model's output on small fixtures without PyTorch.
 * Onsets: spectral flux of the channel mix — STFT 1024/256 (periodic Hann, centred), log(1 + 100·|X|), summed
 * positive frame-to-frame increase; peaks above median + 1.5·MAD + 0.3·max, at least 50 ms apart.
 */

import { stft } from '../dsp/stft';

const N_FFT = 1024;
const HOP = 256;
const MIN_GAP_SEC = 0.05;
export const ONSET_TOLERANCE_SEC = 0.05;

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Onset times in seconds of planar audio. */
export function onsetTimes(channels: readonly Float32Array[], sampleRate: number): number[] {
  const length = Math.min(...channels.map((c) => c.length));
  const mono = new Float32Array(length);
  for (const c of channels) for (let i = 0; i < length; i++) mono[i]! += c[i]! / channels.length;
  const spec = stft(mono, N_FFT, HOP);
  const flux = new Float64Array(spec.frames);
  for (let t = 1; t < spec.frames; t++) {
    let sum = 0;
    for (let k = 0; k < spec.bins; k++) {
      const now = spec.re[t * spec.bins + k]! ** 2 + spec.im[t * spec.bins + k]! ** 2;
      const before = spec.re[(t - 1) * spec.bins + k]! ** 2 + spec.im[(t - 1) * spec.bins + k]! ** 2;
      sum += Math.max(0, Math.log1p(100 * Math.sqrt(now)) - Math.log1p(100 * Math.sqrt(before)));
    }
    flux[t] = sum;
  }
  const centre = median(flux);
  const threshold = centre + 1.5 * median(flux.map((v) => Math.abs(v - centre))) + 0.3 * Math.max(...flux);
  const times: number[] = [];
  let last = -Infinity;
  for (let t = 1; t < spec.frames - 1; t++) {
    if (!(flux[t]! > threshold && flux[t]! >= flux[t - 1]! && flux[t]! >= flux[t + 1]!)) continue;
    const time = (t * HOP) / sampleRate;
    if (time - last >= MIN_GAP_SEC) {
      times.push(time);
      last = time;
    }
  }
  return times;
}

export interface OnsetCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Greedy one-to-one matching of detected to reference times within ±tolerance. */
export function matchOnsets(detected: readonly number[], reference: readonly number[], toleranceSec = ONSET_TOLERANCE_SEC): OnsetCounts {
  const used = new Array<boolean>(reference.length).fill(false);
  let hits = 0;
  for (const t of detected) {
    let best = -1;
    for (let j = 0; j < reference.length; j++) {
      if (!used[j] && (best < 0 || Math.abs(reference[j]! - t) < Math.abs(reference[best]! - t))) best = j;
    }
    if (best >= 0 && Math.abs(reference[best]! - t) <= toleranceSec) {
      used[best] = true;
      hits++;
    }
  }
  return { truePositives: hits, falsePositives: detected.length - hits, falseNegatives: reference.length - hits };
}

export function f1(counts: OnsetCounts): number {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = counts;
  return (2 * tp) / Math.max(1, 2 * tp + fp + fn);
}
