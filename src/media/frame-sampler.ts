/**
 * sampleFrames: one decoding pass serves every requested rate (see sample-schedule.ts for which frame a sample
 * time gets). At most one decoded frame is held beyond the decoder's own small queue, its conversion is cached
 * so several rates sharing it convert once, and every frame is closed as soon as no sample time can need it.
 */
import type { Demuxer } from './demuxer';
import { createFrameConverter } from './frame-convert';
import { MediaError } from './media-error';
import { SampleSchedule } from './sample-schedule';
import type { SampleTarget } from './sample-schedule';
import { decodeVideo } from './video-decode';

export interface SampledFrame {
  rateIndex: number;
  frameIndex: number;
  timeSec: number;
  /** RGB planar CHW in [0, 1], length 3·height·width. */
  data: Float32Array;
}

export interface SampleFramesOptions {
  rates: number[];
  width: number;
  height: number;
  signal?: AbortSignal;
}

/** A held frame and, once needed, its converted pixels. */
interface Held {
  frame: VideoFrame;
  data: Float32Array | null;
}

export async function* sampleFrames(demuxer: Demuxer, opts: SampleFramesOptions): AsyncGenerator<SampledFrame> {
  const schedule = new SampleSchedule(opts.rates, demuxer.durationSec);
  if (schedule.totalFrames === 0) return;
  const convert = createFrameConverter(opts.width, opts.height, demuxer.video.rotationDeg);
  const emit = async function* (held: Held, targets: SampleTarget[]): AsyncGenerator<SampledFrame> {
    if (targets.length === 0) return;
    held.data ??= await convert(held.frame);
    // Each sample gets its own buffer: consumers may transfer or mutate it.
    for (const t of targets) yield { ...t, data: held.data.slice() };
  };
  let prev: Held | null = null;
  try {
    for await (const frame of decodeVideo(demuxer, { signal: opts.signal })) {
      // The new frame is owned (closed by `finally`) before anything can throw or the consumer can stop.
      const previous = prev;
      prev = { frame, data: null };
      try {
        yield* emit(previous ?? prev, schedule.takeBefore(frame.timestamp / 1e6));
      } finally {
        previous?.frame.close();
      }
      if (schedule.done) break;
    }
    if (!schedule.done) {
      if (!prev) throw new MediaError('decode-failed', 'The video track produced no pictures when decoded.');
      yield* emit(prev, schedule.takeRest());
    }
  } finally {
    // Leaving the for-await (done, break, throw or consumer return) already closed the decode stream.
    prev?.frame.close();
  }
}
