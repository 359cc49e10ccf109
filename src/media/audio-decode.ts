/**
 * The source's own audio track → planar float32 on the video timeline: sample 0 is at video time 0, so encoder
 * priming (AAC's leading 1024 samples carry a negative timestamp after the edit list) is dropped and an audio
 * track that starts late is preceded by silence.
 */
import { pumpDecoder } from './decode-pump';
import { channelsFromAudioSpecificConfig } from './audio-specific-config';
import type { DemuxedAudioTrack, Demuxer, EncodedPacket } from './demuxer';
import { MediaError } from './media-error';

export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
}

export async function isAudioSupported(track: DemuxedAudioTrack): Promise<boolean> {
  try {
    return (await AudioDecoder.isConfigSupported(track.config)).supported === true;
  } catch {
    return false;
  }
}

/**
 * The decoder configuration with the channel count the codec itself signals. MP4 writers (ffmpeg among them) put
 * the template value 2 in an AAC sample entry's channelcount even for mono; the AudioSpecificConfig holds the
 * real layout, and @napi-rs/webcodecs upmixes to whatever count it is configured with.
 */
export function decoderConfigFor(track: DemuxedAudioTrack): AudioDecoderConfig {
  const { config } = track;
  if (!config.codec.startsWith('mp4a.40') || !config.description) return config;
  const description = config.description;
  const bytes = ArrayBuffer.isView(description)
    ? new Uint8Array(description.buffer, description.byteOffset, description.byteLength)
    : new Uint8Array(description);
  const numberOfChannels = channelsFromAudioSpecificConfig(bytes);
  return numberOfChannels === null ? config : { ...config, numberOfChannels };
}

function toAudioChunk(p: EncodedPacket): EncodedAudioChunk {
  return new EncodedAudioChunk({ type: p.key ? 'key' : 'delta', timestamp: p.timestampUs, duration: p.durationUs, data: p.data });
}

interface Piece {
  startSample: number;
  channels: Float32Array[];
}

function copyPlanes(data: AudioData, channelCount: number): Float32Array[] {
  const planes: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) {
    const plane = new Float32Array(data.numberOfFrames);
    // Mono sources feeding a multichannel layout reuse their only plane.
    const planeIndex = Math.min(c, data.numberOfChannels - 1);
    data.copyTo(plane, { planeIndex, format: 'f32-planar' });
    planes.push(plane);
  }
  return planes;
}

function assemble(pieces: Piece[], channelCount: number, sampleRate: number): DecodedAudio {
  const length = pieces.reduce((m, p) => Math.max(m, p.startSample + p.channels[0].length), 0);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(Math.max(0, length)));
  for (const p of pieces) {
    for (let c = 0; c < channelCount; c++) {
      const src = p.channels[c];
      const skip = Math.max(0, -p.startSample);
      if (skip < src.length) channels[c].set(src.subarray(skip), p.startSample + skip);
    }
  }
  return { sampleRate, channels };
}

/** What decoding needs from a demuxer: an audio-only reader (audio-file.ts) provides just this. */
export type AudioTrackSource = Pick<Demuxer, 'audio' | 'audioPackets'>;

export async function decodeAudioTrack(demuxer: AudioTrackSource, signal?: AbortSignal): Promise<DecodedAudio | null> {
  const track = demuxer.audio;
  if (!track) return null;
  const config = decoderConfigFor(track);
  if (!(await isAudioSupported({ ...track, config }))) {
    throw new MediaError('unsupported-codec', `The audio track uses the ${track.codec} codec, which this browser or system cannot decode.`);
  }
  const pieces: Piece[] = [];
  let sampleRate = 0;
  let channelCount = 0;
  const outputs = pumpDecoder<AudioDecoder, AudioData, EncodedAudioChunk>({
    createDecoder: (output, error) => {
      const decoder = new AudioDecoder({ output, error });
      decoder.configure(config);
      return decoder;
    },
    decode: (decoder, chunk) => decoder.decode(chunk),
    toChunk: toAudioChunk,
    packets: demuxer.audioPackets(),
    signal,
    label: `audio ${track.codec}`,
  });
  for await (const data of outputs) {
    try {
      // The decoder's rate wins over the container's: HE-AAC signals half its output rate in the sample entry.
      // Likewise the channel count: parametric stereo turns a mono-signalled track into two channels.
      sampleRate ||= data.sampleRate;
      channelCount ||= data.numberOfChannels;
      const startSample = Math.round((data.timestamp / 1e6) * sampleRate);
      pieces.push({ startSample, channels: copyPlanes(data, channelCount) });
    } finally {
      data.close();
    }
  }
  if (pieces.length === 0) return null;
  return assemble(pieces, channelCount, sampleRate);
}
