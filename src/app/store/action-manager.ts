/**
 * The one dispatcher: UI events, keyboard shortcuts and engine replies all run actions through here. It owns the
 * zustand store and the undo history of the project document.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Action, KeyStroke } from './action';
import { keyboardActions } from './actions';
import { initialState, type AppState, type ProjectDoc } from './state';

/** Undo steps kept; older ones are dropped. */
const HISTORY_LIMIT = 200;

export type AppStore = StoreApi<AppState>;

export class ActionManager {
  readonly store: AppStore;
  private readonly past: ProjectDoc[] = [];
  private readonly future: ProjectDoc[] = [];

  constructor(state: AppState = initialState) {
    this.store = createStore<AppState>()(() => state);
  }

  get state(): AppState {
    return this.store.getState();
  }

  dispatch<P>(action: Action<P>, payload: P): void {
    const before = this.store.getState();
    const { state, capture } = action.perform(before, payload);
    if (state === before) return;
    if (capture === 'record' && state.doc !== before.doc) {
      this.past.push(before.doc);
      if (this.past.length > HISTORY_LIMIT) this.past.shift();
      this.future.length = 0;
    }
    this.store.setState(state, true);
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  undo(): void {
    const doc = this.past.pop();
    if (!doc) return;
    this.future.push(this.state.doc);
    this.store.setState({ ...this.state, doc }, true);
  }

  redo(): void {
    const doc = this.future.pop();
    if (!doc) return;
    this.past.push(this.state.doc);
    this.store.setState({ ...this.state, doc }, true);
  }

  /** Runs the first keyboard action whose key test matches; returns whether one did, so the caller can preventDefault. */
  handleKey(stroke: KeyStroke): boolean {
    if ((stroke.ctrlKey || stroke.metaKey) && !stroke.altKey && stroke.key.toLowerCase() === 'z' && !stroke.inTextField) {
      if (stroke.shiftKey) this.redo();
      else this.undo();
      return true;
    }
    const state = this.state;
    const action = keyboardActions.find((candidate) => candidate.keyTest?.(stroke, state));
    if (!action) return false;
    this.dispatch(action as Action<void>, undefined);
    return true;
  }
}
