/**
 * The soundtrack encoded with WebCodecs AudioEncoder: AAC-LC where the platform has an encoder for it (Chrome on
 * Windows/macOS, @napi-rs/webcodecs in Node), otherwise Opus (Debian's Chromium encodes Opus only). Packets are
 * re-timed from their index here, because encoders label them unreliably: @napi-rs/webcodecs 1.3.1 gives the last
 * two AAC packets of a 1 s clip the timestamps 998458 µs / 998458 µs with durations 1024 µs and 68 µs.
 */
import { throwIfAborted } from '../media-error';
import { MediaError } from '../media-error';
import type { PlanarAudio } from './mix-original';

export type SoundtrackCodec = 'aac' | 'opus';

export interface SoundtrackEncoding {
  codec: SoundtrackCodec;
  config: AudioEncoderConfig;
}

/** Bits per second for stereo (mono gets half): transparent for effects at both codecs. */
const BITRATE_PER_CHANNEL = 96_000;

/** Codec strings per WebCodecs' registry, in order of preference: AAC plays everywhere MP4 does. */
const CANDIDATES: { codec: SoundtrackCodec; webCodec: string }[] = [
  { codec: 'aac', webCodec: 'mp4a.40.2' },
  { codec: 'opus', webCodec: 'opus' },
];

/**
 * AAC-LC encoders put 1024 priming samples before the signal (FFmpeg's `aac`, which @napi-rs/webcodecs wraps, and
 * Windows Media Foundation; ISO/IEC 14496-3 decoders need one frame of history). The muxer trims them with an edit
 * list. Opus needs nothing here: its pre-skip travels in the OpusHead the encoder returns, which goes into dOps.
 */
export const AAC_PRIMING_SAMPLES = 1024;
export const AAC_FRAME_SAMPLES = 1024;

/** The first codec the platform encodes at this rate and layout; a MediaError when neither is available. */
export async function chooseSoundtrackEncoding(sampleRate: number, numberOfChannels: number): Promise<SoundtrackEncoding> {
  const bitrate = BITRATE_PER_CHANNEL * numberOfChannels;
  for (const { codec, webCodec } of CANDIDATES) {
    const config: AudioEncoderConfig = { codec: webCodec, sampleRate, numberOfChannels, bitrate };
    const support = typeof AudioEncoder === 'undefined' ? null : await AudioEncoder.isConfigSupported(config).catch(() => null);
    if (support?.supported) return { codec, config };
  }
  throw new MediaError('unsupported-codec', `This browser or system cannot encode audio as AAC or Opus (${numberOfChannels} channels at ${sampleRate} Hz), so an MP4 cannot be written here.`);
}

export interface EncodedSoundtrack {
  codec: SoundtrackCodec;
  /** From the encoder's first output (AudioSpecificConfig or OpusHead); the rate is the coded one (48 kHz for Opus). */
  decoderConfig: AudioDecoderConfig;
  packets: { data: Uint8Array; timestampSec: number; durationSec: number }[];
}

export interface PacketTiming {
  timestampSec: number;
  durationSec: number;
}

/**
 * Times of `count` packets of `frameSamples` each, the first `primingSamples` before time 0, all at `sampleRate`.
 * The last packet is shortened so the track ends where the signal does (`signalSec`): the MP4 then states the
 * soundtrack's true length instead of running up to a frame past the picture.
 */
export function packetTimings(count: number, frameSamples: number, primingSamples: number, sampleRate: number, signalSec: number): PacketTiming[] {
  const timings: PacketTiming[] = [];
  for (let k = 0; k < count; k++) {
    const timestampSec = (k * frameSamples - primingSamples) / sampleRate;
    const fullSec = frameSamples / sampleRate;
    const last = k === count - 1;
    const durationSec = last && timestampSec < signalSec && timestampSec + fullSec > signalSec ? signalSec - timestampSec : fullSec;
    timings.push({ timestampSec, durationSec });
  }
  return timings;
}

/** RFC 7845 §5.1: Opus is always decoded at 48 kHz; PreSkip counts samples at that rate. */
const OPUS_RATE = 48_000;

/** PreSkip of an OpusHead (RFC 7845 §5.1: 16-bit little-endian at byte 10); 0 when there is none. */
export function opusPreSkip(description: AllowSharedBufferSource | undefined): number {
  if (!description) return 0;
  const bytes = ArrayBuffer.isView(description) ? new Uint8Array(description.buffer, description.byteOffset, description.byteLength) : new Uint8Array(description);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  return magic === 'OpusHead' && bytes.length >= 12 ? bytes[10]! | (bytes[11]! << 8) : 0;
}

/** Input is handed to the encoder in blocks this long, so progress moves and no single AudioData is huge. */
const BLOCK_SEC = 1;

export interface EncodeOptions {
  signal?: AbortSignal;
  /** Fraction of the input handed to the encoder, 0–1. */
  onProgress?: (fraction: number) => void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function planarBlock(audio: PlanarAudio, start: number, frames: number): Float32Array<ArrayBuffer> {
  const block = new Float32Array(frames * audio.channels.length);
  audio.channels.forEach((channel, c) => block.set(channel.subarray(start, start + frames), c * frames));
  return block;
}

export async function encodeSoundtrack(audio: PlanarAudio, encoding: SoundtrackEncoding, options: EncodeOptions = {}): Promise<EncodedSoundtrack> {
  const chunks: Uint8Array[] = [];
  const chunkDurationsUs: number[] = [];
  // A holder, not a `let`: TypeScript does not see the encoder's callback assign it.
  const described: { config: AudioDecoderConfig | null } = { config: null };
  let failure: unknown = null;
  const encoder = new AudioEncoder({
    output: (chunk, meta) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push(data);
      chunkDurationsUs.push(chunk.duration ?? 0);
      described.config ??= meta?.decoderConfig ?? null;
    },
    error: (error) => (failure = error),
  });
  const totalFrames = audio.channels[0]!.length;
  const blockFrames = Math.max(1, Math.round(BLOCK_SEC * audio.sampleRate));
  try {
    encoder.configure(encoding.config);
    for (let start = 0; start < totalFrames; start += blockFrames) {
      throwIfAborted(options.signal);
      if (failure) break;
      const frames = Math.min(blockFrames, totalFrames - start);
      const data = new AudioData({
        format: 'f32-planar', sampleRate: audio.sampleRate, numberOfFrames: frames, numberOfChannels: audio.channels.length,
        timestamp: Math.round((start / audio.sampleRate) * 1e6), data: planarBlock(audio, start, frames),
      });
      encoder.encode(data);
      data.close();
      // Back-pressure: never queue more than a couple of blocks ahead of the encoder.
      while (encoder.encodeQueueSize > 2) await new Promise((resolve) => setTimeout(resolve, 1));
      options.onProgress?.((start + frames) / totalFrames);
    }
    if (!failure) await encoder.flush();
  } catch (error) {
    failure ??= error;
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
  throwIfAborted(options.signal);
  if (failure) throw new MediaError('decode-failed', `The audio encoder failed (${errorText(failure)}).`);
  const { config } = described;
  if (!config || chunks.length === 0) throw new MediaError('decode-failed', 'The audio encoder produced no output.');
  const codedRate = config.sampleRate;
  // AAC frames are 1024 samples by definition; Opus frames are whatever the encoder chose (20 ms by default).
  const frameSamples = encoding.codec === 'aac' ? AAC_FRAME_SAMPLES : Math.round((chunkDurationsUs[0]! / 1e6) * codedRate);
  const primingSamples = encoding.codec === 'aac' ? AAC_PRIMING_SAMPLES : 0;
  // Opus packets start at 0 with the pre-skip inside the track (decoders drop it), so the signal ends that much later.
  const preSkipSec = encoding.codec === 'opus' ? opusPreSkip(config.description) / OPUS_RATE : 0;
  const timings = packetTimings(chunks.length, frameSamples, primingSamples, codedRate, totalFrames / audio.sampleRate + preSkipSec);
  return { codec: encoding.codec, decoderConfig: config, packets: chunks.map((data, k) => ({ data, ...timings[k]! })) };
}
