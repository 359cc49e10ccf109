/**
 * The reference sound ("sounds like this"). Picking, replacing or removing the recording is an undo step (history
 * holds the decoded recording by reference, see ActionManager); so is whether to match its tone and level.
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
  perform: (state, reference) => record({ ...state, reference, readingReference: null }),
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
  perform: (state) => record({ ...state, reference: null }),
});

export const setPromptAnchoring = defineAction<boolean>({
  name: 'setPromptAnchoring',
  label: 'Match tone and level',
  perform: (state, promptAnchoring) => record({ ...state, doc: { ...state.doc, promptAnchoring } }),
});
