/**
 * Time zero is the container's, for every demuxer (issue 11: "exactly as long as the video"): the clip spans 0 … the
 * end of the last video frame, frames are sampled at absolute times (the first frame stands in before it appears),
 * and the audio stays on the same clock. Both files below start their video after 0, as ffmpeg writes them; each
 * is compared with the same encoded pictures starting at 0, so the expected picture at every sample time is known.
 */
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beepAtSec, makeVideo } from '../../e2e/fixtures';
import { installNodeWebCodecs } from './node-webcodecs';
import { openVideo } from './video-source';
import type { SampledFrame } from './video-source';

installNodeWebCodecs();

const run = promisify(execFile);
/** A ceiling for ffmpeg plus decoding on a busy 2-core machine, not a speed assertion. */
const SLOW_MS = 120_000;
const FPS = 12;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'time-zero-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ffmpeg(...args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** Where ffprobe says the first video stream starts, in seconds. */
async function videoStartSec(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=start_time', '-of', 'csv=p=0', path]);
  return Number(stdout.trim());
}

async function open(path: string): Promise<{ durationSec: number; frames: SampledFrame[] }> {
  const source = await openVideo(await openAsBlob(path));
  const frames: SampledFrame[] = [];
  try {
    for await (const f of source.sampleFrames({ rates: [FPS], width: 48, height: 32 })) frames.push(f);
    return { durationSec: source.info.durationSec, frames };
  } finally {
    source.close();
  }
}

/**
 * Samples k = 0 … floor(durationSec·FPS) − 1 of `late` (video starting `delayFrames` frames after 0, less than one
 * frame for the WebM) show the pictures `atZero` shows at k − delayFrames (its first before that).
 */
function expectShiftedPictures(late: { durationSec: number; frames: SampledFrame[] }, atZero: SampledFrame[], delayFrames: number): void {
  expect(late.frames.map((f) => f.frameIndex)).toEqual([...Array(Math.floor(late.durationSec * FPS + 1e-6)).keys()]);
  late.frames.forEach((f, k) => expect(f.data, `sample ${k}`).toEqual(atZero[Math.max(0, k - delayFrames)]!.data));
}

describe('container time zero', () => {
  it('keeps a fragmented MP4\'s first frame at 0.167 s (B-frame delay, no edit list): 1.167 s, not 1.000 s', async () => {
    const atZero = await makeVideo({ path: join(dir, 'h264.mp4'), durationSec: 1, width: 96, height: 64, fps: FPS, codec: 'h264', container: 'mp4' });
    const fragmented = join(dir, 'fragmented.mp4');
    await ffmpeg('-i', atZero, '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', fragmented);
    const startSec = await videoStartSec(fragmented);
    expect(startSec).toBeCloseTo(2 / FPS, 4);
    const late = await open(fragmented);
    expect(late.durationSec).toBeCloseTo(1 + startSec, 3);
    expectShiftedPictures(late, (await open(atZero)).frames, 2);
  }, SLOW_MS);

  it('keeps ffmpeg\'s WebM video at 0.007 s beside Opus pre-skip before 0, with the audio on the same clock', async () => {
    const withOpus = await makeVideo({ path: join(dir, 'vp9-opus.webm'), durationSec: 1, width: 96, height: 64, fps: FPS, codec: 'vp9', container: 'webm', audio: true });
    // The same pictures starting at 0 (no audio, so ffmpeg has no negative pre-skip to shift away).
    const atZero = join(dir, 'vp9-opus-video-only.webm');
    await ffmpeg('-i', withOpus, '-map', '0:v', '-c', 'copy', '-avoid_negative_ts', 'make_zero', atZero);
    expect(await videoStartSec(atZero)).toBe(0);
    const startSec = await videoStartSec(withOpus);
    expect(startSec).toBeGreaterThan(0.0005);
    expect(startSec).toBeLessThan(1 / FPS);

    const late = await open(withOpus);
    expect(late.durationSec).toBeCloseTo(1 + startSec, 3);
    // At t = k/12 picture k is still 7 ms away: picture k − 1 is on screen.
    expectShiftedPictures(late, (await open(atZero)).frames, 1);

    const source = await openVideo(await openAsBlob(withOpus));
    const audio = (await source.decodeAudio())!;
    source.close();
    // ffmpeg shifted audio and video alike, so the burst is as late as the pictures (plus a ms of Opus smearing).
    const burstSec = audio.channels[0]!.findIndex((v) => Math.abs(v) > 0.4) / audio.sampleRate;
    expect(Math.abs(burstSec - (beepAtSec(1) + startSec))).toBeLessThan(0.002);
  }, SLOW_MS);
});
