import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeAudioFile } from './audio-file';
import { installNodeWebCodecs } from './node-webcodecs';

vi.setConfig({ testTimeout: 60_000 });
const run = promisify(execFile);
let dir: string;

/** 1.5 s of a 440 Hz tone through ffmpeg into `name` with the given codec arguments. */
async function make(name: string, rate: number, channels: number, codec: string[], withPicture = false): Promise<string> {
  const file = path.join(dir, name);
  const picture = withPicture ? ['-f', 'lavfi', '-i', 'testsrc=d=1.5:s=64x48:r=25'] : [];
  const videoCodec = withPicture ? ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'] : [];
  await run('ffmpeg', ['-v', 'error', '-y', ...picture, '-f', 'lavfi', '-i', `sine=f=440:d=1.5:r=${rate}`, ...videoCodec, ...codec, '-ac', String(channels), '-shortest', file]);
  return file;
}

async function decode(file: string): Promise<{ sampleRate: number; channels: number; durationSec: number }> {
  const audio = await decodeAudioFile(await openAsBlob(file));
  return { sampleRate: audio.sampleRate, channels: audio.channels.length, durationSec: audio.channels[0]!.length / audio.sampleRate };
}

beforeAll(async () => {
  installNodeWebCodecs();
  dir = await mkdtemp(path.join(tmpdir(), 'foley-audio-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('decodeAudioFile', () => {
  it('keeps mono AAC mono although the MP4 sample entry says 2 channels (issue 11 #5)', async () => {
    const withVideo = await decode(await make('mono-aac.mp4', 48000, 1, ['-c:a', 'aac'], true));
    expect(withVideo).toMatchObject({ sampleRate: 48000, channels: 1 });
    expect(withVideo.durationSec).toBeCloseTo(1.5, 1);
    expect(await decode(await make('stereo-aac.mp4', 44100, 2, ['-c:a', 'aac'], true))).toMatchObject({ channels: 2 });
  });

  it('reads audio-only M4A, MP4 with MP3 and WebM with Opus (issue 11 #8)', async () => {
    const m4a = await decode(await make('mono.m4a', 48000, 1, ['-c:a', 'aac']));
    expect(m4a).toMatchObject({ sampleRate: 48000, channels: 1 });
    expect(m4a.durationSec).toBeCloseTo(1.5, 1);
    expect(await decode(await make('mp3.mp4', 16000, 1, ['-c:a', 'libmp3lame']))).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(await decode(await make('opus.webm', 48000, 2, ['-c:a', 'libopus']))).toMatchObject({ sampleRate: 48000, channels: 2 });
  });

  it('says plainly when a video has no audio track', async () => {
    const file = path.join(dir, 'silent.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=d=1:s=64x48:r=25', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    await expect(decodeAudioFile(await openAsBlob(file))).rejects.toThrow(/has no audio track/);
  });
});
