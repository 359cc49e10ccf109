/** The Node side of the ORT adapter: onnxruntime-node on the CPU execution provider (the CLI, tests, benchmarks). */

import * as ort from 'onnxruntime-node';
import { env } from './env';
import type { TensorDtype } from '../pack/manifest';
import type { EngineSession, EngineTensor, OrtAdapter, TensorValues } from './model-session';

export function createNodeAdapter(): OrtAdapter {
  return {
    backend: 'cpu',
    async createSession(bytes) {
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        ...(env.threads > 0 ? { intraOpNumThreads: env.threads } : {}),
      });
      return wrapSession(session);
    },
    tensor(dtype: TensorDtype, data: TensorValues, dims: readonly number[]): EngineTensor {
      return new ort.Tensor(dtype, data, dims);
    },
  };
}

function wrapSession(session: ort.InferenceSession): EngineSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    run: (feeds) => session.run(feeds as Record<string, ort.Tensor>),
    dispose: () => session.release(),
  };
}
