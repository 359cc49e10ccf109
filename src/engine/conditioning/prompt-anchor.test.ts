import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyGain, levelOffset, matchLevels, percentile, spectrumGain } from './prompt-anchor';

/** Inputs and answers written by training/foley/prompt_anchor.py (python -m foley.prompt_anchor). */
const fixture = JSON.parse(readFileSync(new URL('../../../training/fixtures/prompt-anchor.json', import.meta.url), 'utf8')) as {
  channels: number;
  nMels: number;
  std: number;
  generated: number[][];
  prompt: number[][];
  gain: number[];
  predictedLufs: number[][];
  promptLufs: number[][];
  levelOffset: number;
  matchedLufs: number[][];
};

const latent = (rows: number[][]) => ({ frames: rows.length, dims: rows[0]!.length, data: Float32Array.from(rows.flat()) });

describe('prompt anchoring', () => {
  it('computes the same per-band gain and level offset as the Python evaluation', () => {
    const gain = spectrumGain(latent(fixture.generated), latent(fixture.prompt), fixture.channels, fixture.nMels, fixture.std);
    expect(gain.length).toBe(fixture.gain.length);
    gain.forEach((value, i) => expect(value).toBeCloseTo(fixture.gain[i]!, 5));
    expect(levelOffset(fixture.predictedLufs, fixture.promptLufs)).toBeCloseTo(fixture.levelOffset, 9);
    const matched = matchLevels(fixture.predictedLufs, fixture.promptLufs);
    expect(matched.map((row) => row.length)).toEqual(fixture.matchedLufs.map((row) => row.length));
    matched.flat().forEach((value, i) => expect(value).toBeCloseTo(fixture.matchedLufs.flat()[i]!, 9));
  });

  it('gives the predicted curve the prompt\'s levels in the predicted order', () => {
    // A rising then falling curve over a prompt with a quiet bed (−50) under loud hits (−20): the quietest third of
    // the curve goes to the bed, the loudest to the hits, and the order in time stays the curve's.
    const predicted = [[-40, -35, -30, -25, -30, -35]];
    const prompt = [[-50, -50, -50, -20, -20, -20]];
    const matched = matchLevels(predicted, prompt)[0]!;
    expect(matched[0]).toBe(-50);
    expect(matched[3]).toBe(-20);
    for (let i = 1; i < 4; i++) expect(matched[i]!).toBeGreaterThanOrEqual(matched[i - 1]!);
    expect(matched[1]).toBe(matched[5]);
    // A flat curve (a still picture) takes the prompt's median everywhere, not its extremes.
    expect(matchLevels([[-30, -30, -30]], [[-60, -40, -10]])).toEqual([[-40, -40, -40]]);
  });

  it('leaves a latent whose spectrum already matches unchanged, and adds the gain to every frame', () => {
    const same = latent(fixture.prompt);
    expect(Math.max(...spectrumGain(same, same, fixture.channels, fixture.nMels, fixture.std).map(Math.abs))).toBeLessThan(1e-6);
    const data = new Float32Array(6);
    applyGain(data, Float32Array.of(1, -2, 3));
    expect(Array.from(data)).toEqual([1, -2, 3, 1, -2, 3]);
  });

  it('takes percentiles by linear interpolation, like numpy', () => {
    expect(percentile([3, 1, 2, 4], 50)).toBe(2.5);
    expect(percentile([...Array(9).fill(-60), -30], 90)).toBeCloseTo(-57, 10);
  });
});
