/**
 * The app's only line to the engine: wraps the engine worker per protocol.ts. Each request gets an id; its reply
 * settles the returned promise, progress messages go to the request's callback.
 */

import type { Backend, GenerateOptions, GenerateResult, PackInfo, Progress, EngineRequest, EngineReply, RankedTake, TakeSearch, VideoInfo } from '../engine/host/protocol';
import { adoptTrackChannels, TrackAssembler } from './track-audio';

/** Thrown when a request ends with a `cancelled` reply. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

export interface PendingRequest<T> {
  id: number;
  promise: Promise<T>;
}

/** `etaLowerBound`: the estimate leaves out a phase not measured yet; `candidate`: the generation of a take search. */
type ProgressListener = (progress: Progress, etaSec: number | null, etaLowerBound: boolean, candidate?: { index: number; count: number }) => void;

type AudioChunkReply = Extract<EngineReply, { type: 'audio-chunk' }>;

interface Waiter {
  resolve: (response: EngineReply) => void;
  reject: (error: Error) => void;
  onProgress?: ProgressListener;
  /** Receives a generation's audio as it streams in; throwing fails the request. */
  onAudio?: (chunk: AudioChunkReply) => void;
}

type EngineRequestBody = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'id'> : never) : never;

/** The subset of Worker the client needs; lets tests drive it with a MessageChannel port. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<EngineReply>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate?(): void;
}

export class EngineClient {
  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', (event: MessageEvent<EngineReply>) => this.receive(event.data));
    worker.addEventListener('error', (event: ErrorEvent) => {
      // A worker script that fails to load or throws at top level never replies; fail everything in flight.
      this.failAll(new Error(`The engine stopped: ${event.message || 'the worker script failed to load'}`));
    });
  }

  loadPack(packUrl: string, backend: Backend | undefined, onProgress: ProgressListener): PendingRequest<{ pack: PackInfo; backend: Backend; backendReason: string }> {
    return this.send(
      { type: 'load-pack', packUrl, ...(backend ? { backend } : {}) },
      (reply) => {
        if (reply.type !== 'pack-loaded') throw unexpected(reply);
        return { pack: reply.pack, backend: reply.backend, backendReason: reply.backendReason };
      },
      onProgress,
    );
  }

  openVideo(file: File): PendingRequest<VideoInfo> {
    return this.send({ type: 'open-video', file }, (reply) => {
      if (reply.type !== 'video-opened') throw unexpected(reply);
      return reply.video;
    });
  }

  /** The take is assembled from the engine's 'audio-chunk' messages as they come, into the storage that plays it. */
  generate(options: GenerateOptions, onProgress: ProgressListener): PendingRequest<GenerateResult> {
    const take = new TrackAssembler();
    return this.send(
      { type: 'generate', options },
      (reply) => {
        if (reply.type !== 'generated') throw unexpected(reply);
        const { samples, channelCount, ...result } = reply.result;
        return { ...result, channels: take.finish(result.sampleRate, channelCount, samples) };
      },
      onProgress,
      (chunk) => take.add(chunk),
    );
  }

  /** A take search (src/engine/sampling/takes.ts): the takes, best first. */
  generateTakes(options: GenerateOptions, search: TakeSearch, onProgress: ProgressListener): PendingRequest<RankedTake[]> {
    return this.send(
      { type: 'generate', options, search },
      (reply) => {
        if (reply.type !== 'takes-generated') throw unexpected(reply);
        return reply.takes.map((take) => ({ ...take, result: adopted(take.result) }));
      },
      onProgress,
    );
  }

  cancel(targetId: number): void {
    this.worker.postMessage({ type: 'cancel', id: this.nextId++, targetId } satisfies EngineRequest);
  }

  dispose(): void {
    this.failAll(new Error('The engine was shut down.'));
    this.worker.terminate?.();
  }

  private send<T>(body: EngineRequestBody, unwrap: (reply: EngineReply) => T, onProgress?: ProgressListener, onAudio?: (chunk: AudioChunkReply) => void): PendingRequest<T> {
    const id = this.nextId++;
    const promise = new Promise<EngineReply>((resolve, reject) => {
      this.waiters.set(id, { resolve, reject, onProgress, onAudio });
    }).then(unwrap);
    this.worker.postMessage({ ...body, id } as EngineRequest);
    return { id, promise };
  }

  private receive(message: EngineReply): void {
    const waiter = this.waiters.get(message.id);
    if (!waiter) return;
    if (message.type === 'progress') {
      waiter.onProgress?.(message.progress, message.etaSec, message.etaLowerBound ?? false, message.candidate);
      return;
    }
    if (message.type === 'audio-chunk') {
      try {
        if (!waiter.onAudio) throw unexpected(message);
        waiter.onAudio(message);
        return;
      } catch (error) {
        // The take cannot be whole: stop the job; its remaining messages find no waiter and are dropped.
        this.waiters.delete(message.id);
        this.cancel(message.id);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
    this.waiters.delete(message.id);
    if (message.type === 'error') waiter.reject(new Error(message.message));
    else if (message.type === 'cancelled') waiter.reject(new CancelledError('Cancelled.'));
    else waiter.resolve(message);
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
  }
}

/** A take search's transferred takes moved into the storage playback uses (track-audio.ts): the page holds each once. */
function adopted(result: GenerateResult): GenerateResult {
  return { ...result, channels: adoptTrackChannels(result.sampleRate, result.channels) };
}

function unexpected(reply: EngineReply): Error {
  return new Error(`The engine sent an unexpected "${reply.type}" reply.`);
}
