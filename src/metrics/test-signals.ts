/** Analytic test audio for the metric tests (16 kHz): decaying noise bursts at known times over a faint floor. */
import { Prng } from '../dsp/prng';

export const RATE = 16_000;

export function bursts(timesSec: readonly number[], durationSec: number, seed = 3, channels = 2): Float32Array[] {
  const prng = new Prng(seed);
  const audio = Array.from({ length: channels }, () => Float32Array.from({ length: Math.round(durationSec * RATE) }, () => 1e-4 * prng.nextGaussian()));
  for (const t of timesSec) {
    const start = Math.round(t * RATE);
    for (let i = 0; i < 1600 && start + i < audio[0]!.length; i++) {
      const burst = 0.5 * Math.exp(-i / 250) * prng.nextGaussian();
      for (const channel of audio) channel[start + i]! += burst;
    }
  }
  return audio;
}

export function sine(frequencyHz: number, durationSec: number, amplitude: (tSec: number) => number = () => 1): Float32Array {
  return Float32Array.from({ length: Math.round(durationSec * RATE) }, (_, i) => amplitude(i / RATE) * Math.sin((2 * Math.PI * frequencyHz * i) / RATE));
}
