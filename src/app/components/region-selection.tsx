import { useRef, type PointerEvent } from 'react';
import { selectionOf, setSelection } from '../store/region-actions';
import { useAppState, useSession } from '../use-session';

/** A press that moves less than this is a click (seek), not a selection. */
const DRAG_THRESHOLD_PX = 4;

const OVERLAY_STYLE = { position: 'absolute', inset: 0, zIndex: 1, cursor: 'text', touchAction: 'none' } as const;
const SHADE_STYLE = { position: 'absolute', top: 0, bottom: 0, background: 'rgb(143 184 255 / 0.22)', borderLeft: '1px solid var(--accent)', borderRight: '1px solid var(--accent)', pointerEvents: 'none' } as const;

/**
 * Over the waveform lane: a drag selects a time range (shaded), a click seeks like the waveform would. It covers the
 * waveform, so it takes over wavesurfer's click-to-seek rather than letting both handle the press.
 */
export function RegionSelection({ durationSec }: { durationSec: number }) {
  const session = useSession();
  const selection = useAppState(selectionOf);
  const drag = useRef<{ fromSec: number; fromX: number; moved: boolean } | null>(null);
  const timeAt = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return box.width > 0 ? ((event.clientX - box.left) / box.width) * durationSec : 0;
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { fromSec: timeAt(event), fromX: event.clientX, moved: false };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const current = drag.current;
    if (!current || (!current.moved && Math.abs(event.clientX - current.fromX) < DRAG_THRESHOLD_PX)) return;
    current.moved = true;
    session.manager.dispatch(setSelection, { startSec: current.fromSec, endSec: timeAt(event) });
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    const current = drag.current;
    drag.current = null;
    if (current && !current.moved) session.playback.seek(timeAt(event));
  };
  const percent = (timeSec: number) => `${(timeSec / durationSec) * 100}%`;
  return (
    <div
      style={OVERLAY_STYLE}
      data-testid="region-overlay"
      aria-label="Drag to select a range to regenerate"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => (drag.current = null)}
    >
      {selection && durationSec > 0 && (
        <div
          style={{ ...SHADE_STYLE, left: percent(selection.startSec), width: percent(selection.endSec - selection.startSec) }}
          data-testid="region-selection"
          data-start-sec={selection.startSec}
          data-end-sec={selection.endSec}
        />
      )}
    </div>
  );
}
