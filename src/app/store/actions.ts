/**
 * Every state change the app makes. Components, the keyboard and the session (engine replies) all go through these.
 */

import type { Backend, PackInfo, Progress } from '../../engine/host/protocol';
import { clearHistory, defineAction, record, skip, type KeyStroke } from './action';
import { MAX_PX_PER_SEC, MIN_PX_PER_SEC, type AppState, type BackendRequest, type GeneratedTrack, type LoadedVideo, type Notice, type ProjectDoc, type WavFormat } from './state';

function plainKey(stroke: KeyStroke): boolean {
  return !stroke.ctrlKey && !stroke.metaKey && !stroke.altKey && !stroke.inTextField;
}

function withDoc(state: AppState, patch: Partial<ProjectDoc>): AppState {
  return { ...state, doc: { ...state.doc, ...patch } };
}

function fail(state: AppState, message: string): AppState {
  return { ...state, notice: { kind: 'error', message } };
}

// Engine lifecycle

/** The engine (re)loads its pack: at start, and when the user picks another backend. */
export const engineLoadStarted = defineAction<BackendRequest | null>({
  name: 'engineLoadStarted',
  label: 'Start engine',
  perform: (state, backendRequest) =>
    skip({ ...state, engine: { ...state.engine, status: 'starting', backend: null, backendReason: null, backendRequest, failure: null, loading: null } }),
});

export const engineReady = defineAction<{ pack: PackInfo; backend: Backend; backendReason: string }>({
  name: 'engineReady',
  label: 'Engine ready',
  perform: (state, { pack, backend, backendReason }) =>
    skip({ ...state, engine: { ...state.engine, status: 'ready', pack, backend, backendReason, failure: null, loading: null } }),
});

export const engineLoading = defineAction<Progress>({
  name: 'engineLoading',
  label: 'Loading model',
  perform: (state, loading) => skip(state.engine.status === 'starting' ? { ...state, engine: { ...state.engine, loading } } : state),
});

export const engineFailed = defineAction<string>({
  name: 'engineFailed',
  label: 'Engine failed',
  perform: (state, message) => skip({ ...state, engine: { ...state.engine, status: 'failed', failure: message, loading: null } }),
});

// Opening a video: the previous project stays until the new file has opened.

export const openStarted = defineAction<{ fileName: string; requestId: number }>({
  name: 'openStarted',
  label: 'Open video',
  perform: (state, opening) => skip({ ...state, opening, notice: null }),
});

/** Durations closer than this are the same video re-read (container rounding differs between demuxers). */
const SAME_VIDEO_TOLERANCE_SEC = 0.05;

export const videoOpened = defineAction<LoadedVideo>({
  name: 'videoOpened',
  label: 'Video opened',
  perform: (state, video) => {
    const opened = { ...state, video, opening: null, view: { ...state.view, playing: false } };
    const awaited = state.project.awaitingVideo;
    // A restored project's own video (same length) keeps the curve and takes drawn and generated for it; another
    // video drops them (a take is as long as the video it was generated for).
    if (awaited && Math.abs(awaited.durationSec - video.info.durationSec) <= SAME_VIDEO_TOLERANCE_SEC) {
      return clearHistory({ ...opened, project: { ...state.project, awaitingVideo: null } });
    }
    const notice: Notice | null = awaited
      ? { kind: 'info', message: `${video.fileName} is not as long as the project's video (${awaited.fileName}); its curve and generated sound were left out.` }
      : state.notice;
    // A curve is drawn against one video's timeline; a new video starts without one, and with a new history so undo
    // cannot bring the old video's curve back onto it.
    const takes = { ...state.takes, items: [], chosenId: null, compareId: null, listening: 'a' as const };
    return clearHistory({ ...opened, result: null, takes, notice, doc: { ...state.doc, curve: null, selection: null }, project: { ...state.project, awaitingVideo: null } });
  },
});

export const openFailed = defineAction<string>({
  name: 'openFailed',
  label: 'Video could not be opened',
  perform: (state, message) => skip(fail({ ...state, opening: null }, message)),
});

/** Input refused before it reaches the engine (several files, a folder, nothing at all). */
export const rejectInput = defineAction<string>({
  name: 'rejectInput',
  label: 'Input refused',
  perform: (state, message) => skip(fail(state, message)),
});

// Generation

export const generateStarted = defineAction<number>({
  name: 'generateStarted',
  label: 'Generate',
  perform: (state, requestId) => skip({ ...state, job: { requestId, progress: null, etaSec: null, etaLowerBound: false, cancelling: false }, notice: null }),
});

export const generateProgress = defineAction<{ progress: Progress; etaSec: number | null; etaLowerBound: boolean }>({
  name: 'generateProgress',
  label: 'Generation progress',
  perform: (state, { progress, etaSec, etaLowerBound }) => skip(state.job ? { ...state, job: { ...state.job, progress, etaSec, etaLowerBound } } : state),
});

export const generated = defineAction<GeneratedTrack>({
  name: 'generated',
  label: 'Generated',
  perform: (state, result) => skip({ ...state, job: null, result }),
});

export const generateFailed = defineAction<string>({
  name: 'generateFailed',
  label: 'Generation failed',
  perform: (state, message) => skip(fail({ ...state, job: null }, message)),
});

export const cancelRequested = defineAction({
  name: 'cancelRequested',
  label: 'Cancel',
  keyTest: (stroke, state) => stroke.key === 'Escape' && state.job !== null && !state.job.cancelling,
  perform: (state) => skip(state.job ? { ...state, job: { ...state.job, cancelling: true } } : state),
});

export const generateCancelled = defineAction({
  name: 'generateCancelled',
  label: 'Generation cancelled',
  perform: (state) => skip({ ...state, job: null, notice: { kind: 'info', message: 'Generation cancelled.' } }),
});

// Project settings (undoable; typing in a field is one step per burst)

export const setPrompt = defineAction<string>({
  name: 'setPrompt',
  label: 'Prompt',
  perform: (state, prompt) => record(withDoc(state, { prompt }), 'prompt'),
});

export const setSeed = defineAction<number>({
  name: 'setSeed',
  label: 'Seed',
  perform: (state, seed) => record(withDoc(state, { seed: Math.max(0, Math.floor(seed)) }), 'seed'),
});

export const setSteps = defineAction<number | null>({
  name: 'setSteps',
  label: 'Steps',
  perform: (state, steps) => record(withDoc(state, { steps: steps === null ? null : Math.min(200, Math.max(1, Math.floor(steps))) }), 'steps'),
});

export const setLevel = defineAction<number | null | undefined>({
  name: 'setLevel',
  label: 'Level',
  perform: (state, level) => record(withDoc(state, { level }), 'level'),
});

// View

export const togglePlay = defineAction({
  name: 'togglePlay',
  label: 'Play / pause',
  keyTest: (stroke, state) => stroke.code === 'Space' && plainKey(stroke) && state.video !== null,
  perform: (state) => skip({ ...state, view: { ...state.view, playing: !state.view.playing } }),
});

export const setPlaying = defineAction<boolean>({
  name: 'setPlaying',
  label: 'Playing',
  perform: (state, playing) => skip(state.view.playing === playing ? state : { ...state, view: { ...state.view, playing } }),
});

function zoomed(state: AppState, factor: number): AppState {
  const pxPerSec = Math.min(MAX_PX_PER_SEC, Math.max(MIN_PX_PER_SEC, state.view.pxPerSec * factor));
  return { ...state, view: { ...state.view, pxPerSec } };
}

export const setAudioRunning = defineAction<boolean>({
  name: 'setAudioRunning',
  label: 'Generated audio sounding',
  perform: (state, audioRunning) => skip(state.view.audioRunning === audioRunning ? state : { ...state, view: { ...state.view, audioRunning } }),
});

/** Fits the whole video into the visible timeline width; runs when a video opens. */
export const fitZoom = defineAction<{ durationSec: number; widthPx: number }>({
  name: 'fitZoom',
  label: 'Fit timeline',
  perform: (state, { durationSec, widthPx }) => skip(durationSec > 0 && widthPx > 0 ? zoomed(state, widthPx / durationSec / state.view.pxPerSec) : state),
});

export const zoomIn = defineAction({
  name: 'zoomIn',
  label: 'Zoom in',
  keyTest: (stroke) => (stroke.key === '+' || stroke.key === '=') && plainKey(stroke),
  perform: (state) => skip(zoomed(state, 1.5)),
});

export const zoomOut = defineAction({
  name: 'zoomOut',
  label: 'Zoom out',
  keyTest: (stroke) => stroke.key === '-' && plainKey(stroke),
  perform: (state) => skip(zoomed(state, 1 / 1.5)),
});

export const setExportLoudness = defineAction<number | null>({
  name: 'setExportLoudness',
  label: 'Export loudness',
  perform: (state, exportLoudnessLufs) => record({ ...state, view: { ...state.view, exportLoudnessLufs } }, 'exportLoudness'),
});

export const setExportFormat = defineAction<WavFormat>({
  name: 'setExportFormat',
  label: 'Export format',
  perform: (state, exportFormat) => record({ ...state, view: { ...state.view, exportFormat } }),
});

export const dismissNotice = defineAction({
  name: 'dismissNotice',
  label: 'Dismiss',
  keyTest: (stroke, state) => stroke.key === 'Escape' && state.notice !== null && state.job === null,
  perform: (state) => skip({ ...state, notice: null }),
});

/** Actions reachable from the keyboard, in priority order. */
export const keyboardActions = [togglePlay, zoomIn, zoomOut, cancelRequested, dismissNotice];
