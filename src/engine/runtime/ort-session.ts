/**
 * The one wrapper from an onnxruntime InferenceSession to the engine's EngineSession, for both adapters:
 * onnxruntime-node and onnxruntime-web export the same session and tensor classes from onnxruntime-common, so only
 * the session creation (execution providers, threads, output locations) differs between ort-node.ts and ort-web.ts.
 */

import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { EngineSession } from './model-session';

export function wrapSession(session: InferenceSession): EngineSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    run: (feeds) => session.run(feeds as Record<string, Tensor>),
    dispose: () => session.release(),
  };
}
