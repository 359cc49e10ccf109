/**
 * RIFF/WAVE encoding and decoding of planar float audio.
 * Encoding writes WAVE_FORMAT_EXTENSIBLE (with a channel mask) whenever plain WAVEFORMAT is ambiguous: more than
 * two channels or 24-bit PCM (Microsoft, "Multiple channel audio data and WAVE files"); 32-bit float stays tag 3.
 * Decoding walks chunks robustly (odd-size pad bytes, unknown chunks, a data size past EOF from a streaming
 * writer) and reads PCM 8/16/24/32-bit and IEEE float 32/64, plain or extensible.
 */

export type WavFormat = 'pcm16' | 'pcm24' | 'float32';

export interface PlanarAudio {
  sampleRate: number;
  channels: Float32Array[];
}

export interface EncodeWavOptions {
  /** Add triangular (TPDF) dither of ±1 LSB before rounding to PCM; seeded so output is reproducible. */
  dither?: boolean;
  ditherSeed?: number;
}

export class WavError extends Error {
  override readonly name = 'WavError';
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Trailing 14 bytes of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT after the 2-byte format tag. */
const SUBFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** Speaker positions in WAVEFORMATEXTENSIBLE order: FL FR FC LFE BL BR FLC FRC BC SL SR … */
const DEFAULT_CHANNEL_MASKS = [0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f];

const BITS: Record<WavFormat, number> = { pcm16: 16, pcm24: 24, float32: 32 };

function validateAudio(audio: PlanarAudio): number {
  const { sampleRate, channels } = audio;
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) throw new WavError(`Cannot write a WAV with sample rate ${sampleRate} Hz.`);
  if (channels.length < 1 || channels.length > 0xffff) throw new WavError(`Cannot write a WAV with ${channels.length} channels.`);
  const frames = channels[0]!.length;
  if (channels.some((c) => c.length !== frames)) throw new WavError('Cannot write a WAV whose channels differ in length.');
  return frames;
}

export function encodeWav(audio: PlanarAudio, format: WavFormat, options: EncodeWavOptions = {}): Uint8Array {
  const frames = validateAudio(audio);
  const header = wavHeaderFields(audio.sampleRate, audio.channels.length, frames, format);
  const bytes = new Uint8Array(header.size + header.dataSize + (header.dataSize & 1));
  const view = new DataView(bytes.buffer);
  writeHeader(bytes, view, header);
  writeSamples(view, header.size, audio.channels, format, options);
  return bytes;
}

/**
 * The header of a WAV of `frames` sample frames, for writing a file a block at a time: the header, then
 * encodeWavFrames of each block in order, then `padBytes` zero bytes (RIFF pads an odd-sized data chunk).
 */
export function encodeWavHeader(sampleRate: number, channelCount: number, frames: number, format: WavFormat): { bytes: Uint8Array; padBytes: number } {
  validateAudio({ sampleRate, channels: Array.from({ length: channelCount }, () => new Float32Array(0)) });
  const header = wavHeaderFields(sampleRate, channelCount, frames, format);
  const bytes = new Uint8Array(header.size);
  writeHeader(bytes, new DataView(bytes.buffer), header);
  return { bytes, padBytes: header.dataSize & 1 };
}

/** The samples of a block of frames, interleaved as in the data chunk (no dither: blocks would restart its sequence). */
export function encodeWavFrames(channels: Float32Array[], format: WavFormat): Uint8Array {
  const frames = validateAudio({ sampleRate: 1, channels });
  const bytes = new Uint8Array(frames * channels.length * (BITS[format] / 8));
  writeSamples(new DataView(bytes.buffer), 0, channels, format, {});
  return bytes;
}

interface HeaderFields extends FmtFields {
  fmtSize: number;
  frames: number;
  dataSize: number;
  /** Bytes before the samples. */
  size: number;
}

function wavHeaderFields(sampleRate: number, channelCount: number, frames: number, format: WavFormat): HeaderFields {
  if (!(format in BITS)) throw new WavError(`Unknown WAV format "${format}"; use one of ${Object.keys(BITS).join(', ')}.`);
  const bits = BITS[format];
  const extensible = channelCount > 2 || format === 'pcm24';
  const fmtSize = extensible ? 40 : format === 'float32' ? 18 : 16;
  // float32 plain WAVEFORMATEX carries cbSize = 0; PCM uses the 16-byte PCMWAVEFORMAT.
  const dataSize = frames * channelCount * (bits / 8);
  const size = 12 + 8 + fmtSize + (format === 'float32' ? 12 : 0) + 8;
  if (size - 8 + dataSize + (dataSize & 1) > 0xffffffff) throw new WavError('Audio is too long for a WAV file (over 4 GiB).');
  return { format, channelCount, sampleRate, bits, extensible, fmtSize, frames, dataSize, size };
}

function writeHeader(bytes: Uint8Array, view: DataView, h: HeaderFields): void {
  let o = writeAscii(bytes, 0, 'RIFF');
  view.setUint32(o, h.size - 8 + h.dataSize + (h.dataSize & 1), true);
  o = writeAscii(bytes, o + 4, 'WAVEfmt ');
  view.setUint32(o, h.fmtSize, true);
  o = writeFmt(view, o + 4, h);
  if (h.format === 'float32') {
    // Non-PCM WAVs need a fact chunk with the sample-frame count (RIFF MCI spec, 1991).
    o = writeAscii(bytes, o, 'fact');
    view.setUint32(o, 4, true);
    view.setUint32(o + 4, h.frames, true);
    o += 8;
  }
  o = writeAscii(bytes, o, 'data');
  view.setUint32(o, h.dataSize, true);
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}

interface FmtFields {
  format: WavFormat;
  channelCount: number;
  sampleRate: number;
  bits: number;
  extensible: boolean;
}

function writeFmt(view: DataView, offset: number, f: FmtFields): number {
  const tag = f.format === 'float32' ? FORMAT_FLOAT : FORMAT_PCM;
  const blockAlign = (f.channelCount * f.bits) / 8;
  view.setUint16(offset, f.extensible ? FORMAT_EXTENSIBLE : tag, true);
  view.setUint16(offset + 2, f.channelCount, true);
  view.setUint32(offset + 4, f.sampleRate, true);
  view.setUint32(offset + 8, f.sampleRate * blockAlign, true);
  view.setUint16(offset + 12, blockAlign, true);
  view.setUint16(offset + 14, f.bits, true);
  if (!f.extensible) {
    if (f.format !== 'float32') return offset + 16;
    view.setUint16(offset + 16, 0, true);
    return offset + 18;
  }
  view.setUint16(offset + 16, 22, true);
  view.setUint16(offset + 18, f.bits, true);
  view.setUint32(offset + 20, DEFAULT_CHANNEL_MASKS[f.channelCount - 1] ?? 0, true);
  view.setUint16(offset + 24, tag, true);
  SUBFORMAT_GUID_TAIL.forEach((b, i) => view.setUint8(offset + 26 + i, b));
  return offset + 40;
}

function writeSamples(view: DataView, offset: number, channels: Float32Array[], format: WavFormat, options: EncodeWavOptions): void {
  const channelCount = channels.length;
  const frames = channels[0]!.length;
  if (format === 'float32') {
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < channelCount; c++) view.setFloat32(offset + (i * channelCount + c) * 4, channels[c]![i]!, true);
    }
    return;
  }
  const bits = BITS[format];
  const fullScale = 2 ** (bits - 1);
  const dither = options.dither ? tpdfDither(options.ditherSeed ?? 1) : null;
  const bytesPerSample = bits / 8;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) {
      const x = channels[c]![i]!;
      // NaN becomes silence; ±1.0 maps to ±full scale and clips at the largest code; halves round away from
      // zero so positive and negative signals quantise symmetrically (Math.round would bias −x.5 upwards).
      const scaled = Number.isNaN(x) ? 0 : x * fullScale + (dither ? dither() : 0);
      const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
      const code = Math.max(-fullScale, Math.min(fullScale - 1, rounded));
      const at = offset + (i * channelCount + c) * bytesPerSample;
      if (bits === 16) view.setInt16(at, code, true);
      else {
        view.setUint8(at, code & 0xff);
        view.setUint8(at + 1, (code >> 8) & 0xff);
        view.setUint8(at + 2, (code >> 16) & 0xff);
      }
    }
  }
}

/** Sum of two independent uniforms in [−0.5, 0.5) LSB: triangular PDF over ±1 LSB (xorshift32 keeps src/media free of dsp). */
function tpdfDither(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296 - 0.5;
  };
  return () => uniform() + uniform();
}

interface FormatInfo {
  tag: number;
  channelCount: number;
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

/** Where a WAV file's samples are and how they are stored: enough to read any run of frames without the rest. */
export interface WavLayout extends FormatInfo {
  /** Byte offset of the first sample frame in the file. */
  dataOffset: number;
  /** Whole frames present (a partial last frame is ignored). */
  frames: number;
}

/** A byte range the header walk needs next; the caller answers with those bytes (fewer only at end of file). */
export interface ByteRequest {
  offset: number;
  length: number;
}

/**
 * Walks the RIFF chunks up to the data chunk, asking for each byte range it needs, so the same walk serves a whole
 * file in memory (decodeWav) and a file read piece by piece (src/media/wav-file.ts) without reading the samples.
 */
export function* walkWavHeader(fileSize: number): Generator<ByteRequest, WavLayout, Uint8Array> {
  if (fileSize === 0) throw new WavError('The WAV file is empty (0 bytes).');
  if (fileSize < 12) throw new WavError(`The WAV file is truncated: ${fileSize} bytes is shorter than a RIFF header.`);
  const head = yield { offset: 0, length: 12 };
  const id = readAscii(head, 0, 4);
  if (id === 'RF64') throw new WavError('RF64 (over 4 GiB) WAV files are not supported.');
  if (id !== 'RIFF' || readAscii(head, 8, 4) !== 'WAVE') throw new WavError('Not a WAV file: it does not start with a RIFF/WAVE header.');
  const riffSize = dataView(head).getUint32(4, true);
  let fmt: FormatInfo | null = null;
  let offset = 12;
  while (offset + 8 <= fileSize) {
    const chunk = yield { offset, length: 8 };
    const chunkId = readAscii(chunk, 0, 4);
    const size = dataView(chunk).getUint32(4, true);
    const body = offset + 8;
    if (chunkId === 'fmt ') {
      if (size < 16 || body + 16 > fileSize) throw new WavError('The WAV file is truncated: its fmt chunk is incomplete.');
      const fields = yield { offset: body, length: Math.min(size, 40, fileSize - body) };
      fmt = parseFmt(dataView(fields), size);
    } else if (chunkId === 'data') {
      if (!fmt) throw new WavError('The WAV file is malformed: the data chunk comes before any fmt chunk.');
      const dataBytes = dataChunkSize(size, fileSize - body, riffSize, fmt);
      return { ...fmt, dataOffset: body, frames: Math.floor(dataBytes / fmt.blockAlign) };
    }
    offset = body + size + (size & 1);
  }
  throw new WavError(fmt ? 'The WAV file is truncated: it has no data chunk.' : 'The WAV file is truncated: it has no fmt chunk.');
}

/** The layout of a WAV file held in memory. */
export function wavLayout(bytes: Uint8Array): WavLayout {
  const walk = walkWavHeader(bytes.length);
  let step = walk.next();
  while (!step.done) step = walk.next(bytes.subarray(step.value.offset, step.value.offset + step.value.length));
  return step.value;
}

/** Parses a WAV file into planar float32 in [−1, 1) (PCM) or as stored (float). Throws WavError with the reason. */
export function decodeWav(bytes: Uint8Array): PlanarAudio {
  const layout = wavLayout(bytes);
  const channels = Array.from({ length: layout.channelCount }, () => new Float32Array(layout.frames));
  decodeWavFrames(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.frames * layout.blockAlign), layout, channels, 0);
  return { sampleRate: layout.sampleRate, channels };
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The data size to read: the declared one, or the rest of the file when a streaming writer never filled the sizes in. */
function dataChunkSize(declared: number, available: number, riffSize: number, f: FormatInfo): number {
  const unknown = declared === 0xffffffff || (declared === 0 && (riffSize === 0 || riffSize === 0xffffffff));
  if (unknown) return available;
  // Tolerate a missing final pad or partial frame; anything shorter is a cut-off file.
  if (declared - available >= f.blockAlign) {
    throw new WavError(`The WAV file is truncated: its data chunk declares ${declared} bytes but only ${available} are present.`);
  }
  return Math.min(declared, available);
}

function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** `view` holds the fmt chunk's body (up to 40 bytes); `size` is the size the chunk declares. */
function parseFmt(view: DataView, size: number): FormatInfo {
  let tag = view.getUint16(0, true);
  const info = {
    channelCount: view.getUint16(2, true),
    sampleRate: view.getUint32(4, true),
    blockAlign: view.getUint16(12, true),
    bits: view.getUint16(14, true),
  };
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40 || view.byteLength < 40) throw new WavError('The WAV file is malformed: its extensible fmt chunk is shorter than 40 bytes.');
    tag = view.getUint16(24, true);
  }
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) throw new WavError(`Unsupported WAV encoding (format tag 0x${tag.toString(16)}); only PCM and IEEE float can be read.`);
  const supported = tag === FORMAT_PCM ? [8, 16, 24, 32] : [32, 64];
  if (!supported.includes(info.bits)) throw new WavError(`Unsupported WAV sample size: ${info.bits}-bit ${tag === FORMAT_PCM ? 'PCM' : 'float'}.`);
  if (info.channelCount < 1) throw new WavError('The WAV file is malformed: it declares 0 channels.');
  if (info.sampleRate < 1) throw new WavError('The WAV file is malformed: it declares a sample rate of 0 Hz.');
  if (info.blockAlign !== (info.channelCount * info.bits) / 8) {
    throw new WavError(`The WAV file is malformed: block align ${info.blockAlign} does not match ${info.channelCount} channels × ${info.bits} bits.`);
  }
  return { tag, ...info };
}

/**
 * Decodes whole frames from `data` (sample bytes starting at a frame boundary) into `channels` from index `at` on.
 * Returns how many samples were NaN or ±Infinity (only IEEE float can hold them); they are stored as read.
 */
export function decodeWavFrames(data: Uint8Array, f: FormatInfo, channels: Float32Array[], at: number): number {
  const frames = Math.floor(data.length / f.blockAlign);
  const { channelCount } = f;
  if (f.tag === FORMAT_FLOAT && f.bits === 32 && data.byteOffset % 4 === 0) {
    // The common case (and the measure benchmark's): read through an aligned Float32Array, not a DataView per sample.
    const samples = new Float32Array(data.buffer, data.byteOffset, frames * channelCount);
    let nonFinite = 0;
    for (let c = 0; c < channelCount; c++) {
      const out = channels[c]!;
      for (let i = 0, k = c; i < frames; i++, k += channelCount) {
        const x = samples[k]!;
        if (x - x !== 0) nonFinite++;
        out[at + i] = x;
      }
    }
    return nonFinite;
  }
  const view = dataView(data);
  const bytesPerSample = f.bits / 8;
  const read = sampleReader(view, f);
  let nonFinite = 0;
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c]!;
    for (let i = 0, p = c * bytesPerSample; i < frames; i++, p += f.blockAlign) {
      const x = read(p);
      if (x - x !== 0) nonFinite++;
      out[at + i] = x;
    }
  }
  return nonFinite;
}

function sampleReader(view: DataView, f: FormatInfo): (at: number) => number {
  if (f.tag === FORMAT_FLOAT) return f.bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  switch (f.bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128; // 8-bit WAV PCM is unsigned, centred on 128
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}
