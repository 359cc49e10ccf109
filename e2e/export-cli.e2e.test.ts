/**
 * `foley generate … --mux out.mp4` as a user runs it, checked with ffprobe/ffmpeg (independent of our reader): both
 * streams present, the video stream's packets byte-identical to the source's, the soundtrack as long as the
 * picture within one AAC frame; bad input ends in one line with nothing of the user's overwritten.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foley, ROOT, run, type CliResult } from './cli-runner';
import { makeVideo, type ContainerName, type VideoCodecName } from './fixtures';

const TEST_PACK = path.join(ROOT, 'public/models/foley-test');
/** The pack's rate; one AAC frame is 1024 samples. */
const AAC_FRAME_SEC = 1024 / 44100;

interface ProbedStream {
  codec_type: string;
  codec_name: string;
  duration: string;
  start_time: string;
}

async function probeStreams(file: string): Promise<ProbedStream[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,duration,start_time', '-of', 'json', file]);
  return (JSON.parse(stdout) as { streams: ProbedStream[] }).streams;
}

/** MD5 of the video stream's packet payloads, as ffmpeg's stream copy hands them out. */
async function videoPacketsMd5(file: string): Promise<string> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-c', 'copy', '-f', 'md5', '-']);
  return stdout.trim();
}

/** Sizes and flags of the video packets in decode order, per ffprobe -show_packets. */
async function videoPacketSizes(file: string): Promise<string[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=size,flags', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n');
}

/** Where the last video frame ends, from the packets (a WebM stream states no duration of its own). */
async function videoEndSec(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file]);
  return Math.max(...stdout.trim().split('\n').map((line) => line.split(',').reduce((sum, v) => sum + Number(v), 0)));
}

async function fileMd5(file: string): Promise<string> {
  return createHash('md5').update(await readFile(file)).digest('hex');
}

function expectOneLineFailure(result: CliResult, reason: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('note:'));
  expect(lines).toEqual([expect.stringMatching(reason)]);
  expect(lines[0]).toMatch(/^foley: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-export-cli-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe.each([
  { codec: 'h264', container: 'mp4', originalDb: null },
  { codec: 'vp9', container: 'webm', originalDb: '-12' },
  { codec: 'av1', container: 'mp4', originalDb: null },
] as { codec: VideoCodecName; container: ContainerName; originalDb: string | null }[])('foley generate --mux from $codec in $container', ({ codec, container, originalDb }) => {
  it('writes an MP4 whose video is the source\'s, packet for packet, with the take as long as the picture', async () => {
    const dir = await mkdtemp(path.join(scratch, `${codec}-`));
    const clip = await makeVideo({ path: path.join(dir, `clip.${container}`), durationSec: 1.4, width: 160, height: 120, fps: 24, codec, container, audio: true });
    const wav = path.join(dir, 'out.wav');
    const mp4 = path.join(dir, 'out.mp4');
    const mix = originalDb === null ? [] : ['--mux-original', originalDb];
    const result = await foley('generate', clip, '-o', wav, '--pack', TEST_PACK, '--steps', '1', '--mux', mp4, ...mix);
    expect(result.stderr).toMatch(/wrote .*out\.mp4: the video copied unchanged with the generated sound/);
    expect(result.code).toBe(0);
    expect(existsSync(wav)).toBe(true);
    // The temporary file was renamed into place, not left beside it.
    expect((await readdir(dir)).sort()).toEqual([`clip.${container}`, 'out.mp4', 'out.wav']);

    const streams = await probeStreams(mp4);
    expect(streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['video', codec], ['audio', 'aac']]);
    expect(await videoPacketsMd5(mp4)).toBe(await videoPacketsMd5(clip));
    expect(await videoPacketSizes(mp4)).toEqual(await videoPacketSizes(clip));
    const [video, audio] = streams.map((s) => Number(s.start_time) + Number(s.duration));
    expect(Math.abs(audio! - video!)).toBeLessThanOrEqual(AAC_FRAME_SEC);
    expect(Math.abs(video! - (await videoEndSec(clip)))).toBeLessThan(0.002);
  });
});

describe('foley generate --mux refusals', () => {
  it('refuses a VP8 video before generating, writing nothing', async () => {
    const dir = await mkdtemp(path.join(scratch, 'vp8-'));
    const clip = path.join(dir, 'clip.webm');
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=24:d=1', '-c:v', 'libvpx', clip]);
    const result = await foley('generate', clip, '-o', path.join(dir, 'out.wav'), '--pack', TEST_PACK, '--mux', path.join(dir, 'out.mp4'));
    expectOneLineFailure(result, /This video is VP8, which cannot be copied into an MP4 as it is .*convert the video to VP9 or H\.264 first/);
    expect(await readdir(dir)).toEqual(['clip.webm']);
  });

  it('never writes onto the video, the WAV or the report, and mixes only a video that has audio', async () => {
    const dir = await mkdtemp(path.join(scratch, 'refuse-'));
    const clip = await makeVideo({ path: path.join(dir, 'clip.mp4'), durationSec: 1, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4' });
    const before = await fileMd5(clip);
    const wav = path.join(dir, 'out.wav');
    expectOneLineFailure(await foley('generate', clip, '-o', wav, '--pack', TEST_PACK, '--mux', clip), /refusing to write --mux .*clip\.mp4: it is the video/);
    expectOneLineFailure(await foley('generate', clip, '-o', wav, '--pack', TEST_PACK, '--mux', wav), /--mux and -o name the same file/);
    const report = path.join(dir, 'report.json');
    expectOneLineFailure(await foley('generate', clip, '-o', wav, '--pack', TEST_PACK, '--report', report, '--mux', report), /--mux and --report name the same file/);
    expectOneLineFailure(await foley('generate', clip, '-o', wav, '--pack', TEST_PACK, '--mux', path.join(dir, 'a.mp4'), '--mux-original', '-6'), /This video has no audio track of its own to mix in/);
    expectOneLineFailure(await foley('generate', clip, '-o', wav, '--pack', TEST_PACK, '--mux-original', '-6'), /--mux-original goes with --mux/);
    expectOneLineFailure(await foley('generate', clip, '-o', wav, '--pack', TEST_PACK, '--mux', path.join(dir, 'a.mp4'), '--mux-original', '40'), /--mux-original must be from -60 to 12/);
    expect(await fileMd5(clip)).toBe(before);
    expect(await readdir(dir)).toEqual(['clip.mp4']);
  });
});
