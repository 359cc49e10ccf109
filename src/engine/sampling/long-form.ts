/**
 * Long videos are generated in overlapping windows no longer than the DiT's native `sampler.windowSec`; each window
 * knows where it sits (the DiT's `timing` input) and neighbours are joined by an equal-power crossfade of the
 * decoded audio over `sampler.overlapSec`.
 *
 * Why decoded audio and not latents: windows are sampled from independent noise, so their audio is uncorrelated in
 * the overlap, and for uncorrelated signals an equal-power fade (cos/sin gains, g_out² + g_in² = 1) keeps the
 * loudness flat across the seam, while a linear crossfade of log-mel latents would dip in the middle of it.
 * Decoding per window also lets audio stream out window by window with bounded memory.
 *
 * Window starts are multiples of the hop, so a window's latent frame j is the clip's latent frame start/hop + j and
 * the clip-level conditioning is sliced, not resampled.
 */

export interface AudioWindow {
  index: number;
  startSample: number;
  lengthSamples: number;
  /** Crossfade length with the previous window (0 for the first). */
  fadeInSamples: number;
  /** Crossfade length with the next window (0 for the last). */
  fadeOutSamples: number;
}

export interface WindowPlanInput {
  totalSamples: number;
  sampleRate: number;
  hop: number;
  windowSec: number;
  overlapSec: number;
}

/**
 * Splits [0, totalSamples) into the fewest windows of at most windowSec (+ one hop of rounding) with overlaps of
 * overlapSec rounded to whole hops, windows of near-equal length so none is a short sliver.
 */
export function planWindows({ totalSamples, sampleRate, hop, windowSec, overlapSec }: WindowPlanInput): AudioWindow[] {
  if (!(totalSamples > 0)) throw new RangeError(`planWindows: totalSamples must be positive, got ${totalSamples}`);
  const windowSamples = Math.round(windowSec * sampleRate);
  const overlap = Math.max(hop, Math.round((overlapSec * sampleRate) / hop) * hop);
  if (windowSamples <= 2 * overlap) throw new RangeError(`sampler.windowSec ${windowSec} s must exceed twice overlapSec ${overlapSec} s`);
  if (totalSamples <= windowSamples) return [{ index: 0, startSample: 0, lengthSamples: totalSamples, fadeInSamples: 0, fadeOutSamples: 0 }];
  const count = Math.ceil((totalSamples - overlap) / (windowSamples - overlap));
  const starts = Array.from({ length: count }, (_, k) => Math.round(((k * (totalSamples - overlap)) / count) / hop) * hop);
  return starts.map((startSample, k) => {
    const endSample = k === count - 1 ? totalSamples : starts[k + 1] + overlap;
    return {
      index: k,
      startSample,
      lengthSamples: endSample - startSample,
      fadeInSamples: k === 0 ? 0 : overlap,
      fadeOutSamples: k === count - 1 ? 0 : overlap,
    };
  });
}

/**
 * Overlap of neighbouring windows with long-form continuity, seconds, at most CONTINUITY_OVERLAP_SHARE of the
 * window: the next window knows this much of the one before, and the sound changes across the seam no more than
 * over as long a span inside a window (bench/seams.ts, 120 s: spectral-change ratio 1.68 with the packs' 1 s,
 * 0.87 with 2 s), for a third more windows at 5 s.
 */
export const CONTINUITY_OVERLAP_SEC = 2;
const CONTINUITY_OVERLAP_SHARE = 0.4;

/** The overlap generate() plans a whole clip's windows with: the pack's, longer with continuity. */
export function windowOverlapSec(packOverlapSec: number, windowSec: number, continuity: boolean): number {
  return continuity ? Math.max(packOverlapSec, Math.min(CONTINUITY_OVERLAP_SEC, CONTINUITY_OVERLAP_SHARE * windowSec)) : packOverlapSec;
}

/** Equal-power gain at position `i` of an `n`-sample fade-in (sin ramp; the matching fade-out is the cos ramp). */
function fadeInGain(i: number, n: number): number {
  return Math.sin((Math.PI / 2) * ((i + 0.5) / n));
}

/** The gain of sample `i` of a window: its fade-in ramp times its fade-out ramp. */
export function windowGain(window: AudioWindow, i: number): number {
  let gain = 1;
  if (i < window.fadeInSamples) gain = fadeInGain(i, window.fadeInSamples);
  const tail = window.lengthSamples - 1 - i;
  if (tail < window.fadeOutSamples) gain *= fadeInGain(tail, window.fadeOutSamples);
  return gain;
}

/** A run of finished clip audio: `channels[c][i]` is sample `startSample + i` of channel c. */
export interface AudioChunk {
  startSample: number;
  channels: Float32Array[];
}

/**
 * Mixes decoded windows given in window order and hands on each run of samples as soon as no later window can
 * add to it, so a clip of any length needs memory for about one window, not the clip (issue 9: flat memory).
 */
export class WindowMixer {
  /** Mixed audio not yet handed on: clip samples [pendingStart, pendingStart + pending[c].length). */
  private pending: Float32Array[] = [];
  private pendingStart = -1;

  constructor(private readonly emit: (chunk: AudioChunk) => void | Promise<void>) {}

  async push(window: AudioWindow, audio: readonly Float32Array[]): Promise<void> {
    audio.forEach((source) => {
      if (source.length !== window.lengthSamples) throw new RangeError(`window ${window.index} has ${source.length} samples, expected ${window.lengthSamples}`);
    });
    const start = this.pendingStart < 0 ? window.startSample : this.pendingStart;
    if (window.startSample < start || window.startSample > start + (this.pending[0]?.length ?? 0)) {
      throw new RangeError(`window ${window.index} starts at sample ${window.startSample}, not inside the mixed audio from ${start}: windows must come in order`);
    }
    const end = window.startSample + window.lengthSamples;
    const mixed = audio.map((source, c) => {
      const out = new Float32Array(Math.max(end, start + (this.pending[c]?.length ?? 0)) - start);
      if (this.pending[c]) out.set(this.pending[c]!);
      const offset = window.startSample - start;
      for (let i = 0; i < window.lengthSamples; i++) out[offset + i]! += windowGain(window, i) * source[i]!;
      return out;
    });
    // Samples before the fade-out are final: the next window starts no earlier than it.
    const final = end - window.fadeOutSamples - start;
    this.pending = mixed.map((c) => c.slice(final));
    this.pendingStart = start + final;
    if (final > 0) await this.emit({ startSample: start, channels: mixed.map((c) => c.subarray(0, final)) });
  }
}
