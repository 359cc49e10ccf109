/**
 * Loudness normalisation on export: one static gain to an integrated-loudness target (EBU R 128 −23 LUFS,
 * podcasts −16, streaming platforms −14, or any value), then a true-peak limit (default −1 dBTP).
 *
 * With `truePeakMode: 'limit'` (default) a look-ahead limiter catches the peaks the gain pushes over the
 * ceiling; limiting lowers the integrated loudness a little, so the gain is re-aimed and the whole chain rerun
 * (at most 3 times) until the result is within 0.1 LU. With 'reduce-gain' the audio is never limited: the
 * gain stops where the true peak meets the ceiling and the result may stay below the target (reported).
 */
import { measureLoudness, type ChannelRole } from './loudness-meter';
import { limitTruePeak, truePeakDbtp } from './true-peak';

/** Common delivery targets, LUFS integrated. */
export const LOUDNESS_TARGETS_LUFS = {
  /** EBU R 128 broadcast. */
  ebuR128: -23,
  /** Podcasts (AES TD1008 range, Apple). */
  podcast: -16,
  /** Music / video streaming platforms. */
  streaming: -14,
} as const;

export interface NormaliseOptions {
  /** Target integrated loudness, LUFS (see LOUDNESS_TARGETS_LUFS). */
  targetLufs: number;
  /** Highest allowed true peak, dBTP. Default −1. */
  truePeakCeilingDbtp?: number;
  /** 'limit' (default): reach the target and limit peaks; 'reduce-gain': never limit, stop at the ceiling. */
  truePeakMode?: 'limit' | 'reduce-gain';
  channelLayout?: readonly ChannelRole[];
}

export interface NormaliseResult {
  channels: Float32Array[];
  /** Static gain applied before limiting, dB (0 for silence). */
  gainDb: number;
  integratedBeforeLufs: number;
  integratedAfterLufs: number;
  truePeakAfterDbtp: number;
  /** Whether the limiter changed anything. */
  limited: boolean;
}

const MAX_PASSES = 3;
const LOUDNESS_TOLERANCE_LU = 0.1;

function scaled(channels: readonly Float32Array[], gainDb: number): Float32Array[] {
  const gain = 10 ** (gainDb / 20);
  return channels.map((c) => c.map((v) => (Number.isFinite(v) ? v * gain : 0)));
}

/**
 * Normalises `channels` to `options.targetLufs`. Audio without a measurable integrated loudness (silence, less
 * than 400 ms) is returned unchanged with gainDb 0, and a non-finite target is refused with a RangeError.
 */
export function normaliseLoudness(channels: readonly Float32Array[], sampleRate: number, options: NormaliseOptions): NormaliseResult {
  const { targetLufs, truePeakCeilingDbtp = -1, truePeakMode = 'limit', channelLayout } = options;
  if (!Number.isFinite(targetLufs)) throw new RangeError(`targetLufs must be a finite number of LUFS, got ${targetLufs}`);
  const before = measureLoudness(channels, sampleRate, { channelLayout });
  if (!Number.isFinite(before.integrated)) {
    const unchanged = scaled(channels, 0);
    return { channels: unchanged, gainDb: 0, integratedBeforeLufs: before.integrated, integratedAfterLufs: before.integrated, truePeakAfterDbtp: truePeakDbtp(unchanged), limited: false };
  }
  if (truePeakMode === 'reduce-gain') {
    const gainDb = Math.min(targetLufs - before.integrated, truePeakCeilingDbtp - before.truePeak);
    const out = scaled(channels, gainDb);
    const after = measureLoudness(out, sampleRate, { channelLayout });
    return { channels: out, gainDb, integratedBeforeLufs: before.integrated, integratedAfterLufs: after.integrated, truePeakAfterDbtp: after.truePeak, limited: false };
  }
  let gainDb = targetLufs - before.integrated;
  let result: NormaliseResult | null = null;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const gained = scaled(channels, gainDb);
    const limited = truePeakDbtp(gained) > truePeakCeilingDbtp;
    const out = limited ? limitTruePeak(gained, sampleRate, { ceilingDbtp: truePeakCeilingDbtp }) : gained;
    const after = measureLoudness(out, sampleRate, { channelLayout });
    result = { channels: out, gainDb, integratedBeforeLufs: before.integrated, integratedAfterLufs: after.integrated, truePeakAfterDbtp: after.truePeak, limited };
    const missLu = targetLufs - after.integrated;
    if (Math.abs(missLu) <= LOUDNESS_TOLERANCE_LU) break;
    gainDb += missLu;
  }
  return result!;
}
