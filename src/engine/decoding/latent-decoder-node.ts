/**
 * Griffin-Lim on worker_threads for the CLI and benchmarks (Node only). The threads execute the same runDecodeJob as
 * the browser: from the TypeScript sources through tsx, or in the built CLI (scripts/build-cli.js) from the job module
 * built beside this bundle.
 */

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DecoderPool, type DecoderReply } from './latent-decoder';

const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (workerData.tsxApi ? import(workerData.tsxApi).then((api) => (api.register ?? api.default.register)()) : Promise.resolve())
  .then(() => import(workerData.jobModule));
parentPort.on('message', async ({ id, job }) => {
  try {
    const { runDecodeJob } = await ready;
    const audio = runDecodeJob(job);
    parentPort.postMessage({ id, audio }, [audio.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/** `threads` defaults to the machine's cores: the DiT and the decoders then share them. */
export function nodeDecoderPool(threads: number = availableParallelism()): DecoderPool {
  const built = import.meta.url.endsWith('.mjs');
  const workerData = {
    // tsx's ESM API by path: resolving 'tsx/esm/api' from here would pick its CommonJS build (require condition).
    tsxApi: built ? null : pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href,
    jobModule: new URL(built ? './latent-decoder.mjs' : './latent-decoder.ts', import.meta.url).href,
  };
  const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(THREAD_SOURCE, { eval: true, workerData }));
  const pool = new DecoderPool(workers.map((w) => ({ postMessage: (m, t) => w.postMessage(m, t as never), terminate: () => void w.terminate() })));
  workers.forEach((worker, i) => {
    worker.unref();
    worker.on('message', (reply: DecoderReply) => pool.receive(reply));
    worker.on('error', (error: Error) => pool.fail(i, error));
  });
  return pool;
}
