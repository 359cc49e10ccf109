/**
 * The target-loudness curve the user draws: per-channel LUFS at the pack's curveRate, the same form the engine
 * takes as `targetCurveLufs`. Pure functions returning new curves; the actions wrap them.
 */

/** The editable range, LUFS: BS.1770's absolute gate up to full scale. */
export const CURVE_FLOOR_LUFS = -70;
export const CURVE_CEILING_LUFS = 0;

export interface TargetCurve {
  /** [channel][point], LUFS. */
  lufs: number[][];
  /** Edits apply to every channel at once. */
  linked: boolean;
  /** Sent with Generate only when enabled. */
  enabled: boolean;
}

export function clampLufs(lufs: number): number {
  return Math.min(CURVE_CEILING_LUFS, Math.max(CURVE_FLOOR_LUFS, lufs));
}

/** Null when `lufs` is a usable level, else the sentence to show the user. */
export function lufsProblem(lufs: number): string | null {
  if (!Number.isFinite(lufs)) return 'Enter a loudness in LUFS, e.g. −23.';
  if (lufs < CURVE_FLOOR_LUFS || lufs > CURVE_CEILING_LUFS) {
    return `${lufs} LUFS is outside the curve's range; use a value from ${CURVE_FLOOR_LUFS} to ${CURVE_CEILING_LUFS} LUFS.`;
  }
  return null;
}

/** Points a curve needs to cover `durationSec` at `curveRate` points per second. */
export function curvePointCount(durationSec: number, curveRate: number): number {
  return Math.max(1, Math.ceil(durationSec * curveRate));
}

export function flatCurve(channelCount: number, pointCount: number, lufs: number): TargetCurve {
  return { lufs: Array.from({ length: channelCount }, () => new Array<number>(pointCount).fill(clampLufs(lufs))), linked: true, enabled: true };
}

/** A curve from measured or predicted values, resampled to `pointCount` points and clamped to the range. */
export function curveFrom(source: readonly (readonly number[] | Float32Array)[], channelCount: number, pointCount: number): TargetCurve {
  const lufs = Array.from({ length: channelCount }, (_, channel) => {
    const values = source[Math.min(channel, source.length - 1)] ?? [];
    return Array.from({ length: pointCount }, (_, i) => {
      if (values.length === 0) return CURVE_FLOOR_LUFS;
      const position = pointCount > 1 ? (i * (values.length - 1)) / (pointCount - 1) : 0;
      const low = Math.floor(position);
      const high = Math.min(values.length - 1, low + 1);
      const value = values[low] + (values[high] - values[low]) * (position - low);
      return clampLufs(Number.isFinite(value) ? value : CURVE_FLOOR_LUFS);
    });
  });
  return { lufs, linked: channelCount < 2 || lufs.every((c) => c.every((v, i) => v === lufs[0][i])), enabled: true };
}

export interface CurveStroke {
  channel: number;
  fromIndex: number;
  fromLufs: number;
  toIndex: number;
  toLufs: number;
}

/** Paints a straight segment between two pointer samples, so fast strokes leave no gaps. */
export function paintCurve(curve: TargetCurve, stroke: CurveStroke): TargetCurve {
  const channels = curve.linked ? curve.lufs.map((_, i) => i) : [stroke.channel];
  const lufs = curve.lufs.map((values, channel) => {
    if (!channels.includes(channel)) return values;
    const next = values.slice();
    const span = stroke.toIndex - stroke.fromIndex;
    const steps = Math.abs(span);
    for (let k = 0; k <= steps; k++) {
      const index = stroke.fromIndex + Math.sign(span) * k;
      if (index < 0 || index >= next.length) continue;
      const t = steps === 0 ? 1 : k / steps;
      next[index] = clampLufs(stroke.fromLufs + (stroke.toLufs - stroke.fromLufs) * t);
    }
    return next;
  });
  return { ...curve, lufs };
}

/** One pass of a [1, 2, 1] / 4 filter per channel (ends keep their own weight). */
export function smoothCurve(curve: TargetCurve): TargetCurve {
  const lufs = curve.lufs.map((values) =>
    values.map((value, i) => {
      const previous = values[i - 1] ?? value;
      const next = values[i + 1] ?? value;
      return clampLufs((previous + 2 * value + next) / 4);
    }),
  );
  return { ...curve, lufs };
}

/** Linking makes every channel follow the first one from now on. */
export function linkCurve(curve: TargetCurve, linked: boolean): TargetCurve {
  if (!linked) return { ...curve, linked };
  return { ...curve, linked, lufs: curve.lufs.map(() => curve.lufs[0].slice()) };
}
