import { describe, expect, it } from 'vitest';
import { momentaryLoudnessCurve } from '../../dsp/loudness-curve';
import { shapeLoudness } from '../../dsp/loudness-shaping';
import { Prng } from '../../dsp/prng';
import type { AudioChunk } from './long-form';
import { LoudnessStream } from './loudness-stream';

const SAMPLE_RATE = 8000;
const RATE = 6;
const WINDOW_SEC = 0.4;

/** Noise whose level wanders (bursts over a bed), two channels. */
function programme(seconds: number): Float32Array[] {
  const prng = new Prng(3);
  return [0, 1].map((c) => {
    const x = prng.fillGaussian(new Float32Array(seconds * SAMPLE_RATE));
    return x.map((v, n) => v * (0.02 + 0.3 * Math.exp(-((n / SAMPLE_RATE + c * 0.3) % 1.3) * 5)));
  });
}

/** A target that rises and falls between −40 and −20 LUFS. */
function targetFor(seconds: number): number[][] {
  const points = Math.ceil(seconds * RATE);
  return [Array.from({ length: points }, (_, k) => -30 + 10 * Math.sin(k / 9))];
}

async function streamed(
  audio: Float32Array[],
  target: number[][],
  chunkSamples: number,
  blockPoints: number,
  refine?: (block: Float32Array[]) => Float32Array[],
): Promise<{ out: Float32Array[]; chunks: AudioChunk[] }> {
  const total = audio[0]!.length;
  const out = audio.map(() => new Float32Array(total));
  const chunks: AudioChunk[] = [];
  const stream = new LoudnessStream({ sampleRate: SAMPLE_RATE, totalSamples: total, rate: RATE, windowSec: WINDOW_SEC, targetLufs: target, channels: 2, blockPoints, refine }, (chunk) => {
    chunks.push(chunk);
    chunk.channels.forEach((c, i) => out[i]!.set(c, chunk.startSample));
  });
  for (let at = 0; at < total; at += chunkSamples) await stream.push({ startSample: at, channels: audio.map((c) => c.slice(at, at + chunkSamples)) });
  await stream.finish();
  return { out, chunks };
}

describe('LoudnessStream', () => {
  it('equals shapeLoudness on the whole clip when the clip fits one block', async () => {
    const audio = programme(6);
    const target = targetFor(6);
    const { out } = await streamed(audio, target, 3000, 120);
    const whole = shapeLoudness(audio, SAMPLE_RATE, { rate: RATE, windowSec: WINDOW_SEC, unit: 'LUFS', channels: [Float32Array.from(target[0]!), Float32Array.from(target[0]!)] }).channels;
    expect(Array.from(out[0]!)).toEqual(Array.from(whole[0]!));
  });

  it('hands on what `refine` makes of each shaped block: the whole clip in one block as shaped then refined', async () => {
    const audio = programme(6);
    const target = targetFor(6);
    const refine = (block: Float32Array[]) => block.map((c, i) => c.map((v, n) => (i === 0 && n < SAMPLE_RATE ? v : 0)));
    const { out } = await streamed(audio, target, 3000, 120, refine);
    const curve = { rate: RATE, windowSec: WINDOW_SEC, unit: 'LUFS' as const, channels: [Float32Array.from(target[0]!), Float32Array.from(target[0]!)] };
    const whole = refine(shapeLoudness(audio, SAMPLE_RATE, curve).channels);
    expect(Array.from(out[0]!)).toEqual(Array.from(whole[0]!));
    expect(out[1]!.every((v) => v === 0)).toBe(true);
  });

  it('shapes a long clip in blocks that follow the curve (mean error < 0.5 LU) with the gain moving less across block edges than on average', async () => {
    const seconds = 40;
    const audio = programme(seconds);
    const target = targetFor(seconds);
    const { out, chunks } = await streamed(audio, target, 4321, 30);
    expect(chunks.length).toBe(8);
    const achieved = momentaryLoudnessCurve(out, SAMPLE_RATE, { rate: RATE, windowSec: WINDOW_SEC }).channels[0]!;
    const error = achieved.reduce((s, v, k) => s + Math.abs(v - target[0]![k]!), 0) / achieved.length;
    expect(error).toBeLessThan(0.5);
    // The gain applied (output ÷ input, in dB over 10 ms) moves no more across a block edge than elsewhere.
    const gainDb = (at: number) => {
      let num = 0;
      let den = 0;
      for (let i = at; i < at + 80; i++) {
        num += out[0]![i]! ** 2;
        den += audio[0]![i]! ** 2;
      }
      return 10 * Math.log10(num / den);
    };
    const meanStep = (at: number[]) => at.reduce((sum, n) => sum + Math.abs(gainDb(n) - gainDb(n - 80)), 0) / at.length;
    const blockEdges = chunks.slice(1).map((c) => c.startSample);
    const blend = Math.round((3 / RATE) * SAMPLE_RATE);
    const elsewhere = Array.from({ length: Math.floor(out[0]!.length / 80) - 2 }, (_, k) => 80 * (k + 1));
    expect(meanStep([...blockEdges, ...blockEdges.map((n) => n + blend)])).toBeLessThan(meanStep(elsewhere));
  });

  it('refuses chunks out of order and a stream that ends early', async () => {
    const stream = new LoudnessStream({ sampleRate: SAMPLE_RATE, totalSamples: 8000, rate: RATE, windowSec: WINDOW_SEC, targetLufs: [[-20]], channels: 1 }, () => undefined);
    await expect(stream.push({ startSample: 10, channels: [new Float32Array(10)] })).rejects.toThrow(/expected 0/);
    await stream.push({ startSample: 0, channels: [new Float32Array(100)] });
    await expect(stream.finish()).rejects.toThrow(/100 of 8000/);
  });
});
