import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from '../../../e2e/fixtures';
import { installNodeWebCodecs } from '../../media/node-webcodecs';
import { openVideo } from '../../media/video-source';
import { regionSeams } from '../../metrics/seam-change';
import { loadPack, type LoadedPack } from '../pack/pack-loader';
import { directoryPackSource } from '../pack/pack-source-node';
import { createNodeAdapter } from '../runtime/ort-node';
import { generate } from './generate';
import { REGION_FADE_SEC } from './region';
import { EDGE_MATCH_SEC, matchRegionEdges, type WindowLatent } from './region-edges';

const RATE = 100; // latent frames a second: EDGE_MATCH_SEC is 30 frames
const DIMS = 3;

/** [frames × DIMS]: value(frame, dim) per row. */
function rows(frames: number, value: (frame: number, dim: number) => number): Float32Array {
  return Float32Array.from({ length: frames * DIMS }, (_, i) => value(Math.floor(i / DIMS), i % DIMS));
}

function meanOf(latent: Float32Array, from: number, to: number, dim: number): number {
  let sum = 0;
  for (let f = from; f < to; f++) sum += latent[f * DIMS + dim]!;
  return sum / (to - from);
}

describe('matchRegionEdges (latent)', () => {
  // A take of 400 frames; the region's windows generate frames 100..300 at another level per dimension.
  const take = { frames: 400, dims: DIMS, data: rows(400, (f, d) => d * 2 + Math.sin(f / 3)) };
  const span = { first: 100, end: 300 };
  const generated = (f: number, d: number) => -5 + d - Math.cos(f / 5);

  it('makes each dimension\'s mean continue across both edges, keeps the region\'s own frame-to-frame changes, and moves nothing outside the span', () => {
    const windows: WindowLatent[] = [
      { startFrame: 60, frames: 160, latent: rows(160, (j, d) => (j + 60 < 100 ? take.data[(j + 60) * DIMS + d]! : generated(j + 60, d))) },
      { startFrame: 180, frames: 160, latent: rows(160, (j, d) => (j + 180 >= 300 ? take.data[(j + 180) * DIMS + d]! : generated(j + 180, d))) },
    ];
    const before = windows.map((w) => w.latent.slice());
    matchRegionEdges(windows, take, span, RATE);
    const width = EDGE_MATCH_SEC * RATE;
    const clip = new Float32Array(400 * DIMS);
    for (const w of windows) clip.set(w.latent, w.startFrame * DIMS);
    const unmatched = new Float32Array(400 * DIMS);
    before.forEach((latent, k) => unmatched.set(latent, windows[k]!.startFrame * DIMS));
    // The offset is whole at the edge and fades over the region, so the means over the frames beside it come within
    // a few per cent (a mismatch of about 5 before).
    for (let d = 0; d < DIMS; d++) {
      for (const [own, theirs] of [[100, 100 - width], [300 - width, 300]] as const) {
        const mismatch = (latent: Float32Array) => Math.abs(meanOf(latent, own, own + width, d) - meanOf(take.data, theirs, theirs + width, d));
        expect(mismatch(unmatched)).toBeGreaterThan(3);
        expect(mismatch(clip)).toBeLessThan(0.05 * mismatch(unmatched));
      }
    }
    // Frames outside the span (the take's known frames) are exactly as given.
    expect(windows[0]!.latent.subarray(0, 40 * DIMS)).toEqual(before[0]!.subarray(0, 40 * DIMS));
    expect(windows[1]!.latent.subarray(120 * DIMS)).toEqual(before[1]!.subarray(120 * DIMS));
    // Rows both windows hold (frames 180..220) got the same offset.
    expect(windows[0]!.latent.subarray(120 * DIMS)).toEqual(windows[1]!.latent.subarray(0, 40 * DIMS));
    // The region's changes from frame to frame stay (the offset is a straight line across a region this short).
    const step = (f: number, d: number) => clip[(f + 1) * DIMS + d]! - clip[f * DIMS + d]! - (generated(f + 1, d) - generated(f, d));
    for (let d = 0; d < DIMS; d++) for (const f of [100, 150, 250, 298]) expect(step(f, d)).toBeCloseTo(step(200, d), 4);
  });

  it('leaves an edge at the clip\'s start alone (no take beside it) and fades the end edge\'s offset out before the region\'s start', () => {
    const long = { frames: 800, dims: DIMS, data: rows(800, () => 4) };
    const window: WindowLatent = { startFrame: 0, frames: 800, latent: rows(800, (f) => (f < 700 ? 1 : 4)) };
    matchRegionEdges([window], long, { first: 0, end: 700 }, RATE);
    expect(window.latent[0]).toBe(1);
    expect(window.latent[300 * DIMS]).toBe(1); // more than EDGE_RAMP_SEC (200 frames) from the end edge
    expect(window.latent[699 * DIMS]).toBeCloseTo(4, 1);
    expect(window.latent[750 * DIMS]).toBe(4);
  });
});

describe('region regenerate on foley-tiny: the edges have no seam (issue 9.2)', () => {
  let scratch: string;
  let pack: LoadedPack;
  let clip: string;

  beforeAll(async () => {
    installNodeWebCodecs();
    scratch = await mkdtemp(path.join(tmpdir(), 'foley-region-edges-'));
    clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec: 12, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
    pack = await loadPack(directoryPackSource(path.resolve(__dirname, '../../../public/models/foley-tiny')), { backends: ['cpu'], createAdapter: createNodeAdapter });
  }, 60_000);

  afterAll(async () => {
    await pack?.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('the sound changes across the region\'s crossfades no more than 1.1× as much as across equally long spans elsewhere (bench/region-seams.ts)', async () => {
    const run = async (options: Parameters<typeof generate>[2]) => {
      const video = await openVideo(await openAsBlob(clip));
      try {
        return await generate(pack, video, options);
      } finally {
        video.close();
      }
    };
    const take = await run({ seed: 1 });
    const range = { startSec: 4, endSec: 6 };
    const region = await run({ seed: 2, region: { ...range, take: { sampleRate: take.sampleRate, channels: take.channels } } });
    // Before the edges were matched: 2.05 (the region's first 0.3 s of latent 0–30 dB under the take beside it).
    expect(regionSeams(region.channels, region.sampleRate, range, REGION_FADE_SEC).changeRatio).toBeLessThan(1.1);
    const fade = Math.round(REGION_FADE_SEC * take.sampleRate);
    const start = Math.round(range.startSec * take.sampleRate) - fade;
    region.channels.forEach((channel, c) => expect(channel.subarray(0, start)).toEqual(take.channels[c]!.subarray(0, start)));
  }, 180_000);
});
