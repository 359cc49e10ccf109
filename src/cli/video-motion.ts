/**
 * Video motion for the real-clip scores (src/metrics/av-align.ts reads it): every frame of the stream,
 * scaled to 64×64 grey in [0, 1] (BT.601 luma weights), motion[k] = mean |frame[k+1] − frame[k]|; fps is the
 * stream's average frame rate (frames / duration, as ffprobe's avg_frame_rate), read from the packet index.
 */
import { openAsBlob } from 'node:fs';
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';
import type { VideoMotion } from '../metrics/av-align';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import { openVideo } from '../media/video-source';

const SIDE_PX = 64;

async function averageFrameRate(blob: Blob): Promise<number> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    const rate = track ? (await track.computePacketStats()).averagePacketRate : 0;
    if (!(rate > 0)) throw new Error('the video stream has no frame rate (no frames?)');
    return rate;
  } finally {
    input.dispose();
  }
}

/** Motion of the picture from `startSec` on (motion step k then sits at (k + 1) / fps after startSec). */
export async function readVideoMotion(file: string, startSec = 0): Promise<VideoMotion> {
  installNodeWebCodecs();
  const blob = await openAsBlob(file);
  const fps = await averageFrameRate(blob);
  const source = await openVideo(blob);
  const values: number[] = [];
  try {
    let previous: Float32Array | null = null;
    for await (const frame of source.sampleFrames({ rates: [fps], width: SIDE_PX, height: SIDE_PX })) {
      const plane = SIDE_PX * SIDE_PX;
      const grey = new Float32Array(plane);
      for (let i = 0; i < plane; i++) grey[i] = 0.299 * frame.data[i]! + 0.587 * frame.data[plane + i]! + 0.114 * frame.data[2 * plane + i]!;
      if (previous) {
        let sum = 0;
        for (let i = 0; i < plane; i++) sum += Math.abs(grey[i]! - previous[i]!);
        values.push(sum / plane);
      }
      previous = grey;
    }
  } finally {
    source.close();
  }
  const skip = Math.min(values.length, Math.round(startSec * fps));
  return { fps, motion: Float64Array.from(values.slice(skip)) };
}
