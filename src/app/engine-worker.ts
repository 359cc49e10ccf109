/**
 * Creates the engine worker (src/engine/worker.ts, a module worker so it can import ORT as ESM).
 * The glob resolves to nothing while the engine has no worker yet; the app then says so instead of pretending.
 */

const workerModules = import.meta.glob<new () => Worker>('../engine/worker.ts', { query: '?worker', import: 'default', eager: true });

export function createEngineWorker(): Worker {
  const EngineWorker = Object.values(workerModules)[0];
  if (!EngineWorker) throw new Error('this build has no engine worker (src/engine/worker.ts is missing)');
  return new EngineWorker();
}
