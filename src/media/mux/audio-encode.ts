/**
 * The soundtrack encoded with WebCodecs AudioEncoder: AAC-LC where the platform has an encoder for it (Chrome on
 * Windows/macOS, @napi-rs/webcodecs in Node), otherwise Opus (Debian's Chromium encodes Opus only). Packets are
 * re-timed from their index (see encodePackets), AAC's priming measured from the encoder (encoder-delay.ts).
 */
import { MediaError, throwIfAborted } from '../media-error';
import { encoderDelaySamples } from './encoder-delay';
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

/** AAC frames are 1024 samples by definition (ISO/IEC 14496-3, AAC-LC). */
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

/** One encoded packet on the video's clock; the first also carries the decoder configuration the muxer needs. */
export interface SoundtrackPacket {
  data: Uint8Array;
  timestampSec: number;
  durationSec: number;
  /** From the encoder's first output (AudioSpecificConfig or OpusHead); the rate is the coded one (48 kHz for Opus). */
  decoderConfig?: AudioDecoderConfig;
}

export interface EncodedSoundtrack {
  codec: SoundtrackCodec;
  decoderConfig: AudioDecoderConfig;
  packets: SoundtrackPacket[];
}

/**
 * Audio handed to the encoder a block at a time, so a long take can come from a file instead of memory.
 * `read` may return views into reused buffers: they are copied before the next read.
 */
export interface SoundtrackInput {
  sampleRate: number;
  channelCount: number;
  /** Length, samples per channel. */
  frames: number;
  read(start: number, frames: number): Promise<readonly Float32Array[]>;
}

/** A take in memory as a SoundtrackInput. */
export function planarInput(audio: PlanarAudio): SoundtrackInput {
  return {
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
    frames: audio.channels[0]?.length ?? 0,
    read: (start, frames) => Promise.resolve(audio.channels.map((channel) => channel.subarray(start, start + frames))),
  };
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
  return Array.from({ length: count }, (_, k) => packetTiming(k, k === count - 1, frameSamples, primingSamples, sampleRate, signalSec));
}

/** Packet `k` of packetTimings; `last` shortens it to end with the signal. */
export function packetTiming(k: number, last: boolean, frameSamples: number, primingSamples: number, sampleRate: number, signalSec: number): PacketTiming {
  const timestampSec = (k * frameSamples - primingSamples) / sampleRate;
  const fullSec = frameSamples / sampleRate;
  const durationSec = last && timestampSec < signalSec && timestampSec + fullSec > signalSec ? signalSec - timestampSec : fullSec;
  return { timestampSec, durationSec };
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
/** Blocks read ahead of the encoder's newest output at most (encodePackets' back-pressure). */
const MAX_AHEAD_BLOCKS = 3;
const MAX_OUTPUT_WAIT_MS = 5000;

export interface EncodeOptions {
  signal?: AbortSignal;
  /** Fraction of the input handed to the encoder, 0–1. */
  onProgress?: (fraction: number) => void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function planarBlock(channels: readonly Float32Array[], frames: number): Float32Array<ArrayBuffer> {
  const block = new Float32Array(frames * channels.length);
  channels.forEach((channel, c) => block.set(channel.subarray(0, frames), c * frames));
  return block;
}

/** What the encoder has handed out and not yet been taken; filled by its output callback. */
interface EncoderOutput {
  chunks: Uint8Array[];
  /** End of the newest output chunk, µs of the input's time line (how far the encoder has got). */
  endUs: number;
  firstDurationUs: number | null;
  config: AudioDecoderConfig | null;
  failure: unknown;
}

function openEncoder(config: AudioEncoderConfig, out: EncoderOutput): AudioEncoder {
  const encoder = new AudioEncoder({
    output: (chunk, meta) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      out.chunks.push(data);
      out.endUs = Math.max(out.endUs, chunk.timestamp + (chunk.duration ?? 0));
      out.firstDurationUs ??= chunk.duration ?? 0;
      out.config ??= meta?.decoderConfig ?? null;
    },
    error: (error) => (out.failure ??= error),
  });
  encoder.configure(config);
  return encoder;
}

/**
 * Packet times from the stream's first output: the frame length (AAC 1024; Opus whatever the encoder chose, 20 ms by
 * default), the priming before time 0 (AAC: the encoder's measured delay; Opus: none, its pre-skip travels in the
 * OpusHead inside dOps and decoders drop it, so the signal ends that much later instead).
 */
function timingOf(codec: SoundtrackCodec, out: EncoderOutput, config: AudioDecoderConfig, primingSamples: number, input: SoundtrackInput) {
  const codedRate = config.sampleRate;
  const frameSamples = codec === 'aac' ? AAC_FRAME_SAMPLES : Math.round(((out.firstDurationUs ?? 0) / 1e6) * codedRate);
  const preSkipSec = codec === 'opus' ? opusPreSkip(config.description) / OPUS_RATE : 0;
  const signalSec = input.frames / input.sampleRate + preSkipSec;
  const priming = codec === 'aac' ? primingSamples : 0;
  return (k: number, last: boolean): PacketTiming => packetTiming(k, last, frameSamples, priming, codedRate, signalSec);
}

/**
 * The soundtrack's packets in order, as the encoder makes them: the input is read and encoded a block at a time and
 * each packet handed on once the next exists (the last one's length depends on being last), so memory holds a
 * block and a few packets whatever the length. Packets are re-timed from their index here, because encoders label
 * them unreliably: @napi-rs/webcodecs 1.3.1 gives the last two AAC packets of a 1 s clip the timestamps
 * 998458 µs / 998458 µs with durations 1024 µs and 68 µs.
 */
export async function* encodePackets(input: SoundtrackInput, encoding: SoundtrackEncoding, options: EncodeOptions = {}): AsyncGenerator<SoundtrackPacket> {
  const primingSamples = encoding.codec === 'aac' ? await encoderDelaySamples(encoding.config) : 0;
  const out: EncoderOutput = { chunks: [], endUs: 0, firstDurationUs: null, config: null, failure: null };
  let encoder: AudioEncoder | null = null;
  let timing: ReturnType<typeof timingOf> | null = null;
  let sent = 0;
  const blockFrames = Math.max(1, Math.round(BLOCK_SEC * input.sampleRate));
  let holdsOutput = false;
  // Hands on every packet but the newest (or all of them at the end).
  const ready = function* (atEnd: boolean): Generator<SoundtrackPacket> {
    const { config } = out;
    if (!config) return;
    timing ??= timingOf(encoding.codec, out, config, primingSamples, input);
    const keep = atEnd ? 0 : 1;
    while (out.chunks.length > keep) {
      const data = out.chunks.shift()!;
      const last = atEnd && out.chunks.length === 0;
      yield { data, ...timing(sent, last), ...(sent === 0 ? { decoderConfig: config } : {}) };
      sent++;
    }
  };
  try {
    encoder = openEncoder(encoding.config, out);
    for (let start = 0; start < input.frames && !out.failure; start += blockFrames) {
      throwIfAborted(options.signal);
      const frames = Math.min(blockFrames, input.frames - start);
      const data = new AudioData({
        format: 'f32-planar', sampleRate: input.sampleRate, numberOfFrames: frames, numberOfChannels: input.channelCount,
        timestamp: Math.round((start / input.sampleRate) * 1e6), data: planarBlock(await input.read(start, frames), frames),
      });
      encoder.encode(data);
      data.close();
      // Back-pressure: never queue more than a couple of blocks ahead of the encoder, nor read more than
      // MAX_AHEAD_BLOCKS ahead of what it has handed back (its output arrives as tasks; reads that resolve at once
      // would otherwise run to the end before any packet is seen). The wait is capped so an encoder that holds
      // its output until flush cannot stall the export.
      const submittedUs = ((start + frames) / input.sampleRate) * 1e6;
      const waitUntil = Date.now() + MAX_OUTPUT_WAIT_MS;
      const behind = () => !holdsOutput && submittedUs - out.endUs > MAX_AHEAD_BLOCKS * BLOCK_SEC * 1e6;
      while (!out.failure && (encoder.encodeQueueSize > 2 || behind())) {
        if (Date.now() >= waitUntil) {
          holdsOutput = true; // it answers only at flush: from now on only its queue limits the reads
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      options.onProgress?.((start + frames) / input.frames);
      yield* ready(false);
    }
    if (!out.failure) await encoder.flush();
  } catch (error) {
    if (options.signal?.aborted) throw error;
    out.failure ??= error;
  } finally {
    if (encoder && encoder.state !== 'closed') encoder.close();
  }
  throwIfAborted(options.signal);
  if (out.failure) throw new MediaError('decode-failed', `The audio encoder failed (${errorText(out.failure)}).`);
  if (!out.config || out.chunks.length + sent === 0) throw new MediaError('decode-failed', 'The audio encoder produced no output.');
  yield* ready(true);
}

/** The whole soundtrack encoded into memory (short takes and tests; the export streams encodePackets). */
export async function encodeSoundtrack(audio: PlanarAudio, encoding: SoundtrackEncoding, options: EncodeOptions = {}): Promise<EncodedSoundtrack> {
  const packets: SoundtrackPacket[] = [];
  for await (const packet of encodePackets(planarInput(audio), encoding, options)) packets.push(packet);
  return { codec: encoding.codec, decoderConfig: packets[0]!.decoderConfig!, packets };
}
