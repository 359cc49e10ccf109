/** The generated track's own momentary-loudness curve at the pack's curve rate, computed once per track. */

import { momentaryLoudnessCurve } from '../dsp/loudness-curve';
import type { GeneratedTrack } from './store/state';

const cache = new WeakMap<GeneratedTrack, Float32Array[]>();

export function measuredCurveLufs(track: GeneratedTrack, curveRate: number): Float32Array[] {
  let curve = cache.get(track);
  if (!curve) {
    curve = momentaryLoudnessCurve(track.channels, track.sampleRate, { rate: curveRate }).channels;
    cache.set(track, curve);
  }
  return curve;
}
