import { useEffect, useRef } from 'react';
import { togglePlay, zoomIn, zoomOut } from '../store/actions';
import { useAppState, useSession } from '../use-session';

export function formatTime(timeSec: number): string {
  const minutes = Math.floor(timeSec / 60);
  const seconds = timeSec - minutes * 60;
  return `${minutes}:${seconds.toFixed(2).padStart(5, '0')}`;
}

/** Play/pause, the clock and zoom. The clock reads the video element every frame instead of going through state. */
export function Transport() {
  const session = useSession();
  const playing = useAppState((state) => state.view.playing);
  const durationSec = useAppState((state) => state.video?.info.durationSec ?? 0);
  const clock = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    let frame = 0;
    const tick = () => {
      if (clock.current) clock.current.textContent = formatTime(session.playback.currentTimeSec);
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [session]);
  const dispatch = session.manager.dispatch.bind(session.manager);
  return (
    <div className="transport" role="toolbar" aria-label="Playback">
      <button type="button" className="play" data-testid="play" aria-pressed={playing} title={`${togglePlay.label} (Space)`} onClick={() => dispatch(togglePlay, undefined)}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <span className="clock">
        <span ref={clock} data-testid="clock">
          0:00.00
        </span>{' '}
        / {formatTime(durationSec)}
      </span>
      <span className="spacer" />
      <button type="button" className="ghost" title={`${zoomOut.label} (−)`} aria-label={zoomOut.label} onClick={() => dispatch(zoomOut, undefined)}>
        −
      </button>
      <button type="button" className="ghost" title={`${zoomIn.label} (+)`} aria-label={zoomIn.label} onClick={() => dispatch(zoomIn, undefined)}>
        +
      </button>
    </div>
  );
}
