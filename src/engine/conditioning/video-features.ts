/**
 * Video → per-frame features in one decoding pass: frames arrive at two rates (visualFps, syncFps) and are
 * encoded in chunks of `env.encoderChunkFrames`, so memory stays bounded however long the clip is.
 */

import { FrameMotion } from './frame-motion';
import type { ComponentName } from '../pack/manifest';
import type { Progress } from '../host/protocol';
import type { TimeGrid } from '../sampling/sequence';
import type { SessionRunner } from '../runtime/model-session-runner';

export interface FrameSample {
  rateIndex: number;
  frameIndex: number;
  timeSec: number;
  /** RGB planar CHW in [0, 1]. */
  data: Float32Array;
}

/** The slice of src/media's VideoSource the engine needs, so the engine can be driven by any frame source. */
export interface FrameSource {
  readonly info: { durationSec: number };
  sampleFrames(opts: { rates: number[]; width: number; height: number; signal?: AbortSignal }): AsyncIterable<FrameSample>;
}

/**
 * Encodes a frame stream chunk by chunk. `motion` encoders (sync_encoder) difference neighbouring frames and see
 * no motion in their first row, so each chunk after the first is prefixed with the previous chunk's last frame and
 * that row's output is dropped: chunked output equals one whole-clip run.
 */
class ChunkedEncoder {
  private pending: Float32Array[] = [];
  private carried: Float32Array | null = null;
  /**
   * The clip's features [expectedFrames, width], written as each chunk is encoded (allocated once the width is
   * known): holding the chunks and joining them at the end made a second whole-clip copy at the worker's peak.
   */
  private rows: Float32Array | null = null;
  private rowsWritten = 0;

  constructor(
    private readonly runner: SessionRunner,
    private readonly component: ComponentName,
    private readonly frameShape: [number, number, number],
    private readonly chunkFrames: number,
    private readonly motion: boolean,
    private readonly expectedFrames: number,
  ) {}

  async push(frame: Float32Array): Promise<void> {
    this.pending.push(frame);
    if (this.pending.length >= this.chunkFrames) await this.flush();
  }

  /** The features of the clip's expected frames; fewer decoded frames are padded with the last (as sliceRows pads). */
  async finish(): Promise<Float32Array> {
    await this.flush();
    const rows = this.rows;
    if (!rows || this.rowsWritten === 0) throw new Error(`no video frames could be decoded for ${this.component}`);
    const width = rows.length / this.expectedFrames;
    const last = (this.rowsWritten - 1) * width;
    for (let row = this.rowsWritten; row < this.expectedFrames; row++) rows.copyWithin(row * width, last, last + width);
    return rows;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const frames = this.motion && this.carried ? [this.carried, ...this.pending] : this.pending;
    const frameSize = this.frameShape[0] * this.frameShape[1] * this.frameShape[2];
    const batch = new Float32Array(frames.length * frameSize);
    frames.forEach((f, i) => batch.set(f, i * frameSize));
    const input = this.runner.float32(batch, [frames.length, ...this.frameShape]);
    const { features } = await this.runner.runToHost(this.component, { frames: input });
    const width = features!.length / frames.length;
    const fresh = frames === this.pending ? features! : features!.subarray(width);
    this.rows ??= new Float32Array(this.expectedFrames * width);
    // Frames past the expected count (the sampler's last partial frame) are dropped, as sliceRows dropped them.
    const room = Math.max(0, this.expectedFrames - this.rowsWritten);
    const kept = Math.min(room, fresh.length / width);
    this.rows.set(fresh.subarray(0, kept * width), this.rowsWritten * width);
    this.rowsWritten += kept;
    this.carried = this.pending.at(-1)!;
    this.pending = [];
  }
}

export interface VideoFeatures {
  /** [visual.count, Dv] */
  visual: Float32Array;
  /** [sync.count, Ds] */
  sync: Float32Array;
  /** Movement of the sync frames, changes of light left out (frame-motion.ts movement()): motion[k] at (k + 1) / syncFps. */
  syncMotion: Float64Array;
}

export async function encodeVideo(
  source: FrameSource,
  runner: SessionRunner,
  video: { visualFps: number; syncFps: number; width: number; height: number },
  grids: { visual: TimeGrid; sync: TimeGrid },
  chunkFrames: number,
  onProgress: (progress: Progress) => void,
  signal?: AbortSignal,
): Promise<VideoFeatures> {
  const shape: [number, number, number] = [3, video.height, video.width];
  const counts = [grids.visual.count, grids.sync.count];
  const encoders = [
    new ChunkedEncoder(runner, 'visual_encoder', shape, chunkFrames, false, counts[0]!),
    new ChunkedEncoder(runner, 'sync_encoder', shape, chunkFrames, true, counts[1]!),
  ];
  const syncMotion = new FrameMotion();
  const totalSec = source.info.durationSec;
  let reportedSec = -1;
  for await (const frame of source.sampleFrames({ rates: [video.visualFps, video.syncFps], width: video.width, height: video.height, signal })) {
    if (frame.frameIndex >= counts[frame.rateIndex]!) continue;
    if (frame.rateIndex === 1) syncMotion.push(frame.data);
    await encoders[frame.rateIndex]!.push(frame.data);
    if (frame.timeSec - reportedSec >= 0.25) {
      reportedSec = frame.timeSec;
      onProgress({ stage: 'decode-video', doneSec: Math.min(frame.timeSec, totalSec), totalSec });
    }
  }
  onProgress({ stage: 'decode-video', doneSec: totalSec, totalSec });
  return {
    visual: await encoders[0]!.finish(),
    sync: await encoders[1]!.finish(),
    syncMotion: syncMotion.movement(),
  };
}
