/**
 * The app's whole state as plain data. No React here: components read it through zustand, actions return new copies.
 */

import type { Backend, GenerateResult, PackInfo, Progress, RankedTake, VideoInfo } from '../../engine/host/protocol';
import type { TargetCurve } from './curve';

export type WavFormat = 'pcm16' | 'pcm24' | 'float32';

export type EngineStatus = 'starting' | 'ready' | 'failed';

/** A backend the app forces: from `?backend=` in the address or the user's pick in the top bar. */
export interface BackendRequest {
  backend: Backend;
  from: 'address' | 'user';
}

export interface EngineState {
  status: EngineStatus;
  backend: Backend | null;
  /** Why the engine runs on `backend`, in the engine's words (automatic choice, request, fallback). */
  backendReason: string | null;
  /** null: the engine chooses. */
  backendRequest: BackendRequest | null;
  pack: PackInfo | null;
  /** Why the engine could not start; shown in place of the Generate button. */
  failure: string | null;
  /** Latest pack-loading progress while starting. */
  loading: Progress | null;
}

export interface LoadedVideo {
  fileName: string;
  sizeBytes: number;
  /** Object URL of the user's own file for the <video> element; revoked when replaced. */
  objectUrl: string;
  /** The file itself: the project saver copies it (or keeps its handle) so a reload can open it again. */
  file: File;
  info: VideoInfo;
}

export interface GenerationJob {
  requestId: number;
  progress: Progress | null;
  etaSec: number | null;
  /** The estimate leaves out a phase not measured yet: the real time is longer. */
  etaLowerBound: boolean;
  cancelling: boolean;
  /** In a take search: the generation running, of `count` (src/engine/sampling/takes.ts). */
  candidate?: { index: number; count: number };
}

/** An MP4 being written (src/app/export-mp4.ts): the video copied, the chosen take as its sound. */
export interface Mp4ExportJob {
  /** Of the whole export, 0–1. */
  fraction: number;
  stage: 'original-audio' | 'encode-audio' | 'copy-video' | 'finish';
  cancelling: boolean;
}

export interface GeneratedTrack extends GenerateResult {
  seed: number;
  /** Duration of the video the track was generated for; the track's length matches it exactly. */
  durationSec: number;
}

/** A reference recording decoded to planar samples; passed to the engine as GenerateOptions.audioPrompt. */
export interface ReferenceSound {
  fileName: string;
  sampleRate: number;
  channels: Float32Array[];
}

/** A span of the video's timeline in seconds, startSec < endSec. */
export interface TimeRange {
  startSec: number;
  endSec: number;
}

/**
 * One take: a search's (src/engine/sampling/takes.ts), scored; or a region regenerate (region-actions.ts) and the
 * whole take it was made from, which have no scores (a plain generation is not ranked). Plain data.
 */
export interface TakeEntry extends GeneratedTrack {
  /** Unique in the session; stays when other takes are deleted. */
  id: number;
  /** The take's place in its search, 1 = best; a region take counts on from the takes before it. */
  rank: number;
  noise: RankedTake['noise'];
  /** null: not scored (a plain generation or a region regenerate). */
  scores: RankedTake['scores'] | null;
  total: number | null;
  /** A region regenerate: the range replaced in take `fromId`; the take is `fromId`'s audio outside it. */
  region?: TimeRange & { fromId: number };
}

/** Takes of the last search; `result` is the chosen one, so export and meters use it. */
export interface TakesState {
  /** Takes Generate asks for; 1 is a plain generation. */
  count: number;
  /** Best first. */
  items: TakeEntry[];
  chosenId: number | null;
  /** A/B: the take compared with the chosen one (B); null when nothing is being compared. */
  compareId: number | null;
  /** Which of A (the chosen take) and B (compareId) sounds with the video. */
  listening: 'a' | 'b';
}

export interface Notice {
  kind: 'error' | 'info';
  message: string;
}

/** Everything the user edits: the part undo/redo restores. */
export interface ProjectDoc {
  prompt: string;
  seed: number;
  /** null = the pack's default step count. */
  steps: number | null;
  /** The target-loudness curve; null until the user asks for one. */
  curve: TargetCurve | null;
  /** Match the reference sound's tone and level (GenerateOptions.promptAnchoring). */
  promptAnchoring: boolean;
  /**
   * Integrated loudness the predicted curve is moved to when neither a curve nor an anchored reference sets it
   * (GenerateOptions.programLufs); null = the model's own level; absent (projects saved before it existed): the default.
   */
  level?: number | null;
  /**
   * The timeline range "Regenerate selection" replaces (region-actions.ts); null or absent (projects saved before
   * selections existed): none. In `doc` so the project saver keeps it and undo restores it.
   */
  selection?: TimeRange | null;
}

export interface ViewState {
  /** Timeline zoom. */
  pxPerSec: number;
  playing: boolean;
  /** The generated track is sounding (follows the video through PlaybackSync). */
  audioRunning: boolean;
  exportFormat: WavFormat;
  /** Integrated-loudness target applied on export, LUFS; null exports the track as generated. */
  exportLoudnessLufs: number | null;
  /** MP4 export mixes the video's own audio under the take, at exportOriginalGainDb. */
  exportMixOriginal: boolean;
  exportOriginalGainDb: number;
}

export interface ProjectSummary {
  id: string;
  /** The video's file name, or "Untitled project". */
  name: string;
  savedAtMs: number;
}

/** A restored project's video, while it is read again or when it could not be (the rest of the project is back). */
export interface AwaitedVideo {
  fileName: string;
  sizeBytes: number;
  durationSec: number;
  /**
   * null: being read; `gone`: the file was removed or moved; `permission`: the browser needs the user's OK;
   * `unreadable`: it is there but the system refused to read it; `changed`: the file at the kept handle is not the
   * size it was saved at; `not-video`: it is there but no longer opens as a video; `copy-damaged`: the copy in
   * browser storage does not open or is not the size it was saved at.
   */
  problem: null | 'gone' | 'permission' | 'unreadable' | 'changed' | 'not-video' | 'copy-damaged';
}

/** The saved project this session works on (src/app/project keeps it in IndexedDB and OPFS). */
export interface ProjectState {
  /** Storage key; a new one for "New project". */
  id: string;
  /** Saved projects, newest first. */
  recent: ProjectSummary[];
  awaitingVideo: AwaitedVideo | null;
  /** Why the last save failed (e.g. storage full); null once a save succeeds. Shown until then, never silent. */
  saveProblem: string | null;
}

export interface AppState {
  engine: EngineState;
  video: LoadedVideo | null;
  /** A file being opened; the previous video stays in place until it succeeds. */
  opening: { fileName: string; requestId: number } | null;
  job: GenerationJob | null;
  mp4Export: Mp4ExportJob | null;
  result: GeneratedTrack | null;
  notice: Notice | null;
  /**
   * Lives outside `doc`: a decoded recording can be megabytes, so the project saver writes it only when it changes;
   * picking or removing one is still an undo step (see ActionManager's Snapshot).
   */
  reference: ReferenceSound | null;
  /** File name of a reference being decoded; the previous reference stays until it succeeds. */
  readingReference: string | null;
  doc: ProjectDoc;
  view: ViewState;
  project: ProjectState;
  takes: TakesState;
}

export const MIN_PX_PER_SEC = 10;
export const MAX_PX_PER_SEC = 800;

export const initialState: AppState = {
  engine: { status: 'starting', backend: null, backendReason: null, backendRequest: null, pack: null, failure: null, loading: null },
  video: null,
  opening: null,
  job: null,
  mp4Export: null,
  result: null,
  notice: null,
  reference: null,
  readingReference: null,
  doc: { prompt: '', seed: 1, steps: null, curve: null, promptAnchoring: true, selection: null },
  view: { pxPerSec: 80, playing: false, audioRunning: false, exportFormat: 'pcm16', exportLoudnessLufs: null, exportMixOriginal: false, exportOriginalGainDb: -12 },
  project: { id: '', recent: [], awaitingVideo: null, saveProblem: null },
  takes: { count: 1, items: [], chosenId: null, compareId: null, listening: 'a' },
};
