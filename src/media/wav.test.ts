import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WavError, decodeWav, encodeWav, encodeWavFrames, encodeWavHeader, type WavFormat } from './wav';

const dir = mkdtempSync(join(tmpdir(), 'wav-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sineChannels(channelCount: number, frames: number, sampleRate: number): Float32Array[] {
  return Array.from({ length: channelCount }, (_, c) =>
    Float32Array.from({ length: frames }, (_, i) => 0.8 * Math.sin((2 * Math.PI * (220 * (c + 1)) * i) / sampleRate)),
  );
}

interface ProbedStream {
  codec_name: string;
  sample_rate: string;
  channels: number;
  bits_per_sample: number;
  duration_ts: number;
}

function ffprobe(path: string): ProbedStream {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', path], { encoding: 'utf8' });
  return (JSON.parse(out) as { streams: ProbedStream[] }).streams[0]!;
}

/** ffmpeg's own decode of a file to planar-free interleaved float32. */
function ffmpegSamples(path: string): Float32Array {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-']);
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

describe('encodeWav', () => {
  const cases: [WavFormat, number, string, number, number][] = [
    ['pcm16', 1, 'pcm_s16le', 16, 1 / 32768],
    ['pcm16', 2, 'pcm_s16le', 16, 1 / 32768],
    ['pcm24', 2, 'pcm_s24le', 24, 1 / 8388608],
    ['float32', 2, 'pcm_f32le', 32, 0],
    ['pcm16', 6, 'pcm_s16le', 16, 1 / 32768],
    ['float32', 6, 'pcm_f32le', 32, 0],
  ];
  for (const [format, channelCount, codec, bits, lsb] of cases) {
    it(`writes ${format} × ${channelCount} ch that ffprobe reads as ${codec} and ffmpeg decodes to the same samples`, () => {
      const frames = 4410;
      const audio = { sampleRate: 44_100, channels: sineChannels(channelCount, frames, 44_100) };
      const path = join(dir, `${format}-${channelCount}.wav`);
      writeFileSync(path, encodeWav(audio, format));
      const probed = ffprobe(path);
      expect(probed.codec_name).toBe(codec);
      expect(Number(probed.sample_rate)).toBe(44_100);
      expect(probed.channels).toBe(channelCount);
      expect(probed.bits_per_sample).toBe(bits);
      expect(probed.duration_ts).toBe(frames);
      const decoded = ffmpegSamples(path);
      expect(decoded.length).toBe(frames * channelCount);
      let worst = 0;
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channelCount; c++) worst = Math.max(worst, Math.abs(decoded[i * channelCount + c]! - audio.channels[c]![i]!));
      }
      expect(worst).toBeLessThanOrEqual(lsb / 2 + 1e-9);
    }, 30_000);
  }

  it('uses WAVE_FORMAT_EXTENSIBLE exactly for > 2 channels or 24-bit', () => {
    const tag = (bytes: Uint8Array): number => new DataView(bytes.buffer).getUint16(20, true);
    const audio = (n: number) => ({ sampleRate: 48_000, channels: sineChannels(n, 10, 48_000) });
    expect(tag(encodeWav(audio(2), 'pcm16'))).toBe(1);
    expect(tag(encodeWav(audio(2), 'float32'))).toBe(3);
    expect(tag(encodeWav(audio(6), 'float32'))).toBe(0xfffe);
    expect(tag(encodeWav(audio(2), 'pcm24'))).toBe(0xfffe);
    expect(tag(encodeWav(audio(3), 'pcm16'))).toBe(0xfffe);
  });

  it('rounds to nearest and clips at full scale', () => {
    const channels = [Float32Array.from([0, 1.5 / 32768, -1.5 / 32768, 1, -1, 2, -2, Number.NaN])];
    const bytes = encodeWav({ sampleRate: 8000, channels }, 'pcm16');
    const codes = Array.from({ length: 8 }, (_, i) => new DataView(bytes.buffer).getInt16(44 + 2 * i, true));
    expect(codes).toEqual([0, 2, -2, 32767, -32768, 32767, -32768, 0]);
  });

  it('dithers with ±1 LSB triangular noise, reproducibly', () => {
    const channels = [new Float32Array(20_000).fill(0.25 / 32768)];
    const a = decodeWav(encodeWav({ sampleRate: 8000, channels }, 'pcm16', { dither: true, ditherSeed: 3 })).channels[0]!;
    const b = decodeWav(encodeWav({ sampleRate: 8000, channels }, 'pcm16', { dither: true, ditherSeed: 3 })).channels[0]!;
    expect(a).toEqual(b);
    const codes = Array.from(a, (v) => Math.round(v * 32768));
    expect(Math.min(...codes)).toBe(-1);
    expect(Math.max(...codes)).toBe(1);
    // Dither makes the mean of the codes track the sub-LSB input (0.25) instead of rounding it away to 0.
    expect(codes.reduce((s, v) => s + v, 0) / codes.length).toBeCloseTo(0.25, 1);
  });

  it('refuses audio it cannot represent', () => {
    expect(() => encodeWav({ sampleRate: 44_100, channels: [] }, 'pcm16')).toThrow(WavError);
    expect(() => encodeWav({ sampleRate: 0, channels: [new Float32Array(1)] }, 'pcm16')).toThrow(/sample rate/);
    expect(() => encodeWav({ sampleRate: 8000, channels: [new Float32Array(1), new Float32Array(2)] }, 'pcm16')).toThrow(/differ in length/);
    expect(() => encodeWav({ sampleRate: 8000, channels: [new Float32Array(1)] }, 'mp3' as WavFormat)).toThrow(/Unknown WAV format/);
  });
});

describe('decodeWav', () => {
  it('round-trips every format it writes', () => {
    for (const format of ['pcm16', 'pcm24', 'float32'] as const) {
      const audio = { sampleRate: 32_000, channels: sineChannels(3, 1000, 32_000) };
      const back = decodeWav(encodeWav(audio, format));
      expect(back.sampleRate).toBe(32_000);
      expect(back.channels.length).toBe(3);
      const tolerance = format === 'float32' ? 0 : format === 'pcm16' ? 1 / 65536 : 1 / 16777216;
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < 1000; i++) expect(Math.abs(back.channels[c]![i]! - audio.channels[c]![i]!)).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  for (const [codec, tolerance] of [
    ['pcm_u8', 1 / 128],
    ['pcm_s16le', 1 / 32768],
    ['pcm_s24le', 1 / 8388608],
    ['pcm_s32le', 1e-7],
    ['pcm_f32le', 0],
    ['pcm_f64le', 1e-7],
  ] as const) {
    it(`reads ffmpeg's ${codec} like ffmpeg does`, () => {
      const path = join(dir, `${codec}.wav`);
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=0.1', '-af', 'volume=0.9', '-ac', '2', '-c:a', codec, path]);
      const decoded = decodeWav(readFileSync(path));
      const reference = ffmpegSamples(path);
      expect(decoded.sampleRate).toBe(22_050);
      expect(decoded.channels.length).toBe(2);
      expect(decoded.channels[0]!.length * 2).toBe(reference.length);
      let worst = 0;
      for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(decoded.channels[i % 2]![i >> 1]! - reference[i]!));
      expect(worst).toBeLessThanOrEqual(tolerance);
    }, 30_000);
  }

  it('skips unknown and odd-sized chunks', () => {
    const wav = encodeWav({ sampleRate: 8000, channels: [Float32Array.from([0.5, -0.5])] }, 'pcm16');
    const extra = new Uint8Array([...'LIST'].map((ch) => ch.charCodeAt(0)).concat([3, 0, 0, 0, 1, 2, 3, 0]));
    const spliced = new Uint8Array(wav.length + extra.length);
    spliced.set(wav.subarray(0, 36));
    spliced.set(extra, 36);
    spliced.set(wav.subarray(36), 36 + extra.length);
    new DataView(spliced.buffer).setUint32(4, spliced.length - 8, true);
    expect(Array.from(decodeWav(spliced).channels[0]!)).toEqual([0.5, -0.5]);
  });

  it('reads a streamed WAV whose sizes were never filled in', () => {
    const wav = encodeWav({ sampleRate: 8000, channels: [Float32Array.from([0.25, 0.5, 0.75])] }, 'pcm16');
    const view = new DataView(wav.buffer);
    view.setUint32(4, 0xffffffff, true);
    view.setUint32(40, 0xffffffff, true);
    expect(Array.from(decodeWav(wav).channels[0]!)).toEqual([0.25, 0.5, 0.75]);
  });

  it('explains empty, garbage and truncated input', () => {
    const wav = encodeWav({ sampleRate: 8000, channels: [new Float32Array(100)] }, 'pcm16');
    expect(() => decodeWav(new Uint8Array(0))).toThrow(/empty/);
    expect(() => decodeWav(new TextEncoder().encode('this is not audio at all'))).toThrow(/Not a WAV file/);
    expect(() => decodeWav(wav.subarray(0, 8))).toThrow(/truncated/);
    expect(() => decodeWav(wav.subarray(0, 30))).toThrow(/truncated.*fmt/);
    expect(() => decodeWav(wav.subarray(0, 36))).toThrow(/no data chunk/);
    expect(() => decodeWav(wav.subarray(0, 120))).toThrow(/declares 200 bytes but only 76/);
    const mp3ish = wav.slice();
    new DataView(mp3ish.buffer).setUint16(20, 0x55, true);
    expect(() => decodeWav(mp3ish)).toThrow(/format tag 0x55/);
    for (const bad of [new Uint8Array(0), wav.subarray(0, 30)]) expect(() => decodeWav(bad)).toThrow(WavError);
  });
});

describe('encodeWavHeader + encodeWavFrames (a WAV written a block at a time)', () => {
  for (const [format, channelCount, frames] of [['pcm16', 2, 1000], ['pcm24', 1, 1001], ['float32', 3, 777]] as const) {
    it(`give the bytes of encodeWav: ${format}, ${channelCount} ch, ${frames} frames`, () => {
      const channels = Array.from({ length: channelCount }, (_, c) => Float32Array.from({ length: frames }, (_, i) => Math.sin(0.05 * i + c) * 0.9));
      const { bytes: header, padBytes } = encodeWavHeader(44100, channelCount, frames, format);
      const blocks = [0, 300, 301, frames].slice(0, -1).map((from, k, starts) => encodeWavFrames(channels.map((c) => c.subarray(from, starts[k + 1] ?? frames)), format));
      const joined = new Uint8Array([...header, ...blocks.flatMap((b) => [...b]), ...new Uint8Array(padBytes)]);
      expect(padBytes).toBe(format === 'pcm24' ? 1 : 0);
      expect(joined).toEqual(encodeWav({ sampleRate: 44100, channels }, format));
    });
  }
});
