/**
 * Region regenerate, the store's side: the timeline selection (drag on the waveform, Shift+←/→ from the playhead,
 * Esc clears), why a selection cannot be regenerated right now, and the region take that comes back. A region take
 * joins the Takes panel as B against the take it was made from (A), so the user hears it at once and chooses.
 */

import type { GenerateResult } from '../../engine/host/protocol';
import { defineAction, record, skip } from './action';
import type { AppState, GeneratedTrack, TakeEntry, TimeRange } from './state';
import { newTakeId } from './take-actions';

/** Shift+←/→ moves the selection's free edge by this much. */
export const SELECTION_STEP_SEC = 0.1;

/** The engine's crossfade at each region edge (src/engine/sampling/region.ts REGION_FADE_SEC), for the notice. */
const REGION_FADE_MS = 50;

/** Edges closer than this to the playhead count as at the playhead (Shift+arrow keeps extending the same range). */
const EDGE_TOLERANCE_SEC = 1e-6;

/** The selection as it stands; saved projects from before selections have none. */
export function selectionOf(state: AppState): TimeRange | null {
  return state.doc.selection ?? null;
}

/** [a, b] in either order, clamped to the clip; null when nothing of it is left. */
export function clampedRange(aSec: number, bSec: number, durationSec: number): TimeRange | null {
  if (!Number.isFinite(aSec) || !Number.isFinite(bSec) || !(durationSec > 0)) return null;
  const startSec = Math.min(durationSec, Math.max(0, Math.min(aSec, bSec)));
  const endSec = Math.min(durationSec, Math.max(0, Math.max(aSec, bSec)));
  return endSec > startSec ? { startSec, endSec } : null;
}

/**
 * Shift+arrow: with the playhead on an edge of the selection, the other edge moves by `deltaSec` (and may cross the
 * playhead, which then becomes the end); otherwise a new selection starts at the playhead.
 */
export function extendedSelection(selection: TimeRange | null, playheadSec: number, deltaSec: number, durationSec: number): TimeRange | null {
  const atStart = selection !== null && Math.abs(selection.startSec - playheadSec) <= EDGE_TOLERANCE_SEC;
  const atEnd = selection !== null && Math.abs(selection.endSec - playheadSec) <= EDGE_TOLERANCE_SEC;
  if (!selection || (!atStart && !atEnd)) return clampedRange(playheadSec, playheadSec + deltaSec, durationSec);
  const anchor = atStart ? selection.startSec : selection.endSec;
  const moving = (atStart ? selection.endSec : selection.startSec) + deltaSec;
  return clampedRange(anchor, moving, durationSec);
}

function withSelection(state: AppState, selection: TimeRange | null): AppState {
  const current = selectionOf(state);
  if (current === selection || (current && selection && current.startSec === selection.startSec && current.endSec === selection.endSec)) return state;
  return { ...state, doc: { ...state.doc, selection } };
}

/** A drag on the waveform (payload: its two ends, seconds, either order); null clears. One undo step per burst. */
export const setSelection = defineAction<TimeRange | null>({
  name: 'setSelection',
  label: 'Select',
  perform: (state, range) => {
    const durationSec = state.video?.info.durationSec ?? 0;
    return record(withSelection(state, range && clampedRange(range.startSec, range.endSec, durationSec)), 'selection');
  },
});

export const extendSelection = defineAction<{ playheadSec: number; deltaSec: number }>({
  name: 'extendSelection',
  label: 'Extend selection',
  perform: (state, { playheadSec, deltaSec }) => {
    if (!state.video) return skip(state);
    return record(withSelection(state, extendedSelection(selectionOf(state), playheadSec, deltaSec, state.video.info.durationSec)), 'selection');
  },
});

export const clearSelection = defineAction({
  name: 'clearSelection',
  label: 'Clear selection',
  // Escape cancels a generation or dismisses a notice first (actions.ts); only then does it clear the selection.
  keyTest: (stroke, state) => stroke.key === 'Escape' && !stroke.inTextField && selectionOf(state) !== null && state.job === null && state.notice === null,
  perform: (state) => record(withSelection(state, null)),
});

const seconds = (value: number) => `${value.toFixed(2)} s`;

/** Why "Regenerate selection" cannot run now, in words the user can act on; null: it can. */
export function regionProblem(state: AppState): string | null {
  const selection = selectionOf(state);
  if (!state.video) return 'Open a video first.';
  if (state.job) return 'Wait for the current generation to finish (or cancel it) before regenerating a selection.';
  if (!state.result) return 'Generate a take first: Regenerate selection replaces part of one.';
  if (!selection) return 'Select a range first: drag on the generated audio, or Shift+←/→ from the playhead.';
  const durationSec = state.video.info.durationSec;
  if (selection.startSec < 0 || selection.endSec > durationSec + EDGE_TOLERANCE_SEC || selection.startSec >= selection.endSec) {
    return `The selection ${seconds(selection.startSec)}–${seconds(selection.endSec)} is outside the clip (0–${seconds(durationSec)}); select again.`;
  }
  const frameSec = state.engine.pack?.latentFrameSec ?? 0;
  if (selection.endSec - selection.startSec < frameSec) {
    const lengthMs = (selection.endSec - selection.startSec) * 1000;
    return `The selection is ${lengthMs.toFixed(1)} ms long; the model regenerates at least one latent frame (${(frameSec * 1000).toFixed(1)} ms). Select a longer range.`;
  }
  if (Math.abs(state.result.durationSec - durationSec) > EDGE_TOLERANCE_SEC) return 'The take in use was made for another video; generate a take of this one first.';
  return null;
}

/** A new seed for each regenerate: the same noise as the take before would bring back much the same sound. */
export function regionSeed(state: AppState): number {
  return 1 + Math.max(state.doc.seed, state.result?.seed ?? 0, ...state.takes.items.map((take) => take.seed));
}

/**
 * A region take arrived. `base` is the take it was made from: when it is a plain generation (not in the list yet) it
 * joins the list first, so the two can be compared and either chosen. The region take becomes B and sounds; the
 * chosen take (A, what export and meters use) stays until the user picks the new one.
 */
export const regionTakeGenerated = defineAction<{ result: GenerateResult; base: GeneratedTrack; region: TimeRange; seed: number; knownFrames: boolean }>({
  name: 'regionTakeGenerated',
  label: 'Region take generated',
  perform: (state, { result, base, region, seed, knownFrames }) => {
    let items = state.takes.items;
    let from = items.find((take) => take === base) ?? null;
    if (!from) {
      from = { ...base, id: newTakeId(items), rank: items.length + 1, noise: [{ seed: base.seed, weight: 1 }], scores: null, total: null };
      items = [...items, from];
    }
    const take: TakeEntry = {
      ...result,
      seed,
      durationSec: base.durationSec,
      id: newTakeId(items),
      rank: Math.max(...items.map((t) => t.rank)) + 1,
      noise: [{ seed, weight: 1 }],
      scores: null,
      total: null,
      region: { ...region, fromId: from.id },
    };
    // The base stays chosen unless another take was chosen meanwhile; `result` is then the very list entry, so the
    // project saver stores the chosen take once (saved-project.ts partsOf).
    const chosen = state.result === base ? from : state.result;
    const chosenId = chosen === from ? from.id : state.takes.chosenId;
    const notes = [...(result.warnings ?? [])];
    if (!knownFrames) {
      notes.push(`This model pack cannot hear the audio around a region, so the selection was generated on its own and crossfaded in over ${REGION_FADE_MS} ms at each edge.`);
    }
    const notice = notes.length > 0 ? { kind: 'info' as const, message: notes.join(' ') } : state.notice;
    return skip({ ...state, job: null, result: chosen, notice, takes: { ...state.takes, items: [...items, take], chosenId, compareId: take.id, listening: 'b' } });
  },
});
