import { describe, expect, it } from 'vitest';
import type { GenerateResult, PackInfo } from '../../engine/host/protocol';
import { restoredState, toSavedProject, partsOf } from '../project/saved-project';
import type { KeyStroke } from './action';
import { ActionManager } from './action-manager';
import { generateStarted, rejectInput, videoOpened } from './actions';
import {
  clampedRange,
  clearSelection,
  extendedSelection,
  extendSelection,
  regionProblem,
  regionSeed,
  regionTakeGenerated,
  selectionOf,
  setSelection,
} from './region-actions';
import { initialState, type AppState, type GeneratedTrack, type LoadedVideo } from './state';
import { soundingTrack, takesGenerated } from './take-actions';

const DURATION_SEC = 2;
const SAMPLE_RATE = 100;

const pack = { sampleRate: SAMPLE_RATE, channels: 1, latentFrameSec: 0.02, knownFrames: true } as PackInfo;
const video = { fileName: 'clip.mp4', sizeBytes: 1, objectUrl: 'blob:x', info: { durationSec: DURATION_SEC } } as LoadedVideo;

function track(seed: number, value: number): GeneratedTrack {
  const result: GenerateResult = {
    sampleRate: SAMPLE_RATE,
    channels: [new Float32Array(DURATION_SEC * SAMPLE_RATE).fill(value)],
    predictedCurveLufs: [],
    unknownWords: [],
    timings: { totalMs: 1, sessionRunMs: 1, decoderMs: 0 },
    windows: [],
  };
  return { ...result, seed, durationSec: DURATION_SEC };
}

function ready(result: GeneratedTrack | null = track(1, 0.5)): ActionManager {
  const state: AppState = { ...initialState, engine: { ...initialState.engine, status: 'ready', pack }, video, result };
  let nowMs = 0;
  return new ActionManager(state, () => (nowMs += 2000));
}

const escape: KeyStroke = { key: 'Escape', code: 'Escape', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, inTextField: false };

describe('selection ranges', () => {
  it('orders and clamps a drag to the clip; nothing left is no selection', () => {
    expect(clampedRange(1.5, 0.5, 2)).toEqual({ startSec: 0.5, endSec: 1.5 });
    expect(clampedRange(-1, 3, 2)).toEqual({ startSec: 0, endSec: 2 });
    expect(clampedRange(2.5, 3, 2)).toBeNull();
    expect(clampedRange(1, 1, 2)).toBeNull();
    expect(clampedRange(Number.NaN, 1, 2)).toBeNull();
  });

  it('Shift+arrow starts at the playhead, moves the far edge, crosses the playhead and stops at the clip ends', () => {
    const first = extendedSelection(null, 1, 0.1, 2);
    expect(first).toEqual({ startSec: 1, endSec: 1.1 });
    const longer = extendedSelection(first, 1, 0.1, 2)!;
    expect(longer.startSec).toBe(1);
    expect(longer.endSec).toBeCloseTo(1.2, 12);
    // Back past the playhead: the playhead becomes the end, and the far edge keeps moving left.
    const crossed = extendedSelection(extendedSelection(extendedSelection(longer, 1, -0.1, 2), 1, -0.1, 2), 1, -0.1, 2)!;
    expect(crossed.endSec).toBe(1);
    expect(crossed.startSec).toBeCloseTo(0.9, 12);
    expect(extendedSelection(crossed, 1, -0.1, 2)!.startSec).toBeCloseTo(0.8, 12);
    expect(extendedSelection(null, 1.95, 0.1, 2)).toEqual({ startSec: 1.95, endSec: 2 });
    expect(extendedSelection(null, 0, -0.1, 2)).toBeNull();
    // The playhead moved away from the selection: a new one starts there.
    expect(extendedSelection({ startSec: 0.2, endSec: 0.4 }, 1.5, 0.1, 2)).toEqual({ startSec: 1.5, endSec: 1.6 });
  });
});

describe('selection actions', () => {
  it('a drag lands clamped in the doc; undo brings back the selection before it', () => {
    const manager = ready();
    manager.dispatch(setSelection, { startSec: 1.2, endSec: 0.4 });
    manager.dispatch(setSelection, { startSec: 1.5, endSec: 9 });
    expect(selectionOf(manager.state)).toEqual({ startSec: 1.5, endSec: 2 });
    manager.undo();
    expect(selectionOf(manager.state)).toEqual({ startSec: 0.4, endSec: 1.2 });
  });

  it('Shift+arrow extends from the playhead through the dispatcher', () => {
    const manager = ready();
    manager.dispatch(extendSelection, { playheadSec: 0.5, deltaSec: 0.1 });
    manager.dispatch(extendSelection, { playheadSec: 0.5, deltaSec: 0.1 });
    expect(selectionOf(manager.state)?.startSec).toBe(0.5);
    expect(selectionOf(manager.state)?.endSec).toBeCloseTo(0.7, 12);
  });

  it('Escape clears the selection, but cancels a generation or dismisses a notice first', () => {
    const manager = ready();
    manager.dispatch(setSelection, { startSec: 0.5, endSec: 1 });
    manager.dispatch(generateStarted, 7);
    expect(clearSelection.keyTest!(escape, manager.state)).toBe(false);
    expect(manager.handleKey(escape)).toBe(true);
    expect(manager.state.job?.cancelling).toBe(true);
    expect(selectionOf(manager.state)).not.toBeNull();

    const noticed = ready();
    noticed.dispatch(setSelection, { startSec: 0.5, endSec: 1 });
    noticed.dispatch(rejectInput, 'something');
    expect(clearSelection.keyTest!(escape, noticed.state)).toBe(false);
    const quiet = { ...noticed.state, notice: null };
    expect(clearSelection.keyTest!(escape, quiet)).toBe(true);
    expect(clearSelection.keyTest!({ ...escape, inTextField: true }, quiet)).toBe(false);
    expect(selectionOf(clearSelection.perform(quiet).state)).toBeNull();
  });

  it('another video starts without the selection (it was drawn on the old timeline)', () => {
    const manager = ready();
    manager.dispatch(setSelection, { startSec: 0.5, endSec: 1 });
    manager.dispatch(videoOpened, { ...video, fileName: 'other.mp4', info: { ...video.info, durationSec: 1 } });
    expect(selectionOf(manager.state)).toBeNull();
  });

  it('the selection is saved with the project and comes back on restore', () => {
    const manager = ready();
    manager.dispatch(setSelection, { startSec: 0.25, endSec: 0.75 });
    const saved = structuredClone(toSavedProject({ ...manager.state, project: { ...manager.state.project, id: 'p' } }, null, 1));
    const restored = restoredState(initialState, saved, structuredClone(partsOf(manager.state)));
    expect(selectionOf(restored)).toEqual({ startSec: 0.25, endSec: 0.75 });
  });
});

describe('regionProblem', () => {
  it('names each reason a selection cannot be regenerated now', () => {
    const withSelection = (range: { startSec: number; endSec: number }, state: AppState) => ({ ...state, doc: { ...state.doc, selection: range } });
    const fine = withSelection({ startSec: 0.5, endSec: 1 }, ready().state);
    expect(regionProblem(fine)).toBeNull();
    expect(regionProblem({ ...fine, video: null })).toMatch(/Open a video/);
    expect(regionProblem({ ...fine, result: null })).toMatch(/Generate a take first/);
    expect(regionProblem({ ...fine, doc: { ...fine.doc, selection: null } })).toMatch(/Select a range first/);
    expect(regionProblem(ready().state)).toMatch(/Select a range first/);
    expect(regionProblem({ ...fine, job: { requestId: 1, progress: null, etaSec: null, etaLowerBound: false, cancelling: false } })).toMatch(/Wait for the current generation/);
    expect(regionProblem(withSelection({ startSec: 1.5, endSec: 2.5 }, fine))).toBe('The selection 1.50 s–2.50 s is outside the clip (0–2.00 s); select again.');
    expect(regionProblem(withSelection({ startSec: 1, endSec: 1.01 }, fine))).toBe(
      'The selection is 10.0 ms long; the model regenerates at least one latent frame (20.0 ms). Select a longer range.',
    );
    expect(regionProblem({ ...fine, result: { ...fine.result!, durationSec: 3 } })).toMatch(/another video/);
  });
});

describe('region takes', () => {
  it('a region of a plain generation: the whole take joins the list as A (still the result), the region take is B and sounds', () => {
    const manager = ready();
    const base = manager.state.result!;
    const seed = regionSeed(manager.state);
    expect(seed).toBe(2);
    manager.dispatch(regionTakeGenerated, { result: track(seed, 0.25), base, region: { startSec: 0.5, endSec: 1 }, seed, knownFrames: true });
    const { takes, result } = manager.state;
    expect(takes.items.map((t) => [t.rank, t.seed, t.region ?? null])).toEqual([
      [1, 1, null],
      [2, 2, { startSec: 0.5, endSec: 1, fromId: takes.items[0]!.id }],
    ]);
    expect(result).toBe(takes.items[0]);
    expect(result!.channels).toBe(base.channels);
    expect(takes.chosenId).toBe(takes.items[0]!.id);
    expect(takes.compareId).toBe(takes.items[1]!.id);
    expect(soundingTrack(manager.state)?.seed).toBe(2);
    expect(manager.state.notice).toBeNull();
    // The saver writes the chosen take once, inside the takes.
    expect(partsOf(manager.state).result).toBeNull();
  });

  it('a region of a searched take keeps the search and counts on; its ids never repeat a restored take id', () => {
    const manager = ready(null);
    const ranked = [2, 3].map((seed) => ({ seed, noise: [{ seed, weight: 1 }], scores: { avSync: 0.5, loudness: null, prompt: null, loudnessErrorLu: null, melFD: null }, total: 0.5, result: track(seed, seed) }));
    manager.dispatch(takesGenerated, { takes: ranked, durationSec: DURATION_SEC });
    // A project restored after a reload carries ids the page's counter is about to hand out again.
    const lastId = manager.state.takes.items[1]!.id;
    const restoredIds = [lastId + 1, lastId + 2];
    const restored = { ...manager.state, takes: { ...manager.state.takes, items: manager.state.takes.items.map((t, k) => ({ ...t, id: restoredIds[k]! })), chosenId: restoredIds[0]! } };
    const state = { ...restored, result: restored.takes.items[0]! };
    const next = regionTakeGenerated.perform(state, { result: track(4, 0), base: state.result, region: { startSec: 0, endSec: 0.5 }, seed: 4, knownFrames: true }).state;
    expect(next.takes.items).toHaveLength(3);
    const take = next.takes.items[2]!;
    expect(take.rank).toBe(3);
    expect(take.region?.fromId).toBe(restoredIds[0]);
    expect(restoredIds).not.toContain(take.id);
    expect(next.result).toBe(state.result);
  });

  it('with a pack without known frames the take says it was only crossfaded in', () => {
    const manager = ready();
    manager.dispatch(regionTakeGenerated, { result: track(2, 0), base: manager.state.result!, region: { startSec: 0.5, endSec: 1 }, seed: 2, knownFrames: false });
    expect(manager.state.notice).toEqual({ kind: 'info', message: expect.stringMatching(/cannot hear the audio around a region.*crossfaded in over 50 ms/) });
  });
});
