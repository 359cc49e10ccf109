/**
 * Actions are plain data (Excalidraw style): a name, a label for menus and buttons, an optional key test, and a pure
 * `perform` that returns the next state plus how undo should record the change.
 */

import type { AppState } from './state';

/**
 * `record`: the change to the undoable part (see ActionManager) becomes one undo step; `skip`: not undoable (view,
 * engine, transient state); `clear`: the change starts a new history (another video, a restored or new project), so
 * undo can never put one video's curve onto another.
 */
export type UndoCapture = 'record' | 'skip' | 'clear';

export interface ActionResult {
  state: AppState;
  capture: UndoCapture;
  /**
   * Records that share a key and follow each other within a typing burst become one undo step (a prompt typed letter
   * by letter undoes as a whole, not one letter at a time).
   */
  coalesceKey?: string;
}

/** The part of a KeyboardEvent actions look at; keeps key tests testable without a DOM. */
export interface KeyStroke {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** True when focus is in a text field; shortcuts that would swallow typing must not fire. */
  inTextField: boolean;
}

export interface Action<P = void> {
  name: string;
  label: string;
  keyTest?: (stroke: KeyStroke, state: AppState) => boolean;
  perform: (state: AppState, payload: P) => ActionResult;
}

export function defineAction<P = void>(action: Action<P>): Action<P> {
  return Object.freeze(action);
}

export function skip(state: AppState): ActionResult {
  return { state, capture: 'skip' };
}

export function clearHistory(state: AppState): ActionResult {
  return { state, capture: 'clear' };
}

export function record(state: AppState, coalesceKey?: string): ActionResult {
  return coalesceKey === undefined ? { state, capture: 'record' } : { state, capture: 'record', coalesceKey };
}
