/** Griffin-Lim in web workers beside the engine worker, so the CPU decodes while the GPU runs the next window. */

import { DecoderPool, type DecoderReply } from './latent-decoder';
import { capabilities } from '../runtime/env';

/** Leaves one core for the engine worker itself and the page. */
export function webDecoderPool(threads: number = Math.min(4, Math.max(1, capabilities.HARDWARE_CONCURRENCY - 1))): DecoderPool {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./decoder-worker.ts', import.meta.url), { type: 'module' }));
  const pool = new DecoderPool(workers);
  workers.forEach((worker, i) => {
    worker.onmessage = (event: MessageEvent<DecoderReply>) => pool.receive(event.data);
    worker.onerror = (event) => pool.fail(i, new Error(`audio decoder thread failed: ${event.message}`));
  });
  return pool;
}
