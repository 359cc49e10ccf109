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
import { frameMotion } from '../engine/sampling/takes';

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
  try {
    // The same measure the take search scores with (src/engine/sampling/takes.ts), so the two cannot drift apart.
    const { motion } = await frameMotion(source, fps);
    return { fps, motion: motion.subarray(Math.min(motion.length, Math.round(startSec * fps))) };
  } finally {
    source.close();
  }
}
