/**
 * Seams between long-form windows (issue 9), on the engine's CLI path with a real ffmpeg-made MP4, printing JSON:
 * - spectral change: mean over 64 log-mel bands (hop 512) of |mean dB over the 0.5 s before a span − over the 0.5 s
 *   after it|, across each crossfade ÷ across an equally long span at each window's middle (goal ≤ 1.1; 1.0 = the
 *   sound changes across a seam no more than at any moment inside a window);
 * - energy jump (LD-LAudio-V1's Energy Δ10ms): |RMS dB of the 10 ms after − the 10 ms before| at each crossfade's
 *   centre ÷ the same at each window's middle.
 * Both with long-form continuity (each window continues the one before; needs a pack with known-frame conditioning)
 * and with independent windows, the same seed.
 * Usage: npx tsx bench/seams.ts [--duration 120] [--pack public/models/foley-tiny]
 */
import { existsSync, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeVideo } from '../e2e/fixtures';
import { audioToLatent } from '../src/dsp/log-mel';
import { parseArgs } from '../src/cli/args';
import { nodeDecoderPool } from '../src/engine/decoding/latent-decoder-node';
import { generate } from '../src/engine/sampling/generate';
import { createNodeAdapter } from '../src/engine/runtime/ort-node';
import { loadPack } from '../src/engine/pack/pack-loader';
import { directoryPackSource } from '../src/engine/pack/pack-source-node';
import type { GenerateResult } from '../src/engine/host/protocol';
import { installNodeWebCodecs } from '../src/media/node-webcodecs';
import { openVideo } from '../src/media/video-source';

const ROOT = path.resolve(import.meta.dirname, '..');
const HOP = 512;

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

/** Log-mel rows in dB (mono mix), [frames × 64]. */
function melDb(result: GenerateResult): { frames: number; data: Float32Array } {
  const mono = new Float32Array(result.channels[0]!.length);
  for (const c of result.channels) for (let i = 0; i < mono.length; i++) mono[i]! += c[i]! / result.channels.length;
  const latent = audioToLatent([mono], { sampleRate: result.sampleRate, nFft: 2048, hop: HOP, nMels: 64, fminHz: 0, fmaxHz: result.sampleRate / 2, logFloor: 1e-10, mean: 0, std: 1 });
  const toDb = 10 / Math.LN10;
  return { frames: latent.frames, data: latent.data.map((v) => v * toDb) };
}

/** Mean over bands of |mean dB over [from − 0.5 s, from) − mean dB over [to, to + 0.5 s)|. */
function changeAcross(mel: { frames: number; data: Float32Array }, rate: number, fromSec: number, toSec: number): number {
  const meanRows = (a: number, b: number) => {
    const [first, end] = [Math.max(0, Math.round(a * rate)), Math.min(mel.frames, Math.round(b * rate))];
    const out = new Float64Array(64);
    for (let f = first; f < end; f++) for (let m = 0; m < 64; m++) out[m]! += mel.data[f * 64 + m]! / Math.max(1, end - first);
    return out;
  };
  const before = meanRows(fromSec - 0.5, fromSec);
  const after = meanRows(toSec, toSec + 0.5);
  return mean(Array.from(before, (v, m) => Math.abs(v - after[m]!)));
}

function energyJumpDb(result: GenerateResult, atSec: number): number {
  const n = Math.round(0.01 * result.sampleRate);
  const at = Math.round(atSec * result.sampleRate);
  const rms = (from: number) => {
    let sum = 0;
    for (const c of result.channels) for (let i = from; i < from + n; i++) sum += c[i]! * c[i]!;
    return 10 * Math.log10(sum / (n * result.channels.length) + 1e-12);
  };
  return Math.abs(rms(at) - rms(at - n));
}

function seamFigures(result: GenerateResult) {
  const mel = melDb(result);
  const rate = result.sampleRate / HOP;
  const windows = result.windows;
  const seams = windows.slice(1).map((w, k) => ({ fromSec: w.startSec, toSec: windows[k]!.endSec }));
  const middles = windows.map((w) => (w.startSec + w.endSec) / 2);
  const span = seams.length > 0 ? seams[0]!.toSec - seams[0]!.fromSec : 0;
  const seamChange = mean(seams.map((s) => changeAcross(mel, rate, s.fromSec, s.toSec)));
  const middleChange = mean(middles.map((m) => changeAcross(mel, rate, m - span / 2, m + span / 2)));
  const seamJump = mean(seams.map((s) => energyJumpDb(result, (s.fromSec + s.toSec) / 2)));
  const middleJump = mean(middles.map((m) => energyJumpDb(result, m)));
  return {
    windows: windows.length,
    spectralChangeDb: { seams: seamChange, middles: middleChange, ratio: seamChange / middleChange },
    energyJump10msDb: { seams: seamJump, middles: middleJump, ratio: seamJump / middleJump },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'duration', kind: 'number', description: 'clip length, s' },
    { name: 'pack', kind: 'string', description: 'pack folder' },
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
    for (const windowContinuity of [true, false]) {
      const video = await openVideo(await openAsBlob(clip));
      try {
        figures[windowContinuity ? 'continuity' : 'independentWindows'] = seamFigures(await generate(pack, video, { seed: 0, windowContinuity }, { decoder }));
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
