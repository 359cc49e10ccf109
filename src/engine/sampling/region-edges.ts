/**
 * The spectral envelope of a regenerated region made continuous with the take at its edges, in the latent (log-mel)
 * domain before decoding.
 *
 * Why: foley-tiny follows its known frames only loosely, so the frames it generates next to them start with another
 * spectral balance than the take right beside them (bench/region-seams.ts, 4–6 s of a 12 s clip: the generated
 * latent's first 0.3 s sits 0–30 dB under the take's last 0.3 s, most in the upper bands). That step is the seam:
 * decoding the take and the region in one Griffin-Lim pass (one phase throughout) measures the same edge change
 * as decoding the region alone, longer or differently shaped crossfades barely move it, and loudness shaping (a
 * broadband gain, smooth over 0.4 s) cannot undo a per-band step.
 *
 * What: as in gradient-domain (Poisson) blending, the region keeps its own changes from frame to frame and is offset
 * so that its values meet the take's at each edge: per latent dimension (mel band of a channel), the difference
 * between the take's mean over EDGE_MATCH_SEC beside the edge and the region's mean over as long just inside it,
 * faded out linearly over at most EDGE_RAMP_SEC into the region (a region up to twice that long is offset by the
 * straight line between its two edges' differences). Only generated frames move: the take's frames stay exact.
 */

import type { Latent } from '../../dsp/log-mel';

/** How much latent on each side of an edge its mean is taken over, seconds (shorter than the 0.5 s the seam measure compares). */
export const EDGE_MATCH_SEC = 0.3;
/** How far into the region an edge's offset reaches before it has faded out, seconds. */
export const EDGE_RAMP_SEC = 2;

/** A window's generated latent, [frames × dims] row-major; row j is clip frame startFrame + j. */
export interface WindowLatent {
  startFrame: number;
  frames: number;
  latent: Float32Array;
}

/** Clip frames [first, end) that the region's windows generate (the rest of the take is known or outside them). */
export interface GeneratedSpan {
  first: number;
  end: number;
}

/** Mean of each dimension over clip frames [from, to), each frame read by `row`. */
function meanRows(row: (frame: number) => Float32Array, from: number, to: number, dims: number): Float64Array {
  const mean = new Float64Array(dims);
  for (let f = from; f < to; f++) {
    const values = row(f);
    for (let d = 0; d < dims; d++) mean[d]! += values[d]! / (to - from);
  }
  return mean;
}

/**
 * Offsets, in place, every window row inside `span` so that the region's per-dimension means meet the take's at
 * both edges. `take` is the whole take's latent (clip frames); an edge at the clip's start or end has no take
 * beside it and is left alone. Rows several windows share get the same offset, so overlaps stay consistent.
 */
export function matchRegionEdges(windows: readonly WindowLatent[], take: Latent, span: GeneratedSpan, frameRate: number): void {
  const { dims } = take;
  const count = span.end - span.first;
  if (count <= 0 || windows.length === 0) return;
  const generatedRow = (frame: number): Float32Array => {
    const window = windows.find((w) => frame >= w.startFrame && frame < w.startFrame + w.frames);
    if (!window) throw new RangeError(`clip frame ${frame} of the region is in none of its windows`);
    const j = frame - window.startFrame;
    return window.latent.subarray(j * dims, (j + 1) * dims);
  };
  const takeRow = (frame: number) => take.data.subarray(frame * dims, (frame + 1) * dims);
  const width = Math.max(1, Math.min(count, Math.round(EDGE_MATCH_SEC * frameRate)));
  const difference = (takeFrom: number, takeTo: number, ownFrom: number, ownTo: number): Float64Array | null => {
    if (takeTo <= takeFrom) return null;
    const theirs = meanRows(takeRow, takeFrom, takeTo, dims);
    const ours = meanRows(generatedRow, ownFrom, ownTo, dims);
    return theirs.map((v, d) => v - ours[d]!);
  };
  const atStart = difference(Math.max(0, span.first - width), span.first, span.first, span.first + width);
  const atEnd = difference(span.end, Math.min(take.frames, span.end + width), span.end - width, span.end);
  if (!atStart && !atEnd) return;
  const ramp = Math.max(1, Math.min(count, Math.round(EDGE_RAMP_SEC * frameRate)));
  const offset = new Float32Array(dims);
  const offsetAt = (frame: number): Float32Array => {
    const x = frame - span.first + 0.5;
    const fromStart = atStart ? Math.max(0, 1 - x / ramp) : 0;
    const fromEnd = atEnd ? Math.max(0, 1 - (count - x) / ramp) : 0;
    for (let d = 0; d < dims; d++) offset[d] = fromStart * (atStart?.[d] ?? 0) + fromEnd * (atEnd?.[d] ?? 0);
    return offset;
  };
  for (const window of windows) {
    const first = Math.max(span.first, window.startFrame);
    const end = Math.min(span.end, window.startFrame + window.frames);
    for (let frame = first; frame < end; frame++) {
      const add = offsetAt(frame);
      const base = (frame - window.startFrame) * dims;
      for (let d = 0; d < dims; d++) window.latent[base + d]! += add[d]!;
    }
  }
}
