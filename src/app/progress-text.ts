/** Human-readable progress: one label and a 0..1 fraction per protocol Progress stage. */

import type { Progress } from '../engine/host/protocol';

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
      // The last frame read, the encoders finish and the clip's conditions are computed until 'encode' arrives.
      if (progress.doneSec >= progress.totalSec) return { label: 'Encoding the video for the model', fraction: 1 };
      return { label: `Reading video frames (${progress.doneSec.toFixed(1)} of ${progress.totalSec.toFixed(1)} s)`, fraction: ratio(progress.doneSec, progress.totalSec) };
    case 'encode':
      return { label: progress.done >= progress.total ? 'Video encoded; preparing the first window' : `Encoding the video (${progress.done} of ${progress.total})`, fraction: ratio(progress.done, progress.total) };
    case 'denoise':
      return describeDenoise(progress);
    case 'decode-audio':
      return {
        label: progress.done >= progress.total ? 'Audio decoded; shaping loudness' : `Decoding audio (${progress.done} of ${progress.total} windows)`,
        fraction: ratio(progress.done, progress.total),
      };
    case 'shape':
      // Sent as shaping starts; it is the last phase, so everything before it is done.
      return { label: `Shaping loudness (${progress.durationSec.toFixed(1)} s)`, fraction: 1 };
  }
}

function describeDenoise(progress: Extract<Progress, { stage: 'denoise' }>): ProgressText {
  // `step` counts completed steps (0..steps) of window `window` (0-based).
  const fraction = ratio(progress.window * progress.steps + progress.step, progress.windows * progress.steps);
  const lastWindow = progress.window === progress.windows - 1;
  // After the last step the engine decodes the last window's audio: say so rather than stand on "16 of 16 steps".
  if (lastWindow && progress.step >= progress.steps) {
    return { label: `Decoding audio (all ${progress.windows * progress.steps} steps done)`, fraction };
  }
  // Between windows the latent is read back and the next window's conditions computed (slow on a software GPU).
  if (progress.step >= progress.steps) {
    return { label: `Preparing window ${progress.window + 2} of ${progress.windows} (window ${progress.window + 1} done)`, fraction };
  }
  const windowLabel = progress.windows > 1 ? `, window ${progress.window + 1} of ${progress.windows}` : '';
  return { label: `Generating sound (${progress.step} of ${progress.steps} steps done${windowLabel})`, fraction };
}

/**
 * "about 12 s left" / "about 3 min left"; with `lowerBound` (a phase ahead not measured yet) "over 12 s left";
 * null while the engine has no estimate yet.
 */
export function describeEta(etaSec: number | null, lowerBound = false): string | null {
  if (etaSec === null || !Number.isFinite(etaSec) || etaSec < 0) return null;
  // "Over 0 s left" says nothing.
  if (lowerBound && etaSec < 1) return null;
  if (lowerBound) return etaSec < 90 ? `over ${Math.floor(etaSec)} s left` : `over ${Math.floor(etaSec / 60)} min left`;
  if (etaSec < 1) return 'almost done';
  if (etaSec < 90) return `about ${Math.round(etaSec)} s left`;
  return `about ${Math.round(etaSec / 60)} min left`;
}
