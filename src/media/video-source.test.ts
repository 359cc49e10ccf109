/**
 * openVideo end to end in Node on real files made by ffmpeg (e2e/fixtures.ts), decoded by @napi-rs/webcodecs.
 * Sync is checked from pixels: the fixture's white box moves a known step per source frame, so every sampled
 * frame reveals which source frame it is.
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beepAtSec, makeBadInputs, makeVideo, movingBoxX, movingBoxY, boxSizePx } from '../../e2e/fixtures';
import type { BadInputs, ContainerName, VideoCodecName } from '../../e2e/fixtures';
import { installNodeWebCodecs } from './node-webcodecs';
import { MediaError, openVideo } from './video-source';
import type { SampledFrame } from './video-source';

installNodeWebCodecs();

const W = 320;
const H = 240;
const FPS = 24;
const DURATION_SEC = 2;
/** A ceiling, not a speed assertion: ffmpeg encoding plus decoding on a busy 2-core machine. */
const SLOW_MS = 120_000;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-ingest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Wraps the global VideoDecoder so the test sees every frame handed out and can check each was closed. */
function trackDecodedFrames(): { frames: VideoFrame[]; restore: () => void } {
  const original = globalThis.VideoDecoder;
  const frames: VideoFrame[] = [];
  globalThis.VideoDecoder = new Proxy(original, {
    construct(target, [init]: [VideoDecoderInit]) {
      return new target({ ...init, output: (f) => { frames.push(f); init.output(f); } });
    },
  });
  return { frames, restore: () => { globalThis.VideoDecoder = original; } };
}

/** @napi-rs/webcodecs exposes `closed` (WebCodecs §9.4 [[Detached]]); the DOM typings do not list it. */
function isClosed(f: VideoFrame): boolean {
  return (f as unknown as { closed: boolean }).closed === true;
}

/** Left edge of the box on its middle row, in sampled-frame pixels (red plane). */
function boxLeftEdge(f: SampledFrame, width: number, height: number): number {
  const row = Math.round(((movingBoxY(H) + boxSizePx(H) / 2) / H) * height);
  return f.data.subarray(row * width, (row + 1) * width).findIndex((v) => v > 0.5);
}

async function video(codec: VideoCodecName, container: ContainerName, extra: { faststart?: boolean; audio?: boolean } = {}) {
  const name = `${codec}-${container}${extra.faststart ? '-fast' : ''}${extra.audio ? '-audio' : ''}.${container}`;
  return makeVideo({ path: join(dir, name), durationSec: DURATION_SEC, width: W, height: H, fps: FPS, codec, container, motion: 'moving-box', ...extra });
}

async function collect(path: string, rates: number[], width: number, height: number): Promise<SampledFrame[]> {
  const source = await openVideo(await openAsBlob(path));
  const out: SampledFrame[] = [];
  for await (const f of source.sampleFrames({ rates, width, height })) out.push(f);
  source.close();
  return out;
}

describe.each([
  ['h264', 'mp4', false],
  ['h264', 'mp4', true],
  ['h264', 'mov', false],
  ['vp9', 'webm', false],
  ['av1', 'mp4', false],
] as const)('%s in %s (faststart %s)', (codec, container, faststart) => {
  it('samples every rate in one pass at k/r with the frame on screen, closing every VideoFrame', async () => {
    const path = await video(codec, container, { faststart });
    const tracked = trackDecodedFrames();
    let frames: SampledFrame[];
    try {
      frames = await collect(path, [8, 24, 5], W, H);
    } finally {
      tracked.restore();
    }
    expect(tracked.frames.length).toBeGreaterThanOrEqual(DURATION_SEC * FPS - 1);
    expect(tracked.frames.every(isClosed)).toBe(true);
    [8, 24, 5].forEach((rate, rateIndex) => {
      const mine = frames.filter((f) => f.rateIndex === rateIndex);
      expect(mine.map((f) => f.frameIndex)).toEqual([...Array(DURATION_SEC * rate).keys()]);
      for (const f of mine) {
        expect(f.timeSec).toBeCloseTo(f.frameIndex / rate, 9);
        expect(f.data.length).toBe(3 * W * H);
        const shownFrame = Math.floor(f.timeSec * FPS + 1e-6);
        expect(Math.abs(boxLeftEdge(f, W, H) - movingBoxX(shownFrame, W, H))).toBeLessThanOrEqual(1);
      }
    });
  }, SLOW_MS);
});

describe('openVideo (Node)', () => {
  it('reports stream info', async () => {
    const source = await openVideo(await openAsBlob(await video('h264', 'mp4', { audio: true })));
    expect(source.info).toMatchObject({ width: W, height: H, container: 'mp4', hasAudio: true });
    expect(source.info.codec).toMatch(/^avc1\./);
    expect(source.info.durationSec).toBeCloseTo(DURATION_SEC, 3);
    source.close();
  }, SLOW_MS);

  it('turns a phone-style rotated MP4 upright (display size, box moving down the picture)', async () => {
    const path = await makeVideo({
      path: join(dir, 'rot90.mp4'), durationSec: 1, width: W, height: H, fps: FPS, codec: 'h264', container: 'mp4', rotateDeg: 90,
    });
    const source = await openVideo(await openAsBlob(path));
    expect(source.info).toMatchObject({ width: H, height: W, rotationDeg: 90 });
    // Clockwise 90°: source (x, y) lands at (H − 1 − y, x), so the box's left edge becomes its top edge.
    const column = H - movingBoxY(H) - Math.round(boxSizePx(H) / 2);
    for await (const f of source.sampleFrames({ rates: [8], width: H, height: W })) {
      let top = -1;
      for (let y = 0; y < W && top < 0; y++) if (f.data[y * H + column] > 0.5) top = y;
      expect(Math.abs(top - movingBoxX(Math.floor(f.timeSec * FPS + 1e-6), W, H))).toBeLessThanOrEqual(1);
    }
  }, SLOW_MS);

  it('resizes with an area filter: the box lands where it should at a smaller size', async () => {
    const frames = await collect(await video('h264', 'mp4'), [8], 80, 60);
    for (const f of frames) {
      const expected = (movingBoxX(Math.floor(f.timeSec * FPS + 1e-6), W, H) * 80) / W;
      expect(Math.abs(boxLeftEdge(f, 80, 60) - expected)).toBeLessThanOrEqual(1);
    }
  }, SLOW_MS);

  it.each(['mp4', 'webm'] as const)('decodes the %s audio track on the video timeline', async (container) => {
    const codec = container === 'webm' ? 'vp9' : 'h264';
    const source = await openVideo(await openAsBlob(await video(codec, container, { audio: true })));
    const audio = await source.decodeAudio();
    source.close();
    expect(audio).not.toBeNull();
    expect(audio!.sampleRate).toBe(48000);
    expect(audio!.channels).toHaveLength(2);
    expect(Math.abs(audio!.channels[0].length - DURATION_SEC * 48000)).toBeLessThan(2048);
    const loud = audio!.channels[0].findIndex((v) => Math.abs(v) > 0.4);
    // The burst starts at beepAtSec; a few ms of codec smearing is allowed (Opus/AAC pre-echo).
    expect(Math.abs(loud / 48000 - beepAtSec(DURATION_SEC))).toBeLessThan(0.01);
  }, SLOW_MS);

  it('returns null audio for a silent video', async () => {
    const source = await openVideo(await openAsBlob(await video('h264', 'mp4')));
    expect(source.info.hasAudio).toBe(false);
    expect(await source.decodeAudio()).toBeNull();
  }, SLOW_MS);

  it('stops promptly on abort and on an early break, closing every frame', async () => {
    const path = await video('h264', 'mp4');
    const tracked = trackDecodedFrames();
    try {
      const source = await openVideo(await openAsBlob(path));
      const controller = new AbortController();
      let seen = 0;
      const run = async () => {
        for await (const f of source.sampleFrames({ rates: [24], width: 32, height: 24, signal: controller.signal })) {
          if (++seen === 3) controller.abort();
          expect(f.frameIndex).toBeLessThan(3);
        }
      };
      await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
      for await (const f of source.sampleFrames({ rates: [24], width: 32, height: 24 })) {
        if (f.frameIndex === 5) break;
      }
    } finally {
      tracked.restore();
    }
    expect(tracked.frames.length).toBeGreaterThan(0);
    expect(tracked.frames.every(isClosed)).toBe(true);
  }, SLOW_MS);
});

describe('bad input', () => {
  let bad: BadInputs;
  beforeAll(async () => {
    bad = await makeBadInputs(join(dir, 'bad'));
  }, SLOW_MS);

  async function codeOf(path: string): Promise<string> {
    try {
      await openVideo(await openAsBlob(path));
      return 'opened';
    } catch (e) {
      expect(e).toBeInstanceOf(MediaError);
      expect((e as MediaError).message.length).toBeGreaterThan(20);
      return (e as MediaError).code;
    }
  }

  it('names each failure', async () => {
    expect(await codeOf(bad.empty)).toBe('empty-file');
    expect(await codeOf(bad.notAVideo)).toBe('not-a-video');
    expect(await codeOf(bad.truncated)).toBe('truncated');
    expect(await codeOf(bad.audioOnly)).toBe('no-video-track');
  }, SLOW_MS);

  it('names the codec it cannot decode', async () => {
    const path = join(dir, 'bad', 'mpeg4-part2.mp4');
    await import('node:child_process').then(({ execFileSync }) => execFileSync('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=black:s=160x120:r=24:d=1', '-c:v', 'mpeg4', path,
    ]));
    await expect(openVideo(await openAsBlob(path))).rejects.toMatchObject({ code: 'unsupported-codec', message: expect.stringContaining('mp4v') });
  }, SLOW_MS);

  it('decodes HEVC where the platform can (FFmpeg in Node does)', async () => {
    const source = await openVideo(await openAsBlob(bad.hevc));
    expect(source.info.codec).toMatch(/^hvc1/);
    const frames = [];
    for await (const f of source.sampleFrames({ rates: [8], width: 16, height: 12 })) frames.push(f);
    expect(frames).toHaveLength(8);
  }, SLOW_MS);
});
