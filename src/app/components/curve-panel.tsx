import { useState } from 'react';
import { measuredCurveLufs } from '../measured-curve';
import { curvePointCount, type TargetCurve } from '../store/curve';
import { removeCurve, setCurveEnabled, setCurveFlat, setCurveFrom, setCurveLinked, smoothTargetCurve } from '../store/curve-actions';
import { useAppState, useSession } from '../use-session';

/** Target-loudness curve tools; the drawing itself happens on the loudness lanes of the timeline. */
export function CurvePanel() {
  const session = useSession();
  const manager = session.manager;
  const curve = useAppState((state) => state.doc.curve);
  const pack = useAppState((state) => state.engine.pack);
  const durationSec = useAppState((state) => state.video?.info.durationSec ?? 0);
  const result = useAppState((state) => state.result);
  // Undo/redo availability lives in the manager; every undoable change replaces `doc`, so re-render on it.
  useAppState((state) => state.doc);
  const [flatText, setFlatText] = useState('-30');
  if (!pack || durationSec === 0) return null;
  const shape = { channelCount: pack.channels, pointCount: curvePointCount(durationSec, pack.curveRate) };
  return (
    <section className="panel" aria-label="Target loudness">
      <h2 className="panel-title">Target loudness</h2>
      <div className="field-row">
        <label className="field">
          <span>Flat level (LUFS)</span>
          <input data-testid="curve-flat-lufs" type="number" step={1} value={flatText} onChange={(event) => setFlatText(event.currentTarget.value)} />
        </label>
        <button type="button" data-testid="curve-flat" onClick={() => manager.dispatch(setCurveFlat, { ...shape, lufs: Number.parseFloat(flatText) })}>
          Set flat
        </button>
      </div>
      {result && (
        <div className="button-row">
          <button type="button" data-testid="curve-from-predicted" onClick={() => manager.dispatch(setCurveFrom, { ...shape, source: result.predictedCurveLufs })}>
            From prediction
          </button>
          <button type="button" onClick={() => manager.dispatch(setCurveFrom, { ...shape, source: measuredCurveLufs(result, pack.curveRate) })}>
            From generated
          </button>
        </div>
      )}
      {curve && <CurveTools curve={curve} stereo={pack.channels === 2} />}
      <div className="button-row">
        <button type="button" data-testid="undo" disabled={!manager.canUndo} title="Undo (Ctrl+Z)" onClick={() => manager.undo()}>
          Undo
        </button>
        <button type="button" data-testid="redo" disabled={!manager.canRedo} title="Redo (Ctrl+Shift+Z)" onClick={() => manager.redo()}>
          Redo
        </button>
      </div>
      <p className="hint">Draw freehand on the L/R loudness lanes below the waveform, or drag a single point. Range −70 to 0 LUFS.</p>
    </section>
  );
}

/** Edits of an existing curve. */
function CurveTools({ curve, stereo }: { curve: TargetCurve; stereo: boolean }) {
  const manager = useSession().manager;
  return (
    <>
      <div className="button-row">
        <button type="button" data-testid="curve-smooth" onClick={() => manager.dispatch(smoothTargetCurve, undefined)}>
          Smooth
        </button>
        <button type="button" onClick={() => manager.dispatch(removeCurve, undefined)}>
          Remove
        </button>
      </div>
      <label className="check">
        <input type="checkbox" data-testid="curve-enabled" checked={curve.enabled} onChange={(event) => manager.dispatch(setCurveEnabled, event.currentTarget.checked)} />
        Use for generation
      </label>
      {stereo && (
        <label className="check">
          <input type="checkbox" data-testid="curve-linked" checked={curve.linked} onChange={(event) => manager.dispatch(setCurveLinked, event.currentTarget.checked)} />
          Link L/R
        </label>
      )}
    </>
  );
}
