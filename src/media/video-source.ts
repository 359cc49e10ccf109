/**
 * Opening a video for Foley Studio: container detection, demuxing (mp4box for MP4/MOV/M4V, mediabunny for
 * WebM/MKV and fragmented MP4), a WebCodecs support check, then frame sampling, audio decoding and thumbnails.
 * In Node call installNodeWebCodecs() (node-webcodecs.ts) first and pass `await fs.openAsBlob(path)`.
 *
 * Contract (openVideo → VideoSource; every failure a MediaError with a MediaErrorCode):
 * - 'decode-failed': the decoder reported an error, or made no progress for 30 s (watchdog).
 * - Times are the container's (edit lists applied; with none, composition time), as a player's clock shows them:
 *   `durationSec` is where the video track's last frame ends, so a video whose first frame is at 0.167 s (B-frame
 *   delay in a fragmented MP4) and lasts 1 s gives 1.167 s, and a track muxed back at t = 0 lines up with the picture.
 * - sampleFrames: frame k of rate r is the frame on screen at t = k/r, for k = 0 .. max(1, floor(durationSec·r)) − 1
 *   (start inclusive, end exclusive); before the first frame appears, the first frame. Frames are
 *   yielded in time order across rates. A rate or size that is not positive throws RangeError.
 * - decodeAudio: sample 0 is at time 0 (priming and Opus pre-skip before 0 dropped, a late start padded with silence).
 * - thumbnails: thumbnail i shows time (i + 0.5)/count · durationSec; width follows the display aspect.
 * - VideoSourceInfo.rotationDeg; width/height are the display size. Frames come out in display orientation
 *   (phone videos that store a rotation in the MP4 track matrix or Matroska metadata are turned upright).
 */
import { decodeAudioTrack } from './audio-decode';
import type { DecodedAudio } from './audio-decode';
import { sniffContainer, SNIFF_BYTES } from './container-sniff';
import type { Demuxer, RotationDeg } from './demuxer';
import { sampleFrames as sampleDemuxedFrames } from './frame-sampler';
import type { SampledFrame, SampleFramesOptions } from './frame-sampler';
import { MediaError } from './media-error';
import { openWithMediabunny } from './mediabunny-demuxer';
import { openMp4 } from './mp4-demuxer';
import { withFourByteNalLengths } from './nal-length';
import { openPlainly, withPlainErrors } from './plain-errors';
import { makeThumbnails } from './thumbnails';
import { ensureVideoSupported } from './video-decode';

export { MediaError } from './media-error';
export type { MediaErrorCode } from './media-error';
export type { SampledFrame } from './frame-sampler';

export interface VideoSourceInfo {
  durationSec: number;
  /** Display size: after the container's rotation (a portrait phone video reports height > width). */
  width: number;
  height: number;
  /** Clockwise rotation applied to decoded pictures; sampled frames and thumbnails are already turned. */
  rotationDeg: RotationDeg;
  codec: string;
  container: 'mp4' | 'webm';
  hasAudio: boolean;
}

export interface VideoSource {
  readonly info: VideoSourceInfo;
  /** One decoding pass yields frames for several rates at once (e.g. [8, 24]); frame k of rate r is the frame shown at time k/r. Streaming, bounded memory, every VideoFrame closed. */
  sampleFrames(opts: SampleFramesOptions): AsyncIterable<SampledFrame>;
  /** The source's own audio track decoded to planar float32, or null if it has none. */
  decodeAudio(signal?: AbortSignal): Promise<DecodedAudio | null>;
  /** Browser only. */
  thumbnails(count: number, heightPx: number): Promise<{ timeSec: number; image: ImageBitmap }[]>;
  close(): void;
}

async function openDemuxer(input: Blob): Promise<Demuxer> {
  if (input.size === 0) throw new MediaError('empty-file', 'The file is empty (0 bytes).');
  const kind = sniffContainer(new Uint8Array(await input.slice(0, SNIFF_BYTES).arrayBuffer()));
  switch (kind) {
    case 'mp4':
      return (await openMp4(input)) ?? openWithMediabunny(input, 'mp4');
    case 'webm':
      return openWithMediabunny(input, 'webm');
    case 'audio-only':
      throw new MediaError('no-video-track', 'This is an audio file, not a video. Choose a video file.');
    case 'other-video':
      throw new MediaError('unsupported-container', 'This video format is not supported. Use MP4, MOV or WebM.');
    case 'unknown':
      throw new MediaError('not-a-video', 'This file is not a video that can be read. Use MP4, MOV or WebM.');
  }
}

class DemuxedVideoSource implements VideoSource {
  readonly info: VideoSourceInfo;

  constructor(private readonly demuxer: Demuxer) {
    const turned = demuxer.video.rotationDeg === 90 || demuxer.video.rotationDeg === 270;
    this.info = {
      durationSec: demuxer.durationSec,
      width: turned ? demuxer.video.height : demuxer.video.width,
      height: turned ? demuxer.video.width : demuxer.video.height,
      rotationDeg: demuxer.video.rotationDeg,
      codec: demuxer.video.codec,
      container: demuxer.container,
      hasAudio: demuxer.audio !== null,
    };
  }

  sampleFrames(opts: SampleFramesOptions): AsyncIterable<SampledFrame> {
    return sampleDemuxedFrames(this.demuxer, opts);
  }

  decodeAudio(signal?: AbortSignal): Promise<DecodedAudio | null> {
    return decodeAudioTrack(this.demuxer, signal);
  }

  thumbnails(count: number, heightPx: number): Promise<{ timeSec: number; image: ImageBitmap }[]> {
    return makeThumbnails(this.demuxer, count, heightPx);
  }

  close(): void {
    this.demuxer.close();
  }
}

/** Opens a video Blob (a File in the browser, `fs.openAsBlob(path)` in Node); throws MediaError on bad input. */
export async function openVideo(input: Blob): Promise<VideoSource> {
  const opened = await openPlainly(() => openDemuxer(input));
  try {
    // The engine cannot place frames in a clip without length ("clip duration must be positive" is not a reason).
    if (!(opened.durationSec > 0 && Number.isFinite(opened.durationSec))) throw new MediaError('damaged', 'This video file is damaged: its frames carry no usable timing (the clip has no length).');
    const demuxer = withPlainErrors(withFourByteNalLengths(opened));
    await ensureVideoSupported(demuxer.video);
    return new DemuxedVideoSource(demuxer);
  } catch (e) {
    opened.close();
    throw e;
  }
}
