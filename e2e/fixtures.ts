/**
 * Test media made with the system ffmpeg (present on dev machines and in CI), shared by every test that needs
 * real video files. Nothing here is checked in: tests call these at run time into a tmp dir.
 *
 * The 'moving-box' motion is a white square on black whose left edge sits at `movingBoxX(frameIndex, ...)`:
 * tests recover the displayed frame from pixels, which is how frame sampling and A/V sync are verified.
 * With `audio: true` the file has a stereo tone that is quiet except for a loud burst at `beepAtSec(...)`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const run = promisify(execFile);

export type VideoCodecName = 'h264' | 'vp9' | 'av1' | 'hevc';
export type ContainerName = 'mp4' | 'mov' | 'webm';

export interface MakeVideoOptions {
  path: string;
  durationSec: number;
  width: number;
  height: number;
  fps: number;
  codec: VideoCodecName;
  container: ContainerName;
  /** Stereo 48 kHz tone with a 100 ms burst at beepAtSec(durationSec); AAC in mp4/mov, Opus in webm. */
  audio?: boolean;
  /**
   * 'static': black; 'still-picture': SMPTE colour bars, a picture with content and no motion at all; 'drops': a box
   * falls under gravity and lands on the floor at dropImpactTimes(durationSec), again and again.
   */
  motion?: 'moving-box' | 'static' | 'still-picture' | 'drops';
  /** MP4/MOV only: put the moov box first (ffmpeg's default puts it after mdat). */
  faststart?: boolean;
  /** MP4/MOV only: clockwise display rotation stored in the track matrix, as phones do (pixels stay unrotated). */
  rotateDeg?: 90 | 180 | 270;
}

/** Side of the moving square in pixels. */
export function boxSizePx(height: number): number {
  return Math.max(8, Math.round(height / 4));
}

/** Pixels the box moves per frame; it wraps around so long videos stay inside the picture. */
export function boxStepPx(width: number): number {
  return Math.max(4, Math.round(width / 40));
}

/** Left edge (px) of the box in source frame `frameIndex` (frame n is shown from n/fps). */
export function movingBoxX(frameIndex: number, width: number, height: number): number {
  const span = width - boxSizePx(height);
  return (frameIndex * boxStepPx(width)) % span;
}

/** Top edge (px) of the box: vertically centred. */
export function movingBoxY(height: number): number {
  return Math.round((height - boxSizePx(height)) / 2);
}

/** Start of the loud 100 ms audio burst. */
export function beepAtSec(durationSec: number): number {
  return Math.round(durationSec * 0.5 * 10) / 10;
}

const VIDEO_ARGS: Record<VideoCodecName, string[]> = {
  h264: ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
  hevc: ['-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error'],
  vp9: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', '-pix_fmt', 'yuv420p'],
  av1: ['-c:v', 'libsvtav1', '-preset', '12', '-pix_fmt', 'yuv420p'],
};

/** 'drops' motion: a new drop starts every DROP_PERIOD_SEC and takes DROP_FALL_SEC to land. */
const DROP_PERIOD_SEC = 0.9;
const DROP_FALL_SEC = 0.35;

/** Times (s) at which the falling box of the 'drops' motion hits the floor. */
export function dropImpactTimes(durationSec: number): number[] {
  const times: number[] = [];
  for (let t = DROP_FALL_SEC; t < durationSec; t += DROP_PERIOD_SEC) times.push(Math.round(t * 1000) / 1000);
  return times;
}

function dropsFilter(o: MakeVideoOptions, bg: string): string {
  const box = boxSizePx(o.height);
  const floor = o.height - box;
  // y = floor·(τ / fall)² during the fall (τ = time since the drop started), then resting on the floor.
  const tau = `mod(t\\,${DROP_PERIOD_SEC})`;
  const y = `min(${floor}\\,${floor}*pow(${tau}/${DROP_FALL_SEC}\\,2))`;
  return `${bg}[bg];color=white:s=${box}x${box}:r=${o.fps}[box];[bg][box]overlay=x=${Math.round((o.width - box) / 2)}:y='${y}':shortest=1`;
}

function videoFilter(o: MakeVideoOptions): string {
  const size = `${o.width}x${o.height}`;
  const bg = `color=black:s=${size}:r=${o.fps}:d=${o.durationSec}`;
  if (o.motion === 'static') return `${bg}`;
  if (o.motion === 'still-picture') return `smptebars=s=${size}:r=${o.fps}:d=${o.durationSec}`;
  if (o.motion === 'drops') return dropsFilter(o, bg);
  const box = boxSizePx(o.height);
  const span = o.width - box;
  // overlay's `n` starts at 1 in ffmpeg 5.1, so the frame index is derived from t (exact at frame starts).
  const x = `mod(floor(t*${o.fps}+0.5)*${boxStepPx(o.width)}\\,${span})`;
  return `${bg}[bg];color=white:s=${box}x${box}:r=${o.fps}[box];[bg][box]overlay=x='${x}':y=${movingBoxY(o.height)}:shortest=1`;
}

function audioSource(durationSec: number): string {
  const b = beepAtSec(durationSec);
  const tone = `if(between(t\\,${b}\\,${b + 0.1})\\,0.8\\,0.05)*sin(2*PI*440*t)`;
  return `aevalsrc='${tone}|${tone}':s=48000:d=${durationSec}`;
}

/** Writes a synthetic video with ffmpeg; resolves to its path. */
export async function makeVideo(o: MakeVideoOptions): Promise<string> {
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', videoFilter(o)];
  if (o.audio) args.push('-f', 'lavfi', '-i', audioSource(o.durationSec));
  args.push(...VIDEO_ARGS[o.codec], '-g', String(Math.max(1, o.fps * 2)));
  if (o.audio) args.push(...(o.container === 'webm' ? ['-c:a', 'libopus', '-b:a', '96k'] : ['-c:a', 'aac', '-b:a', '128k']));
  if (o.faststart && o.container !== 'webm') args.push('-movflags', '+faststart');
  const rotate = o.rotateDeg && o.container !== 'webm';
  const encodedPath = rotate ? `${o.path}.unrotated.${o.container}` : o.path;
  args.push('-t', String(o.durationSec), encodedPath);
  await run('ffmpeg', args, { maxBuffer: 16 * 1024 * 1024 });
  if (rotate) {
    // ffmpeg 5.1 only writes the rotate tag into the track matrix when stream-copying, hence a second pass; the tag
    // it takes is counter-clockwise (as ffprobe's `rotation`), so clockwise N is written as 360 − N.
    const tag = (360 - (o.rotateDeg ?? 0)) % 360;
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', encodedPath, '-c', 'copy', '-metadata:s:v:0', `rotate=${tag}`, o.path]);
    await rm(encodedPath);
  }
  return o.path;
}

export interface BadInputs {
  notAVideo: string;
  truncated: string;
  audioOnly: string;
  hevc: string;
  empty: string;
}

/** Writes one file per bad-input case into `dir`. */
export async function makeBadInputs(dir: string): Promise<BadInputs> {
  await mkdir(dir, { recursive: true });
  const p = (name: string) => join(dir, name);
  await writeFile(p('not-a-video.mp4'), 'This is a text file, not a video.\n'.repeat(20));
  await writeFile(p('empty.mp4'), new Uint8Array(0));
  const whole = await makeVideo({
    path: p('whole.mp4'), durationSec: 2, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', faststart: true,
  });
  const bytes = await readFile(whole);
  await writeFile(p('truncated.mp4'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', audioSource(1), '-c:a', 'aac', p('audio-only.mp4')]);
  await makeVideo({ path: p('hevc.mp4'), durationSec: 1, width: 160, height: 120, fps: 24, codec: 'hevc', container: 'mp4' });
  return {
    notAVideo: p('not-a-video.mp4'),
    truncated: p('truncated.mp4'),
    audioOnly: p('audio-only.mp4'),
    hevc: p('hevc.mp4'),
    empty: p('empty.mp4'),
  };
}
