/**
 * Unusual and hostile files (issue 11), made at test time by byte surgery on ffmpeg-made media
 * (e2e/hostile-fixtures.ts) and opened with the real demuxers and the FFmpeg-backed decoder, as the CLI does.
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from '../../e2e/fixtures';
import type { MakeVideoOptions } from '../../e2e/fixtures';
import {
  truncatedCopy, withDamagedMiddle, withDeclaredDuration, withNestedBoxes, withOpenEndedLastBox, withSpsLength, withTableCount,
  withTwoByteNalLengths,
} from '../../e2e/hostile-fixtures';
import { sampleFrames } from './frame-sampler';
import { openMp4 } from './mp4-demuxer';
import { installNodeWebCodecs } from './node-webcodecs';
import { MediaError, openVideo } from './video-source';
import type { SampledFrame } from './video-source';

installNodeWebCodecs();

/** A ceiling for ffmpeg plus decoding on a busy 2-core machine, not a speed assertion. */
const SLOW_MS = 120_000;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function clip(name: string, extra: Partial<MakeVideoOptions> = {}): Promise<string> {
  return makeVideo({ path: join(dir, name), durationSec: 1, width: 96, height: 64, fps: 12, codec: 'h264', container: 'mp4', motion: 'moving-box', ...extra });
}

async function frames(path: string, rates: number[]): Promise<SampledFrame[]> {
  const source = await openVideo(await openAsBlob(path));
  const out: SampledFrame[] = [];
  try {
    for await (const f of source.sampleFrames({ rates, width: 48, height: 32 })) out.push(f);
  } finally {
    source.close();
  }
  return out;
}

async function failure(run: () => Promise<unknown>): Promise<MediaError> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(MediaError);
    return e as MediaError;
  }
  throw new Error('expected a MediaError, but it succeeded');
}

describe('H.264 with 2-byte NAL unit lengths (avcC lengthSizeMinusOne = 1)', () => {
  it('decodes to the same pictures as the 4-byte original', async () => {
    const original = await clip('nal4.mp4');
    const rewritten = await withTwoByteNalLengths(original, join(dir, 'nal2.mp4'));
    const expected = await frames(original, [8]);
    const got = await frames(rewritten, [8]);
    expect(got.map((f) => f.frameIndex)).toEqual(expected.map((f) => f.frameIndex));
    got.forEach((f, i) => expect(f.data).toEqual(expected[i]!.data));
  }, SLOW_MS);

  it('keeps the decoder\'s first, real error when the native decoder closes itself', async () => {
    const rewritten = await withTwoByteNalLengths(await clip('nal4-raw.mp4'), join(dir, 'nal2-raw.mp4'));
    // Straight from the demuxer, without the 4-byte rewrite openVideo applies: FFmpeg refuses these samples.
    const demuxer = (await openMp4(await openAsBlob(rewritten)))!;
    const error = await failure(async () => {
      for await (const f of sampleFrames(demuxer, { rates: [8], width: 48, height: 32 })) expect(f).toBeUndefined();
    });
    expect(error.code).toBe('decode-failed');
    expect(error.message).not.toMatch(/closed codec/);
    expect(error.message).toMatch(/could not be decoded: .*Invalid data/);
  }, SLOW_MS);
});

describe('MP4 headers that disagree with the frames', () => {
  it('follows the 48 frames present, not a header that declares an hour', async () => {
    const original = await clip('two-seconds.mp4', { durationSec: 2, fps: 24 });
    const hour = await withDeclaredDuration(original, join(dir, 'declares-an-hour.mp4'), 3600);
    const source = await openVideo(await openAsBlob(hour));
    expect(source.info.durationSec).toBeCloseTo(2, 3);
    source.close();
    expect((await frames(hour, [8])).map((f) => f.frameIndex)).toEqual([...Array(16).keys()]);
  }, SLOW_MS);

  it.each([false, true])('opens a file whose last box has size 0, "to the end of the file" (faststart %s)', async (faststart) => {
    const original = await clip(`open-ended-${faststart}.mp4`, { faststart });
    const { path, type } = await withOpenEndedLastBox(original, join(dir, `open-ended-${faststart}-0.mp4`));
    expect(type).toBe(faststart ? 'mdat' : 'moov');
    const got = await frames(path, [8]);
    const expected = await frames(original, [8]);
    expect(got.length).toBe(8);
    got.forEach((f, i) => expect(f.data).toEqual(expected[i]!.data));
  }, SLOW_MS);
});

describe('a clip of a single frame', () => {
  it('gives one sample per rate (the frame on screen at t = 0)', async () => {
    const one = await clip('one-frame.mp4', { durationSec: 1 / 24, fps: 24 });
    const source = await openVideo(await openAsBlob(one));
    expect(source.info.durationSec).toBeCloseTo(1 / 24, 4);
    source.close();
    const got = await frames(one, [8, 24]);
    expect(got.map((f) => [f.rateIndex, f.frameIndex])).toEqual([[0, 0], [1, 0]]);
  }, SLOW_MS);
});

describe('WebM that ends early', () => {
  const webm = () => clip('two-seconds.webm', { durationSec: 2, fps: 24, codec: 'vp9', container: 'webm', audio: true });

  it('refuses a file damaged in the middle instead of a clip covering a fraction of the video', async () => {
    const damaged = await withDamagedMiddle(await webm(), join(dir, 'damaged.webm'));
    const error = await failure(async () => openVideo(await openAsBlob(damaged)));
    expect(error.code).toBe('damaged');
    expect(error.message).toMatch(/damaged: its readable frames end at 0\.\d\d s although it says it lasts 2\.01 s/);
  }, SLOW_MS);

  it.each([0.3, 0.9])('says a file cut at %s of its length is incomplete', async (fraction) => {
    const cut = await truncatedCopy(await webm(), join(dir, `cut-${fraction}.webm`), fraction);
    const error = await failure(async () => openVideo(await openAsBlob(cut)));
    expect(error.code).toBe('truncated');
    expect(error.message).toMatch(/incomplete/);
  }, SLOW_MS);
});

describe('a damaged MP4 index gets a plain reason, never the parser\'s internal text', () => {
  const withAudio = () => clip('with-audio.mp4', { audio: true });
  const INTERNAL = /DataView|typed array|call stack|undefined|Assertion|NaN/;

  it.each([
    // Each case gave the text in brackets before, straight from mp4box or Node.
    ['a sample table counting more entries than it holds [Offset is outside the bounds of the DataView]', async (p: string) => withTableCount(p, `${p}.stsz.mp4`, 'stsz', 0xffffff)],
    ['an SPS longer than its avcC box [Invalid typed array length]', async (p: string) => withSpsLength(p, `${p}.sps.mp4`, 0xffff)],
    ['boxes nested 20 000 deep [Maximum call stack size exceeded]', async (p: string) => withNestedBoxes(p, `${p}.nested.mp4`, 20_000)],
    ['fewer chunk offsets than chunks (NaN sample offsets: Node\'s Blob.slice aborted the process)', async (p: string) => withTableCount(p, `${p}.stco.mp4`, 'stco', 1)],
  ])('%s', async (_, damage) => {
    const path = await damage(await withAudio());
    const error = await failure(async () => {
      const source = await openVideo(await openAsBlob(path));
      try {
        for await (const f of source.sampleFrames({ rates: [8], width: 16, height: 16 })) expect(f.data.length).toBe(3 * 16 * 16);
        await source.decodeAudio();
      } finally {
        source.close();
      }
    });
    expect(error.code).toBe('damaged');
    expect(error.message).toMatch(/^This video file is damaged: /);
    expect(error.message).not.toMatch(INTERNAL);
  }, SLOW_MS);
});
