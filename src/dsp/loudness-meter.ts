/**
 * Loudness meter after ITU-R BS.1770-4 and EBU R 128 / Tech 3341 ("EBU Mode"), with LRA (Tech 3342) and
 * true peak (BS.1770 Annex 2). Streaming: feed planar blocks of any length with `addFrames`, read any measure
 * at any time. `measureLoudness` is the one-shot form for a whole file.
 *
 * Time base: everything advances in 100 ms steps of round(sampleRate / 10) samples; the momentary window is
 * 4 steps (400 ms), the short-term window 30 steps (3 s). Before the first sample the meter hears silence,
 * so momentary/short-term values exist from the first sample on (as on a live meter; libebur128 does the
 * same). Integrated loudness and LRA only use windows that lie entirely inside the fed audio.
 */
import { KWeightingState, kWeightingFilter } from './k-weighting';
import { loudnessRange, type LoudnessRange } from './loudness-range';
import { TruePeakState, linearToDbtp } from './true-peak';

/** Measures to compute. Like libebur128, each flag includes the flags it depends on. */
export const MeterMode = {
  /** Momentary loudness, 400 ms window. */
  momentary: 1,
  /** Short-term loudness, 3 s window. */
  shortTerm: 2 | 1,
  /** Gated integrated loudness: 400 ms blocks every 100 ms (75 % overlap, BS.1770-4), gates −70 LUFS / −10 LU. */
  integrated: 4 | 1,
  /** Loudness range from short-term values every 100 ms. */
  lra: 8 | 2 | 1,
  /** True peak per channel (4× oversampled). */
  truePeak: 16,
  all: 31,
} as const;

/** Loudspeaker position of a channel; it decides the channel's BS.1770 weight. */
export type ChannelRole =
  | 'mono' // one channel heard on one loudspeaker, G = 1.0
  | 'dualMono' // one channel reproduced on two loudspeakers (L = R), G = 2.0
  | 'left'
  | 'right'
  | 'centre'
  | 'lfe' // excluded, G = 0
  | 'leftSurround' // ±60°…120° azimuth, G = 1.41
  | 'rightSurround'
  | 'leftBack' // ±120°…180°, G = 1.0 (BS.1770-4 Table 3)
  | 'rightBack'
  | 'backCentre'
  | 'unused';

const ROLE_WEIGHTS: Record<ChannelRole, number> = {
  mono: 1,
  dualMono: 2,
  left: 1,
  right: 1,
  centre: 1,
  lfe: 0,
  leftSurround: 1.41,
  rightSurround: 1.41,
  leftBack: 1,
  rightBack: 1,
  backCentre: 1,
  unused: 0,
};

/**
 * The layout assumed for 1–8 channels when none is given: WAV / SMPTE channel order
 * (FL FR FC LFE BL BR … for 5.1 the two surrounds sit at ±110°, so they are surrounds, not backs).
 */
export const DEFAULT_CHANNEL_LAYOUTS: Readonly<Record<number, readonly ChannelRole[]>> = {
  1: ['mono'],
  2: ['left', 'right'],
  3: ['left', 'right', 'centre'],
  4: ['left', 'right', 'leftSurround', 'rightSurround'],
  5: ['left', 'right', 'centre', 'leftSurround', 'rightSurround'],
  6: ['left', 'right', 'centre', 'lfe', 'leftSurround', 'rightSurround'],
  7: ['left', 'right', 'centre', 'lfe', 'backCentre', 'leftSurround', 'rightSurround'],
  8: ['left', 'right', 'centre', 'lfe', 'leftBack', 'rightBack', 'leftSurround', 'rightSurround'],
};

export interface LoudnessMeterOptions {
  sampleRate: number;
  channelCount: number;
  /** Bit set of MeterMode flags; default MeterMode.all. */
  modes?: number;
  /** One role per channel; default DEFAULT_CHANNEL_LAYOUTS[channelCount] (required above 8 channels). */
  channelLayout?: readonly ChannelRole[];
}

/** BS.1770: L = −0.691 + 10·log10(Σ Gᵢ·zᵢ), with zᵢ the mean square of the K-weighted channel. */
export function energyToLufs(weightedMeanSquare: number): number {
  return -0.691 + 10 * Math.log10(weightedMeanSquare);
}

export function lufsToEnergy(lufs: number): number {
  return 10 ** ((lufs + 0.691) / 10);
}

export const ABSOLUTE_GATE_LUFS = -70;
export const RELATIVE_GATE_LU = -10;

/** Integrated loudness from 400 ms gating-block energies: absolute gate, then relative gate (BS.1770-4 §2.8). */
export function gatedLoudnessLufs(blockEnergies: Float64Array): number {
  const absoluteGate = lufsToEnergy(ABSOLUTE_GATE_LUFS);
  const meanAbove = (gate: number): number => {
    let sum = 0;
    let count = 0;
    for (const e of blockEnergies) {
      if (e >= gate) {
        sum += e;
        count++;
      }
    }
    return count === 0 ? 0 : sum / count;
  };
  const absoluteGatedMean = meanAbove(absoluteGate);
  if (absoluteGatedMean === 0) return -Infinity;
  const relativeGate = absoluteGatedMean * 10 ** (RELATIVE_GATE_LU / 10);
  return energyToLufs(meanAbove(Math.max(absoluteGate, relativeGate)));
}

/** An append-only float64 list (gating blocks, short-term values) that grows by doubling. */
class GrowingSeries {
  private data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
  clear(): void {
    this.length = 0;
  }
}

const MOMENTARY_STEPS = 4;
/** The 3 s ring is 8 bytes per sample; 768 kHz (4 × 192 kHz) keeps it under 20 MB. */
export const MAX_SAMPLE_RATE = 768000;
const SHORT_TERM_STEPS = 30;

export class LoudnessModeError extends Error {
  override name = 'LoudnessModeError';
}

function resolveLayout(channelCount: number, layout: readonly ChannelRole[] | undefined): Float64Array {
  const roles = layout ?? DEFAULT_CHANNEL_LAYOUTS[channelCount];
  if (!roles) throw new RangeError(`no default channel layout for ${channelCount} channels; pass channelLayout (1–8 have defaults)`);
  if (roles.length !== channelCount) throw new RangeError(`channelLayout has ${roles.length} roles for ${channelCount} channels`);
  return Float64Array.from(roles, (role) => {
    const weight = ROLE_WEIGHTS[role];
    if (weight === undefined) throw new RangeError(`unknown channel role "${role}"; valid: ${Object.keys(ROLE_WEIGHTS).join(', ')}`);
    return weight;
  });
}

/** Streaming BS.1770 / EBU R 128 meter. State is private; read measures through the getters. */
export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly modes: number;
  /** Samples per 100 ms step: round(sampleRate / 10). */
  readonly stepSamples: number;
  private readonly weights: Float64Array;
  private readonly filters: KWeightingState[];
  private readonly peaks: TruePeakState[];
  /** Per-sample weighted K-energy of the last 3 s (or 400 ms without short-term mode), a ring. */
  private readonly ring: Float64Array;
  private readonly momentaryLength: number;
  private ringPos = 0;
  private momentarySum = 0;
  private shortTermSum = 0;
  private momentaryMaxSum = 0;
  private shortTermMaxSum = 0;
  /** Sums of the last 30 completed steps (a ring indexed by stepCount), used to re-sync the running sums. */
  private readonly stepSums = new Float64Array(SHORT_TERM_STEPS);
  private stepCount = 0;
  private stepSum = 0;
  private stepFill = 0;
  private readonly blockEnergies = new GrowingSeries();
  private readonly shortTermEnergies = new GrowingSeries();
  private readonly scratch: Float64Array;

  constructor(options: LoudnessMeterOptions) {
    const { sampleRate, channelCount, modes = MeterMode.all, channelLayout } = options;
    if (!Number.isInteger(channelCount) || channelCount < 1) throw new RangeError(`channelCount must be a positive integer, got ${channelCount}`);
    if (sampleRate > MAX_SAMPLE_RATE) throw new RangeError(`sample rates above ${MAX_SAMPLE_RATE} Hz are not supported, got ${sampleRate}`);
    const filter = kWeightingFilter(sampleRate);
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.modes = modes;
    this.weights = resolveLayout(channelCount, channelLayout);
    this.filters = Array.from({ length: channelCount }, () => new KWeightingState(filter));
    this.peaks = modes & MeterMode.truePeak ? Array.from({ length: channelCount }, () => new TruePeakState()) : [];
    this.stepSamples = Math.round(sampleRate / 10);
    this.momentaryLength = MOMENTARY_STEPS * this.stepSamples;
    const ringSteps = (modes & MeterMode.shortTerm) === MeterMode.shortTerm ? SHORT_TERM_STEPS : MOMENTARY_STEPS;
    this.ring = new Float64Array(ringSteps * this.stepSamples);
    this.scratch = new Float64Array(this.stepSamples);
  }

  /** Feeds planar audio: one Float32Array per channel, all the same length (any length, including 0). */
  addFrames(channels: readonly Float32Array[]): void {
    if (channels.length !== this.channelCount) throw new RangeError(`expected ${this.channelCount} channels, got ${channels.length}`);
    const length = channels[0].length;
    if (channels.some((c) => c.length !== length)) throw new RangeError('all channels must have the same length');
    for (let offset = 0; offset < length; ) {
      const count = Math.min(length - offset, this.stepSamples - this.stepFill);
      this.filterChunk(channels, offset, count);
      this.accumulateChunk(count);
      offset += count;
      if (this.stepFill === this.stepSamples) this.completeStep();
    }
  }

  private filterChunk(channels: readonly Float32Array[], offset: number, count: number): void {
    const energy = this.scratch;
    energy.fill(0, 0, count);
    for (let c = 0; c < this.channelCount; c++) {
      if (this.weights[c] > 0) this.filters[c].accumulateEnergy(channels[c], offset, offset + count, this.weights[c], energy);
      if (this.peaks.length > 0) this.peaks[c].process(channels[c], offset, offset + count);
    }
  }

  /** Running window sums, updated per sample so momentary/short-term maxima are exact at any alignment. */
  private accumulateChunk(count: number): void {
    const ring = this.ring;
    const ringLength = ring.length;
    const energy = this.scratch;
    let pos = this.ringPos;
    let momentaryPos = (pos - this.momentaryLength + ringLength) % ringLength;
    let { momentarySum, shortTermSum, momentaryMaxSum, shortTermMaxSum, stepSum } = this;
    for (let i = 0; i < count; i++) {
      const e = energy[i];
      momentarySum += e - ring[momentaryPos];
      shortTermSum += e - ring[pos];
      ring[pos] = e;
      stepSum += e;
      if (momentarySum > momentaryMaxSum) momentaryMaxSum = momentarySum;
      if (shortTermSum > shortTermMaxSum) shortTermMaxSum = shortTermSum;
      if (++pos === ringLength) pos = 0;
      if (++momentaryPos === ringLength) momentaryPos = 0;
    }
    Object.assign(this, { ringPos: pos, momentarySum, shortTermSum, momentaryMaxSum, shortTermMaxSum, stepSum });
    this.stepFill += count;
  }

  /** End of a 100 ms step: exact window sums from step sums, one gating block, one short-term value. */
  private completeStep(): void {
    this.stepSums[this.stepCount % SHORT_TERM_STEPS] = this.stepSum;
    this.stepCount++;
    this.stepSum = 0;
    this.stepFill = 0;
    this.momentarySum = this.sumOfLastSteps(MOMENTARY_STEPS);
    if (this.ring.length === SHORT_TERM_STEPS * this.stepSamples) this.shortTermSum = this.sumOfLastSteps(SHORT_TERM_STEPS);
    if ((this.modes & MeterMode.integrated) === MeterMode.integrated && this.stepCount >= MOMENTARY_STEPS) {
      this.blockEnergies.push(this.momentarySum / this.momentaryLength);
    }
    if ((this.modes & MeterMode.lra) === MeterMode.lra && this.stepCount >= SHORT_TERM_STEPS) {
      this.shortTermEnergies.push(this.shortTermSum / this.ring.length);
    }
  }

  private sumOfLastSteps(steps: number): number {
    let sum = 0;
    for (let k = 1; k <= Math.min(steps, this.stepCount); k++) sum += this.stepSums[(this.stepCount - k) % SHORT_TERM_STEPS];
    return sum;
  }

  private require(mode: number, what: string): void {
    if ((this.modes & mode) !== mode) throw new LoudnessModeError(`${what} needs MeterMode.${what} when the meter is created`);
  }

  /** Loudness of the last 400 ms, LUFS (−Infinity for digital silence). */
  momentaryLufs(): number {
    this.require(MeterMode.momentary, 'momentary');
    return energyToLufs(Math.max(0, this.momentarySum) / this.momentaryLength);
  }

  /** Loudness of the last 3 s, LUFS. */
  shortTermLufs(): number {
    this.require(MeterMode.shortTerm, 'shortTerm');
    return energyToLufs(Math.max(0, this.shortTermSum) / this.ring.length);
  }

  /** Highest momentary loudness over every 400 ms window ending at any sample so far, LUFS. */
  momentaryMaxLufs(): number {
    this.require(MeterMode.momentary, 'momentary');
    return energyToLufs(this.momentaryMaxSum / this.momentaryLength);
  }

  /** Highest short-term loudness over every 3 s window ending at any sample so far, LUFS. */
  shortTermMaxLufs(): number {
    this.require(MeterMode.shortTerm, 'shortTerm');
    return energyToLufs(this.shortTermMaxSum / this.ring.length);
  }

  /** Gated integrated loudness, LUFS; −Infinity until a 400 ms block passes the −70 LUFS gate. */
  integratedLufs(): number {
    this.require(MeterMode.integrated, 'integrated');
    return gatedLoudnessLufs(this.blockEnergies.values());
  }

  /** Loudness range (Tech 3342) of the short-term values so far; lraLu is −Infinity before any passes the gates. */
  loudnessRange(): LoudnessRange {
    this.require(MeterMode.lra, 'lra');
    return loudnessRange(this.shortTermEnergies.values().map(energyToLufs));
  }

  /** True peak per channel, dBTP, as if the signal ended after the last fed sample. */
  truePeakDbtpPerChannel(): Float64Array {
    this.require(MeterMode.truePeak, 'truePeak');
    return Float64Array.from(this.peaks, (p) => linearToDbtp(p.peakWithTail()));
  }

  /** Highest true peak over channels, dBTP. */
  truePeakDbtp(): number {
    return Math.max(...this.truePeakDbtpPerChannel());
  }

  /** NaN / ±Infinity input samples replaced by silence so far (summed over channels). */
  nonFiniteSampleCount(): number {
    return this.filters.reduce((sum, f) => sum + f.nonFiniteSamples, 0);
  }

  /** Back to the freshly created state. */
  reset(): void {
    this.filters.forEach((f) => f.reset());
    this.peaks.forEach((p) => p.reset());
    this.ring.fill(0);
    this.stepSums.fill(0);
    this.blockEnergies.clear();
    this.shortTermEnergies.clear();
    Object.assign(this, { ringPos: 0, momentarySum: 0, shortTermSum: 0, momentaryMaxSum: 0, shortTermMaxSum: 0 });
    Object.assign(this, { stepCount: 0, stepSum: 0, stepFill: 0 });
  }
}

/** What `measureLoudness` reports; −Infinity wherever a measure is undefined (silence, not enough audio). */
export interface LoudnessMeasurement {
  /** Gated integrated loudness, LUFS. */
  integrated: number;
  /** Loudness range, LU (−Infinity when no 3 s window passes the gates). */
  lra: number;
  /** Highest 400 ms momentary loudness, LUFS. */
  momentaryMax: number;
  /** Highest 3 s short-term loudness, LUFS. */
  shortTermMax: number;
  /** Highest true peak over channels, dBTP. */
  truePeak: number;
  sampleRate: number;
  channels: number;
}

/** Silence appended before the last LRA value, so the file's end is seen by short-term windows (Tech 3342). */
export const LRA_END_PADDING_SEC = 1.5;

/**
 * One-shot measurement of a whole file. Channels of unequal length are measured over the shortest; zero
 * channels or zero samples give −Infinity everywhere. Throws RangeError only for a sample rate outside
 * 4–768 kHz or more than 8 channels without `channelLayout`.
 */
export function measureLoudness(
  channels: readonly Float32Array[],
  sampleRate: number,
  options: { channelLayout?: readonly ChannelRole[] } = {},
): LoudnessMeasurement {
  const undefinedResult = { integrated: -Infinity, lra: -Infinity, momentaryMax: -Infinity, shortTermMax: -Infinity, truePeak: -Infinity };
  const length = Math.min(...channels.map((c) => c.length));
  if (channels.length === 0 || length === 0) return { ...undefinedResult, sampleRate, channels: channels.length };
  const meter = new LoudnessMeter({ sampleRate, channelCount: channels.length, channelLayout: options.channelLayout });
  meter.addFrames(channels.map((c) => c.subarray(0, length)));
  return finishMeasurement(meter);
}

/**
 * The whole-file measures of a meter fed the entire programme (in blocks of any size): reads them, then feeds the
 * LRA end padding. The meter is spent afterwards. Needs MeterMode.all.
 */
export function finishMeasurement(meter: LoudnessMeter): LoudnessMeasurement {
  const result: LoudnessMeasurement = {
    integrated: meter.integratedLufs(),
    lra: -Infinity,
    momentaryMax: meter.momentaryMaxLufs(),
    shortTermMax: meter.shortTermMaxLufs(),
    truePeak: meter.truePeakDbtp(),
    sampleRate: meter.sampleRate,
    channels: meter.channelCount,
  };
  const padding = new Float32Array(Math.ceil(LRA_END_PADDING_SEC * meter.sampleRate));
  meter.addFrames(Array.from({ length: meter.channelCount }, () => padding));
  result.lra = meter.loudnessRange().lraLu;
  return result;
}
