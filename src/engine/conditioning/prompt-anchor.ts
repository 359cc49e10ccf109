/**
 * Anchoring a generation to its audio prompt (docs/model-pack.md, "Audio prompt anchoring"; mirrored for evaluation
 * in training/foley/prompt_anchor.py). A small model's prompt embedding steers timbre only loosely, so two
 * deterministic corrections carry the rest:
 * - spectrum: each window's mean log-mel spectrum over its active frames moves onto the prompt's — an EQ match as a
 *   per-band latent offset, smoothed over 3 bands, limited to ±24 dB and re-centred so it changes shape, not power;
 * - level: without a user curve, the curve predicted from the video is offset so its 90th percentile equals the
 *   prompt's (the prompt says how loud the loud parts are; the video still says when) — the curve the DiT reads;
 * - levels: the curve the output is shaped to takes the prompt's whole distribution of momentary loudness (quantile
 *   mapping, `matchLevels`): the video still decides when it is loud, the prompt how loud and how quiet. On the real
 *   dev clips the 90th-percentile offset left the output's quiet parts 10–30 dB away from the recording's (gaps where
 *   the room has a bed, a bed where the recording has gaps); mel-FD 455 → 243 (paired log ratio −0.45 ± 0.11).
 */

import type { Latent } from '../../dsp/log-mel';

/** Frames more than 30 dB (power) under a recording's loudest frame are its silence, not its timbre. */
const ACTIVE_RANGE_NATS = 3 * Math.LN10;
const MAX_GAIN_NATS = 2.4 * Math.LN10;
const LEVEL_PERCENTILE = 90;

/** Latent [frames, channels·nMels] → mean log power (nats) per band over each channel's active frames, [channel][band]. */
export function bandMeans(latent: Float32Array, frames: number, channels: number, nMels: number, std: number): Float64Array[] {
  const dims = channels * nMels;
  return Array.from({ length: channels }, (_, c) => {
    const energy = new Float64Array(frames);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let m = 0; m < nMels; m++) sum += latent[f * dims + c * nMels + m]!;
      energy[f] = (sum / nMels) * std;
    }
    const threshold = Math.max(...energy) - ACTIVE_RANGE_NATS;
    const means = new Float64Array(nMels);
    let active = 0;
    for (let f = 0; f < frames; f++) {
      if (energy[f]! < threshold) continue;
      active++;
      for (let m = 0; m < nMels; m++) means[m]! += latent[f * dims + c * nMels + m]! * std;
    }
    return means.map((sum) => sum / active);
  });
}

export function logSumExp(values: Float64Array): number {
  const peak = Math.max(...values);
  return peak + Math.log(values.reduce((sum, v) => sum + Math.exp(v - peak), 0));
}

/** Per-band latent offset [channels·nMels] moving `generated`'s active-frame spectral shape onto the prompt's. */
export function spectrumGain(generated: Latent, prompt: Latent, channels: number, nMels: number, std: number): Float32Array {
  const own = bandMeans(generated.data, generated.frames, channels, nMels, std);
  const target = bandMeans(prompt.data, prompt.frames, channels, nMels, std);
  const gain = new Float32Array(channels * nMels);
  for (let c = 0; c < channels; c++) {
    const difference = target[c]!.map((value, m) => value - own[c]![m]!);
    const at = (m: number): number => difference[Math.min(nMels - 1, Math.max(0, m))]!;
    const smoothed = difference.map((_, m) => Math.min(MAX_GAIN_NATS, Math.max(-MAX_GAIN_NATS, (at(m - 1) + at(m) + at(m + 1)) / 3)));
    // Re-centre so the generated mean spectrum keeps its power: the level is the loudness curve's business.
    const shift = logSumExp(own[c]!.map((value, m) => value + smoothed[m]!)) - logSumExp(own[c]!);
    smoothed.forEach((value, m) => (gain[c * nMels + m] = (value - shift) / std));
  }
  return gain;
}

/** Adds a per-band offset [C] to every frame of a latent [frames, C], in place. */
export function applyGain(latent: Float32Array, gain: Float32Array): void {
  for (let i = 0; i < latent.length; i++) latent[i]! += gain[i % gain.length]!;
}

/** numpy's default percentile: linear interpolation between the closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  return quantileOfSorted([...values].sort((a, b) => a - b), p / 100);
}

/** numpy.quantile (linear) at q in [0, 1] of values already in ascending order (no copy, no sort). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

/** LU to add to a predicted curve ([channel][point] LUFS) so its 90th percentile matches the prompt's momentary curve's. */
export function levelOffset(predictedLufs: readonly (readonly number[])[], promptLufs: readonly (readonly number[])[]): number {
  return percentile(promptLufs.flat(), LEVEL_PERCENTILE) - percentile(predictedLufs.flat(), LEVEL_PERCENTILE);
}

/**
 * `predictedLufs` ([channel][point]) with each value replaced by the prompt's momentary loudness at the same quantile:
 * the result keeps the predicted curve's order in time (ranks; ties share their mean rank, so a flat curve takes the
 * prompt's median) and has the prompt's distribution of levels. Both are pooled over their channels.
 */
export function matchLevels(predictedLufs: readonly (readonly number[])[], promptLufs: readonly (readonly number[])[]): number[][] {
  const values = predictedLufs.flat();
  const target = promptLufs.flat();
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const matched = new Array<number>(values.length);
  for (let first = 0; first < order.length; ) {
    let last = first;
    while (last + 1 < order.length && values[order[last + 1]!] === values[order[first]!]) last++;
    const quantile = order.length > 1 ? (first + last) / 2 / (order.length - 1) : 0.5;
    const level = percentile(target, quantile * 100);
    for (let k = first; k <= last; k++) matched[order[k]!] = level;
    first = last + 1;
  }
  let offset = 0;
  return predictedLufs.map((row) => row.map(() => matched[offset++]!));
}
