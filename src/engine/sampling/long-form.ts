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

/** Equal-power gain at position `i` of an `n`-sample fade-in (sin ramp; the matching fade-out is the cos ramp). */
function fadeInGain(i: number, n: number): number {
  return Math.sin((Math.PI / 2) * ((i + 0.5) / n));
}

/** Adds one decoded window into the clip-length output, applying its fade-in and fade-out ramps. */
export function mixWindow(output: Float32Array[], window: AudioWindow, audio: Float32Array[]): void {
  output.forEach((out, c) => {
    const source = audio[c];
    if (source.length !== window.lengthSamples) throw new RangeError(`window ${window.index} has ${source.length} samples, expected ${window.lengthSamples}`);
    for (let i = 0; i < window.lengthSamples; i++) {
      let gain = 1;
      if (i < window.fadeInSamples) gain = fadeInGain(i, window.fadeInSamples);
      const tail = window.lengthSamples - 1 - i;
      if (tail < window.fadeOutSamples) gain *= fadeInGain(tail, window.fadeOutSamples);
      out[window.startSample + i] += gain * source[i];
    }
  });
}
