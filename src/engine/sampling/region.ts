/**
 * Region regenerate: a new take of [startSec, endSec) of an existing take. The DiT sees everything outside the range
 * as known frames (known-frames.ts) and generates only windows around the range, whose latent is then offset to meet
 * the take's at the edges (region-edges.ts); the returned audio is the old take outside the range, sample for sample,
 * joined to the new audio by short equal-power crossfades at the edges.
 * With a pack without known-frame conditioning the same windows are generated freely and spliced the same way.
 */

import type { Latent, LogMelParams } from '../../dsp/log-mel';
import type { KnownClipRows } from '../conditioning/known-frames';
import { planWindows, type AudioWindow, type WindowPlanInput } from './long-form';
import type { PackManifest } from '../pack/manifest';
import type { GenerateOptions } from '../host/protocol';
import type { ClipSizes } from './sequence';
import type { GeneratedSpan } from './region-edges';

export type Region = NonNullable<GenerateOptions['region']>;

/** Crossfade at each edge of the region, in seconds (short: the seam is inside what the user asked to change). */
export const REGION_FADE_SEC = 0.05;

export class RegionError extends Error {
  override name = 'RegionError';
}

/** Refuses a region or take that cannot be regenerated, with a reason a user can act on. */
export function checkRegion(region: Region, manifest: PackManifest, sizes: ClipSizes): void {
  const { startSec, endSec, take } = region;
  const frameSec = manifest.latent.hop / manifest.sampleRate;
  if (!Number.isFinite(startSec) || !Number.isFinite(endSec)) throw new RegionError('the region to regenerate needs a numeric start and end');
  if (startSec < 0 || endSec > sizes.durationSec + 1e-6 || startSec >= endSec) {
    throw new RegionError(`the region ${startSec.toFixed(3)}–${endSec.toFixed(3)} s is outside the clip (0–${sizes.durationSec.toFixed(3)} s)`);
  }
  if (endSec - startSec < frameSec) {
    throw new RegionError(`the region is ${((endSec - startSec) * 1000).toFixed(1)} ms long; it must be at least one latent frame (${(frameSec * 1000).toFixed(1)} ms)`);
  }
  if (take.sampleRate !== manifest.sampleRate || take.channels.length !== manifest.channels || take.channels.some((c) => c.length !== sizes.samples)) {
    throw new RegionError('the take to regenerate a region of does not match this clip (length, rate or channels); generate a full take first');
  }
}

/** Windows covering the region plus up to `overlapSec` of context on each side, in clip samples on hop multiples. */
export function planRegionWindows(region: Region, sizes: ClipSizes, plan: Omit<WindowPlanInput, 'totalSamples'>): AudioWindow[] {
  const { sampleRate, hop, overlapSec } = plan;
  const first = Math.max(0, Math.floor(((region.startSec - overlapSec) * sampleRate) / hop) * hop);
  const end = Math.min(sizes.samples, Math.ceil((region.endSec + overlapSec) * sampleRate));
  return planWindows({ ...plan, totalSamples: end - first }).map((w) => ({ ...w, startSample: w.startSample + first }));
}

/**
 * The clip frames a region's windows generate: frames whose analysis window reaches into the region are not taken
 * from the take, so the region's old sound does not leak in.
 */
export function regionSpan(region: Region, manifest: PackManifest, frames: number): GeneratedSpan {
  const rate = manifest.sampleRate / manifest.latent.hop;
  const reach = manifest.latent.nFft / 2 / manifest.latent.hop;
  return { first: Math.max(0, Math.floor(region.startSec * rate - reach)), end: Math.min(frames, Math.ceil(region.endSec * rate + reach)) };
}

/** The take's latent, for regionRows and matchRegionEdges (region-edges.ts). */
export function takeLatent(region: Region, manifest: PackManifest, toLatent: (channels: Float32Array[], p: LogMelParams) => Latent): Latent {
  return toLatent(region.take.channels, { ...manifest.latent, sampleRate: manifest.sampleRate });
}

/** The take's latent with every frame outside the region's generated span marked known. */
export function regionRows(region: Region, manifest: PackManifest, latent: Latent): KnownClipRows {
  const { first, end } = regionSpan(region, manifest, latent.frames);
  const mask = new Uint8Array(latent.frames).fill(1);
  mask.fill(0, first, end);
  return { startFrame: 0, frames: latent.frames, dims: latent.dims, data: latent.data, mask };
}

function fadeGain(i: number, n: number): number {
  return Math.sin((Math.PI / 2) * ((i + 0.5) / n));
}

/**
 * The take with [start, end) replaced by the generated audio: `generated` holds the mixed windows (zero outside
 * them); `shape` makes it follow the loudness curve, which it does over the take outside the windows so the level
 * of the new audio is judged in its surroundings.
 */
export function spliceRegion(
  region: Region,
  generated: Float32Array[],
  windows: readonly AudioWindow[],
  sampleRate: number,
  shape: (audio: Float32Array[]) => Float32Array[],
): Float32Array[] {
  const spanStart = windows[0]!.startSample;
  const last = windows[windows.length - 1]!;
  const spanEnd = last.startSample + last.lengthSamples;
  const filled = region.take.channels.map((take, c) => {
    const out = Float32Array.from(take);
    out.set(generated[c]!.subarray(spanStart, spanEnd), spanStart);
    return out;
  });
  const shaped = shape(filled);
  const fade = Math.max(1, Math.round(REGION_FADE_SEC * sampleRate));
  const start = Math.round(region.startSec * sampleRate);
  const end = Math.round(region.endSec * sampleRate);
  return region.take.channels.map((take, c) => {
    const out = Float32Array.from(take);
    const fresh = shaped[c]!;
    const from = Math.max(spanStart, start - fade);
    const to = Math.min(spanEnd, end + fade);
    for (let i = from; i < to; i++) {
      // Equal-power ramps: in over [start − fade, start), out over [end, end + fade); the old and new audio are
      // unrelated in phase, so the summed power stays flat across each seam.
      const inGain = i < start ? fadeGain(i - (start - fade), fade) : i >= end ? fadeGain(end + fade - 1 - i, fade) : 1;
      const outGain = Math.sqrt(Math.max(0, 1 - inGain * inGain));
      out[i] = inGain * fresh[i]! + outGain * take[i]!;
    }
    return out;
  });
}
