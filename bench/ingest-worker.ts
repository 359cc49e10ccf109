/**
 * Browser Worker used by the media e2e test and the ingest benchmark: fetches a video, runs the real media code
 * (openVideo → sampleFrames / decodeAudio / thumbnails) and posts back a compact summary, so results stay small
 * and timing excludes the transfer to the test process.
 */
import { MediaError, openVideo } from '../src/media/video-source';
import type { SampledFrame } from '../src/media/video-source';

export interface IngestRequest {
  url: string;
  rates: number[];
  width: number;
  height: number;
  /** Row (in sampled pixels) on which to report the first bright pixel, or -1. */
  probeRow: number;
  /** Column on which to report the first bright pixel from the top, or -1 (for rotated videos). */
  probeColumn?: number;
  audio: boolean;
  thumbnails: number;
}

export interface IngestFrame {
  rateIndex: number;
  frameIndex: number;
  timeSec: number;
  /** First x on probeRow whose red value exceeds 0.5, or -1. */
  edgeX: number;
  /** First y on probeColumn whose red value exceeds 0.5, or -1. */
  edgeY: number;
}

export type IngestReply =
  | {
    type: 'result';
    info: unknown;
    frames: IngestFrame[];
    openSec: number;
    sampleSec: number;
    audio: { sampleRate: number; channelCount: number; length: number; firstLoudSample: number } | null;
    thumbnails: { timeSec: number; width: number; height: number }[];
  }
  | { type: 'error'; code: string; message: string };

function edgeOf(f: SampledFrame, width: number, row: number): number {
  if (row < 0) return -1;
  return f.data.subarray(row * width, (row + 1) * width).findIndex((v) => v > 0.5);
}

function topEdgeOf(f: SampledFrame, width: number, height: number, column: number): number {
  if (column < 0) return -1;
  for (let y = 0; y < height; y++) if (f.data[y * width + column] > 0.5) return y;
  return -1;
}

async function ingest(req: IngestRequest): Promise<IngestReply> {
  const blob = await (await fetch(req.url)).blob();
  const t0 = performance.now();
  const source = await openVideo(blob);
  const t1 = performance.now();
  const frames: IngestFrame[] = [];
  for await (const f of source.sampleFrames({ rates: req.rates, width: req.width, height: req.height })) {
    frames.push({
      rateIndex: f.rateIndex, frameIndex: f.frameIndex, timeSec: f.timeSec,
      edgeX: edgeOf(f, req.width, req.probeRow), edgeY: topEdgeOf(f, req.width, req.height, req.probeColumn ?? -1),
    });
  }
  const t2 = performance.now();
  const decoded = req.audio ? await source.decodeAudio() : null;
  const audio = decoded && {
    sampleRate: decoded.sampleRate,
    channelCount: decoded.channels.length,
    length: decoded.channels[0].length,
    firstLoudSample: decoded.channels[0].findIndex((v) => Math.abs(v) > 0.4),
  };
  const thumbs = req.thumbnails > 0 ? await source.thumbnails(req.thumbnails, 48) : [];
  const thumbnails = thumbs.map((t) => ({ timeSec: t.timeSec, width: t.image.width, height: t.image.height }));
  thumbs.forEach((t) => t.image.close());
  source.close();
  return { type: 'result', info: source.info, frames, openSec: (t1 - t0) / 1000, sampleSec: (t2 - t1) / 1000, audio, thumbnails };
}

self.onmessage = (event: MessageEvent<IngestRequest>) => {
  ingest(event.data).then(
    (reply) => self.postMessage(reply),
    (e: unknown) => {
      const code = e instanceof MediaError ? e.code : 'exception';
      self.postMessage({ type: 'error', code, message: e instanceof Error ? e.message : String(e) } satisfies IngestReply);
    },
  );
};
