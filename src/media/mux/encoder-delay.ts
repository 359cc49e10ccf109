/**
 * How many samples an AAC encoder puts before the signal (its priming, or encoder delay), read from the encoder
 * itself rather than assumed: encoders differ (FFmpeg's `aac` 1024, Apple's AudioToolbox 2112, fdk-aac 2048 at
 * some settings) and WebCodecs has no field for it. The muxer trims exactly this many with the edit list, so a
 * wrong value shifts the whole soundtrack against the picture and changes its stated length.
 *
 * Two readings, in order:
 * 1. An encoder that labels its priming as time before the input's first timestamp (a negative timestamp on the
 *    first chunk) says it outright.
 * 2. Otherwise a click at a known sample is encoded and decoded again with this platform's own AudioDecoder (which,
 *    like any decoder without an edit list, outputs the priming): the click comes back late by the delay.
 */
import { MediaError } from '../media-error';

/** Where the probe's click sits, samples: past one frame, so the click is not in the encoder's first frame. */
const PROBE_CLICK_AT = 3000;
/** Probe length, samples: the click plus the longest known delay (2112) plus two frames for the encoder to flush. */
const PROBE_FRAMES = 8192;
/** The click's level: loud enough to stand far above AAC's quantisation noise, below clipping. */
const PROBE_LEVEL = 0.9;
/** Delays beyond this are not a codec's priming but a probe gone wrong (the decoded click not found). */
const MAX_PLAUSIBLE_DELAY = 4096;

const measured = new Map<string, Promise<number>>();

/**
 * The encoder delay of `config` in samples at its rate; measured once per codec, rate and layout.
 * Throws a MediaError when the platform can neither say nor show it.
 */
export function encoderDelaySamples(config: AudioEncoderConfig): Promise<number> {
  const key = `${config.codec}/${config.sampleRate}/${config.numberOfChannels}`;
  let delay = measured.get(key);
  if (!delay) {
    delay = measureDelay(config);
    measured.set(key, delay);
    // A failed measurement is not kept: the next export asks again.
    delay.catch(() => measured.delete(key));
  }
  return delay;
}

interface ProbeOutput {
  chunks: EncodedAudioChunk[];
  decoderConfig: AudioDecoderConfig | null;
}

function probeSignal(config: AudioEncoderConfig): AudioData {
  const channels = config.numberOfChannels;
  const data = new Float32Array(PROBE_FRAMES * channels);
  for (let c = 0; c < channels; c++) data[c * PROBE_FRAMES + PROBE_CLICK_AT] = PROBE_LEVEL;
  return new AudioData({ format: 'f32-planar', sampleRate: config.sampleRate, numberOfFrames: PROBE_FRAMES, numberOfChannels: channels, timestamp: 0, data });
}

async function encodeProbe(config: AudioEncoderConfig): Promise<ProbeOutput> {
  const out: ProbeOutput = { chunks: [], decoderConfig: null };
  let failure: unknown = null;
  const encoder = new AudioEncoder({
    output: (chunk, meta) => {
      out.chunks.push(chunk);
      out.decoderConfig ??= meta?.decoderConfig ?? null;
    },
    error: (error) => (failure = error),
  });
  try {
    encoder.configure(config);
    const signal = probeSignal(config);
    encoder.encode(signal);
    signal.close();
    await encoder.flush();
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
  if (failure) throw failure;
  return out;
}

/** Decodes the probe's chunks (first channel) with the platform's AudioDecoder, as one array. */
async function decodeProbe({ chunks, decoderConfig }: ProbeOutput): Promise<Float32Array> {
  if (!decoderConfig) throw new Error('the encoder gave no decoder configuration');
  const pieces: Float32Array[] = [];
  let failure: unknown = null;
  const decoder = new AudioDecoder({
    output: (data) => {
      const piece = new Float32Array(data.numberOfFrames);
      data.copyTo(piece, { planeIndex: 0, format: 'f32-planar' });
      pieces.push(piece);
      data.close();
    },
    error: (error) => (failure = error),
  });
  try {
    decoder.configure(decoderConfig);
    for (const chunk of chunks) decoder.decode(chunk);
    await decoder.flush();
  } finally {
    if (decoder.state !== 'closed') decoder.close();
  }
  if (failure) throw failure;
  const all = new Float32Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  pieces.reduce((offset, piece) => (all.set(piece, offset), offset + piece.length), 0);
  return all;
}

function loudestAt(samples: Float32Array): number {
  let best = 0;
  for (let i = 1; i < samples.length; i++) if (Math.abs(samples[i]!) > Math.abs(samples[best]!)) best = i;
  return best;
}

async function measureDelay(config: AudioEncoderConfig): Promise<number> {
  try {
    const probe = await encodeProbe(config);
    const firstUs = probe.chunks[0]?.timestamp ?? 0;
    if (firstUs < 0) return Math.round((-firstUs / 1e6) * config.sampleRate);
    const delay = loudestAt(await decodeProbe(probe)) - PROBE_CLICK_AT;
    if (delay < 0 || delay > MAX_PLAUSIBLE_DELAY) throw new Error(`the probe's click came back ${delay} samples late`);
    return delay;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MediaError('decode-failed', `The audio encoder's start-up delay could not be measured (${reason}), so the sound could not be placed in time with the picture.`);
  }
}
