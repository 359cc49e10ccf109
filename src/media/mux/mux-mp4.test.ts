/**
 * exportMp4 on real videos made by ffmpeg, read back with mediabunny and decoded with @napi-rs/webcodecs: the video
 * packets are the source's byte for byte, the soundtrack lasts as long as the picture and sits on its clock.
 * (ffprobe's view of the same files is in e2e/export-cli.e2e.test.ts.)
 */
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ALL_FORMATS, BufferSource, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beepAtSec, makeVideo } from '../../../e2e/fixtures';
import { installNodeWebCodecs } from '../node-webcodecs';
import { openVideo } from '../video-source';
import type { StreamTargetChunk } from 'mediabunny';
import { checkMp4Exportable, exportMp4, exportMp4ToStream, type Mp4ExportProgress } from './mux-mp4';

installNodeWebCodecs();

const DURATION_SEC = 1.5;
const SAMPLE_RATE = 44100;
/** A ceiling for ffmpeg plus export on a busy 2-core machine, not a speed claim. */
const SLOW_MS = 60_000;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mux-mp4-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A take that is silent but for a click at `clickSec`. */
function clickTake(clickSec: number) {
  const channels = [new Float32Array(Math.round(DURATION_SEC * SAMPLE_RATE)), new Float32Array(Math.round(DURATION_SEC * SAMPLE_RATE))];
  const at = Math.round(clickSec * SAMPLE_RATE);
  for (let i = 0; i < 441; i++) channels[0]![at + i] = channels[1]![at + i] = 0.8 * Math.sin(i * 0.3);
  return { sampleRate: SAMPLE_RATE, channels };
}

async function videoPackets(input: Input): Promise<{ data: number[][]; timestamps: number[] }> {
  const track = (await input.getPrimaryVideoTrack())!;
  const data: number[][] = [];
  const timestamps: number[] = [];
  for await (const packet of new EncodedPacketSink(track).packets()) {
    data.push(Array.from(packet.data));
    timestamps.push(packet.timestamp);
  }
  return { data, timestamps };
}

function firstLoudSec(channel: Float32Array, sampleRate: number, threshold: number): number {
  const i = channel.findIndex((v) => Math.abs(v) > threshold);
  return i / sampleRate;
}

describe.each([
  { codec: 'h264', container: 'mp4' },
  { codec: 'vp9', container: 'webm' },
] as const)('exportMp4 from $codec in $container', ({ codec, container }) => {
  it('copies the video packets unchanged and adds the take as long as the picture, on its clock', async () => {
    const source = await makeVideo({ path: join(dir, `in-${codec}.${container}`), durationSec: DURATION_SEC, width: 128, height: 96, fps: 24, codec, container, audio: true });
    const progress: Mp4ExportProgress[] = [];
    const bytes = await exportMp4(await openAsBlob(source), clickTake(0.5), { originalGainDb: null, onProgress: (p) => progress.push(p) });

    const before = new Input({ source: new BlobSource(await openAsBlob(source)), formats: ALL_FORMATS });
    const after = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
    try {
      expect(await after.getMimeType()).toMatch(/^video\/mp4/);
      const [original, copied] = await Promise.all([videoPackets(before), videoPackets(after)]);
      expect(copied.data.length).toBe(original.data.length);
      expect(copied.data).toEqual(original.data);
      copied.timestamps.forEach((t, k) => expect(t).toBeCloseTo(original.timestamps[k]!, 3));
      const audioTrack = (await after.getPrimaryAudioTrack())!;
      expect(audioTrack.codec).toBe('aac');
      const videoEnd = await (await after.getPrimaryVideoTrack())!.computeDuration();
      expect(Math.abs((await audioTrack.computeDuration()) - videoEnd)).toBeLessThan(1024 / SAMPLE_RATE);
    } finally {
      before.dispose();
      after.dispose();
    }
    // Decoded back, the click is where the take has it (AAC priming trimmed by the edit list).
    const reopened = await openVideo(new Blob([bytes]));
    const decoded = (await reopened.decodeAudio())!;
    reopened.close();
    expect(Math.abs(firstLoudSec(decoded.channels[0]!, decoded.sampleRate, 0.1) - 0.5)).toBeLessThan(0.001);
    expect(progress.at(-1)).toEqual({ stage: 'finish', fraction: 1 });
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort((a, b) => a - b));
  }, SLOW_MS);
});

/** A WritableStream onto a file, writing each chunk at its position (as the CLI's does through its temporary file). */
async function fileWritable(file: string): Promise<WritableStream<StreamTargetChunk>> {
  const handle = await open(file, 'w');
  return new WritableStream<StreamTargetChunk>({
    write: async ({ data, position }) => void (await handle.write(data, 0, data.length, position)),
    close: () => handle.close(),
    abort: () => handle.close(),
  });
}

const execFileAsync = promisify(execFile);

/** ffmpeg's own decode of the first audio stream (edit list applied, as a player does), first channel. */
async function ffmpegAudio(file: string, sampleRate: number): Promise<Float32Array> {
  const raw = join(dir, 'decoded.f32');
  await execFileAsync('ffmpeg', ['-v', 'error', '-y', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', raw]);
  const bytes = await readFile(raw);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

async function probedDurations(file: string): Promise<{ video: number; audio: number; audioStart: number }> {
  const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,duration,start_time', '-of', 'json', file]);
  const streams = (JSON.parse(stdout) as { streams: { codec_type: string; duration: string; start_time: string }[] }).streams;
  const of = (type: string) => streams.find((stream) => stream.codec_type === type)!;
  return { video: Number(of('video').duration), audio: Number(of('audio').duration), audioStart: Number(of('audio').start_time) };
}

describe('exportMp4ToStream', () => {
  it('writes a file ffprobe reads with both streams, the sound trimmed of the encoder delay and as long as the picture', async () => {
    const source = await makeVideo({ path: join(dir, 'streamed-in.mp4'), durationSec: DURATION_SEC, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4' });
    const out = join(dir, 'streamed.mp4');
    await exportMp4ToStream(await openAsBlob(source), clickTake(0.5), await fileWritable(out), { originalGainDb: null });
    const probed = await probedDurations(out);
    expect(Math.abs(probed.audio - probed.video)).toBeLessThan(1024 / SAMPLE_RATE);
    expect(Math.abs(probed.audioStart)).toBeLessThan(1e-3);
    // A priming trimmed wrongly moves every sound by the difference: ffmpeg finds the click where the take has it.
    expect(Math.abs(firstLoudSec(await ffmpegAudio(out, SAMPLE_RATE), SAMPLE_RATE, 0.1) - 0.5)).toBeLessThan(0.001);
  }, SLOW_MS);
});

describe('exportMp4 with the original audio', () => {
  it('mixes the video\'s own track in at the set level', async () => {
    const source = await makeVideo({ path: join(dir, 'with-audio.mp4'), durationSec: DURATION_SEC, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', audio: true });
    const silent = { sampleRate: SAMPLE_RATE, channels: [new Float32Array(Math.round(DURATION_SEC * SAMPLE_RATE))] };
    const bytes = await exportMp4(await openAsBlob(source), silent, { originalGainDb: -6 });
    const reopened = await openVideo(new Blob([bytes]));
    const decoded = (await reopened.decodeAudio())!;
    reopened.close();
    // The fixture's burst (0.8 × sine) arrives at half amplitude (−6 dB ≈ 0.5) at its own time.
    expect(Math.abs(firstLoudSec(decoded.channels[0]!, decoded.sampleRate, 0.2) - beepAtSec(DURATION_SEC))).toBeLessThan(0.005);
    const peak = decoded.channels[0]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(0.8 * 0.5 * 0.85);
    expect(peak).toBeLessThan(0.8 * 0.5 * 1.15);
  }, SLOW_MS);

  it('refuses to mix a video that has no audio of its own', async () => {
    const source = await makeVideo({ path: join(dir, 'silent.mp4'), durationSec: 1, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4' });
    await expect(checkMp4Exportable(await openAsBlob(source), true)).rejects.toThrow('This video has no audio track of its own to mix in.');
    await expect(checkMp4Exportable(await openAsBlob(source), false)).resolves.toBeUndefined();
  }, SLOW_MS);
});

describe('exportMp4 refusals', () => {
  it('refuses VP8 with a sentence, before any work', async () => {
    const source = join(dir, 'vp8.webm');
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=128x96:rate=24:d=1', '-c:v', 'libvpx', source]);
    await expect(exportMp4(await openAsBlob(source), clickTake(0.5), { originalGainDb: null })).rejects.toThrow(/^This video is VP8, which cannot be copied into an MP4/);
  }, SLOW_MS);

  it('stops when cancelled', async () => {
    const source = await makeVideo({ path: join(dir, 'cancel.mp4'), durationSec: DURATION_SEC, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4' });
    const controller = new AbortController();
    const run = exportMp4(await openAsBlob(source), clickTake(0.5), {
      originalGainDb: null,
      signal: controller.signal,
      onProgress: (p) => p.stage === 'copy-video' && controller.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
  }, SLOW_MS);
});
