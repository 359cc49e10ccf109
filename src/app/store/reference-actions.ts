/**
 * The reference sound ("sounds like this"). Picking, replacing or removing the recording is session state, not an
 * undo step (see AppState.reference); whether to match its tone and level is a project setting and undoable.
 */

import { defineAction, record, skip } from './action';
import type { ReferenceSound } from './state';

export const referenceReadStarted = defineAction<string>({
  name: 'referenceReadStarted',
  label: 'Read reference sound',
  perform: (state, fileName) => skip({ ...state, readingReference: fileName, notice: null }),
});

export const referenceLoaded = defineAction<ReferenceSound>({
  name: 'referenceLoaded',
  label: 'Reference sound loaded',
  perform: (state, reference) => skip({ ...state, reference, readingReference: null }),
});

/** The file could not be decoded; the previous reference, if any, stays. */
export const referenceFailed = defineAction<string>({
  name: 'referenceFailed',
  label: 'Reference sound could not be read',
  perform: (state, message) => skip({ ...state, readingReference: null, notice: { kind: 'error', message } }),
});

export const removeReference = defineAction({
  name: 'removeReference',
  label: 'Remove reference sound',
  perform: (state) => skip({ ...state, reference: null }),
});

export const setPromptAnchoring = defineAction<boolean>({
  name: 'setPromptAnchoring',
  label: 'Match tone and level',
  perform: (state, promptAnchoring) => record({ ...state, doc: { ...state.doc, promptAnchoring } }),
});
