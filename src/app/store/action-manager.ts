/**
 * The one dispatcher: UI events, keyboard shortcuts and engine replies all run actions through here. It owns the
 * zustand store and the undo history of the project.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Action, ActionResult, KeyStroke } from './action';
import { keyboardActions } from './actions';
import { initialState, type AppState, type ProjectDoc, type ReferenceSound, type WavFormat } from './state';

/** Undo steps kept; older ones are dropped. */
const HISTORY_LIMIT = 200;

/** Coalesced records further apart than this start a new undo step: a pause in typing ends the burst. */
export const TYPING_BURST_MS = 1000;

export type AppStore = StoreApi<AppState>;

/**
 * What undo restores. The reference recording is here although it lives outside `doc`: history holds references,
 * not copies, so a megabyte recording costs nothing extra per step.
 */
interface Snapshot {
  doc: ProjectDoc;
  reference: ReferenceSound | null;
  exportFormat: WavFormat;
  exportLoudnessLufs: number | null;
}

function snapshotOf(state: AppState): Snapshot {
  return { doc: state.doc, reference: state.reference, exportFormat: state.view.exportFormat, exportLoudnessLufs: state.view.exportLoudnessLufs };
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  return a.doc === b.doc && a.reference === b.reference && a.exportFormat === b.exportFormat && a.exportLoudnessLufs === b.exportLoudnessLufs;
}

function withSnapshot(state: AppState, { doc, reference, exportFormat, exportLoudnessLufs }: Snapshot): AppState {
  return { ...state, doc, reference, view: { ...state.view, exportFormat, exportLoudnessLufs } };
}

export class ActionManager {
  readonly store: AppStore;
  private readonly past: Snapshot[] = [];
  private readonly future: Snapshot[] = [];
  /** The last record that may absorb the next one with the same key. */
  private burst: { key: string; atMs: number } | null = null;

  /** `nowMs`: the clock typing bursts are measured on; tests pass their own. */
  constructor(
    state: AppState = initialState,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.store = createStore<AppState>()(() => state);
  }

  get state(): AppState {
    return this.store.getState();
  }

  dispatch<P>(action: Action<P>, payload: P): void {
    const before = this.store.getState();
    const result = action.perform(before, payload);
    if (result.state === before) return;
    if (result.capture === 'clear') this.clear();
    else if (result.capture === 'record') this.recordStep(before, result);
    this.store.setState(result.state, true);
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  undo(): void {
    const snapshot = this.past.pop();
    if (!snapshot) return;
    this.burst = null;
    this.future.push(snapshotOf(this.state));
    this.store.setState(withSnapshot(this.state, snapshot), true);
  }

  redo(): void {
    const snapshot = this.future.pop();
    if (!snapshot) return;
    this.burst = null;
    this.past.push(snapshotOf(this.state));
    this.store.setState(withSnapshot(this.state, snapshot), true);
  }

  /**
   * Runs the first keyboard action whose key test matches; returns whether one did, so the caller can preventDefault.
   * Undo and redo work in text fields too: every field is bound to the store, so the app's undo is the field's undo
   * (the browser's own would fight the controlled value and record its changes as new edits).
   */
  handleKey(stroke: KeyStroke): boolean {
    const command = (stroke.ctrlKey || stroke.metaKey) && !stroke.altKey;
    const key = stroke.key.toLowerCase();
    if (command && (key === 'z' || key === 'y')) {
      if (stroke.shiftKey || key === 'y') this.redo();
      else this.undo();
      return true;
    }
    const state = this.state;
    const action = keyboardActions.find((candidate) => candidate.keyTest?.(stroke, state));
    if (!action) return false;
    this.dispatch(action as Action<void>, undefined);
    return true;
  }

  private recordStep(before: AppState, result: ActionResult): void {
    const previous = snapshotOf(before);
    if (sameSnapshot(previous, snapshotOf(result.state))) return;
    const nowMs = this.nowMs();
    const key = result.coalesceKey;
    const continuesBurst = key !== undefined && this.burst?.key === key && nowMs - this.burst.atMs <= TYPING_BURST_MS && this.past.length > 0;
    this.burst = key === undefined ? null : { key, atMs: nowMs };
    this.future.length = 0;
    if (continuesBurst) return;
    this.past.push(previous);
    if (this.past.length > HISTORY_LIMIT) this.past.shift();
  }

  private clear(): void {
    this.past.length = 0;
    this.future.length = 0;
    this.burst = null;
  }
}
