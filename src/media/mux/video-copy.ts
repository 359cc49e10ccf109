/**
 * Which video streams go into an MP4 as they are. The picture is never re-encoded (no generation loss, no time):
 * the packets are copied, so the codec must be one ISO BMFF carries and players read there.
 */
import type { VideoCodec } from 'mediabunny';

/**
 * VP8 is refused rather than written: mediabunny would write a `vp08` sample entry, but Chromium does not play VP8
 * in MP4 (`MediaSource.isTypeSupported('video/mp4; codecs="vp08.00.10.08"')` is false in Chromium 156, true for
 * vp09), and writing WebM instead would hand the user a file that is not what they asked for.
 */
const COPYABLE: readonly VideoCodec[] = ['avc', 'hevc', 'vp9', 'av1'];

const NAMES: Record<string, string> = { avc: 'H.264', hevc: 'HEVC', vp9: 'VP9', av1: 'AV1', vp8: 'VP8', prores: 'ProRes' };

/** Why this video stream cannot be copied into an MP4 (a sentence for the user), or null when it can. */
export function videoCopyProblem(codec: VideoCodec | null): string | null {
  if (codec !== null && COPYABLE.includes(codec)) return null;
  const name = codec === null ? 'a codec that could not be identified' : NAMES[codec] ?? codec;
  const advice = codec === 'vp8' ? ' (Chromium does not play VP8 in MP4); convert the video to VP9 or H.264 first, or export the sound as WAV' : '; export the sound as WAV instead';
  return `This video is ${name}, which cannot be copied into an MP4 as it is${advice}.`;
}
