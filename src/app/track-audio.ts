/**
 * Where a take's samples live in the page: in an AudioBuffer, whose channel arrays (getChannelData) are the very
 * Float32Arrays the store holds. Playback then needs no second copy (PlaybackSync plays that AudioBuffer), so a
 * 10-minute stereo 44.1 kHz take costs its 212 MB once instead of twice. Chromium's getChannelData returns the
 * buffer's own storage, and an AudioBufferSourceNode shares it rather than copying.
 * Never transfer these arrays (postMessage with a transfer list): that would empty the AudioBuffer that plays.
 */

/** The AudioBuffer each store-held channel array belongs to. */
const owners = new WeakMap<Float32Array, AudioBuffer>();

/** AudioBuffer accepts 3–768 kHz (Web Audio API, createBuffer); outside it, or without Web Audio (Node), plain arrays. */
function canHold(sampleRate: number, length: number): boolean {
  return typeof AudioBuffer !== 'undefined' && length > 0 && sampleRate >= 3000 && sampleRate <= 768_000;
}

/** Zeroed channels for a track of `length` samples, backed by one AudioBuffer where the page has Web Audio. */
export function allocateTrackChannels(sampleRate: number, channelCount: number, length: number): Float32Array[] {
  if (channelCount < 1 || !canHold(sampleRate, length)) return Array.from({ length: channelCount }, () => new Float32Array(length));
  const buffer = new AudioBuffer({ numberOfChannels: channelCount, length, sampleRate });
  return Array.from({ length: channelCount }, (_, c) => {
    const channel = buffer.getChannelData(c);
    owners.set(channel, buffer);
    return channel;
  });
}

/**
 * Moves channels that arrived from a worker (transferred, owned by nobody else) into AudioBuffer storage and frees
 * each source as soon as it is copied (ArrayBuffer.prototype.transfer(0) releases the memory at once rather than at
 * the next GC), so the hand-over peaks at the take plus one channel, not two takes. The inputs are unusable after.
 */
export function adoptTrackChannels(sampleRate: number, channels: readonly Float32Array[]): Float32Array[] {
  const length = channels[0]?.length ?? 0;
  if (channels.some((channel) => channel.length !== length) || !canHold(sampleRate, length)) return [...channels];
  const adopted = allocateTrackChannels(sampleRate, channels.length, length);
  channels.forEach((channel, c) => {
    adopted[c]!.set(channel);
    release(channel);
  });
  return adopted;
}

/** A run of a take's samples as the engine streams it (protocol.ts 'audio-chunk'). */
export interface TrackChunk {
  sampleRate: number;
  totalSamples: number;
  startSample: number;
  channels: readonly Float32Array[];
}

/**
 * Builds a take from chunks that arrive in order, straight into the storage that plays it: the first chunk sizes
 * the AudioBuffer, each chunk is copied in and freed at once, so the page holds the take plus one chunk, never two
 * takes, and the engine worker never holds the whole take at all.
 */
export class TrackAssembler {
  private channels: Float32Array[] | null = null;
  private sampleRate = 0;
  /** Samples received so far: chunks cover the take once, in order. */
  private filled = 0;

  add(chunk: TrackChunk): void {
    const length = chunk.channels[0]?.length ?? 0;
    if (!this.channels) {
      this.sampleRate = chunk.sampleRate;
      this.channels = allocateTrackChannels(chunk.sampleRate, chunk.channels.length, chunk.totalSamples);
    }
    const fits = chunk.sampleRate === this.sampleRate && chunk.channels.length === this.channels.length && chunk.startSample === this.filled && chunk.startSample + length <= this.channels[0]!.length;
    if (!fits || chunk.channels.some((c) => c.length !== length)) {
      throw new RangeError(`The engine sent audio that does not fit the take (samples ${chunk.startSample}–${chunk.startSample + length} of ${chunk.totalSamples}).`);
    }
    chunk.channels.forEach((channel, c) => {
      this.channels![c]!.set(channel, chunk.startSample);
      release(channel);
    });
    this.filled += length;
  }

  /** The whole take, once chunks have covered all `samples` of its `channelCount` channels. */
  finish(sampleRate: number, channelCount: number, samples: number): Float32Array[] {
    const channels = this.channels ?? allocateTrackChannels(sampleRate, channelCount, samples);
    if (channels.length !== channelCount || this.filled !== samples || (channels[0]?.length ?? 0) !== samples) {
      throw new RangeError(`The engine sent ${this.filled} samples of ${channels.length} channels for a take of ${samples} samples of ${channelCount}.`);
    }
    this.channels = null;
    return channels;
  }
}

/** Frees a channel's memory now when it is the whole of its own ArrayBuffer (a view into a shared one is left). */
function release(channel: Float32Array): void {
  const buffer = channel.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (channel.byteOffset === 0 && channel.byteLength === buffer.byteLength && typeof buffer.transfer === 'function') buffer.transfer(0);
}

/** The AudioBuffer whose storage `channels` are, all of them and in order; null for plain arrays. */
export function audioBufferOf(channels: readonly Float32Array[]): AudioBuffer | null {
  const buffer = channels[0] ? owners.get(channels[0]) : undefined;
  if (!buffer || buffer.numberOfChannels !== channels.length) return null;
  return channels.every((channel, c) => owners.get(channel) === buffer && buffer.getChannelData(c) === channel) ? buffer : null;
}
