/**
 * Runs a loaded pack's sessions by component name: builds tensors, checks the outputs it expects are there, and
 * adds up the time spent inside session.run (the denominator of the engine-overhead benchmark).
 */

import type { ComponentName } from '../pack/manifest';
import type { LoadedPack } from '../pack/pack-loader';
import { readFloat32, type EngineTensor, type TensorValues } from './model-session';

export class SessionRunner {
  /** Milliseconds spent inside session.run since construction. */
  sessionRunMs = 0;

  constructor(private readonly pack: LoadedPack) {}

  float32(data: Float32Array, dims: readonly number[]): EngineTensor {
    return this.pack.adapter.tensor('float32', data, dims);
  }

  int64(data: BigInt64Array, dims: readonly number[]): EngineTensor {
    return this.pack.adapter.tensor('int64', data as TensorValues, dims);
  }

  /** One run; the caller owns (and disposes) every returned tensor. */
  async run(component: ComponentName, feeds: Record<string, EngineTensor>): Promise<Record<string, EngineTensor>> {
    const started = performance.now();
    let outputs: Record<string, EngineTensor>;
    try {
      outputs = await this.pack.sessions[component].run(feeds);
    } catch (error) {
      throw new Error(`${component} failed: ${(error as Error).message}`);
    } finally {
      this.sessionRunMs += performance.now() - started;
    }
    for (const spec of this.pack.manifest.components[component].outputs) {
      if (!outputs[spec.name]) throw new Error(`${component} returned no "${spec.name}"; it returned ${Object.keys(outputs).join(', ')}`);
    }
    return outputs;
  }

  /** One run whose float32 outputs are read back to host arrays (GPU outputs downloaded and disposed). */
  async runToHost(component: ComponentName, feeds: Record<string, EngineTensor>): Promise<Record<string, Float32Array>> {
    const outputs = await this.run(component, feeds);
    const host: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      host[name] = await readFloat32(tensor);
      tensor.dispose();
    }
    return host;
  }

  /** The fixed size of a component's last output axis (Dv, Ds, D, Dt, Da …) from the manifest. */
  outputWidth(component: ComponentName, output: string): number {
    const spec = this.pack.manifest.components[component].outputs.find((o) => o.name === output);
    const width = spec?.shape.at(-1);
    if (typeof width !== 'number') throw new Error(`manifest: ${component}.${output} has no fixed last dimension (${JSON.stringify(spec?.shape)})`);
    return width;
  }
}
