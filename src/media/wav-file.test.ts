import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, type WavFormat } from './wav';
import { WavFileReader } from './wav-file';

const dir = mkdtempSync(join(tmpdir(), 'wav-file-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tone = (frames: number, c: number): Float32Array => Float32Array.from({ length: frames }, (_, i) => 0.7 * Math.sin((i * (c + 1)) / 13));

/** A WAV with a 3 MB LIST chunk (odd-sized, so padded) between fmt and data, as some editors write. */
function withBigChunk(wav: Uint8Array): Uint8Array {
  const fmtEnd = 12 + 8 + new DataView(wav.buffer).getUint32(16, true);
  const listSize = 3 * 1024 * 1024 + 1;
  const out = new Uint8Array(wav.length + 8 + listSize + 1);
  out.set(wav.subarray(0, fmtEnd));
  const view = new DataView(out.buffer);
  out.set([0x4c, 0x49, 0x53, 0x54], fmtEnd); // "LIST"
  view.setUint32(fmtEnd + 4, listSize, true);
  out.set(wav.subarray(fmtEnd), fmtEnd + 8 + listSize + 1);
  view.setUint32(4, out.length - 8, true);
  return out;
}

async function readInBlocks(file: string, blockFrames: number): Promise<{ channels: Float32Array[]; nonFinite: number }> {
  const reader = await WavFileReader.open(file);
  try {
    const channels = Array.from({ length: reader.layout.channelCount }, () => new Float32Array(reader.layout.frames));
    let nonFinite = 0;
    for (let start = 0; start < reader.layout.frames; start += blockFrames) {
      const block = await reader.read(start, blockFrames);
      block.channels.forEach((c, k) => channels[k]!.set(c, start));
      nonFinite += block.nonFinite;
    }
    return { channels, nonFinite };
  } finally {
    await reader.close();
  }
}

describe('WavFileReader: a WAV read block by block equals the whole-file decode', () => {
  it.each<[WavFormat, number]>([
    ['pcm16', 1],
    ['pcm24', 2],
    ['float32', 2],
    ['float32', 6],
  ])('%s × %i channels, behind a 3 MB chunk, in blocks of 1000 frames', async (format, channelCount) => {
    const bytes = withBigChunk(encodeWav({ sampleRate: 44100, channels: Array.from({ length: channelCount }, (_, c) => tone(10007, c)) }, format));
    const file = join(dir, `${format}-${channelCount}.wav`);
    writeFileSync(file, bytes);
    const whole = decodeWav(bytes);
    const streamed = await readInBlocks(file, 1000);
    expect(streamed.channels).toEqual(whole.channels);
    expect(streamed.nonFinite).toBe(0);
  });

  it('counts NaN and infinite float samples', async () => {
    const channel = tone(5000, 0);
    channel[10] = Number.NaN;
    channel[4999] = Number.NEGATIVE_INFINITY;
    const file = join(dir, 'nan.wav');
    writeFileSync(file, encodeWav({ sampleRate: 48000, channels: [channel] }, 'float32'));
    expect((await readInBlocks(file, 777)).nonFinite).toBe(2);
  });

  it('reads only the frames asked for, and fewer at the end', async () => {
    const file = join(dir, 'head.wav');
    writeFileSync(file, encodeWav({ sampleRate: 48000, channels: [tone(3000, 0)] }, 'pcm16'));
    const reader = await WavFileReader.open(file);
    expect((await reader.read(2500, 1000)).frames).toBe(500);
    expect((await reader.read(0, 100)).channels[0]).toEqual(decodeWav(encodeWav({ sampleRate: 48000, channels: [tone(3000, 0)] }, 'pcm16')).channels[0]!.subarray(0, 100));
    await reader.close();
  });

  it('refuses what decodeWav refuses, with the same reason', async () => {
    const file = join(dir, 'cut.wav');
    writeFileSync(file, encodeWav({ sampleRate: 48000, channels: [tone(1000, 0)] }, 'pcm16').subarray(0, 30));
    await expect(WavFileReader.open(file)).rejects.toThrow(/truncated/);
    writeFileSync(file, 'not a wav at all');
    await expect(WavFileReader.open(file)).rejects.toThrow(/Not a WAV file/);
  });
});
