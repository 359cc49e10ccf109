/**
 * The engine worker: adapts protocol.ts messages to engine calls and posts the result, or `{type: 'error', id,
 * message}`. Buffers are transferred. Holds the loaded pack, the open video and the running jobs' AbortControllers.
 */

import { openVideo, type VideoSource } from '../../media/video-source';
import type { LatentDecoder } from '../decoding/latent-decoder';
import { webDecoderPool } from '../decoding/latent-decoder-web';
import { chooseBackend, probeWebGpu } from '../runtime/backend-choice';
import { loadBrowserPack, packInfo } from '../pack/browser-pack';
import { EtaEstimator, type PhaseCosts, type WorkPlan } from '../sampling/eta';
import { isAbortError } from '../sampling/flow-sampler';
import { generateToSink } from '../sampling/generate';
import type { AudioChunk } from '../sampling/long-form';
import { plannedWindowCount } from '../sampling/planned-windows';
import { clipSizes } from '../sampling/sequence';
import { generateTakes } from '../sampling/takes';
import { ManifestError } from '../pack/manifest';
import type { LoadedPack } from '../pack/pack-loader';
import { PackIntegrityError, PackSourceError } from '../pack/pack-source';
import type { Backend, GenerateOptions, Progress, EngineRequest, EngineReply, TakeSearch } from './protocol';

/** Timeline thumbnails per opened video, and their height in pixels. */
const THUMBNAIL_COUNT = 12;
const THUMBNAIL_HEIGHT_PX = 48;
/** How often a running generation re-sends its progress with a fresh estimate, so the ETA never stands still. */
const ETA_TICK_MS = 1000;

const scope = globalThis as unknown as {
  postMessage(message: EngineReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<EngineRequest>) => void) | null;
};

let pack: LoadedPack | null = null;
let video: VideoSource | null = null;
const jobs = new Map<number, AbortController>();
/** Griffin-Lim threads, started with the first generation and kept for the worker's lifetime. */
let decoder: LatentDecoder | null = null;
/** Phase costs the last generation measured on the loaded pack and backend: the next one's ETA starts from them. */
let measuredCosts: PhaseCosts = {};

function post(message: EngineReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** The pack and the video are in use while a generation runs; replacing them would pull them from under it. */
function refuseWhileGenerating(what: string): void {
  if (jobs.size > 0) throw new Error(`cannot ${what} while a generation is running; cancel it first`);
}

const BACKEND_NAMES: Record<Backend, string> = { webgpu: 'WebGPU', wasm: 'WASM', cpu: 'CPU' };

async function handleLoadPack({ id, packUrl, backend }: Extract<EngineRequest, { type: 'load-pack' }>): Promise<void> {
  refuseWhileGenerating('load a model pack');
  const previous = pack;
  pack = null;
  measuredCosts = {};
  await previous?.dispose();
  const choice = chooseBackend(backend, await probeWebGpu());
  const onProgress = (progress: Progress) => post({ type: 'progress', id, progress, etaSec: null });
  let reason = choice.reason;
  for (const [i, candidate] of choice.order.entries()) {
    try {
      pack = await loadBrowserPack(packUrl, candidate, onProgress);
      break;
    } catch (error) {
      const next = choice.order[i + 1];
      // A missing or damaged pack fails on every backend: say so once, without a second download.
      const packProblem = error instanceof PackSourceError || error instanceof PackIntegrityError || error instanceof ManifestError;
      if (next === undefined || packProblem) throw error;
      reason = `${BACKEND_NAMES[candidate]} could not start (${error instanceof Error ? error.message : String(error)}), so ${BACKEND_NAMES[next]} runs the model`;
    }
  }
  const loaded = pack!;
  post({ type: 'pack-loaded', id, pack: packInfo(loaded), backend: loaded.backend, backendReason: reason });
}

/** The work of a generation as far as it is known before it starts; generate()'s own events correct it. */
function workPlan(loaded: LoadedPack, durationSec: number, options: GenerateOptions): WorkPlan | null {
  const { manifest } = loaded;
  try {
    const windows = plannedWindowCount(manifest, durationSec, options);
    return { videoSec: durationSec, windows, steps: options.steps ?? manifest.sampler.steps };
  } catch {
    // generate() refuses such a clip or plan itself, with a message for the user.
    return null;
  }
}

async function handleOpenVideo(id: number, file: File): Promise<void> {
  refuseWhileGenerating('open another video');
  // The current video stays open until the new one has proved readable: a bad drop must not lose the project.
  const opened = await openVideo(file);
  let thumbnails;
  try {
    thumbnails = await opened.thumbnails(THUMBNAIL_COUNT, THUMBNAIL_HEIGHT_PX);
  } catch (error) {
    opened.close();
    throw error;
  }
  video?.close();
  video = opened;
  const { durationSec, width, height, codec, hasAudio } = opened.info;
  post({ type: 'video-opened', id, video: { durationSec, width, height, codec, hasAudio, thumbnails } }, thumbnails.map((t) => t.image));
}

/**
 * A take search runs many generations: each gets its own estimator (priors: the one before), and the time left adds
 * the generations still to come at the measured time of the last one (a lower bound until one has finished).
 */
class SearchEta {
  candidate: { index: number; count: number } | null = null;
  private eta: EtaEstimator;
  private startMs = performance.now();
  private candidateMs: number | null = null;

  constructor(private readonly plan: WorkPlan | null) {
    this.eta = new EtaEstimator(undefined, { plan, priors: measuredCosts });
  }

  update(progress: Progress): void {
    this.eta.update(progress);
  }

  nextCandidate(index: number, count: number): void {
    if (this.candidate) {
      this.candidateMs = performance.now() - this.startMs;
      measuredCosts = this.eta.costs();
      this.eta = new EtaEstimator(undefined, { plan: this.plan, priors: measuredCosts });
    }
    this.startMs = performance.now();
    this.candidate = { index, count };
  }

  estimate(): { sec: number | null; lowerBound: boolean } {
    const current = this.eta.estimate();
    const after = this.candidate ? this.candidate.count - this.candidate.index - 1 : 0;
    if (!current) return { sec: null, lowerBound: false };
    if (after === 0) return current;
    return this.candidateMs === null ? { sec: current.sec, lowerBound: true } : { sec: current.sec + (after * this.candidateMs) / 1000, lowerBound: current.lowerBound };
  }

  costs(): PhaseCosts {
    return this.eta.costs();
  }
}

async function handleGenerate(id: number, options: GenerateOptions, search: TakeSearch | undefined): Promise<void> {
  if (!pack) throw new Error('no model pack is loaded yet');
  if (!video) throw new Error('open a video first');
  refuseWhileGenerating('start another generation');
  const controller = new AbortController();
  jobs.set(id, controller);
  const eta = new SearchEta(workPlan(pack, video.info.durationSec, options));
  let latest: Progress | null = null;
  const report = () => {
    if (!latest) return;
    const estimate = eta.estimate();
    const candidate = eta.candidate ? { candidate: eta.candidate } : {};
    post({ type: 'progress', id, progress: latest, etaSec: estimate.sec, etaLowerBound: estimate.lowerBound, ...candidate });
  };
  const ticker = setInterval(report, ETA_TICK_MS);
  try {
    decoder ??= webDecoderPool();
    const hooks = {
      decoder,
      signal: controller.signal,
      onProgress: (progress: Progress) => {
        latest = progress;
        eta.update(progress);
        report();
      },
    };
    if (search) {
      const takes = await generateTakes(pack, video, options, search, { ...hooks, onCandidate: (index, count) => eta.nextCandidate(index, count) });
      measuredCosts = eta.costs();
      post({ type: 'takes-generated', id, takes }, takes.flatMap((t) => t.result.channels.map((c) => c.buffer as ArrayBuffer)));
      return;
    }
    const { manifest } = pack;
    const { durationSec } = video.info;
    // Each finished chunk goes to the page at once: the worker never holds the whole take (the page assembles it).
    // Sizes are taken here, after generateToSink has checked the options and the clip, so its messages come first.
    const sink = (chunk: AudioChunk) => {
      const { sampleRate } = manifest;
      const totalSamples = clipSizes(manifest, durationSec).samples;
      const channels = chunk.channels.map(ownArray);
      post({ type: 'audio-chunk', id, sampleRate, totalSamples, startSample: chunk.startSample, channels }, channels.map((c) => c.buffer as ArrayBuffer));
    };
    const summary = await generateToSink(pack, video, options, hooks, sink);
    measuredCosts = eta.costs();
    post({ type: 'generated', id, result: { ...summary, channelCount: manifest.channels } });
  } finally {
    clearInterval(ticker);
    jobs.delete(id);
  }
}

/** `channel` when it is the whole of its ArrayBuffer (safe to transfer), else a copy: transferring a view would empty its neighbours. */
function ownArray(channel: Float32Array): Float32Array {
  return channel.byteOffset === 0 && channel.byteLength === channel.buffer.byteLength ? channel : channel.slice();
}

async function handle(request: EngineRequest): Promise<void> {
  switch (request.type) {
    case 'load-pack':
      return handleLoadPack(request);
    case 'open-video':
      return handleOpenVideo(request.id, request.file);
    case 'generate':
      return handleGenerate(request.id, request.options, request.search);
    case 'cancel':
      jobs.get(request.targetId)?.abort();
      return;
    default:
      throw new Error(`unknown request type ${JSON.stringify((request as { type: unknown }).type)}; valid: load-pack, open-video, generate, cancel`);
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  handle(request).catch((error: unknown) => {
    if (isAbortError(error)) post({ type: 'cancelled', id: request.id });
    else post({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
  });
};
