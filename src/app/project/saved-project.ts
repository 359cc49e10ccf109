/**
 * A project as plain data, the form it takes in IndexedDB. Light fields live in one record written on every change;
 * the heavy ones (decoded audio) are "parts", each its own record, written only when the store holds a new object
 * for it. A track's samples go to OPFS in chunks (track-store.ts), the record names the file; a reference stays
 * inline (typed arrays survive IndexedDB's structured clone, no base64 round trip).
 */

import type { AppState, AwaitedVideo, GeneratedTrack, ProjectDoc, ProjectSummary, ReferenceSound, TakeEntry, TakesState, ViewState } from '../store/state';

/** Bumped when a saved field changes meaning; older records are migrated in `readSavedProject`, newer ones refused. */
export const SAVED_PROJECT_VERSION = 1;

export const UNTITLED = 'Untitled project';

/** Where the video's bytes come from on restore. */
export type VideoSource = 'handle' | 'opfs';

export interface SavedVideo {
  fileName: string;
  sizeBytes: number;
  durationSec: number;
  /** MIME type of the original file, so the re-read File sniffs the same way. */
  mimeType: string;
  source: VideoSource;
}

export interface SavedProject {
  version: typeof SAVED_PROJECT_VERSION;
  id: string;
  name: string;
  savedAtMs: number;
  doc: ProjectDoc;
  settings: Pick<ViewState, 'pxPerSec' | 'exportFormat' | 'exportLoudnessLufs' | 'exportMixOriginal' | 'exportOriginalGainDb'>;
  video: SavedVideo | null;
}

/** The heavy parts; each is one record, keyed by project id and part name. */
export interface SavedParts {
  reference: ReferenceSound | null;
  /** The track when it is not one of the takes (a plain generation); a chosen take is saved once, in `takes`. */
  result: GeneratedTrack | null;
  takes: TakesState;
}

/** Where a saved track's samples are: file `key` in the project's OPFS folder (track-store.ts). */
export interface StoredAudio {
  key: string;
  channelCount: number;
  /** Per channel. */
  samples: number;
}

/** A track as IndexedDB holds it: light fields and its samples' file; saves before that held `channels` inline. */
export type StoredTrack<T extends GeneratedTrack> = (Omit<T, 'channels'> & { audio: StoredAudio }) | T;

/** The parts as IndexedDB holds them. */
export interface StoredParts {
  reference: ReferenceSound | null;
  result: StoredTrack<GeneratedTrack> | null;
  takes: Omit<TakesState, 'items'> & { items: StoredTrack<TakeEntry>[] };
}

export type PartName = keyof SavedParts;

export const PART_NAMES: readonly PartName[] = ['reference', 'result', 'takes'];

/** Parts by identity: unchanged objects are not written again (see ProjectKeeper). */
export function partsOf(state: AppState): SavedParts {
  const chosenIsTake = state.result !== null && state.takes.items.some((take) => take === state.result);
  return { reference: state.reference, result: chosenIsTake ? null : state.result, takes: state.takes };
}

/** The track that plays: the chosen take when there are takes, else the saved result. */
function restoredResult(parts: SavedParts): GeneratedTrack | null {
  return parts.takes.items.find((take) => take.id === parts.takes.chosenId) ?? parts.result;
}

/** Whether there is anything worth saving: an untouched empty project must not fill the recent list. */
export function worthSaving(state: AppState, initialDoc: ProjectDoc): boolean {
  // Takes always come with a result, so `result` covers them.
  return state.video !== null || state.project.awaitingVideo !== null || state.reference !== null || state.result !== null || state.doc !== initialDoc;
}

export function projectName(state: AppState): string {
  return state.video?.fileName ?? state.project.awaitingVideo?.fileName ?? UNTITLED;
}

/**
 * The light record for `state`. `video` is what the saver stored for the open video (or, while a restored video is
 * still awaited, what was stored before), so a save in between never forgets where the video is.
 */
export function toSavedProject(state: AppState, video: SavedVideo | null, savedAtMs: number): SavedProject {
  const { pxPerSec, exportFormat, exportLoudnessLufs, exportMixOriginal, exportOriginalGainDb } = state.view;
  return {
    version: SAVED_PROJECT_VERSION,
    id: state.project.id,
    name: projectName(state),
    savedAtMs,
    doc: state.doc,
    settings: { pxPerSec, exportFormat, exportLoudnessLufs, exportMixOriginal, exportOriginalGainDb },
    video,
  };
}

export function summaryOf(project: SavedProject): ProjectSummary {
  return { id: project.id, name: project.name, savedAtMs: project.savedAtMs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Checks a record read back from storage; what is not a project of a version this app reads throws, saying which. */
export function readSavedProject(value: unknown): SavedProject {
  if (!isRecord(value) || typeof value.id !== 'string' || !isRecord(value.doc) || !isRecord(value.settings)) {
    throw new Error('The saved project is damaged and cannot be restored.');
  }
  if (value.version !== SAVED_PROJECT_VERSION) {
    throw new Error(`The saved project has format version ${String(value.version)}; this app reads version ${SAVED_PROJECT_VERSION}.`);
  }
  return value as unknown as SavedProject;
}

/**
 * `state` with a saved project put back: everything but the video, which the caller reads again (it arrives through
 * videoOpened, which keeps the curve and result because `awaitingVideo` names it).
 */
export function restoredState(state: AppState, project: SavedProject, parts: SavedParts): AppState {
  const awaitingVideo: AwaitedVideo | null = project.video
    ? { fileName: project.video.fileName, sizeBytes: project.video.sizeBytes, durationSec: project.video.durationSec, problem: null }
    : null;
  return {
    ...state,
    video: null,
    opening: null,
    result: restoredResult(parts),
    takes: parts.takes,
    reference: parts.reference,
    readingReference: null,
    doc: project.doc,
    view: { ...state.view, ...project.settings, playing: false, audioRunning: false },
    project: { ...state.project, id: project.id, awaitingVideo, saveProblem: null },
  };
}
