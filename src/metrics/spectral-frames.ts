/**
 * Framing shared by the real-clip scores (src/metrics/real-clip.ts): the channel mix and an STFT
 * with a 2048-sample periodic Hann window and no padding at the edges, so frame t covers samples
 * [t·hop, t·hop + 2048) and a signal shorter than one window has no frames.
 */
import { realFft } from '../dsp/fft';
import { periodicHann } from '../dsp/stft';

export const SCORE_WINDOW_SAMPLES = 2048;

/** Mean of the channels over their common length (the spec's "mono mix"). */
export function monoMix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  const length = Math.min(...channels.map((c) => c.length));
  const mono = new Float32Array(length);
  for (const c of channels) for (let i = 0; i < length; i++) mono[i]! += c[i]! / channels.length;
  return mono;
}

/** Power or magnitude spectra of un-padded frames, row-major [frames × bins], bins = 1025. */
export interface FrameSpectra {
  frames: number;
  bins: number;
  values: Float64Array;
}

export function frameSpectra(mono: Float32Array, hop: number, kind: 'magnitude' | 'power'): FrameSpectra {
  const n = SCORE_WINDOW_SAMPLES;
  const bins = n / 2 + 1;
  const frames = mono.length >= n ? Math.floor((mono.length - n) / hop) + 1 : 0;
  const fft = realFft(n);
  const window = periodicHann(n);
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  const values = new Float64Array(frames * bins);
  for (let t = 0; t < frames; t++) {
    fft.forwardWindowed(mono, t * hop, window, re, im, 0);
    for (let k = 0; k < bins; k++) {
      const power = re[k]! * re[k]! + im[k]! * im[k]!;
      values[t * bins + k] = kind === 'power' ? power : Math.sqrt(power);
    }
  }
  return { frames, bins, values };
}
