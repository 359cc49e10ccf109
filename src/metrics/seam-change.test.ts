import { describe, expect, it } from 'vitest';
import { Prng } from '../dsp/prng';
import { energyJumpDb, melDb, regionSeams, spectralChangeDb } from './seam-change';
import { RATE, sine } from './test-signals';

const DURATION_SEC = 4;
const REGION = { startSec: 1.5, endSec: 2.5 };
const FADE_SEC = 0.05;

function noise(seed: number, gain = 0.1): Float32Array {
  const prng = new Prng(seed);
  return Float32Array.from({ length: DURATION_SEC * RATE }, () => gain * prng.nextGaussian());
}

/** `outside` with [REGION) replaced by `inside`, joined by hard cuts. */
function spliced(outside: Float32Array, inside: Float32Array): Float32Array {
  const out = Float32Array.from(outside);
  const [from, to] = [REGION.startSec * RATE, REGION.endSec * RATE];
  out.set(inside.subarray(from, to), from);
  return out;
}

describe('seam measures', () => {
  it('spectral change: 0 dB inside a steady tone, the band difference across a switch of pitch', () => {
    const a = sine(440, DURATION_SEC);
    const b = sine(3000, DURATION_SEC);
    const mel = melDb([spliced(a, b)], RATE);
    expect(spectralChangeDb(mel, 0.7, 0.75)).toBeLessThan(0.1);
    expect(spectralChangeDb(mel, REGION.startSec - 0.05, REGION.startSec)).toBeGreaterThan(5);
  });

  it('energy jump: about 20 dB at a 20 dB step in the level of white noise, about 0 dB inside it', () => {
    const quiet = noise(1, 0.01);
    const loud = noise(2, 0.1);
    const audio = [spliced(quiet, loud)];
    expect(energyJumpDb(audio, RATE, REGION.startSec)).toBeCloseTo(20, 0);
    expect(energyJumpDb(audio, RATE, 0.8)).toBeLessThan(1.5);
  });

  it('a region of the same sound has no seam (ratio near 1); a region of another sound stands out at its edges', () => {
    const same = regionSeams([spliced(noise(1), noise(2))], RATE, REGION, FADE_SEC);
    expect(same.elsewherePoints).toBeGreaterThan(2);
    expect(same.changeRatio).toBeGreaterThan(0.5);
    expect(same.changeRatio).toBeLessThan(1.6);
    const other = regionSeams([spliced(noise(1), sine(1000, DURATION_SEC, () => 0.3))], RATE, REGION, FADE_SEC);
    expect(other.changeRatio).toBeGreaterThan(5);
  });
});
