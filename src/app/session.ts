/**
 * Side effects of the app: owns the engine client and the object URLs, turns user intents into engine requests and
 * engine replies into actions. Components call these methods; they never touch the engine.
 */

import type { Backend, GenerateOptions } from '../engine/host/protocol';
import { normaliseLoudness } from '../dsp/loudness-normalise';
import { encodeWav } from '../media/wav';
import { DEFAULT_PACK_ID } from './default-pack';
import { CancelledError, EngineClient, type WorkerLike } from './engine-client';
import { generateOptionsFor } from './generate-options';
import { PlaybackSync } from './playback-sync';
import { decodeReferenceFile } from './reference-audio';
import type { Action } from './store/action';
import { ActionManager } from './store/action-manager';
import * as actions from './store/actions';
import { referenceFailed, referenceLoaded, referenceReadStarted } from './store/reference-actions';
import { regionProblem, regionSeed, regionTakeGenerated, selectionOf } from './store/region-actions';
import type { BackendRequest } from './store/state';
import { soundingTrack, takeSearchProgress, takesCleared, takesGenerated } from './store/take-actions';

export interface SessionConfig {
  packUrl: string;
  /** Forced backend (`?backend=`); undefined lets the engine choose. */
  backend?: Backend;
}

const BACKENDS: readonly Backend[] = ['webgpu', 'wasm'];

/** Reads `?backend=` and `?pack=`; unknown values throw, naming the valid ones. */
export function configFromUrl(url: URL, baseUrl: string): SessionConfig {
  const backend = url.searchParams.get('backend');
  if (backend !== null && !(BACKENDS as readonly string[]).includes(backend)) {
    throw new Error(`Unknown backend "${backend}" in the address; valid: ${BACKENDS.join(', ')}.`);
  }
  const packId = url.searchParams.get('pack') ?? DEFAULT_PACK_ID;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(packId)) throw new Error(`Pack id "${packId}" may only contain a–z, 0–9 and dashes.`);
  return { packUrl: new URL(`${baseUrl}models/${packId}/`, url).href, ...(backend ? { backend: backend as Backend } : {}) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Videos longer than this take hours to generate on a CPU-class machine: the app asks first. */
export const LONG_VIDEO_SEC = 3600;

export function longVideoQuestion(durationSec: number): string {
  const hours = (durationSec / 3600).toFixed(1);
  return `This video is ${hours} hours long; generating it may take hours on this machine. Start anyway?`;
}

export class Session {
  readonly manager = new ActionManager();
  readonly playback = new PlaybackSync({
    playingChanged: (playing) => this.manager.dispatch(actions.setPlaying, playing),
    audioRunningChanged: (running) => this.manager.dispatch(actions.setAudioRunning, running),
  });
  private client: EngineClient | null = null;
  /** Asks the user a yes/no question; the page's confirm() dialog unless a test supplies another. */
  confirm: (question: string) => boolean = (question) => globalThis.confirm?.(question) ?? false;
  private packUrl = '';
  /** Counts pack loads, so only the latest backend picked lands in the store. */
  private packLoads = 0;
  /** Counts reference reads, so only the latest file picked lands in the store. */
  private referenceReads = 0;
  private readonly disposers: (() => void)[] = [
    this.manager.store.subscribe((state, previous) => {
      if (state.view.playing !== previous.view.playing) this.playback.setPlaying(state.view.playing);
      // What sounds is the chosen take (result) or, while comparing, the other one (take-actions.ts).
      if (soundingTrack(state) !== soundingTrack(previous)) this.playback.setTrack(soundingTrack(state));
    }),
  ];

  /** Starts the engine worker and loads the pack; failures land in the store, never throw. */
  start(createWorker: () => WorkerLike, config: SessionConfig): void {
    const { dispatch } = this.bound();
    try {
      this.client = new EngineClient(createWorker());
    } catch (error) {
      dispatch(actions.engineFailed, `The engine could not start: ${messageOf(error)}`);
      return;
    }
    this.packUrl = config.packUrl;
    this.loadPack(config.backend ? { backend: config.backend, from: 'address' } : null);
    // Cancel is state (Escape or the button set job.cancelling); the request follows the state.
    this.disposers.push(
      this.manager.store.subscribe((state, previous) => {
        if (state.job?.cancelling && !previous.job?.cancelling) this.client?.cancel(state.job.requestId);
      }),
    );
  }

  /**
   * Reloads the pack on another backend (null: let the engine choose). The address follows, so a reload keeps the
   * choice and `?backend=` stays the one way to force a backend from outside.
   */
  switchBackend(backend: Backend | null): void {
    const { dispatch, state } = this.bound();
    if (state.job) return dispatch(actions.rejectInput, 'Cancel or finish the current generation before switching the backend.');
    if (!this.client || state.engine.status === 'starting') return;
    const url = new URL(globalThis.location.href);
    if (backend) url.searchParams.set('backend', backend);
    else url.searchParams.delete('backend');
    globalThis.history.replaceState(globalThis.history.state, '', url);
    this.loadPack(backend ? { backend, from: 'user' } : null);
  }

  private loadPack(request: BackendRequest | null): void {
    const { dispatch } = this.bound();
    const load = ++this.packLoads;
    dispatch(actions.engineLoadStarted, request);
    this.client!.loadPack(this.packUrl, request?.backend, (progress) => dispatch(actions.engineLoading, progress)).promise.then(
      (loaded) => load === this.packLoads && dispatch(actions.engineReady, loaded),
      (error: unknown) => load === this.packLoads && dispatch(actions.engineFailed, messageOf(error)),
    );
  }

  failStart(message: string): void {
    this.manager.dispatch(actions.engineFailed, message);
  }

  openFiles(files: readonly File[]): void {
    const { dispatch, state } = this.bound();
    if (files.length === 0) return dispatch(actions.rejectInput, 'Nothing to open: drop one video file (MP4, MOV, M4V or WebM).');
    if (files.length > 1) {
      return dispatch(actions.rejectInput, `Drop one video at a time — you dropped ${files.length} files. Nothing was changed.`);
    }
    if (state.job) return dispatch(actions.rejectInput, 'Cancel or finish the current generation before opening another video.');
    if (!this.client) return dispatch(actions.rejectInput, 'The engine is not running, so videos cannot be opened.');
    const file = files[0];
    const request = this.client.openVideo(file);
    dispatch(actions.openStarted, { fileName: file.name, requestId: request.id });
    request.promise.then(
      (info) => {
        if (this.manager.state.opening?.requestId !== request.id) return;
        const previous = this.manager.state.video;
        // videoOpened keeps a restored project's takes for its own video and drops them for another one.
        dispatch(actions.videoOpened, { fileName: file.name, sizeBytes: file.size, objectUrl: URL.createObjectURL(file), file, info });
        // The session owns what the replaced video held: its object URL and its thumbnail bitmaps (already drawn).
        if (previous) {
          URL.revokeObjectURL(previous.objectUrl);
          for (const thumbnail of previous.info.thumbnails) thumbnail.image.close();
        }
      },
      (error: unknown) => dispatch(actions.openFailed, `${file.name || 'The file'}: ${messageOf(error)}`),
    );
  }

  generate(): void {
    const { dispatch, state } = this.bound();
    const video = state.video;
    // While a reference is being read, Generate waits for it rather than silently going without.
    if (!this.client || state.engine.status !== 'ready' || !video || state.job || state.readingReference !== null) return;
    // Hours of work never start by accident (the CLI asks the same, src/cli/generate.ts).
    if (video.info.durationSec > LONG_VIDEO_SEC && !this.confirm(longVideoQuestion(video.info.durationSec))) return;
    const seed = state.doc.seed;
    const options = generateOptionsFor(state.doc, state.reference);
    if (state.takes.count > 1) return this.searchTakes(this.client, options, state.takes.count, video.info.durationSec);
    const request = this.client.generate(options, (progress, etaSec, etaLowerBound) => dispatch(actions.generateProgress, { progress, etaSec, etaLowerBound }));
    dispatch(actions.generateStarted, request.id);
    request.promise.then((result) => {
      dispatch(takesCleared, undefined);
      dispatch(actions.generated, { ...result, seed, durationSec: video.info.durationSec });
    }, (error: unknown) => this.generationFailed(error));
  }

  /** Several takes ranked by test-time search (src/engine/sampling/takes.ts); the best becomes the result. */
  private searchTakes(client: EngineClient, options: GenerateOptions, takes: number, durationSec: number): void {
    const { dispatch } = this.bound();
    const request = client.generateTakes(options, { takes }, (progress, etaSec, etaLowerBound, candidate) =>
      dispatch(takeSearchProgress, { progress, etaSec, etaLowerBound, ...(candidate ? { candidate } : {}) }),
    );
    dispatch(actions.generateStarted, request.id);
    request.promise.then((ranked) => dispatch(takesGenerated, { takes: ranked, durationSec }), (error: unknown) => this.generationFailed(error));
  }

  /**
   * Regenerates the selected range of the chosen take; the rest of it goes to the engine as known audio (a copy:
   * EngineClient posts without a transfer list, so the take stays whole in the store). The result is a new take.
   */
  regenerateSelection(): void {
    const { dispatch, state } = this.bound();
    const problem = regionProblem(state);
    if (problem) return dispatch(actions.rejectInput, problem);
    if (!this.client || state.engine.status !== 'ready') return dispatch(actions.rejectInput, 'The engine is not ready yet.');
    const base = state.result!;
    const region = selectionOf(state)!;
    const seed = regionSeed(state);
    const knownFrames = state.engine.pack?.knownFrames ?? false;
    const options: GenerateOptions = { ...generateOptionsFor(state.doc, state.reference), seed, region: { ...region, take: { sampleRate: base.sampleRate, channels: base.channels } } };
    const request = this.client.generate(options, (progress, etaSec, etaLowerBound) => dispatch(actions.generateProgress, { progress, etaSec, etaLowerBound }));
    dispatch(actions.generateStarted, request.id);
    request.promise.then((result) => dispatch(regionTakeGenerated, { result, base, region, seed, knownFrames }), (error: unknown) => this.generationFailed(error));
  }

  private generationFailed(error: unknown): void {
    if (error instanceof CancelledError) this.manager.dispatch(actions.generateCancelled, undefined);
    else this.manager.dispatch(actions.generateFailed, `Generation failed: ${messageOf(error)}`);
  }

  /** Decodes a reference recording; a file that cannot be decoded leaves the previous reference in place. */
  openReference(file: File): void {
    const { dispatch, state } = this.bound();
    const read = ++this.referenceReads;
    dispatch(referenceReadStarted, file.name);
    decodeReferenceFile(file, state.engine.pack?.sampleRate).then(
      (reference) => {
        if (read === this.referenceReads) dispatch(referenceLoaded, reference);
      },
      (error: unknown) => {
        if (read === this.referenceReads) dispatch(referenceFailed, messageOf(error));
      },
    );
  }

  /**
   * Saves the generated track as a WAV file in the chosen format, loudness-normalised (with a −1 dBTP true-peak
   * limit) when a target is set; PCM gets seeded TPDF dither.
   */
  downloadWav(): void {
    const { result, video, view } = this.manager.state;
    if (!result) return;
    const { exportFormat: format, exportLoudnessLufs: targetLufs } = view;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      const channels = targetLufs === null ? result.channels : normaliseLoudness(result.channels, result.sampleRate, { targetLufs }).channels;
      bytes = encodeWav({ sampleRate: result.sampleRate, channels }, format, { dither: format !== 'float32', ditherSeed: result.seed }) as Uint8Array<ArrayBuffer>;
    } catch (error) {
      return this.manager.dispatch(actions.rejectInput, `Export failed: ${messageOf(error)}`);
    }
    const baseName = (video?.fileName ?? 'foley').replace(/\.[^.]+$/, '');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
    const loudnessTag = targetLufs === null ? '' : `${targetLufs}LUFS-`;
    link.download = `${baseName}-foley-seed${result.seed}-${loudnessTag}${format}.wav`;
    link.click();
    // The download has started from the URL by the time a task has passed; keep memory bounded after that.
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  }

  cancel(): void {
    this.manager.dispatch(actions.cancelRequested, undefined);
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.playback.dispose();
    this.client?.dispose();
    this.client = null;
    const video = this.manager.state.video;
    if (video) URL.revokeObjectURL(video.objectUrl);
  }

  private bound() {
    return {
      dispatch: <P>(action: Action<P>, payload: P) => this.manager.dispatch(action, payload),
      state: this.manager.state,
    };
  }
}
