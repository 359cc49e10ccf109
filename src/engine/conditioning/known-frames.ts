/**
 * Known-frame conditioning (docs/model-pack.md, "Known frames"): latent frames the DiT is given rather than asked
 * for, one mechanism behind three features:
 * - reference continuation: a reference recording's latent is placed before the window (kind "reference"), so the
 *   window continues its sound — the timbre comes from the recording itself, not from an embedding of it;
 * - long-form continuity: the frames a window shares with the window before it are known (kind "clip"), so each
 *   window continues the audio before it instead of starting from independent noise;
 * - region regenerate: everything outside the selected range is known (kind "clip").
 *
 * Pure functions over host arrays; generate.ts turns them into the DiT's `known` / `known_mask` inputs.
 */

import type { Latent } from '../../dsp/log-mel';

/** `known_mask` columns, in the pack's `conditioning.known.kinds` order. */
export const KNOWN_KINDS = ['clip', 'reference'] as const;

/** A reference prefix: its latent rows and their loudness rows ([frames, channels] in [0, 1]). */
export interface ReferencePrefix {
  latent: Latent;
  loudness: Float32Array;
}

/** Frames of the clip that are known, as clip-latent rows: `rows[j]` is clip frame `startFrame + j`. */
export interface KnownClipRows {
  startFrame: number;
  frames: number;
  dims: number;
  /** Row-major [frames × dims]. */
  data: Float32Array;
  /** 1 where row j is known; absent means every row is known. */
  mask?: Uint8Array;
}

/** Leading rows of a latent, as many as fit in `maxFrames` rounded down to the DiT's length multiple. */
export function referencePrefix(latent: Latent, loudness: Float32Array, channels: number, maxFrames: number, multiple: number): ReferencePrefix | null {
  const frames = Math.floor(Math.min(latent.frames, maxFrames) / multiple) * multiple;
  if (frames < multiple) return null;
  return {
    latent: { frames, dims: latent.dims, data: latent.data.slice(0, frames * latent.dims) },
    loudness: loudness.slice(0, frames * channels),
  };
}

export interface WindowKnown {
  /** Rows in front of the window's own frames (the reference prefix), 0 without one. */
  prefixFrames: number;
  /** [prefixFrames + windowFrames, dims]: known values, 0 elsewhere. */
  known: Float32Array;
  /** [prefixFrames + windowFrames, 2]: KNOWN_KINDS columns. */
  mask: Float32Array;
  /** Window frames (0-based, after the prefix) taken from the clip's known rows. */
  knownClipFrames: number;
}

/**
 * The DiT's known inputs for one window of `windowFrames` (padded) frames starting at clip frame `windowStart`:
 * the reference prefix first, then every known clip row that falls inside the window.
 */
export function windowKnown(
  windowStart: number,
  windowFrames: number,
  dims: number,
  prefix: ReferencePrefix | null,
  clipRows: readonly KnownClipRows[],
): WindowKnown {
  const prefixFrames = prefix?.latent.frames ?? 0;
  const total = prefixFrames + windowFrames;
  const known = new Float32Array(total * dims);
  const mask = new Float32Array(total * KNOWN_KINDS.length);
  if (prefix) {
    known.set(prefix.latent.data.subarray(0, prefixFrames * dims));
    for (let j = 0; j < prefixFrames; j++) mask[j * 2 + 1] = 1;
  }
  let knownClipFrames = 0;
  for (const rows of clipRows) {
    if (rows.dims !== dims) throw new RangeError(`known rows have ${rows.dims} dims, the latent has ${dims}`);
    const first = Math.max(windowStart, rows.startFrame);
    const end = Math.min(windowStart + windowFrames, rows.startFrame + rows.frames);
    for (let frame = first; frame < end; frame++) {
      const j = frame - rows.startFrame;
      if (rows.mask && !rows.mask[j]) continue;
      const row = prefixFrames + frame - windowStart;
      if (mask[row * 2] === 0) knownClipFrames++;
      known.set(rows.data.subarray(j * dims, (j + 1) * dims), row * dims);
      mask[row * 2] = 1;
    }
  }
  return { prefixFrames, known, mask, knownClipFrames };
}

/** Writes the known clip rows back over a window's generated latent (rows after the prefix), so given frames stay exact. */
export function restoreKnown(latent: Float32Array, frames: number, dims: number, window: WindowKnown): void {
  for (let j = 0; j < frames; j++) {
    const row = window.prefixFrames + j;
    if (window.mask[row * 2] === 1) latent.set(window.known.subarray(row * dims, (row + 1) * dims), j * dims);
  }
}
