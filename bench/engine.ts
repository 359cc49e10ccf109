/**
 * Engine benchmark on the CLI path (onnxruntime-node, pack folder, real ffmpeg-made MP4), printing JSON:
 * - overhead = total generate() time / Σ session.run time (goal ≤ 1.05): what the engine adds around the model;
 *   also reported without the time generate() waits for the Griffin-Lim decoder threads (DSP, not engine glue);
 * - seconds to generate `--duration` (default 60) seconds of audio at the pack's default steps (goal ≤ 30 s with
 *   foley-tiny).
 * Usage: npx tsx bench/engine.ts [--duration 60] [--pack public/models/foley-tiny] [--steps n]
 */
import { existsSync, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { makeVideo } from '../e2e/fixtures';
import { parseArgs } from '../src/cli/args';
import { nodeDecoderPool } from '../src/engine/decoding/latent-decoder-node';
import { generate } from '../src/engine/sampling/generate';
import { createNodeAdapter } from '../src/engine/runtime/ort-node';
import { loadPack } from '../src/engine/pack/pack-loader';
import { directoryPackSource } from '../src/engine/pack/pack-source-node';
import type { Progress } from '../src/engine/host/protocol';
import { installNodeWebCodecs } from '../src/media/node-webcodecs';
import { openVideo } from '../src/media/video-source';

const ROOT = path.resolve(import.meta.dirname, '..');

function defaultPack(): string {
  const tiny = path.join(ROOT, 'public/models/foley-tiny');
  return existsSync(path.join(tiny, 'manifest.json')) ? tiny : path.join(ROOT, 'public/models/foley-test');
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'duration', kind: 'number', description: 'clip length, s' },
    { name: 'pack', kind: 'string', description: 'pack folder' },
    { name: 'steps', kind: 'integer', description: 'denoising steps' },
  ]);
  const durationSec = (values.duration as number | undefined) ?? 60;
  const packDir = path.resolve((values.pack as string | undefined) ?? defaultPack());
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-bench-'));
  try {
    const clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec, width: 320, height: 240, fps: 30, codec: 'h264', container: 'mp4', motion: 'moving-box' });
    installNodeWebCodecs();
    const loadStartMs = performance.now();
    const pack = await loadPack(directoryPackSource(packDir), { backends: ['cpu'], createAdapter: createNodeAdapter });
    const loadMs = performance.now() - loadStartMs;
    const video = await openVideo(await openAsBlob(clip));
    const startMs = performance.now();
    const cpuStart = process.cpuUsage();
    const stageEndMs: Partial<Record<Progress['stage'], number>> = {};
    let windows = 0;
    const decoder = nodeDecoderPool();
    const result = await generate(pack, video, { seed: 0, steps: values.steps as number | undefined }, {
      decoder,
      onProgress: (p) => {
        stageEndMs[p.stage] = performance.now() - startMs;
        if (p.stage === 'denoise') windows = p.windows;
      },
    });
    const cpu = process.cpuUsage(cpuStart);
    decoder.dispose();
    video.close();
    await pack.dispose();
    const { totalMs, sessionRunMs, decoderMs } = result.timings;
    console.log(
      JSON.stringify(
        {
          pack: pack.manifest.id,
          purpose: pack.manifest.purpose,
          backend: pack.backend,
          durationSec,
          steps: (values.steps as number | undefined) ?? pack.manifest.sampler.steps,
          windows,
          packLoadSec: loadMs / 1000,
          generateSec: totalMs / 1000,
          // Process-wide CPU time (all threads): on a shared machine wall times stretch, CPU time much less.
          generateCpuSec: (cpu.user + cpu.system) / 1e6,
          loadAverage1m: loadavg()[0],
          sessionRunSec: sessionRunMs / 1000,
          griffinLimWaitSec: decoderMs / 1000,
          decoderThreads: availableParallelism(),
          videoAndConditioningSec: (stageEndMs.encode ?? 0) / 1000,
          overhead: totalMs / sessionRunMs,
          overheadWithoutGriffinLimWait: (totalMs - decoderMs) / sessionRunMs,
          realtimeFactor: totalMs / 1000 / durationSec,
          goals: { overhead: 1.05, generateSecFor60s: 30 },
          outputSamples: result.channels[0]!.length,
        },
        null,
        2,
      ),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
