/**
 * Seams between long-form windows (issue 9), on the engine's CLI path with a real ffmpeg-made MP4, printing JSON:
 * - spectral change: mean over 64 log-mel bands (hop 512) of |mean dB over the 0.5 s before a span − over the 0.5 s
 *   after it|, across each crossfade ÷ across an equally long span at each window's middle (goal ≤ 1.1; 1.0 = the
 *   sound changes across a seam no more than at any moment inside a window);
 * - energy jump (LD-LAudio-V1's Energy Δ10ms): |RMS dB of the 10 ms after − the 10 ms before| at each crossfade's
 *   centre ÷ the same at each window's middle.
 * Both with long-form continuity (each window continues the one before; needs a pack with known-frame conditioning)
 * and with independent windows, the same seed.
 * Measures: src/metrics/seam-change.ts. Also the wall time of each generate() (real-time factor; noisy on a shared machine).
 * Usage: npx tsx bench/seams.ts [--duration 120] [--pack public/models/foley-tiny] [--continuity-only]
 */
import { existsSync, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeVideo } from '../e2e/fixtures';
import { parseArgs } from '../src/cli/args';
import { nodeDecoderPool } from '../src/engine/decoding/latent-decoder-node';
import { generate } from '../src/engine/sampling/generate';
import { createNodeAdapter } from '../src/engine/runtime/ort-node';
import { loadPack } from '../src/engine/pack/pack-loader';
import { directoryPackSource } from '../src/engine/pack/pack-source-node';
import type { GenerateResult } from '../src/engine/host/protocol';
import { installNodeWebCodecs } from '../src/media/node-webcodecs';
import { openVideo } from '../src/media/video-source';
import { energyJumpDb, melDb, spectralChangeDb } from '../src/metrics/seam-change';

const ROOT = path.resolve(import.meta.dirname, '..');

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

function seamFigures(result: GenerateResult, generateSec: number) {
  const mel = melDb(result.channels, result.sampleRate);
  const windows = result.windows;
  const seams = windows.slice(1).map((w, k) => ({ fromSec: w.startSec, toSec: windows[k]!.endSec }));
  const middles = windows.map((w) => (w.startSec + w.endSec) / 2);
  const span = seams.length > 0 ? seams[0]!.toSec - seams[0]!.fromSec : 0;
  const seamChange = mean(seams.map((s) => spectralChangeDb(mel, s.fromSec, s.toSec)));
  const middleChange = mean(middles.map((m) => spectralChangeDb(mel, m - span / 2, m + span / 2)));
  const seamJump = mean(seams.map((s) => energyJumpDb(result.channels, result.sampleRate, (s.fromSec + s.toSec) / 2)));
  const middleJump = mean(middles.map((m) => energyJumpDb(result.channels, result.sampleRate, m)));
  const durationSec = result.channels[0]!.length / result.sampleRate;
  return {
    windows: windows.length,
    spectralChangeDb: { seams: seamChange, middles: middleChange, ratio: seamChange / middleChange },
    energyJump10msDb: { seams: seamJump, middles: middleJump, ratio: seamJump / middleJump },
    generateSec,
    realtimeFactor: generateSec / durationSec,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'duration', kind: 'number', description: 'clip length, s' },
    { name: 'pack', kind: 'string', description: 'pack folder' },
    { name: 'continuity-only', kind: 'flag', description: 'skip the run with independent windows' },
  ]);
  const durationSec = (values.duration as number | undefined) ?? 120;
  const tiny = path.join(ROOT, 'public/models/foley-tiny');
  const packDir = path.resolve((values.pack as string | undefined) ?? (existsSync(tiny) ? tiny : path.join(ROOT, 'public/models/foley-test')));
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-seams-'));
  installNodeWebCodecs();
  const pack = await loadPack(directoryPackSource(packDir), { backends: ['cpu'], createAdapter: createNodeAdapter });
  const decoder = nodeDecoderPool();
  try {
    const clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
    const figures: Record<string, ReturnType<typeof seamFigures>> = {};
    for (const windowContinuity of values['continuity-only'] ? [true] : [true, false]) {
      const video = await openVideo(await openAsBlob(clip));
      try {
        const startMs = performance.now();
        const result = await generate(pack, video, { seed: 0, windowContinuity }, { decoder });
        figures[windowContinuity ? 'continuity' : 'independentWindows'] = seamFigures(result, (performance.now() - startMs) / 1000);
      } finally {
        video.close();
      }
    }
    const known = pack.manifest.conditioning.known !== undefined;
    console.log(JSON.stringify({ pack: `${pack.manifest.id} ${pack.manifest.version}`, knownFrames: known, durationSec, ...figures, goals: { spectralChangeRatio: 1.1 } }, null, 2));
  } finally {
    decoder.dispose();
    await pack.dispose();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
