/**
 * The media code in real headless Chromium, inside a Worker (bench/ingest-browser.ts bundles and serves it):
 * frame counts and the moving box's position per sampled frame (sync), the audio track, thumbnails, and
 * 'unsupported-codec' for HEVC (Debian's Chromium ships without an HEVC decoder).
 * Run: npx vitest run e2e/media-ingest.e2e.test.ts --testTimeout=180000 (or with -c e2e/vitest.config.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestBrowser } from '../bench/ingest-browser';
import type { IngestBrowser } from '../bench/ingest-browser';
import type { IngestReply } from '../bench/ingest-worker';
import { beepAtSec, boxSizePx, makeBadInputs, makeVideo, movingBoxX, movingBoxY } from './fixtures';

const W = 320;
const H = 240;
const FPS = 24;
const DURATION_SEC = 2;
const PROBE_ROW = movingBoxY(H) + boxSizePx(H) / 2;

let dir = '';
let browser: IngestBrowser;
/** Where each file's video starts on the container's clock (ffprobe): ffmpeg's WebM with Opus starts it at 7 ms. */
const videoStartSec: Record<string, number> = {};

/**
 * The source frame on screen at `timeSec` (container time, as the <video> element plays it): the first frame
 * stands in before it appears.
 */
function shownFrame(timeSec: number, file: string): number {
  return Math.max(0, Math.floor((timeSec - (videoStartSec[file] ?? 0)) * FPS + 1e-6));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-ingest-e2e-'));
  const common = { durationSec: DURATION_SEC, width: W, height: H, fps: FPS, motion: 'moving-box' as const, audio: true };
  const files = [
    await makeVideo({ ...common, path: join(dir, 'h264.mp4'), codec: 'h264', container: 'mp4' }),
    await makeVideo({ ...common, path: join(dir, 'vp9.webm'), codec: 'vp9', container: 'webm' }),
    await makeVideo({ ...common, path: join(dir, 'rot90.mp4'), codec: 'h264', container: 'mp4', audio: false, rotateDeg: 90 }),
  ];
  for (const path of files) {
    const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=start_time', '-of', 'csv=p=0', path]);
    videoStartSec[path.slice(dir.length + 1)] = Number(stdout.trim());
  }
  const bad = await makeBadInputs(join(dir, 'bad'));
  browser = await startIngestBrowser([...files, bad.hevc, bad.truncated, bad.notAVideo, bad.audioOnly, bad.empty]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

function result(reply: IngestReply): Extract<IngestReply, { type: 'result' }> {
  if (reply.type === 'error') throw new Error(`ingest failed: ${reply.code}: ${reply.message}`);
  return reply;
}

describe.each(['h264.mp4', 'vp9.webm'])('%s in a Chromium worker', (file) => {
  it('samples 8 and 24 fps in one pass; each frame shows the box where the source had it', async () => {
    const reply = result(await browser.run({ file, rates: [8, 24], width: W, height: H, probeRow: PROBE_ROW, audio: true, thumbnails: 4 }));
    [8, 24].forEach((rate, rateIndex) => {
      const frames = reply.frames.filter((f) => f.rateIndex === rateIndex);
      expect(frames.map((f) => f.frameIndex)).toEqual([...Array(DURATION_SEC * rate).keys()]);
      for (const f of frames) {
        expect(f.timeSec).toBeCloseTo(f.frameIndex / rate, 9);
        const shown = shownFrame(f.timeSec, file);
        expect(Math.abs(f.edgeX - movingBoxX(shown, W, H)), `rate ${rate} frame ${f.frameIndex}`).toBeLessThanOrEqual(1);
      }
    });
    expect(reply.audio).toMatchObject({ sampleRate: 48000, channelCount: 2 });
    // ffmpeg delays audio and video alike (Opus pre-skip), so the burst is as late as the pictures.
    expect(Math.abs(reply.audio!.firstLoudSample / 48000 - (beepAtSec(DURATION_SEC) + (videoStartSec[file] ?? 0)))).toBeLessThan(0.01);
    expect(reply.thumbnails.map((t) => [t.width, t.height])).toEqual(Array(4).fill([64, 48]));
  });

  it('keeps sync when the GPU path downsizes the frames', async () => {
    const reply = result(await browser.run({ file, rates: [8], width: 80, height: 60, probeRow: PROBE_ROW / 4, audio: false, thumbnails: 0 }));
    expect(reply.frames).toHaveLength(DURATION_SEC * 8);
    for (const f of reply.frames) {
      const expected = movingBoxX(shownFrame(f.timeSec, file), W, H) / 4;
      expect(Math.abs(f.edgeX - expected)).toBeLessThanOrEqual(1);
    }
  });
});

describe('rotated (phone-style) MP4 in a Chromium worker', () => {
  it('comes out upright: display size, and the box moves down the picture', async () => {
    // Clockwise 90°: source (x, y) lands at (H − 1 − y, x), so the box's left edge becomes its top edge.
    const probeColumn = H - movingBoxY(H) - Math.round(boxSizePx(H) / 2);
    const reply = result(await browser.run({ file: 'rot90.mp4', rates: [8], width: H, height: W, probeRow: -1, probeColumn, audio: false, thumbnails: 2 }));
    expect(reply.info).toMatchObject({ width: H, height: W, rotationDeg: 90 });
    expect(reply.frames).toHaveLength(DURATION_SEC * 8);
    for (const f of reply.frames) {
      expect(Math.abs(f.edgeY - movingBoxX(Math.floor(f.timeSec * FPS + 1e-6), W, H)), `frame ${f.frameIndex}`).toBeLessThanOrEqual(1);
    }
    expect(reply.thumbnails.map((t) => [t.width, t.height])).toEqual([[36, 48], [36, 48]]);
  });
});

describe('bad input in Chromium', () => {
  it.each([
    ['hevc.mp4', 'unsupported-codec'],
    ['truncated.mp4', 'truncated'],
    ['not-a-video.mp4', 'not-a-video'],
    ['audio-only.mp4', 'no-video-track'],
    ['empty.mp4', 'empty-file'],
  ])('%s → %s', async (file, code) => {
    const reply = await browser.run({ file, rates: [8], width: 32, height: 24, probeRow: -1, audio: false, thumbnails: 0 });
    expect(reply).toMatchObject({ type: 'error', code });
  });
});
