/** Creates the engine worker: a module worker so ORT loads as ESM; Vite bundles it from this URL. */
export function createEngineWorker(): Worker {
  return new Worker(new URL('../engine/host/worker.ts', import.meta.url), { type: 'module', name: 'foley-engine' });
}
