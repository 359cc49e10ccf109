/**
 * Host for stft-spectrogram.wgsl: the timeline lane's log-frequency spectrogram on WebGPU, with an automatic CPU
 * fallback (src/dsp/spectrogram.ts, the shader's reference) when WebGPU is missing, fails, or is only a software
 * adapter. The CPU path runs in a module worker (this same module, loaded under the name 'stft-spectrogram'), or
 * in short main-thread time slices where there are no workers; GPU work goes in chunks of dispatches. Either way
 * the main thread is never blocked for long. The signal is read a part at a time (SignalReader: frame t needs only
 * samples t·hop ± nFft/2), so a long take's mono mix is never made whole, neither in the page nor in the worker.
 */

import {
  fullScalePower,
  logBandTable,
  PooledSpectrogram,
  spectrogramFrameCount,
  spectrogramFrames,
  spectrogramFrameSpan,
  validateSpectrogramParams,
  type LogBandTable,
  type SpectrogramImage,
  type SpectrogramParams,
} from '../src/dsp/spectrogram';
import { periodicHann } from '../src/dsp/stft';
import shaderSource from './stft-spectrogram.wgsl?raw';

export type SpectrogramBackend = 'webgpu' | 'cpu';

/** A signal read a part at a time. */
export interface SignalReader {
  lengthSamples: number;
  /** Samples [start, end), 0 ≤ start ≤ end ≤ lengthSamples, in a new array the caller owns (it may be transferred). */
  read(start: number, end: number): Float32Array;
}

/** What the spectrogram is computed from: the samples, or a reader of them. */
export type SpectrogramInput = Float32Array | SignalReader;

/** The mono mix (mean) of equal-length channels, mixed only as far as each read asks. */
export function monoMixReader(channels: readonly Float32Array[]): SignalReader {
  const lengthSamples = channels[0]?.length ?? 0;
  if (channels.some((channel) => channel.length !== lengthSamples)) throw new RangeError('monoMixReader: the channels differ in length');
  return {
    lengthSamples,
    read(start, end) {
      if (channels.length === 1) return channels[0]!.slice(start, end);
      const mix = new Float32Array(end - start);
      for (const channel of channels) for (let i = 0; i < mix.length; i++) mix[i]! += channel[start + i]! / channels.length;
      return mix;
    },
  };
}

function readerOf(input: SpectrogramInput): SignalReader {
  if (!(input instanceof Float32Array)) return input;
  return { lengthSamples: input.length, read: (start, end) => input.slice(start, end) };
}

export interface SpectrogramResult extends SpectrogramImage {
  backend: SpectrogramBackend;
}

export interface SpectrogramOptions {
  /** 'auto' (default): WebGPU on a hardware adapter, otherwise the CPU; 'webgpu' insists on WebGPU (any adapter). */
  backend?: 'auto' | SpectrogramBackend;
  /** Reuse an existing device instead of requesting one. */
  device?: GPUDevice;
  signal?: AbortSignal;
  /** At most this many image rows: consecutive frames max-pooled in equal groups (default: a row per frame). */
  columns?: number;
}

/** Frames per GPU dispatch (≤ 65 535 workgroups per dimension); 8192 frames of hop 512 upload 16 MiB of samples. */
const GPU_FRAMES_PER_CHUNK = 8192;
/** Main-thread work per CPU slice between yields; well under the 50 ms that counts as a long task. */
const CPU_SLICE_MS = 10;
/** Samples per message to the CPU worker: 4 MiB parts keep each posting task short. */
const WORKER_SAMPLES_PER_MESSAGE = 1 << 20;
/**
 * Parts the CPU worker may hold or queue at once: it computes one while the page reads the next, and the page waits
 * for its acknowledgement beyond that, so a long signal never piles up in the worker's message queue.
 */
const WORKER_PARTS_IN_FLIGHT = 2;
/** Worker name that makes this module serve spectrogram requests when it is a worker's entry (see the end of the file). */
const WORKER_NAME = 'stft-spectrogram';

type WorkerRequest =
  | { type: 'start'; params: SpectrogramParams; lengthSamples: number; columns?: number }
  /** Frames [firstFrame, firstFrame + frameCount), from the samples of their span starting at `sampleOffset`. */
  | { type: 'part'; firstFrame: number; frameCount: number; sampleOffset: number; data: Float32Array }
  | { type: 'finish' };
type WorkerReply =
  | { type: 'part-done'; firstFrame: number }
  | { type: 'done'; frames: number; data: Float32Array }
  | { type: 'error'; message: string };
const PARAMS_BYTES = 48;

/** The compiled pipeline on one device; owns nothing per signal (buffers live only inside `compute`). */
export class StftSpectrogramGpu {
  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly ownsDevice: boolean,
  ) {}

  /** null when this environment has no usable WebGPU adapter (or only a software one and `hardwareOnly` is set). */
  static async create(device?: GPUDevice, hardwareOnly = false): Promise<StftSpectrogramGpu | null> {
    let owned = false;
    if (!device) {
      const adapter = typeof navigator !== 'undefined' && navigator.gpu ? await navigator.gpu.requestAdapter() : null;
      if (!adapter || (hardwareOnly && isSoftwareAdapter(adapter))) return null;
      device = await adapter.requestDevice();
      owned = true;
    }
    const module = device.createShaderModule({ code: shaderSource });
    const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    return new StftSpectrogramGpu(device, pipeline, owned);
  }

  async compute(input: SpectrogramInput, p: SpectrogramParams, signal?: AbortSignal, columns?: number): Promise<SpectrogramImage> {
    validateSpectrogramParams(p);
    const samples = readerOf(input);
    const frames = spectrogramFrameCount(samples.lengthSamples, p.hop);
    const image = new PooledSpectrogram(frames, p.bands, columns);
    const buffers = this.createBuffers(p, Math.min(frames, GPU_FRAMES_PER_CHUNK));
    try {
      for (let first = 0; first < frames; first += GPU_FRAMES_PER_CHUNK) {
        signal?.throwIfAborted();
        const count = Math.min(GPU_FRAMES_PER_CHUNK, frames - first);
        image.add(await this.runChunk(samples, p, buffers, first, count), first, count);
      }
    } finally {
      Object.values(buffers).forEach((b: GPUBuffer) => b.destroy());
    }
    return image.image();
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

  private async runChunk(samples: SignalReader, p: SpectrogramParams, buffers: ReturnType<StftSpectrogramGpu['createBuffers']>, first: number, count: number): Promise<Float32Array> {
    const { device } = this;
    const half = p.nFft / 2;
    const { start: chunkStart, end: chunkEnd } = spectrogramFrameSpan(first, count, p, samples.lengthSamples);
    const uniforms = new ArrayBuffer(PARAMS_BYTES);
    new Uint32Array(uniforms, 0, 8).set([p.nFft, p.hop, p.bands, Math.log2(half), first, count, samples.lengthSamples, chunkStart]);
    new Float32Array(uniforms, 32, 4).set([p.minDb, p.maxDb, fullScalePower(p.nFft), 0]);
    device.queue.writeBuffer(buffers.params, 0, uniforms);
    // The lib types want an ArrayBuffer-backed view; WebGPU copies from a SharedArrayBuffer-backed one just as well.
    if (chunkEnd > chunkStart) device.queue.writeBuffer(buffers.samples, 0, samples.read(chunkStart, chunkEnd) as Float32Array<ArrayBuffer>);
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

/** Yields to the event loop through a message (a new task, without setTimeout's ≥ 4 ms clamp on nested timers). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** CPU path in time slices of ~CPU_SLICE_MS, yielding between them so the page stays responsive (no long tasks). */
export async function spectrogramOnCpu(input: SpectrogramInput, p: SpectrogramParams, signal?: AbortSignal, columns?: number): Promise<SpectrogramImage> {
  validateSpectrogramParams(p);
  const lengthSamples = input instanceof Float32Array ? input.length : input.lengthSamples;
  const frames = spectrogramFrameCount(lengthSamples, p.hop);
  const image = new PooledSpectrogram(frames, p.bands, columns);
  const table = logBandTable(p);
  let first = 0;
  let sliceFrames = 16;
  while (first < frames) {
    signal?.throwIfAborted();
    const start = performance.now();
    const count = Math.min(sliceFrames, frames - first);
    const part = new Float32Array(count * p.bands);
    if (input instanceof Float32Array) spectrogramFrames(input, p, table, first, count, part, 0, first);
    else {
      const span = spectrogramFrameSpan(first, count, p, lengthSamples);
      spectrogramFrames(input.read(span.start, span.end), p, table, first, count, part, span.start, first);
    }
    image.add(part, first, count);
    first += count;
    // Size the next slice from this one's speed, so slices stay near the budget on fast and slow machines alike.
    const msPerFrame = Math.max(1e-3, (performance.now() - start) / count);
    sliceFrames = Math.max(1, Math.floor(CPU_SLICE_MS / msPerFrame));
    await nextTask();
  }
  return image.image();
}

/** True for software adapters (SwiftShader, WARP): there the kernel runs emulated on the CPU, ~60× slower than spectrogramOnCpu (bench/spectrogram.ts). */
function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return info.isFallbackAdapter === true || /swiftshader|warp|llvmpipe/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
}

/**
 * CPU path off the main thread: this module re-loaded as a module worker receives the signal in parts, each with
 * the span of the frames it gives (a few MiB), computes those frames at once and acknowledges; the image comes back
 * transferred. Neither side holds the whole signal. Resolves null where workers are unavailable (Node, CLI).
 */
async function spectrogramInWorker(input: SignalReader, p: SpectrogramParams, signal?: AbortSignal, columns?: number): Promise<SpectrogramImage | null> {
  let worker: Worker;
  try {
    // A literal options object: Vite bundles `new Worker(new URL(…, import.meta.url), {…})` as a worker chunk.
    worker = new Worker(new URL('./stft-spectrogram.ts', import.meta.url), { type: 'module', name: 'stft-spectrogram' });
  } catch {
    return null;
  }
  const replies = new WorkerReplies(worker, signal);
  try {
    const post = (request: WorkerRequest, transfer: Transferable[] = []) => worker.postMessage(request, transfer);
    const frames = spectrogramFrameCount(input.lengthSamples, p.hop);
    const framesPerPart = Math.max(1, Math.floor(WORKER_SAMPLES_PER_MESSAGE / p.hop));
    post({ type: 'start', params: p, lengthSamples: input.lengthSamples, ...(columns === undefined ? {} : { columns }) });
    let inFlight = 0;
    for (let firstFrame = 0; firstFrame < frames; firstFrame += framesPerPart) {
      signal?.throwIfAborted();
      const frameCount = Math.min(framesPerPart, frames - firstFrame);
      const { start, end } = spectrogramFrameSpan(firstFrame, frameCount, p, input.lengthSamples);
      const data = input.read(start, end);
      post({ type: 'part', firstFrame, frameCount, sampleOffset: start, data }, [data.buffer]);
      if (++inFlight >= WORKER_PARTS_IN_FLIGHT) {
        await replies.next('part-done');
        inFlight--;
      }
    }
    post({ type: 'finish' });
    for (; inFlight > 0; inFlight--) await replies.next('part-done');
    const result = await replies.next('done');
    return { frames: result.frames, bands: p.bands, data: result.data };
  } finally {
    replies.dispose();
    worker.terminate();
  }
}

/** The worker's replies in order; an error reply, a worker failure or the abort signal rejects the waiting `next`. */
class WorkerReplies {
  private readonly received: WorkerReply[] = [];
  private failure: unknown = null;
  private wake: (() => void) | null = null;
  private readonly onAbort = () => this.fail(this.signal?.reason);

  constructor(
    worker: Worker,
    private readonly signal?: AbortSignal,
  ) {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      this.received.push(event.data);
      this.wake?.();
    };
    worker.onerror = (event) => this.fail(new Error(`spectrogram worker failed: ${event.message}`));
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async next<T extends WorkerReply['type']>(type: T): Promise<Extract<WorkerReply, { type: T }>> {
    while (this.received.length === 0) {
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const reply = this.received.shift()!;
    if (reply.type === 'error') throw new Error(reply.message);
    if (reply.type !== type) throw new Error(`spectrogram worker: expected "${type}", got "${reply.type}"`);
    return reply as Extract<WorkerReply, { type: T }>;
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private fail(error: unknown): void {
    this.failure = error ?? new Error('spectrogram worker failed');
    this.wake?.();
  }
}

/** The worker side: only adapts messages to `spectrogramFrames()`, a part at a time, into the image. */
function serveWorkerRequests(scope: DedicatedWorkerGlobalScope): void {
  let state: { params: SpectrogramParams; table: LogBandTable; image: PooledSpectrogram } | null = null;
  const reply = (message: WorkerReply, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
    const request = event.data;
    try {
      if (request.type === 'start') {
        const frames = spectrogramFrameCount(request.lengthSamples, request.params.hop);
        state = { params: request.params, table: logBandTable(request.params), image: new PooledSpectrogram(frames, request.params.bands, request.columns) };
        return;
      }
      if (!state) throw new Error(`spectrogram worker: "${request.type}" before "start"`);
      if (request.type === 'part') {
        const { firstFrame, frameCount, sampleOffset, data } = request;
        const part = new Float32Array(frameCount * state.params.bands);
        spectrogramFrames(data, state.params, state.table, firstFrame, frameCount, part, sampleOffset, firstFrame);
        state.image.add(part, firstFrame, frameCount);
        reply({ type: 'part-done', firstFrame });
      } else {
        const image = state.image.image();
        reply({ type: 'done', frames: image.frames, data: image.data }, [image.data.buffer]);
        state = null;
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };
}

/** The lane's entry point: WebGPU when available (and asked for), else the CPU; the result says which ran. */
export async function computeSpectrogram(input: SpectrogramInput, p: SpectrogramParams, options: SpectrogramOptions = {}): Promise<SpectrogramResult> {
  validateSpectrogramParams(p);
  const backend = options.backend ?? 'auto';
  if (backend !== 'cpu') {
    // 'auto' skips software adapters: the CPU path is faster there.
    const gpu = await StftSpectrogramGpu.create(options.device, backend === 'auto').catch(() => null);
    if (gpu) {
      try {
        return { ...(await gpu.compute(input, p, options.signal, options.columns)), backend: 'webgpu' };
      } catch (error) {
        if (backend === 'webgpu' || options.signal?.aborted) throw error;
      } finally {
        gpu.destroy();
      }
    } else if (backend === 'webgpu') {
      throw new Error('WebGPU is not available in this browser.');
    }
  }
  const image = (await spectrogramInWorker(readerOf(input), p, options.signal, options.columns)) ?? (await spectrogramOnCpu(input, p, options.signal, options.columns));
  return { ...image, backend: 'cpu' };
}

if (typeof DedicatedWorkerGlobalScope !== 'undefined' && self instanceof DedicatedWorkerGlobalScope && self.name === WORKER_NAME) {
  serveWorkerRequests(self);
}
