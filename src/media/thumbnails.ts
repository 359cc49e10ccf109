/**
 * Timeline thumbnails (browser only: needs createImageBitmap). Thumbnail i shows the frame on screen at the centre
 * of the i-th of `count` equal slices; each is reached by decoding from the key frame at or before its time.
 */
import type { Demuxer, RotationDeg } from './demuxer';
import { MediaError } from './media-error';
import { decodeVideo } from './video-decode';

export interface Thumbnail {
  timeSec: number;
  image: ImageBitmap;
}

/** Scales to `heightPx` high in display orientation (turned clockwise by `rotationDeg`). */
async function toBitmap(frame: VideoFrame, heightPx: number, rotationDeg: RotationDeg): Promise<ImageBitmap> {
  const turned = rotationDeg === 90 || rotationDeg === 270;
  const aspect = turned ? frame.displayHeight / frame.displayWidth : frame.displayWidth / frame.displayHeight;
  const width = Math.max(1, Math.round(aspect * heightPx));
  if (rotationDeg === 0) return createImageBitmap(frame, { resizeWidth: width, resizeHeight: heightPx, resizeQuality: 'medium' });
  const canvas = new OffscreenCanvas(width, heightPx);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2D context is unavailable.');
  const [drawWidth, drawHeight] = turned ? [heightPx, width] : [width, heightPx];
  ctx.translate(width / 2, heightPx / 2);
  ctx.rotate((rotationDeg * Math.PI) / 180);
  ctx.drawImage(frame, -drawWidth / 2, -drawHeight / 2, drawWidth, drawHeight);
  return canvas.transferToImageBitmap();
}

/** Decodes from the preceding key frame up to the frame shown at `timeSec`; null when the stream has no frames. */
async function frameAt(demuxer: Demuxer, timeSec: number, heightPx: number): Promise<ImageBitmap | null> {
  let held: VideoFrame | null = null;
  try {
    for await (const frame of decodeVideo(demuxer, { fromSec: timeSec })) {
      if (held && frame.timestamp / 1e6 > timeSec + 0.0005) {
        frame.close();
        break;
      }
      held?.close();
      held = frame;
    }
    if (!held) return null;
    return await toBitmap(held, heightPx, demuxer.video.rotationDeg);
  } finally {
    held?.close();
  }
}

export async function makeThumbnails(demuxer: Demuxer, count: number, heightPx: number): Promise<Thumbnail[]> {
  if (typeof createImageBitmap === 'undefined') {
    throw new Error('thumbnails() needs a browser: this runtime has no createImageBitmap.');
  }
  if (!(Number.isInteger(count) && count > 0 && heightPx > 0)) {
    throw new RangeError(`thumbnails() needs a positive count and height, got ${count} and ${heightPx}.`);
  }
  const out: Thumbnail[] = [];
  for (let i = 0; i < count; i++) {
    const timeSec = ((i + 0.5) / count) * demuxer.durationSec;
    const image = await frameAt(demuxer, timeSec, heightPx);
    if (!image) throw new MediaError('decode-failed', 'The video track produced no pictures when decoded.');
    out.push({ timeSec, image });
  }
  return out;
}
