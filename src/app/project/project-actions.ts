/** State changes of the saved project: restore, new project, the recent list and save outcomes. */

import { clearHistory, defineAction, skip } from '../store/action';
import { initialState, type AwaitedVideo, type ProjectSummary } from '../store/state';
import { restoredState, type SavedParts, type SavedProject } from './saved-project';

/** Everything but the video comes back at once; the video follows through videoOpened (see AppState.project). */
export const projectRestored = defineAction<{ project: SavedProject; parts: SavedParts }>({
  name: 'projectRestored',
  label: 'Restore project',
  perform: (state, { project, parts }) => clearHistory(restoredState(state, project, parts)),
});

/** An empty project under a new id; the engine, the recent list and the zoom stay. */
export const projectStarted = defineAction<string>({
  name: 'projectStarted',
  label: 'New project',
  perform: (state, id) =>
    clearHistory({
      ...state,
      video: null,
      opening: null,
      result: null,
      notice: null,
      reference: null,
      readingReference: null,
      doc: initialState.doc,
      view: { ...initialState.view, pxPerSec: state.view.pxPerSec },
      project: { ...state.project, id, awaitingVideo: null, saveProblem: null },
    }),
});

export const awaitedVideoProblem = defineAction<NonNullable<AwaitedVideo['problem']>>({
  name: 'awaitedVideoProblem',
  label: 'Video unavailable',
  perform: (state, problem) => {
    const awaited = state.project.awaitingVideo;
    return skip(awaited ? { ...state, project: { ...state.project, awaitingVideo: { ...awaited, problem } } } : state);
  },
});

/** The restored video is being read again (after the user allowed access or picked it). */
export const awaitedVideoReading = defineAction({
  name: 'awaitedVideoReading',
  label: 'Reading video',
  perform: (state) => {
    const awaited = state.project.awaitingVideo;
    return skip(awaited?.problem ? { ...state, project: { ...state.project, awaitingVideo: { ...awaited, problem: null } } } : state);
  },
});

export const recentChanged = defineAction<ProjectSummary[]>({
  name: 'recentChanged',
  label: 'Recent projects',
  perform: (state, recent) => skip({ ...state, project: { ...state.project, recent } }),
});

export const projectSaved = defineAction({
  name: 'projectSaved',
  label: 'Project saved',
  perform: (state) => skip(state.project.saveProblem === null ? state : { ...state, project: { ...state.project, saveProblem: null } }),
});

/** Shown twice over: as the notice now, and in the top bar until a save succeeds, so it cannot pass unseen. */
export const projectSaveFailed = defineAction<string>({
  name: 'projectSaveFailed',
  label: 'Project not saved',
  perform: (state, message) => skip({ ...state, notice: { kind: 'error', message }, project: { ...state.project, saveProblem: message } }),
});
