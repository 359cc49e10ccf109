/**
 * Ingest speed: seconds to open and sample a 60 s 720p30 H.264 MP4 at 8 fps (224×224 RGB tensors) in headless
 * Chromium inside a Worker, against `ffmpeg -i f.mp4 -vf fps=8 -f null -` on the same file in the same run.
 * Goal: ratio ≤ 1.5. Also reports the Node path (@napi-rs/webcodecs) for the CLI. Prints JSON.
 * Run: nice npx tsx bench/ingest.ts
 */
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  try {
    const path = await makeVideo({
      path: join(dir, 'bench-720p.mp4'), durationSec: DURATION_SEC, width: 1280, height: 720, fps: 30,
      codec: 'h264', container: 'mp4', audio: true, motion: 'moving-box',
    });
    const browser = await startIngestBrowser([path]);
    let browserRun;
    try {
      // A short warm-up run keeps worker start and codec initialisation out of the measured run.
      await browser.run({ file: 'bench-720p.mp4', rates: [RATE], width: SIZE, height: SIZE, probeRow: -1, audio: false, thumbnails: 0 });
      browserRun = await browser.run({ file: 'bench-720p.mp4', rates: [RATE], width: SIZE, height: SIZE, probeRow: -1, audio: false, thumbnails: 0 });
    } finally {
      await browser.close();
    }
    if (browserRun.type === 'error') throw new Error(`${browserRun.code}: ${browserRun.message}`);
    const ffmpegSec = await timeFfmpeg(path);
    const node = await timeNode(path);
    const browserSec = browserRun.openSec + browserRun.sampleSec;
    console.log(JSON.stringify({
      file: { durationSec: DURATION_SEC, width: 1280, height: 720, fps: 30, codec: 'h264' },
      sample: { rate: RATE, width: SIZE, height: SIZE },
      chromiumWorker: { seconds: round(browserSec), openSec: round(browserRun.openSec), frames: browserRun.frames.length },
      ffmpegSec: round(ffmpegSec),
      ratio: round(browserSec / ffmpegSec),
      goalRatio: 1.5,
      node: { seconds: round(node.seconds), frames: node.frames, ratio: round(node.seconds / ffmpegSec) },
    }, null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

await main();
