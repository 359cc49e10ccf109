/**
 * Sizes and time grids of one clip, derived once from the manifest and the duration (MMAudio `sequence_config`
 * style), plus the one interpolation every grid change uses. Conventions (docs/model-pack.md, training/foley):
 * latent frame i sits at i·hop/sampleRate s; video frame k of rate r at k/r s; loudness point k at (k + 0.5)/curveRate s
 * (the centre of its 400 ms window), P = ceil(N·curveRate/sampleRate) points (dsp/loudness-curve.ts curvePointCount: rounded up
 * so the last partial interval has a target; training/foley/loudness.py curve_length is the same, pinned by
 * training/fixtures/curve-length.json).
 */

import { curvePointCount } from '../../dsp/loudness-curve';
import type { PackManifest } from '../pack/manifest';

/** A uniform time grid: point k sits at (k + phase) / rate seconds. */
export interface TimeGrid {
  count: number;
  rate: number;
  phase: number;
}

export interface ClipSizes {
  durationSec: number;
  /** round(durationSec · sampleRate), halves up (Math.round; training/foley/config.py samples() the same): the exact output length. */
  samples: number;
  /** L = floor(samples / hop) + 1. */
  latentFrames: number;
  latent: TimeGrid;
  visual: TimeGrid;
  sync: TimeGrid;
  curve: TimeGrid;
}

/** Frames k = 0 … floor(durationSec·rate) − 1 at k/rate (the media sampler's count; the 1e-6 absorbs float error), at least one. */
function videoFrameCount(durationSec: number, rate: number): number {
  return Math.max(1, Math.floor(durationSec * rate + 1e-6));
}

export function clipSizes(manifest: PackManifest, durationSec: number): ClipSizes {
  if (!Number.isFinite(durationSec) || durationSec <= 0) throw new RangeError(`clip duration must be positive, got ${durationSec} s`);
  const { sampleRate, latent, video, loudness } = manifest;
  const samples = Math.round(durationSec * sampleRate);
  const latentFrames = Math.floor(samples / latent.hop) + 1;
  return {
    durationSec,
    samples,
    latentFrames,
    latent: { count: latentFrames, rate: sampleRate / latent.hop, phase: 0 },
    visual: { count: videoFrameCount(durationSec, video.visualFps), rate: video.visualFps, phase: 0 },
    sync: { count: videoFrameCount(durationSec, video.syncFps), rate: video.syncFps, phase: 0 },
    curve: { count: Math.max(1, curvePointCount(samples, sampleRate, loudness.curveRate)), rate: loudness.curveRate, phase: 0.5 },
  };
}

export function padToMultiple(frames: number, multiple: number): number {
  return Math.ceil(frames / multiple) * multiple;
}

/**
 * Linear interpolation of row-major rows [from.count, dims] onto the times of grid `to`; times outside the source
 * grid take the nearest end row.
 */
export function resampleRows(source: Float32Array, dims: number, from: TimeGrid, to: TimeGrid): Float32Array {
  return resampleRowRange(source, dims, from, to, 0, to.count);
}

/**
 * Rows [start, start + count) of resampleRows(source, dims, from, to), rows past the end of `to` repeating its last
 * row as sliceRows pads: one window's rows without the whole clip on the finer grid in memory (sync features at the
 * latent rate are 13 MB for 10 minutes, 3.6× the same features at 24 fps).
 */
export function resampleRowRange(source: Float32Array, dims: number, from: TimeGrid, to: TimeGrid, start: number, count: number): Float32Array {
  if (source.length !== from.count * dims) throw new RangeError(`resampleRows: ${source.length} values is not ${from.count} rows × ${dims}`);
  if (count > 0 && to.count < 1) throw new RangeError('resampleRows: no rows to resample onto');
  const out = new Float32Array(count * dims);
  for (let j = 0; j < count; j++) {
    const i = Math.min(start + j, to.count - 1);
    const timeSec = (i + to.phase) / to.rate;
    const position = Math.min(Math.max(timeSec * from.rate - from.phase, 0), from.count - 1);
    const k0 = Math.floor(position);
    const k1 = Math.min(k0 + 1, from.count - 1);
    const w = position - k0;
    for (let d = 0; d < dims; d++) out[j * dims + d] = (1 - w) * source[k0 * dims + d]! + w * source[k1 * dims + d]!;
  }
  return out;
}

/**
 * Rows [start, start + count) of a row-major [rows, dims] array; rows past the end repeat the last row (padding a
 * window past the clip's end to the DiT's length multiple).
 */
export function sliceRows(source: Float32Array, dims: number, start: number, count: number): Float32Array {
  const rows = source.length / dims;
  if (rows === 0) throw new RangeError('sliceRows: no rows to read');
  if (start === 0 && count === rows) return source;
  const out = new Float32Array(count * dims);
  const available = Math.max(0, Math.min(count, rows - start));
  out.set(source.subarray(start * dims, (start + available) * dims));
  for (let i = available; i < count; i++) out.set(source.subarray((rows - 1) * dims, rows * dims), i * dims);
  return out;
}
