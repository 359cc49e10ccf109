/**
 * How audible a seam is: the measures of bench/seams.ts (issue 9) as functions, here applied to a regenerated
 * region's edges (src/engine/sampling/region.ts splices the new audio in with equal-power crossfades).
 * - spectral change: mean over 64 log-mel bands (hop 512) of |mean dB over the 0.5 s before a span − over the 0.5 s
 *   after it|. Across a seam ÷ across equally long spans elsewhere: 1.0 = the sound changes across the seam no more
 *   than at any other moment.
 * - energy jump (LD-LAudio-V1's Energy Δ10ms): |RMS dB of the 10 ms after a point − of the 10 ms before it|.
 */

import { audioToLatent } from '../dsp/log-mel';

export const SEAM_MEL_BANDS = 64;
export const SEAM_MEL_HOP = 512;
/** Audio compared on each side of a span, seconds. */
export const SEAM_CONTEXT_SEC = 0.5;
/** Each side of the energy jump, seconds. */
export const ENERGY_JUMP_SEC = 0.01;

/** Log-mel power in dB of the channels' mono mix, [frames × SEAM_MEL_BANDS], at sampleRate / SEAM_MEL_HOP frames a second. */
export interface MelDb {
  frames: number;
  frameRate: number;
  data: Float32Array;
}

export function melDb(channels: readonly Float32Array[], sampleRate: number): MelDb {
  const mono = new Float32Array(channels[0]!.length);
  for (const c of channels) for (let i = 0; i < mono.length; i++) mono[i]! += c[i]! / channels.length;
  const params = { sampleRate, nFft: 2048, hop: SEAM_MEL_HOP, nMels: SEAM_MEL_BANDS, fminHz: 0, fmaxHz: sampleRate / 2, logFloor: 1e-10, mean: 0, std: 1 };
  const latent = audioToLatent([mono], params);
  // audioToLatent gives natural-log power; ×10/ln 10 makes it dB.
  const toDb = 10 / Math.LN10;
  return { frames: latent.frames, frameRate: sampleRate / SEAM_MEL_HOP, data: latent.data.map((v) => v * toDb) };
}

function meanRows(mel: MelDb, fromSec: number, toSec: number): Float64Array {
  const first = Math.max(0, Math.round(fromSec * mel.frameRate));
  const end = Math.min(mel.frames, Math.round(toSec * mel.frameRate));
  const out = new Float64Array(SEAM_MEL_BANDS);
  for (let f = first; f < end; f++) for (let m = 0; m < SEAM_MEL_BANDS; m++) out[m]! += mel.data[f * SEAM_MEL_BANDS + m]! / Math.max(1, end - first);
  return out;
}

/** Mean over bands of |mean dB over [fromSec − 0.5 s, fromSec) − mean dB over [toSec, toSec + 0.5 s)|, dB. */
export function spectralChangeDb(mel: MelDb, fromSec: number, toSec: number): number {
  const before = meanRows(mel, fromSec - SEAM_CONTEXT_SEC, fromSec);
  const after = meanRows(mel, toSec, toSec + SEAM_CONTEXT_SEC);
  let sum = 0;
  for (let m = 0; m < SEAM_MEL_BANDS; m++) sum += Math.abs(before[m]! - after[m]!);
  return sum / SEAM_MEL_BANDS;
}

/** |RMS dB of the 10 ms from atSec − of the 10 ms before it|, over every channel. */
export function energyJumpDb(channels: readonly Float32Array[], sampleRate: number, atSec: number): number {
  const n = Math.round(ENERGY_JUMP_SEC * sampleRate);
  const at = Math.min(channels[0]!.length - n, Math.max(n, Math.round(atSec * sampleRate)));
  const rmsDb = (from: number) => {
    let sum = 0;
    for (const c of channels) for (let i = from; i < from + n; i++) sum += c[i]! * c[i]!;
    return 10 * Math.log10(sum / (n * channels.length) + 1e-12);
  };
  return Math.abs(rmsDb(at) - rmsDb(at - n));
}

export interface RegionSeams {
  /** Spectral change across the two crossfades ([start − fade, start) and [end, end + fade)), mean, dB. */
  edgeChangeDb: number;
  /** The same across equally long spans at the other points tested, mean, dB. */
  elsewhereChangeDb: number;
  /** edge ÷ elsewhere: ≤ 1 means no more change at the region's edges than elsewhere in the take. */
  changeRatio: number;
  edgeJumpDb: number;
  elsewhereJumpDb: number;
  jumpRatio: number;
  /** How many points "elsewhere" covers. */
  elsewherePoints: number;
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

/**
 * The seams of a region take. "Elsewhere": points every `stepSec` whose span and 0.5 s context fit inside the take,
 * at least one context length away from both edges (so they do not straddle an edge themselves).
 */
export function regionSeams(channels: readonly Float32Array[], sampleRate: number, region: { startSec: number; endSec: number }, fadeSec: number, stepSec = 0.25): RegionSeams {
  const mel = melDb(channels, sampleRate);
  const durationSec = channels[0]!.length / sampleRate;
  const edges = [
    { fromSec: region.startSec - fadeSec, toSec: region.startSec },
    { fromSec: region.endSec, toSec: region.endSec + fadeSec },
  ];
  const points: number[] = [];
  for (let t = SEAM_CONTEXT_SEC + fadeSec; t + fadeSec + SEAM_CONTEXT_SEC <= durationSec; t += stepSec) {
    if (edges.every((edge) => Math.abs(t - (edge.fromSec + edge.toSec) / 2) >= SEAM_CONTEXT_SEC + fadeSec)) points.push(t);
  }
  const edgeChangeDb = mean(edges.map((e) => spectralChangeDb(mel, e.fromSec, e.toSec)));
  const elsewhereChangeDb = mean(points.map((t) => spectralChangeDb(mel, t - fadeSec / 2, t + fadeSec / 2)));
  const edgeJumpDb = mean(edges.map((e) => energyJumpDb(channels, sampleRate, (e.fromSec + e.toSec) / 2)));
  const elsewhereJumpDb = mean(points.map((t) => energyJumpDb(channels, sampleRate, t)));
  return {
    edgeChangeDb,
    elsewhereChangeDb,
    changeRatio: edgeChangeDb / elsewhereChangeDb,
    edgeJumpDb,
    elsewhereJumpDb,
    jumpRatio: edgeJumpDb / elsewhereJumpDb,
    elsewherePoints: points.length,
  };
}
