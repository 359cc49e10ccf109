/**
 * Peak picking as scipy.signal.find_peaks does it, the reading of the spec's "peaks above a threshold, at least
 * N frames apart": local maxima (a plateau counts once, at its middle, rounded down; the two end samples never),
 * then the height test, then the distance rule, which keeps the higher of two peaks closer than `minDistance`
 * (of two equal peaks the later one stays, as in scipy).
 */

export interface PeakOptions {
  /** A peak needs values[i] ≥ height (a number) or ≥ height[i] (one threshold per sample). */
  height?: number | ArrayLike<number>;
  /** Kept peaks are at least this many samples apart (1 keeps all). */
  minDistance?: number;
}

function localMaxima(values: ArrayLike<number>): number[] {
  const peaks: number[] = [];
  let i = 1;
  const last = values.length - 1;
  while (i < last) {
    if (values[i - 1]! < values[i]!) {
      let ahead = i + 1;
      while (ahead < last && values[ahead] === values[i]) ahead++;
      if (values[ahead]! < values[i]!) {
        peaks.push((i + ahead - 1) >> 1);
        i = ahead;
      }
    }
    i++;
  }
  return peaks;
}

export function findPeaks(values: ArrayLike<number>, options: PeakOptions = {}): number[] {
  const { height, minDistance = 1 } = options;
  const thresholdAt = (i: number): number => (height === undefined ? -Infinity : typeof height === 'number' ? height : height[i]!);
  const peaks = localMaxima(values).filter((i) => values[i]! >= thresholdAt(i));
  if (minDistance <= 1) return peaks;
  const keep = new Array<boolean>(peaks.length).fill(true);
  const byHeight = peaks.map((_, j) => j).sort((a, b) => values[peaks[a]!]! - values[peaks[b]!]! || a - b).reverse();
  for (const j of byHeight) {
    if (!keep[j]) continue;
    for (let k = j - 1; k >= 0 && peaks[j]! - peaks[k]! < minDistance; k--) keep[k] = false;
    for (let k = j + 1; k < peaks.length && peaks[k]! - peaks[j]! < minDistance; k++) keep[k] = false;
  }
  return peaks.filter((_, j) => keep[j]);
}
