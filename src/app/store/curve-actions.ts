/** Target-curve editing. Every edit is one undo step; a freehand stroke records once, at its start. */

import { defineAction, record, skip } from './action';
import { curveFrom, flatCurve, linkCurve, lufsProblem, paintCurve, smoothCurve, type CurveStroke, type TargetCurve } from './curve';
import type { AppState } from './state';

function withCurve(state: AppState, curve: TargetCurve | null): AppState {
  return { ...state, doc: { ...state.doc, curve } };
}

function edit(state: AppState, change: (curve: TargetCurve) => TargetCurve): AppState {
  return state.doc.curve ? withCurve(state, change(state.doc.curve)) : state;
}

export const setCurveFlat = defineAction<{ channelCount: number; pointCount: number; lufs: number }>({
  name: 'setCurveFlat',
  label: 'Flat curve',
  perform: (state, { channelCount, pointCount, lufs }) => {
    const problem = lufsProblem(lufs);
    if (problem) return skip({ ...state, notice: { kind: 'error', message: problem } });
    return record(withCurve(state, flatCurve(channelCount, pointCount, lufs)));
  },
});

/** Starts from a curve the engine predicted or the meter measured. */
export const setCurveFrom = defineAction<{ source: readonly (readonly number[] | Float32Array)[]; channelCount: number; pointCount: number }>({
  name: 'setCurveFrom',
  label: 'Curve from track',
  perform: (state, { source, channelCount, pointCount }) => record(withCurve(state, curveFrom(source, channelCount, pointCount))),
});

export const paintCurveStroke = defineAction<CurveStroke & { phase: 'start' | 'move' }>({
  name: 'paintCurveStroke',
  label: 'Draw curve',
  perform: (state, { phase, ...stroke }) => {
    const next = edit(state, (curve) => paintCurve(curve, stroke));
    return phase === 'start' ? record(next) : skip(next);
  },
});

export const smoothTargetCurve = defineAction({
  name: 'smoothTargetCurve',
  label: 'Smooth',
  perform: (state) => record(edit(state, smoothCurve)),
});

export const setCurveLinked = defineAction<boolean>({
  name: 'setCurveLinked',
  label: 'Link L/R',
  perform: (state, linked) => record(edit(state, (curve) => linkCurve(curve, linked))),
});

export const setCurveEnabled = defineAction<boolean>({
  name: 'setCurveEnabled',
  label: 'Use target curve',
  perform: (state, enabled) => record(edit(state, (curve) => ({ ...curve, enabled }))),
});

export const removeCurve = defineAction({
  name: 'removeCurve',
  label: 'Remove curve',
  perform: (state) => record(withCurve(state, null)),
});
