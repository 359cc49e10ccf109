/**
 * Actions are plain data (Excalidraw style): a name, a label for menus and buttons, an optional key test, and a pure
 * `perform` that returns the next state plus how undo should record the change.
 */

import type { AppState } from './state';

/** `record`: the change to `doc` becomes one undo step; `skip`: not undoable (view, engine, transient state). */
export type UndoCapture = 'record' | 'skip';

export interface ActionResult {
  state: AppState;
  capture: UndoCapture;
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

export function record(state: AppState): ActionResult {
  return { state, capture: 'record' };
}
