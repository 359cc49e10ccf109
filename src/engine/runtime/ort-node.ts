/** The Node side of the ORT adapter: onnxruntime-node on the CPU execution provider (the CLI, tests, benchmarks). */

import * as ort from 'onnxruntime-node';
import { env } from './env';
import { wrapSession } from './ort-session';
import type { TensorDtype } from '../pack/manifest';
import type { EngineTensor, OrtAdapter, TensorValues } from './model-session';

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
