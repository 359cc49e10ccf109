/** VideoDecoder plumbing shared by frame sampling and thumbnails: support check and a bounded decode stream. */
import { pumpDecoder } from './decode-pump';
import type { DemuxedVideoTrack, Demuxer, EncodedPacket } from './demuxer';
import { MediaError } from './media-error';

const CODEC_NAMES: [prefix: string, name: string][] = [
  ['avc1', 'H.264'], ['avc3', 'H.264'], ['hvc1', 'HEVC (H.265)'], ['hev1', 'HEVC (H.265)'],
  ['vp09', 'VP9'], ['vp8', 'VP8'], ['av01', 'AV1'],
];

/** A person-readable codec name followed by the exact codec string, e.g. 'HEVC (H.265) [hvc1.1.6.L90.90]'. */
export function describeCodec(codec: string): string {
  const hit = CODEC_NAMES.find(([prefix]) => codec.startsWith(prefix));
  return hit ? `${hit[1]} [${codec}]` : codec;
}

/** Throws 'unsupported-codec' unless this runtime's VideoDecoder accepts the track's configuration. */
export async function ensureVideoSupported(track: DemuxedVideoTrack): Promise<void> {
  let supported = false;
  try {
    supported = (await VideoDecoder.isConfigSupported(track.config)).supported === true;
  } catch {
    supported = false;
  }
  if (!supported) {
    throw new MediaError(
      'unsupported-codec',
      `This video uses the ${describeCodec(track.codec)} codec, which this browser or system cannot decode. Convert it to H.264 or VP9 and try again.`,
    );
  }
}

function toVideoChunk(p: EncodedPacket): EncodedVideoChunk {
  return new EncodedVideoChunk({ type: p.key ? 'key' : 'delta', timestamp: p.timestampUs, duration: p.durationUs, data: p.data });
}

/** Decoded frames in presentation order from the key frame at or before `fromSec`; the consumer closes each frame. */
export function decodeVideo(demuxer: Demuxer, opts: { signal?: AbortSignal; fromSec?: number } = {}): AsyncGenerator<VideoFrame> {
  return pumpDecoder<VideoDecoder, VideoFrame, EncodedVideoChunk>({
    createDecoder: (output, error) => {
      const decoder = new VideoDecoder({ output, error });
      decoder.configure(demuxer.video.config);
      return decoder;
    },
    decode: (decoder, chunk) => decoder.decode(chunk),
    toChunk: toVideoChunk,
    packets: demuxer.videoPackets(opts.fromSec),
    signal: opts.signal,
    label: `video ${describeCodec(demuxer.video.codec)}`,
  });
}
