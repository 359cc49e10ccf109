import { describe, expect, it } from 'vitest';
import { ActionManager } from './action-manager';
import { curveFrom, curvePointCount, flatCurve, linkCurve, lufsProblem, paintCurve, smoothCurve } from './curve';
import { paintCurveStroke, setCurveFlat } from './curve-actions';

describe('target curve', () => {
  it('sizes curves to the video at the pack rate', () => {
    expect(curvePointCount(1.5, 6)).toBe(9);
    expect(curvePointCount(0, 6)).toBe(1);
  });

  it('paints a gap-free segment on both channels when linked, on one when not', () => {
    const curve = flatCurve(2, 6, -30);
    const painted = paintCurve(curve, { channel: 1, fromIndex: 1, fromLufs: -20, toIndex: 4, toLufs: -50 });
    expect(painted.lufs[0]).toEqual([-30, -20, -30, -40, -50, -30]);
    expect(painted.lufs[1]).toEqual(painted.lufs[0]);
    const single = paintCurve(linkCurve(curve, false), { channel: 1, fromIndex: 5, fromLufs: -90, toIndex: 5, toLufs: 10 });
    expect(single.lufs[0][5]).toBe(-30);
    expect(single.lufs[1][5]).toBe(0);
  });

  it('smooths with a [1 2 1] kernel and keeps the range', () => {
    const curve = { lufs: [[-60, -20, -60]], linked: true, enabled: true };
    expect(smoothCurve(curve).lufs[0]).toEqual([-50, -40, -50]);
  });

  it('resamples a predicted curve and clamps it to −70..0', () => {
    const curve = curveFrom([[-80, 10]], 2, 3);
    expect(curve.lufs).toEqual([[-70, -35, 0], [-70, -35, 0]]);
  });

  it('refuses levels outside −70..0 LUFS with a message, without an undo step', () => {
    expect(lufsProblem(-23)).toBeNull();
    expect(lufsProblem(-75)).toMatch(/outside .* from -70 to 0 LUFS/);
    const manager = new ActionManager();
    manager.dispatch(setCurveFlat, { channelCount: 2, pointCount: 4, lufs: 3 });
    expect(manager.state.doc.curve).toBeNull();
    expect(manager.state.notice?.kind).toBe('error');
    expect(manager.canUndo).toBe(false);
  });

  it('records one undo step per stroke', () => {
    const manager = new ActionManager();
    manager.dispatch(setCurveFlat, { channelCount: 1, pointCount: 4, lufs: -30 });
    manager.dispatch(paintCurveStroke, { phase: 'start', channel: 0, fromIndex: 0, fromLufs: -10, toIndex: 0, toLufs: -10 });
    manager.dispatch(paintCurveStroke, { phase: 'move', channel: 0, fromIndex: 0, fromLufs: -10, toIndex: 3, toLufs: -40 });
    expect(manager.state.doc.curve?.lufs[0]).toEqual([-10, -20, -30, -40]);
    manager.undo();
    expect(manager.state.doc.curve?.lufs[0]).toEqual([-30, -30, -30, -30]);
    manager.undo();
    expect(manager.state.doc.curve).toBeNull();
  });
});
