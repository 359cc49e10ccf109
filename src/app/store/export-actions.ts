/**
 * MP4 export state: the settings (mix the video's own audio under the take, at a level) and the running job.
 * None of it is an undo step: exporting changes nothing the user made.
 */

import { defineAction, skip } from './action';
import type { AppState, Mp4ExportJob } from './state';

function withView(state: AppState, patch: Partial<AppState['view']>): AppState {
  return { ...state, view: { ...state.view, ...patch } };
}

export const setExportMixOriginal = defineAction<boolean>({
  name: 'setExportMixOriginal',
  label: 'Mix in the video\'s own sound',
  perform: (state, exportMixOriginal) => skip(withView(state, { exportMixOriginal })),
});

export const setExportOriginalGainDb = defineAction<number>({
  name: 'setExportOriginalGainDb',
  label: 'Level of the video\'s own sound',
  perform: (state, exportOriginalGainDb) => skip(withView(state, { exportOriginalGainDb })),
});

export const mp4ExportStarted = defineAction({
  name: 'mp4ExportStarted',
  label: 'Export MP4',
  perform: (state) => skip({ ...state, mp4Export: { fraction: 0, stage: 'original-audio', cancelling: false }, notice: null }),
});

export const mp4ExportProgress = defineAction<Pick<Mp4ExportJob, 'fraction' | 'stage'>>({
  name: 'mp4ExportProgress',
  label: 'MP4 export progress',
  perform: (state, progress) => skip(state.mp4Export ? { ...state, mp4Export: { ...state.mp4Export, ...progress } } : state),
});

export const mp4ExportCancelRequested = defineAction({
  name: 'mp4ExportCancelRequested',
  label: 'Cancel MP4 export',
  perform: (state) => skip(state.mp4Export ? { ...state, mp4Export: { ...state.mp4Export, cancelling: true } } : state),
});

export const mp4Exported = defineAction<string>({
  name: 'mp4Exported',
  label: 'MP4 exported',
  perform: (state, fileName) => skip({ ...state, mp4Export: null, notice: { kind: 'info', message: `Exported ${fileName}.` } }),
});

export const mp4ExportCancelled = defineAction({
  name: 'mp4ExportCancelled',
  label: 'MP4 export cancelled',
  perform: (state) => skip({ ...state, mp4Export: null, notice: { kind: 'info', message: 'MP4 export cancelled.' } }),
});

/** An export asked for when it cannot start (while generating, say): a notice, and a running export goes on. */
export const mp4ExportRefused = defineAction<string>({
  name: 'mp4ExportRefused',
  label: 'MP4 export refused',
  perform: (state, message) => skip({ ...state, notice: { kind: 'error', message } }),
});

/** The export failed: the job ends with the reason; the take and the video are untouched. */
export const mp4ExportFailed = defineAction<string>({
  name: 'mp4ExportFailed',
  label: 'MP4 export failed',
  perform: (state, message) => skip({ ...state, mp4Export: null, notice: { kind: 'error', message } }),
});
