/**
 * Ingest speed: seconds to open and sample a 60 s 720p30 H.264 MP4 at 8 fps (224×224 RGB tensors) in headless
 * Chromium inside a Worker, against `ffmpeg -i f.mp4 -vf fps=8 -f null -` on the same file in the same run.
 * Goal: ratio ≤ 1.5. Also reports the decode floor (same run at 1×1 output), the Node path (@napi-rs/webcodecs,
 * CPU resize) for the CLI, and the 1-minute load average, since the machine is shared. Prints JSON.
 * Run: nice npx tsx bench/ingest.ts
 */
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { makeVideo } from '../e2e/fixtures';
import { installNodeWebCodecs } from '../src/media/node-webcodecs';
import { openVideo } from '../src/media/video-source';
import { startIngestBrowser } from './ingest-browser';

const run = promisify(execFile);
const DURATION_SEC = 60;
const RATE = 8;
const SIZE = 224;

async function timeFfmpeg(path: string): Promise<number> {
  const t0 = performance.now();
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', path, '-vf', `fps=${RATE}`, '-f', 'null', '-']);
  return (performance.now() - t0) / 1000;
}

async function timeNode(path: string): Promise<{ seconds: number; frames: number }> {
  installNodeWebCodecs();
  const t0 = performance.now();
  const source = await openVideo(await openAsBlob(path));
  let frames = 0;
  for await (const f of source.sampleFrames({ rates: [RATE], width: SIZE, height: SIZE })) frames += f.data.length > 0 ? 1 : 0;
  source.close();
  return { seconds: (performance.now() - t0) / 1000, frames };
}

const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Browser and ffmpeg runs alternate so a change in machine load hits both sides alike; medians are reported. */
async function measureBrowserAndFfmpeg(path: string) {
  const browser = await startIngestBrowser([path]);
  const request = { file: basename(path), rates: [RATE], probeRow: -1, audio: false, thumbnails: 0 };
  const browserSec: number[] = [];
  const floorSec: number[] = [];
  const ffmpegSec: number[] = [];
  let frames = 0;
  try {
    // Warm-up: worker start and codec initialisation stay out of the measured runs.
    await browser.run({ ...request, width: SIZE, height: SIZE });
    for (let i = 0; i < ROUNDS; i++) {
      const reply = await browser.run({ ...request, width: SIZE, height: SIZE });
      if (reply.type === 'error') throw new Error(`${reply.code}: ${reply.message}`);
      browserSec.push(reply.openSec + reply.sampleSec);
      frames = reply.frames.length;
      ffmpegSec.push(await timeFfmpeg(path));
      // 1×1 output: the decode-and-pace floor without the resize/readback work.
      const floor = await browser.run({ ...request, width: 1, height: 1 });
      if (floor.type === 'result') floorSec.push(floor.openSec + floor.sampleSec);
    }
  } finally {
    await browser.close();
  }
  return { browserSec, floorSec, ffmpegSec, frames };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  try {
    const path = await makeVideo({
      path: join(dir, 'bench-720p.mp4'), durationSec: DURATION_SEC, width: 1280, height: 720, fps: 30,
      codec: 'h264', container: 'mp4', audio: true, motion: 'moving-box',
    });
    const m = await measureBrowserAndFfmpeg(path);
    const node = await timeNode(path);
    const browserSec = median(m.browserSec);
    const ffmpegSec = median(m.ffmpegSec);
    console.log(JSON.stringify({
      file: { durationSec: DURATION_SEC, width: 1280, height: 720, fps: 30, codec: 'h264' },
      sample: { rate: RATE, width: SIZE, height: SIZE },
      chromiumWorker: { seconds: round(browserSec), runs: m.browserSec.map(round), frames: m.frames, decodeFloorSec: round(median(m.floorSec)) },
      ffmpegSec: round(ffmpegSec),
      ffmpegRuns: m.ffmpegSec.map(round),
      ratio: round(browserSec / ffmpegSec),
      goalRatio: 1.5,
      node: { seconds: round(node.seconds), frames: node.frames, ratio: round(node.seconds / ffmpegSec) },
      loadAverage1m: round(loadavg()[0]),
    }, null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

await main();
