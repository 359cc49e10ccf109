/** Human-readable progress: one label and a 0..1 fraction per protocol Progress stage. */

import type { Progress } from '../engine/protocol';

export interface ProgressText {
  label: string;
  /** 0..1 within the current stage. */
  fraction: number;
}

function ratio(done: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function describeProgress(progress: Progress): ProgressText {
  switch (progress.stage) {
    case 'download':
      return {
        label: `Loading model ${progress.file} (${megabytes(progress.loadedBytes)} of ${megabytes(progress.totalBytes)})`,
        fraction: ratio(progress.loadedBytes, progress.totalBytes),
      };
    case 'decode-video':
      return { label: `Reading video frames (${progress.doneSec.toFixed(1)} of ${progress.totalSec.toFixed(1)} s)`, fraction: ratio(progress.doneSec, progress.totalSec) };
    case 'encode':
      return { label: `Encoding video (${progress.done} of ${progress.total})`, fraction: ratio(progress.done, progress.total) };
    case 'denoise': {
      // `step` counts completed steps (0..steps) of window `window` (0-based).
      const windowLabel = progress.windows > 1 ? `, window ${progress.window + 1} of ${progress.windows}` : '';
      return {
        label: `Generating sound (${progress.step} of ${progress.steps} steps done${windowLabel})`,
        fraction: ratio(progress.window * progress.steps + progress.step, progress.windows * progress.steps),
      };
    }
    case 'decode-audio':
      return { label: `Decoding audio (${progress.done} of ${progress.total})`, fraction: ratio(progress.done, progress.total) };
  }
}

/** "about 12 s left" / "about 3 min left"; null while the engine has no estimate yet. */
export function describeEta(etaSec: number | null): string | null {
  if (etaSec === null || !Number.isFinite(etaSec) || etaSec < 0) return null;
  if (etaSec < 1) return 'almost done';
  if (etaSec < 90) return `about ${Math.round(etaSec)} s left`;
  return `about ${Math.round(etaSec / 60)} min left`;
}
