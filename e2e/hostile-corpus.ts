/**
 * The hostile-media corpus (issue 11): a hundred-odd tiny unusual or damaged inputs made at test time (ffmpeg plus
 * the byte surgery of hostile-fixtures.ts; nothing binary is committed), each with the class of answer the CLI owes
 * it: `ok` (a WAV exactly as long as the video, or a measurement) or `clear-error` (one line "foley: …", exit 1/2).
 * The videos are here; the reference recordings, prompts, curves and packs in hostile-corpus-inputs.ts. Run by
 * hostile-corpus-runner.ts from e2e/hostile-corpus.e2e.test.ts and bench/hostile-corpus.ts.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeVideo, type MakeVideoOptions } from './fixtures';
import {
  pseudoRandomBytes, truncatedCopy, webmWithJunkAfterHeader, withBoxField, withChildrenReversed, withDamagedMiddle, withDeclaredDuration,
  withFirstBoxesSwapped, withNestedBoxes, withOpenEndedLastBox, withSampleEntrySize, withSpsLength, withTableCount, withTwoByteNalLengths,
} from './hostile-fixtures';
import { addInputCases } from './hostile-corpus-inputs';

const run = promisify(execFile);

export type CaseClass = 'ok' | 'clear-error';

export interface CorpusCase {
  /** Unique, kebab-case; also the file name stem. */
  name: string;
  command: 'generate' | 'measure';
  /** The positional input: the video for generate, the audio for measure. */
  input: string;
  /** Further arguments (generate always gets -o, --steps 1, --format float32 and --pack from the runner). */
  args: string[];
  /** generate only: the pack folder when not the test pack. */
  pack?: string;
  expect: CaseClass;
  /** generate, ok: how long the WAV must be (±1 ms); the video track's length, as ffprobe reads it. */
  durationSec?: number;
  /** measure, ok: the channel count the measurement must report. */
  channels?: number;
  /** A video worth dropping on the app too (the browser half of the corpus): the nastiest containers. */
  browser?: boolean;
  /**
   * A defect this case still shows, left to the code's owner (outside src/media, or a design question): the CLI
   * test reports the case instead of failing on it, but a crash or hang still fails.
   */
  knownIssue?: string;
}

export interface Corpus {
  dir: string;
  cases: CorpusCase[];
  /** Cases this machine's ffmpeg could not make (an encoder missing), with its reason. */
  skipped: { name: string; reason: string }[];
}

/** ffmpeg with the corpus's quiet defaults. */
export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 16 * 1024 * 1024 });
}

type Probe = { streams?: { start_time?: string; duration?: string }[]; packets?: { pts_time?: string }[]; format?: { duration?: string } };

/** ffprobe's JSON for the first video stream's `entries` (e.g. 'stream=duration'). */
async function probe(file: string, entries: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', entries, '-of', 'json', file]);
  return JSON.parse(stdout) as Probe;
}

/**
 * Where the first video stream's presentation ends, in seconds, as ffprobe reads it: its start plus its duration
 * (MP4/MOV: after the edit list), or for Matroska, which stores no stream duration, the end of its last frame.
 */
export async function probeVideoSec(file: string): Promise<number> {
  const stream = (await probe(file, 'stream=start_time,duration')).streams?.[0];
  let seconds = Number(stream?.start_time ?? 0) + Number(stream?.duration);
  if (Number.isNaN(seconds)) {
    // Matroska blocks rarely carry a duration (ffprobe then guesses from the next cluster or another track): the
    // last frame lasts as long as the frames before it.
    const pts = ((await probe(file, 'packet=pts_time')).packets ?? []).map((p) => Number(p.pts_time)).sort((a, b) => a - b);
    const steps = pts.slice(1).map((t, i) => t - pts[i]!).sort((a, b) => a - b);
    seconds = pts[pts.length - 1]! + (steps[Math.floor(steps.length / 2)] ?? 0);
  }
  if (!(seconds > 0)) throw new Error(`ffprobe reads no duration for ${file}`);
  return seconds;
}

/** Collects cases; a maker that throws (an encoder this ffmpeg lacks) becomes a skipped case instead of a failure. */
export class CorpusBuilder {
  readonly cases: CorpusCase[] = [];
  readonly skipped: { name: string; reason: string }[] = [];

  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Adds a case whose input `make` writes; `make` returns the input path (and, for ok videos, the expected length). */
  async add(base: Omit<CorpusCase, 'input' | 'args'> & { args?: string[] }, make: () => Promise<string>): Promise<void> {
    try {
      const input = await make();
      const durationSec = base.command === 'generate' && base.expect === 'ok' && base.durationSec === undefined ? await probeVideoSec(input) : base.durationSec;
      this.cases.push({ ...base, args: base.args ?? [], input, durationSec });
    } catch (error) {
      this.skipped.push({ name: base.name, reason: ((error as Error).message.split('\n')[0] ?? '').slice(0, 200) });
    }
  }
}

const TINY = { durationSec: 1, width: 96, height: 64, fps: 12, motion: 'moving-box' } as const;

/** A lavfi picture source of `w`×`h` at `fps` for `sec` seconds (smptebars: content, any size). */
function bars(w: number, h: number, fps: number, sec: number): string[] {
  return ['-f', 'lavfi', '-i', `smptebars=s=${w}x${h}:r=${fps}:d=${sec}`];
}

async function addValidVideos(b: CorpusBuilder): Promise<Record<string, string>> {
  const made: Record<string, string> = {};
  const video = (name: string, o: Partial<MakeVideoOptions> & Pick<MakeVideoOptions, 'codec' | 'container'>, browser = false) =>
    b.add({ name, command: 'generate', expect: 'ok', browser }, async () => (made[name] = await makeVideo({ ...TINY, path: b.path(`${name}.${o.container}`), ...o })));
  const encoded = (name: string, ext: string, args: string[], browser = false) =>
    b.add({ name, command: 'generate', expect: 'ok', browser }, async () => {
      await ffmpeg([...args, b.path(`${name}.${ext}`)]);
      return (made[name] = b.path(`${name}.${ext}`));
    });
  const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
  await video('mp4-h264', { codec: 'h264', container: 'mp4' });
  await video('mp4-h264-faststart-aac', { codec: 'h264', container: 'mp4', faststart: true, audio: true });
  await video('mov-h264', { codec: 'h264', container: 'mov' }, true);
  await video('webm-vp9', { codec: 'vp9', container: 'webm' });
  await video('webm-vp9-opus', { codec: 'vp9', container: 'webm', audio: true });
  await video('webm-av1', { codec: 'av1', container: 'webm' }, true);
  await video('mp4-av1', { codec: 'av1', container: 'mp4' });
  await video('mp4-vp9', { codec: 'vp9', container: 'mp4' }, true);
  await video('mp4-rotated-90', { codec: 'h264', container: 'mp4', rotateDeg: 90 });
  await video('mp4-one-frame', { codec: 'h264', container: 'mp4', durationSec: 1 / 24, fps: 24 }, true);
  await video('mp4-4k-two-frames', { codec: 'h264', container: 'mp4', width: 3840, height: 2160, fps: 12, durationSec: 2 / 12, motion: 'static' }, true);
  await encoded('webm-vp8', 'webm', [...bars(96, 64, 12, 1), '-c:v', 'libvpx', '-b:v', '200k']);
  await encoded('webm-vp8-1x1', 'webm', [...bars(1, 1, 12, 1), '-c:v', 'libvpx'], true);
  await encoded('webm-vp9-odd-97x63', 'webm', [...bars(97, 63, 12, 1), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8'], true);
  await encoded('mkv-h264', 'mkv', [...bars(96, 64, 12, 1), ...h264], true);
  await encoded('mp4-h264-2x2', 'mp4', [...bars(2, 2, 12, 1), ...h264]);
  await encoded('mp4-h264-23.976fps', 'mp4', [...bars(96, 64, 24000 / 1001, 1), '-r', '24000/1001', ...h264]);
  await encoded('mp4-h264-1fps-3s', 'mp4', [...bars(96, 64, 1, 3), ...h264]);
  // Variable frame rate: frames 0..11 at 12 fps, then every frame shown three times as long (a phone slowing down).
  const vfr = ['-vf', "setpts='if(lt(N,12),N,12+(N-12)*3)/12/TB'", '-fps_mode', 'vfr'];
  await encoded('mp4-h264-vfr', 'mp4', [...bars(96, 64, 12, 2), ...vfr, ...h264, '-bf', '0'], true);
  // With B-frames ffmpeg's edit list presents less than the frames span (the last two are past its end).
  await encoded('mp4-h264-vfr-bframes', 'mp4', [...bars(96, 64, 12, 2), ...vfr, ...h264]);
  // ffprobe's stream duration (3.5 s) is its own guess here; mvhd, tkhd and the edit list all say 3.834 s.
  const vfrBframes = b.cases.find((c) => c.name === 'mp4-h264-vfr-bframes');
  if (vfrBframes) vfrBframes.durationSec = Number((await probe(vfrBframes.input, 'format=duration')).format?.duration);
  await encoded('mp4-h264-start-at-5s', 'mp4', [...bars(96, 64, 12, 1), ...h264, '-output_ts_offset', '5']);
  await encoded('mp4-fragmented', 'mp4', [...bars(96, 64, 12, 1), ...h264, '-movflags', 'frag_keyframe+empty_moov'], true);
  await encoded('mp4-audio-track-first', 'mp4', [...bars(96, 64, 12, 1), '-f', 'lavfi', '-i', 'sine=d=1', '-map', '1:a', '-map', '0:v', ...h264, '-c:a', 'aac']);
  await encoded('mp4-two-video-tracks', 'mp4', [...bars(96, 64, 12, 1), ...bars(64, 48, 12, 1), '-map', '0:v', '-map', '1:v', ...h264]);
  // The CLI decodes HEVC (FFmpeg); Debian's Chromium does not, and the app says so.
  await encoded('mp4-hevc', 'mp4', [...bars(96, 64, 12, 1), '-c:v', 'libx265', '-tag:v', 'hvc1', '-x265-params', 'log-level=error'], true);
  return made;
}

/** A hostile file made from `source` by `surgery`, expected to give `expect`. */
function derive(b: CorpusBuilder, name: string, expect: CaseClass, surgery: (target: string) => Promise<unknown>, extra: Partial<CorpusCase> = {}) {
  return b.add({ name, command: 'generate', expect, ...extra }, async () => {
    const target = b.path(`${name}.${name.split('-')[0]}`);
    await surgery(target);
    return target;
  });
}

async function addDamagedVideos(b: CorpusBuilder, made: Record<string, string>): Promise<void> {
  const mp4 = made['mp4-h264'];
  const fast = made['mp4-h264-faststart-aac'];
  const webm = made['webm-vp9'];
  if (!mp4 || !fast || !webm) throw new Error('the base H.264 MP4 and VP9 WebM could not be made; is ffmpeg installed with libx264 and libvpx?');
  const mp4Sec = await probeVideoSec(mp4);
  const videoOnlyFast = b.path('base-faststart.mp4');
  await makeVideo({ ...TINY, path: videoOnlyFast, codec: 'h264', container: 'mp4', faststart: true, durationSec: 2, fps: 24 });
  const bytes = async (target: string, content: Uint8Array | string) => writeFile(target, content);
  const cut = async (source: string, target: string, length: number) => bytes(target, (await readFile(source)).subarray(0, length));

  await derive(b, 'mp4-two-byte-nal', 'ok', (t) => withTwoByteNalLengths(mp4, t), { durationSec: mp4Sec, browser: true });
  await derive(b, 'mp4-open-ended-last-box', 'ok', (t) => withOpenEndedLastBox(mp4, t), { durationSec: mp4Sec });
  await derive(b, 'mp4-declares-an-hour', 'ok', (t) => withDeclaredDuration(videoOnlyFast, t, 3600), { durationSec: 2, browser: true });
  await derive(b, 'mp4-declares-zero-duration', 'ok', (t) => withDeclaredDuration(videoOnlyFast, t, 0), { durationSec: 2 });
  await derive(b, 'mp4-declares-4k-display', 'ok', async (t) => {
    await withBoxField(mp4, `${t}.tmp`, 'tkhd', 76, 3840 << 16);
    await withBoxField(`${t}.tmp`, t, 'tkhd', 80, 2160 << 16);
  }, { durationSec: mp4Sec });
  await derive(b, 'mp4-sample-entry-says-8k', 'ok', (t) => withSampleEntrySize(mp4, t, 7680, 4320), { durationSec: mp4Sec, browser: true });
  await derive(b, 'mp4-stbl-children-reversed', 'ok', (t) => withChildrenReversed(mp4, t, 'stbl'), { durationSec: mp4Sec, browser: true });
  await derive(b, 'mp4-moov-before-ftyp', 'ok', (t) => withFirstBoxesSwapped(videoOnlyFast, t), { durationSec: 2 });

  await derive(b, 'mp4-empty', 'clear-error', (t) => bytes(t, new Uint8Array(0)), { browser: true });
  await derive(b, 'mp4-one-byte', 'clear-error', (t) => bytes(t, new Uint8Array([0])));
  await derive(b, 'mp4-text-file', 'clear-error', (t) => bytes(t, 'This is a text file, not a video.\n'.repeat(20)));
  await derive(b, 'mp4-random-4k', 'clear-error', (t) => bytes(t, pseudoRandomBytes(4096, 11)), { browser: true });
  await derive(b, 'webm-random-after-ebml-magic', 'clear-error', (t) => bytes(t, new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, ...pseudoRandomBytes(4096, 12)])));
  await derive(b, 'mp4-ftyp-only', 'clear-error', (t) => cut(fast, t, 32));
  await derive(b, 'mp4-junk-after-ftyp', 'clear-error', async (t) => bytes(t, new Uint8Array([...(await readFile(fast)).subarray(0, 32), ...pseudoRandomBytes(2048, 13)])), { browser: true });
  for (const at of [8, 64]) await derive(b, `mp4-truncated-at-${at}-bytes`, 'clear-error', (t) => cut(mp4, t, at));
  for (const fraction of [0.3, 0.6, 0.9, 0.99]) {
    await derive(b, `mp4-moov-last-truncated-${fraction * 100}pct`, 'clear-error', (t) => truncatedCopy(mp4, t, fraction), { browser: fraction === 0.99 });
  }
  for (const fraction of [0.05, 0.4, 0.7, 0.95]) {
    await derive(b, `mp4-faststart-truncated-${fraction * 100}pct`, 'clear-error', (t) => truncatedCopy(videoOnlyFast, t, fraction), { browser: fraction === 0.7 });
  }
  for (const fraction of [0.02, 0.3, 0.6, 0.9]) {
    await derive(b, `webm-truncated-${fraction * 100}pct`, 'clear-error', (t) => truncatedCopy(webm, t, fraction), { browser: fraction === 0.6 });
  }
  await derive(b, 'webm-junk-after-header', 'clear-error', (t) => webmWithJunkAfterHeader(webm, t), { browser: true });
  await derive(b, 'mp4-damaged-middle', 'clear-error', (t) => withDamagedMiddle(mp4, t, 0.3, 300), { browser: true });
  await derive(b, 'mp4-stsz-count-huge', 'clear-error', (t) => withTableCount(mp4, t, 'stsz', 0x7fffffff), { browser: true });
  await derive(b, 'mp4-stco-count-huge', 'clear-error', (t) => withTableCount(mp4, t, 'stco', 0x7fffffff));
  await derive(b, 'mp4-stts-count-huge', 'clear-error', (t) => withTableCount(mp4, t, 'stts', 0x7fffffff));
  await derive(b, 'mp4-stsc-count-zero', 'clear-error', (t) => withTableCount(mp4, t, 'stsc', 0));
  await derive(b, 'mp4-sps-length-zero', 'clear-error', (t) => withSpsLength(mp4, t, 0));
  await derive(b, 'mp4-sps-length-65535', 'clear-error', (t) => withSpsLength(mp4, t, 0xffff), { browser: true });
  await derive(b, 'mp4-boxes-nested-100k-deep', 'clear-error', (t) => withNestedBoxes(fast, t, 100_000), { browser: true });
  await derive(b, 'mp4-timescale-zero', 'clear-error', (t) => withBoxField(mp4, t, 'mdhd', 12, 0), { browser: true });
  // stts payload: version/flags 4, entry_count 4, then (sample_count, sample_delta): one entry, every frame 0 long.
  await derive(b, 'mp4-all-frames-zero-duration', 'clear-error', (t) => withBoxField(mp4, t, 'stts', 12, 0), { browser: true });
  await derive(b, 'mp4-first-sample-2gb', 'clear-error', (t) => withBoxField(mp4, t, 'stsz', 12, 0x7fffffff));
  await derive(b, 'mp4-moov-size-4gb', 'clear-error', (t) => withBoxField(mp4, t, 'moov', -8, 0xffffffff));
}

/** Files that are no video at all, or no video this app reads. */
async function addNotVideos(b: CorpusBuilder): Promise<void> {
  const refuse = (name: string, ext: string, args: string[], browser = false) =>
    b.add({ name, command: 'generate', expect: 'clear-error', browser }, async () => {
      await ffmpeg([...args, b.path(`${name}.${ext}`)]);
      return b.path(`${name}.${ext}`);
    });
  const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=1'];
  await refuse('m4a-aac-audio-only', 'mp4', [...tone, '-c:a', 'aac'], true);
  await refuse('webm-opus-audio-only', 'webm', [...tone, '-c:a', 'libopus']);
  await refuse('mp3-named-mp4', 'mp4', [...tone, '-c:a', 'libmp3lame', '-f', 'mp3']);
  await refuse('wav-named-mp4', 'mp4', [...tone, '-f', 'wav']);
  await refuse('png-named-mp4', 'mp4', [...bars(96, 64, 1, 1), '-frames:v', '1', '-f', 'image2', '-c:v', 'png']);
  await refuse('avi-mpeg4', 'avi', [...bars(96, 64, 12, 1), '-c:v', 'mpeg4']);
  await refuse('mpegts-h264', 'ts', [...bars(96, 64, 12, 1), '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
  await refuse('mp4-mpeg4-part2', 'mp4', [...bars(96, 64, 12, 1), '-c:v', 'mpeg4']);
  await refuse('mov-mjpeg', 'mov', [...bars(96, 64, 12, 1), '-c:v', 'mjpeg']);
}

/** Makes every case into `dir` (which must exist). */
export async function makeHostileCorpus(dir: string): Promise<Corpus> {
  const b = new CorpusBuilder(dir);
  const made = await addValidVideos(b);
  await addDamagedVideos(b, made);
  await addNotVideos(b);
  await addInputCases(b, made['mp4-h264']!, made['mp4-h264-faststart-aac']);
  return { dir, cases: b.cases, skipped: b.skipped };
}
