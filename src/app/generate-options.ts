/** The engine request for the project as it stands: the document's settings plus the reference sound, if any. */

import type { GenerateOptions } from '../engine/host/protocol';
import type { ProjectDoc, ReferenceSound } from './store/state';

/**
 * The reference's channels go out as they are: EngineClient posts requests without a transfer list, so the worker
 * gets a structured-clone copy and the store keeps its samples for the next Generate.
 */
export function generateOptionsFor(doc: ProjectDoc, reference: ReferenceSound | null): GenerateOptions {
  const { prompt, seed, steps, curve, promptAnchoring, level } = doc;
  return {
    seed,
    ...(level !== undefined ? { programLufs: level } : {}),
    ...(steps !== null ? { steps } : {}),
    ...(prompt.trim() ? { prompt } : {}),
    ...(curve?.enabled ? { targetCurveLufs: curve.lufs.map((values) => values.slice()) } : {}),
    ...(reference ? { audioPrompt: { sampleRate: reference.sampleRate, channels: reference.channels }, promptAnchoring } : {}),
  };
}
