import { useEffect } from 'react';
import type { KeyStroke } from '../store/action';
import { clearSelection, extendSelection, regionProblem, SELECTION_STEP_SEC, selectionOf } from '../store/region-actions';
import { useAppState, useSession } from '../use-session';

function keyStrokeOf(event: KeyboardEvent): KeyStroke {
  const target = event.target as HTMLElement | null;
  const inTextField = target !== null && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  return { key: event.key, code: event.code, ctrlKey: event.ctrlKey, metaKey: event.metaKey, shiftKey: event.shiftKey, altKey: event.altKey, inTextField };
}

/**
 * Selection keys: Shift+←/→ extends the selection from the playhead (held down it keeps going), R regenerates it,
 * Esc clears it. Apart from the app's keyboard actions because extending reads the playhead, which lives in the
 * playback clock, not in the store.
 */
function useRegionKeys(): void {
  const session = useSession();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const stroke = keyStrokeOf(event);
      if (event.defaultPrevented || stroke.inTextField || stroke.ctrlKey || stroke.metaKey || stroke.altKey) return;
      if (stroke.shiftKey && (stroke.key === 'ArrowLeft' || stroke.key === 'ArrowRight')) {
        const deltaSec = stroke.key === 'ArrowLeft' ? -SELECTION_STEP_SEC : SELECTION_STEP_SEC;
        session.manager.dispatch(extendSelection, { playheadSec: session.playback.currentTimeSec, deltaSec });
      } else if (!stroke.shiftKey && stroke.key.toLowerCase() === 'r' && !event.repeat) {
        session.regenerateSelection();
      } else if (clearSelection.keyTest!(stroke, session.manager.state)) {
        session.manager.dispatch(clearSelection, undefined);
      } else {
        return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [session]);
}

const seconds = (value: number) => value.toFixed(2);

/** Above the timeline: the selection, Regenerate selection and Clear. */
export function RegionBar() {
  useRegionKeys();
  const session = useSession();
  const selection = useAppState(selectionOf);
  const problem = useAppState(regionProblem);
  return (
    <div className="region-bar" data-testid="region-bar" style={{ display: 'flex', alignItems: 'center', gap: '8px', padding: '4px 0' }}>
      <span className="hint" data-testid="selection-label">
        {selection
          ? `Selection ${seconds(selection.startSec)}–${seconds(selection.endSec)} s (${seconds(selection.endSec - selection.startSec)} s)`
          : 'Drag on the generated audio (or Shift+←/→ from the playhead) to select a range to regenerate.'}
      </span>
      <span style={{ flex: 1 }} />
      {selection && (
        <button type="button" className="ghost" data-testid="clear-selection" title={`${clearSelection.label} (Esc)`} onClick={() => session.manager.dispatch(clearSelection, undefined)}>
          Clear
        </button>
      )}
      <button
        type="button"
        data-testid="regenerate-selection"
        title={problem ?? 'Regenerate the selected range of the take in use; the rest stays as it is (R)'}
        onClick={() => session.regenerateSelection()}
      >
        Regenerate selection
      </button>
    </div>
  );
}
