/**
 * Loudness shaping (dsp/loudness-shaping.ts) of a clip that arrives as a stream of chunks, in blocks, so the
 * memory it needs does not grow with the clip's length (issue 9: flat memory).
 *
 * Shaping needs only the target curve and the audio near each point: a curve point measures a 400 ms window, and
 * the solver's gain knots reach a few points further. So block j — the curve points [jP, (j + 1)P) — is shaped
 * together with MARGIN points of audio on each side, which are shaped again (and kept) by the neighbouring block.
 * The solves of neighbouring blocks are independent and their gains differ slightly at the boundary, so the first
 * FADE points of block j + 1 are a linear crossfade from block j's output over the same samples to its own: both
 * are the same audio under two smooth gains, so the blend is the audio under a gain that moves between them,
 * without a step (a gain step would be an audible click and a jump in the 10 ms energy).
 *
 * A clip of at most one block is shaped in one piece, exactly as shapeLoudness on the whole clip.
 */

import { curvePointCount, resampleCurve } from '../../dsp/loudness-curve';
import { shapeLoudness } from '../../dsp/loudness-shaping';
import type { AudioChunk } from './long-form';

/** Curve points per block: 20 s at 6 points/s; the margins then add 15 % work. */
export const BLOCK_POINTS = 120;
/** Points shaped on each side of a block and dropped: 1 s at 6 points/s, > 2 × the 400 ms window. */
export const MARGIN_POINTS = 6;
/** Points at the start of each block crossfaded from the block before. */
export const FADE_POINTS = 3;

export interface LoudnessStreamOptions {
  sampleRate: number;
  /** Samples of the whole clip; chunks must cover [0, totalSamples) in order. */
  totalSamples: number;
  /** Points per second and momentary window, seconds, of `targetLufs`. */
  rate: number;
  windowSec: number;
  /** Target per channel (one curve drives every channel), any point count: resampled to the clip's. */
  targetLufs: readonly (readonly number[])[];
  channels: number;
  /** Curve points per block (tests use small blocks). */
  blockPoints?: number;
  /**
   * Applied to each shaped block, margins included (the audio prompt's match, decoding/reference-match.ts): it sees
   * the audio at the curve's levels and must keep the loudness of every window; returns new arrays of the same lengths.
   */
  refine?: (shaped: Float32Array[]) => Float32Array[];
}

export class LoudnessStream {
  private readonly points: number;
  private readonly targets: Float32Array[];
  private readonly blockPoints: number;
  /** Unshaped audio: clip samples [bufferStart, bufferStart + buffer[c].length). */
  private buffer: Float32Array[];
  private bufferStart = 0;
  /** The next block to shape. */
  private block = 0;
  /** The previous block's output over the first FADE points of `block`. */
  private carry: Float32Array[] | null = null;

  constructor(
    private readonly options: LoudnessStreamOptions,
    private readonly emit: (chunk: AudioChunk) => void | Promise<void>,
  ) {
    const { totalSamples, sampleRate, rate, targetLufs, channels } = options;
    this.points = curvePointCount(totalSamples, sampleRate, rate);
    this.targets = Array.from({ length: channels }, (_, c) => {
      const curve = Float32Array.from(targetLufs[Math.min(c, targetLufs.length - 1)]!);
      return curve.length === this.points ? curve : resampleCurve(curve, this.points);
    });
    this.blockPoints = options.blockPoints ?? BLOCK_POINTS;
    this.buffer = Array.from({ length: channels }, () => new Float32Array(0));
  }

  /** First sample of curve point k (points may span a fractional number of samples). */
  private sampleAt(point: number): number {
    return Math.min(this.options.totalSamples, Math.round((point * this.options.sampleRate) / this.options.rate));
  }

  async push(chunk: AudioChunk): Promise<void> {
    const end = this.bufferStart + this.buffer[0]!.length;
    if (chunk.startSample !== end) throw new RangeError(`loudness stream: a chunk starts at sample ${chunk.startSample}, expected ${end}`);
    this.buffer = this.buffer.map((held, c) => {
      const joined = new Float32Array(held.length + chunk.channels[c]!.length);
      joined.set(held);
      joined.set(chunk.channels[c]!, held.length);
      return joined;
    });
    await this.shapeReady(false);
  }

  /** Shapes and hands on the rest; the chunks must have covered the whole clip. */
  async finish(): Promise<void> {
    const end = this.bufferStart + this.buffer[0]!.length;
    if (end !== this.options.totalSamples) throw new RangeError(`loudness stream: got ${end} of ${this.options.totalSamples} samples`);
    await this.shapeReady(true);
  }

  private async shapeReady(final: boolean): Promise<void> {
    const held = () => this.bufferStart + this.buffer[0]!.length;
    while (this.block * this.blockPoints < this.points) {
      const core = this.block * this.blockPoints;
      const coreEnd = Math.min(this.points, core + this.blockPoints);
      const last = coreEnd === this.points;
      const outEnd = last ? coreEnd : coreEnd + FADE_POINTS;
      const first = Math.max(0, core - MARGIN_POINTS);
      const end = Math.min(this.points, outEnd + MARGIN_POINTS);
      if (!final && held() < this.sampleAt(end)) return;
      await this.shapeBlock(first, core, coreEnd, outEnd, end);
      this.block++;
    }
  }

  private async shapeBlock(first: number, core: number, coreEnd: number, outEnd: number, end: number): Promise<void> {
    const { sampleRate, rate, windowSec } = this.options;
    const from = this.sampleAt(first);
    const to = this.sampleAt(end);
    const audio = this.buffer.map((c) => c.subarray(from - this.bufferStart, to - this.bufferStart));
    const count = curvePointCount(to - from, sampleRate, rate);
    const target = { rate, windowSec, unit: 'LUFS' as const, channels: this.targets.map((t) => t.subarray(first, Math.min(this.points, first + count))) };
    const solved = shapeLoudness(audio, sampleRate, target).channels;
    const shaped = this.options.refine ? this.options.refine(solved) : solved;
    const coreStart = this.sampleAt(core) - from;
    const emitEnd = this.sampleAt(coreEnd) - from;
    const out = shaped.map((c) => c.slice(coreStart, emitEnd));
    if (this.carry) {
      const carry = this.carry;
      out.forEach((channel, c) => {
        const n = Math.min(carry[c]!.length, channel.length);
        for (let i = 0; i < n; i++) {
          const w = (i + 0.5) / n;
          channel[i] = (1 - w) * carry[c]![i]! + w * channel[i]!;
        }
      });
    }
    this.carry = outEnd > coreEnd ? shaped.map((c) => c.slice(emitEnd, this.sampleAt(outEnd) - from)) : null;
    // The next block starts MARGIN points before its core: keep the audio from there on.
    const keepFrom = this.sampleAt(Math.max(0, coreEnd - MARGIN_POINTS));
    this.buffer = this.buffer.map((c) => c.slice(keepFrom - this.bufferStart));
    this.bufferStart = keepFrom;
    await this.emit({ startSample: this.sampleAt(core), channels: out });
  }
}
