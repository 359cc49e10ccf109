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
import { withTwoByteNalLengths } from '../../e2e/hostile-fixtures';
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
