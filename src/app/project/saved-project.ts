/**
 * A project as plain data, the form it takes in IndexedDB. Light fields live in one record written on every change;
 * the heavy ones (decoded audio) are "parts", each its own record, written only when the store holds a new object
 * for it. Typed arrays stay typed arrays: IndexedDB's structured clone keeps them, no base64 round trip.
 */

import type { AppState, AwaitedVideo, GeneratedTrack, ProjectDoc, ProjectSummary, ReferenceSound, WavFormat } from '../store/state';

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
  settings: { pxPerSec: number; exportFormat: WavFormat; exportLoudnessLufs: number | null };
  video: SavedVideo | null;
}

/** The heavy parts; each is one record, keyed by project id and part name. */
export interface SavedParts {
  reference: ReferenceSound | null;
  result: GeneratedTrack | null;
}

export type PartName = keyof SavedParts;

export const PART_NAMES: readonly PartName[] = ['reference', 'result'];

export function partsOf(state: AppState): SavedParts {
  return { reference: state.reference, result: state.result };
}

/** Whether there is anything worth saving: an untouched empty project must not fill the recent list. */
export function worthSaving(state: AppState, initialDoc: ProjectDoc): boolean {
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
  const { pxPerSec, exportFormat, exportLoudnessLufs } = state.view;
  return {
    version: SAVED_PROJECT_VERSION,
    id: state.project.id,
    name: projectName(state),
    savedAtMs,
    doc: state.doc,
    settings: { pxPerSec, exportFormat, exportLoudnessLufs },
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
    result: parts.result,
    reference: parts.reference,
    readingReference: null,
    doc: project.doc,
    view: { ...state.view, ...project.settings, playing: false, audioRunning: false },
    project: { ...state.project, id: project.id, awaitingVideo, saveProblem: null },
  };
}
