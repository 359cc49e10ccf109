/**
 * Helper of bench/long-form-memory.ts: generate() as the browser's engine worker calls it (the whole take returned
 * in memory, one Float32Array per channel of the final length), on onnxruntime-node, printing JSON with the bytes of
 * that output. The caller reads this process's peak RSS; peak − output is what generation needs beyond the take.
 * Usage: npx tsx bench/long-form-memory-worker.ts <video.mp4> <pack dir>
 */
import { openAsBlob } from 'node:fs';
import { nodeDecoderPool } from '../src/engine/decoding/latent-decoder-node';
import { loadPack } from '../src/engine/pack/pack-loader';
import { directoryPackSource } from '../src/engine/pack/pack-source-node';
import { createNodeAdapter } from '../src/engine/runtime/ort-node';
import { generate } from '../src/engine/sampling/generate';
import { installNodeWebCodecs } from '../src/media/node-webcodecs';
import { openVideo } from '../src/media/video-source';

const [videoFile, packDir] = process.argv.slice(2);
installNodeWebCodecs();
const pack = await loadPack(directoryPackSource(packDir!), { backends: ['cpu'], createAdapter: createNodeAdapter });
const video = await openVideo(await openAsBlob(videoFile!));
const decoder = nodeDecoderPool();
try {
  const result = await generate(pack, video, { seed: 0 }, { decoder });
  console.log(JSON.stringify({ outputMb: result.channels.reduce((n, c) => n + c.byteLength, 0) / 2 ** 20 }));
} finally {
  decoder.dispose();
  video.close();
  await pack.dispose();
}
