import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from '../../../e2e/fixtures';
import { installNodeWebCodecs } from '../../media/node-webcodecs';
import { openVideo, type VideoSource } from '../../media/video-source';
import { generate } from '../sampling/generate';
import { referencePrefix, restoreKnown, windowKnown } from './known-frames';
import { createNodeAdapter } from '../runtime/ort-node';
import { loadPack, type LoadedPack } from '../pack/pack-loader';
import { directoryPackSource } from '../pack/pack-source-node';
import { readFloat32, type EngineTensor } from '../runtime/model-session';
import { REGION_FADE_SEC } from '../sampling/region';

const PACK_DIR = path.resolve(__dirname, '../../../public/models/foley-test');

function ramp(frames: number, dims: number, offset = 0): Float32Array {
  return Float32Array.from({ length: frames * dims }, (_, i) => offset + i);
}

describe('known-frame inputs for one window', () => {
  it('puts the reference prefix first (kind "reference") and known clip rows inside the window after it (kind "clip")', () => {
    const prefix = referencePrefix({ frames: 10, dims: 2, data: ramp(10, 2, 1000) }, new Float32Array(10).fill(0.5), 1, 9, 4)!;
    expect(prefix.latent.frames).toBe(8); // min(10, 9) rounded down to the patch of 4
    // Clip rows 6..13 known; the window covers clip frames 8..15, so its rows 0..5 come from them.
    const rows = { startFrame: 6, frames: 8, dims: 2, data: ramp(8, 2) };
    const known = windowKnown(8, 8, 2, prefix, [rows]);
    expect(known.prefixFrames).toBe(8);
    expect(known.knownClipFrames).toBe(6);
    const maskAt = (row: number) => [known.mask[row * 2], known.mask[row * 2 + 1]];
    expect(maskAt(0)).toEqual([0, 1]);
    expect(maskAt(7)).toEqual([0, 1]);
    expect(maskAt(8)).toEqual([1, 0]);
    expect(maskAt(13)).toEqual([1, 0]);
    expect(maskAt(14)).toEqual([0, 0]);
    expect(Array.from(known.known.subarray(0, 2))).toEqual([1000, 1001]);
    // Window row 0 (after the prefix) is clip frame 8 = rows' row 2 → values 4, 5.
    expect(Array.from(known.known.subarray(16, 18))).toEqual([4, 5]);
    expect(Array.from(known.known.subarray(28, 32))).toEqual([0, 0, 0, 0]);
  });

  it('skips rows the mask leaves out and restores known rows over a generated latent exactly', () => {
    const mask = Uint8Array.from([1, 1, 0, 0, 1, 1]);
    const known = windowKnown(0, 8, 1, null, [{ startFrame: 0, frames: 6, dims: 1, data: ramp(6, 1, 10), mask }]);
    expect(known.knownClipFrames).toBe(4);
    const generated = new Float32Array(8).fill(-1);
    restoreKnown(generated, 8, 1, known);
    expect(Array.from(generated)).toEqual([10, 11, -1, -1, 14, 15, -1, -1]);
  });
});

describe('region regenerate on the test pack (known frames outside the range)', () => {
  let scratch: string;
  let pack: LoadedPack;
  let clip: string;
  const opened: VideoSource[] = [];
  const open = async () => {
    const video = await openVideo(await openAsBlob(clip));
    opened.push(video);
    return video;
  };

  beforeAll(async () => {
    installNodeWebCodecs();
    scratch = await mkdtemp(path.join(tmpdir(), 'foley-known-'));
    clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec: 3, width: 96, height: 64, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
    pack = await loadPack(directoryPackSource(PACK_DIR), { backends: ['cpu'], createAdapter: createNodeAdapter });
  }, 60_000);

  afterAll(async () => {
    opened.forEach((v) => v.close());
    await pack?.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('declares known-frame conditioning in the test pack', () => {
    expect(pack.manifest.conditioning.known?.kinds).toEqual(['clip', 'reference']);
  });

  it('leaves the take unchanged outside [start − fade, end + fade) and replaces the inside', async () => {
    const take = await generate(pack, await open(), { seed: 1, steps: 2 });
    const region = { startSec: 1.0, endSec: 1.6, take: { sampleRate: take.sampleRate, channels: take.channels } };
    const result = await generate(pack, await open(), { seed: 2, steps: 2, region });
    const fade = Math.round(REGION_FADE_SEC * take.sampleRate);
    const start = Math.round(1.0 * take.sampleRate);
    const end = Math.round(1.6 * take.sampleRate);
    result.channels.forEach((channel, c) => {
      const old = take.channels[c]!;
      expect(channel.length).toBe(old.length);
      for (const i of [0, start - fade - 1, end + fade, old.length - 1]) expect(channel[i]).toBe(old[i]);
      expect(channel.subarray(0, start - fade)).toEqual(old.subarray(0, start - fade));
      expect(channel.subarray(end + fade)).toEqual(old.subarray(end + fade));
      let changed = 0;
      for (let i = start; i < end; i++) if (channel[i] !== old[i]) changed++;
      expect(changed).toBeGreaterThan(0.9 * (end - start));
    });
    // Only the windows around the region were generated.
    expect(result.windows[0]!.startSec).toBeGreaterThanOrEqual(0);
    expect(result.windows.at(-1)!.endSec).toBeLessThanOrEqual(2.6 + 1e-9);
  }, 120_000);

  it('puts the take\'s known rows back on the flow path before every DiT evaluation: x = (1 − t)·noise + t·known there', async () => {
    const take = await generate(pack, await open(), { seed: 1, steps: 2 });
    const dit = pack.sessions.dit;
    const run = dit.run.bind(dit);
    const calls: { t: number; x: Float32Array; known: Float32Array; mask: Float32Array }[] = [];
    dit.run = async (feeds: Record<string, EngineTensor>) => {
      const read = async (name: string) => Float32Array.from(await readFloat32(feeds[name]!));
      calls.push({ t: (await read('t'))[0]!, x: await read('x'), known: await read('known'), mask: await read('known_mask') });
      return run(feeds);
    };
    try {
      await generate(pack, await open(), { seed: 2, steps: 2, region: { startSec: 1.0, endSec: 1.6, take: { sampleRate: take.sampleRate, channels: take.channels } } });
    } finally {
      dit.run = run;
    }
    const rows = (c: (typeof calls)[number]) => c.mask.length / 2;
    let noise: Float32Array = new Float32Array(0);
    let checked = 0;
    let worst = 0;
    for (const call of calls) {
      // Euler from t = 0: the first evaluation of each window sees its initial noise.
      if (call.t === 0) noise = call.x;
      const dims = call.x.length / rows(call);
      for (let j = 0; j < rows(call); j++) {
        if (call.mask[j * 2] !== 1 || call.t === 0) continue;
        for (let i = j * dims; i < (j + 1) * dims; i++) worst = Math.max(worst, Math.abs(call.x[i]! - ((1 - call.t) * noise[i]! + call.t * call.known[i]!)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-5);
  }, 120_000);

  it('refuses a region shorter than one latent frame or outside the clip, before any work', async () => {
    const take = { sampleRate: 44100, channels: [new Float32Array(132300), new Float32Array(132300)] };
    await expect(generate(pack, await open(), { seed: 1, region: { startSec: 1, endSec: 1.005, take } })).rejects.toThrow(/at least one latent frame/);
    await expect(generate(pack, await open(), { seed: 1, region: { startSec: 2.5, endSec: 3.5, take } })).rejects.toThrow(/outside the clip/);
    await expect(generate(pack, await open(), { seed: 1, region: { startSec: 1, endSec: 2, take: { ...take, channels: [new Float32Array(5)] } } })).rejects.toThrow(/does not match this clip/);
  }, 60_000);
});
