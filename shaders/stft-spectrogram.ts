/**
 * Host for stft-spectrogram.wgsl: the timeline lane's log-frequency spectrogram on WebGPU, with an automatic CPU
 * fallback (src/dsp/spectrogram.ts, the shader's reference) when WebGPU is missing or fails. Long signals go
 * through in chunks of frames, each its own task, so neither path blocks the main thread for long.
 */

import {
  fullScalePower,
  logBandTable,
  spectrogramFrameCount,
  spectrogramFrames,
  validateSpectrogramParams,
  type SpectrogramImage,
  type SpectrogramParams,
} from '../src/dsp/spectrogram';
import { periodicHann } from '../src/dsp/stft';
import shaderSource from './stft-spectrogram.wgsl?raw';

export type SpectrogramBackend = 'webgpu' | 'cpu';

export interface SpectrogramResult extends SpectrogramImage {
  backend: SpectrogramBackend;
}

export interface SpectrogramOptions {
  /** 'auto' (default) tries WebGPU and falls back to the CPU. */
  backend?: 'auto' | SpectrogramBackend;
  /** Reuse an existing device instead of requesting one. */
  device?: GPUDevice;
  signal?: AbortSignal;
}

/** Frames per GPU dispatch (≤ 65 535 workgroups per dimension); 8192 frames of hop 512 upload 16 MiB of samples. */
const GPU_FRAMES_PER_CHUNK = 8192;
/** Frames per CPU slice between yields to the event loop: ~10 ms of work at nFft 1024. */
const CPU_FRAMES_PER_SLICE = 256;
const PARAMS_BYTES = 48;

/** The compiled pipeline on one device; owns nothing per signal (buffers live only inside `compute`). */
export class StftSpectrogramGpu {
  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly ownsDevice: boolean,
  ) {}

  /** null when this environment has no usable WebGPU adapter. */
  static async create(device?: GPUDevice): Promise<StftSpectrogramGpu | null> {
    let owned = false;
    if (!device) {
      const adapter = typeof navigator !== 'undefined' && navigator.gpu ? await navigator.gpu.requestAdapter() : null;
      if (!adapter) return null;
      device = await adapter.requestDevice();
      owned = true;
    }
    const module = device.createShaderModule({ code: shaderSource });
    const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    return new StftSpectrogramGpu(device, pipeline, owned);
  }

  async compute(samples: Float32Array, p: SpectrogramParams, signal?: AbortSignal): Promise<SpectrogramImage> {
    validateSpectrogramParams(p);
    const frames = spectrogramFrameCount(samples.length, p.hop);
    const data = new Float32Array(frames * p.bands);
    const buffers = this.createBuffers(p, Math.min(frames, GPU_FRAMES_PER_CHUNK));
    try {
      for (let first = 0; first < frames; first += GPU_FRAMES_PER_CHUNK) {
        signal?.throwIfAborted();
        const count = Math.min(GPU_FRAMES_PER_CHUNK, frames - first);
        data.set(await this.runChunk(samples, p, buffers, first, count), first * p.bands);
      }
    } finally {
      Object.values(buffers).forEach((b: GPUBuffer) => b.destroy());
    }
    return { frames, bands: p.bands, data };
  }

  destroy(): void {
    if (this.ownsDevice) this.device.destroy();
  }

  private createBuffers(p: SpectrogramParams, maxFrames: number): Record<'params' | 'samples' | 'bands' | 'tables' | 'image' | 'readback', GPUBuffer> {
    const { device } = this;
    const half = p.nFft / 2;
    const maxSamples = (maxFrames - 1) * p.hop + p.nFft;
    const make = (size: number, usage: number): GPUBuffer => device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const buffers = {
      params: make(PARAMS_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
      samples: make(maxSamples * 4, storage),
      bands: make(p.bands * 8, storage),
      tables: make((p.nFft + half + 2 * (half + 1)) * 4, storage),
      image: make(maxFrames * p.bands * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
      readback: make(maxFrames * p.bands * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
    };
    const table = logBandTable(p);
    const bandBins = new Uint32Array(2 * p.bands);
    for (let b = 0; b < p.bands; b++) bandBins.set([table.firstBin[b]!, table.lastBin[b]!], 2 * b);
    device.queue.writeBuffer(buffers.bands, 0, bandBins);
    device.queue.writeBuffer(buffers.tables, 0, shaderTables(p.nFft));
    return buffers;
  }

  private async runChunk(samples: Float32Array, p: SpectrogramParams, buffers: ReturnType<StftSpectrogramGpu['createBuffers']>, first: number, count: number): Promise<Float32Array> {
    const { device } = this;
    const half = p.nFft / 2;
    const chunkStart = Math.max(0, first * p.hop - half);
    const chunkEnd = Math.min(samples.length, (first + count - 1) * p.hop + half);
    const uniforms = new ArrayBuffer(PARAMS_BYTES);
    new Uint32Array(uniforms, 0, 8).set([p.nFft, p.hop, p.bands, Math.log2(half), first, count, samples.length, chunkStart]);
    new Float32Array(uniforms, 32, 4).set([p.minDb, p.maxDb, fullScalePower(p.nFft), 0]);
    device.queue.writeBuffer(buffers.params, 0, uniforms);
    // The lib types want an ArrayBuffer-backed view; WebGPU copies from a SharedArrayBuffer-backed one just as well.
    if (chunkEnd > chunkStart) device.queue.writeBuffer(buffers.samples, 0, samples.subarray(chunkStart, chunkEnd) as Float32Array<ArrayBuffer>);
    const bindGroup = device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: (['params', 'samples', 'bands', 'tables', 'image'] as const).map((name, binding) => ({ binding, resource: { buffer: buffers[name] } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(count);
    pass.end();
    const bytes = count * p.bands * 4;
    encoder.copyBufferToBuffer(buffers.image, 0, buffers.readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await buffers.readback.mapAsync(GPUMapMode.READ, 0, bytes);
    const result = new Float32Array(buffers.readback.getMappedRange(0, bytes).slice(0));
    buffers.readback.unmap();
    return result;
  }
}

/** Hann window, FFT twiddles of size nFft/2 and split twiddles of size nFft, as the shader's `tables` binding expects. */
function shaderTables(nFft: number): Float32Array<ArrayBuffer> {
  const half = nFft / 2;
  const tables = new Float32Array(nFft + half + 2 * (half + 1));
  tables.set(periodicHann(nFft));
  for (let j = 0; j < half / 2; j++) {
    tables[nFft + 2 * j] = Math.cos((-2 * Math.PI * j) / half);
    tables[nFft + 2 * j + 1] = Math.sin((-2 * Math.PI * j) / half);
  }
  for (let k = 0; k <= half; k++) {
    tables[nFft + half + 2 * k] = Math.cos((-2 * Math.PI * k) / nFft);
    tables[nFft + half + 2 * k + 1] = Math.sin((-2 * Math.PI * k) / nFft);
  }
  return tables;
}

/** CPU path in slices, yielding to the event loop between them so the page stays responsive. */
export async function spectrogramOnCpu(samples: Float32Array, p: SpectrogramParams, signal?: AbortSignal): Promise<SpectrogramImage> {
  validateSpectrogramParams(p);
  const frames = spectrogramFrameCount(samples.length, p.hop);
  const data = new Float32Array(frames * p.bands);
  const table = logBandTable(p);
  for (let first = 0; first < frames; first += CPU_FRAMES_PER_SLICE) {
    signal?.throwIfAborted();
    spectrogramFrames(samples, p, table, first, Math.min(CPU_FRAMES_PER_SLICE, frames - first), data);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return { frames, bands: p.bands, data };
}

/** The lane's entry point: WebGPU when available (and asked for), else the CPU; the result says which ran. */
export async function computeSpectrogram(samples: Float32Array, p: SpectrogramParams, options: SpectrogramOptions = {}): Promise<SpectrogramResult> {
  validateSpectrogramParams(p);
  const backend = options.backend ?? 'auto';
  if (backend !== 'cpu') {
    const gpu = await StftSpectrogramGpu.create(options.device).catch(() => null);
    if (gpu) {
      try {
        return { ...(await gpu.compute(samples, p, options.signal)), backend: 'webgpu' };
      } catch (error) {
        if (backend === 'webgpu' || options.signal?.aborted) throw error;
      } finally {
        gpu.destroy();
      }
    } else if (backend === 'webgpu') {
      throw new Error('WebGPU is not available in this browser.');
    }
  }
  return { ...(await spectrogramOnCpu(samples, p, options.signal)), backend: 'cpu' };
}
