/**
 * Seams of a regenerated region (issue 9.2), on the engine with a real ffmpeg-made MP4, printing JSON. A whole take,
 * then [start, end) of it regenerated (src/engine/sampling/region.ts: known frames outside, the region's latent
 * offset to meet the take's at its edges (region-edges.ts), 50 ms equal-power crossfades), measured with src/metrics/seam-change.ts (spectral change across each crossfade ÷ across equally
 * long spans at other points; energy jump, 10 ms RMS). References in the same run: the whole take measured at the
 * same edges (no seam there at all), and what a pack without known frames gives — an independent take of the same
 * video spliced in with the same crossfades.
 * Usage: npx tsx bench/region-seams.ts [--duration 12] [--start 4] [--end 6] [--motion moving-box|drops] [--seed 1] [--pack public/models/foley-tiny]
 */
import { existsSync, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeVideo } from '../e2e/fixtures';
import { parseArgs } from '../src/cli/args';
import { nodeDecoderPool } from '../src/engine/decoding/latent-decoder-node';
import type { GenerateOptions, GenerateResult } from '../src/engine/host/protocol';
import { loadPack } from '../src/engine/pack/pack-loader';
import { directoryPackSource } from '../src/engine/pack/pack-source-node';
import { createNodeAdapter } from '../src/engine/runtime/ort-node';
import { generate } from '../src/engine/sampling/generate';
import { REGION_FADE_SEC, spliceRegion } from '../src/engine/sampling/region';
import { installNodeWebCodecs } from '../src/media/node-webcodecs';
import { openVideo } from '../src/media/video-source';
import { regionSeams } from '../src/metrics/seam-change';

const ROOT = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'duration', kind: 'number', description: 'clip length, s' },
    { name: 'start', kind: 'number', description: 'region start, s' },
    { name: 'end', kind: 'number', description: 'region end, s' },
    { name: 'motion', kind: 'string', description: 'the test video: moving-box (a steady sound, as bench/seams.ts) or drops' },
    { name: 'pack', kind: 'string', description: 'pack folder' },
    { name: 'seed', kind: 'number', description: 'seed of the whole take (the region take and the independent one use seed + 1)' },
  ]);
  const motion = (values.motion as string | undefined) ?? 'moving-box';
  if (motion !== 'moving-box' && motion !== 'drops') throw new Error(`--motion must be moving-box or drops; got "${motion}"`);
  const durationSec = (values.duration as number | undefined) ?? 12;
  const seed = (values.seed as number | undefined) ?? 1;
  const range = { startSec: (values.start as number | undefined) ?? 4, endSec: (values.end as number | undefined) ?? 6 };
  const tiny = path.join(ROOT, 'public/models/foley-tiny');
  const packDir = path.resolve((values.pack as string | undefined) ?? (existsSync(tiny) ? tiny : path.join(ROOT, 'public/models/foley-test')));
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-region-seams-'));
  installNodeWebCodecs();
  const pack = await loadPack(directoryPackSource(packDir), { backends: ['cpu'], createAdapter: createNodeAdapter });
  const decoder = nodeDecoderPool();
  try {
    const clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion });
    const run = async (options: GenerateOptions): Promise<GenerateResult> => {
      const video = await openVideo(await openAsBlob(clip));
      try {
        return await generate(pack, video, options, { decoder });
      } finally {
        video.close();
      }
    };
    const take = await run({ seed });
    const startedMs = performance.now();
    const region = await run({ seed: seed + 1, region: { ...range, take: { sampleRate: take.sampleRate, channels: take.channels } } });
    const regionMs = performance.now() - startedMs;
    const other = await run({ seed: seed + 1 });
    // A pack without known frames: the same crossfades, around audio generated without hearing the take.
    const whole = [{ index: 0, startSample: 0, lengthSamples: take.channels[0]!.length, fadeInSamples: 0, fadeOutSamples: 0 }];
    const spliced = spliceRegion({ ...range, take: { sampleRate: take.sampleRate, channels: take.channels } }, other.channels, whole, take.sampleRate, (audio) => audio);
    const rate = take.sampleRate;
    const fade = Math.round(REGION_FADE_SEC * rate);
    const [first, end] = [Math.round(range.startSec * rate) - fade, Math.round(range.endSec * rate) + fade];
    const changedOutside = take.channels.reduce((n, c, k) => n + c.reduce((m, v, i) => m + (i >= first && i < end ? 0 : Object.is(v, region.channels[k]![i]) ? 0 : 1), 0), 0);
    console.log(
      JSON.stringify(
        {
          pack: `${pack.manifest.id} ${pack.manifest.version}`,
          knownFrames: pack.manifest.conditioning.known !== undefined,
          durationSec,
          motion,
          seed,
          region: range,
          regionGenerateMs: Math.round(regionMs),
          samplesChangedOutsideCrossfades: changedOutside,
          seams: {
            regionTake: regionSeams(region.channels, rate, range, REGION_FADE_SEC),
            independentTakeSpliced: regionSeams(spliced, rate, range, REGION_FADE_SEC),
            wholeTakeSameEdges: regionSeams(take.channels, rate, range, REGION_FADE_SEC),
          },
          goals: { changeRatio: 1.1 },
        },
        null,
        2,
      ),
    );
  } finally {
    decoder.dispose();
    await pack.dispose();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
