/**
 * What the decoding side needs from a container reader. Demuxers yield plain packets (no WebCodecs objects),
 * so they can be tested without a decoder and the pump decides when chunks are created.
 */
export interface EncodedPacket {
  key: boolean;
  /** Presentation time on the video timeline (edit lists applied), microseconds; may be negative. */
  timestampUs: number;
  durationUs: number;
  data: Uint8Array;
}

export type RotationDeg = 0 | 90 | 180 | 270;

export interface DemuxedVideoTrack {
  /** WebCodecs codec string, e.g. 'avc1.64001f', 'vp09.00.10.08'. */
  codec: string;
  /** Size of the decoded pictures, before rotation. */
  width: number;
  height: number;
  /** Clockwise rotation to apply for display (phone videos record it in the container, not the pixels). */
  rotationDeg: RotationDeg;
  config: VideoDecoderConfig;
}

export interface DemuxedAudioTrack {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  config: AudioDecoderConfig;
}

export interface Demuxer {
  readonly container: 'mp4' | 'webm';
  /** Presentation duration of the video track, seconds. */
  readonly durationSec: number;
  readonly video: DemuxedVideoTrack;
  readonly audio: DemuxedAudioTrack | null;
  /** Video packets in decode order, starting at the key packet at or before `fromSec` (default: the first). */
  videoPackets(fromSec?: number): AsyncIterable<EncodedPacket>;
  /** Audio packets in decode order; empty when there is no audio track. */
  audioPackets(): AsyncIterable<EncodedPacket>;
  close(): void;
}

/** Bytes read from a Blob per request: large enough to amortise I/O, small enough that a 2 GB file never sits in memory. */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** The packet stream of an absent track. */
export async function* noPackets(): AsyncGenerator<EncodedPacket> {
  yield* [];
}
