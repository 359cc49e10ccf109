/**
 * Takes: a search's ranked takes arrive, the user auditions them against the chosen one (A/B, on the playhead),
 * chooses one (it becomes `result`: what plays, exports and is metered) or deletes one. Not undo steps: undo
 * restores the document (ActionManager's Snapshot), and takes are results, like `result` itself.
 */

import type { Progress, RankedTake } from '../../engine/host/protocol';
import { defineAction, skip } from './action';
import type { AppState, GeneratedTrack, TakeEntry, TakesState } from './state';

/** Takes one search may ask for (src/engine/sampling/takes.ts MAX_TAKES). */
export const MAX_TAKE_COUNT = 16;

/** Session-wide take ids, so an id never names two takes even across searches. */
let nextTakeId = 1;

/**
 * A fresh take id; region takes (region-actions.ts) draw from the same counter. `kept`: takes already in the store,
 * restored from a saved project while the counter started again at 1 with the page.
 */
export function newTakeId(kept: readonly TakeEntry[] = []): number {
  for (const take of kept) nextTakeId = Math.max(nextTakeId, take.id + 1);
  return nextTakeId++;
}

function withTakes(state: AppState, patch: Partial<TakesState>): AppState {
  return { ...state, takes: { ...state.takes, ...patch } };
}

function findTake(state: AppState, id: number | null): TakeEntry | null {
  return state.takes.items.find((t) => t.id === id) ?? null;
}

/** The track that sounds with the video: B while comparing and listening to it, else the chosen take (result). */
export function soundingTrack(state: AppState): GeneratedTrack | null {
  const compared = state.takes.listening === 'b' ? findTake(state, state.takes.compareId) : null;
  return compared ?? state.result;
}

export const setTakeCount = defineAction<number>({
  name: 'setTakeCount',
  label: 'Takes',
  perform: (state, count) => skip(withTakes(state, { count: Number.isFinite(count) ? Math.min(MAX_TAKE_COUNT, Math.max(1, Math.floor(count))) : 1 })),
});

/** Progress of a search: the generation's progress and which generation of how many runs. */
export const takeSearchProgress = defineAction<{ progress: Progress; etaSec: number | null; etaLowerBound: boolean; candidate?: { index: number; count: number } }>({
  name: 'takeSearchProgress',
  label: 'Take search progress',
  perform: (state, { progress, etaSec, etaLowerBound, candidate }) => skip(state.job ? { ...state, job: { ...state.job, progress, etaSec, etaLowerBound, ...(candidate ? { candidate } : {}) } } : state),
});

/** A search finished: its takes replace the list and the best one is chosen. */
export const takesGenerated = defineAction<{ takes: RankedTake[]; durationSec: number }>({
  name: 'takesGenerated',
  label: 'Takes generated',
  perform: (state, { takes, durationSec }) => {
    const items: TakeEntry[] = takes.map((take, k) => ({ ...take.result, seed: take.seed, durationSec, id: newTakeId(), rank: k + 1, noise: take.noise, scores: take.scores, total: take.total }));
    const chosen = items[0] ?? null;
    return skip({ ...withTakes(state, { items, chosenId: chosen?.id ?? null, compareId: null, listening: 'a' }), job: null, result: chosen });
  },
});

/** A plain generation replaces any takes: the list only ever shows takes of one search. */
export const takesCleared = defineAction({
  name: 'takesCleared',
  label: 'Clear takes',
  perform: (state) => skip(withTakes(state, { items: [], chosenId: null, compareId: null, listening: 'a' })),
});

export const chooseTake = defineAction<number>({
  name: 'chooseTake',
  label: 'Use this take',
  perform: (state, id) => {
    const take = findTake(state, id);
    if (!take) return skip(state);
    return skip({ ...withTakes(state, { chosenId: id, compareId: null, listening: 'a' }), result: take });
  },
});

/** Solo: compare the take with the chosen one and listen to it now, from the playhead. */
export const auditionTake = defineAction<number>({
  name: 'auditionTake',
  label: 'Listen to this take',
  perform: (state, id) => {
    if (!findTake(state, id)) return skip(state);
    if (id === state.takes.chosenId) return skip(withTakes(state, { compareId: null, listening: 'a' }));
    return skip(withTakes(state, { compareId: id, listening: 'b' }));
  },
});

/** A/B: switch between the chosen take and the compared one, keeping the playhead. */
export const toggleAB = defineAction({
  name: 'toggleAB',
  label: 'A/B',
  perform: (state) => (state.takes.compareId === null ? skip(state) : skip(withTakes(state, { listening: state.takes.listening === 'a' ? 'b' : 'a' }))),
});

/** Deleting the chosen take chooses the best one left; deleting the last one leaves no result. */
export const deleteTake = defineAction<number>({
  name: 'deleteTake',
  label: 'Delete take',
  perform: (state, id) => {
    if (!findTake(state, id)) return skip(state);
    const items = state.takes.items.filter((t) => t.id !== id);
    const compareId = state.takes.compareId === id ? null : state.takes.compareId;
    const listening = compareId === null ? 'a' : state.takes.listening;
    if (state.takes.chosenId !== id) return skip(withTakes(state, { items, compareId, listening }));
    const chosen = items.find((t) => t.id !== compareId) ?? items[0] ?? null;
    return skip({ ...withTakes(state, { items, chosenId: chosen?.id ?? null, compareId: chosen?.id === compareId ? null : compareId, listening: 'a' }), result: chosen });
  },
});
